// Geohashes the way Redis 7.0 computes them (geohash.c, geohash_helper.c):
// latitude and longitude interleaved into 52 bits (26 steps each) over
// Redis's own ranges (latitude limited to the Web Mercator +-85.05112878),
// cell centres for decoding, haversine distances on a sphere, and the
// "centre cell plus 8 neighbours" cover of a search area.
//
// Every floating point step keeps Redis's order of operations so the
// doubles come out bit for bit as they do in C. Hashes are unsigned 64-bit
// integers: BigInt where a query needs a few of them, a pair of 32-bit
// halves on the per-member decoding path.

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

/** Haversine sphere radius, metres. */
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;

const U64 = (1n << 64n) - 1n;
const EVEN = 0x5555555555555555n;
const ODD = 0xaaaaaaaaaaaaaaaan;
const TWO32 = 4294967296;
const TWO63 = 9223372036854775808;

export interface GeoRange {
  min: number;
  max: number;
}

/** A hash of `step` bits per coordinate (2 * step bits in all). */
export interface GeoHashBits {
  bits: bigint;
  step: number;
}

export interface GeoArea {
  hash: GeoHashBits;
  longitude: GeoRange;
  latitude: GeoRange;
}

export interface GeoNeighbors {
  north: GeoHashBits;
  east: GeoHashBits;
  west: GeoHashBits;
  south: GeoHashBits;
  northEast: GeoHashBits;
  southEast: GeoHashBits;
  northWest: GeoHashBits;
  southWest: GeoHashBits;
}

/** A search area: a circle (radius) or an axis-aligned box (width x height), in `conversion` units of metres. */
export interface GeoShape {
  type: 'circle' | 'box';
  /** Centre: longitude, latitude. */
  xy: [number, number];
  /** Metres per unit. */
  conversion: number;
  radius: number;
  width: number;
  height: number;
  /** min lon, min lat, max lon, max lat; filled by the area calculation. */
  bounds: [number, number, number, number];
}

export const LONG_RANGE: GeoRange = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
export const LAT_RANGE: GeoRange = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };
/** The ranges standard geohash strings use. */
export const STANDARD_LONG_RANGE: GeoRange = { min: -180, max: 180 };
export const STANDARD_LAT_RANGE: GeoRange = { min: -90, max: 90 };

const degRad = (ang: number) => ang * D_R;
const radDeg = (ang: number) => ang / D_R;

// ---------------------------------------------------------------- bit interleaving

/** The low 16 bits of x spread to the even bit positions of a 32-bit word. */
function spread16(x: number): number {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x;
}

