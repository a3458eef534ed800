// Live differential test: when redis-server is installed, start one (port
// 6520-6579, no persistence), run the fixture rows and a seeded batch of
// generated cases through EVAL and through our LuaVm, and require the same
// text from both. Skipped when redis-server is absent. LUA_LIBS_SEED and
// LUA_LIBS_CASES change the batch; LUA_LIBS_SHOW=n prints n of its cases.
import { seededRandom } from '@redisraft-wasm/store';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Redis } from 'ioredis';
import { libsVm, runCase, wrap } from './lua-libs-harness.js';
import * as cases from './lua-libs-cases.js';

const SEED = Number(process.env['LUA_LIBS_SEED'] ?? 20240611);
const PER_KIND = Number(process.env['LUA_LIBS_CASES'] ?? 60);

const haveRedis = spawnSync('redis-server', ['--version']).status === 0;

// ------------------------------------------------------------ generators


const rand = seededRandom(SEED);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;

const EDGE_NUMBERS = [0, -0, 1, -1, 0.1, 0.5, 2.5, 1e14, 1e15, 1e16, 2 ** 31, 2 ** 32, 2 ** 52, 2 ** 53, 2 ** 63, 2 ** 64, -(2 ** 63),
  1e-5, 1e-4, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 123456789012345, 99999999999999.5, 0.3, 1 / 3];

function randomDouble(): number {
  switch (int(6)) {
    case 0: return pick(EDGE_NUMBERS);
    case 1: { // any bit pattern that is a finite double
      const b = new DataView(new ArrayBuffer(8));
      b.setUint32(0, (int(0x7ff) << 20) | int(1 << 20) | (int(2) << 31));
      b.setUint32(4, int(2 ** 32));
      return b.getFloat64(0);
    }
    case 2: return (int(2) ? -1 : 1) * int(2 ** int(54));
    case 3: return (int(2) ? -1 : 1) * int(10 ** int(16)) / 10 ** int(20);
    case 4: { // exact decimal ties at some precision: digits then 5
      const digits = 1 + int(14);
      return (int(10 ** digits) * 10 + 5) * 10 ** (int(10) - 5);
    }
    default: return (int(2) ? -1 : 1) * (int(10 ** (1 + int(14))) + 0.5);
  }
}

function luaNum(x: number): string {
  if (x !== x) return '(0/0)';
  if (x === Infinity) return '(1/0)';
  if (x === -Infinity) return '(-1/0)';
  if (Object.is(x, -0)) return '(-0)';
  return x < 0 ? `(${String(x)})` : String(x);
}

function luaStr(bytes: Uint8Array | string): string {
  const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  let s = '"';
  for (const c of b) s += (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x20 ? String.fromCharCode(c) : `\\${String(c).padStart(3, '0')}`;
  return `${s}"`;
}

function randomBytes(n: number, alphabet?: string): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = alphabet ? alphabet.charCodeAt(int(alphabet.length)) : int(256);
  return b;
}

function randomLuaValue(depth: number): string {
  const k = int(depth > 2 ? 4 : 7);
  switch (k) {
    case 0: return luaNum(randomDouble());
    case 1: return luaStr(randomBytes(int(40), int(2) ? undefined : 'abc /"\\\n\t\u0001\u007f\u00e9'));
    case 2: return pick(['true', 'false', 'cjson.null']);
    case 3: return String(int(300) - 150);
    case 4: { // array, maybe with holes
      const n = int(14);
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(int(8) === 0 ? 'nil' : randomLuaValue(depth + 1));
      return `{${items.join(',')}}`;
    }
    case 5: { // map with string and number keys
      const n = int(8);
      const items: string[] = [];
      for (let i = 0; i < n; i++) {
        const key = int(3) === 0 ? luaNum(pick([1, 2, 3, 5, 11, 20, 0.5, -1, 2 ** 31, 1e20])) : luaStr(randomBytes(1 + int(6), 'abcxyz_/\u0000"'));
        items.push(`[${key}]=${randomLuaValue(depth + 1)}`);
      }
      return `{${items.join(',')}}`;
    }
    default: { // sparse integer keys
      const n = 1 + int(5);
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(`[${1 + int(30)}]=${int(100)}`);
      return `{${items.join(',')}}`;
    }
  }
}

