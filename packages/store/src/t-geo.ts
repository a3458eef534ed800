// Geo commands (Redis 7.0 geo.c): positions are sorted set members whose
// scores are 52-bit geohashes (geohash.ts). Argument checks happen in
// Redis's order with its error texts; searches visit the same cells in the
// same order, and results are sorted with the same algorithms (glibc's
// merge sort for full sorts, Redis's partial quicksort for COUNT), so ties
// between equal distances come out as Redis has them.
import { NIL, NIL_ARRAY, ZERO, EMPTY_ARRAY, int, bulk, array, error, raw, type Reply, type ErrorReply } from '@redisraft-wasm/resp';
import type { CommandContext, StoreCommand } from './command-spec.js';
import { ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE, isErr } from './args.js';
import { parseInt64 } from './numbers.js';
import { parseScore } from './strtod.js';
import { formatLongDouble17, fromDouble } from './long-double.js';
import { ZSet } from './zskiplist.js';
import { zsetCommands } from './t-zset.js';
import {
  GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN, type GeoShape,
  areasForShape, decodeScore, distanceWithinShape, encodeScore, geoDistance, isZeroHash, scoresOfBox, standardGeohash,
} from './geohash.js';
import { Notify, notify } from './notify.js';

const ERR_UNIT = error('ERR unsupported unit provided. please use M, KM, FT, MI');
const ERR_DECODE = error('ERR could not decode requested zset member');
const s = (b: Buffer) => b.toString('latin1');

/** An argument as C's strcasecmp sees it: up to the first NUL, lowercased. */
function cstr(b: Buffer): string {
  const nul = b.indexOf(0);
  return (nul === -1 ? b : b.subarray(0, nul)).toString('latin1').toLowerCase();
}

function zsetOf(ctx: CommandContext, key: Buffer): ZSet | null | ErrorReply {
  const e = ctx.db.get(key, ctx.nowMs);
  if (!e) return null;
  return e.value.type === 'zset' ? e.value.zset : ERR_WRONGTYPE;
}

// ---------------------------------------------------------------- number text

/** C's "%.<digits>f" of a double: exact decimal expansion, ties to even. */
export function formatFixed(x: number, digits: number): string {
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Number.isNaN(x)) return x < 0 ? '-nan' : 'nan';
  const neg = x < 0 || Object.is(x, -0);
  let v = Math.abs(x);
  let k = 0;
  while (!Number.isInteger(v)) { v *= 2; k++; }
  const scale = 10n ** BigInt(digits);
  const num = BigInt(v) * scale;
  let q = num >> BigInt(k);
  if (k > 0) {
    const rem = num - (q << BigInt(k));
    const half = 1n << BigInt(k - 1);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  }
  const text = q.toString().padStart(digits + 1, '0');
  const out = digits > 0 ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  return neg ? `-${out}` : out;
}

/** llrint as x86-64 does it: round to nearest even; NaN and out-of-range give LLONG_MIN. */
function llrint(x: number): bigint {
  if (!(x >= -9223372036854775808 && x < 9223372036854775808)) return -(1n << 63n);
  let r = Math.round(x);
  if (r - x === 0.5 && r % 2 !== 0) r -= 1; // Math.round takes ties up; llrint takes them to even
  return BigInt(r);
}

/** Redis's fixedpoint_d2string(d, 4): distances with four decimals. */
export function distanceText(d: number): string {
  if (d === 0) return '0.0000';
  const v = llrint(d * 10000);
  const neg = v < 0n;
  const text = (neg ? -v : v).toString().padStart(5, '0');
  return `${neg ? '-' : ''}${text.slice(0, -4)}.${text.slice(-4)}`;
}

/** addReplyHumanLongDouble: "%.17Lf" without trailing zeros; a bulk string in RESP2, a double in RESP3. */
function humanDouble(ctx: CommandContext, x: number): Reply {
  let text = formatLongDouble17(fromDouble(x));
  if (text === '-0') text = '0';
  return ctx.resp === 2 ? bulk(text) : raw(Buffer.from(`,${text}\r\n`, 'latin1'));
}

