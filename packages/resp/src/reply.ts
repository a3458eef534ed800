// The reply value model shared by the data engine, the server and the RESP
// writer. Commands produce these values; the writer renders them in RESP2 or
// RESP3 depending on the client's protocol. Values rather than a streaming
// writer, because MULTI/EXEC, scripts, the follower proxy and differential
// tests all need to hold and compare replies.

export type Reply =
  | StatusReply
  | ErrorReply
  | IntReply
  | BulkReply
  | NilReply
  | NilArrayReply
  | ArrayReply
  | MapReply
  | SetReply
  | DoubleReply
  | BoolReply
  | VerbatimReply
  | PushReply
  | RawReply;

/** `+OK` style single-line status. Must not contain CR or LF. */
export interface StatusReply { readonly kind: 'status'; readonly value: string }
/** `-ERR ...`: `message` starts with the error code (`ERR`, `WRONGTYPE`, `MOVED`, ...). */
export interface ErrorReply { readonly kind: 'error'; readonly message: string }
/** `:n`. bigint only where the value may leave the safe-integer range (int64 counters). */
export interface IntReply { readonly kind: 'int'; readonly value: number | bigint }
/** `$n` binary-safe bulk string. */
export interface BulkReply { readonly kind: 'bulk'; readonly value: Buffer }
/** Null bulk: RESP2 `$-1`, RESP3 `_`. */
export interface NilReply { readonly kind: 'nil' }
/** Null array: RESP2 `*-1`, RESP3 `_` (BLPOP timeout, aborted EXEC). */
export interface NilArrayReply { readonly kind: 'nilArray' }
export interface ArrayReply { readonly kind: 'array'; readonly items: readonly Reply[] }
/** RESP3 map `%`; RESP2 renders it as a flat array. `entries` is flat: k0, v0, k1, v1, ... */
export interface MapReply { readonly kind: 'map'; readonly entries: readonly Reply[] }
/** RESP3 set `~`; RESP2 renders it as an array. */
export interface SetReply { readonly kind: 'set'; readonly items: readonly Reply[] }
/** RESP3 double `,`; RESP2 renders it as a bulk string formatted as Redis 7.0 does (`%.17g`, `inf`, `-inf`). */
export interface DoubleReply { readonly kind: 'double'; readonly value: number }
/** RESP3 boolean `#`; RESP2 renders it as `:1` / `:0`. */
export interface BoolReply { readonly kind: 'bool'; readonly value: boolean }
/** RESP3 verbatim `=` (INFO, CLIENT LIST); RESP2 renders it as a bulk string. */
export interface VerbatimReply { readonly kind: 'verbatim'; readonly format: string; readonly value: Buffer }
/** RESP3 push `>` (Pub/Sub messages); RESP2 renders it as an array. */
export interface PushReply { readonly kind: 'push'; readonly items: readonly Reply[] }
/** Bytes already encoded as RESP for this client's protocol (relayed proxy replies). */
export interface RawReply { readonly kind: 'raw'; readonly data: Buffer }

export const OK: StatusReply = Object.freeze({ kind: 'status', value: 'OK' });
export const QUEUED: StatusReply = Object.freeze({ kind: 'status', value: 'QUEUED' });
export const PONG: StatusReply = Object.freeze({ kind: 'status', value: 'PONG' });
export const NIL: NilReply = Object.freeze({ kind: 'nil' });
export const NIL_ARRAY: NilArrayReply = Object.freeze({ kind: 'nilArray' });
export const EMPTY_ARRAY: ArrayReply = Object.freeze({ kind: 'array', items: Object.freeze([]) as readonly Reply[] });

const SMALL_INTS: IntReply[] = [];
for (let i = -1; i <= 128; i++) SMALL_INTS.push(Object.freeze({ kind: 'int', value: i }));
export const ZERO: IntReply = SMALL_INTS[1]!;
export const ONE: IntReply = SMALL_INTS[2]!;

export function status(value: string): StatusReply {
  return { kind: 'status', value };
}

/** `message` includes the code: `error('ERR syntax error')`, `error('WRONGTYPE Operation ...')`. */
export function error(message: string): ErrorReply {
  return { kind: 'error', message };
}

export function int(value: number | bigint): IntReply {
  if (typeof value === 'number' && value >= -1 && value <= 128 && Number.isInteger(value)) return SMALL_INTS[value + 1]!;
  return { kind: 'int', value };
}

export function bulk(value: Buffer | string): BulkReply {
  return { kind: 'bulk', value: typeof value === 'string' ? Buffer.from(value) : value };
}

/** A bulk reply, or nil when `value` is undefined/null. */
export function bulkOrNil(value: Buffer | string | null | undefined): BulkReply | NilReply {
  return value == null ? NIL : bulk(value);
}

export function array(items: readonly Reply[]): ArrayReply {
  return { kind: 'array', items };
}

export function bulkArray(values: readonly (Buffer | string)[]): ArrayReply {
  return { kind: 'array', items: values.map(bulk) };
}

export function map(entries: readonly Reply[]): MapReply {
  return { kind: 'map', entries };
}

export function set(items: readonly Reply[]): SetReply {
  return { kind: 'set', items };
}

export function double(value: number): DoubleReply {
  return { kind: 'double', value };
}

export function bool(value: boolean): BoolReply {
  return { kind: 'bool', value };
}

export function verbatim(value: Buffer | string, format = 'txt'): VerbatimReply {
  return { kind: 'verbatim', format, value: typeof value === 'string' ? Buffer.from(value) : value };
}

export function push(items: readonly Reply[]): PushReply {
  return { kind: 'push', items };
}

export function raw(data: Buffer): RawReply {
  return { kind: 'raw', data };
}

export function isError(reply: Reply): reply is ErrorReply {
  return reply.kind === 'error';
}

/** Error texts Redis uses verbatim; clients and tests match on them. */
export const Errors = Object.freeze({
  syntax: 'ERR syntax error',
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  overflow: 'ERR increment or decrement would overflow',
  noSuchKey: 'ERR no such key',
  outOfRange: 'ERR index out of range',
  noCluster: 'NOCLUSTER No Raft Cluster',
  noLeader: 'CLUSTERDOWN No Raft leader',
  noAuth: 'NOAUTH Authentication required.',
  wrongArity: (name: string) => `ERR wrong number of arguments for '${name}' command`,
  unknownCommand: (name: string, args: readonly Buffer[]) =>
    `ERR unknown command '${name}', with args beginning with: ${args
      .slice(0, 20)
      .map((a) => `'${a.toString('latin1').slice(0, 128)}' `)
      .join('')}`,
});
