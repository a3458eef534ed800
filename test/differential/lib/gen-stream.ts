// Stream cases for the differential test: XADD with explicit and `ms-*` ids
// (never `*`: the two servers' clocks differ), MAXLEN/MINID trimming with =,
// ~ and LIMIT over entries big and small (so nodes split on both the entry
// count and the byte size, as approximate trimming depends on), XRANGE and
// XREVRANGE with exclusive bounds, XREAD, consumer groups (XGROUP,
// XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM), XINFO, XSETID; wrong
// types, bad ids and the boundary ids 0-0 and 2^64-1-2^64-1.
//
// Idle and delivery times are never compared (sameStreamReply masks them),
// and min-idle thresholds are 0 or far above any idle time a test run can
// reach, so both servers take the same branches. XADD ids come from a
// module clock that only moves forward, so most appends succeed. A `<ms>-*`
// id never follows a last id whose sequence is 2^64-1 in the same ms:
// Redis then answers from a stale errno (see t-stream.ts).
type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const SKEYS = ['sa', 'sb', 'sa', 'sb', '{t}s'];
const MAX = '18446744073709551615';
const GROUPS = ['g1', 'g2', 'g1', 'nog'];
const CONSUMERS = ['c1', 'c2', 'c3', 'c1'];
const FIELDS = ['f', 'g', 'h', '1', '-5', '', 'field'];
const SMALL = ['v', '', '0', '1', '-1', '123', '-4096', '70000', '9223372036854775807', '-9223372036854775808', '9223372036854775808',
  '007', '-0', 'hello world', '\x00\xff\r\n'];
const MIN_IDLE = ['0', '0', '0', '3600000', '9999999999999', '-5', 'x'];

/** ms of the next XADD id: only moves forward, so appends mostly succeed. */
let clock = 1000;

function value(r: Rng): string {
  const x = r();
  if (x < 0.85) return pick(r, SMALL);
  const len = pick(r, [60, 64, 200, 1000, 2500, 4000, 5000]);
  return String.fromCharCode(97 + Math.floor(r() * 26)).repeat(len);
}

function fieldValues(r: Rng): string[] {
  const out: string[] = [];
  const sameAsUsual = r() < 0.6;
  const n = sameAsUsual ? 2 : 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) out.push(sameAsUsual ? ['f', 'g'][i]! : pick(r, FIELDS), value(r));
  return out;
}

/** An id for XADD. */
function addId(r: Rng): string {
  const x = r();
  if (x < 0.5) {
    clock += Math.floor(r() * 3);
    return `${clock}-*`;
  }
  if (x < 0.75) {
    clock += 1 + Math.floor(r() * 2);
    return r() < 0.5 ? `${clock}` : `${clock}-${Math.floor(r() * 5)}`;
  }
  if (x < 0.82) return `${clock - Math.floor(r() * 20)}-${Math.floor(r() * 3)}`; // often too small
  if (x < 0.998) return pick(r, ['0-0', '0-*', '0-1', '0', `${MAX}0`, 'x', '1-x', '-', '+', '-1', ' 5', '+5', '007-1', '1--0', '5-+3']);
  return pick(r, [`${MAX}-${MAX}`, `${MAX}-0`, `${MAX}-*`]); // the last ids: appends then fail until the key goes
}

/** An id for ranges, deletes, groups. */
function someId(r: Rng): string {
  const x = r();
  const back = Math.floor(r() * 60);
  if (x < 0.35) return `${Math.max(0, clock - back)}-${Math.floor(r() * 3)}`;
  if (x < 0.55) return `${Math.max(0, clock - back)}`;
  if (x < 0.65) return `(${Math.max(0, clock - back)}-${Math.floor(r() * 3)}`;
  return pick(r, ['-', '+', '0', '0-0', '0-1', `${MAX}-${MAX}`, `(${MAX}-${MAX}`, '(0-0', '(-', '(+', '(', 'x', '1-x', '-1', ' 7', '+3',
    '1-', `${MAX}1`, `${MAX}-0`, '(5', `${clock + 100}`]);
}

const strictId = (r: Rng) => { const id = someId(r); return id.startsWith('(') ? id.slice(1) || '0' : id; };

function trimArgs(r: Rng): string[] {
  const out: string[] = [];
  const kind = pick(r, ['MAXLEN', 'MINID', 'maxlen']);
  out.push(kind);
  const mode = r();
  if (mode < 0.35) out.push('~');
  else if (mode < 0.5) out.push('=');
  if (kind === 'MINID') out.push(r() < 0.9 ? `${Math.max(0, clock - Math.floor(r() * 250))}` : pick(r, ['-', 'x', '0']));
  else out.push(pick(r, ['0', '1', '5', '20', '50', '99', '100', '101', '150', '250', '-1', 'x', '~']));
  if (r() < (mode < 0.35 ? 0.4 : 0.05)) out.push('LIMIT', pick(r, ['0', '1', '50', '100', '200', '-1', 'x']));
  return out;
}

