// HyperLogLog in Redis's own byte layout (hyperloglog.c, Redis 7.0), so that
// GET of an HLL key returns the same bytes as redis-server and PFCOUNT the
// same number:
//
//   header (16 bytes): "HYLL", encoding (0 dense, 1 sparse), 3 unused bytes,
//   cached cardinality as 8 little-endian bytes whose top bit marks it stale.
//   dense: 16384 registers of 6 bits, packed from the low bit of each byte.
//   sparse: run-length opcodes ZERO 00xxxxxx (1-64 zero registers),
//   XZERO 01xxxxxx yyyyyyyy (1-16384 zeros), VAL 1vvvvvxx (1-4 registers
//   holding 1-32); a value above 32 or growth past hll-sparse-max-bytes
//   turns the string dense.
//
// The sparse editor works on a growable byte array with an explicit length
// and a terminator byte after it, like an sds string: Redis reads that byte
// when an XZERO opcode is cut short by the end of the string.
//
// A sparse string is corrupt unless its opcodes cover exactly 16384
// registers; any opcode running past the last register is corrupt too (the
// CVE-2025-32023 bounds checks that Debian's 7.0.15 carries: upstream 7.0.15
// stopped quietly at a VAL overflow).

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
const HLL_BITS = 6;
const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + Math.floor((HLL_REGISTERS * HLL_BITS + 7) / 8);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const HLL_MAX_ENCODING = 1;
/** Redis's default hll-sparse-max-bytes. */
export const HLL_SPARSE_MAX_BYTES = 3000;

const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
const ALPHA_INF = 0.721347520444481703680; // 0.5 / ln(2)
const HASH_SEED = 0xadc83b19;

// ---------------------------------------------------------------- hashing

/** (ah:al) * (bh:bl) mod 2^64, as unsigned 32-bit halves; written into OUT. */
const OUT = new Uint32Array(2);
function mul64(ah: number, al: number, bh: number, bl: number): void {
  // Low 32x32 -> 64 product from 16-bit pieces; every partial sum stays below 2^53.
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const mid = a0 * b1 + a1 * b0;
  const lo = a0 * b0 + (mid % 65536) * 65536;
  const carry = a1 * b1 + Math.floor(mid / 65536) + Math.floor(lo / 4294967296);
  OUT[0] = (carry + Math.imul(al, bh) + Math.imul(ah, bl)) >>> 0;
  OUT[1] = lo >>> 0;
}

const M_HI = 0xc6a4a793, M_LO = 0x5bd1e995;

/** MurmurHash2 64-bit (MurmurHash64A) over bytes, endian-neutral as in Redis: [high, low] 32-bit halves. */
export function murmurHash64A(data: Uint8Array, seed: number): [number, number] {
  const len = data.length;
  mul64(0, len >>> 0, M_HI, M_LO);
  let hh = OUT[0]!, hl = (OUT[1]! ^ seed) >>> 0;
  const blocks = len - (len & 7);
  let i = 0;
  for (; i < blocks; i += 8) {
    let kl = (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) >>> 0;
    let kh = (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24)) >>> 0;
    mul64(kh, kl, M_HI, M_LO);
    kh = OUT[0]!; kl = OUT[1]!;
    kl = (kl ^ (kh >>> 15)) >>> 0; // k ^= k >> 47
    mul64(kh, kl, M_HI, M_LO);
    hh = (hh ^ OUT[0]!) >>> 0; hl = (hl ^ OUT[1]!) >>> 0;
    mul64(hh, hl, M_HI, M_LO);
    hh = OUT[0]!; hl = OUT[1]!;
  }
  const rest = len & 7;
  if (rest > 0) {
    // The tail bytes, little-endian, into the low end of h (Redis's fall-through switch).
    for (let b = rest - 1; b >= 0; b--) {
      const byte = data[i + b]!;
      if (b >= 4) hh ^= byte << (8 * (b - 4));
      else hl ^= byte << (8 * b);
    }
    mul64(hh >>> 0, hl >>> 0, M_HI, M_LO);
    hh = OUT[0]!; hl = OUT[1]!;
  }
  hl = (hl ^ (hh >>> 15)) >>> 0;
  mul64(hh, hl, M_HI, M_LO);
  hh = OUT[0]!; hl = OUT[1]!;
  hl = (hl ^ (hh >>> 15)) >>> 0;
  return [hh, hl];
}

