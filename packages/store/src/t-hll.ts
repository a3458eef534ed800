// HyperLogLog commands (Redis hyperloglog.c): the value is a plain string in
// Redis's HLL byte layout (see hll.ts), so GET, SET, APPEND and the rest see
// the same bytes as on redis-server.
import { OK, ZERO, ONE, int, bulk, array, status, error, type Reply, type ErrorReply } from '@redisraft-wasm/resp';
import type { CommandContext, StoreCommand } from './command-spec.js';
import type { KeyEntry } from './keyspace.js';
import { ERR_WRONGTYPE, isErr } from './args.js';
import {
  HLL_DENSE, HLL_REGISTERS, HLL_SPARSE, HLL_HDR_SIZE, HllBytes, decodeSparse, denseGet, hllAdd, hllCount, hllMerge, hllRaise,
  isHll, rawCount, sparseToDense,
} from './hll.js';
import { Notify, notify } from './notify.js';

const ERR_NOT_HLL = error('WRONGTYPE Key is not a valid HyperLogLog string value.');
const ERR_CORRUPT = error('INVALIDOBJ Corrupted HLL object detected');

const str = (data: Buffer) => ({ type: 'string' as const, data });

/** The HLL string in an entry, or the error Redis answers (wrong type, or a string that is not an HLL). */
function hllOf(e: KeyEntry): Buffer | ErrorReply {
  if (e.value.type !== 'string') return ERR_WRONGTYPE;
  return isHll(e.value.data) ? e.value.data : ERR_NOT_HLL;
}

/** Stores edited bytes under key, keeping its TTL (Redis changes the string in place). */
function store(ctx: CommandContext, key: Buffer, o: HllBytes): void {
  ctx.db.set(key, str(o.toBuffer()), 0, true);
}

function pfadd(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const key = argv[1]!;
  const e = ctx.db.getForWrite(key, ctx.nowMs);
  let o: HllBytes;
  let updated = 0;
  if (!e) {
    o = HllBytes.empty();
    updated++;
  } else {
    const data = hllOf(e);
    if (isErr(data)) return data;
    o = HllBytes.of(data);
  }
  for (let j = 2; j < argv.length; j++) {
    const r = hllAdd(o, argv[j]!);
    if (r === 1) updated++;
    else if (r === -1) {
      // Redis has already changed the string in place for the elements before: those stay.
      if (updated) store(ctx, key, o);
      return ERR_CORRUPT;
    }
  }
  if (!updated) return ZERO;
  o.invalidateCache();
  store(ctx, key, o);
  notify(ctx, Notify.string, 'pfadd', key);
  return ONE;
}

/** A 64-bit unsigned cardinality as Redis replies it (addReplyLongLong of the value cast to signed). */
function cardReply(card: bigint): Reply {
  const signed = BigInt.asIntN(64, card);
  return int(signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(signed) : signed);
}

function pfcount(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  if (argv.length > 2) {
    // Several keys: the union in a scratch register set, nothing written.
    const max = new Uint8Array(HLL_REGISTERS);
    for (let j = 1; j < argv.length; j++) {
      const e = ctx.db.get(argv[j]!, ctx.nowMs);
      if (!e) continue;
      const data = hllOf(e);
      if (isErr(data)) return data;
      if (!hllMerge(max, data)) return ERR_CORRUPT;
    }
    return cardReply(rawCount(max));
  }
  const key = argv[1]!;
  const e = ctx.db.get(key, ctx.nowMs);
  if (!e) return ZERO;
  const data = hllOf(e);
  if (isErr(data)) return data;
  if ((data[15]! & 0x80) === 0) return cardReply(data.readBigUInt64LE(8));
  const card = hllCount(data);
  if (card === null) return ERR_CORRUPT;
  // The cached cardinality is written back into the string, as Redis does (and replicates).
  const o = HllBytes.of(data);
  o.setCachedCard(card);
  ctx.db.getForWrite(key, ctx.nowMs);
  store(ctx, key, o);
  return cardReply(card);
}

function pfmerge(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  // The destination is one of the inputs too.
  for (let j = 1; j < argv.length; j++) {
    const e = ctx.db.get(argv[j]!, ctx.nowMs);
    if (!e) continue;
    const data = hllOf(e);
    if (isErr(data)) return data;
    if (data[4] === HLL_DENSE) useDense = true;
    if (!hllMerge(max, data)) return ERR_CORRUPT;
  }
  const key = argv[1]!;
  const e = ctx.db.getForWrite(key, ctx.nowMs);
  const o = e ? HllBytes.of((e.value as { data: Buffer }).data) : HllBytes.empty();
  if (useDense && !sparseToDense(o)) return ERR_CORRUPT;
  for (let j = 0; j < HLL_REGISTERS; j++) if (max[j] !== 0) hllRaise(o, j, max[j]!);
  o.invalidateCache();
  store(ctx, key, o);
  // Redis announces PFMERGE as a pfadd (a mass add of elements).
  notify(ctx, Notify.string, 'pfadd', key);
  return OK;
}

