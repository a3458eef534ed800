// SORT and SORT_RO (Redis sort.c): numeric or ALPHA order of a list, set or
// sorted set, BY weights from other keys (or hash fields), GET patterns,
// LIMIT, and STORE into a list.
import { array, bulk, error, int, NIL, type Reply } from '@redisraft-wasm/resp';
import type { CommandContext, StoreCommand } from './command-spec.js';
import { ERR_SYNTAX, ERR_WRONGTYPE, lower } from './args.js';
import { Deque } from './deque.js';
import { parseInt64 } from './numbers.js';
import { parseSortScore } from './strtod.js';
import { Notify, notify } from './notify.js';

interface Item {
  readonly obj: Buffer;
  score: number;
  /** The BY value for ALPHA sorts; null when the key it names is missing. */
  cmp: Buffer | null;
}

/** C strcmp: bytes up to the first NUL (collation in the "C" locale). */
function strcmp(a: Buffer, b: Buffer): number {
  const ea = a.indexOf(0), eb = b.indexOf(0);
  return Buffer.compare(ea < 0 ? a : a.subarray(0, ea), eb < 0 ? b : b.subarray(0, eb));
}

/** The pattern's '*' replaced by `subst`, and the value there: a string, or a hash field after '->'. */
function lookupByPattern(ctx: CommandContext, pattern: Buffer, subst: Buffer): Buffer | null {
  if (pattern.length === 1 && pattern[0] === 0x23) return subst;
  const star = pattern.indexOf(0x2a);
  if (star < 0) return null;
  const arrow = pattern.indexOf('->', star + 1);
  const field = arrow >= 0 && arrow + 2 < pattern.length ? pattern.subarray(arrow + 2) : null;
  const keyEnd = field ? arrow : pattern.length;
  const key = Buffer.concat([pattern.subarray(0, star), subst, pattern.subarray(star + 1, keyEnd)]);
  const e = ctx.db.get(key, ctx.nowMs);
  if (!e) return null;
  if (field) return e.value.type === 'hash' ? e.value.fields.get(field.toString('latin1')) ?? null : null;
  return e.value.type === 'string' ? e.value.data : null;
}