function numberText(): string {
  const parts: string[] = [];
  if (int(3) === 0) parts.push(pick(['-', '+', '']));
  switch (int(5)) {
    case 0: parts.push(pick(['inf', 'Infinity', 'INF', 'nan', 'NaN', 'nan(x1)', 'infinit', 'nan(', 'in', 'na'])); break;
    case 1: parts.push(`0${pick(['x', 'X'])}${randomBytes(int(6), '0123456789abcdefABCDEF.').toString('latin1')}${int(2) ? `p${pick(['', '-', '+'])}${int(40)}` : ''}`); break;
    default:
      parts.push(randomBytes(int(25), '0123456789').toString('latin1'));
      if (int(2)) parts.push(`.${randomBytes(int(20), '0123456789').toString('latin1')}`);
      if (int(2)) parts.push(`${pick(['e', 'E'])}${pick(['', '-', '+'])}${randomBytes(int(4), '0123456789').toString('latin1')}`);
  }
  if (int(4) === 0) parts.push(pick([' ', ',', 'x', ']', '.', 'e']));
  return parts.join('');
}

function jsonText(depth: number): string {
  switch (int(depth > 2 ? 3 : 5)) {
    case 0: return JSON.stringify(randomDouble());
    case 1: return JSON.stringify(randomBytes(int(10), 'ab\u00e9"\\/\n').toString('latin1')).replace(/é/g, () => pick(['\\u00e9', '\u00e9', '\\ud83d\\ude00', '\\ud83d']));
    case 2: return pick(['true', 'false', 'null']);
    case 3: return `[${Array.from({ length: int(5) }, () => jsonText(depth + 1)).join(pick([',', ', ', ' ,']))}]`;
    default: return `{${Array.from({ length: int(4) }, () => `${JSON.stringify(randomBytes(1 + int(3), 'abk').toString('latin1'))}:${jsonText(depth + 1)}`).join(',')}}`;
  }
}

function mutate(s: string): string {
  const b = [...Buffer.from(s, 'latin1')];
  for (let m = int(3); m >= 0; m--) {
    const at = int(b.length + 1);
    const c = pick([...Buffer.from('{}[]",:\\u0123456789e-+. tfn\u0000')]);
    switch (int(3)) {
      case 0: b.splice(at, 0, c); break;
      case 1: b.splice(at, 1); break;
      default: b[at] = c;
    }
  }
  return Buffer.from(b.filter((x) => x !== undefined)).toString('latin1');
}

const STRUCT_OPTS = ['b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I', 'i3', 'I5', 'i9', 'i12', 'f', 'd', 'x', 'c3', 'c0', 's', '<', '>', '!', '!4', '!2', ' '];

function structCase(): string {
  const opts = Array.from({ length: 1 + int(6) }, () => pick(STRUCT_OPTS));
  const fmt = opts.join('');
  const args = opts.filter((o) => !['<', '>', '!', '!4', '!2', ' ', 'x'].includes(o)).map((o) =>
    o === 's' || o.startsWith('c') ? luaStr(randomBytes(int(6), 'abc\u0000')) : luaNum(pick([randomDouble(), int(70000) - 35000, -1, 255, 2 ** 32 + 1])));
  switch (int(4)) {
    case 0: return `return struct.size(${luaStr(fmt)})`;
    case 1: return `return struct.unpack(${luaStr(fmt)}, ${luaStr(randomBytes(int(40)))}${int(3) ? '' : `, ${int(6) - 1}`})`;
    default: return `local s = struct.pack(${[luaStr(fmt), ...args].join(', ')}) return s, struct.unpack(${luaStr(fmt)}, s)`;
  }
}

const MSGPACK_HEADS = [0x00, 0x7f, 0x80, 0x81, 0x8f, 0x90, 0x91, 0x9f, 0xa0, 0xa3, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
  0xd0, 0xd1, 0xd2, 0xd3, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xff];

function msgpackBytes(): Buffer {
  const parts: number[] = [];
  for (let n = 1 + int(6); n > 0; n--) {
    parts.push(pick(MSGPACK_HEADS));
    for (let k = int(10); k > 0; k--) parts.push(int(4) === 0 ? 0 : int(256));
  }
  return Buffer.from(parts);
}

const BIT_FUNCS = ['tobit', 'bnot', 'band', 'bor', 'bxor', 'lshift', 'rshift', 'arshift', 'rol', 'ror', 'bswap', 'tohex'];

