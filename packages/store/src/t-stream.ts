// Stream commands (Redis 7.0 t_stream.c): replies, error texts and the order
// of checks as redis-server 7.0.15 has them. The data structure is in
// stream.ts. Time is the log entry's (ctx.nowMs): `XADD *` IDs, delivery
// times and idle times are the same on every node.
import {
  NIL, NIL_ARRAY, OK, ZERO, ONE, EMPTY_ARRAY, int, bulk, array, map, status, error, Errors, type Reply, type ErrorReply,
} from '@redisraft-wasm/resp';
import type { CommandContext, StoreCommand } from './command-spec.js';
import type { KeyEntry } from './keyspace.js';
import { valueBytes } from './keyspace.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE, isErr } from './args.js';
import { parseInt64 } from './numbers.js';
import {
  Stream, ConsumerGroup, Consumer, MAX_ID, U64, INVALID_ENTRIES_READ, estimateDistance, formatId, idMs, idSeq, makeId,
  type StreamEntry, type StreamId, type Nack, type TrimSpec,
} from './stream.js';
import { Notify, notify } from './notify.js';

type StreamEntryKey = KeyEntry & { value: { type: 'stream'; stream: Stream } };

const ERR_INVALID_ID = error('ERR Invalid stream ID specified as stream command argument');
const ERR_NO_SUCH_KEY = error(Errors.noSuchKey);

// --------------------------------------------------------------------------
// Argument helpers with C string semantics: Redis compares options with
// strcasecmp/strcmp, which stop at the first NUL byte.

/** The argument as a C string sees it (up to the first NUL), latin1. */
function cstr(b: Buffer): string {
  const z = b.indexOf(0);
  return (z < 0 ? b : b.subarray(0, z)).toString('latin1');
}

const is = (b: Buffer, word: string): boolean => cstr(b).toLowerCase() === word;

/** An error built with addReplyErrorFormat: CR and LF become spaces. */
function errorf(message: string): ErrorReply {
  return error(message.replace(/[\r\n]/g, ' '));
}

/** `%s` of an argument: up to its first NUL. */
const s = (b: Buffer): string => cstr(b);

function idReply(id: StreamId): Reply {
  return bulk(formatId(id));
}

function entryReply(e: StreamEntry): Reply {
  return array([idReply(e.id), array(e.fv.map((b) => bulk(b)))]);
}

/** string2ll on a C string. */
function string2ll(str: string): bigint | null {
  return parseInt64(Buffer.from(str, 'latin1'));
}

/** string2ull: string2ll first (negative is invalid), else strtoull(base 10) of the whole string. */
function string2ull(str: string): bigint | null {
  const ll = string2ll(str);
  if (ll !== null) return ll < 0n ? null : ll;
  let i = 0;
  while (i < str.length && ' \t\n\v\f\r'.includes(str[i]!)) i++;
  let neg = false;
  if (str[i] === '+' || str[i] === '-') {
    neg = str[i] === '-';
    i++;
  }
  const digits = i;
  while (i < str.length && str.charCodeAt(i) >= 48 && str.charCodeAt(i) <= 57) i++;
  if (i === digits || i !== str.length) return null;
  let v = BigInt(str.slice(digits, i));
  if (v > U64) return null; // ERANGE
  if (neg) v = (U64 + 1n - v) & U64;
  return v;
}

interface ParsedId {
  id: StreamId;
  /** False for the `<ms>-*` form (only when seqStar). */
  seqGiven: boolean;
}

/**
 * streamGenericParseIDOrReply: `<ms>-<seq>`, `<ms>` (seq = missingSeq), `-`
 * and `+` unless strict, `<ms>-*` when seqStar.
 */
function parseId(b: Buffer, missingSeq: bigint, strict: boolean, seqStar = false): ParsedId | null {
  if (b.length > 127) return null;
  const str = cstr(b);
  if (strict && (str === '-' || str === '+')) return null;
  if (str === '-') return { id: 0n, seqGiven: true };
  if (str === '+') return { id: MAX_ID, seqGiven: true };
  const dash = str.indexOf('-');
  const ms = string2ull(dash < 0 ? str : str.slice(0, dash));
  if (ms === null) return null;
  if (dash < 0) return { id: makeId(ms, missingSeq), seqGiven: true };
  const rest = str.slice(dash + 1);
  if (seqStar && rest === '*') return { id: makeId(ms, 0n), seqGiven: false };
  const seq = string2ull(rest);
  if (seq === null) return null;
  return { id: makeId(ms, seq), seqGiven: true };
}

function idArg(b: Buffer, missingSeq: bigint, strict: boolean): StreamId | ErrorReply {
  const p = parseId(b, missingSeq, strict);
  return p ? p.id : ERR_INVALID_ID;
}

/** streamParseIntervalIDOrReply: a `(` prefix makes the bound exclusive (and strict). */
function intervalArg(b: Buffer, missingSeq: bigint): { id: StreamId; exclusive: boolean } | ErrorReply {
  const exclusive = b.length > 1 && b[0] === 0x28;
  const p = exclusive ? parseId(b.subarray(1), missingSeq, true) : parseId(b, missingSeq, false);
  return p ? { id: p.id, exclusive } : ERR_INVALID_ID;
}

/** An interval start: an exclusive one moves to the next id. */
function startArg(b: Buffer): StreamId | ErrorReply {
  const p = intervalArg(b, 0n);
  if (isErr(p)) return p;
  if (!p.exclusive) return p.id;
  if (p.id === MAX_ID) return error('ERR invalid start ID for the interval');
  return p.id + 1n;
}

function endArg(b: Buffer): StreamId | ErrorReply {
  const p = intervalArg(b, U64);
  if (isErr(p)) return p;
  if (!p.exclusive) return p.id;
  if (p.id === 0n) return error('ERR invalid end ID for the interval');
  return p.id - 1n;
}

function llArg(b: Buffer, message?: string): bigint | ErrorReply {
  const v = parseInt64(b);
  if (v === null) return message ? error(`ERR ${message}`) : ERR_NOT_INTEGER;
  return v;
}

/** A count as a JS number (values beyond 2^53 only ever act as "no limit"). */
const num = (v: bigint): number => Number(v);

