// Cases for LPOS/LMPOP and the commands that draw at random (SPOP,
// SRANDMEMBER, HRANDFIELD). Draws differ from Redis's, so the generator
// keeps them comparable: counts that take every member, or replies
// compared by shape (see compare-random.ts).
type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

export function randomFamilyCommand(r: Rng, k: () => string, v: () => string): string[] {
  switch (Math.floor(r() * 10)) {
    case 0: {
      const argv = ['LPOS', k(), pick(r, ['x', 'hello', '1', '', v()])];
      for (const opt of ['RANK', 'COUNT', 'MAXLEN']) if (r() < 0.35) argv.push(opt, pick(r, ['0', '1', '2', '-1', '-2', '5', 'x']));
      if (r() < 0.04) argv.push('BOGUS');
      return argv;
    }
    case 1: {
      const n = pick(r, ['1', '2', '3', '0', '-1', 'x', '5']);
      const keys = Array.from({ length: Math.max(0, Math.min(3, Number(n) || 0)) }, k);
      const argv = ['LMPOP', n, ...keys, pick(r, ['LEFT', 'RIGHT', 'left', 'MIDDLE'])];
      if (r() < 0.4) argv.push('COUNT', pick(r, ['1', '2', '10', '0', '-1', 'x']));
      if (r() < 0.04) argv.push('COUNT', '1');
      return argv;
    }
    case 2: return ['RPUSH', k(), v(), v(), 'x'];
    case 3: return ['SPOP', k(), ...pick(r, [['100'], ['0'], ['-1'], ['x'], ['1', '2']])];
    case 4: return ['SRANDMEMBER', k(), ...pick(r, [[], ['100'], ['0'], ['-3'], ['5'], ['x'], ['1', '2'], ['-9223372036854775808']])];
    case 5: return ['HRANDFIELD', k(), ...pick(r, [[], ['100'], ['0'], ['-3'], ['2'], ['100', 'WITHVALUES'], ['-2', 'withvalues'], ['1', 'BAD'], ['x'], ['1', 'WITHVALUES', 'x']])];
    case 6: return ['SADD', k(), 'm1', 'm2', pick(r, ['1', '2', 'x'])];
    case 7: return ['HSET', k(), 'f1', v(), 'f2', v()];
    case 8: return ['COPY', k(), k(), ...pick(r, [[], [], ['REPLACE'], ['DB', '0'], ['DB', '0', 'REPLACE'], ['BOGUS'], ['DB', 'x'], ['DB']])];
    default: return ['LPUSH', k(), 'x', v(), 'x'];
  }
}
