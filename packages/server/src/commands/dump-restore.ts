// DUMP and RESTORE (Redis cluster.c) with Redis 7.0's payload: an RDB value,
// the RDB version (2 bytes LE) and a CRC64 of both (8 bytes LE). Values move
// both ways with stock Redis. They run inside the store (replicated like any
// write), but the RDB codec is wasm, which the store does not import: the
// server hands them to the Store as extra commands.
import { NIL, OK, bulk, error, Errors, type Reply } from '@redisraft-wasm/resp';
import { Notify, notify, parseInt64, type CommandContext, type StoreCommand } from '@redisraft-wasm/store';
import { RdbValueError, decodeValue, dumpPayload, dumpPayloadOk } from '../persistence/rdb-value.js';

const ERR_PAYLOAD = error('ERR DUMP payload version or checksum are wrong');
const ERR_BAD_DATA = error('ERR Bad data format');
const ERR_BUSYKEY = error('BUSYKEY Target key name already exists.');

function dump(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const e = ctx.db.get(argv[1]!, ctx.nowMs);
  if (!e) return NIL;
  return bulk(dumpPayload(e.value));
}

/** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] */
function restore(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  let replace = false, absttl = false, idle = false, freq = false;
  for (let j = 4; j < argv.length; j++) {
    const opt = argv[j]!.toString('latin1').toLowerCase();
    const more = argv.length - j - 1;
    if (opt === 'replace') {
      replace = true;
    } else if (opt === 'absttl') {
      absttl = true;
    } else if (opt === 'idletime' && more >= 1 && !freq) {
      // Checked like Redis, then unused: this store keeps no LRU clock.
      const v = parseInt64(argv[++j]!);
      if (v === null) return error(Errors.notInteger);
      if (v < 0n) return error('ERR Invalid IDLETIME value, must be >= 0');
      idle = true;
    } else if (opt === 'freq' && more >= 1 && !idle) {
      const v = parseInt64(argv[++j]!);
      if (v === null) return error(Errors.notInteger);
      if (v < 0n || v > 255n) return error('ERR Invalid FREQ value, must be >= 0 and <= 255');
      freq = true;
    } else {
      return error(Errors.syntax);
    }
  }
  const key = argv[1]!;
  // Fetched for writing either way: REPLACE may delete it below.
  const existing = ctx.db.getForWrite(key, ctx.nowMs);
  if (existing && !replace) return ERR_BUSYKEY;

  const ttlArg = parseInt64(argv[2]!);
  if (ttlArg === null) return error(Errors.notInteger);
  if (ttlArg < 0n) return error('ERR Invalid TTL value, must be >= 0');

  const payload = argv[3]!;
  if (!dumpPayloadOk(payload)) return ERR_PAYLOAD;
  let value;
  try {
    value = decodeValue(payload.subarray(0, payload.length - 10)).value;
  } catch (e) {
    if (!(e instanceof RdbValueError)) throw e;
    return ERR_BAD_DATA;
  }

  // ttl 0: no expiry. Relative to the entry's time unless ABSTTL.
  let expireAt = 0;
  if (ttlArg !== 0n) {
    const at = absttl ? ttlArg : ttlArg + BigInt(ctx.nowMs);
    expireAt = Number(at);
    if (expireAt <= ctx.nowMs) {
      // Already expired: the old key (REPLACE) goes, nothing is created.
      if (existing) {
        ctx.db.delete(key);
        notify(ctx, Notify.generic, 'del', key);
      }
      return OK;
    }
  }
  if (existing) ctx.db.delete(key);
  ctx.db.set(key, value, expireAt);
  notify(ctx, Notify.generic, 'restore', key);
  return OK;
}

export const dumpRestoreCommands: readonly StoreCommand[] = [
  {
    name: 'dump', arity: 2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, group: 'generic', since: '2.6.0',
    summary: 'Return a serialized version of the value stored at the specified key.',
    complexity: 'O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size.',
    handler: dump,
  },
  {
    name: 'restore', arity: -4, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 1, keyStep: 1, group: 'generic', since: '2.6.0',
    summary: 'Create a key using the provided serialized value, previously obtained using DUMP.',
    complexity: 'O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size.',
    handler: restore,
  },
];