/** Register index and run length of "0...01" (1..Q+1) for an element, as hllPatLen. */
export function patLen(ele: Uint8Array): { index: number; count: number } {
  const [hh, hl] = murmurHash64A(ele, HASH_SEED);
  const index = hl & HLL_P_MASK;
  // hash >> P with bit Q set so the run ends within Q+1.
  const lo = ((hl >>> HLL_P) | (hh << (32 - HLL_P))) >>> 0;
  const hi = (hh >>> HLL_P) | (1 << (HLL_Q - 32));
  const count = lo !== 0 ? ctz32(lo) + 1 : ctz32(hi) + 33;
  return { index, count };
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

// ---------------------------------------------------------------- the byte string

/** An HLL string being edited: bytes [0, len) plus the byte at len (sds terminator). */
export class HllBytes {
  buf: Uint8Array;
  len: number;

  private constructor(buf: Uint8Array, len: number) {
    this.buf = buf;
    this.len = len;
  }

  /** A copy of a stored string. */
  static of(data: Uint8Array): HllBytes {
    const buf = new Uint8Array(data.length + 8);
    buf.set(data);
    return new HllBytes(buf, data.length);
  }

  /** A new empty HLL: sparse, one XZERO opcode per 16384 registers (createHLLObject). */
  static empty(): HllBytes {
    const h = new HllBytes(new Uint8Array(HLL_HDR_SIZE + 2 + 8), HLL_HDR_SIZE + 2);
    h.buf.set([0x48, 0x59, 0x4c, 0x4c, HLL_SPARSE]);
    let p = HLL_HDR_SIZE;
    for (let aux = HLL_REGISTERS; aux > 0;) {
      const n = Math.min(SPARSE_XZERO_MAX_LEN, aux);
      setXzero(h.buf, p, n);
      p += 2;
      aux -= n;
    }
    return h;
  }

  get encoding(): number {
    return this.buf[4]!;
  }

  /** Room for n more bytes plus the terminator (sdsMakeRoomFor). */
  reserve(n: number): void {
    if (this.len + n + 1 <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.len + n + 1, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.len + 1));
    this.buf = next;
  }

  /** Grows or shrinks by delta and writes the terminator (sdsIncrLen). */
  incrLen(delta: number): void {
    this.len += delta;
    this.buf[this.len] = 0;
  }

  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }

  invalidateCache(): void {
    this.buf[15] = this.buf[15]! | 0x80;
  }

  setCachedCard(card: bigint): void {
    for (let i = 8; i < 16; i++) {
      this.buf[i] = Number(card & 0xffn);
      card >>= 8n;
    }
  }
}

/** Whether a string is an HLL Redis accepts (isHLLObjectOrReply): header, magic, encoding, dense length. */
export function isHll(data: Uint8Array): boolean {
  if (data.length < HLL_HDR_SIZE) return false;
  if (data[0] !== 0x48 || data[1] !== 0x59 || data[2] !== 0x4c || data[3] !== 0x4c) return false;
  if (data[4]! > HLL_MAX_ENCODING) return false;
  if (data[4] === HLL_DENSE && data.length !== HLL_DENSE_SIZE) return false;
  return true;
}

// ---------------------------------------------------------------- dense registers

/** Register `reg` of the dense array starting at `base` (reads the byte after it, like Redis; absent = 0). */
export function denseGet(p: Uint8Array, base: number, reg: number): number {
  const byte = base + ((reg * HLL_BITS) >>> 3);
  const fb = (reg * HLL_BITS) & 7;
  return ((p[byte]! >>> fb) | ((p[byte + 1] ?? 0) << (8 - fb))) & HLL_REGISTER_MAX;
}

