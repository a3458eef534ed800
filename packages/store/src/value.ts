import type { Deque } from './deque.js';
import type { ZSet } from './zskiplist.js';
import type { Stream } from './stream.js';

// The values a key can hold. More types join this union as they land.
export interface StringValue {
  readonly type: 'string';
  data: Buffer;
}

export interface ListValue {
  readonly type: 'list';
  readonly items: Deque;
}

export interface HashValue {
  readonly type: 'hash';
  /** Field (latin1 string of its bytes) to value. */
  readonly fields: Map<string, Buffer>;
}

export interface SetValue {
  readonly type: 'set';
  /** Members as latin1 strings of their bytes. */
  readonly members: Set<string>;
}

export interface ZSetValue {
  readonly type: 'zset';
  /** Skip list by (score, member) plus a member-to-score map; members as latin1 strings of their bytes. */
  readonly zset: ZSet;
}

export interface StreamValue {
  readonly type: 'stream';
  /** Entries in nodes by id, plus consumer groups (stream.ts). */
  readonly stream: Stream;
}

export type Value = StringValue | ListValue | HashValue | SetValue | ZSetValue | StreamValue;
export type ValueType = Value['type'];
