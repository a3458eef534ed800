// SCAN family cases for the differential test. COUNT 1000 over the test's
// small key space makes both engines answer in one step (cursor 0), so the
// replies compare as multisets.
type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const PATTERNS = ['*', '{t}*', '?', '[a-c]', 'f*', 'm?', '*1*', '[^a]*', '\\*'];

export function scanCommand(r: Rng, k: () => string): string[] {
  const opts = (allowType: boolean): string[] => {
    const out: string[] = ['COUNT', pick(r, ['1000', '1000', '1000', '0', '-1', 'x'])];
    if (r() < 0.5) out.push(pick(r, ['MATCH', 'match']), pick(r, PATTERNS));
    if (allowType && r() < 0.3) out.push('TYPE', pick(r, ['string', 'list', 'hash', 'set', 'zset', 'HASH', 'nosuch']));
    if (r() < 0.04) out.push(pick(r, ['BOGUS', 'TYPE']));
    return out;
  };
  const cursor = () => (r() < 0.9 ? '0' : pick(r, ['x', '18446744073709551616', ' 0', '+0', '1.5']));
  switch (Math.floor(r() * 4)) {
    case 0: return ['SCAN', cursor(), ...opts(true)];
    case 1: return ['HSCAN', k(), cursor(), ...opts(false)];
    case 2: return ['SSCAN', k(), cursor(), ...opts(false)];
    default: return ['ZSCAN', k(), cursor(), ...opts(false)];
  }
}
