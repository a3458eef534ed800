// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), slice-by-8.
// Tables live in static memory; initialised once by initCrc32c().

const TABLE: usize = memory.data(8 * 256 * 4);

export function initCrc32c(): void {
  for (let i: u32 = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    store<u32>(TABLE + (<usize>i << 2), c);
  }
  for (let t: usize = 1; t < 8; t++) {
    for (let i: usize = 0; i < 256; i++) {
      const prev = load<u32>(TABLE + ((t - 1) << 10) + (i << 2));
      store<u32>(TABLE + (t << 10) + (i << 2), (prev >>> 8) ^ load<u32>(TABLE + ((prev & 0xff) << 2)));
    }
  }
}

@inline function tab(t: usize, b: u32): u32 {
  return load<u32>(TABLE + (t << 10) + (<usize>(b & 0xff) << 2));
}

/** Continues a CRC32C: pass 0 to start; the result is final (pre/post inversion handled here). */
export function crc32c(crc: u32, ptr: usize, len: usize): u32 {
  let c = ~crc;
  let p = ptr;
  const end = ptr + len;
  while (p + 8 <= end) {
    const lo = load<u32>(p) ^ c;
    const hi = load<u32>(p, 4);
    c =
      tab(7, lo) ^ tab(6, lo >>> 8) ^ tab(5, lo >>> 16) ^ tab(4, lo >>> 24) ^
      tab(3, hi) ^ tab(2, hi >>> 8) ^ tab(1, hi >>> 16) ^ tab(0, hi >>> 24);
    p += 8;
  }
  while (p < end) {
    c = tab(0, c ^ load<u8>(p)) ^ (c >>> 8);
    p++;
  }
  return ~c;
}
