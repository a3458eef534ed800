// Geo commands: Redis's documentation examples (Palermo, Catania, ...) with
// the replies redis-server 7.0 gives, the geohash arithmetic, number
// formatting, argument errors, STORE/STOREDIST and key extraction.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeReply } from '@redisraft-wasm/resp';
import { Store, commandKeys } from '../src/index.js';
import {
  GEO_LAT_MAX, GEO_LAT_MIN, GEO_STEP_MAX, LAT_RANGE, LONG_RANGE, align52, areasForShape, decodeScore, doubleToU64, encodeScore,
  estimateStepsByRadius, geoDistance, geohashDecode, geohashEncode, geohashNeighbors, scoresOfBox, standardGeohash, type GeoShape,
} from '../src/geohash.js';
import { distanceText, formatFixed } from '../src/t-geo.js';

const run = (s: Store, proto: 2 | 3, ...args: string[]) =>
  encodeReply(s.execute(args.map((a) => Buffer.from(a, 'latin1')), { nowMs: 1, seed: 7, resp: proto }), proto).toString('latin1');
const r2 = (s: Store, ...args: string[]) => run(s, 2, ...args);
const bulk = (x: string) => `$${x.length}\r\n${x}\r\n`;
const arr = (...items: string[]) => `*${items.length}\r\n${items.join('')}`;
const coords = (lon: string, lat: string) => arr(bulk(lon), bulk(lat));

const PALERMO = coords('13.36138933897018433', '38.11555639549629859');
const CATANIA = coords('15.08726745843887329', '37.50266842333162032');
const AGRIGENTO = coords('13.5833314061164856', '37.31666804993816555');

