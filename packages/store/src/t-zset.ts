// Sorted set commands (Redis 7.0 t_zset.c): replies, error texts and the
// order of checks as redis-server 7.0 has them. The set itself is a skip list
// with a member map (zskiplist.ts).
import { NIL, NIL_ARRAY, ZERO, EMPTY_ARRAY, int, bulk, array, double, error, type Reply, type ErrorReply } from '@redisraft-wasm/resp';
import type { CommandContext, StoreCommand } from './command-spec.js';
import type { KeyEntry } from './keyspace.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE, isErr, lower } from './args.js';
import { parseInt64 } from './numbers.js';
import { parseRangeScore, parseScore } from './strtod.js';
import {
  ZSet, type ZNode, type ScoreRange, type LexRange, type LexBound,
  gteMin, lteMax, lexGteMin, lexLteMax, compareEntries, LISTPACK_MAX_ENTRIES, LISTPACK_MAX_VALUE,
} from './zskiplist.js';
import { Notify, notify } from './notify.js';

type ZEntry = KeyEntry & { value: { type: 'zset'; zset: ZSet } };
const s = (b: Buffer) => b.toString('latin1');
const B = (k: string) => Buffer.from(k, 'latin1');

const ERR_NAN = error('ERR resulting score is not a number (NaN)');
const ERR_NOT_FLOAT = error('ERR value is not a valid float');
const ERR_MINMAX_FLOAT = error('ERR min or max is not a float');
const ERR_MINMAX_LEX = error('ERR min or max not valid string range item');
const ERR_OUT_OF_RANGE = error('ERR value is out of range');
const LONG_MAX = 2n ** 63n - 1n;

function zsetFor(ctx: CommandContext, key: Buffer, write: boolean): ZEntry | undefined | ErrorReply {
  const e = write ? ctx.db.getForWrite(key, ctx.nowMs) : ctx.db.get(key, ctx.nowMs);
  if (!e) return undefined;
  return e.value.type === 'zset' ? (e as ZEntry) : ERR_WRONGTYPE;
}

/** Records an in-place change and announces `event`: deletes the key once empty (then `del`), else bumps its version and size. */
function changed(ctx: CommandContext, key: Buffer, e: ZEntry, bytesBefore: number, event: string): void {
  ctx.db.touched(e, bytesBefore); // settles the size accounting before a delete, too
  notify(ctx, Notify.zset, event, key);
  if (e.value.zset.size === 0) {
    ctx.db.delete(key);
    notify(ctx, Notify.generic, 'del', key);
  }
}

/** getLongFromObject: a 64-bit integer (as a JS number; beyond 2^53 only its magnitude matters here). */
function longArg(b: Buffer): number | null {
  const v = parseInt64(b);
  return v === null ? null : Number(v);
}

/** A (member, score) result. */
interface Item {
  member: string;
  score: number;
}

/** Members with scores: flat in RESP2, [member, score] pairs in RESP3. */
function withScoresReply(ctx: CommandContext, items: readonly Item[]): Reply {
  if (ctx.resp === 2) {
    const out: Reply[] = [];
    for (const it of items) out.push(bulk(B(it.member)), double(it.score));
    return array(out);
  }
  return array(items.map((it) => array([bulk(B(it.member)), double(it.score)])));
}

function itemsReply(ctx: CommandContext, items: readonly Item[], withScores: boolean): Reply {
  return withScores ? withScoresReply(ctx, items) : array(items.map((it) => bulk(B(it.member))));
}

/** A new set holding `items`, in the encoding Redis would pick (zsetConvertToListpackIfNeeded). */
function buildZSet(items: readonly Item[]): ZSet {
  const z = new ZSet();
  let maxLen = 0;
  for (const it of items) if (it.member.length > maxLen) maxLen = it.member.length;
  z.listpack = items.length <= LISTPACK_MAX_ENTRIES && maxLen <= LISTPACK_MAX_VALUE;
  for (const it of items) z.insert(it.member, it.score);
  return z;
}

/** Stores a result set at dst (replacing whatever is there, TTL included) and announces `event`, or deletes dst when empty. */
function storeResult(ctx: CommandContext, dst: Buffer, items: readonly Item[], event: string): Reply {
  if (items.length === 0) {
    if (ctx.db.delete(dst)) notify(ctx, Notify.generic, 'del', dst);
    return ZERO;
  }
  ctx.db.set(dst, { type: 'zset', zset: buildZSet(items) });
  notify(ctx, Notify.zset, event, dst);
  return int(items.length);
}

