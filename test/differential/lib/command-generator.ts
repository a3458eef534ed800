// Seeded random commands for the differential test: a small key space so
// keys collide, wrong types and bad arguments on purpose, boundary values.
import { scanCommand } from './gen-scan.js';
import { zsetCommand } from './gen-zset.js';
import { bitmapCommand } from './gen-bitmap.js';
import { randomFamilyCommand } from './gen-random.js';
import { hllCommand } from './gen-hll.js';
import { streamCommand } from './gen-stream.js';
import { geoCommand } from './gen-geo.js';

export type Rng = () => number;

export function rng(seed: number): Rng {
  let a = seed >>> 0 || 1;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const KEYS = ['a', 'b', 'c', 'd', '{t}x', '{t}y', 'num', 'f', ''];
const VALUES = ['', 'x', 'hello', '0', '1', '-1', '42', '007', ' 5', '+3', '1.5', '-0', '3e2', '9223372036854775807', '-9223372036854775808',
  '9223372036854775808', '12345678901234567890', 'inf', '-inf', 'nan', '0x10', '10.5', '\x00\xff\r\n'];
const INTS = ['0', '1', '-1', '2', '10', '-5', '100', '9223372036854775807', '-9223372036854775808', 'x', '1.5', '', ' 1'];
const FLOATS = ['0', '1.5', '-2.25', '1e3', '0.1', 'inf', '-inf', 'nan', 'x', '', '5.0e-3', '3'];
const IDX = ['0', '1', '-1', '2', '-3', '5', '100', '-100', 'x'];

/** One random command as strings (the test turns them into Buffers). */
export function randomCommand(r: Rng): string[] {
  const k = () => pick(r, KEYS), v = () => pick(r, VALUES);
  if (r() < 0.04) return scanCommand(r, k);
  if (r() < 0.25) return zsetCommand(r, k);
  if (r() < 0.08) return bitmapCommand(r, k, v);
  if (r() < 0.06) return randomFamilyCommand(r, k, v);
  if (r() < 0.08) return hllCommand(r, k);
  if (r() < 0.12) return streamCommand(r, k);
  if (r() < 0.08) return geoCommand(r, k);
  const n = Math.floor(r() * 72);
  if (n >= 60) return setCommand(r, n - 60, k);
  if (n >= 46) return hashCommand(r, n - 46, k, v);
  if (n >= 30) return listCommand(r, n - 30, k, v);
  switch (n) {
    case 0: return ['GET', k()];
    case 1: {
      const argv = ['SET', k(), v()];
      for (const opt of ['NX', 'XX', 'GET', 'KEEPTTL']) if (r() < 0.15) argv.push(opt);
      if (r() < 0.3) argv.push(pick(r, ['EX', 'PX', 'ex']), pick(r, ['100', '1000000', '0', '-5', 'x']));
      if (r() < 0.05) argv.push('BOGUS');
      return argv;
    }
    case 2: return ['SETNX', k(), v()];
    case 3: return ['GETSET', k(), v()];
    case 4: return ['GETDEL', k()];
    case 5: return ['MGET', k(), k(), k()];
    case 6: return r() < 0.1 ? ['MSET', k(), v(), k()] : ['MSET', k(), v(), k(), v()];
    case 7: return ['MSETNX', k(), v(), k(), v()];
    case 8: return ['APPEND', k(), v()];
    case 9: return ['STRLEN', k()];
    case 10: return ['GETRANGE', k(), pick(r, IDX), pick(r, IDX)];
    case 11: return ['SETRANGE', k(), pick(r, ['0', '1', '3', '-1', 'x']), v()];
    case 12: return ['INCR', k()];
    case 13: return ['INCRBY', k(), pick(r, INTS)];
    case 14: return ['DECR', k()];
    case 15: return ['DECRBY', k(), pick(r, INTS)];
    case 16: return ['INCRBYFLOAT', k(), pick(r, FLOATS)];
    case 17: return ['DEL', k(), k()];
    case 18: return ['EXISTS', k(), k(), k()];
    case 19: return ['TYPE', k()];
    case 20: return [pick(r, ['RENAME', 'RENAMENX']), k(), k()];
    case 21: {
      // Positive amounts are spread out so GT/LT never compare two equal times set in the same millisecond.
      const amount = r() < 0.7 ? String(1000 + Math.floor(r() * 1e9)) : pick(r, ['0', '-1', 'x', '9223372036854775807']);
      const argv = [pick(r, ['EXPIRE', 'PEXPIRE']), k(), amount];
      if (r() < 0.4) argv.push(pick(r, ['NX', 'XX', 'GT', 'LT', 'nx', 'BAD']));
      if (r() < 0.1) argv.push(pick(r, ['NX', 'GT', 'LT']));
      return argv;
    }
    case 22: return ['PERSIST', k()];
    case 23: return ['TTL', k()];
    case 24: return ['GETEX', k(), ...(r() < 0.5 ? [] : r() < 0.5 ? ['PERSIST'] : ['EX', pick(r, ['100', '0', 'x'])])];
    case 25: return ['SETEX', k(), pick(r, ['100', '0', '-1', 'x']), v()];
    case 26: return ['EXISTS', k()];
    case 27: return ['GET'];
    case 28: return ['STRLEN', k(), k()];
    default: return ['DBSIZE'];
  }
}

const SIDES = ['LEFT', 'RIGHT', 'left', 'UP'];

function listCommand(r: Rng, n: number, k: () => string, v: () => string): string[] {
  switch (n) {
    case 0: return ['LPUSH', k(), v(), ...(r() < 0.5 ? [v()] : [])];
    case 1: return ['RPUSH', k(), v(), v()];
    case 2: return [pick(r, ['LPUSHX', 'RPUSHX']), k(), v()];
    case 3: return ['LPOP', k(), ...(r() < 0.3 ? [pick(r, ['0', '1', '3', '-1', 'x'])] : [])];
    case 4: return ['RPOP', k(), ...(r() < 0.3 ? [pick(r, ['0', '2', '-2'])] : [])];
    case 5: return ['LLEN', k()];
    case 6: return ['LRANGE', k(), pick(r, IDX), pick(r, IDX)];
    case 7: return ['LINDEX', k(), pick(r, IDX)];
    case 8: return ['LSET', k(), pick(r, IDX), v()];
    case 9: return ['LINSERT', k(), pick(r, ['BEFORE', 'AFTER', 'after', 'MIDDLE']), v(), v()];
    case 10: return ['LREM', k(), pick(r, ['0', '1', '-1', '2', 'x']), v()];
    case 11: return ['LTRIM', k(), pick(r, IDX), pick(r, IDX)];
    case 12: return ['LMOVE', k(), k(), pick(r, SIDES), pick(r, SIDES)];
    case 13: return ['RPOPLPUSH', k(), k()];
    case 14: return ['LRANGE', k(), '0', '-1'];
    default: return ['RPUSH', k(), v()];
  }
}

const FIELDS = ['f1', 'f2', 'f3', '', 'num'];

function hashCommand(r: Rng, n: number, k: () => string, v: () => string): string[] {
  const fl = () => pick(r, FIELDS);
  switch (n) {
    case 0: return r() < 0.05 ? ['HSET', k(), fl()] : ['HSET', k(), fl(), v(), ...(r() < 0.5 ? [fl(), v()] : [])];
    case 1: return ['HMSET', k(), fl(), v()];
    case 2: return ['HSETNX', k(), fl(), v()];
    case 3: return ['HGET', k(), fl()];
    case 4: return ['HMGET', k(), fl(), fl()];
    case 5: return ['HGETALL', k()];
    case 6: return [pick(r, ['HKEYS', 'HVALS', 'HLEN']), k()];
    case 7: return ['HEXISTS', k(), fl()];
    case 8: return ['HSTRLEN', k(), fl()];
    case 9: return ['HDEL', k(), fl(), ...(r() < 0.5 ? [fl()] : [])];
    case 10: return ['HINCRBY', k(), fl(), pick(r, INTS)];
    case 11: return ['HINCRBYFLOAT', k(), fl(), pick(r, FLOATS)];
    default: return ['HSET', k(), fl(), v()];
  }
}

const MEMBERS = ['m1', 'm2', 'm3', '1', '2', '10', '', '-5'];

function setCommand(r: Rng, n: number, k: () => string): string[] {
  const m = () => pick(r, MEMBERS);
  switch (n) {
    case 0: return ['SADD', k(), m(), ...(r() < 0.5 ? [m(), m()] : [])];
    case 1: return ['SREM', k(), m(), ...(r() < 0.3 ? [m()] : [])];
    case 2: return [pick(r, ['SCARD', 'SMEMBERS']), k()];
    case 3: return ['SISMEMBER', k(), m()];
    case 4: return ['SMISMEMBER', k(), m(), m()];
    case 5: return ['SMOVE', k(), k(), m()];
    case 6: return [pick(r, ['SINTER', 'SUNION', 'SDIFF']), k(), k(), ...(r() < 0.3 ? [k()] : [])];
    case 7: return [pick(r, ['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']), k(), k(), k()];
    case 8: return ['SINTERCARD', pick(r, ['1', '2', '0', '3', 'x']), k(), k(), ...(r() < 0.3 ? ['LIMIT', pick(r, ['0', '1', '-1'])] : [])];
    default: return ['SADD', k(), m()];
  }
}
