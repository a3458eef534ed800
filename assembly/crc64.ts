// CRC-64/Jones as Redis uses it for RDB files and DUMP payloads: reflected
// polynomial 0x95AC9329AC4BC9B5, init 0, no final xor. Slice-by-8.

const TABLE: usize = memory.data(8 * 256 * 8);

export function initCrc64(): void {
  for (let i: u64 = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x95ac9329ac4bc9b5 : c >>> 1;
    store<u64>(TABLE + (<usize>i << 3), c);
  }
  for (let t: usize = 1; t < 8; t++) {
    for (let i: usize = 0; i < 256; i++) {
      const prev = load<u64>(TABLE + ((t - 1) << 11) + (i << 3));
      store<u64>(TABLE + (t << 11) + (i << 3), (prev >>> 8) ^ load<u64>(TABLE + (<usize>(prev & 0xff) << 3)));
    }
  }
}

@inline function tab(t: usize, b: u64): u64 {
  return load<u64>(TABLE + (t << 11) + (<usize>(b & 0xff) << 3));
}

/** Continues a CRC64: pass 0 to start (Redis's crc64(0, buf, len)). */
export function crc64(crc: u64, ptr: usize, len: usize): u64 {
  let c = crc;
  let p = ptr;
  const end = ptr + len;
  while (p + 8 <= end) {
    const v = load<u64>(p) ^ c;
    c =
      tab(7, v) ^ tab(6, v >>> 8) ^ tab(5, v >>> 16) ^ tab(4, v >>> 24) ^
      tab(3, v >>> 32) ^ tab(2, v >>> 40) ^ tab(1, v >>> 48) ^ tab(0, v >>> 56);
    p += 8;
  }
  while (p < end) {
    c = tab(0, c ^ <u64>load<u8>(p)) ^ (c >>> 8);
    p++;
  }
  return c;
}