// ---------------------------------------------------------------- arguments

/** extractLongLatOrReply: a valid (longitude, latitude) pair. */
function longLatArg(lonArg: Buffer, latArg: Buffer): [number, number] | ErrorReply {
  const lon = parseScore(lonArg);
  if (lon === null) return ERR_NOT_FLOAT;
  const lat = parseScore(latArg);
  if (lat === null) return ERR_NOT_FLOAT;
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    return error(`ERR invalid longitude,latitude pair ${formatFixed(lon, 6)},${formatFixed(lat, 6)}`);
  }
  return [lon, lat];
}

/** extractUnitOrReply: metres per unit. */
function unitArg(b: Buffer): number | ErrorReply {
  switch (cstr(b)) {
    case 'm': return 1;
    case 'km': return 1000;
    case 'ft': return 0.3048;
    case 'mi': return 1609.34;
    default: return ERR_UNIT;
  }
}

/** extractDistanceOrReply: [radius, metres per unit]. */
function distanceArg(valueArg: Buffer, unit: Buffer): [number, number] | ErrorReply {
  const d = parseScore(valueArg);
  if (d === null) return error('ERR need numeric radius');
  if (d < 0) return error('ERR radius cannot be negative');
  const conv = unitArg(unit);
  return isErr(conv) ? conv : [d, conv];
}

/** extractBoxOrReply: [width, height, metres per unit]. */
function boxArg(widthArg: Buffer, heightArg: Buffer, unit: Buffer): [number, number, number] | ErrorReply {
  const w = parseScore(widthArg);
  if (w === null) return error('ERR need numeric width');
  const h = parseScore(heightArg);
  if (h === null) return error('ERR need numeric height');
  if (h < 0 || w < 0) return error('ERR height or width cannot be negative');
  const conv = unitArg(unit);
  return isErr(conv) ? conv : [w, h, conv];
}

/** longLatFromMember: the position of a member, null when it is not in the set. */
function memberPosition(z: ZSet, member: Buffer): [number, number] | null {
  const score = z.score(s(member));
  return score === undefined ? null : decodeScore(score);
}

// ---------------------------------------------------------------- GEOADD / GEODIST / GEOHASH / GEOPOS

const zaddHandler = zsetCommands.find((c) => c.name === 'zadd')!.handler;

/** GEOADD key [NX|XX] [CH] lon lat member ...: ZADD with the positions' hashes as scores. */
function geoadd(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  let nx = false, xx = false, longIdx = 2;
  const opts: Buffer[] = [];
  for (; longIdx < argv.length; longIdx++) {
    const o = cstr(argv[longIdx]!);
    if (o === 'nx') nx = true;
    else if (o === 'xx') xx = true;
    else if (o !== 'ch') break;
    opts.push(Buffer.from(o));
  }
  if ((argv.length - longIdx) % 3 !== 0 || (xx && nx)) return ERR_SYNTAX;
  const zargv: Buffer[] = [Buffer.from('zadd'), argv[1]!, ...opts];
  for (let i = longIdx; i < argv.length; i += 3) {
    const xy = longLatArg(argv[i]!, argv[i + 1]!);
    if (isErr(xy)) return xy;
    zargv.push(Buffer.from(encodeScore(xy[0], xy[1])!.toString()), argv[i + 2]!);
  }
  return zaddHandler(ctx, zargv);
}

function geodist(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  let toMeter = 1;
  if (argv.length === 5) {
    const u = unitArg(argv[4]!);
    if (isErr(u)) return u;
    toMeter = u;
  } else if (argv.length > 5) {
    return ERR_SYNTAX;
  }
  const z = zsetOf(ctx, argv[1]!);
  if (z === null) return NIL;
  if (isErr(z)) return z;
  const s1 = z.score(s(argv[2]!));
  const s2 = z.score(s(argv[3]!));
  if (s1 === undefined || s2 === undefined) return NIL;
  const a = decodeScore(s1), b = decodeScore(s2);
  return bulk(distanceText(geoDistance(a[0], a[1], b[0], b[1]) / toMeter));
}

