// Keyspace notifications and PUBLISH, as the store sees them (Redis
// notify.c): the classes of notify-keyspace-events, their parser and
// printer, and the narrow sink messages leave the store through. The server
// plugs its Pub/Sub hub in; the store never knows who is subscribed.

/** Notification classes, the bits of notify-keyspace-events (Redis's NOTIFY_*). */
export const Notify = Object.freeze({
  keyspace: 1 << 0, // K
  keyevent: 1 << 1, // E
  generic: 1 << 2, // g
  string: 1 << 3, // $
  list: 1 << 4, // l
  set: 1 << 5, // s
  hash: 1 << 6, // h
  zset: 1 << 7, // z
  expired: 1 << 8, // x
  evicted: 1 << 9, // e
  stream: 1 << 10, // t
  keyMiss: 1 << 11, // m (not part of A)
  module: 1 << 13, // d
  new: 1 << 14, // n (not part of A)
});

export type NotifyClass = (typeof Notify)[keyof typeof Notify];

/** The classes `A` stands for. */
export const NOTIFY_ALL = Notify.generic | Notify.string | Notify.list | Notify.set | Notify.hash | Notify.zset
  | Notify.expired | Notify.evicted | Notify.stream | Notify.module;

const CLASS_BY_CHAR: Readonly<Record<string, number>> = {
  A: NOTIFY_ALL, g: Notify.generic, $: Notify.string, l: Notify.list, s: Notify.set, h: Notify.hash, z: Notify.zset,
  x: Notify.expired, e: Notify.evicted, K: Notify.keyspace, E: Notify.keyevent, t: Notify.stream, m: Notify.keyMiss,
  d: Notify.module, n: Notify.new,
};

/** What CONFIG SET answers for a character that names no class (Redis's text). */
export const ERR_NOTIFY_CLASS = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

/** notify-keyspace-events text to class bits (keyspaceEventsStringToFlags); null for an unknown character. */
export function parseKeyspaceEvents(text: string): number | null {
  let flags = 0;
  for (const c of text) {
    const bits = CLASS_BY_CHAR[c];
    if (bits === undefined) return null;
    flags |= bits;
  }
  return flags;
}

/** Class bits back to text in Redis's order (keyspaceEventsFlagsToString, `n` hidden behind `A` as there). */
export function keyspaceEventsToString(flags: number): string {
  let out = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) out += 'A';
  else {
    for (const [c, bit] of [['g', Notify.generic], ['$', Notify.string], ['l', Notify.list], ['s', Notify.set], ['h', Notify.hash],
      ['z', Notify.zset], ['x', Notify.expired], ['e', Notify.evicted], ['t', Notify.stream], ['d', Notify.module], ['n', Notify.new]] as const) {
      if (flags & bit) out += c;
    }
  }
  if (flags & Notify.keyspace) out += 'K';
  if (flags & Notify.keyevent) out += 'E';
  if (flags & Notify.keyMiss) out += 'm';
  return out;
}

/** Where messages published by the store go: this node's subscribers. Returns how many received the message. */
export interface PubSubSink {
  publish(channel: Buffer, message: Buffer, sharded: boolean): number;
}

const NOBODY: PubSubSink = { publish: () => 0 };
const KEYSPACE_PREFIX = Buffer.from('__keyspace@0__:');
const KEYEVENT_PREFIX = '__keyevent@0__:';

/** The store's way out: PUBLISH and keyspace notifications, both through one sink. */
export class StoreEvents {
  /** notify-keyspace-events as class bits; 0 = off (the default). */
  flags = 0;
  sink: PubSubSink = NOBODY;
  /** Event names and their __keyevent@0__ channels, made once per name. */
  private readonly names = new Map<string, { event: Buffer; channel: Buffer }>();

  publish(channel: Buffer, message: Buffer, sharded: boolean): number {
    return this.sink.publish(channel, message, sharded);
  }

  /** Publishes `event` for `key` on the keyspace and keyevent channels the flags enable (call through notify()). */
  keyspaceEvent(event: string, key: Buffer): void {
    let n = this.names.get(event);
    if (!n) {
      n = { event: Buffer.from(event), channel: Buffer.from(KEYEVENT_PREFIX + event) };
      this.names.set(event, n);
    }
    if (this.flags & Notify.keyspace) this.sink.publish(Buffer.concat([KEYSPACE_PREFIX, key]), n.event, false);
    if (this.flags & Notify.keyevent) this.sink.publish(n.channel, key, false);
  }
}

/**
 * Emits a keyspace notification when its class is enabled (Redis's
 * notifyKeyspaceEvent). Off, it is one bit test: nothing is allocated.
 */
export function notify(ctx: { readonly events: StoreEvents }, cls: NotifyClass, event: string, key: Buffer): void {
  const ev = ctx.events;
  if ((ev.flags & cls) !== 0) ev.keyspaceEvent(event, key);
}