function denseSetRaw(p: Uint8Array, base: number, reg: number, val: number): void {
  const byte = base + ((reg * HLL_BITS) >>> 3);
  const fb = (reg * HLL_BITS) & 7;
  const fb8 = 8 - fb;
  p[byte] = (p[byte]! & ~(HLL_REGISTER_MAX << fb)) | (val << fb);
  if (byte + 1 < p.length) p[byte + 1] = (p[byte + 1]! & ~(HLL_REGISTER_MAX >>> fb8)) | (val >>> fb8);
}

/** Raises a dense register to count; 1 if it changed (hllDenseSet). */
function denseSet(p: Uint8Array, reg: number, count: number): number {
  if (count > denseGet(p, HLL_HDR_SIZE, reg)) {
    denseSetRaw(p, HLL_HDR_SIZE, reg, count);
    return 1;
  }
  return 0;
}

// ---------------------------------------------------------------- sparse opcodes

const isZero = (b: number) => (b & 0xc0) === 0;
const isXzero = (b: number) => (b & 0xc0) === 0x40;
const isVal = (b: number) => (b & 0x80) !== 0;
const zeroLen = (b: number) => (b & 0x3f) + 1;
const xzeroLen = (b: number, b2: number) => (((b & 0x3f) << 8) | b2) + 1;
const valValue = (b: number) => ((b >>> 2) & 0x1f) + 1;
const valLen = (b: number) => (b & 0x3) + 1;
const valByte = (val: number, len: number) => (((val - 1) << 2) | (len - 1) | 0x80) & 0xff;
const zeroByte = (len: number) => len - 1;
function setXzero(p: Uint8Array, at: number, len: number): void {
  p[at] = ((len - 1) >>> 8) | 0x40;
  p[at + 1] = (len - 1) & 0xff;
}

/** Sparse to dense in place (hllSparseToDense); false when the sparse form is corrupt. */
export function sparseToDense(o: HllBytes): boolean {
  if (o.encoding === HLL_DENSE) return true;
  const dense = new Uint8Array(HLL_DENSE_SIZE + 1);
  dense.set(o.buf.subarray(0, HLL_HDR_SIZE));
  dense[4] = HLL_DENSE;
  const b = o.buf;
  let idx = 0, p = HLL_HDR_SIZE;
  const end = o.len;
  while (p < end) {
    const op = b[p]!;
    if (isZero(op)) {
      const run = zeroLen(op);
      if (run + idx > HLL_REGISTERS) return false;
      idx += run;
      p++;
    } else if (isXzero(op)) {
      const run = xzeroLen(op, b[p + 1] ?? 0);
      if (run + idx > HLL_REGISTERS) return false;
      idx += run;
      p += 2;
    } else {
      let run = valLen(op);
      const val = valValue(op);
      if (run + idx > HLL_REGISTERS) return false;
      while (run--) denseSetRaw(dense, HLL_HDR_SIZE, idx++, val);
      p++;
    }
  }
  if (idx !== HLL_REGISTERS) return false;
  o.buf = dense;
  o.len = HLL_DENSE_SIZE;
  return true;
}

/**
 * Raises sparse register `index` to `count` (hllSparseSet): 1 when it
 * changed, 0 when not, -1 when the sparse form is corrupt. May turn the
 * string dense.
 */
