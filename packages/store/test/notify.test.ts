import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeReply } from '@redisraft-wasm/resp';
import { EXPIRED_KEYS, Notify, Store, keyspaceEventsToString, parseKeyspaceEvents } from '../src/index.js';

const now = 1_700_000_000_000;

/** A store whose published messages are collected as "channel message" lines (sharded ones prefixed with S). */
function recording(flags: string): { store: Store; got: string[] } {
  const store = new Store();
  const got: string[] = [];
  store.events.flags = parseKeyspaceEvents(flags)!;
  store.events.sink = { publish: (ch, msg, sharded) => { got.push(`${sharded ? 'S ' : ''}${ch.toString('latin1')} ${msg.toString('latin1')}`); return 7; } };
  return { store, got };
}

function run(store: Store, atMs: number, ...args: string[]): string {
  return encodeReply(store.execute(args.map((a) => Buffer.from(a, 'latin1')), { nowMs: atMs, seed: 1 }), 2).toString('latin1');
}

test('notify-keyspace-events: parsed and printed back as Redis 7 does (values checked against redis-server)', () => {
  const cases: [string, string][] = [
    ['KEA', 'AKE'], ['AKEn', 'AKE'], ['Ex$', '$xE'], ['gn', 'gn'], ['', ''], ['m', 'm'], ['Kd', 'dK'],
    ['Ag$lshzxeKEtmdn', 'AKEm'], ['g$lshzxetd', 'A'], ['g$lshzxetdn', 'A'], ['E', 'E'], ['Kx', 'xK'], ['zhs$gl', 'g$lshz'], ['Ad', 'A'],
  ];
  for (const [given, printed] of cases) assert.is(keyspaceEventsToString(parseKeyspaceEvents(given)!), printed, given);
  assert.is(parseKeyspaceEvents('KEq'), null);
  assert.is(parseKeyspaceEvents('é'), null);
  assert.is(parseKeyspaceEvents('A')! & Notify.keyMiss, 0, 'A leaves out m');
  assert.is(parseKeyspaceEvents('A')! & Notify.new, 0, 'A leaves out n');
  assert.is(parseKeyspaceEvents('AKEn')! & Notify.new, Notify.new, 'n is kept even though the printer hides it behind A');
});

test('PUBLISH and SPUBLISH go to the sink and answer its receiver count', () => {
  const { store, got } = recording('');
  assert.is(run(store, now, 'PUBLISH', 'ch', 'hello'), ':7\r\n');
  assert.is(run(store, now, 'SPUBLISH', '{t}ch', 'x'), ':7\r\n');
  assert.equal(got, ['ch hello', 'S {t}ch x']);
  assert.is(run(new Store(), now, 'PUBLISH', 'ch', 'm'), ':0\r\n', 'a store with no sink has no receivers');
  assert.is(run(store, now, 'PUBLISH', 'ch'), "-ERR wrong number of arguments for 'publish' command\r\n");
  assert.is(store.spec('publish')!.flags.includes('may_replicate'), true);
});

test('PUBLISH cannot run as a read outside the log', () => {
  const store = new Store();
  const r = store.execute([Buffer.from('PUBLISH'), Buffer.from('c'), Buffer.from('m')], { nowMs: now, seed: 1, readOnly: true });
  assert.is(r.kind, 'error');
});

test('with notifications off the sink is never called', () => {
  const store = new Store();
  let calls = 0;
  store.events.sink = { publish: () => ++calls };
  for (const cmd of [['SET', 'k', 'v'], ['LPUSH', 'l', 'a'], ['DEL', 'k'], ['PEXPIRE', 'l', '5']]) run(store, now, ...cmd);
  run(store, now + 10, 'LPUSH', 'l', 'b');
  assert.is(calls, 0);
});

test('keyspace and keyevent channels carry the event and the key; the flags choose which', () => {
  const both = recording('KEA');
  run(both.store, now, 'SET', 'k', 'v');
  assert.equal(both.got, ['__keyspace@0__:k set', '__keyevent@0__:set k']);
  const events = recording('E$');
  run(events.store, now, 'SET', 'k', 'v');
  run(events.store, now, 'DEL', 'k');
  assert.equal(events.got, ['__keyevent@0__:set k'], 'g is off: no del');
  const keyspace = recording('Kg');
  run(keyspace.store, now, 'SET', 'k', 'v');
  run(keyspace.store, now, 'DEL', 'k');
  assert.equal(keyspace.got, ['__keyspace@0__:k del']);
  const classOnly = recording('A');
  run(classOnly.store, now, 'SET', 'k', 'v');
  assert.equal(classOnly.got, [], 'without K or E nothing is published');
});

test('expired keys: lazy expiry in a write and the active-expiry entry announce "expired"; new keys "new"', () => {
  const { store, got } = recording('KEA');
  run(store, now, 'SET', 'a', '1', 'PX', '10');
  run(store, now, 'SET', 'b', '1', 'PX', '10');
  got.length = 0;
  run(store, now + 20, 'APPEND', 'a', 'x');
  assert.equal(got, ['__keyspace@0__:a expired', '__keyevent@0__:expired a', '__keyspace@0__:a append', '__keyevent@0__:append a']);
  got.length = 0;
  store.execute([EXPIRED_KEYS, Buffer.from('b')], { nowMs: now + 20, seed: 0 });
  assert.equal(got, ['__keyspace@0__:b expired', '__keyevent@0__:expired b']);
  const fresh = recording('En');
  run(fresh.store, now, 'SET', 'k', 'v');
  run(fresh.store, now, 'SET', 'k', 'w');
  assert.equal(fresh.got, ['__keyevent@0__:new k'], 'only the first SET creates the key');
});

test.run();