// ---------------------------------------------------------------- ranges

/** zslParseRange. */
function parseScoreRange(minArg: Buffer, maxArg: Buffer): ScoreRange | null {
  const one = (b: Buffer): [number, boolean] | null => {
    const t = s(b);
    const ex = t.charCodeAt(0) === 40; // '('
    const v = parseRangeScore(ex ? t.slice(1) : t);
    return v === null ? null : [v, ex];
  };
  const a = one(minArg);
  if (!a) return null;
  const b = one(maxArg);
  if (!b) return null;
  return { min: a[0], minex: a[1], max: b[0], maxex: b[1] };
}

/** zslParseLexRange: '-', '+', '(member' or '[member' (C strings: '+' and '-' stop at a NUL). */
function parseLexRange(minArg: Buffer, maxArg: Buffer): LexRange | null {
  const one = (b: Buffer): LexBound | null => {
    switch (b[0]) {
      case 43: return b.length === 1 || b[1] === 0 ? { value: '', ex: true, inf: 1 } : null; // '+'
      case 45: return b.length === 1 || b[1] === 0 ? { value: '', ex: true, inf: -1 } : null; // '-'
      case 40: return { value: s(b.subarray(1)), ex: true, inf: 0 }; // '('
      case 91: return { value: s(b.subarray(1)), ex: false, inf: 0 }; // '['
      default: return null;
    }
  };
  const min = one(minArg), max = one(maxArg);
  return min && max ? { min, max } : null;
}

/** Clamps a rank range like Redis; null when empty. */
function rankRange(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}

function byRank(z: ZSet, start: number, end: number, reverse: boolean): Item[] {
  const r = rankRange(start, end, z.size);
  if (!r) return [];
  const out: Item[] = [];
  let n = r[1] - r[0] + 1;
  let x = reverse ? z.at(z.size - 1 - r[0]) : z.at(r[0]);
  while (n-- > 0 && x) {
    out.push({ member: x.member, score: x.score });
    x = reverse ? x.backward : x.next[0]!;
  }
  return out;
}

/** Walks from `start` skipping `offset` (a negative offset walks off the end) then takes up to `limit` (negative = all) while `inRange`. */
function walk(start: ZNode | null, reverse: boolean, offset: number, limit: number, inRange: (x: ZNode) => boolean): Item[] {
  let x = start;
  const step = (n: ZNode) => (reverse ? n.backward : n.next[0]!);
  if (offset < 0) return [];
  while (x && offset-- > 0) x = step(x);
  const out: Item[] = [];
  while (x && limit-- !== 0) {
    if (!inRange(x)) break;
    out.push({ member: x.member, score: x.score });
    x = step(x);
  }
  return out;
}

function byScore(z: ZSet, r: ScoreRange, offset: number, limit: number, reverse: boolean): Item[] {
  if (offset > 0 && offset >= z.size) return [];
  const start = reverse ? z.lastInRange(r) : z.firstInRange(r);
  return walk(start, reverse, offset, limit, reverse ? (x) => gteMin(x.score, r) : (x) => lteMax(x.score, r));
}

function byLex(z: ZSet, r: LexRange, offset: number, limit: number, reverse: boolean): Item[] {
  const start = reverse ? z.lastInLexRange(r) : z.firstInLexRange(r);
  return walk(start, reverse, offset, limit, reverse ? (x) => lexGteMin(x.member, r) : (x) => lexLteMax(x.member, r));
}

type RangeType = 'auto' | 'rank' | 'score' | 'lex';

