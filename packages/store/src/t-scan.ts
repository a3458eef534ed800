// SCAN, HSCAN, SSCAN, ZSCAN (Redis db.c scanGenericCommand). SCAN walks the
// keyspace by insertion sequence (keyspace.ts), so a key present for the
// whole scan is returned at least once. The per-key forms return the whole
// collection in one reply with cursor 0, as Redis does for its compact
// encodings; for big collections this trades incrementality for simplicity.
import { array, bulk, error, type Reply, type ErrorReply } from '@redisraft-wasm/resp';
import type { CommandContext, StoreCommand } from './command-spec.js';
import { ERR_SYNTAX, ERR_WRONGTYPE, isErr, lower } from './args.js';
import { globMatch } from './glob.js';
import { parseInt64 } from './numbers.js';
import type { ValueType } from './value.js';
import { formatDouble } from '@redisraft-wasm/resp';

const ERR_CURSOR = error('ERR invalid cursor');
const ZERO_CURSOR = bulk(Buffer.from('0'));
const L = (s: string) => Buffer.from(s, 'latin1');

/** strtoul's view of a cursor: optional sign, digits, no spaces, within 64 bits. */
function parseCursor(b: Buffer): bigint | null {
  if (!/^[+-]?\d+$/.test(b.toString('latin1'))) return null;
  const neg = b[0] === 0x2d;
  const v = BigInt(b.toString('latin1').replace(/^[+-]/, ''));
  if (v > 2n ** 64n - 1n) return null;
  return neg ? (2n ** 64n - v) % 2n ** 64n : v;
}

interface ScanOptions {
  count: number;
  pattern: Buffer | null;
  type: string | null;
}

function parseOptions(argv: readonly Buffer[], from: number, allowType: boolean): ScanOptions | ErrorReply {
  const o: ScanOptions = { count: 10, pattern: null, type: null };
  for (let i = from; i < argv.length; i += 2) {
    const opt = lower(argv[i]!);
    if (i + 1 >= argv.length) return ERR_SYNTAX;
    if (opt === 'count') {
      const n = parseInt64(argv[i + 1]!);
      if (n === null) return error('ERR value is not an integer or out of range');
      if (n < 1n) return ERR_SYNTAX;
      o.count = n > 1_000_000_000n ? 1_000_000_000 : Number(n);
    } else if (opt === 'match') {
      const p = argv[i + 1]!;
      o.pattern = p.length === 1 && p[0] === 0x2a ? null : p;
    } else if (opt === 'type' && allowType) {
      o.type = argv[i + 1]!.toString('latin1').toLowerCase();
    } else {
      return ERR_SYNTAX;
    }
  }
  return o;
}

const reply = (cursor: bigint | number, items: Buffer[]) => array([bulk(Buffer.from(String(cursor))), array(items.map((x) => bulk(x)))]);

function scan(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const cursor = parseCursor(argv[1]!);
  if (cursor === null) return ERR_CURSOR;
  const o = parseOptions(argv, 2, true);
  if (isErr(o)) return o;
  if (cursor > BigInt(Number.MAX_SAFE_INTEGER)) return reply(0, []);
  const step = ctx.db.scan(Number(cursor), o.count, ctx.nowMs);
  const keys: Buffer[] = [];
  for (const [k, e] of step.keys) {
    const kb = L(k);
    if (o.pattern && !globMatch(o.pattern, kb)) continue;
    if (o.type !== null && e.value.type !== (o.type as ValueType)) continue;
    keys.push(kb);
  }
  return reply(step.cursor, keys);
}

/** HSCAN/SSCAN/ZSCAN: cursor, then the key (missing = empty result), then the options. */
function collectionScan(type: 'hash' | 'set' | 'zset') {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const cursor = parseCursor(argv[2]!);
    if (cursor === null) return ERR_CURSOR;
    const e = ctx.db.get(argv[1]!, ctx.nowMs);
    if (!e) return array([ZERO_CURSOR, array([])]);
    if (e.value.type !== type) return ERR_WRONGTYPE;
    const o = parseOptions(argv, 3, false);
    if (isErr(o)) return o;
    const out: Buffer[] = [];
    const keep = (m: Buffer) => !o.pattern || globMatch(o.pattern, m);
    const v = e.value;
    if (v.type === 'hash') {
      for (const [f, val] of v.fields) if (keep(L(f))) out.push(L(f), val);
    } else if (v.type === 'set') {
      for (const m of setScanOrder(v.members)) if (keep(L(m))) out.push(L(m));
    } else if (v.type === 'zset') {
      for (const node of v.zset) if (keep(L(node.member))) out.push(L(node.member), Buffer.from(formatDouble(node.score)));
    }
    return reply(0, out);
  };
}

/** Redis keeps a set of up to 512 integers as a sorted intset: SSCAN lists them in numeric order. */
function setScanOrder(members: Set<string>): Iterable<string> {
  if (members.size > 512) return members;
  const nums: bigint[] = [];
  for (const m of members) {
    const n = parseInt64(L(m));
    if (n === null || String(n) !== m) return members;
    nums.push(n);
  }
  return nums.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
}

const scanSpec = { firstKey: 0, lastKey: 0, keyStep: 0, group: 'generic' } as const;
const key1 = { firstKey: 1, lastKey: 1, keyStep: 1 } as const;

export const scanCommands: readonly StoreCommand[] = [
  { ...scanSpec, name: 'scan', arity: -2, flags: ['readonly'], summary: 'Iterates over the key names in the database.', since: '2.8.0', handler: scan },
  { ...key1, group: 'hash', name: 'hscan', arity: -3, flags: ['readonly'], summary: 'Iterates over fields and values of a hash.', since: '2.8.0', handler: collectionScan('hash') },
  { ...key1, group: 'set', name: 'sscan', arity: -3, flags: ['readonly'], summary: 'Iterates over members of a set.', since: '2.8.0', handler: collectionScan('set') },
  { ...key1, group: 'sorted-set', name: 'zscan', arity: -3, flags: ['readonly'], summary: 'Iterates over members and scores of a sorted set.', since: '2.8.0', handler: collectionScan('zset') },
];