function skey(r: Rng, k: () => string): string {
  return r() < 0.85 ? pick(r, SKEYS) : k();
}

export function streamCommand(r: Rng, k: () => string): string[] {
  const key = skey(r, k);
  const n = Math.floor(r() * 40);
  if (n < 12) {
    // XADD: the bulk of the mix, so streams grow past a node (100 entries / 4 KB).
    const argv = ['XADD', key];
    if (r() < 0.05) argv.push('NOMKSTREAM');
    if (r() < 0.25) argv.push(...trimArgs(r));
    if (r() < 0.03) argv.push('LIMIT', '10');
    argv.push(addId(r), ...fieldValues(r));
    if (r() < 0.03) argv.pop(); // odd number of field arguments
    return argv;
  }
  switch (n) {
    case 12: case 13: {
      const argv = [pick(r, ['XRANGE', 'XREVRANGE']), key, someId(r), someId(r)];
      if (r() < 0.5) argv.push('COUNT', pick(r, ['0', '1', '3', '10', '-1', 'x']));
      if (r() < 0.05) argv.push(pick(r, ['COUNT', 'BAD']));
      return argv;
    }
    case 14: return [pick(r, ['XRANGE', 'XREVRANGE']), key, pick(r, ['-', '+']), pick(r, ['+', '-'])];
    case 15: return ['XLEN', key];
    case 16: return ['XDEL', key, strictId(r), ...(r() < 0.5 ? [strictId(r)] : [])];
    case 17: return ['XTRIM', key, ...(r() < 0.1 ? [pick(r, ['LIMIT', 'FOO', 'NOMKSTREAM'])] : trimArgs(r))];
    case 18: case 19: {
      const argv = ['XREAD'];
      if (r() < 0.4) argv.push('COUNT', pick(r, ['1', '2', '5', '0', '-1', 'x']));
      if (r() < 0.1) argv.push('BLOCK', pick(r, ['1', '2', '-1', 'x']));
      if (r() < 0.05) argv.push(pick(r, ['NOACK', 'GROUP']));
      const keys = r() < 0.3 ? [key, skey(r, k)] : [key];
      argv.push('STREAMS', ...keys, ...keys.map(() => (r() < 0.2 ? '$' : r() < 0.1 ? '>' : strictId(r))));
      if (r() < 0.03) argv.pop();
      return argv;
    }
    case 20: case 21: {
      // XGROUP CREATE / SETID
      const sub = pick(r, ['CREATE', 'CREATE', 'SETID', 'create']);
      const argv = ['XGROUP', sub, key, pick(r, GROUPS), r() < 0.3 ? '$' : strictId(r)];
      if (sub !== 'SETID' && r() < 0.4) argv.push('MKSTREAM');
      if (r() < 0.2) argv.push('ENTRIESREAD', pick(r, ['0', '3', '-1', '-2', 'x', '100']));
      if (r() < 0.03) argv.push('BOGUS');
      return argv;
    }
    case 22: {
      const sub = pick(r, ['DESTROY', 'CREATECONSUMER', 'DELCONSUMER', 'HELP', 'NOPE', 'destroy']);
      if (sub === 'HELP') return r() < 0.8 ? ['XGROUP', 'HELP'] : ['XGROUP', 'HELP', 'x'];
      if (sub === 'NOPE') return ['XGROUP', 'NOPE', key];
      if (sub.toUpperCase() === 'DESTROY') return ['XGROUP', sub, key, pick(r, GROUPS), ...(r() < 0.05 ? ['x'] : [])];
      return ['XGROUP', sub, key, pick(r, GROUPS), pick(r, CONSUMERS)];
    }
    case 23: case 24: case 25: case 26: {
      const argv = ['XREADGROUP', 'GROUP', pick(r, GROUPS), pick(r, CONSUMERS)];
      if (r() < 0.5) argv.push('COUNT', pick(r, ['1', '2', '3', '10', '0', 'x']));
      if (r() < 0.15) argv.push('NOACK');
      if (r() < 0.08) argv.push('BLOCK', pick(r, ['1', '2', '-1']));
      const keys = r() < 0.2 ? [key, skey(r, k)] : [key];
      argv.push('STREAMS', ...keys, ...keys.map(() => (r() < 0.65 ? '>' : r() < 0.1 ? '$' : strictId(r))));
      return argv;
    }
    case 27: case 28: return ['XACK', key, pick(r, GROUPS), strictId(r), ...(r() < 0.5 ? [strictId(r), strictId(r)] : [])];
    case 29: return ['XPENDING', key, pick(r, GROUPS)];
    case 30: case 31: {
      const argv = ['XPENDING', key, pick(r, GROUPS)];
      if (r() < 0.3) argv.push('IDLE', pick(r, MIN_IDLE));
      argv.push(someId(r), someId(r), pick(r, ['10', '1', '3', '0', '-1', 'x']));
      if (r() < 0.4) argv.push(pick(r, CONSUMERS));
      if (r() < 0.05) argv.push('extra');
      return argv;
    }
    case 32: case 33: {
      const argv = ['XCLAIM', key, pick(r, GROUPS), pick(r, CONSUMERS), pick(r, MIN_IDLE), strictId(r)];
      if (r() < 0.5) argv.push(strictId(r));
      for (const opt of ['IDLE', 'TIME', 'RETRYCOUNT', 'FORCE', 'JUSTID', 'LASTID']) {
        if (r() >= 0.15) continue;
        if (opt === 'IDLE') argv.push(opt, pick(r, ['0', '5000000', '-1', 'x']));
        else if (opt === 'TIME') argv.push(opt, pick(r, ['0', '1000', '-1', '99999999999999', 'x']));
        else if (opt === 'RETRYCOUNT') argv.push(opt, pick(r, ['0', '5', '-1', 'x', '9223372036854775807']));
        else if (opt === 'LASTID') argv.push(opt, strictId(r));
        else argv.push(opt);
      }
      if (r() < 0.03) argv.push('BOGUS');
      return argv;
    }
    case 34: {
      const argv = ['XAUTOCLAIM', key, pick(r, GROUPS), pick(r, CONSUMERS), pick(r, MIN_IDLE), someId(r)];
      if (r() < 0.5) argv.push('COUNT', pick(r, ['1', '2', '5', '100', '0', '-1', 'x']));
      if (r() < 0.3) argv.push('JUSTID');
      if (r() < 0.03) argv.push('BOGUS');
      return argv;
    }
    case 35: {
      const argv = ['XINFO', 'STREAM', key];
      if (r() < 0.4) argv.push('FULL');
      if (r() < 0.2) argv.push('COUNT', pick(r, ['0', '1', '3', '-1', 'x']));
      return argv;
    }
    case 36: return r() < 0.5 ? ['XINFO', 'GROUPS', key] : ['XINFO', 'CONSUMERS', key, pick(r, GROUPS)];
    case 37: return pick(r, [['XINFO', 'HELP'], ['XINFO', 'NOPE', key], ['XINFO', 'GROUPS'], ['XINFO'], ['XGROUP'], ['XINFO', 'HELP', 'x']]);
    case 38: {
      const argv = ['XSETID', key, r() < 0.95 ? `${clock + Math.floor(r() * 3) - 1}-${Math.floor(r() * 3)}` : strictId(r)];
      if (r() < 0.3) argv.push('ENTRIESADDED', pick(r, ['0', '5', '1000', '-1', 'x']));
      if (r() < 0.3) argv.push('MAXDELETEDID', strictId(r));
      return argv;
    }
    default: return r() < 0.7 ? ['DEL', key] : ['TYPE', key];
  }
}

/**
 * Idle and delivery times differ between the servers: XPENDING's idle,
 * XINFO CONSUMERS' idle and XINFO STREAM FULL's seen-time and delivery
 * times are masked before comparing.
 */
export function sameStreamReply(argv: Buffer[], ours: Buffer, theirs: Buffer): boolean {
  const cmd = argv[0]!.toString('latin1').toUpperCase();
  if (cmd !== 'XPENDING' && cmd !== 'XINFO') return false;
  const mask = (b: Buffer) => b.toString('latin1')
    .replace(/(\*4\r\n\$\d+\r\n\d+-\d+\r\n\$\d+\r\n[^\r]*\r\n):-?\d+\r\n/g, '$1:T\r\n')
    .replace(/(\*3\r\n\$\d+\r\n\d+-\d+\r\n):-?\d+\r\n(:-?\d+\r\n)/g, '$1:T\r\n$2')
    .replace(/(\$4\r\nidle\r\n):\d+/g, '$1:T')
    .replace(/(\$9\r\nseen-time\r\n):\d+/g, '$1:T');
  return mask(ours) === mask(theirs);
}