/** ZRANGE, ZRANGESTORE and the older Z[REV]RANGE[BYSCORE|BYLEX] (zrangeGenericCommand). */
function zrangeGeneric(rangeType: RangeType, reverseFixed: boolean | null, store: boolean) {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const argStart = store ? 2 : 1;
    let type = rangeType;
    let reverse = reverseFixed;
    let withScores = false;
    let offset = 0, limit = -1;
    for (let j = argStart + 3; j < argv.length; j++) {
      const opt = lower(argv[j]!);
      const left = argv.length - j - 1;
      if (!store && opt === 'withscores') withScores = true;
      else if (opt === 'limit' && left >= 2) {
        const o = longArg(argv[j + 1]!);
        if (o === null) return ERR_NOT_INTEGER;
        const l = longArg(argv[j + 2]!);
        if (l === null) return ERR_NOT_INTEGER;
        offset = o;
        limit = l;
        j += 2;
      } else if (reverse === null && opt === 'rev') reverse = true;
      else if (type === 'auto' && opt === 'bylex') type = 'lex';
      else if (type === 'auto' && opt === 'byscore') type = 'score';
      else return ERR_SYNTAX;
    }
    reverse ??= false;
    if (type === 'auto') type = 'rank';
    if (limit !== -1 && type === 'rank') return error('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
    if (withScores && type === 'lex') return error('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
    let minArg = argv[argStart + 1]!, maxArg = argv[argStart + 2]!;
    if (reverse && type !== 'rank') [minArg, maxArg] = [maxArg, minArg];

    let get: (z: ZSet) => Item[];
    if (type === 'rank') {
      const start = longArg(minArg);
      if (start === null) return ERR_NOT_INTEGER;
      const end = longArg(maxArg);
      if (end === null) return ERR_NOT_INTEGER;
      get = (z) => byRank(z, start, end, reverse!);
    } else if (type === 'score') {
      const r = parseScoreRange(minArg, maxArg);
      if (!r) return ERR_MINMAX_FLOAT;
      get = (z) => byScore(z, r, offset, limit, reverse!);
    } else {
      const r = parseLexRange(minArg, maxArg);
      if (!r) return ERR_MINMAX_LEX;
      get = (z) => byLex(z, r, offset, limit, reverse!);
    }

    const e = zsetFor(ctx, argv[argStart]!, false);
    if (isErr(e)) return e;
    if (!e) return store ? storeResult(ctx, argv[1]!, [], 'zrangestore') : EMPTY_ARRAY;
    const items = get(e.value.zset);
    return store ? storeResult(ctx, argv[1]!, items, 'zrangestore') : itemsReply(ctx, items, withScores);
  };
}

// ---------------------------------------------------------------- ZADD / ZINCRBY / ZREM

/** ZADD and ZINCRBY (which is ZADD with INCR, options parsed all the same). */
const zadd = (zincrby: boolean) => (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
  let nx = false, xx = false, ch = false, incr = zincrby, gt = false, lt = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const opt = lower(argv[i]!);
    if (opt === 'nx') nx = true;
    else if (opt === 'xx') xx = true;
    else if (opt === 'ch') ch = true;
    else if (opt === 'incr') incr = true;
    else if (opt === 'gt') gt = true;
    else if (opt === 'lt') lt = true;
    else break;
  }
  const pairs = argv.length - i;
  if (pairs === 0 || pairs % 2 !== 0) return ERR_SYNTAX;
  if (nx && xx) return error('ERR XX and NX options at the same time are not compatible');
  if ((gt && nx) || (lt && nx) || (gt && lt)) return error('ERR GT, LT, and/or NX options at the same time are not compatible');
  if (incr && pairs > 2) return error('ERR INCR option supports a single increment-element pair');
  const scores: number[] = [];
  for (let j = i; j < argv.length; j += 2) {
    const v = parseScore(argv[j]!);
    if (v === null) return ERR_NOT_FLOAT;
    scores.push(v);
  }

  const key = argv[1]!;
  let e = zsetFor(ctx, key, true);
  if (isErr(e)) return e;
  if (!e) {
    if (xx) return incr ? NIL : ZERO;
    const z = new ZSet();
    if (argv[i + 1]!.length > LISTPACK_MAX_VALUE) z.listpack = false;
    e = ctx.db.set(key, { type: 'zset', zset: z }) as ZEntry;
  }
  const z = e.value.zset;
  const before = z.bytes;
  let added = 0, updated = 0, processed = 0;
  let score = 0;
  let reply: Reply | null = null;
  for (let k = 0; k < scores.length; k++) {
    const m = s(argv[i + 1 + 2 * k]!);
    let sc = scores[k]!;
    const cur = z.score(m);
    if (cur !== undefined) {
      if (nx) continue;
      if (incr) {
        sc += cur;
        if (Number.isNaN(sc)) { reply = ERR_NAN; break; }
      }
      if ((lt && sc >= cur) || (gt && sc <= cur)) continue;
      if (sc !== cur) {
        z.updateScore(m, sc);
        updated++;
      }
    } else if (!xx) {
      z.insert(m, sc);
      added++;
    } else {
      continue;
    }
    processed++;
    score = sc;
  }
  if (added || updated) changed(ctx, key, e, before, incr ? 'zincr' : 'zadd');
  if (reply) return reply;
  if (incr) return processed ? double(score) : NIL;
  return int(ch ? added + updated : added);
};