/** The even bits of a 32-bit word gathered into 16 bits. */
function compact16(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

/** x's bits at the even positions, y's at the odd ones (x and y are uint32). */
function interleave64(x: number, y: number): bigint {
  const lo = (spread16(x) | (spread16(y) << 1)) >>> 0;
  const hi = (spread16(x >>> 16) | (spread16(y >>> 16) << 1)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** C's conversion of a double to uint32_t where the value is known to fit (truncation). */
const toU32 = (d: number) => Math.trunc(d) >>> 0;

// ---------------------------------------------------------------- encode / decode

/** geohashEncode: null where Redis returns 0 (outside the ranges, bad step). */
export function geohashEncode(longRange: GeoRange, latRange: GeoRange, longitude: number, latitude: number, step: number): GeoHashBits | null {
  if (step > 32 || step === 0) return null;
  if ((latRange.max === 0 && latRange.min === 0) || (longRange.max === 0 && longRange.min === 0)) return null;
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return null;
  if (latitude < latRange.min || latitude > latRange.max || longitude < longRange.min || longitude > longRange.max) return null;
  let latOffset = (latitude - latRange.min) / (latRange.max - latRange.min);
  let longOffset = (longitude - longRange.min) / (longRange.max - longRange.min);
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  return { bits: interleave64(toU32(latOffset), toU32(longOffset)), step };
}

/** The cell of (ilato, ilono) at `step` (geohashDecode after deinterleaving). */
function areaOf(longRange: GeoRange, latRange: GeoRange, ilato: number, ilono: number, step: number, hash: GeoHashBits | null): GeoArea {
  const latScale = latRange.max - latRange.min;
  const longScale = longRange.max - longRange.min;
  const div = 2 ** step;
  // (ilato + 1) is uint32 arithmetic in C: it wraps to 0.
  return {
    hash: hash ?? { bits: 0n, step },
    latitude: {
      min: latRange.min + (ilato * 1.0 / div) * latScale,
      max: latRange.min + (((ilato + 1) >>> 0) * 1.0 / div) * latScale,
    },
    longitude: {
      min: longRange.min + (ilono * 1.0 / div) * longScale,
      max: longRange.min + (((ilono + 1) >>> 0) * 1.0 / div) * longScale,
    },
  };
}

/** geohashDecode: null for the zero hash (bits and step both 0). */
export function geohashDecode(longRange: GeoRange, latRange: GeoRange, hash: GeoHashBits): GeoArea | null {
  if (hash.bits === 0n && hash.step === 0) return null;
  const lo = Number(hash.bits & 0xffffffffn), hi = Number((hash.bits >> 32n) & 0xffffffffn);
  const ilato = ((compact16(hi) << 16) | compact16(lo)) >>> 0;
  const ilono = ((compact16(hi >>> 1) << 16) | compact16(lo >>> 1)) >>> 0;
  return areaOf(longRange, latRange, ilato, ilono, hash.step, hash);
}

/** The cell centre, clamped to the valid ranges (geohashDecodeAreaToLongLat). */
function areaCentre(area: GeoArea): [number, number] {
  let lon = (area.longitude.min + area.longitude.max) / 2;
  if (lon > GEO_LONG_MAX) lon = GEO_LONG_MAX;
  if (lon < GEO_LONG_MIN) lon = GEO_LONG_MIN;
  let lat = (area.latitude.min + area.latitude.max) / 2;
  if (lat > GEO_LAT_MAX) lat = GEO_LAT_MAX;
  if (lat < GEO_LAT_MIN) lat = GEO_LAT_MIN;
  return [lon, lat];
}

/**
 * C's (uint64_t) conversion of a double as x86-64 code does it (cvttsd2si,
 * with 2^63 subtracted first for big values): out of range, negative
 * infinity and NaN give 2^63; +inf and 2^64 and up give 0; negative values
 * wrap. Returned as two uint32 halves.
 */
export function doubleToU64(d: number): [hi: number, lo: number] {
  if (d >= 0 && d < 9007199254740992) {
    const t = Math.trunc(d);
    const hi = Math.floor(t / TWO32);
    return [hi >>> 0, (t - hi * TWO32) >>> 0];
  }
  let v: bigint;
  if (d < TWO63) {
    // Also NaN, which fails every comparison.
    const t = Math.trunc(d);
    v = Number.isNaN(d) || t < -TWO63 ? 1n << 63n : BigInt.asUintN(64, BigInt(t));
  } else {
    const t = d - TWO63;
    v = t >= TWO63 ? 0n : (BigInt(Math.trunc(t)) | (1n << 63n)) & U64;
  }
  return [Number(v >> 32n), Number(v & 0xffffffffn)];
}

/** decodeGeohash: a sorted set score read as a 26-step hash, to (longitude, latitude). Never fails. */
export function decodeScore(score: number): [number, number] {
  const [hi, lo] = doubleToU64(score);
  const ilato = ((compact16(hi) << 16) | compact16(lo)) >>> 0;
  const ilono = ((compact16(hi >>> 1) << 16) | compact16(lo >>> 1)) >>> 0;
  return areaCentre(areaOf(LONG_RANGE, LAT_RANGE, ilato, ilono, GEO_STEP_MAX, null));
}

/** geohashAlign52Bits: the hash as a 52-bit score. */
export function align52(hash: GeoHashBits): bigint {
  return (hash.bits << BigInt(52 - hash.step * 2)) & U64;
}

/** The score GEOADD gives a position: the 26-step hash as an integer (null if out of range). */
export function encodeScore(longitude: number, latitude: number): bigint | null {
  const h = geohashEncode(LONG_RANGE, LAT_RANGE, longitude, latitude, GEO_STEP_MAX);
  return h ? align52(h) : null;
}

// ---------------------------------------------------------------- neighbours

function moveX(hash: GeoHashBits, d: number): GeoHashBits {
  if (d === 0) return hash;
  let x = hash.bits & ODD;
  const y = hash.bits & EVEN;
  const shift = BigInt(64 - hash.step * 2);
  const zz = EVEN >> shift;
  if (d > 0) x = (x + (zz + 1n)) & U64;
  else {
    x |= zz;
    x = (x - (zz + 1n)) & U64;
  }
  x &= ODD >> shift;
  return { bits: x | y, step: hash.step };
}

function moveY(hash: GeoHashBits, d: number): GeoHashBits {
  if (d === 0) return hash;
  const x = hash.bits & ODD;
  let y = hash.bits & EVEN;
  const shift = BigInt(64 - hash.step * 2);
  const zz = ODD >> shift;
  if (d > 0) y = (y + (zz + 1n)) & U64;
  else {
    y |= zz;
    y = (y - (zz + 1n)) & U64;
  }
  y &= EVEN >> shift;
  return { bits: x | y, step: hash.step };
}

export function geohashNeighbors(hash: GeoHashBits): GeoNeighbors {
  const at = (dx: number, dy: number) => moveY(moveX(hash, dx), dy);
  return {
    east: at(1, 0),
    west: at(-1, 0),
    south: at(0, -1),
    north: at(0, 1),
    northWest: at(-1, 1),
    northEast: at(1, 1),
    southEast: at(1, -1),
    southWest: at(-1, -1),
  };
}

// ---------------------------------------------------------------- distances

/** geohashEstimateStepsByRadius. */
export function estimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** Distance along a meridian. */
export function latDistance(lat1d: number, lat2d: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
}

/** Haversine great circle distance in metres. */
export function geoDistance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/** geohashGetDistanceIfInRectangle: the distance from the box centre (x1, y1), or null when (x2, y2) is outside. */
function distanceIfInRectangle(widthM: number, heightM: number, x1: number, y1: number, x2: number, y2: number): number | null {
  const latDist = latDistance(y2, y1);
  if (latDist > heightM / 2) return null;
  const lonDist = geoDistance(x2, y2, x1, y2);
  if (lonDist > widthM / 2) return null;
  return geoDistance(x1, y1, x2, y2);
}

/** geoWithinShape: the distance in metres from the centre when (lon, lat) is inside, else null. */
export function distanceWithinShape(shape: GeoShape, lon: number, lat: number): number | null {
  if (shape.type === 'circle') {
    const d = geoDistance(shape.xy[0], shape.xy[1], lon, lat);
    return d > shape.radius * shape.conversion ? null : d;
  }
  return distanceIfInRectangle(shape.width * shape.conversion, shape.height * shape.conversion, shape.xy[0], shape.xy[1], lon, lat);
}

// ---------------------------------------------------------------- search areas

/** geohashBoundingBox: fills shape.bounds. */
function boundingBox(shape: GeoShape): void {
  const [longitude, latitude] = shape.xy;
  const height = shape.conversion * (shape.type === 'circle' ? shape.radius : shape.height / 2);
  const width = shape.conversion * (shape.type === 'circle' ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(latitude + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(latitude - latDelta)));
  const southern = latitude < 0;
  shape.bounds[0] = southern ? longitude - longDeltaBottom : longitude - longDeltaTop;
  shape.bounds[2] = southern ? longitude + longDeltaBottom : longitude + longDeltaTop;
  shape.bounds[1] = latitude - latDelta;
  shape.bounds[3] = latitude + latDelta;
}

const ZERO_HASH = (): GeoHashBits => ({ bits: 0n, step: 0 });
export const isZeroHash = (h: GeoHashBits) => h.bits === 0n && h.step === 0;

/**
 * geohashCalculateAreasByShapeWGS84: the cell holding the centre at a step
 * coarse enough for the shape, and its neighbours, with the ones the shape
 * cannot reach zeroed. In Redis's search order: centre, N, S, E, W, NE, NW, SE, SW.
 */
export function areasForShape(shape: GeoShape): GeoHashBits[] {
  boundingBox(shape);
  const [minLon, minLat, maxLon, maxLat] = shape.bounds;
  const [longitude, latitude] = shape.xy;
  let radiusMeters = shape.type === 'circle'
    ? shape.radius
    : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2));
  radiusMeters *= shape.conversion;

  let steps = estimateStepsByRadius(radiusMeters, latitude);
  // The centre is always a valid position here, so encoding succeeds.
  let hash = geohashEncode(LONG_RANGE, LAT_RANGE, longitude, latitude, steps)!;
  let n = geohashNeighbors(hash);
  let area = geohashDecode(LONG_RANGE, LAT_RANGE, hash)!;

  // Near the edge of the centre cell the estimated step may be too fine for a neighbour to cover the area.
  const north = geohashDecode(LONG_RANGE, LAT_RANGE, n.north)!;
  const south = geohashDecode(LONG_RANGE, LAT_RANGE, n.south)!;
  const east = geohashDecode(LONG_RANGE, LAT_RANGE, n.east)!;
  const west = geohashDecode(LONG_RANGE, LAT_RANGE, n.west)!;
  let decrease = false;
  if (north.latitude.max < maxLat) decrease = true;
  if (south.latitude.min > minLat) decrease = true;
  if (east.longitude.max < maxLon) decrease = true;
  if (west.longitude.min > minLon) decrease = true;

  if (steps > 1 && decrease) {
    steps--;
    hash = geohashEncode(LONG_RANGE, LAT_RANGE, longitude, latitude, steps)!;
    n = geohashNeighbors(hash);
    area = geohashDecode(LONG_RANGE, LAT_RANGE, hash)!;
  }

  if (steps >= 2) {
    if (area.latitude.min < minLat) {
      n.south = ZERO_HASH();
      n.southWest = ZERO_HASH();
      n.southEast = ZERO_HASH();
    }
    if (area.latitude.max > maxLat) {
      n.north = ZERO_HASH();
      n.northEast = ZERO_HASH();
      n.northWest = ZERO_HASH();
    }
    if (area.longitude.min < minLon) {
      n.west = ZERO_HASH();
      n.southWest = ZERO_HASH();
      n.northWest = ZERO_HASH();
    }
    if (area.longitude.max > maxLon) {
      n.east = ZERO_HASH();
      n.southEast = ZERO_HASH();
      n.northEast = ZERO_HASH();
    }
  }
  return [hash, n.north, n.south, n.east, n.west, n.northEast, n.northWest, n.southEast, n.southWest];
}

/** scoresOfGeoHashBox: the score interval [min, max) of the members inside a cell. */
export function scoresOfBox(hash: GeoHashBits): [number, number] {
  const min = align52(hash);
  const max = align52({ bits: (hash.bits + 1n) & U64, step: hash.step });
  return [Number(min), Number(max)];
}

// ---------------------------------------------------------------- text

const GEO_ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/** GEOHASH's 11-character string: the position re-encoded over the standard ranges (the 11th character is always '0'). */
export function standardGeohash(lon: number, lat: number): string {
  const h = geohashEncode(STANDARD_LONG_RANGE, STANDARD_LAT_RANGE, lon, lat, 26);
  const bits = h ? h.bits : 0n;
  let out = '';
  for (let i = 0; i < 11; i++) {
    const idx = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    out += GEO_ALPHABET[idx];
  }
  return out;
}
