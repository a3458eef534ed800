import { core, scratch } from './core.js';

// Inputs larger than this are fed through wasm memory in slices, so a CRC of
// a huge buffer never grows wasm memory by its size.
const SLICE_BYTES = 1 << 20;

/** CRC32C (Castagnoli). Pass the previous result as `seed` to continue over more data. */
export function crc32c(data: Uint8Array, seed = 0): number {
  let crc = seed >>> 0;
  for (let off = 0; off < data.length || (off === 0 && data.length === 0); off += SLICE_BYTES) {
    const part = data.subarray(off, off + SLICE_BYTES);
    const { ptr, mem } = scratch(part.length);
    mem.set(part, ptr);
    crc = core.crc32c(crc, ptr, part.length) >>> 0;
    if (data.length === 0) break;
  }
  return crc;
}

/** CRC-64/Jones as Redis computes it (RDB trailer, DUMP payloads). Continue with `seed`. */
export function crc64(data: Uint8Array, seed = 0n): bigint {
  let crc = BigInt.asIntN(64, seed);
  for (let off = 0; off < data.length; off += SLICE_BYTES) {
    const part = data.subarray(off, off + SLICE_BYTES);
    const { ptr, mem } = scratch(part.length);
    mem.set(part, ptr);
    crc = core.crc64(crc, ptr, part.length);
  }
  return BigInt.asUintN(64, crc);
}