/** A long long reply of a value Redis keeps as uint64. */
const ll = (v: bigint): Reply => int(BigInt.asIntN(64, v));

// --------------------------------------------------------------------------
// Keyspace access.

function streamFor(ctx: CommandContext, key: Buffer, write: boolean): StreamEntryKey | undefined | ErrorReply {
  const e = write ? ctx.db.getForWrite(key, ctx.nowMs) : ctx.db.get(key, ctx.nowMs);
  if (!e) return undefined;
  return e.value.type === 'stream' ? (e as StreamEntryKey) : ERR_WRONGTYPE;
}

function createStream(ctx: CommandContext, key: Buffer): StreamEntryKey {
  return ctx.db.set(key, { type: 'stream', stream: new Stream() }) as StreamEntryKey;
}

/** A change Redis signals as a key modification (WATCH sees it). */
function modified(ctx: CommandContext, e: StreamEntryKey, before: number): void {
  ctx.db.touched(e, before);
}

/**
 * A change Redis does not signal (consumer group state): the size is
 * accounted but the key's WATCH version stays, as with signalModifiedKey
 * not being called in t_stream.c.
 */
function groupChanged(ctx: CommandContext, e: StreamEntryKey, before: number): void {
  const version = e.version;
  ctx.db.touched(e, before);
  e.version = version;
}

// --------------------------------------------------------------------------
// Consumer group helpers (streamReplyWithRange and friends).

function createNack(consumer: Consumer | null, now: number): Nack {
  return { deliveryTime: now, deliveryCount: 1n, consumer };
}

function lookupConsumer(g: ConsumerGroup, name: Buffer, now: number, refresh: boolean): Consumer | undefined {
  const c = g.consumers.get(name.toString('latin1'));
  if (c && refresh) c.seenTime = now;
  return c;
}

/** A new consumer of the group of the stream at `key`, announced as xgroup-createconsumer; undefined when it exists. */
function createConsumer(ctx: CommandContext, key: Buffer, g: ConsumerGroup, name: Buffer): Consumer | undefined {
  const k = name.toString('latin1');
  if (g.consumers.has(k)) return undefined;
  const c = new Consumer(name, ctx.nowMs);
  g.consumers.set(k, c);
  notify(ctx, Notify.stream, 'xgroup-createconsumer', key);
  return c;
}

function lookupOrCreateConsumer(ctx: CommandContext, key: Buffer, g: ConsumerGroup, name: Buffer, now: number): Consumer {
  return lookupConsumer(g, name, now, true) ?? createConsumer(ctx, key, g, name)!;
}

/** Removes a PEL entry from the group and its consumer. */
function dropNack(g: ConsumerGroup, id: StreamId, nack: Nack): void {
  g.pel.delete(id);
  nack.consumer?.pel.delete(id);
}

/** streamRangeHasTombstones. */
function rangeHasTombstones(st: Stream, start: StreamId | null, end: StreamId | null): boolean {
  if (st.length === 0 || st.maxDeletedId === 0n) return false;
  if (st.firstId > st.maxDeletedId) return false;
  return (start ?? 0n) <= st.maxDeletedId && st.maxDeletedId <= (end ?? MAX_ID);
}

/** streamReplyWithCGLag: the group's lag, or null when it cannot be known. */
function lagReply(st: Stream, g: ConsumerGroup): Reply {
  if (st.entriesAdded === 0n) return ZERO;
  if (g.entriesRead !== INVALID_ENTRIES_READ && !rangeHasTombstones(st, g.lastId, null)) {
    return int(BigInt.asIntN(64, st.entriesAdded - g.entriesRead));
  }
  const read = estimateDistance(st, g.lastId);
  return read === INVALID_ENTRIES_READ ? NIL : int(BigInt.asIntN(64, st.entriesAdded - read));
}

const entriesReadReply = (g: ConsumerGroup): Reply => (g.entriesRead === INVALID_ENTRIES_READ ? NIL : int(g.entriesRead));

/** Serving new entries to a group consumer (streamReplyWithRange with a group). */
function deliverNew(st: Stream, g: ConsumerGroup, consumer: Consumer, start: StreamId, count: number, noack: boolean, now: number): Reply[] {
  const out: Reply[] = [];
  for (const e of st.range(start, MAX_ID)) {
    if (e.id > g.lastId) {
      if (g.entriesRead !== INVALID_ENTRIES_READ && !rangeHasTombstones(st, e.id, null)) g.entriesRead = BigInt.asIntN(64, g.entriesRead + 1n);
      else if (st.entriesAdded !== 0n) g.entriesRead = estimateDistance(st, e.id);
      g.lastId = e.id;
    }
    out.push(entryReply(e));
    if (!noack) {
      const existing = g.pel.get(e.id);
      if (existing) {
        // Already pending (the group's last id was moved back): it changes owner.
        existing.consumer?.pel.delete(e.id);
        existing.consumer = consumer;
        existing.deliveryTime = now;
        existing.deliveryCount = 1n;
        consumer.pel.set(e.id, existing);
      } else {
        const nack = createNack(consumer, now);
        g.pel.set(e.id, nack);
        consumer.pel.set(e.id, nack);
      }
    }
    if (count && out.length === count) break;
  }
  return out;
}

/** The consumer's own history (streamReplyWithRangeFromConsumerPEL). */
function deliverHistory(st: Stream, consumer: Consumer, start: StreamId, count: number, now: number): Reply[] {
  const out: Reply[] = [];
  for (const [id, nack] of consumer.pel.from(start)) {
    if (count && out.length >= count) break;
    const e = st.get(id);
    if (!e) {
      // Pending but no longer in the stream (deleted or trimmed).
      out.push(array([idReply(id), NIL_ARRAY]));
    } else {
      nack.deliveryTime = now;
      nack.deliveryCount++;
      out.push(entryReply(e));
    }
  }
  return out;
}

// --------------------------------------------------------------------------
// XADD / XTRIM.

interface AddTrimArgs {
  trim: TrimSpec | null;
  idPos: number;
  idGiven: boolean;
  seqGiven: boolean;
  id: StreamId;
  noMkstream: boolean;
}

