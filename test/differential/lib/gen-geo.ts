// Geo cases for the differential test: GEOADD with NX/XX/CH and good and bad
// coordinates (the poles' Mercator limit +-85.05112878, +-180, just past
// them, inf, junk), GEODIST in every unit, GEOPOS and GEOHASH (also of
// sorted sets whose scores are not geohashes at all), GEORADIUS[BYMEMBER][_RO]
// and GEOSEARCH[STORE] with every option, radius 0 to larger than the
// Earth, boxes, COUNT [ANY] with members at identical positions (ties in the
// sorts), STORE/STOREDIST into other keys, wrong types, and ZRANGE/ZSCORE of
// what geo commands stored.
type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const GKEYS = ['geo1', 'geo2', '{t}geo', 'geobig'];
// STOREDIST targets. A distance is a haversine of sines and cosines, and V8's
// libm (fdlibm) and glibc's differ in the last bit of a few results: printed
// with four decimals that never shows, but a stored distance read back as a
// full-precision score can differ by an ulp. These keys are only read in
// ways that do not print their scores.
const DIST_KEYS = ['dists', '{t}dists'];
const MEMBERS = ['Palermo', 'Catania', 'Rome', 'p1', 'p2', 'p3', 'p4', 'twin1', 'twin2', 'twin3', 'pole', 'edge', '', '1', '\x00\xff'];
const UNITS = ['m', 'km', 'ft', 'mi', 'M', 'KM', 'Ft', 'mI'];
const BAD_UNITS = ['yd', '', 'meters', 'k', 'm\x00'];
// Sizes by unit, from nothing to wider than the Earth.
const SIZES: Record<string, readonly string[]> = {
  km: ['0', '1', '10', '50', '100', '150', '200', '300', '500', '1000', '5000', '20000', '25000', '0.5'],
  mi: ['0', '1', '20', '60', '100', '200', '300', '3000', '13000', '1.5'],
  m: ['0', '1', '100', '1000', '50000', '100000', '200000', '500000', '2e6', '2e7', '3.5'],
  ft: ['0', '10', '1000', '100000', '500000', '1e6', '7e7'],
};
const BAD_NUMBERS = ['-1', 'x', '', 'nan', 'inf', '1e400', ' 1', '-0', '0x10', '1e-400'];
const BAD_COORDS = ['180.0000001', '-180.0000001', '85.05112879', '-85.05112879', '90', '-90', '181', '1e300', 'inf', '-inf', 'nan', 'x', '', ' 1', '1e400', '0x10'];
const COUNTS = ['1', '2', '3', '5', '10', '100', '1', '2', '3', '4', '9223372036854775807'];
const BAD_COUNTS = ['0', '-1', 'x', '1.5', '', '9223372036854775808'];
// Cities and fixed points; 'twin' members share one position so distances tie.
const PLACES: readonly [string, string][] = [
  ['13.361389', '38.115556'], ['15.087269', '37.502669'], ['12.496366', '41.902783'], ['13.583333', '37.316667'],
  ['14.5', '37.9'], ['15.0', '37.0'], ['12.758489', '38.788135'], ['-122.27652', '37.805186'], ['2.349014', '48.864716'],
  ['0', '0'], ['180', '0'], ['-180', '0'], ['0', '85.05112878'], ['0', '-85.05112878'], ['180', '85.05112878'],
  ['-180', '-85.05112878'], ['179.9999', '-0.0001'], ['-179.9999', '0.0001'], ['139.6917', '35.6895'], ['-0.000001', '-0.000001'],
];
const TWIN = ['14.1', '37.6'];