function sicily(): Store {
  const s = new Store();
  assert.is(r2(s, 'GEOADD', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'), ':2\r\n');
  return s;
}

test('GEOADD stores the 52-bit geohash as the score; GEODIST in every unit', () => {
  const s = sicily();
  assert.is(r2(s, 'ZSCORE', 'Sicily', 'Palermo'), bulk('3479099956230698'));
  assert.is(r2(s, 'TYPE', 'Sicily'), '+zset\r\n');
  assert.is(r2(s, 'GEODIST', 'Sicily', 'Palermo', 'Catania'), bulk('166274.1516'));
  assert.is(r2(s, 'GEODIST', 'Sicily', 'Palermo', 'Catania', 'km'), bulk('166.2742'));
  assert.is(r2(s, 'GEODIST', 'Sicily', 'Palermo', 'Catania', 'MI'), bulk('103.3182'));
  assert.is(r2(s, 'GEODIST', 'Sicily', 'Palermo', 'Catania', 'ft'), bulk('545518.8700'));
  assert.is(r2(s, 'GEODIST', 'Sicily', 'Palermo', 'Palermo'), bulk('0.0000'));
  assert.is(r2(s, 'GEODIST', 'Sicily', 'Foo', 'Bar'), '$-1\r\n');
  assert.is(r2(s, 'GEODIST', 'nokey', 'Foo', 'Bar'), '$-1\r\n');
  assert.is(r2(s, 'GEODIST', 'Sicily', 'Palermo', 'Catania', 'yd'), '-ERR unsupported unit provided. please use M, KM, FT, MI\r\n');
  assert.is(r2(s, 'GEODIST', 'Sicily', 'Palermo', 'Catania', 'km', 'x'), '-ERR syntax error\r\n');
});

test('GEOADD NX / XX / CH go through ZADD; coordinates are checked first', () => {
  const s = sicily();
  assert.is(r2(s, 'GEOADD', 'Sicily', 'NX', '1', '2', 'Palermo', '3', '4', 'New'), ':1\r\n');
  assert.is(r2(s, 'GEOPOS', 'Sicily', 'Palermo'), arr(PALERMO));
  assert.is(r2(s, 'GEOADD', 'Sicily', 'XX', 'CH', '13.583333', '37.316667', 'Palermo', '3', '4', 'Other'), ':1\r\n');
  assert.is(r2(s, 'GEOPOS', 'Sicily', 'Palermo'), arr(AGRIGENTO));
  assert.is(r2(s, 'ZCARD', 'Sicily'), ':3\r\n');
  assert.is(r2(s, 'GEOADD', 'Sicily', 'NX', 'XX', '1', '2', 'a'), '-ERR syntax error\r\n');
  assert.is(r2(s, 'GEOADD', 'Sicily', 'GT', '1', '2', 'a'), '-ERR syntax error\r\n');
  assert.is(r2(s, 'GEOADD', 'Sicily', '1', '2', 'a', '3'), '-ERR syntax error\r\n');
  assert.is(r2(s, 'GEOADD', 'Sicily', 'x', '2', 'a'), '-ERR value is not a valid float\r\n');
  assert.is(r2(s, 'GEOADD', 'Sicily', '180.5', '2', 'a'), '-ERR invalid longitude,latitude pair 180.500000,2.000000\r\n');
  assert.is(r2(s, 'GEOADD', 'Sicily', '0', '-85.05112879', 'a'), '-ERR invalid longitude,latitude pair 0.000000,-85.051129\r\n');
  assert.is(r2(s, 'GEOADD', 'Sicily', 'inf', '0', 'a'), '-ERR invalid longitude,latitude pair inf,0.000000\r\n');
  r2(s, 'SET', 'str', 'x');
  assert.is(r2(s, 'GEOADD', 'str', '1', '200', 'a'), '-ERR invalid longitude,latitude pair 1.000000,200.000000\r\n');
  assert.is(r2(s, 'GEOADD', 'str', '1', '2', 'a'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  // The limits themselves are valid; the cell past the edge decodes back clamped.
  assert.is(r2(s, 'GEOADD', 'lim', '180', '85.05112878', 'max', '-180', '-85.05112878', 'min'), ':2\r\n');
  assert.is(r2(s, 'GEOPOS', 'lim', 'max', 'min'), arr(coords('180', '85.0511287799999991'), coords('-179.99999731779098511', '-85.05112751263942528')));
});

test('GEOPOS and GEOHASH (RESP2 and RESP3); missing members', () => {
  const s = sicily();
  assert.is(r2(s, 'GEOPOS', 'Sicily', 'Palermo', 'Catania', 'NonExisting'), arr(PALERMO, CATANIA, '*-1\r\n'));
  assert.is(run(s, 3, 'GEOPOS', 'Sicily', 'Palermo', 'x'), '*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n');
  assert.is(r2(s, 'GEOPOS', 'nokey', 'a'), arr('*-1\r\n'));
  assert.is(r2(s, 'GEOHASH', 'Sicily', 'Palermo', 'Catania', 'x'), arr(bulk('sqc8b49rny0'), bulk('sqdtr74hyu0'), '$-1\r\n'));
  r2(s, 'SET', 'str', 'x');
  assert.is(r2(s, 'GEOHASH', 'str', 'a'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  // Scores that were never geohashes decode like C's (uint64_t) cast does it.
  r2(s, 'ZADD', 'w', '-1', 'neg', '1.5', 'frac', 'inf', 'inf');
  assert.is(r2(s, 'GEOPOS', 'w', 'neg', 'frac', 'inf'), arr(
    coords('180', '85.0511287799999991'),
    coords('-179.99999731779098511', '-85.05112497791824921'),
    coords('-179.99999731779098511', '-85.05112751263942528'),
  ));
});

test('GEORADIUS and GEORADIUSBYMEMBER: documentation examples, WITH* options, sorting and COUNT', () => {
  const s = sicily();
  assert.is(r2(s, 'GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHDIST'),
    arr(arr(bulk('Palermo'), bulk('190.4424')), arr(bulk('Catania'), bulk('56.4413'))));
  assert.is(r2(s, 'GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHCOORD'), arr(arr(bulk('Palermo'), PALERMO), arr(bulk('Catania'), CATANIA)));
  assert.is(r2(s, 'GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHDIST', 'WITHCOORD'),
    arr(arr(bulk('Palermo'), bulk('190.4424'), PALERMO), arr(bulk('Catania'), bulk('56.4413'), CATANIA)));
  assert.is(r2(s, 'GEORADIUSBYMEMBER', 'Sicily', 'Agrigento', '100', 'km'), '-ERR could not decode requested zset member\r\n');
  r2(s, 'GEOADD', 'Sicily', '13.583333', '37.316667', 'Agrigento');
  assert.is(r2(s, 'GEORADIUSBYMEMBER', 'Sicily', 'Agrigento', '100', 'km'), arr(bulk('Agrigento'), bulk('Palermo')));
  assert.is(r2(s, 'GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'DESC', 'COUNT', '2', 'WITHHASH'),
    arr(arr(bulk('Palermo'), ':3479099956230698\r\n'), arr(bulk('Agrigento'), ':3479030013248308\r\n')));
  assert.is(r2(s, 'GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '1'), arr(bulk('Catania')));
  assert.is(r2(s, 'GEORADIUS', 'Sicily', '15', '37', '1', 'm'), '*0\r\n');
  assert.is(r2(s, 'GEORADIUS', 'nokey', '15', '37', '1', 'm'), '*0\r\n');
  assert.is(r2(s, 'GEORADIUSBYMEMBER', 'nokey', 'x', '-1', 'parsec'), '*0\r\n'); // no key: member and radius go unchecked
  assert.is(r2(s, 'GEORADIUS_RO', 'Sicily', '15', '37', '200', 'km', 'ASC'), arr(bulk('Catania'), bulk('Agrigento'), bulk('Palermo')));
});

test('GEORADIUS argument errors, in Redis order', () => {
  const s = sicily();
  const e = (...args: string[]) => r2(s, 'GEORADIUS', 'Sicily', ...args);
  assert.is(e('15', '37', 'x', 'km'), '-ERR need numeric radius\r\n');
  assert.is(e('15', '37', '-1', 'km'), '-ERR radius cannot be negative\r\n');
  assert.is(e('15', '37', '1', 'kmz'), '-ERR unsupported unit provided. please use M, KM, FT, MI\r\n');
  assert.is(e('15', '95', 'x', 'kmz'), '-ERR invalid longitude,latitude pair 15.000000,95.000000\r\n');
  assert.is(e('15', '37', '1', 'km', 'COUNT', '0'), '-ERR COUNT must be > 0\r\n');
  assert.is(e('15', '37', '1', 'km', 'COUNT', 'x'), '-ERR value is not an integer or out of range\r\n');
  assert.is(e('15', '37', '1', 'km', 'COUNT'), '-ERR syntax error\r\n');
  assert.is(e('15', '37', '1', 'km', 'ANY'), '-ERR the ANY argument requires COUNT argument\r\n');
  assert.is(e('15', '37', '1', 'km', 'STORE', 'd', 'WITHDIST'), '-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n');
  assert.is(e('15', '37', '1', 'km', 'FROMMEMBER', 'Palermo'), '-ERR syntax error\r\n');
  assert.is(r2(s, 'GEORADIUS_RO', 'Sicily', '15', '37', '1', 'km', 'STORE', 'd'), '-ERR syntax error\r\n');
  r2(s, 'SET', 'str', 'x');
  assert.is(r2(s, 'GEORADIUS', 'str', '15', '95', '1', 'km'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
});

test('GEOSEARCH: FROMLONLAT / FROMMEMBER, BYRADIUS / BYBOX, and its errors', () => {
  const s = sicily();
  r2(s, 'GEOADD', 'Sicily', '13.583333', '37.316667', 'Agrigento', '12.758489', '38.788135', 'edge1', '17.241510', '38.788135', 'edge2');
  assert.is(r2(s, 'GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ASC'), arr(bulk('Catania'), bulk('Agrigento'), bulk('Palermo')));
  assert.is(r2(s, 'GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'ASC', 'WITHCOORD', 'WITHDIST'), arr(
    arr(bulk('Catania'), bulk('56.4413'), CATANIA),
    arr(bulk('Agrigento'), bulk('130.4235'), AGRIGENTO),
    arr(bulk('Palermo'), bulk('190.4424'), PALERMO),
    arr(bulk('edge2'), bulk('279.7403'), coords('17.24151045083999634', '38.78813451624225195')),
    arr(bulk('edge1'), bulk('279.7405'), coords('12.7584877610206604', '38.78813451624225195')),
  ));
  assert.is(r2(s, 'GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '0', 'm'), arr(bulk('Palermo')));
  const e = (...args: string[]) => r2(s, 'GEOSEARCH', 'Sicily', ...args);
  assert.is(e('BYRADIUS', '1', 'km', 'WITHDIST', 'ASC'), '-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH\r\n');
  assert.is(r2(s, 'geosearch', 'Sicily', 'FROMLONLAT', '1', '1', 'ASC', 'WITHDIST'), '-ERR exactly one of BYRADIUS and BYBOX can be specified for geosearch\r\n');
  assert.is(e('FROMMEMBER', 'Palermo', 'FROMLONLAT', '1', '1', 'BYRADIUS', '1', 'km'), '-ERR syntax error\r\n');
  assert.is(e('FROMMEMBER', 'Nope', 'BYRADIUS', '1', 'km'), '-ERR could not decode requested zset member\r\n');
  assert.is(e('FROMMEMBER', 'Palermo', 'BYBOX', '1', 'x', 'km'), '-ERR need numeric height\r\n');
  assert.is(e('FROMMEMBER', 'Palermo', 'BYBOX', 'x', '1', 'km'), '-ERR need numeric width\r\n');
  assert.is(e('FROMMEMBER', 'Palermo', 'BYBOX', '1', '-1', 'km'), '-ERR height or width cannot be negative\r\n');
  assert.is(e('FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'STOREDIST'), '-ERR syntax error\r\n');
  assert.is(r2(s, 'GEOSEARCH', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', '1', 'km'), '*0\r\n');
});

test('STORE / STOREDIST / GEOSEARCHSTORE write sorted sets (or delete the destination when nothing matches)', () => {
  const s = sicily();
  r2(s, 'GEOADD', 'Sicily', '13.583333', '37.316667', 'Agrigento', '12.758489', '38.788135', 'edge1', '17.241510', '38.788135', 'edge2');
  assert.is(r2(s, 'GEOSEARCHSTORE', 'key1', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'ASC', 'COUNT', '3'), ':3\r\n');
  assert.is(r2(s, 'GEOSEARCH', 'key1', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'ASC', 'WITHCOORD', 'WITHDIST', 'WITHHASH'), arr(
    arr(bulk('Catania'), bulk('56.4413'), ':3479447370796909\r\n', CATANIA),
    arr(bulk('Agrigento'), bulk('130.4235'), ':3479030013248308\r\n', AGRIGENTO),
    arr(bulk('Palermo'), bulk('190.4424'), ':3479099956230698\r\n', PALERMO),
  ));
  assert.is(r2(s, 'GEOSEARCHSTORE', 'key2', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'ASC', 'COUNT', '3', 'STOREDIST'), ':3\r\n');
  assert.is(r2(s, 'ZRANGE', 'key2', '0', '-1', 'WITHSCORES'),
    arr(bulk('Catania'), bulk('56.441257870158204'), bulk('Agrigento'), bulk('130.42348706714702'), bulk('Palermo'), bulk('190.44242984775784')));
  assert.is(r2(s, 'GEOSEARCHSTORE', 'key2', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km', 'WITHDIST'),
    '-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n');
  r2(s, 'SET', 'dst', 'x', 'EX', '100');
  assert.is(r2(s, 'GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'dst'), ':3\r\n');
  assert.is(r2(s, 'TTL', 'dst'), ':-1\r\n');
  assert.is(r2(s, 'ZRANGE', 'dst', '0', '-1', 'WITHSCORES'),
    arr(bulk('Agrigento'), bulk('3479030013248308'), bulk('Palermo'), bulk('3479099956230698'), bulk('Catania'), bulk('3479447370796909')));
  assert.is(r2(s, 'GEORADIUSBYMEMBER', 'Sicily', 'Palermo', '1', 'km', 'STOREDIST', 'dst'), ':1\r\n');
  assert.is(r2(s, 'ZRANGE', 'dst', '0', '-1', 'WITHSCORES'), arr(bulk('Palermo'), bulk('0')));
  assert.is(r2(s, 'GEORADIUS', 'Sicily', '0', '0', '1', 'km', 'STORE', 'dst'), ':0\r\n');
  assert.is(r2(s, 'EXISTS', 'dst'), ':0\r\n');
  r2(s, 'SET', 'dst', 'x');
  assert.is(r2(s, 'GEOSEARCHSTORE', 'dst', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', '1', 'km'), ':0\r\n');
  assert.is(r2(s, 'EXISTS', 'dst'), ':0\r\n');
  assert.is(r2(s, 'GEORADIUS_RO', 'Sicily', '15', '37', '200', 'km', 'STORE', 'dst'), '-ERR syntax error\r\n');
});

test('COUNT with ties: the partial sort returns the nearest members, in order of distance', () => {
  const s = new Store();
  const args = ['GEOADD', 'big'];
  for (let i = 0; i < 300; i++) {
    const [lon, lat] = i % 4 === 0 ? ['14.1', '37.6'] : [(13 + ((i * 7919) % 2000) / 1000).toFixed(5), (37 + ((i * 104729) % 1200) / 1000).toFixed(5)];
    args.push(lon!, lat!, `m${i}`);
  }
  r2(s, ...args);
  const dists = (reply: string) => [...reply.matchAll(/\$\d+\r\n([\d.]+)\r\n/g)].map((m) => Number(m[1]));
  const all = dists(r2(s, 'GEORADIUS', 'big', '14.1', '37.6', '300', 'km', 'ASC', 'WITHDIST'));
  assert.is(all.length, 300);
  for (const n of [1, 5, 41, 100, 299]) {
    const some = dists(r2(s, 'GEORADIUS', 'big', '14.1', '37.6', '300', 'km', 'COUNT', String(n), 'WITHDIST'));
    assert.equal(some, all.slice(0, n));
    const desc = dists(r2(s, 'GEORADIUS', 'big', '14.1', '37.6', '300', 'km', 'COUNT', String(n), 'DESC', 'WITHDIST'));
    assert.equal(desc, [...all].reverse().slice(0, n));
  }
  assert.is(r2(s, 'GEORADIUS', 'big', '14.1', '37.6', '300', 'km', 'COUNT', '3', 'ANY').split('\r\n')[0], '*3');
});

test('geohash: encoding, decoding to cell centres, neighbours, steps by radius', () => {
  const score = encodeScore(13.361389, 38.115556)!;
  assert.is(score, 3479099956230698n);
  const [lon, lat] = decodeScore(Number(score));
  assert.is(lon, 13.361389338970184);
  assert.is(lat, 38.1155563954963);
  assert.is(encodeScore(180.1, 0), null);
  assert.is(encodeScore(0, GEO_LAT_MAX + 1e-9), null);
  assert.is(encodeScore(-180, GEO_LAT_MIN), 0n);
  assert.is(standardGeohash(lon, lat), 'sqc8b49rny0');

  const h = geohashEncode(LONG_RANGE, LAT_RANGE, 13.361389, 38.115556, 10)!;
  const area = geohashDecode(LONG_RANGE, LAT_RANGE, h)!;
  const n = geohashNeighbors(h);
  const north = geohashDecode(LONG_RANGE, LAT_RANGE, n.north)!;
  const east = geohashDecode(LONG_RANGE, LAT_RANGE, n.east)!;
  assert.is(north.latitude.min, area.latitude.max);
  assert.is(north.longitude.min, area.longitude.min);
  assert.is(east.longitude.min, area.longitude.max);
  assert.is(east.latitude.min, area.latitude.min);
  assert.equal(scoresOfBox(h), [Number(align52(h)), Number(align52(h)) + 2 ** (52 - 20)]);

  assert.is(estimateStepsByRadius(0, 0), GEO_STEP_MAX);
  assert.is(estimateStepsByRadius(200000, 37), 6);
  assert.is(estimateStepsByRadius(200000, 70), 5);
  assert.is(estimateStepsByRadius(200000, 85), 4);
  assert.is(estimateStepsByRadius(1e9, 0), 1);
  const shape: GeoShape = { type: 'circle', xy: [15, 37], conversion: 1000, radius: 200, width: 0, height: 0, bounds: [0, 0, 0, 0] };
  const cells = areasForShape(shape);
  assert.is(cells.length, 9);
  assert.ok(cells.every((c) => c.step === cells[0]!.step || (c.bits === 0n && c.step === 0)));

  assert.is(geoDistance(13.361389338970184, 38.1155563954963, 13.361389338970184, 38.1155563954963), 0);
  assert.is(geoDistance(0, 10, 0, 20), geoDistance(0, 20, 0, 10));
});

test('(uint64_t) of a double as x86-64 converts it', () => {
  assert.equal(doubleToU64(1.5), [0, 1]);
  assert.equal(doubleToU64(2 ** 52 + 7), [2 ** 20, 7]);
  assert.equal(doubleToU64(-1), [0xffffffff, 0xffffffff]);
  assert.equal(doubleToU64(-Infinity), [0x80000000, 0]);
  assert.equal(doubleToU64(Infinity), [0, 0]);
  assert.equal(doubleToU64(2 ** 63), [0x80000000, 0]);
  assert.equal(doubleToU64(2 ** 64), [0, 0]);
  assert.equal(doubleToU64(1e19), [0x8ac72304, 0x89e80000]);
});

test('number text: %.4f distances (llrint ties to even), %f in errors', () => {
  assert.is(distanceText(0), '0.0000');
  assert.is(distanceText(1e-9), '0.0000');
  assert.is(distanceText(0.00005), '0.0000'); // 0.5 after scaling: ties to even
  assert.is(distanceText(0.00015), '0.0001'); // 1.4999999999999998 after scaling
  assert.is(distanceText(0.00025), '0.0002');
  assert.is(distanceText(12.5), '12.5000');
  assert.is(distanceText(166274.15156960033), '166274.1516');
  assert.is(distanceText(NaN), '-922337203685477.5808');
  assert.is(formatFixed(0.0078125, 6), '0.007812');
  assert.is(formatFixed(0.0078135, 6), '0.007813');
  assert.is(formatFixed(-0, 6), '-0.000000');
  assert.is(formatFixed(1e21, 2), '1000000000000000000000.00');
  assert.is(formatFixed(-Infinity, 6), '-inf');
});

test('command table: arity errors and key positions (GEORADIUS STORE keys move)', () => {
  const s = new Store();
  assert.is(r2(s, 'GEOADD', 'k', '1', '2'), "-ERR wrong number of arguments for 'geoadd' command\r\n");
  assert.is(r2(s, 'GEOSEARCH', 'k', 'FROMLONLAT', '1', '2', 'ASC'), "-ERR wrong number of arguments for 'geosearch' command\r\n");
  const keys = (...args: string[]) => commandKeys(s.spec(args[0]!.toLowerCase())!, args.map((a) => Buffer.from(a)));
  assert.equal(keys('GEORADIUS', 'src', '1', '2', '3', 'km'), [1]);
  assert.equal(keys('GEORADIUS', 'src', '1', '2', '3', 'km', 'STORE', 'a', 'storedist', 'b'), [1, 9]);
  assert.equal(keys('GEORADIUSBYMEMBER', 'src', 'm', '3', 'km', 'STORE', 'a'), [1, 6]);
  assert.equal(keys('GEOSEARCHSTORE', 'dst', 'src', 'FROMLONLAT', '1', '2', 'BYRADIUS', '1', 'km'), [1, 2]);
  assert.equal(keys('GEOPOS', 'k', 'a', 'b'), [1]);
  assert.ok(s.spec('georadius')!.flags.includes('write'));
  assert.ok(s.spec('georadius_ro')!.flags.includes('readonly'));
  assert.ok(s.spec('geosearchstore')!.flags.includes('write'));
});

test('read-only execution refuses GEORADIUS but serves GEORADIUS_RO and GEOSEARCH', () => {
  const s = sicily();
  const ro = (...args: string[]) => encodeReply(s.execute(args.map((a) => Buffer.from(a)), { nowMs: 2, seed: 1, readOnly: true }), 2).toString('latin1');
  assert.ok(ro('GEORADIUS', 'Sicily', '15', '37', '200', 'km').startsWith('-ERR'));
  assert.is(ro('GEORADIUS_RO', 'Sicily', '15', '37', '200', 'km', 'ASC'), arr(bulk('Catania'), bulk('Palermo')));
  assert.is(ro('GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Catania', 'BYRADIUS', '1', 'km'), arr(bulk('Catania')));
});

test.run();