/** streamParseAddOrTrimArgsOrReply. */
function parseAddTrim(argv: readonly Buffer[], xadd: boolean): AddTrimArgs | ErrorReply {
  let strategy: 'maxlen' | 'minid' | null = null;
  let approx = false, limit = 0n, limitGiven = false, maxlen = 0n, minid = 0n;
  const out: AddTrimArgs = { trim: null, idPos: 0, idGiven: false, seqGiven: true, id: 0n, noMkstream: false };
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = cstr(argv[i]!);
    const lo = opt.toLowerCase();
    if (xadd && opt === '*') break;
    if ((lo === 'maxlen' || lo === 'minid') && more) {
      if (strategy) return error('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
      approx = false;
      const next = cstr(argv[i + 1]!);
      if (more >= 2 && next === '~') {
        approx = true;
        i++;
      } else if (more >= 2 && next === '=') {
        i++;
      }
      if (lo === 'maxlen') {
        const v = llArg(argv[i + 1]!);
        if (isErr(v)) return v;
        if (v < 0n) return error('ERR The MAXLEN argument must be >= 0.');
        maxlen = v;
      } else {
        const v = idArg(argv[i + 1]!, 0n, true);
        if (isErr(v)) return v;
        minid = v;
      }
      i++;
      strategy = lo;
    } else if (lo === 'limit' && more) {
      const v = llArg(argv[i + 1]!);
      if (isErr(v)) return v;
      if (v < 0n) return error('ERR The LIMIT argument must be >= 0.');
      limit = v;
      limitGiven = true;
      i++;
    } else if (xadd && lo === 'nomkstream') {
      out.noMkstream = true;
    } else if (xadd) {
      const p = parseId(argv[i]!, 0n, true, true);
      if (!p) return ERR_INVALID_ID;
      out.id = p.id;
      out.seqGiven = p.seqGiven;
      out.idGiven = true;
      break;
    } else {
      return ERR_SYNTAX;
    }
  }
  if (limit !== 0n && !strategy) return error('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
  if (!xadd && !strategy) return error('ERR syntax error, XTRIM must be called with a trimming strategy');
  if (limitGiven) {
    if (!approx) return error('ERR syntax error, LIMIT cannot be used without the special ~ option');
  } else {
    // Approximate trimming does at most 100 nodes' worth of work (100 * stream-node-max-entries).
    limit = approx ? 10000n : 0n;
  }
  out.idPos = i;
  if (strategy) out.trim = { strategy, maxlen: num(maxlen), minid, approx, limit: num(limit) };
  return out;
}

function xadd(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const p = parseAddTrim(argv, true);
  if (isErr(p)) return p;
  const fieldPos = p.idPos + 1;
  const n = argv.length - fieldPos;
  if (n < 2 || n % 2 === 1) return error(Errors.wrongArity('xadd'));
  if (p.idGiven && p.seqGiven && p.id === 0n) return error('ERR The ID specified in XADD must be greater than 0-0');
  const key = argv[1]!;
  let e = streamFor(ctx, key, true);
  if (isErr(e)) return e;
  if (!e && p.noMkstream) return NIL;
  const last = e ? e.value.stream.lastId : 0n;
  if (last === MAX_ID) return error('ERR The stream has exhausted the last possible ID, unable to add more items');
  let id: StreamId;
  if (!p.idGiven) {
    // streamNextID: the entry's time, or one past the last id within the same (or a later) millisecond.
    const ms = BigInt(Math.max(0, Math.floor(ctx.nowMs)));
    id = ms > idMs(last) ? makeId(ms, 0n) : last + 1n;
  } else if (p.seqGiven) {
    id = p.id;
  } else if (idMs(last) === idMs(p.id)) {
    // Redis 7.0 fails this without setting errno to EDOM, so it reports the
    // wrong reason; this is the reply redis-server gives.
    if (idSeq(last) === U64) return error('ERR Elements are too large to be stored');
    id = last + 1n;
  } else {
    id = p.id;
  }
  if (id <= last) return error('ERR The ID specified in XADD is equal or smaller than the target stream top item');
  if (!e) e = createStream(ctx, key);
  const st = e.value.stream;
  const before = valueBytes(e.value);
  st.append(id, argv.slice(fieldPos));
  const trimmed = p.trim ? st.trim(p.trim) : 0;
  modified(ctx, e, before);
  notify(ctx, Notify.stream, 'xadd', key);
  if (trimmed) notify(ctx, Notify.stream, 'xtrim', key);
  return idReply(id);
}

function xtrim(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const p = parseAddTrim(argv, false);
  if (isErr(p)) return p;
  const e = streamFor(ctx, argv[1]!, true);
  if (isErr(e)) return e;
  if (!e) return ZERO;
  const before = valueBytes(e.value);
  const deleted = e.value.stream.trim(p.trim!);
  if (deleted) {
    modified(ctx, e, before);
    notify(ctx, Notify.stream, 'xtrim', argv[1]!);
  }
  return int(deleted);
}

function xdel(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const e = streamFor(ctx, argv[1]!, true);
  if (isErr(e)) return e;
  if (!e) return ZERO;
  const ids: StreamId[] = [];
  for (let j = 2; j < argv.length; j++) {
    const id = idArg(argv[j]!, 0n, true);
    if (isErr(id)) return id;
    ids.push(id);
  }
  const st = e.value.stream;
  const before = valueBytes(e.value);
  let deleted = 0, firstEntry = false;
  for (const id of ids) {
    if (!st.delete(id)) continue;
    if (id === st.firstId) firstEntry = true;
    if (id > st.maxDeletedId) st.maxDeletedId = id;
    deleted++;
  }
  if (deleted) {
    if (st.length === 0) st.firstId = 0n;
    else if (firstEntry) st.firstId = st.firstLiveId() ?? MAX_ID;
    modified(ctx, e, before);
    notify(ctx, Notify.stream, 'xdel', argv[1]!);
  }
  return int(deleted);
}

// --------------------------------------------------------------------------
// XRANGE / XREVRANGE / XLEN.

function xrange(rev: boolean) {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const start = startArg(rev ? argv[3]! : argv[2]!);
    if (isErr(start)) return start;
    const end = endArg(rev ? argv[2]! : argv[3]!);
    if (isErr(end)) return end;
    let count = -1;
    for (let j = 4; j < argv.length; j++) {
      if (is(argv[j]!, 'count') && argv.length - j - 1 >= 1) {
        const v = llArg(argv[j + 1]!);
        if (isErr(v)) return v;
        count = v < 0n ? 0 : num(v);
        j++;
      } else {
        return ERR_SYNTAX;
      }
    }
    const e = streamFor(ctx, argv[1]!, false);
    if (isErr(e)) return e;
    if (!e) return EMPTY_ARRAY;
    if (count === 0) return NIL_ARRAY;
    const out: Reply[] = [];
    for (const en of e.value.stream.range(start, end, rev)) {
      out.push(entryReply(en));
      if (count > 0 && out.length === count) break;
    }
    return array(out);
  };
}