/** Redis puts user text in error lines with CR and LF made spaces. */
const oneLine = (s: string) => s.replace(/[\r\n]/g, ' ');

function pfdebug(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const cmd = argv[1]!.toString('latin1');
  const key = argv[2]!;
  const e = ctx.db.getForWrite(key, ctx.nowMs);
  if (!e) return error('ERR The specified key does not exist');
  const data = hllOf(e);
  if (isErr(data)) return data;
  switch (cmd.toLowerCase()) {
    case 'getreg': {
      const o = HllBytes.of(data);
      if (o.encoding === HLL_SPARSE) {
        if (!sparseToDense(o)) return ERR_CORRUPT;
        store(ctx, key, o);
      }
      const regs: Reply[] = new Array(HLL_REGISTERS);
      for (let j = 0; j < HLL_REGISTERS; j++) regs[j] = int(denseGet(o.buf, HLL_HDR_SIZE, j));
      return array(regs);
    }
    case 'decode':
      if (data[4] !== HLL_SPARSE) return error('ERR HLL encoding is not sparse');
      return bulk(decodeSparse(data));
    case 'encoding':
      return status(data[4] === HLL_DENSE ? 'dense' : 'sparse');
    case 'todense': {
      if (data[4] !== HLL_SPARSE) return ZERO;
      const o = HllBytes.of(data);
      if (!sparseToDense(o)) return ERR_CORRUPT;
      store(ctx, key, o);
      return ONE;
    }
    default:
      return error(`ERR Unknown PFDEBUG subcommand '${oneLine(cmd)}'`);
  }
}

/** PFSELFTEST: register access in the dense layout, and sparse and dense agreeing on a count. */
function pfselftest(ctx: CommandContext): Reply {
  const dense = HllBytes.of(new Uint8Array(HLL_HDR_SIZE + HLL_REGISTERS * 6 / 8));
  dense.buf.set([0x48, 0x59, 0x4c, 0x4c, HLL_DENSE]);
  const bytes = new Uint8Array(HLL_REGISTERS);
  for (let cycle = 0; cycle < 4; cycle++) {
    for (let i = 0; i < HLL_REGISTERS; i++) bytes[i] = Math.floor(ctx.random() * 64);
    // From zero registers, so raising each one writes exactly its value next to its neighbours.
    dense.buf.fill(0, HLL_HDR_SIZE);
    for (let i = 0; i < HLL_REGISTERS; i++) hllRaise(dense, i, bytes[i]!);
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(dense.buf, HLL_HDR_SIZE, i);
      if (v !== bytes[i]) return error(`TESTFAILED Register ${i} should be ${bytes[i]} but is ${v}`);
    }
  }
  dense.buf.fill(0, HLL_HDR_SIZE);
  const sparse = HllBytes.empty();
  const ele = Buffer.alloc(8);
  for (let j = 1; j <= 2000; j++) {
    ele.writeUInt32LE(j, 0);
    hllAdd(dense, ele);
    hllAdd(sparse, ele);
  }
  if (hllCount(dense.toBuffer()) !== hllCount(sparse.toBuffer())) return error('TESTFAILED dense/sparse disagree');
  return OK;
}

const spec = { group: 'hyperloglog', since: '2.8.9' } as const;

export const hllCommands: readonly StoreCommand[] = [
  { ...spec, name: 'pfadd', arity: -2, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1,
    summary: 'Adds the specified elements to the specified HyperLogLog.', complexity: 'O(1) to add every element.', handler: pfadd },
  // Redis flags PFCOUNT read-only but may write the cached cardinality into the
  // string and replicate that: here it goes through the log like any write so
  // every node keeps the same bytes.
  { ...spec, name: 'pfcount', arity: -2, flags: ['write'], firstKey: 1, lastKey: -1, keyStep: 1,
    summary: 'Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).', handler: pfcount },
  { ...spec, name: 'pfmerge', arity: -2, flags: ['write', 'denyoom'], firstKey: 1, lastKey: -1, keyStep: 1,
    summary: 'Merge N different HyperLogLogs into a single one.', complexity: 'O(N) to merge N HyperLogLogs, but with high constant times.', handler: pfmerge },
  { ...spec, name: 'pfdebug', arity: 3, flags: ['write', 'denyoom', 'admin'], firstKey: 2, lastKey: 2, keyStep: 1,
    summary: 'Internal commands for debugging HyperLogLog values', handler: pfdebug },
  { ...spec, name: 'pfselftest', arity: 1, flags: ['admin'], firstKey: 0, lastKey: 0, keyStep: 0,
    summary: 'An internal command for testing HyperLogLog values', handler: (ctx) => pfselftest(ctx) },
];