export function sparseSet(o: HllBytes, index: number, count: number, maxBytes = HLL_SPARSE_MAX_BYTES): number {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(o, index, count);
  o.reserve(3);
  const b = o.buf;
  const sparse = HLL_HDR_SIZE;
  let p = sparse, end = o.len;

  // Step 1: the opcode covering the register.
  let first = 0, prev = -1, span = 0;
  while (p < end) {
    const op = b[p]!;
    let oplen = 1;
    if (isZero(op)) span = zeroLen(op);
    else if (isVal(op)) span = valLen(op);
    else { span = xzeroLen(op, b[p + 1]!); oplen = 2; }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;

  let next = isXzero(b[p]!) ? p + 2 : p + 1;
  if (next >= end) next = -1;

  const op = b[p]!;
  const zero = isZero(op), xzero = !zero && isXzero(op), val = !zero && !xzero;
  const runlen = zero ? zeroLen(op) : xzero ? xzeroLen(op, b[p + 1]!) : valLen(op);

  let updatedInPlace = false;
  if (val) {
    if (valValue(op) >= count) return 0; // A: already as high
    if (runlen === 1) { b[p] = valByte(count, 1); updatedInPlace = true; } // B
  }
  if (!updatedInPlace && zero && runlen === 1) { b[p] = valByte(count, 1); updatedInPlace = true; } // C

  if (!updatedInPlace) {
    // D: split the opcode into up to three (at most 5 bytes).
    const seq: number[] = [];
    const last = first + span - 1;
    const zeros = (len: number) => {
      if (len > SPARSE_ZERO_MAX_LEN) seq.push(((len - 1) >>> 8) | 0x40, (len - 1) & 0xff);
      else seq.push(zeroByte(len));
    };
    if (zero || xzero) {
      if (index !== first) zeros(index - first);
      seq.push(valByte(count, 1));
      if (index !== last) zeros(last - index);
    } else {
      const cur = valValue(op);
      if (index !== first) seq.push(valByte(cur, index - first));
      seq.push(valByte(count, 1));
      if (index !== last) seq.push(valByte(cur, last - index));
    }
    // Step 3: put the new sequence in place of the old opcode.
    const oldlen = xzero ? 2 : 1;
    const delta = seq.length - oldlen;
    if (delta > 0 && o.len + delta > maxBytes) return promote(o, index, count);
    if (delta !== 0 && next !== -1) b.copyWithin(next + delta, next, end);
    o.incrLen(delta);
    b.set(seq, p);
    end += delta;
  }

  // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from prev.
  p = prev !== -1 ? prev : sparse;
  let scanlen = 5;
  while (p < end && scanlen-- > 0) {
    const cur = b[p]!;
    if (isXzero(cur)) { p += 2; continue; }
    if (isZero(cur)) { p++; continue; }
    if (p + 1 < end && isVal(b[p + 1]!)) {
      const v1 = valValue(cur), v2 = valValue(b[p + 1]!);
      if (v1 === v2) {
        const len = valLen(cur) + valLen(b[p + 1]!);
        if (len <= SPARSE_VAL_MAX_LEN) {
          b[p + 1] = valByte(v1, len);
          b.copyWithin(p, p + 1, end + 1);
          o.incrLen(-1);
          end--;
          continue;
        }
      }
    }
    p++;
  }
  o.invalidateCache();
  return 1;
}

function promote(o: HllBytes, index: number, count: number): number {
  if (!sparseToDense(o)) return -1;
  return denseSet(o.buf, index, count);
}

/** Adds one element (hllAdd): 1 if a register changed, 0 if not, -1 on a corrupt sparse form. */
export function hllAdd(o: HllBytes, ele: Uint8Array, maxBytes = HLL_SPARSE_MAX_BYTES): number {
  const { index, count } = patLen(ele);
  if (o.encoding === HLL_DENSE) return denseSet(o.buf, index, count);
  if (o.encoding === HLL_SPARSE) return sparseSet(o, index, count, maxBytes);
  return -1;
}

/** Sets a register to at least count in either encoding (PFMERGE's write-back). */
export function hllRaise(o: HllBytes, index: number, count: number, maxBytes = HLL_SPARSE_MAX_BYTES): void {
  if (o.encoding === HLL_DENSE) denseSet(o.buf, index, count);
  else if (o.encoding === HLL_SPARSE) sparseSet(o, index, count, maxBytes);
}

/** max[i] = MAX(max[i], register i) over a validated HLL string (hllMerge); false when corrupt. */
export function hllMerge(max: Uint8Array, data: Uint8Array): boolean {
  if (data[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(data, HLL_HDR_SIZE, i);
      if (v > max[i]!) max[i] = v;
    }
    return true;
  }
  let i = 0, p = HLL_HDR_SIZE;
  const end = data.length;
  while (p < end) {
    const op = data[p]!;
    if (isZero(op)) {
      const run = zeroLen(op);
      if (run + i > HLL_REGISTERS) return false;
      i += run;
      p++;
    } else if (isXzero(op)) {
      const run = xzeroLen(op, data[p + 1] ?? 0);
      if (run + i > HLL_REGISTERS) return false;
      i += run;
      p += 2;
    } else {
      let run = valLen(op);
      const val = valValue(op);
      if (run + i > HLL_REGISTERS) return false;
      while (run--) {
        if (val > max[i]!) max[i] = val;
        i++;
      }
      p++;
    }
  }
  return i === HLL_REGISTERS;
}

// ---------------------------------------------------------------- the estimator

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y; // pow(1 - x, 2), which the compiler makes a product
  } while (zPrime !== z);
  return z / 3;
}

