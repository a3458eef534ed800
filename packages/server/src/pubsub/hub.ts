// One node's Pub/Sub state (Redis pubsub.c): channel -> subscribers,
// pattern -> subscribers, shard channel -> subscribers, and each client's
// own subscriptions. The store publishes into it as it applies PUBLISH and
// keyspace events; it delivers to the connections of this node only.
import { NIL, bulk, int, push, type PushReply, type Reply } from '@redisraft-wasm/resp';
import { globMatch, type PubSubSink } from '@redisraft-wasm/store';

/** What the hub delivers to: a client connection, or a test's recorder. */
export interface Subscriber {
  /** Sends a Pub/Sub message (a RESP3 push frame, a RESP2 array) to the client, in order with its replies. */
  push(message: Reply): void;
}

/** The three kinds of subscription, each with its own commands and reply words. */
export type SubscriptionKind = 'channel' | 'pattern' | 'shard';

interface Words {
  readonly subscribe: Reply;
  readonly unsubscribe: Reply;
}

const WORDS: Readonly<Record<SubscriptionKind, Words>> = {
  channel: { subscribe: bulk('subscribe'), unsubscribe: bulk('unsubscribe') },
  pattern: { subscribe: bulk('psubscribe'), unsubscribe: bulk('punsubscribe') },
  shard: { subscribe: bulk('ssubscribe'), unsubscribe: bulk('sunsubscribe') },
};
const MESSAGE = bulk('message');
const PMESSAGE = bulk('pmessage');
const SMESSAGE = bulk('smessage');

/** Subscribers of one channel (or pattern), in subscription order; `name` is the bytes as given. */
interface Topic {
  readonly name: Buffer;
  readonly subscribers: Set<Subscriber>;
}

/** One client's subscriptions by kind, names as latin1 strings (one char per byte: binary-safe). */
type ClientSubscriptions = Record<SubscriptionKind, Map<string, Buffer>>;

export class PubSubHub implements PubSubSink {
  private readonly topics: Record<SubscriptionKind, Map<string, Topic>> = { channel: new Map(), pattern: new Map(), shard: new Map() };
  private readonly clients = new Map<Subscriber, ClientSubscriptions>();

  /** (P|S)SUBSCRIBE: one confirmation per name, with the client's count after it. */
  subscribe(s: Subscriber, kind: SubscriptionKind, names: readonly Buffer[]): PushReply[] {
    let mine = this.clients.get(s);
    if (!mine) {
      mine = { channel: new Map(), pattern: new Map(), shard: new Map() };
      this.clients.set(s, mine);
    }
    const out: PushReply[] = [];
    for (const name of names) {
      const k = name.toString('latin1');
      if (!mine[kind].has(k)) {
        mine[kind].set(k, name);
        let topic = this.topics[kind].get(k);
        if (!topic) {
          topic = { name, subscribers: new Set() };
          this.topics[kind].set(k, topic);
        }
        topic.subscribers.add(s);
      }
      out.push(push([WORDS[kind].subscribe, bulk(name), int(countOf(mine, kind))]));
    }
    return out;
  }

  /**
   * (P|S)UNSUBSCRIBE: one confirmation per name (subscribed or not), or with
   * no names one per subscription of that kind; subscribed to none of them,
   * a single confirmation with a nil name.
   */
  unsubscribe(s: Subscriber, kind: SubscriptionKind, names: readonly Buffer[]): PushReply[] {
    const mine = this.clients.get(s);
    const targets = names.length > 0 ? names : [...(mine?.[kind].values() ?? [])];
    const out: PushReply[] = [];
    for (const name of targets) {
      if (mine) this.drop(s, mine, kind, name.toString('latin1'));
      out.push(push([WORDS[kind].unsubscribe, bulk(name), int(mine ? countOf(mine, kind) : 0)]));
    }
    if (out.length === 0) out.push(push([WORDS[kind].unsubscribe, NIL, int(mine ? countOf(mine, kind) : 0)]));
    if (mine && total(mine) === 0) this.clients.delete(s);
    return out;
  }