function xlen(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const e = streamFor(ctx, argv[1]!, false);
  if (isErr(e)) return e;
  return e ? int(e.value.stream.length) : ZERO;
}

// --------------------------------------------------------------------------
// XREAD / XREADGROUP.

function xread(group: boolean) {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    let timeout = -1n, count = 0, streamsArg = 0, streamsCount = 0, noack = false;
    let groupName: Buffer | null = null, consumerName: Buffer | null = null;
    for (let i = 1; i < argv.length; i++) {
      const more = argv.length - i - 1;
      const o = cstr(argv[i]!).toLowerCase();
      if (o === 'block' && more) {
        i++;
        const v = llArg(argv[i]!, 'timeout is not an integer or out of range');
        if (isErr(v)) return v;
        if (v < 0n) return error('ERR timeout is negative');
        timeout = v;
      } else if (o === 'count' && more) {
        i++;
        const v = llArg(argv[i]!);
        if (isErr(v)) return v;
        count = v < 0n ? 0 : num(v);
      } else if (o === 'streams' && more) {
        streamsArg = i + 1;
        streamsCount = argv.length - streamsArg;
        if (streamsCount % 2 !== 0) return error('ERR Unbalanced ' + 'XREAD list of streams: for each stream key an ID or \'$\' must be specified.');
        streamsCount /= 2;
        break;
      } else if (o === 'group' && more >= 2) {
        if (!group) return error('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
        groupName = argv[i + 1]!;
        consumerName = argv[i + 2]!;
        i += 2;
      } else if (o === 'noack') {
        if (!group) return error('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
        noack = true;
      } else {
        return ERR_SYNTAX;
      }
    }
    if (streamsArg === 0) return ERR_SYNTAX;
    if (group && !groupName) return error('ERR Missing GROUP option for XREADGROUP');

    // Resolve every key, group and id before serving anything.
    const ids: StreamId[] = [];
    const groups: (ConsumerGroup | null)[] = [];
    for (let k = 0; k < streamsCount; k++) {
      const key = argv[streamsArg + k]!;
      const idArgBuf = argv[streamsArg + streamsCount + k]!;
      const e = streamFor(ctx, key, group);
      if (isErr(e)) return e;
      let g: ConsumerGroup | null = null;
      if (groupName) {
        g = e?.value.stream.group(groupName) ?? null;
        if (!g) return errorf(`NOGROUP No such key '${s(key)}' or consumer group '${s(groupName)}' in XREADGROUP with GROUP option`);
      }
      groups.push(g);
      const idStr = cstr(idArgBuf);
      if (idStr === '$') {
        if (group) {
          return error('ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.');
        }
        ids.push(e ? e.value.stream.lastId : 0n);
        continue;
      }
      if (idStr === '>') {
        if (!group) return error('ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
        // The maximum id stands for ">" (as in Redis: an explicit max id acts the same).
        ids.push(MAX_ID);
        continue;
      }
      const id = idArg(idArgBuf, 0n, true);
      if (isErr(id)) return id;
      ids.push(id);
    }

    const served: [Buffer, Reply][] = [];
    for (let k = 0; k < streamsCount; k++) {
      const key = argv[streamsArg + k]!;
      const e = streamFor(ctx, key, group);
      if (!e || isErr(e)) continue;
      const st = e.value.stream;
      let gt = ids[k]!;
      const g = groups[k]!;
      let serve = false, history = false;
      if (g) {
        if (gt !== MAX_ID) {
          serve = history = true;
        } else if (st.length) {
          const maxid = st.lastLiveId()!;
          if (maxid > g.lastId) {
            serve = true;
            gt = g.lastId;
          }
        }
      } else if (st.length) {
        serve = st.lastLiveId()! > gt;
      }
      if (!serve) continue;
      const start = gt === MAX_ID ? 0n : gt + 1n;
      if (!g) {
        const out: Reply[] = [];
        for (const en of st.range(start, MAX_ID)) {
          out.push(entryReply(en));
          if (count && out.length === count) break;
        }
        served.push([key, array(out)]);
        continue;
      }
      const before = valueBytes(e.value);
      const consumer = lookupOrCreateConsumer(ctx, key, g, consumerName!, ctx.nowMs);
      const items = history ? deliverHistory(st, consumer, start, count, ctx.nowMs) : deliverNew(st, g, consumer, start, count, noack, ctx.nowMs);
      groupChanged(ctx, e, before);
      served.push([key, array(items)]);
    }
    if (served.length) {
      if (ctx.resp === 3) return map(served.flatMap(([k, r]) => [bulk(k), r]));
      return array(served.map(([k, r]) => array([bulk(k), r])));
    }
    // Nothing to serve. With BLOCK the client would wait for new entries (or
    // the timeout); blocking is not implemented here yet — the server will
    // add it — so a BLOCK that would wait answers as a timeout does: a null
    // array. Without BLOCK that is the reply anyway.
    void timeout;
    return NIL_ARRAY;
  };
}

/** XREAD/XREADGROUP keys: after the STREAMS keyword, the first half of the remaining arguments (xreadGetKeys). */
function xreadKeys(argv: readonly Buffer[]): number[] {
  let streamsPos = -1;
  for (let i = 1; i < argv.length; i++) {
    const a = cstr(argv[i]!).toLowerCase();
    if (a === 'block' || a === 'count') i++;
    else if (a === 'group') i += 2;
    else if (a === 'noack') continue;
    else if (a === 'streams') {
      streamsPos = i;
      break;
    } else break;
  }
  if (streamsPos < 0) return [];
  const n = argv.length - streamsPos - 1;
  if (n === 0 || n % 2 !== 0) return [];
  const keys: number[] = [];
  for (let i = streamsPos + 1; i < argv.length - n / 2; i++) keys.push(i);
  return keys;
}

// --------------------------------------------------------------------------
// XGROUP.

const XGROUP_SUBS: Record<string, number> = { create: -5, createconsumer: 5, delconsumer: 5, destroy: 4, setid: -5, help: 2 };
const XINFO_SUBS: Record<string, number> = { consumers: 4, groups: 3, stream: -3, help: 2 };

/** Container-command dispatch as Redis 7.0 does it: unknown subcommand, then the subcommand's arity. */
function subcommand(argv: readonly Buffer[], container: string, subs: Record<string, number>): string | ErrorReply {
  const sub = cstr(argv[1]!).toLowerCase();
  const arity = Object.prototype.hasOwnProperty.call(subs, sub) ? subs[sub]! : undefined;
  if (arity === undefined) return errorf(`ERR unknown subcommand '${cstr(argv[1]!).slice(0, 128)}'. Try ${container} HELP.`);
  if (arity >= 0 ? argv.length !== arity : argv.length < -arity) return error(Errors.wrongArity(`${container.toLowerCase()}|${sub}`));
  return sub;
}

function subSyntaxError(argv: readonly Buffer[], container: string): ErrorReply {
  return errorf(`ERR unknown subcommand or wrong number of arguments for '${cstr(argv[1]!).slice(0, 128)}'. Try ${container} HELP.`);
}

function help(container: string, lines: readonly string[]): Reply {
  return array([`${container} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, ...lines, 'HELP', '    Prints this help.'].map((l) => status(l)));
}

const XGROUP_HELP = [
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  '      Set the group\'s entries_read counter (internal use).',
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
];

const XINFO_HELP = [
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
];

function xgroup(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const sub = subcommand(argv, 'XGROUP', XGROUP_SUBS);
  if (isErr(sub)) return sub;
  if (sub === 'help') return help('XGROUP', XGROUP_HELP);
  // Every other subcommand has a key and a group name.
  let mkstream = false, entriesRead = INVALID_ENTRIES_READ;
  for (let i = 5; i < argv.length;) {
    if (sub === 'create' && is(argv[i]!, 'mkstream')) {
      mkstream = true;
      i++;
    } else if ((sub === 'create' || sub === 'setid') && is(argv[i]!, 'entriesread') && i + 1 < argv.length) {
      const v = llArg(argv[i + 1]!);
      if (isErr(v)) return v;
      if (v < 0n && v !== INVALID_ENTRIES_READ) return error('ERR value for ENTRIESREAD must be positive or -1');
      entriesRead = v;
      i += 2;
    } else {
      return subSyntaxError(argv, 'XGROUP');
    }
  }
  const key = argv[2]!, grp = argv[3]!;
  let e = streamFor(ctx, key, true);
  if (isErr(e)) return e;
  let cg: ConsumerGroup | undefined;
  if (!mkstream) {
    if (!e) {
      return error('ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.');
    }
    cg = e.value.stream.group(grp);
    if (!cg && (sub === 'setid' || sub === 'createconsumer' || sub === 'delconsumer')) {
      return errorf(`NOGROUP No such consumer group '${s(grp)}' for key name '${s(key)}'`);
    }
  }
  const n = argv.length;
  if (sub === 'create' && n >= 5 && n <= 8) {
    let id: StreamId;
    if (cstr(argv[4]!) === '$') id = e ? e.value.stream.lastId : 0n;
    else {
      const v = idArg(argv[4]!, 0n, true);
      if (isErr(v)) return v;
      id = v;
    }
    if (!e) e = createStream(ctx, key); // MKSTREAM
    const st = e.value.stream;
    const gk = grp.toString('latin1');
    if (st.groups?.has(gk)) return error('BUSYGROUP Consumer Group name already exists');
    const before = valueBytes(e.value);
    st.groups ??= new Map();
    st.groups.set(gk, new ConsumerGroup(grp, id, entriesRead));
    groupChanged(ctx, e, before);
    notify(ctx, Notify.stream, 'xgroup-create', key);
    return OK;
  }
  if (sub === 'setid' && (n === 5 || n === 7)) {
    let id: StreamId;
    if (cstr(argv[4]!) === '$') id = e!.value.stream.lastId;
    else {
      const v = idArg(argv[4]!, 0n, false);
      if (isErr(v)) return v;
      id = v;
    }
    cg!.lastId = id;
    cg!.entriesRead = entriesRead;
    groupChanged(ctx, e!, valueBytes(e!.value));
    notify(ctx, Notify.stream, 'xgroup-setid', key);
    return OK;
  }
  if (sub === 'destroy' && n === 4) {
    if (!cg) return ZERO;
    const before = valueBytes(e!.value);
    e!.value.stream.groups!.delete(grp.toString('latin1'));
    groupChanged(ctx, e!, before);
    notify(ctx, Notify.stream, 'xgroup-destroy', key);
    return ONE;
  }
  if (sub === 'createconsumer' && n === 5) {
    const before = valueBytes(e!.value);
    const created = createConsumer(ctx, key, cg!, argv[4]!);
    if (created) groupChanged(ctx, e!, before);
    return created ? ONE : ZERO;
  }
  if (sub === 'delconsumer' && n === 5) {
    const consumer = lookupConsumer(cg!, argv[4]!, ctx.nowMs, false);
    if (!consumer) return ZERO;
    const before = valueBytes(e!.value);
    const pending = consumer.pel.size;
    for (const [id] of consumer.pel.from()) cg!.pel.delete(id);
    cg!.consumers.delete(consumer.name.toString('latin1'));
    groupChanged(ctx, e!, before);
    notify(ctx, Notify.stream, 'xgroup-delconsumer', key);
    return int(pending);
  }
  return subSyntaxError(argv, 'XGROUP');
}

// --------------------------------------------------------------------------
// XSETID / XACK / XPENDING.

function xsetid(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const id = idArg(argv[2]!, 0n, true);
  if (isErr(id)) return id;
  let entriesAdded = -1n, maxXdel = 0n;
  for (let i = 3; i < argv.length; i += 2) {
    const more = argv.length - 1 - i;
    if (is(argv[i]!, 'entriesadded') && more) {
      const v = llArg(argv[i + 1]!);
      if (isErr(v)) return v;
      if (v < 0n) return error('ERR entries_added must be positive');
      entriesAdded = v;
    } else if (is(argv[i]!, 'maxdeletedid') && more) {
      const v = idArg(argv[i + 1]!, 0n, true);
      if (isErr(v)) return v;
      if (id < v) return error('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
      maxXdel = v;
    } else {
      return ERR_SYNTAX;
    }
  }
  const e = streamFor(ctx, argv[1]!, true);
  if (isErr(e)) return e;
  if (!e) return ERR_NO_SUCH_KEY;
  const st = e.value.stream;
  if (st.length > 0) {
    if (id < st.lastLiveId()!) return error('ERR The ID specified in XSETID is smaller than the target stream top item');
    if (entriesAdded !== -1n && BigInt(st.length) > entriesAdded) {
      return error('ERR The entries_added specified in XSETID is smaller than the target stream length');
    }
  }
  st.lastId = id;
  if (entriesAdded !== -1n) st.entriesAdded = entriesAdded;
  if (maxXdel !== 0n) st.maxDeletedId = maxXdel;
  groupChanged(ctx, e, valueBytes(e.value));
  notify(ctx, Notify.stream, 'xsetid', argv[1]!);
  return OK;
}

function xack(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const e = streamFor(ctx, argv[1]!, true);
  if (isErr(e)) return e;
  const g = e?.value.stream.group(argv[2]!);
  if (!e || !g) return ZERO;
  const ids: StreamId[] = [];
  for (let j = 3; j < argv.length; j++) {
    const id = idArg(argv[j]!, 0n, true);
    if (isErr(id)) return id;
    ids.push(id);
  }
  const before = valueBytes(e.value);
  let acked = 0;
  for (const id of ids) {
    const nack = g.pel.get(id);
    if (!nack) continue;
    dropNack(g, id, nack);
    acked++;
  }
  if (acked) groupChanged(ctx, e, before);
  return int(acked);
}

function xpending(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const argc = argv.length;
  const justInfo = argc === 3;
  if (argc !== 3 && (argc < 6 || argc > 9)) return ERR_SYNTAX;
  let start = 0n, end = 0n, count = 0, minIdle = 0n;
  let consumerName: Buffer | null = null;
  if (argc >= 6) {
    let at = 3;
    if (is(argv[3]!, 'idle')) {
      const v = llArg(argv[4]!);
      if (isErr(v)) return v;
      minIdle = v;
      if (argc < 8) return ERR_SYNTAX;
      at += 2;
    }
    const c = llArg(argv[at + 2]!);
    if (isErr(c)) return c;
    count = c < 0n ? 0 : num(c);
    const st = startArg(argv[at]!);
    if (isErr(st)) return st;
    const en = endArg(argv[at + 1]!);
    if (isErr(en)) return en;
    start = st;
    end = en;
    if (at + 3 < argc) consumerName = argv[at + 3]!;
  }
  const e = streamFor(ctx, argv[1]!, false);
  if (isErr(e)) return e;
  const g = e?.value.stream.group(argv[2]!);
  if (!e || !g) return errorf(`NOGROUP No such key '${s(argv[1]!)}' or consumer group '${s(argv[2]!)}'`);
  if (justInfo) {
    if (g.pel.size === 0) return array([ZERO, NIL, NIL, NIL_ARRAY]);
    const owners: Reply[] = [];
    for (const c of g.sortedConsumers()) {
      if (c.pel.size === 0) continue;
      owners.push(array([bulk(c.name), bulk(String(c.pel.size))]));
    }
    return array([int(g.pel.size), idReply(g.pel.first()![0]), idReply(g.pel.last()![0]), array(owners)]);
  }
  let pel = g.pel;
  if (consumerName) {
    const c = lookupConsumer(g, consumerName, ctx.nowMs, false);
    if (!c) return EMPTY_ARRAY;
    pel = c.pel;
  }
  const now = ctx.nowMs;
  const out: Reply[] = [];
  if (count > 0) {
    for (const [id, nack] of pel.from(start)) {
      if (id > end) break;
      if (minIdle !== 0n && BigInt(now - nack.deliveryTime) < minIdle) continue;
      out.push(array([idReply(id), bulk(nack.consumer!.name), int(Math.max(0, now - nack.deliveryTime)), ll(nack.deliveryCount)]));
      if (out.length === count) break;
    }
  }
  return array(out);
}

// --------------------------------------------------------------------------
// XCLAIM / XAUTOCLAIM.

function xclaim(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const e = streamFor(ctx, argv[1]!, true);
  if (isErr(e)) return e;
  const g = e?.value.stream.group(argv[2]!);
  if (!e || !g) return errorf(`NOGROUP No such key '${s(argv[1]!)}' or consumer group '${s(argv[2]!)}'`);
  const minIdleArg = llArg(argv[4]!, 'Invalid min-idle-time argument for XCLAIM');
  if (isErr(minIdleArg)) return minIdleArg;
  const minIdle = minIdleArg < 0n ? 0n : minIdleArg;
  // The ids run until the first argument that is not one; the options follow.
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const p = parseId(argv[j]!, 0n, true);
    if (!p) break;
    ids.push(p.id);
  }
  const now = ctx.nowMs;
  let force = false, justid = false, retryCount = -1n, deliveryTime = -1n, lastId = 0n;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = cstr(argv[j]!);
    const o = opt.toLowerCase();
    if (o === 'force') force = true;
    else if (o === 'justid') justid = true;
    else if (o === 'idle' && more) {
      j++;
      const v = llArg(argv[j]!, 'Invalid IDLE option argument for XCLAIM');
      if (isErr(v)) return v;
      deliveryTime = BigInt(now) - v;
    } else if (o === 'time' && more) {
      j++;
      const v = llArg(argv[j]!, 'Invalid TIME option argument for XCLAIM');
      if (isErr(v)) return v;
      deliveryTime = v;
    } else if (o === 'retrycount' && more) {
      j++;
      const v = llArg(argv[j]!, 'Invalid RETRYCOUNT option argument for XCLAIM');
      if (isErr(v)) return v;
      retryCount = v;
    } else if (o === 'lastid' && more) {
      j++;
      const v = idArg(argv[j]!, 0n, true);
      if (isErr(v)) return v;
      lastId = v;
    } else {
      return errorf(`ERR Unrecognized XCLAIM option '${opt}'`);
    }
  }
  const before = valueBytes(e.value);
  let changed = false;
  if (lastId > g.lastId) {
    g.lastId = lastId;
    changed = true;
  }
  // A delivery time in the future or negative becomes now; no IDLE/TIME means now (idle 0).
  const when = deliveryTime === -1n || deliveryTime < 0n || deliveryTime > BigInt(now) ? now : Number(deliveryTime);
  const st = e.value.stream;
  let consumer: Consumer | undefined;
  const out: Reply[] = [];
  for (const id of ids) {
    let nack = g.pel.get(id);
    const entry = st.get(id);
    if (!entry) {
      // The entry is gone from the stream: its PEL entry goes too.
      if (nack) {
        dropNack(g, id, nack);
        changed = true;
      }
      continue;
    }
    if (force && !nack) {
      nack = createNack(null, now);
      g.pel.set(id, nack);
    }
    if (!nack) continue;
    if (nack.consumer && minIdle !== 0n && BigInt(now - nack.deliveryTime) < minIdle) continue;
    consumer ??= lookupOrCreateConsumer(ctx, argv[1]!, g, argv[3]!, now);
    if (nack.consumer !== consumer) nack.consumer?.pel.delete(id);
    nack.deliveryTime = when;
    if (retryCount >= 0n) nack.deliveryCount = retryCount;
    else if (!justid) nack.deliveryCount++;
    if (nack.consumer !== consumer) {
      consumer.pel.set(id, nack);
      nack.consumer = consumer;
    }
    out.push(justid ? idReply(id) : entryReply(entry));
    changed = true;
  }
  if (changed) groupChanged(ctx, e, before);
  return array(out);
}

function xautoclaim(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const minIdleArg = llArg(argv[4]!, 'Invalid min-idle-time argument for XAUTOCLAIM');
  if (isErr(minIdleArg)) return minIdleArg;
  const minIdle = minIdleArg < 0n ? 0n : minIdleArg;
  const start = startArg(argv[5]!);
  if (isErr(start)) return start;
  let count = 100, justid = false;
  // COUNT is capped at LONG_MAX / max(sizeof(streamID), attempts factor 10).
  const maxCount = ((1n << 63n) - 1n) / 16n;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (is(argv[j]!, 'count') && more) {
      const v = parseInt64(argv[j + 1]!);
      if (v === null || v < 1n || v > maxCount) return error('ERR COUNT must be > 0');
      count = num(v);
      j++;
    } else if (is(argv[j]!, 'justid')) {
      justid = true;
    } else {
      return ERR_SYNTAX;
    }
  }
  const e = streamFor(ctx, argv[1]!, true);
  if (isErr(e)) return e;
  const g = e?.value.stream.group(argv[2]!);
  if (!e || !g) return errorf(`NOGROUP No such key '${s(argv[1]!)}' or consumer group '${s(argv[2]!)}'`);
  const st = e.value.stream;
  const now = ctx.nowMs;
  const before = valueBytes(e.value);
  let attempts = count * 10;
  let consumer: Consumer | undefined;
  const claimed: Reply[] = [];
  const deleted: Reply[] = [];
  let cur = g.pel.ceil(start);
  let changed = false;
  while (attempts-- > 0 && count > 0 && cur) {
    const [id, nack] = cur;
    const entry = st.get(id);
    if (!entry) {
      dropNack(g, id, nack);
      deleted.push(idReply(id));
      count--;
      changed = true;
      cur = g.pel.higher(id);
      continue;
    }
    if (minIdle !== 0n && BigInt(now - nack.deliveryTime) < minIdle) {
      cur = g.pel.higher(id);
      continue;
    }
    consumer ??= lookupOrCreateConsumer(ctx, argv[1]!, g, argv[3]!, now);
    if (nack.consumer !== consumer) nack.consumer?.pel.delete(id);
    nack.deliveryTime = now;
    if (!justid) nack.deliveryCount++;
    if (nack.consumer !== consumer) {
      consumer.pel.set(id, nack);
      nack.consumer = consumer;
    }
    claimed.push(justid ? idReply(id) : entryReply(entry));
    count--;
    changed = true;
    cur = g.pel.higher(id);
  }
  // The cursor is the next PEL entry after the last one looked at (0-0 at the end).
  const next = cur ? cur[0] : 0n;
  if (changed) groupChanged(ctx, e, before);
  return array([idReply(next), array(claimed), array(deleted)]);
}

// --------------------------------------------------------------------------
// XINFO.

function xinfo(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const sub = subcommand(argv, 'XINFO', XINFO_SUBS);
  if (isErr(sub)) return sub;
  if (sub === 'help') return help('XINFO', XINFO_HELP);
  const key = argv[2]!;
  const e = streamFor(ctx, key, false);
  if (isErr(e)) return e;
  if (!e) return ERR_NO_SUCH_KEY;
  const st = e.value.stream;
  const now = ctx.nowMs;
  if (sub === 'consumers') {
    const g = st.group(argv[3]!);
    if (!g) return errorf(`NOGROUP No such consumer group '${s(argv[3]!)}' for key name '${s(key)}'`);
    return array(g.sortedConsumers().map((c) => map([
      bulk('name'), bulk(c.name),
      bulk('pending'), int(c.pel.size),
      bulk('idle'), int(Math.max(0, now - c.seenTime)),
    ])));
  }
  if (sub === 'groups') {
    return array(st.sortedGroups().map((g) => map([
      bulk('name'), bulk(g.name),
      bulk('consumers'), int(g.consumers.size),
      bulk('pending'), int(g.pel.size),
      bulk('last-delivered-id'), idReply(g.lastId),
      bulk('entries-read'), entriesReadReply(g),
      bulk('lag'), lagReply(st, g),
    ])));
  }
  // STREAM [FULL [COUNT <count>]]
  const opts = argv.slice(3);
  let full = false, count = 10;
  if (opts.length > 0) {
    if (opts.length !== 1 && opts.length !== 3) return subSyntaxError(argv, 'XINFO');
    if (!is(opts[0]!, 'full')) return subSyntaxError(argv, 'XINFO');
    full = true;
    if (opts.length === 3) {
      if (!is(opts[1]!, 'count')) return subSyntaxError(argv, 'XINFO');
      const v = llArg(opts[2]!);
      if (isErr(v)) return v;
      count = v < 0n ? 10 : num(v);
    }
  }
  const head: Reply[] = [
    bulk('length'), int(st.length),
    bulk('radix-tree-keys'), int(st.nodes.length),
    bulk('radix-tree-nodes'), int(st.radixTreeNodes()),
    bulk('last-generated-id'), idReply(st.lastId),
    bulk('max-deleted-entry-id'), idReply(st.maxDeletedId),
    bulk('entries-added'), ll(st.entriesAdded),
    bulk('recorded-first-entry-id'), idReply(st.firstId),
  ];
  if (!full) {
    let first: Reply = NIL, last: Reply = NIL;
    for (const en of st.range(0n, MAX_ID)) { first = entryReply(en); break; }
    for (const en of st.range(0n, MAX_ID, true)) { last = entryReply(en); break; }
    return map([...head, bulk('groups'), int(st.groups ? st.groups.size : 0), bulk('first-entry'), first, bulk('last-entry'), last]);
  }
  const entries: Reply[] = [];
  for (const en of st.range(0n, MAX_ID)) {
    entries.push(entryReply(en));
    if (count && entries.length === count) break;
  }
  const groups = st.sortedGroups().map((g) => {
    const pending: Reply[] = [];
    for (const [id, nack] of g.pel.from()) {
      if (count && pending.length >= count) break;
      pending.push(array([idReply(id), bulk(nack.consumer!.name), int(nack.deliveryTime), ll(nack.deliveryCount)]));
    }
    const consumers = g.sortedConsumers().map((c) => {
      const cp: Reply[] = [];
      for (const [id, nack] of c.pel.from()) {
        if (count && cp.length >= count) break;
        cp.push(array([idReply(id), int(nack.deliveryTime), ll(nack.deliveryCount)]));
      }
      return map([bulk('name'), bulk(c.name), bulk('seen-time'), int(c.seenTime), bulk('pel-count'), int(c.pel.size), bulk('pending'), array(cp)]);
    });
    return map([
      bulk('name'), bulk(g.name),
      bulk('last-delivered-id'), idReply(g.lastId),
      bulk('entries-read'), entriesReadReply(g),
      bulk('lag'), lagReply(st, g),
      bulk('pel-count'), int(g.pel.size),
      bulk('pending'), array(pending),
      bulk('consumers'), array(consumers),
    ]);
  });
  return map([...head, bulk('entries'), array(entries), bulk('groups'), array(groups)]);
}

// --------------------------------------------------------------------------

const stream = { firstKey: 1, lastKey: 1, keyStep: 1, group: 'stream' } as const;
const sub2 = { firstKey: 2, lastKey: 2, keyStep: 1, group: 'stream' } as const;
const movable = { firstKey: 0, lastKey: 0, keyStep: 0, group: 'stream' } as const;

export const streamCommands: readonly StoreCommand[] = [
  { ...stream, name: 'xadd', arity: -5, flags: ['write', 'denyoom', 'fast'], summary: 'Appends a new message to a stream. Creates the key if it doesn\'t exist.', since: '5.0.0', handler: xadd },
  { ...stream, name: 'xtrim', arity: -4, flags: ['write'], summary: 'Deletes messages from the beginning of a stream.', since: '5.0.0', handler: xtrim },
  { ...stream, name: 'xdel', arity: -3, flags: ['write', 'fast'], summary: 'Returns the number of messages after removing them from a stream.', since: '5.0.0', handler: xdel },
  { ...stream, name: 'xrange', arity: -4, flags: ['readonly'], summary: 'Returns the messages from a stream within a range of IDs.', since: '5.0.0', handler: xrange(false) },
  { ...stream, name: 'xrevrange', arity: -4, flags: ['readonly'], summary: 'Returns the messages from a stream within a range of IDs in reverse order.', since: '5.0.0', handler: xrange(true) },
  { ...stream, name: 'xlen', arity: 2, flags: ['readonly', 'fast'], summary: 'Return the number of messages in a stream.', since: '5.0.0', handler: xlen },
  { ...movable, name: 'xread', arity: -4, flags: ['readonly', 'blocking', 'movablekeys'], getKeys: xreadKeys, summary: 'Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is available otherwise.', since: '5.0.0', handler: xread(false) },
  { ...movable, name: 'xreadgroup', arity: -7, flags: ['write', 'blocking', 'movablekeys'], getKeys: xreadKeys, summary: 'Returns new or historical messages from a stream for a consumer in a group. Blocks until a message is available otherwise.', since: '5.0.0', handler: xread(true) },
  { ...sub2, name: 'xgroup', arity: -2, flags: ['write'], summary: 'A container for consumer groups commands.', since: '5.0.0', handler: xgroup },
  { ...stream, name: 'xsetid', arity: -3, flags: ['write', 'denyoom', 'fast'], summary: 'An internal command for replicating stream values.', since: '5.0.0', handler: xsetid },
  { ...stream, name: 'xack', arity: -4, flags: ['write', 'fast'], summary: 'Returns the number of messages that were successfully acknowledged by the consumer group member of a stream.', since: '5.0.0', handler: xack },
  { ...stream, name: 'xpending', arity: -3, flags: ['readonly'], summary: 'Returns the information and entries from a stream consumer group\'s pending entries list.', since: '5.0.0', handler: xpending },
  { ...stream, name: 'xclaim', arity: -6, flags: ['write', 'fast'], summary: 'Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a consumer group member.', since: '5.0.0', handler: xclaim },
  { ...stream, name: 'xautoclaim', arity: -6, flags: ['write', 'fast'], summary: 'Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to as consumer group member.', since: '6.2.0', handler: xautoclaim },
  { ...sub2, name: 'xinfo', arity: -2, flags: ['readonly'], summary: 'A container for stream introspection commands.', since: '5.0.0', handler: xinfo },
];
