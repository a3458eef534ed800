// Sorted set cases for the differential test: every ZSET command of 7.0 with
// option mixes, conflicting options, wrong types, bad numbers, inf/-inf,
// exclusive '(' score bounds and '[' '(' '-' '+' lex bounds.
//
// The shared keys only ever hold small sets of short members, so Redis keeps
// them as listpacks, whose lex-range answers over mixed scores we reproduce.
// 'zbig' grows past 128 members (some longer than 64 bytes), the skip list
// encoding; it only ever gets score 0 (or -0), because over mixed scores
// Redis's skip-list lex answer depends on its random node levels.
type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const MEMBERS = ['m1', 'm2', 'm3', 'a', 'b', '1', '2', '10', '', '-5', '\x00\xff', 'm1 '];
const SCORES = ['0', '1', '-1', '2', '1.5', '-2.5', '3', '0.1', '1e3', '-0', 'inf', '-inf', '+inf', '5.0e-3', '0x10', '9007199254740993',
  'nan', 'x', '', ' 1', '1 ', '(1', '1e400', '1e-400', '4e-320', '1.7976931348623157e308'];
const GOOD_SCORES = ['0', '1', '-1', '2', '1.5', '-2.5', '3', '0.1', '1e3', '-0', 'inf', '-inf', '100', '1e308', '-1e308'];
const RANGE_SCORES = ['-inf', '+inf', 'inf', '0', '1', '-1', '(1', '(-1', '1.5', '(1.5', '2', '(2', '3', '(3', '(inf', '(-inf', '-0', '(0',
  'x', '', '(', ' 2', '2 ', 'nan', '1e400', '((1', '\x002'];
const LEX = ['-', '+', '[m1', '(m1', '[m2', '(m3', '[a', '(b', '[1', '(10', '[', '(', '[\x00', 'm1', '+x', '-x', '', '[m', '(m2'];
const RANKS = ['0', '1', '-1', '2', '-2', '3', '5', '-5', '100', '-100', '9223372036854775807', '-9223372036854775808', 'x', '1.0', ''];
const OFFSETS = ['0', '1', '2', '-1', '5', '100', 'x', '9223372036854775807'];
const COUNTS = ['1', '2', '0', '-1', '3', '10', '-3', 'x', '9223372036854775807'];
const ZBIG_MEMBERS = Array.from({ length: 180 }, (_, i) => (i % 17 === 0 ? `long-${i}-${'x'.repeat(70)}` : `n${String(i).padStart(3, '0')}`));