function zrem(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const e = zsetFor(ctx, argv[1]!, true);
  if (isErr(e)) return e;
  if (!e) return ZERO;
  const z = e.value.zset;
  const before = z.bytes;
  let n = 0;
  for (let j = 2; j < argv.length && z.size > 0; j++) if (z.delete(s(argv[j]!))) n++;
  if (n) changed(ctx, argv[1]!, e, before, 'zrem');
  return int(n);
}

function zremrange(type: 'rank' | 'score' | 'lex') {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    let pick: (z: ZSet) => Item[];
    if (type === 'rank') {
      const start = longArg(argv[2]!);
      if (start === null) return ERR_NOT_INTEGER;
      const end = longArg(argv[3]!);
      if (end === null) return ERR_NOT_INTEGER;
      pick = (z) => byRank(z, start, end, false);
    } else if (type === 'score') {
      const r = parseScoreRange(argv[2]!, argv[3]!);
      if (!r) return ERR_MINMAX_FLOAT;
      pick = (z) => byScore(z, r, 0, -1, false);
    } else {
      const r = parseLexRange(argv[2]!, argv[3]!);
      if (!r) return ERR_MINMAX_LEX;
      pick = (z) => byLex(z, r, 0, -1, false);
    }
    const e = zsetFor(ctx, argv[1]!, true);
    if (isErr(e)) return e;
    if (!e) return ZERO;
    const z = e.value.zset;
    const before = z.bytes;
    const gone = pick(z);
    for (const it of gone) z.delete(it.member);
    if (gone.length) changed(ctx, argv[1]!, e, before, `zremrangeby${type}`);
    return int(gone.length);
  };
}

// ---------------------------------------------------------------- reads

function zcount(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const r = parseScoreRange(argv[2]!, argv[3]!);
  if (!r) return ERR_MINMAX_FLOAT;
  const e = zsetFor(ctx, argv[1]!, false);
  if (isErr(e)) return e;
  if (!e) return ZERO;
  const z = e.value.zset;
  const first = z.firstInRange(r);
  if (!first) return ZERO;
  const last = z.lastInRange(r)!;
  return int(z.rankOfNode(last) - z.rankOfNode(first) + 1);
}

function zlexcount(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const r = parseLexRange(argv[2]!, argv[3]!);
  if (!r) return ERR_MINMAX_LEX;
  const e = zsetFor(ctx, argv[1]!, false);
  if (isErr(e)) return e;
  if (!e) return ZERO;
  const z = e.value.zset;
  const first = z.firstInLexRange(r);
  if (!first) return ZERO;
  if (!z.sameScores) {
    // Over mixed scores: count forward from the first member while <= max, as Redis does in a listpack.
    let n = 0;
    for (let x: ZNode | null = first; x && lexLteMax(x.member, r); x = x.next[0]!) n++;
    return int(n);
  }
  const rank = z.rankOfNode(first);
  let count = z.size - rank;
  const last = z.lastInLexRange(r);
  if (last) count -= z.size - 1 - z.rankOfNode(last);
  return int(count);
}

function zscore(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const e = zsetFor(ctx, argv[1]!, false);
  if (isErr(e)) return e;
  const v = e?.value.zset.score(s(argv[2]!));
  return v === undefined ? NIL : double(v);
}

function zmscore(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const e = zsetFor(ctx, argv[1]!, false);
  if (isErr(e)) return e;
  return array(argv.slice(2).map((m) => {
    const v = e?.value.zset.score(s(m));
    return v === undefined ? NIL : double(v);
  }));
}

function zrank(reverse: boolean) {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const e = zsetFor(ctx, argv[1]!, false);
    if (isErr(e)) return e;
    if (!e) return NIL;
    const z = e.value.zset;
    const r = z.rank(s(argv[2]!));
    if (r === undefined) return NIL;
    return int(reverse ? z.size - 1 - r : r);
  };
}