function geohash(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const z = zsetOf(ctx, argv[1]!);
  if (isErr(z)) return z;
  return array(argv.slice(2).map((m) => {
    const score = z?.score(s(m));
    if (score === undefined) return NIL;
    const [lon, lat] = decodeScore(score);
    return bulk(standardGeohash(lon, lat));
  }));
}

function geopos(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const z = zsetOf(ctx, argv[1]!);
  if (isErr(z)) return z;
  return array(argv.slice(2).map((m) => {
    const score = z?.score(s(m));
    if (score === undefined) return NIL_ARRAY;
    const [lon, lat] = decodeScore(score);
    return array([humanDouble(ctx, lon), humanDouble(ctx, lat)]);
  }));
}

// ---------------------------------------------------------------- searches

interface GeoPoint {
  lon: number;
  lat: number;
  dist: number;
  score: number;
  member: string;
}

type Compare = (a: GeoPoint, b: GeoPoint) => number;

const sortAsc: Compare = (a, b) => (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1);
const sortDesc: Compare = (a, b) => -sortAsc(a, b);

/** glibc's qsort (a top-down merge sort, stable) with the same comparisons, whatever the comparator does with NaN. */
function mergeSort(a: GeoPoint[], cmp: Compare): void {
  const tmp = new Array<GeoPoint>(a.length);
  const sort = (lo: number, n: number): void => {
    if (n <= 1) return;
    const n1 = Math.floor(n / 2), n2 = n - n1;
    sort(lo, n1);
    sort(lo + n1, n2);
    let i = lo, j = lo + n1, k = 0;
    const iEnd = lo + n1, jEnd = lo + n;
    while (i < iEnd && j < jEnd) tmp[k++] = cmp(a[i]!, a[j]!) <= 0 ? a[i++]! : a[j++]!;
    while (i < iEnd) tmp[k++] = a[i++]!;
    // What is left of the second half is already in place.
    for (let t = 0; t < k; t++) a[lo + t] = tmp[t]!;
  };
  sort(0, a.length);
}

/** Redis's pqsort: Bentley-McIlroy quicksort that only recurses into parts overlapping [lrange, rrange]. */
function partialQuickSort(arr: GeoPoint[], cmp: Compare, lrange: number, rrange: number): void {
  const swap = (i: number, j: number) => { const t = arr[i]!; arr[i] = arr[j]!; arr[j] = t; };
  const vecswap = (i: number, j: number, n: number) => { for (let t = 0; t < n; t++) swap(i + t, j + t); };
  const c = (i: number, j: number) => cmp(arr[i]!, arr[j]!);
  const med3 = (x: number, y: number, z: number) =>
    c(x, y) < 0 ? (c(y, z) < 0 ? y : c(x, z) < 0 ? z : x) : (c(y, z) > 0 ? y : c(x, z) < 0 ? x : z);
  const sort = (a: number, n: number): void => {
    for (;;) {
      if (n < 7) {
        for (let pm = a + 1; pm < a + n; pm++) for (let pl = pm; pl > a && c(pl - 1, pl) > 0; pl--) swap(pl, pl - 1);
        return;
      }
      let pm = a + Math.floor(n / 2);
      if (n > 7) {
        let pl = a;
        let pn = a + n - 1;
        if (n > 40) {
          const d = Math.floor(n / 8);
          pl = med3(pl, pl + d, pl + 2 * d);
          pm = med3(pm - d, pm, pm + d);
          pn = med3(pn - 2 * d, pn - d, pn);
        }
        pm = med3(pl, pm, pn);
      }
      swap(a, pm);
      let pa = a + 1, pb = a + 1;
      let pc = a + n - 1, pd = a + n - 1;
      for (;;) {
        let r: number;
        while (pb <= pc && (r = c(pb, a)) <= 0) {
          if (r === 0) { swap(pa, pb); pa++; }
          pb++;
        }
        while (pb <= pc && (r = c(pc, a)) >= 0) {
          if (r === 0) { swap(pc, pd); pd--; }
          pc--;
        }
        if (pb > pc) break;
        swap(pb, pc);
        pb++;
        pc--;
      }
      const pn = a + n;
      let r = Math.min(pa - a, pb - pa);
      if (r > 0) vecswap(a, pb - r, r);
      r = Math.min(pd - pc, pn - pd - 1);
      if (r > 0) vecswap(pb, pn - r, r);
      // Skip parts entirely left or right of the wanted ranks.
      const outside = (l: number, rr: number) => (lrange < l && rrange < l) || (lrange > rr && rrange > rr);
      if ((r = pb - pa) > 1 && !outside(a, a + r - 1)) sort(a, r);
      if ((r = pd - pc) > 1) {
        a = pn - r;
        n = r;
        if (!outside(a, a + r - 1)) continue;
      }
      return;
    }
  };
  sort(0, arr.length);
}