export function geoCommand(r: Rng, key: () => string): string[] {
  const gk = () => (r() < 0.8 ? pick(r, GKEYS) : key());
  const m = () => pick(r, MEMBERS);
  const from = () => (r() < 0.55 ? pick(r, ['Palermo', 'Catania', 'p1', 'twin1', 'edge']) : r() < 0.4 ? `b${Math.floor(r() * 400)}` : m());
  /** A size and its unit: mostly sensible for the unit, sometimes a bad number or a bad unit. */
  const distance = (sides: number): string[] => {
    const u = pick(r, UNITS);
    const x = r();
    const sizes = Array.from({ length: sides }, () => pick(r, SIZES[u.toLowerCase()]!));
    if (x < 0.05) sizes[Math.floor(r() * sides)] = pick(r, BAD_NUMBERS);
    return [...sizes, x > 0.96 ? pick(r, BAD_UNITS) : u];
  };
  const coord = (): [string, string] => {
    const x = r();
    if (x < 0.06) return r() < 0.5 ? [pick(r, BAD_COORDS), pick(r, PLACES)[1]] : [pick(r, PLACES)[0], pick(r, BAD_COORDS)];
    if (x < 0.35) return pick(r, PLACES);
    if (x < 0.45) return [TWIN[0]!, TWIN[1]!];
    if (x < 0.8) return [(12 + r() * 4).toFixed(6), (36.5 + r() * 3).toFixed(6)]; // around Sicily
    return [(r() * 360 - 180).toFixed(r() < 0.5 ? 3 : 8), (r() * 170.1 - 85.05).toFixed(r() < 0.5 ? 3 : 8)];
  };
  const maybe = (p: number, xs: () => string[]) => (r() < p ? xs() : []);
  switch (Math.floor(r() * 24)) {
    case 0: case 1: case 2: case 3: {
      const argv = ['GEOADD', gk()];
      for (const opt of ['NX', 'XX', 'CH']) if (r() < 0.1) argv.push(r() < 0.8 ? opt : opt.toLowerCase());
      if (r() < 0.02) argv.push(pick(r, ['GT', 'INCR']));
      const n = r() < 0.5 ? 1 : 1 + Math.floor(r() * 4);
      for (let i = 0; i < n; i++) argv.push(...coord(), m());
      if (r() < 0.03) argv.push(coord()[0]);
      return argv;
    }
    case 4: { // many members, clustered, so the set outgrows a listpack and searches find plenty
      const argv = ['GEOADD', 'geobig'];
      for (let i = 0; i < 25; i++) {
        const c = r() < 0.15 ? [TWIN[0]!, TWIN[1]!] : [(13 + r() * 2).toFixed(5), (37 + r() * 1.2).toFixed(5)];
        argv.push(c[0]!, c[1]!, `b${Math.floor(r() * 400)}${r() < 0.03 ? 'x'.repeat(70) : ''}`);
      }
      return argv;
    }
    case 5: return ['GEODIST', gk(), from(), m(), ...maybe(0.7, () => [r() < 0.95 ? pick(r, UNITS) : pick(r, BAD_UNITS)]), ...maybe(0.03, () => ['km'])];
    case 6: return ['GEOPOS', gk(), m(), ...maybe(0.6, () => [m(), m()])];
    case 7: return ['GEOHASH', gk(), m(), ...maybe(0.6, () => [m(), m()])];
    case 8: case 9: case 10: {
      const ro = r() < 0.25;
      const byMember = r() < 0.4;
      const name = (byMember ? 'GEORADIUSBYMEMBER' : 'GEORADIUS') + (ro ? '_RO' : '');
      const argv = [name, gk(), ...(byMember ? [from()] : coord()), ...distance(1)];
      argv.push(...radiusOptions(r, !ro, from));
      return argv;
    }
    case 11: case 12: case 13: case 14: return ['GEOSEARCH', gk(), ...searchOptions(r, false, from, coord, distance)];
    case 15: case 16: {
      const opts = searchOptions(r, true, from, coord, distance);
      const dst = opts.some((o) => o.toUpperCase() === 'STOREDIST') ? pick(r, DIST_KEYS) : pick(r, ['dst', '{t}dst', ...GKEYS, key()]);
      return ['GEOSEARCHSTORE', dst, gk(), ...opts];
    }
    case 17: return ['ZRANGE', pick(r, ['dst', '{t}dst', ...GKEYS]), '0', '-1', 'WITHSCORES'];
    case 18: return ['ZSCORE', pick(r, ['dst', '{t}dst', ...GKEYS]), m()];
    case 19: return [pick(r, ['ZCARD', 'TYPE', 'EXISTS']), pick(r, ['dst', '{t}dst', ...GKEYS, ...DIST_KEYS])];
    case 20: return r() < 0.5 ? ['ZRANGE', pick(r, DIST_KEYS), '0', '-1'] : ['ZCOUNT', pick(r, DIST_KEYS), pick(r, ['0', '(1000', '-inf']), pick(r, ['5000', '+inf', '(20000'])];
    case 21: return ['GEOPOS', pick(r, DIST_KEYS), m()];
    case 22: return ['ZREM', gk(), m(), ...maybe(0.5, () => [m()])];
    default: return ['GEOPOS', gk(), m()];
  }
}