// ---------------------------------------------------------------- pops

/** genericZpopCommand: pops from the first existing key among `keys`. */
function zpop(ctx: CommandContext, keys: readonly Buffer[], max: boolean, count: number, nested: boolean, withKey: boolean): Reply {
  let key: Buffer | undefined;
  let e: ZEntry | undefined;
  for (const k of keys) {
    const found = zsetFor(ctx, k, true);
    if (isErr(found)) return found;
    if (found) { key = k; e = found; break; }
  }
  if (!e || !key) return withKey ? NIL_ARRAY : EMPTY_ARRAY;
  if (count === 0) return EMPTY_ARRAY;
  const z = e.value.zset;
  const before = z.bytes;
  const n = Math.min(count, z.size);
  const items: Item[] = [];
  for (let i = 0; i < n; i++) {
    const x = max ? z.last()! : z.first()!;
    items.push({ member: x.member, score: x.score });
    z.delete(x.member);
  }
  changed(ctx, key, e, before, max ? 'zpopmax' : 'zpopmin');
  const pairs = nested
    ? items.map((it) => array([bulk(B(it.member)), double(it.score)]))
    : items.flatMap((it) => [bulk(B(it.member)), double(it.score)]);
  return withKey ? array([bulk(key), array(pairs)]) : array(pairs);
}

function zpopMinMax(max: boolean) {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    if (argv.length > 3) return ERR_SYNTAX;
    let count = -1;
    if (argv.length === 3) {
      const c = longArg(argv[2]!);
      if (c === null || c < 0) return error('ERR value is out of range, must be positive');
      count = c;
    }
    return zpop(ctx, [argv[1]!], max, count === -1 ? 1 : count, ctx.resp > 2 && count !== -1, false);
  };
}

function zmpop(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const numkeys = longArg(argv[1]!);
  if (numkeys === null || numkeys < 1) return error('ERR numkeys should be greater than 0');
  const whereIdx = 1 + numkeys + 1;
  if (whereIdx >= argv.length) return ERR_SYNTAX;
  const where = lower(argv[whereIdx]!);
  if (where !== 'min' && where !== 'max') return ERR_SYNTAX;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && lower(argv[j]!) === 'count' && more) {
      j++;
      const c = longArg(argv[j]!);
      if (c === null || c < 1) return error('ERR count should be greater than 0');
      count = c;
    } else {
      return ERR_SYNTAX;
    }
  }
  if (count === -1) count = 1;
  return zpop(ctx, argv.slice(2, whereIdx), where === 'max', count, true, true);
}

function zrandmember(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  if (argv.length >= 3) {
    const big = parseInt64(argv[2]!);
    if (big === null) return ERR_NOT_INTEGER;
    if (big < -LONG_MAX) return error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
    if (argv.length > 4 || (argv.length === 4 && lower(argv[3]!) !== 'withscores')) return ERR_SYNTAX;
    const withScores = argv.length === 4;
    if (withScores && (big < -LONG_MAX / 2n || big > LONG_MAX / 2n)) return ERR_OUT_OF_RANGE;
    const e = zsetFor(ctx, argv[1]!, false);
    if (isErr(e)) return e;
    if (!e || big === 0n) return EMPTY_ARRAY;
    const z = e.value.zset;
    const nodes: ZNode[] = [];
    if (big < 0n) {
      // Repeats allowed: |count| independent draws.
      const n = Number(-big);
      for (let i = 0; i < n; i++) nodes.push(z.at(Math.floor(ctx.random() * z.size))!);
    } else if (big >= BigInt(z.size)) {
      for (const x of z) nodes.push(x);
    } else {
      // Distinct members: a partial Fisher-Yates shuffle of the ranks.
      const n = Number(big);
      const ranks = Array.from({ length: z.size }, (_, i) => i);
      for (let i = 0; i < n; i++) {
        const j = i + Math.floor(ctx.random() * (ranks.length - i));
        [ranks[i], ranks[j]] = [ranks[j]!, ranks[i]!];
        nodes.push(z.at(ranks[i]!)!);
      }
    }
    return itemsReply(ctx, nodes.map((x) => ({ member: x.member, score: x.score })), withScores);
  }
  const e = zsetFor(ctx, argv[1]!, false);
  if (isErr(e)) return e;
  if (!e) return NIL;
  const z = e.value.zset;
  return bulk(B(z.at(Math.floor(ctx.random() * z.size))!.member));
}