function sortGeneric(readonly: boolean) {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    let desc = false, alpha = false, dontsort = false;
    let limitStart = 0n, limitCount = -1n;
    let sortby: Buffer | null = null, storekey: Buffer | null = null;
    const gets: Buffer[] = [];
    for (let j = 2; j < argv.length; j++) {
      const opt = lower(argv[j]!);
      const left = argv.length - j - 1;
      if (opt === 'asc') desc = false;
      else if (opt === 'desc') desc = true;
      else if (opt === 'alpha') alpha = true;
      else if (opt === 'limit' && left >= 2) {
        const a = parseInt64(argv[j + 1]!), b = parseInt64(argv[j + 2]!);
        if (a === null || b === null) return error('ERR value is not an integer or out of range');
        limitStart = a;
        limitCount = b;
        j += 2;
      } else if (!readonly && opt === 'store' && left >= 1) {
        storekey = argv[++j]!;
      } else if (opt === 'by' && left >= 1) {
        sortby = argv[++j]!;
        if (sortby.indexOf(0x2a) < 0) dontsort = true;
      } else if (opt === 'get' && left >= 1) {
        gets.push(argv[++j]!);
      } else return ERR_SYNTAX;
    }
    const e = ctx.db.get(argv[1]!, ctx.nowMs);
    const v = e?.value;
    if (v && v.type !== 'list' && v.type !== 'set' && v.type !== 'zset') return ERR_WRONGTYPE;
    // A set has no order of its own: with STORE or inside a script, sort it alphabetically (as Redis does) so
    // every replica stores, and every script sees, the same list.
    if (dontsort && v?.type === 'set' && (storekey || ctx.fromScript)) {
      dontsort = false;
      alpha = true;
      sortby = null;
    }
    let items: Item[] = [];
    const push = (obj: Buffer) => items.push({ obj, score: 0, cmp: null });
    if (v?.type === 'list') for (let i = 0; i < v.items.length; i++) push(v.items.at(i));
    else if (v?.type === 'set') for (const m of v.members) push(Buffer.from(m, 'latin1'));
    else if (v?.type === 'zset') for (const n of v.zset) push(Buffer.from(n.member, 'latin1'));
    const len = BigInt(items.length);
    let start = limitStart < 0n ? 0n : limitStart > len ? len : limitStart;
    const count = limitCount < -1n ? -1n : limitCount > len ? len : limitCount;
    let end = count < 0n ? len - 1n : start + count - 1n;
    if (start >= len) {
      start = len - 1n;
      end = len - 2n;
    }
    if (end >= len) end = len - 1n;
    // Lists and sorted sets keep their own order when nothing is sorted; DESC reads them backwards.
    if (dontsort && desc && (v?.type === 'list' || v?.type === 'zset')) items = items.reverse();
    if (!dontsort) {
      let conversionError = false;
      for (const it of items) {
        const by = sortby ? lookupByPattern(ctx, sortby, it.obj) : it.obj;
        if (!by) continue;
        if (alpha) {
          if (sortby) it.cmp = by;
        } else {
          const s = parseSortScore(by);
          if (s === null) conversionError = true;
          else it.score = s;
        }
      }
      if (conversionError) return error('ERR One or more scores can\'t be converted into double');
      const sign = desc ? -1 : 1;
      items.sort((a, b) => {
        let c: number;
        if (!alpha) c = a.score > b.score ? 1 : a.score < b.score ? -1 : Buffer.compare(a.obj, b.obj);
        else if (sortby) c = !a.cmp || !b.cmp ? (a.cmp === b.cmp ? 0 : !a.cmp ? -1 : 1) : storekey ? Buffer.compare(a.cmp, b.cmp) : strcmp(a.cmp, b.cmp);
        else c = storekey ? Buffer.compare(a.obj, b.obj) : strcmp(a.obj, b.obj);
        return sign * c;
      });
    }
    const out: (Buffer | null)[] = [];
    for (let j = Number(start); j <= Number(end); j++) {
      const it = items[j]!;
      if (gets.length === 0) out.push(it.obj);
      for (const g of gets) out.push(lookupByPattern(ctx, g, it.obj));
    }
    if (!storekey) return array(out.map((x) => (x ? bulk(x) : NIL)));
    ctx.db.getForWrite(storekey, ctx.nowMs);
    if (out.length) {
      ctx.db.set(storekey, { type: 'list', items: Deque.of(out.map((x) => x ?? Buffer.alloc(0))) });
      notify(ctx, Notify.list, 'sortstore', storekey);
    } else if (ctx.db.delete(storekey)) notify(ctx, Notify.generic, 'del', storekey);
    return int(out.length);
  };
}

/** SORT's keys: the sorted key, and the STORE target when there is one. */
function sortKeys(argv: readonly Buffer[]): number[] {
  const keys = [1];
  for (let j = 2; j < argv.length; j++) {
    const opt = lower(argv[j]!);
    if (opt === 'store' && j + 1 < argv.length) { keys.push(j + 1); j++; }
    else if (opt === 'limit') j += 2;
    else if (opt === 'by' || opt === 'get') j++;
  }
  return keys;
}

const spec = { firstKey: 1, lastKey: 1, keyStep: 1, group: 'generic' } as const;

export const sortCommands: readonly StoreCommand[] = [
  { ...spec, getKeys: sortKeys, name: 'sort', arity: -2, flags: ['write', 'denyoom', 'movablekeys'], summary: 'Sorts the elements in a list, a set, or a sorted set, optionally storing the result.', since: '1.0.0', handler: sortGeneric(false) },
  { ...spec, name: 'sort_ro', arity: -2, flags: ['readonly', 'movablekeys'], summary: 'Returns the sorted elements of a list, a set, or a sorted set.', since: '7.0.0', handler: sortGeneric(true) },
];