  /** A closed connection or RESET: every subscription goes, without confirmations. */
  forget(s: Subscriber): void {
    const mine = this.clients.get(s);
    if (!mine) return;
    for (const kind of ['channel', 'pattern', 'shard'] as const) for (const k of [...mine[kind].keys()]) this.drop(s, mine, kind, k);
    this.clients.delete(s);
  }

  private drop(s: Subscriber, mine: ClientSubscriptions, kind: SubscriptionKind, k: string): void {
    if (!mine[kind].delete(k)) return;
    const topic = this.topics[kind].get(k)!;
    topic.subscribers.delete(s);
    // No subscriber left: the channel goes, so abandoned channels cost nothing (Redis does the same).
    if (topic.subscribers.size === 0) this.topics[kind].delete(k);
  }

  /** Whether the client is subscribed to anything (Redis's CLIENT_PUBSUB flag: RESP2 restricts its commands). */
  isSubscribed(s: Subscriber): boolean {
    return this.clients.size > 0 && this.clients.has(s);
  }

  /** For CLIENT LIST: sub, psub and ssub. */
  countsOf(s: Subscriber): { channels: number; patterns: number; shard: number } {
    const mine = this.clients.get(s);
    return { channels: mine?.channel.size ?? 0, patterns: mine?.pattern.size ?? 0, shard: mine?.shard.size ?? 0 };
  }

  /**
   * Delivers to this node's subscribers: the channel's, then (not for shard
   * channels) each matching pattern's. Returns the deliveries made, a client
   * counted once per subscription that matched, as Redis counts.
   */
  publish(channel: Buffer, message: Buffer, sharded: boolean): number {
    if (this.clients.size === 0) return 0;
    let receivers = 0;
    const kind = sharded ? 'shard' : 'channel';
    const topic = this.topics[kind].get(channel.toString('latin1'));
    if (topic) {
      const m = push([sharded ? SMESSAGE : MESSAGE, bulk(channel), bulk(message)]);
      for (const s of topic.subscribers) {
        s.push(m);
        receivers++;
      }
    }
    if (sharded) return receivers;
    for (const p of this.topics.pattern.values()) {
      if (!globMatch(p.name, channel)) continue;
      const m = push([PMESSAGE, bulk(p.name), bulk(channel), bulk(message)]);
      for (const s of p.subscribers) {
        s.push(m);
        receivers++;
      }
    }
    return receivers;
  }

  /** PUBSUB CHANNELS / SHARDCHANNELS: channels with a subscriber on this node, matching the pattern if one is given. */
  activeChannels(sharded: boolean, pattern?: Buffer): Buffer[] {
    const out: Buffer[] = [];
    for (const t of this.topics[sharded ? 'shard' : 'channel'].values()) if (!pattern || globMatch(pattern, t.name)) out.push(t.name);
    return out;
  }

  /** PUBSUB NUMSUB / SHARDNUMSUB: subscribers of the channel on this node (patterns not counted). */
  subscriberCount(sharded: boolean, channel: Buffer): number {
    return this.topics[sharded ? 'shard' : 'channel'].get(channel.toString('latin1'))?.subscribers.size ?? 0;
  }

  /** PUBSUB NUMPAT: distinct patterns subscribed on this node. */
  get patternCount(): number {
    return this.topics.pattern.size;
  }
}

/** The count a confirmation carries: channels and patterns together, shard channels on their own (Redis 7). */
function countOf(mine: ClientSubscriptions, kind: SubscriptionKind): number {
  return kind === 'shard' ? mine.shard.size : mine.channel.size + mine.pattern.size;
}

function total(mine: ClientSubscriptions): number {
  return mine.channel.size + mine.pattern.size + mine.shard.size;
}