// ---------------------------------------------------------------- ZUNION / ZINTER / ZDIFF

type SetOp = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** An operand: a sorted set, or a plain set whose members all score 1. */
interface Operand {
  zset?: ZSet;
  set?: Set<string>;
  weight: number;
}

const operandSize = (o: Operand) => o.zset?.size ?? o.set?.size ?? 0;

function* operandItems(o: Operand): Generator<Item> {
  if (o.zset) for (const x of o.zset) yield { member: x.member, score: x.score };
  else if (o.set) for (const m of o.set) yield { member: m, score: 1 };
}

function operandScore(o: Operand, m: string): number | undefined {
  if (o.zset) return o.zset.score(m);
  return o.set?.has(m) ? 1 : undefined;
}

function aggregate(target: number, v: number, how: Aggregate): number {
  if (how === 'sum') {
    const t = target + v;
    return Number.isNaN(t) ? 0 : t; // inf + -inf counts as 0
  }
  if (how === 'min') return v < target ? v : target;
  return v > target ? v : target;
}

function combine(op: SetOp, src: Operand[], how: Aggregate, limit: number): Item[] {
  if (op === 'diff') {
    const [first, ...rest] = src;
    const out: Item[] = [];
    if (operandSize(first!) === 0) return out;
    for (const it of operandItems(first!)) if (!rest.some((o) => operandScore(o, it.member) !== undefined)) out.push(it);
    return out;
  }
  // Smallest first (a stable sort, as glibc's qsort is for small arrays): it fixes the order scores are combined in.
  const sorted = [...src].sort((a, b) => operandSize(a) - operandSize(b));
  if (op === 'inter') {
    const out: Item[] = [];
    if (operandSize(sorted[0]!) === 0) return out;
    for (const it of operandItems(sorted[0]!)) {
      let score = sorted[0]!.weight * it.score;
      if (Number.isNaN(score)) score = 0;
      let j = 1;
      for (; j < sorted.length; j++) {
        const v = operandScore(sorted[j]!, it.member);
        if (v === undefined) break;
        score = aggregate(score, v * sorted[j]!.weight, how);
      }
      if (j === sorted.length) {
        out.push({ member: it.member, score });
        if (limit > 0 && out.length >= limit) break;
      }
    }
    return out;
  }
  const acc = new Map<string, number>();
  for (const o of sorted) {
    for (const it of operandItems(o)) {
      let score = o.weight * it.score;
      if (Number.isNaN(score)) score = 0;
      const cur = acc.get(it.member);
      acc.set(it.member, cur === undefined ? score : aggregate(cur, score, how));
    }
  }
  return [...acc].map(([member, score]) => ({ member, score }));
}

function sortItems(items: Item[]): Item[] {
  return items.sort((a, b) => compareEntries(a.score, a.member, b.score, b.member));
}

/** zunionInterDiffGenericCommand. */
function zsetAlgebra(op: SetOp, store: boolean, cardOnly = false) {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const name = lower(argv[0]!);
    const numIdx = store ? 2 : 1;
    const setnum = longArg(argv[numIdx]!);
    if (setnum === null) return ERR_NOT_INTEGER;
    if (setnum < 1) return error(`ERR at least 1 input key is needed for '${name}' command`);
    if (setnum > argv.length - (numIdx + 1)) return ERR_SYNTAX;
    const src: Operand[] = [];
    let j = numIdx + 1;
    for (let i = 0; i < setnum; i++, j++) {
      const e = ctx.db.get(argv[j]!, ctx.nowMs);
      if (!e) src.push({ weight: 1 });
      else if (e.value.type === 'zset') src.push({ zset: e.value.zset, weight: 1 });
      else if (e.value.type === 'set') src.push({ set: e.value.members, weight: 1 });
      else return ERR_WRONGTYPE;
    }
    let how: Aggregate = 'sum';
    let withScores = false;
    let limit = 0;
    while (j < argv.length) {
      const remaining = argv.length - j;
      const opt = lower(argv[j]!);
      if (op !== 'diff' && !cardOnly && remaining >= setnum + 1 && opt === 'weights') {
        j++;
        for (let i = 0; i < setnum; i++, j++) {
          const w = parseScore(argv[j]!);
          if (w === null) return error('ERR weight value is not a float');
          src[i]!.weight = w;
        }
      } else if (op !== 'diff' && !cardOnly && remaining >= 2 && opt === 'aggregate') {
        const a = lower(argv[j + 1]!);
        if (a !== 'sum' && a !== 'min' && a !== 'max') return ERR_SYNTAX;
        how = a;
        j += 2;
      } else if (remaining >= 1 && !store && !cardOnly && opt === 'withscores') {
        withScores = true;
        j++;
      } else if (cardOnly && remaining >= 2 && opt === 'limit') {
        const l = longArg(argv[j + 1]!);
        if (l === null || l < 0) return error("ERR LIMIT can't be negative");
        limit = l;
        j += 2;
      } else {
        return ERR_SYNTAX;
      }
    }
    const items = combine(op, src, how, cardOnly ? limit : 0);
    if (cardOnly) return int(items.length);
    if (store) return storeResult(ctx, argv[1]!, items, `z${op}store`);
    return itemsReply(ctx, sortItems(items), withScores);
  };
}

