// Redis Cluster hash slots: CRC16/XMODEM of the key (or of its {hash tag}) mod 16384.
const TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let c = i << 8;
  for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
  TABLE[i] = c;
}

export function crc16(data: Uint8Array): number {
  let crc = 0;
  for (const b of data) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ b) & 0xff]!;
  return crc;
}

export function keySlot(key: Uint8Array): number {
  const open = key.indexOf(123); // {
  if (open !== -1) {
    const close = key.indexOf(125, open + 1); // }
    if (close > open + 1) return crc16(key.subarray(open + 1, close)) & 16383;
  }
  return crc16(key) & 16383;
}
