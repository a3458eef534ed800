// Bitmap and LCS cases for the differential test: offsets at byte edges,
// BIT/BYTE ranges, every BITFIELD type width and overflow mode.
type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const OFFSETS = ['0', '1', '7', '8', '9', '15', '16', '31', '63', '100', '-1', 'x', '70000', '4294967296', '1.5'];
const RANGE = ['0', '1', '-1', '2', '-2', '5', '-8', '9', '100', '-100', 'x'];
const TYPES = ['u1', 'u8', 'i8', 'u7', 'i5', 'u16', 'i16', 'u31', 'i32', 'u63', 'i64', 'u64', 'i65', 'x8', 'U8', 'i0', 'u'];
const FOFFSETS = ['0', '1', '5', '8', '13', '#0', '#1', '#3', '64', '-1', '#-1', 'x'];
const VALUES = ['0', '1', '-1', '100', '127', '128', '255', '256', '-128', '-129', '9223372036854775807', '-9223372036854775808', '65535', 'x'];

export function bitmapCommand(r: Rng, k: () => string, v: () => string): string[] {
  const unit = () => (r() < 0.5 ? [] : [pick(r, ['BIT', 'BYTE', 'bit', 'WORD'])]);
  switch (Math.floor(r() * 10)) {
    case 0: return ['SETBIT', k(), pick(r, OFFSETS), pick(r, ['0', '1', '1', '2', '-1', 'x'])];
    case 1: return ['GETBIT', k(), pick(r, OFFSETS)];
    case 2: return r() < 0.3 ? ['BITCOUNT', k()] : ['BITCOUNT', k(), pick(r, RANGE), pick(r, RANGE), ...unit(), ...(r() < 0.03 ? ['extra'] : [])];
    case 3: {
      const argv = ['BITPOS', k(), pick(r, ['0', '1', '1', '2', 'x'])];
      if (r() < 0.7) argv.push(pick(r, RANGE));
      if (argv.length === 4 && r() < 0.6) argv.push(pick(r, RANGE));
      if (argv.length === 5 && r() < 0.6) argv.push(...unit());
      return argv;
    }
    case 4: {
      const op = pick(r, ['AND', 'OR', 'XOR', 'NOT', 'not', 'NAND']);
      return ['BITOP', op, k(), k(), ...(op.toUpperCase() === 'NOT' && r() < 0.8 ? [] : [k()])];
    }
    case 5:
    case 6: {
      const argv = [r() < 0.15 ? 'BITFIELD_RO' : 'BITFIELD', k()];
      const n = 1 + Math.floor(r() * 3);
      for (let i = 0; i < n; i++) {
        const sub = pick(r, ['GET', 'SET', 'INCRBY', 'OVERFLOW', 'get', 'BOGUS']);
        if (sub === 'OVERFLOW') argv.push(sub, pick(r, ['WRAP', 'SAT', 'FAIL', 'sat', 'NOPE']));
        else if (sub.toUpperCase() === 'GET') argv.push(sub, pick(r, TYPES), pick(r, FOFFSETS));
        else if (sub === 'BOGUS') argv.push(sub);
        else argv.push(sub, pick(r, TYPES), pick(r, FOFFSETS), pick(r, VALUES));
      }
      return argv;
    }
    case 7: return ['SET', k(), pick(r, ['\x00', '\xff\xf0', 'foobar', '\x00\x00\x01', '\xff\xff\xff\xff', 'abc'])];
    case 8: {
      const argv = ['LCS', k(), k()];
      for (const opt of ['IDX', 'LEN', 'WITHMATCHLEN']) if (r() < 0.3) argv.push(opt);
      if (r() < 0.3) argv.push('MINMATCHLEN', pick(r, ['0', '1', '2', '-1', 'x']));
      if (r() < 0.05) argv.push('BAD');
      return argv;
    }
    default: return ['SET', k(), pick(r, ['ohmytext', 'mynewtext', 'hello world', 'help', v()])];
  }
}