/** Options of GEORADIUS[BYMEMBER][_RO], shuffled, with occasional conflicts and junk. */
function radiusOptions(r: Rng, store: boolean, m: () => string): string[] {
  const opts: string[][] = [];
  const storing = store && r() < 0.25;
  const w = storing ? 0.04 : 1;
  if (r() < 0.3 * w) opts.push(['WITHDIST']);
  if (r() < 0.2 * w) opts.push(['WITHCOORD']);
  if (r() < 0.2 * w) opts.push(['WITHHASH']);
  if (r() < 0.35) opts.push([pick(r, ['ASC', 'DESC', 'asc', 'desc'])]);
  if (r() < 0.35) opts.push(['COUNT', r() < 0.9 ? pick(r, COUNTS) : pick(r, BAD_COUNTS), ...(r() < 0.3 ? ['ANY'] : [])]);
  if (r() < 0.03) opts.push(['ANY']);
  if (storing) {
    const dist = r() < 0.4;
    opts.push(dist ? [pick(r, ['STOREDIST', 'storedist']), pick(r, DIST_KEYS)] : [pick(r, ['STORE', 'store']), pick(r, ['dst', '{t}dst', 'geo2', 'a'])]);
  }
  if (!store && r() < 0.03) opts.push(['STORE', 'dst']);
  if (r() < 0.02) opts.push([pick(r, ['BOGUS', 'COUNT', 'FROMMEMBER', 'STORE'])]);
  if (r() < 0.02) opts.push(['FROMMEMBER', m()]);
  return shuffle(r, opts).flat();
}

/** GEOSEARCH[STORE] arguments after the key(s). */
function searchOptions(r: Rng, store: boolean, m: () => string, coord: () => [string, string], distance: (sides: number) => string[]): string[] {
  const opts: string[][] = [];
  const from = r();
  if (from < 0.5) opts.push(['FROMMEMBER', m()]);
  else if (from < 0.97) opts.push(['FROMLONLAT', ...coord()]);
  if (r() < 0.03) opts.push(r() < 0.5 ? ['FROMMEMBER', m()] : ['FROMLONLAT', ...coord()]);
  const by = r();
  if (by < 0.5) opts.push(['BYRADIUS', ...distance(1)]);
  else if (by < 0.97) opts.push(['BYBOX', ...distance(2)]);
  if (r() < 0.03) opts.push(r() < 0.5 ? ['BYRADIUS', ...distance(1)] : ['BYBOX', ...distance(2)]);
  if (r() < (store ? 0.05 : 0.3)) opts.push(['WITHDIST']);
  if (r() < (store ? 0.03 : 0.2)) opts.push(['WITHCOORD']);
  if (r() < (store ? 0.03 : 0.2)) opts.push(['WITHHASH']);
  if (r() < 0.35) opts.push([pick(r, ['ASC', 'DESC', 'desc'])]);
  if (r() < 0.35) opts.push(['COUNT', r() < 0.9 ? pick(r, COUNTS) : pick(r, BAD_COUNTS), ...(r() < 0.3 ? ['ANY'] : [])]);
  if (r() < 0.03) opts.push(['ANY']);
  if (store && r() < 0.4) opts.push(['STOREDIST']);
  if (!store && r() < 0.03) opts.push([pick(r, ['STOREDIST', 'STORE'])]);
  if (r() < 0.02) opts.push([pick(r, ['BOGUS', 'COUNT', 'BYBOX', 'FROMLONLAT'])]);
  return shuffle(r, opts).flat();
}

function shuffle<T>(r: Rng, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}