function generated(): string[] {
  const out: string[] = [];
  for (let i = 0; i < PER_KIND; i++) {
    const x = randomDouble();
    out.push(`cjson.encode_number_precision(${1 + int(14)}) return cjson.encode(${luaNum(x)}), cjson.encode({${luaNum(x)}})`);
    out.push(`return cjson.decode(${luaStr(numberText())})`);
    out.push(`cjson.decode_invalid_numbers(false) return cjson.decode(${luaStr(`[${numberText()}]`)})`);
    out.push(`return cjson.decode(${luaStr(mutate(jsonText(0)))})`);
    out.push(`return cjson.decode(${luaStr(jsonText(0))})`);
    const v = randomLuaValue(0);
    out.push(`local v = ${v} return cjson.encode(v)`);
    out.push(`local v = ${v} return cmsgpack.pack(v), cmsgpack.unpack(cmsgpack.pack(v))`);
    out.push(`cjson.encode_sparse_array(${pick(['true', 'false'])}, ${int(4)}, ${int(12)}) local v = ${v} return cjson.encode(v)`);
    out.push(`return cmsgpack.unpack(${luaStr(msgpackBytes())})`);
    out.push(`return cmsgpack.unpack_limit(${luaStr(msgpackBytes())}, ${int(4)}, ${int(5)})`);
    out.push(structCase());
    const f = pick(BIT_FUNCS);
    const args = Array.from({ length: f === 'tobit' || f === 'bnot' || f === 'bswap' ? 1 : f === 'tohex' ? 1 + int(2) : 2 + int(2) }, (_, j) =>
      f === 'tohex' && j === 1 ? String(int(40) - 20) : luaNum(pick([randomDouble(), int(64) - 32, 2 ** 32 * int(100) + int(2 ** 32)])));
    out.push(`return bit.${f}(${args.join(', ')})`);
  }
  return out;
}

// ------------------------------------------------------------ the test

async function startRedis(): Promise<{ proc: ChildProcess; client: Redis }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = 6520 + ((process.pid + attempt * 7) % 60);
    const proc = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], { stdio: 'ignore' });
    const exited = new Promise<boolean>((resolve) => proc.once('exit', () => resolve(true)));
    const client = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    for (let i = 0; i < 50; i++) {
      const dead = await Promise.race([exited, new Promise<boolean>((r) => setTimeout(() => r(false), 100))]);
      if (dead) break;
      try {
        await client.connect();
        await client.ping();
        return { proc, client };
      } catch {
        client.disconnect();
      }
    }
    client.disconnect();
    proc.kill('SIGKILL');
  }
  throw new Error('could not start redis-server on a port in 6520-6579');
}

if (!haveRedis) {
  test.skip('lua libraries match a live redis-server (redis-server not installed)', () => {});
} else {
  test(`lua libraries match a live redis-server: fixture rows and ${PER_KIND * 12} generated cases (seed ${SEED})`, async () => {
    const { proc, client } = await startRedis();
    try {
      const info = await client.info('server');
      const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
      const vm = await libsVm();
      const bodies = [...Object.values(cases).flatMap((rows) => (rows as readonly cases.Case[]).map(([b]) => b)), ...generated()];
      const theirs = await Promise.all(bodies.map((b) => client.eval(wrap(b), 0).then(String, (e: Error) => `EVAL failed: ${e.message}`)));
      const diffs: string[] = [];
      bodies.forEach((b, i) => {
        const ours = runCase(vm, b);
        if (ours !== theirs[i]) diffs.push(`${b}\n    redis ${version}: ${theirs[i]}\n    ours:        ${ours}`);
      });
      vm.close();
      // LUA_LIBS_SHOW=n prints n generated cases with redis's answer, to see what the batch covers.
      const show = Number(process.env['LUA_LIBS_SHOW'] ?? 0);
      for (let i = bodies.length - show; i < bodies.length; i++) console.log(`${bodies[i]}\n  -> ${theirs[i]}`);
      assert.is(diffs.length, 0, `${diffs.length} of ${bodies.length} differ:\n  ${diffs.slice(0, 15).join('\n  ')}`);
    } finally {
      client.disconnect();
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await gone;
    }
  });
}

test.run();