export function zsetCommand(r: Rng, key: () => string): string[] {
  const k = () => (r() < 0.05 ? pick(r, ['zbig', 'nokey']) : key());
  const m = () => pick(r, MEMBERS);
  const sc = () => (r() < 0.85 ? pick(r, GOOD_SCORES) : pick(r, SCORES));
  const rs = () => pick(r, RANGE_SCORES);
  const lx = () => pick(r, LEX);
  const rank = () => pick(r, RANKS);
  const maybe = (p: number, xs: () => string[]) => (r() < p ? xs() : []);
  const keys = (n: number) => Array.from({ length: n }, () => k());
  switch (Math.floor(r() * 34)) {
    case 0: case 1: case 2: {
      const argv = ['ZADD', key()];
      for (const opt of ['NX', 'XX', 'GT', 'LT', 'CH', 'INCR']) if (r() < 0.12) argv.push(r() < 0.8 ? opt : opt.toLowerCase());
      const pairs = r() < 0.6 ? 1 : 1 + Math.floor(r() * 3);
      for (let i = 0; i < pairs; i++) argv.push(sc(), m());
      if (r() < 0.04) argv.push(sc());
      return argv;
    }
    case 3: return ['ZINCRBY', key(), sc(), m()];
    case 4: return ['ZREM', k(), m(), ...maybe(0.4, () => [m(), m()])];
    case 5: return ['ZCARD', k(), ...maybe(0.03, () => [k()])];
    case 6: return ['ZSCORE', k(), m()];
    case 7: return ['ZMSCORE', k(), m(), ...maybe(0.6, () => [m()])];
    case 8: return [pick(r, ['ZRANK', 'ZREVRANK']), k(), m(), ...maybe(0.05, () => ['WITHSCORE'])];
    case 9: return ['ZCOUNT', k(), rs(), rs()];
    case 10: return ['ZLEXCOUNT', k(), lx(), lx()];
    case 11: case 12: case 13: {
      // ZRANGE in all its forms; arguments mostly fit the chosen BY.
      const by = pick(r, ['', '', 'BYSCORE', 'BYLEX', 'byscore']);
      const lo = by === '' ? rank : by.toUpperCase() === 'BYSCORE' ? rs : lx;
      const argv = ['ZRANGE', k(), lo(), lo()];
      const opts: string[][] = [];
      if (by) opts.push([by]);
      if (r() < 0.4) opts.push([r() < 0.9 ? 'REV' : 'rev']);
      if (r() < (by ? 0.4 : 0.08)) opts.push(['LIMIT', pick(r, OFFSETS), pick(r, COUNTS)]);
      if (r() < (by === 'BYLEX' ? 0.08 : 0.4)) opts.push(['WITHSCORES']);
      if (r() < 0.04) opts.push([pick(r, ['BYSCORE', 'BYLEX', 'REV', 'LIMIT', 'BOGUS'])]);
      for (let i = opts.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [opts[i], opts[j]] = [opts[j]!, opts[i]!]; }
      return [...argv, ...opts.flat()];
    }
    case 14: {
      const by = pick(r, ['', 'BYSCORE', 'BYLEX']);
      const lo = by === '' ? rank : by === 'BYSCORE' ? rs : lx;
      const argv = ['ZRANGESTORE', key(), key(), lo(), lo()];
      if (by) argv.push(by);
      if (r() < 0.3) argv.push('REV');
      if (r() < (by ? 0.4 : 0.05)) argv.push('LIMIT', pick(r, OFFSETS), pick(r, COUNTS));
      if (r() < 0.04) argv.push('WITHSCORES');
      return argv;
    }
    case 15: return ['ZREVRANGE', k(), rank(), rank(), ...maybe(0.4, () => ['WITHSCORES']), ...maybe(0.04, () => [pick(r, ['REV', 'BYSCORE', 'LIMIT'])])];
    case 16: case 17: {
      const argv = [pick(r, ['ZRANGEBYSCORE', 'ZREVRANGEBYSCORE']), k(), rs(), rs()];
      if (r() < 0.4) argv.push('WITHSCORES');
      if (r() < 0.4) argv.push('LIMIT', pick(r, OFFSETS), pick(r, COUNTS));
      if (r() < 0.04) argv.push(pick(r, ['BYSCORE', 'REV', 'LIMIT', 'withscores']));
      return argv;
    }
    case 18: case 19: {
      const argv = [pick(r, ['ZRANGEBYLEX', 'ZREVRANGEBYLEX']), k(), lx(), lx()];
      if (r() < 0.4) argv.push('LIMIT', pick(r, OFFSETS), pick(r, COUNTS));
      if (r() < 0.05) argv.push(pick(r, ['WITHSCORES', 'BYLEX', 'LIMIT']));
      return argv;
    }
    case 20: return ['ZREMRANGEBYRANK', k(), rank(), rank()];
    case 21: return ['ZREMRANGEBYSCORE', k(), rs(), rs()];
    case 22: return ['ZREMRANGEBYLEX', k(), lx(), lx()];
    case 23: return [pick(r, ['ZPOPMIN', 'ZPOPMAX']), k(), ...maybe(0.5, () => [pick(r, COUNTS)]), ...maybe(0.03, () => ['1'])];
    case 24: {
      const n = pick(r, [1, 2, 2, 3]);
      const numkeys = r() < 0.9 ? String(n) : pick(r, ['0', '-1', 'x', '5']);
      const argv = ['ZMPOP', numkeys, ...keys(n), pick(r, ['MIN', 'MAX', 'min', 'max', 'MID'])];
      if (r() < 0.5) argv.push(pick(r, ['COUNT', 'count']), pick(r, COUNTS));
      if (r() < 0.04) argv.push(pick(r, ['COUNT', 'BOGUS']));
      return argv;
    }
    case 25: {
      // Compared by shape only (the draws differ from Redis's).
      const argv = ['ZRANDMEMBER', k()];
      if (r() < 0.8) argv.push(pick(r, ['1', '3', '-3', '0', '-1', '10', '-10', 'x', '-9223372036854775808', '9223372036854775807', '4611686018427387904']));
      if (argv.length === 3 && r() < 0.4) argv.push(pick(r, ['WITHSCORES', 'withscores', 'BOGUS']));
      if (r() < 0.03) argv.push('WITHSCORES');
      return argv;
    }
    case 26: case 27: case 28: case 29: {
      // ZUNION / ZINTER / ZDIFF and their STORE forms; sets join as operands with score 1.
      const op = pick(r, ['ZUNION', 'ZINTER', 'ZDIFF']);
      const store = r() < 0.5;
      const n = pick(r, [1, 2, 2, 3]);
      const numkeys = r() < 0.92 ? String(n) : pick(r, ['0', '-1', 'x', '4']);
      const argv = store ? [`${op}STORE`, key(), numkeys] : [op, numkeys];
      argv.push(...Array.from({ length: n }, () => key()));
      if (r() < 0.35) {
        const w = r() < 0.9 ? n : pick(r, [n - 1, n + 1]);
        argv.push('WEIGHTS', ...Array.from({ length: w }, () => (r() < 0.9 ? pick(r, ['1', '2', '0', '-1', '0.5', 'inf', '-inf', '-0']) : pick(r, ['x', 'nan', '']))));
      }
      if (r() < 0.35) argv.push(pick(r, ['AGGREGATE', 'aggregate']), pick(r, ['SUM', 'MIN', 'MAX', 'max', 'AVG']));
      if (!store && r() < 0.5) argv.push('WITHSCORES');
      if (r() < 0.04) argv.push(pick(r, ['WITHSCORES', 'AGGREGATE', 'LIMIT', 'BOGUS']));
      return argv;
    }
    case 30: {
      const n = pick(r, [1, 2, 3]);
      const numkeys = r() < 0.9 ? String(n) : pick(r, ['0', '-1', 'x', '4']);
      return ['ZINTERCARD', numkeys, ...Array.from({ length: n }, () => key()), ...maybe(0.4, () => ['LIMIT', pick(r, ['0', '1', '2', '-1', 'x'])]), ...maybe(0.03, () => ['WITHSCORES'])];
    }
    case 31: {
      // The big skip-list-encoded set: members added at score 0 only.
      const argv = ['ZADD', 'zbig'];
      for (let i = 0; i < 20; i++) argv.push(r() < 0.03 ? '-0' : '0', pick(r, ZBIG_MEMBERS));
      return argv;
    }
    case 32: {
      const b = () => pick(r, ['-', '+', ...Array.from({ length: 6 }, () => `${pick(r, ['[', '('])}${pick(r, ZBIG_MEMBERS).slice(0, pick(r, [2, 3, 4, 80]))}`)]);
      switch (Math.floor(r() * 8)) {
        case 0: return ['ZLEXCOUNT', 'zbig', b(), b()];
        case 1: return ['ZRANGEBYLEX', 'zbig', b(), b(), ...maybe(0.5, () => ['LIMIT', pick(r, OFFSETS), pick(r, COUNTS)])];
        case 2: return ['ZREVRANGEBYLEX', 'zbig', b(), b(), ...maybe(0.5, () => ['LIMIT', pick(r, OFFSETS), pick(r, COUNTS)])];
        case 3: return ['ZRANGE', 'zbig', rank(), rank(), ...maybe(0.5, () => ['WITHSCORES'])];
        case 4: return [pick(r, ['ZRANK', 'ZREVRANK', 'ZSCORE']), 'zbig', pick(r, ZBIG_MEMBERS)];
        case 5: return ['ZREMRANGEBYLEX', 'zbig', b(), b()];
        case 6: return ['ZRANGEBYSCORE', 'zbig', rs(), rs(), 'LIMIT', pick(r, OFFSETS), pick(r, COUNTS)];
        default: return [pick(r, ['ZCARD', 'ZPOPMIN', 'ZPOPMAX']), 'zbig'];
      }
    }
    default: return ['ZADD', key(), pick(r, GOOD_SCORES), m()];
  }
}
