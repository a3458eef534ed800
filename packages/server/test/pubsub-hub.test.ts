import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeReply, type Reply } from '@redisraft-wasm/resp';
import { PubSubHub, type Subscriber } from '../src/pubsub/hub.js';
import { plainReply } from './plain-reply.js';

/** A subscriber that keeps what it was sent, as plain data. */
class Recorder implements Subscriber {
  readonly got: unknown[] = [];
  readonly frames: Reply[] = [];
  push(m: Reply): void {
    this.frames.push(m);
    this.got.push(plainReply(m));
  }
}

const B = (...xs: string[]) => xs.map((x) => Buffer.from(x, 'latin1'));
const plain = (rs: Reply[]) => rs.map(plainReply);

test('confirmations count channels and patterns together, shard channels on their own; a repeat confirms again', () => {
  const hub = new PubSubHub();
  const c = new Recorder();
  assert.equal(plain(hub.subscribe(c, 'channel', B('a', 'b'))), [['subscribe', 'a', 1], ['subscribe', 'b', 2]]);
  assert.equal(plain(hub.subscribe(c, 'channel', B('a'))), [['subscribe', 'a', 2]]);
  assert.equal(plain(hub.subscribe(c, 'pattern', B('n*'))), [['psubscribe', 'n*', 3]]);
  assert.equal(plain(hub.subscribe(c, 'shard', B('s1', 's2'))), [['ssubscribe', 's1', 1], ['ssubscribe', 's2', 2]]);
  assert.equal(hub.countsOf(c), { channels: 2, patterns: 1, shard: 2 });
  assert.is(hub.isSubscribed(c), true);
  assert.is(hub.isSubscribed(new Recorder()), false);
});

test('a message goes to the channel\'s subscribers, then to each matching pattern\'s; receivers counted per subscription', () => {
  const hub = new PubSubHub();
  const exact = new Recorder(), both = new Recorder(), other = new Recorder();
  hub.subscribe(exact, 'channel', B('news.uk'));
  hub.subscribe(both, 'channel', B('news.uk'));
  hub.subscribe(both, 'pattern', B('news.*', 'n?ws.[u]k', 'sport.*'));
  hub.subscribe(other, 'channel', B('weather'));
  assert.is(hub.publish(Buffer.from('news.uk'), Buffer.from('hello'), false), 4);
  assert.equal(exact.got, [['message', 'news.uk', 'hello']]);
  assert.equal(both.got, [['message', 'news.uk', 'hello'], ['pmessage', 'news.*', 'news.uk', 'hello'], ['pmessage', 'n?ws.[u]k', 'news.uk', 'hello']]);
  assert.equal(other.got, []);
  assert.is(hub.publish(Buffer.from('nobody'), Buffer.from('x'), false), 0);
  assert.is(encodeReply(both.frames[0]!, 3).toString('latin1'), '>3\r\n$7\r\nmessage\r\n$7\r\nnews.uk\r\n$5\r\nhello\r\n', 'a RESP3 push frame');
  assert.is(encodeReply(both.frames[0]!, 2).toString('latin1'), '*3\r\n$7\r\nmessage\r\n$7\r\nnews.uk\r\n$5\r\nhello\r\n', 'a RESP2 array');
});

test('shard channels: smessage to shard subscribers only, patterns ignored, plain channels of the same name untouched', () => {
  const hub = new PubSubHub();
  const shard = new Recorder(), plainSub = new Recorder();
  hub.subscribe(shard, 'shard', B('{u1}inbox'));
  hub.subscribe(plainSub, 'channel', B('{u1}inbox'));
  hub.subscribe(plainSub, 'pattern', B('*'));
  assert.is(hub.publish(Buffer.from('{u1}inbox'), Buffer.from('m'), true), 1);
  assert.equal(shard.got, [['smessage', '{u1}inbox', 'm']]);
  assert.equal(plainSub.got, []);
  assert.is(hub.publish(Buffer.from('{u1}inbox'), Buffer.from('p'), false), 2);
  assert.equal(shard.got.length, 1, 'PUBLISH does not reach shard subscribers');
});