const TWO_63 = 1n << 63n;

/** Ertl's estimator over a register histogram (hllCount), as an unsigned 64-bit value. */
function estimate(reghisto: Int32Array | number[]): bigint {
  const m = HLL_REGISTERS;
  let z = m * tau((m - reghisto[HLL_Q + 1]!) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += reghisto[j]!;
    z *= 0.5;
  }
  z += m * sigma(reghisto[0]! / m);
  const e = (ALPHA_INF * m * m) / z;
  // llroundl: half away from zero; out of range gives the x86 "integer indefinite" 0x8000000000000000.
  if (!(e < 9223372036854775808)) return TWO_63;
  const f = Math.floor(e);
  return BigInt(e - f >= 0.5 ? f + 1 : f);
}

/**
 * The cardinality of a validated HLL string (hllCount on its registers);
 * null when its sparse form does not cover exactly 16384 registers.
 */
export function hllCount(data: Uint8Array): bigint | null {
  const reghisto = new Int32Array(64);
  if (data[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) reghisto[denseGet(data, HLL_HDR_SIZE, i)]!++;
    return estimate(reghisto);
  }
  let idx = 0, p = HLL_HDR_SIZE;
  const end = data.length;
  while (p < end) {
    const op = data[p]!;
    if (isZero(op)) {
      const run = zeroLen(op);
      if (run + idx > HLL_REGISTERS) return null;
      idx += run;
      reghisto[0]! += run;
      p++;
    } else if (isXzero(op)) {
      const run = xzeroLen(op, data[p + 1] ?? 0);
      if (run + idx > HLL_REGISTERS) return null;
      idx += run;
      reghisto[0]! += run;
      p += 2;
    } else {
      const run = valLen(op);
      if (run + idx > HLL_REGISTERS) return null;
      idx += run;
      reghisto[valValue(op)]! += run;
      p++;
    }
  }
  if (idx !== HLL_REGISTERS) return null;
  return estimate(reghisto);
}

/** The cardinality of 16384 one-byte registers (PFCOUNT of several keys). */
export function rawCount(registers: Uint8Array): bigint {
  const reghisto = new Int32Array(64);
  for (let i = 0; i < HLL_REGISTERS; i++) reghisto[registers[i]!]!++;
  return estimate(reghisto);
}

/** PFDEBUG DECODE's text of a sparse string: "z:N", "Z:N", "v:VAL,LEN" separated by spaces. */
export function decodeSparse(data: Uint8Array): string {
  const parts: string[] = [];
  let p = HLL_HDR_SIZE;
  while (p < data.length) {
    const op = data[p]!;
    if (isZero(op)) { parts.push(`z:${zeroLen(op)}`); p++; }
    else if (isXzero(op)) { parts.push(`Z:${xzeroLen(op, data[p + 1] ?? 0)}`); p += 2; }
    else { parts.push(`v:${valValue(op)},${valLen(op)}`); p++; }
  }
  return parts.join(' ');
}