// ---------------------------------------------------------------- the table

const one = { firstKey: 1, lastKey: 1, keyStep: 1, group: 'sortedset' } as const;
const numkeysAt = (idx: number) => (argv: readonly Buffer[]): number[] => {
  const n = parseInt64(argv[idx]!) ?? 0n;
  const count = Math.max(0, Math.min(Number(n), argv.length - idx - 1));
  return Array.from({ length: count }, (_, i) => idx + 1 + i);
};
/** ZMPOP, ZUNION, ZINTER, ZDIFF, ZINTERCARD: numkeys then the keys. */
const movable = { firstKey: 0, lastKey: 0, keyStep: 0, group: 'sortedset', getKeys: numkeysAt(1) } as const;
/** Z*STORE: the destination, then numkeys and the source keys. */
const storeKeys = { ...one, getKeys: (argv: readonly Buffer[]) => [1, ...numkeysAt(2)(argv)] } as const;

export const zsetCommands: readonly StoreCommand[] = [
  { ...one, name: 'zadd', arity: -4, flags: ['write', 'denyoom', 'fast'], summary: 'Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn\'t exist.', since: '1.2.0', complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.', handler: zadd(false) },
  { ...one, name: 'zincrby', arity: 4, flags: ['write', 'denyoom', 'fast'], summary: 'Increments the score of a member in a sorted set.', since: '1.2.0', complexity: 'O(log(N)) where N is the number of elements in the sorted set.', handler: zadd(true) },
  { ...one, name: 'zrem', arity: -3, flags: ['write', 'fast'], summary: 'Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.', since: '1.2.0', handler: zrem },
  { ...one, name: 'zcard', arity: 2, flags: ['readonly', 'fast'], summary: 'Returns the number of members in a sorted set.', since: '1.2.0',
    handler: (ctx, argv) => { const e = zsetFor(ctx, argv[1]!, false); return isErr(e) ? e : int(e?.value.zset.size ?? 0); } },
  { ...one, name: 'zcount', arity: 4, flags: ['readonly', 'fast'], summary: 'Returns the count of members in a sorted set that have scores within a range.', since: '2.0.0', handler: zcount },
  { ...one, name: 'zlexcount', arity: 4, flags: ['readonly', 'fast'], summary: 'Returns the number of members in a sorted set within a lexicographical range.', since: '2.8.9', handler: zlexcount },
  { ...one, name: 'zscore', arity: 3, flags: ['readonly', 'fast'], summary: 'Returns the score of a member in a sorted set.', since: '1.2.0', handler: zscore },
  { ...one, name: 'zmscore', arity: -3, flags: ['readonly', 'fast'], summary: 'Returns the score of one or more members in a sorted set.', since: '6.2.0', handler: zmscore },
  { ...one, name: 'zrank', arity: 3, flags: ['readonly', 'fast'], summary: 'Returns the index of a member in a sorted set ordered by ascending scores.', since: '2.0.0', handler: zrank(false) },
  { ...one, name: 'zrevrank', arity: 3, flags: ['readonly', 'fast'], summary: 'Returns the index of a member in a sorted set ordered by descending scores.', since: '2.0.0', handler: zrank(true) },
  { ...one, name: 'zrange', arity: -4, flags: ['readonly'], summary: 'Returns members in a sorted set within a range of indexes.', since: '1.2.0', handler: zrangeGeneric('auto', null, false) },
  { ...one, lastKey: 2, name: 'zrangestore', arity: -5, flags: ['write', 'denyoom'], summary: 'Stores a range of members from sorted set in a key.', since: '6.2.0', handler: zrangeGeneric('auto', null, true) },
  { ...one, name: 'zrevrange', arity: -4, flags: ['readonly'], summary: 'Returns members in a sorted set within a range of indexes in reverse order.', since: '1.2.0', handler: zrangeGeneric('rank', true, false) },
  { ...one, name: 'zrangebyscore', arity: -4, flags: ['readonly'], summary: 'Returns members in a sorted set within a range of scores.', since: '1.0.5', handler: zrangeGeneric('score', false, false) },
  { ...one, name: 'zrevrangebyscore', arity: -4, flags: ['readonly'], summary: 'Returns members in a sorted set within a range of scores in reverse order.', since: '2.2.0', handler: zrangeGeneric('score', true, false) },
  { ...one, name: 'zrangebylex', arity: -4, flags: ['readonly'], summary: 'Returns members in a sorted set within a lexicographical range.', since: '2.8.9', handler: zrangeGeneric('lex', false, false) },
  { ...one, name: 'zrevrangebylex', arity: -4, flags: ['readonly'], summary: 'Returns members in a sorted set within a lexicographical range in reverse order.', since: '2.8.9', handler: zrangeGeneric('lex', true, false) },
  { ...one, name: 'zremrangebyrank', arity: 4, flags: ['write'], summary: 'Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.', since: '2.0.0', handler: zremrange('rank') },
  { ...one, name: 'zremrangebyscore', arity: 4, flags: ['write'], summary: 'Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.', since: '1.2.0', handler: zremrange('score') },
  { ...one, name: 'zremrangebylex', arity: 4, flags: ['write'], summary: 'Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.', since: '2.8.9', handler: zremrange('lex') },
  { ...one, name: 'zpopmin', arity: -2, flags: ['write', 'fast'], summary: 'Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.', since: '5.0.0', handler: zpopMinMax(false) },
  { ...one, name: 'zpopmax', arity: -2, flags: ['write', 'fast'], summary: 'Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.', since: '5.0.0', handler: zpopMinMax(true) },
  { ...movable, name: 'zmpop', arity: -4, flags: ['write', 'movablekeys'], summary: 'Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.', since: '7.0.0', handler: zmpop },
  { ...one, name: 'zrandmember', arity: -2, flags: ['readonly', 'random'], summary: 'Returns one or more random members from a sorted set.', since: '6.2.0', handler: zrandmember },
  { ...movable, name: 'zunion', arity: -3, flags: ['readonly', 'movablekeys'], summary: 'Returns the union of multiple sorted sets.', since: '6.2.0', handler: zsetAlgebra('union', false) },
  { ...movable, name: 'zinter', arity: -3, flags: ['readonly', 'movablekeys'], summary: 'Returns the intersect of multiple sorted sets.', since: '6.2.0', handler: zsetAlgebra('inter', false) },
  { ...movable, name: 'zdiff', arity: -3, flags: ['readonly', 'movablekeys'], summary: 'Returns the difference between multiple sorted sets.', since: '6.2.0', handler: zsetAlgebra('diff', false) },
  { ...movable, name: 'zintercard', arity: -3, flags: ['readonly', 'movablekeys'], summary: 'Returns the number of members of the intersect of multiple sorted sets.', since: '7.0.0', handler: zsetAlgebra('inter', false, true) },
  { ...storeKeys, name: 'zunionstore', arity: -4, flags: ['write', 'denyoom', 'movablekeys'], summary: 'Stores the union of multiple sorted sets in a key.', since: '2.0.0', handler: zsetAlgebra('union', true) },
  { ...storeKeys, name: 'zinterstore', arity: -4, flags: ['write', 'denyoom', 'movablekeys'], summary: 'Stores the intersect of multiple sorted sets in a key.', since: '2.0.0', handler: zsetAlgebra('inter', true) },
  { ...storeKeys, name: 'zdiffstore', arity: -4, flags: ['write', 'denyoom', 'movablekeys'], summary: 'Stores the difference of multiple sorted sets in a key.', since: '6.2.0', handler: zsetAlgebra('diff', true) },
];