test('binary channel names and messages pass unchanged', () => {
  const hub = new PubSubHub();
  const c = new Recorder();
  const ch = Buffer.from([0, 0xff, 13, 10]);
  hub.subscribe(c, 'channel', [ch]);
  assert.is(hub.publish(Buffer.from(ch), Buffer.from([1, 2, 0]), false), 1);
  assert.equal(c.got, [['message', '\0\xff\r\n', '\x01\x02\0']]);
});

test('unsubscribe: named ones (subscribed or not), all of a kind, or nil when there are none; counts after each', () => {
  const hub = new PubSubHub();
  const c = new Recorder();
  assert.equal(plain(hub.unsubscribe(c, 'channel', [])), [['unsubscribe', null, 0]], 'subscribed to nothing');
  assert.equal(plain(hub.unsubscribe(c, 'pattern', B('x'))), [['punsubscribe', 'x', 0]]);
  hub.subscribe(c, 'channel', B('a', 'b', 'c'));
  hub.subscribe(c, 'pattern', B('p*'));
  hub.subscribe(c, 'shard', B('s'));
  assert.equal(plain(hub.unsubscribe(c, 'channel', B('b', 'zz'))), [['unsubscribe', 'b', 3], ['unsubscribe', 'zz', 3]]);
  assert.equal(plain(hub.unsubscribe(c, 'channel', [])), [['unsubscribe', 'a', 2], ['unsubscribe', 'c', 1]]);
  assert.equal(plain(hub.unsubscribe(c, 'channel', [])), [['unsubscribe', null, 1]]);
  assert.equal(plain(hub.unsubscribe(c, 'pattern', [])), [['punsubscribe', 'p*', 0]]);
  assert.is(hub.isSubscribed(c), true, 'still on a shard channel');
  assert.equal(plain(hub.unsubscribe(c, 'shard', [])), [['sunsubscribe', 's', 0]]);
  assert.is(hub.isSubscribed(c), false);
  assert.is(hub.publish(Buffer.from('a'), Buffer.from('x'), false), 0);
});

test('PUBSUB views: active channels (with a pattern), subscribers per channel, distinct patterns; forget() clears a client', () => {
  const hub = new PubSubHub();
  const c1 = new Recorder(), c2 = new Recorder();
  hub.subscribe(c1, 'channel', B('news.uk', 'news.fr', 'sport'));
  hub.subscribe(c2, 'channel', B('news.uk'));
  hub.subscribe(c1, 'pattern', B('a*', 'b*'));
  hub.subscribe(c2, 'pattern', B('a*'));
  hub.subscribe(c2, 'shard', B('s1'));
  assert.equal(hub.activeChannels(false).map(String).sort(), ['news.fr', 'news.uk', 'sport']);
  assert.equal(hub.activeChannels(false, Buffer.from('news.*')).map(String).sort(), ['news.fr', 'news.uk']);
  assert.equal(hub.activeChannels(true).map(String), ['s1']);
  assert.is(hub.subscriberCount(false, Buffer.from('news.uk')), 2);
  assert.is(hub.subscriberCount(false, Buffer.from('nope')), 0);
  assert.is(hub.subscriberCount(true, Buffer.from('s1')), 1);
  assert.is(hub.subscriberCount(false, Buffer.from('s1')), 0);
  assert.is(hub.patternCount, 2);
  hub.forget(c1);
  assert.is(hub.isSubscribed(c1), false);
  assert.equal(hub.activeChannels(false).map(String), ['news.uk'], 'channels nobody listens to are gone');
  assert.is(hub.patternCount, 1);
  hub.forget(c2);
  assert.equal(hub.activeChannels(true), []);
  assert.is(hub.patternCount, 0);
  assert.is(hub.publish(Buffer.from('news.uk'), Buffer.from('x'), false), 0);
  hub.forget(c2);
});

test.run();
