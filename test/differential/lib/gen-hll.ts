// HyperLogLog cases for the differential test: PFADD small and large (past
// hll-sparse-max-bytes, so sparse strings turn dense), PFCOUNT of 1-3 keys,
// PFMERGE, GET of the raw bytes, PFDEBUG, and hand-made or damaged HLL
// strings (crafted sparse opcodes, bad headers, random dense registers,
// cached counts, SETRANGE over live HLLs).
//
// Damage never leaves a lone XZERO first byte (01xxxxxx) at the end of a
// string: Redis then reads the byte past the end of its buffer, which after
// some edits is not the terminator (memory no engine can model).
type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const HKEYS = ['hll1', 'hll2', '{t}hll'];
const ELEMENTS = ['a', 'b', 'c', '', '1', '2', 'hello', '\x00\xff', 'foo bar', '12345678', '123456789'];
const REGISTERS = 16384;

const chr = (...bytes: number[]) => String.fromCharCode(...bytes.map((b) => b & 0xff));
const header = (encoding: number, card: number[] | null) =>
  'HYLL' + chr(encoding, 0, 0, 0) + (card ? chr(...card) : chr(0, 0, 0, 0, 0, 0, 0, 0x80));

/** Sparse opcodes covering `total` registers: XZERO/ZERO runs and VAL runs (values 1-32, lengths 1-4). */
function opcodes(r: Rng, total: number): string {
  let out = '';
  let left = total;
  while (left > 0) {
    const kind = r();
    if (kind < 0.35) {
      const n = Math.min(left, 1 + Math.floor(r() * (r() < 0.5 ? 64 : 16384)));
      if (n <= 64 && r() < 0.7) out += chr(n - 1);
      else out += chr(0x40 | ((n - 1) >> 8), (n - 1) & 0xff);
      left -= n;
    } else {
      const n = Math.min(left, 1 + Math.floor(r() * 4));
      const v = r() < 0.1 ? 32 : 1 + Math.floor(r() * (r() < 0.5 ? 5 : 32));
      out += chr(0x80 | ((v - 1) << 2) | (n - 1));
      left -= n;
    }
    if (out.length > 2500) { // keep it short: cover the rest with XZEROs
      while (left > 0) {
        const n = Math.min(left, 16384);
        out += chr(0x40 | ((n - 1) >> 8), (n - 1) & 0xff);
        left -= n;
      }
    }
  }
  return out;
}

/** A string that is, or nearly is, an HLL. */
function craftedHll(r: Rng): string {
  const card = () => Array.from({ length: 8 }, (_, i) => (i === 7 ? Math.floor(r() * 0x80) : Math.floor(r() * 256)));
  switch (Math.floor(r() * 11)) {
    case 0: case 1: case 2: case 3: // valid sparse, odd shapes (ZERO runs of 1, small XZEROs, neighbouring equal VALs)
      return header(1, null) + opcodes(r, REGISTERS);
    case 4: // valid cached cardinality: answered as is
      return header(1, card()) + opcodes(r, REGISTERS);
    case 5: { // dense with arbitrary registers (values up to 63), a repeated random pattern
      const pat = Array.from({ length: 1 + Math.floor(r() * 12) }, () => Math.floor(r() * 256));
      let body = '';
      for (let i = 0; i < 12288; i++) body += chr(pat[i % pat.length]!);
      return header(0, r() < 0.3 ? card() : null) + body;
    }
    case 6: // dense of the wrong length
      return header(0, null) + chr(0).repeat(pick(r, [0, 1, 12287, 12289]));
    case 7: // bad magic or encoding
      return pick(r, ['HYLM', 'hyll', 'HYL\x00']) + chr(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x7f, 0xff);
    case 8:
      return 'HYLL' + chr(pick(r, [2, 3, 255]), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x7f, 0xff);
    case 9: // sparse covering too few or too many registers
      return header(1, null) + opcodes(r, r() < 0.5 ? 1 + Math.floor(r() * (REGISTERS - 1)) : REGISTERS + 1 + Math.floor(r() * 100));
    default: // too short for a header, or a header alone
      return pick(r, ['HYLL', 'HYLL\x01\x00\x00', header(1, null), header(0, null)]);
  }
}

/** Bytes written over a live HLL: never a lone trailing XZERO first byte. */
function damage(r: Rng): string {
  const one = () => pick(r, [0x00, 0x01, 0x3f, 0x80, 0x83, 0xfc, 0xff, 0x9a]);
  switch (Math.floor(r() * 3)) {
    case 0: return chr(one());
    case 1: return chr(0x40 | Math.floor(r() * 64), pick(r, [0x00, 0x07, 0x3f, 0x80, 0xc3, 0xff]));
    default: return chr(one(), one());
  }
}

export function hllCommand(r: Rng, k: () => string): string[] {
  const hk = () => (r() < 0.7 ? pick(r, HKEYS) : k());
  const el = () => (r() < 0.3 ? pick(r, ELEMENTS) : `e${Math.floor(r() * 3000)}`);
  switch (Math.floor(r() * 23)) {
    case 0: case 1: case 2: case 3:
      return ['PFADD', hk(), ...Array.from({ length: 1 + Math.floor(r() * 4) }, el)];
    case 4: case 5: { // many elements: the sparse string grows past 3000 bytes and turns dense
      const n = 50 + Math.floor(r() * 1200);
      const p = pick(r, ['x', 'y', 'z']);
      return ['PFADD', pick(r, HKEYS), ...Array.from({ length: n }, () => `${p}${Math.floor(r() * 1e6)}`)];
    }
    case 6: return ['PFADD', hk()];
    case 7: case 8: case 9:
      return ['PFCOUNT', hk(), ...Array.from({ length: Math.floor(r() * 3) }, hk)];
    case 10: case 11:
      return ['PFMERGE', hk(), ...Array.from({ length: Math.floor(r() * 4) }, hk)];
    case 12: case 13: return ['GET', hk()];
    case 14: return ['SET', pick(r, HKEYS), craftedHll(r)];
    case 15: // damage a live HLL: header, cached count or opcodes
      return ['SETRANGE', pick(r, HKEYS), String(pick(r, [4, 5, 8, 15, 16, 17, 18, 19, 20, 25, 30, 40, 100, 1000])), damage(r)];
    case 16: {
      const sub = pick(r, ['ENCODING', 'DECODE', 'TODENSE', 'decode', 'encoding', 'GETREG', 'BOGUS']);
      return ['PFDEBUG', sub === 'GETREG' && r() < 0.7 ? 'ENCODING' : sub, hk()];
    }
    case 17: return r() < 0.4 ? ['APPEND', pick(r, HKEYS), pick(r, ['\x80', '\x00', '\x7f\x00', 'z\x01'])] : ['PFADD', pick(r, HKEYS), el()];
    case 18: return [pick(r, ['STRLEN', 'TYPE', 'EXISTS']), hk()];
    case 19: case 20: case 21: return ['DEL', pick(r, HKEYS)];
    default: return ['PFCOUNT', pick(r, HKEYS)];
  }
}