/** membersOfAllNeighbors: the members inside the shape, cell by cell; stops at `limit` (0 = none). */
function pointsInShape(z: ZSet, shape: GeoShape, limit: number): GeoPoint[] {
  const cells = areasForShape(shape);
  const out: GeoPoint[] = [];
  let last = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (isZeroHash(cell)) continue;
    // Huge radii make neighbours coincide: skip a cell equal to the one just searched.
    if (last && cell.bits === cells[last]!.bits && cell.step === cells[last]!.step) continue;
    if (out.length && limit && out.length >= limit) break;
    const [min, max] = scoresOfBox(cell);
    for (let x = z.firstInRange({ min, max, minex: false, maxex: true }); x; x = x.next[0]!) {
      if (!(x.score < max)) break;
      const [lon, lat] = decodeScore(x.score);
      const dist = distanceWithinShape(shape, lon, lat);
      if (dist !== null) out.push({ lon, lat, dist, score: x.score, member: x.member });
      if (out.length && limit && out.length >= limit) break;
    }
    last = i;
  }
  return out;
}

type Kind = 'coords' | 'member' | 'search';

/** georadiusGeneric: GEORADIUS[BYMEMBER][_RO], GEOSEARCH and GEOSEARCHSTORE. */
function georadius(kind: Kind, opts: { noStore?: boolean; store?: boolean } = {}) {
  const search = kind === 'search';
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const srcIdx = opts.store ? 2 : 1;
    let storeKey: Buffer | null = null;
    let storeDist = false;
    const z = zsetOf(ctx, argv[srcIdx]!);
    if (isErr(z)) return z;

    const shape: GeoShape = { type: 'circle', xy: [0, 0], conversion: 0, radius: 0, width: 0, height: 0, bounds: [0, 0, 0, 0] };
    let base: number;
    if (kind === 'coords') {
      base = 6;
      const xy = longLatArg(argv[2]!, argv[3]!);
      if (isErr(xy)) return xy;
      shape.xy = xy;
      const d = distanceArg(argv[4]!, argv[5]!);
      if (isErr(d)) return d;
      [shape.radius, shape.conversion] = d;
    } else if (kind === 'member') {
      base = 5;
      // Without a source key the member and radius go unchecked: the reply is empty anyway.
      if (z) {
        const xy = memberPosition(z, argv[2]!);
        if (!xy) return ERR_DECODE;
        shape.xy = xy;
        const d = distanceArg(argv[3]!, argv[4]!);
        if (isErr(d)) return d;
        [shape.radius, shape.conversion] = d;
      }
    } else {
      base = 2;
      if (opts.store) {
        base = 3;
        storeKey = argv[1]!;
      }
    }

    let withDist = false, withHash = false, withCoords = false;
    let fromMember = false, fromLoc = false, byRadius = false, byBox = false;
    let sort: 'none' | 'asc' | 'desc' = 'none';
    let any = false;
    let count = 0;
    const remaining = argv.length - base;
    for (let i = 0; i < remaining; i++) {
      const at = base + i;
      const arg = cstr(argv[at]!);
      if (arg === 'withdist') withDist = true;
      else if (arg === 'withhash') withHash = true;
      else if (arg === 'withcoord') withCoords = true;
      else if (arg === 'any') any = true;
      else if (arg === 'asc') sort = 'asc';
      else if (arg === 'desc') sort = 'desc';
      else if (arg === 'count' && i + 1 < remaining) {
        const n = parseInt64(argv[at + 1]!);
        if (n === null) return ERR_NOT_INTEGER;
        if (n <= 0n) return error('ERR COUNT must be > 0');
        count = Number(n);
        i++;
      } else if ((arg === 'store' || arg === 'storedist') && i + 1 < remaining && !opts.noStore && !search) {
        storeKey = argv[at + 1]!;
        storeDist = arg === 'storedist';
        i++;
      } else if (arg === 'storedist' && search && opts.store) {
        storeDist = true;
      } else if (arg === 'frommember' && i + 1 < remaining && search && !fromLoc) {
        if (z) {
          const xy = memberPosition(z, argv[at + 1]!);
          if (!xy) return ERR_DECODE;
          shape.xy = xy;
        }
        fromMember = true;
        i++;
      } else if (arg === 'fromlonlat' && i + 2 < remaining && search && !fromMember) {
        const xy = longLatArg(argv[at + 1]!, argv[at + 2]!);
        if (isErr(xy)) return xy;
        shape.xy = xy;
        fromLoc = true;
        i += 2;
      } else if (arg === 'byradius' && i + 2 < remaining && search && !byBox) {
        const d = distanceArg(argv[at + 1]!, argv[at + 2]!);
        if (isErr(d)) return d;
        [shape.radius, shape.conversion] = d;
        shape.type = 'circle';
        byRadius = true;
        i += 2;
      } else if (arg === 'bybox' && i + 3 < remaining && search && !byRadius) {
        const b = boxArg(argv[at + 1]!, argv[at + 2]!, argv[at + 3]!);
        if (isErr(b)) return b;
        [shape.width, shape.height, shape.conversion] = b;
        shape.type = 'box';
        byBox = true;
        i += 3;
      } else {
        return ERR_SYNTAX;
      }
    }

    if (storeKey && (withDist || withHash || withCoords)) {
      return error(`ERR ${opts.store ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
    }
    if (search && !(fromMember || fromLoc)) return error(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${s(argv[0]!)}`);
    if (search && !(byRadius || byBox)) return error(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${s(argv[0]!)}`);
    if (any && !count) return error('ERR the ANY argument requires COUNT argument');

    if (!z) {
      if (storeKey) {
        if (ctx.db.delete(storeKey)) notify(ctx, Notify.generic, 'del', storeKey);
        return ZERO;
      }
      return EMPTY_ARRAY;
    }
    if (count !== 0 && sort === 'none' && !any) sort = 'asc';

    const points = pointsInShape(z, shape, any ? count : 0);
    if (points.length === 0 && !storeKey) return EMPTY_ARRAY;
    const total = points.length;
    const returned = count === 0 || total < count ? total : count;
    if (sort !== 'none') {
      const cmp = sort === 'asc' ? sortAsc : sortDesc;
      if (returned === total) mergeSort(points, cmp);
      else partialQuickSort(points, cmp, 0, returned - 1);
    }

    if (!storeKey) {
      const items: Reply[] = [];
      const withAny = withDist || withHash || withCoords;
      for (let i = 0; i < returned; i++) {
        const p = points[i]!;
        const dist = p.dist / shape.conversion;
        const name = bulk(Buffer.from(p.member, 'latin1'));
        if (!withAny) {
          items.push(name);
          continue;
        }
        const item: Reply[] = [name];
        if (withDist) item.push(bulk(distanceText(dist)));
        if (withHash) item.push(int(scoreAsLongLong(p.score)));
        if (withCoords) item.push(array([humanDouble(ctx, p.lon), humanDouble(ctx, p.lat)]));
        items.push(array(item));
      }
      return array(items);
    }

    if (returned === 0) {
      if (ctx.db.delete(storeKey)) notify(ctx, Notify.generic, 'del', storeKey);
      return ZERO;
    }
    const out = new ZSet();
    for (let i = 0; i < returned; i++) {
      const p = points[i]!;
      out.insert(p.member, storeDist ? p.dist / shape.conversion : p.score);
    }
    ctx.db.set(storeKey, { type: 'zset', zset: out });
    notify(ctx, Notify.zset, search ? 'geosearchstore' : 'georadiusstore', storeKey);
    return int(returned);
  };
}

/** (long long) of a score found by a search (scores there are below 2^53). */
function scoreAsLongLong(score: number): number | bigint {
  const t = Math.trunc(score);
  return Number.isSafeInteger(t) ? t : BigInt(t);
}

// ---------------------------------------------------------------- the table

const one = { firstKey: 1, lastKey: 1, keyStep: 1, group: 'geo' } as const;

/** GEORADIUS[BYMEMBER]: the source, and the last STORE/STOREDIST destination (georadiusGetKeys). */
function georadiusKeys(argv: readonly Buffer[]): number[] {
  let stored = -1;
  for (let i = 5; i < argv.length; i++) {
    const arg = cstr(argv[i]!);
    if ((arg === 'store' || arg === 'storedist') && i + 1 < argv.length) {
      stored = i + 1;
      i++;
    }
  }
  return stored === -1 ? [1] : [1, stored];
}

const SEARCH_COMPLEXITY = 'O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape';
const RADIUS_COMPLEXITY = 'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.';

export const geoCommands: readonly StoreCommand[] = [
  { ...one, name: 'geoadd', arity: -5, flags: ['write', 'denyoom'], summary: 'Add one or more geospatial items in the geospatial index represented using a sorted set', since: '3.2.0', complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.', handler: geoadd },
  { ...one, name: 'geodist', arity: -4, flags: ['readonly'], summary: 'Returns the distance between two members of a geospatial index', since: '3.2.0', complexity: 'O(log(N))', handler: geodist },
  { ...one, name: 'geohash', arity: -2, flags: ['readonly'], summary: 'Returns members of a geospatial index as standard geohash strings', since: '3.2.0', complexity: 'O(log(N)) for each member requested, where N is the number of elements in the sorted set.', handler: geohash },
  { ...one, name: 'geopos', arity: -2, flags: ['readonly'], summary: 'Returns longitude and latitude of members of a geospatial index', since: '3.2.0', complexity: 'O(N) where N is the number of members requested.', handler: geopos },
  { ...one, name: 'georadius', arity: -6, flags: ['write', 'denyoom', 'movablekeys'], getKeys: georadiusKeys, summary: 'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point', since: '3.2.0', complexity: RADIUS_COMPLEXITY, handler: georadius('coords') },
  { ...one, name: 'georadiusbymember', arity: -5, flags: ['write', 'denyoom', 'movablekeys'], getKeys: georadiusKeys, summary: 'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member', since: '3.2.0', complexity: RADIUS_COMPLEXITY, handler: georadius('member') },
  { ...one, name: 'georadius_ro', arity: -6, flags: ['readonly'], summary: 'A read-only variant for GEORADIUS', since: '3.2.10', complexity: RADIUS_COMPLEXITY, handler: georadius('coords', { noStore: true }) },
  { ...one, name: 'georadiusbymember_ro', arity: -5, flags: ['readonly'], summary: 'A read-only variant for GEORADIUSBYMEMBER', since: '3.2.10', complexity: RADIUS_COMPLEXITY, handler: georadius('member', { noStore: true }) },
  { ...one, name: 'geosearch', arity: -7, flags: ['readonly'], summary: 'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.', since: '6.2.0', complexity: SEARCH_COMPLEXITY, handler: georadius('search') },
  { ...one, lastKey: 2, name: 'geosearchstore', arity: -8, flags: ['write', 'denyoom'], summary: 'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.', since: '6.2.0', complexity: SEARCH_COMPLEXITY, handler: georadius('search', { store: true }) },
];
