// Cases for LPOS/LMPOP and the commands that draw at random (SPOP,
// SRANDMEMBER, HRANDFIELD). Draws differ from Redis's, so the generator
// keeps them comparable: counts that take every member, or replies
// compared by shape (see compare-random.ts).
type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

export function randomFamilyCommand(r: Rng, k: () => string, v: () => string): string[] {
  if (r() < 0.3) return sortCommand(r);
  if (r() < 0.1) return blockingCommand(r, k);
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

const WEIGHT_KEYS = ['w_1', 'w_2', 'w_m1', 'w_x', 'w_10'];

// SORT works on keys of its own: strtod's view of an element that starts with a NUL byte depends on errno left
// over from earlier calls inside redis-server, which no model can follow.
const SORT_KEYS = ['sl1', 'sl2', 'ss1', 'sz1', 'sh1'];

function sortCommand(r: Rng): string[] {
  const k = () => pick(r, SORT_KEYS);
  switch (Math.floor(r() * 6)) {
    case 4: return ['SADD', pick(r, ['ss1', 'sl2']), ...pick(r, [['3', '1'], ['b', 'a'], ['10', '-2', '2.5']])];
    case 5: return ['ZADD', pick(r, ['sz1', 'ss1']), pick(r, ['1', '2']), pick(r, ['z', '5', 'a', '-1'])];
    case 0: return ['SET', pick(r, WEIGHT_KEYS), pick(r, ['3', '1.5', '-2', 'abc', '', ' 7', '1e400', 'inf', '0x10'])];
    case 1: return ['HSET', pick(r, ['h_1', 'h_m1', 'h_2']), 'f', pick(r, ['5', '-1', 'zz', '2.5'])];
    case 2: return ['RPUSH', k(), ...pick(r, [['3', '1', '2'], ['m1', 'm2'], ['1', '10', '2', '1'], ['b', 'a', 'c']])];
    default: {
      const argv = [r() < 0.2 ? 'SORT_RO' : 'SORT', k()];
      const by = r() < 0.3;
      if (by) argv.push('BY', pick(r, ['w_*', 'nosort', 'h_*->f', 'h_*->', 'w_*x']));
      if (!by && r() < 0.3) argv.push('LIMIT', pick(r, ['0', '1', '-1', '5', 'x']), pick(r, ['0', '1', '2', '-1', '10']));
      if (r() < 0.3) argv.push('GET', pick(r, ['#', 'w_*', 'h_*->f', 'nokey']));
      if (r() < 0.15) argv.push('GET', '#');
      if (r() < 0.4) argv.push('ALPHA');
      if (r() < 0.3) argv.push(pick(r, ['ASC', 'DESC', 'desc']));
      if (r() < 0.2) argv.push('STORE', k());
      if (r() < 0.03) argv.push('BOGUS');
      return argv;
    }
  }
}

/**
 * Blocking commands with a 1 ms timeout: when there is nothing to pop redis-server waits that long and answers nil,
 * which is what our engine answers at once (the server, not the engine, does the waiting).
 */
function blockingCommand(r: Rng, k: () => string): string[] {
  const t = () => pick(r, ['0.001', '0.001', '0.001', 'x', '-1', '']);
  switch (Math.floor(r() * 7)) {
    case 0: return [pick(r, ['BLPOP', 'BRPOP']), k(), ...(r() < 0.5 ? [k()] : []), t()];
    case 1: return ['BLMOVE', k(), k(), pick(r, ['LEFT', 'RIGHT', 'UP']), pick(r, ['LEFT', 'RIGHT']), t()];
    case 2: return ['BRPOPLPUSH', k(), k(), t()];
    case 3: return ['BLMPOP', t(), pick(r, ['1', '2', '0', 'x']), k(), k(), pick(r, ['LEFT', 'RIGHT', 'MID']), ...(r() < 0.3 ? ['COUNT', pick(r, ['1', '3', '0'])] : [])];
    case 4: return [pick(r, ['BZPOPMIN', 'BZPOPMAX']), k(), ...(r() < 0.5 ? [k()] : []), t()];
    case 5: return ['BZMPOP', t(), pick(r, ['1', '2', '0']), k(), k(), pick(r, ['MIN', 'MAX', 'AVG']), ...(r() < 0.3 ? ['COUNT', pick(r, ['1', '2', '-1'])] : [])];
    default: return ['RPUSH', k(), 'b1', 'b2'];
  }
}
