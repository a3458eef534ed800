// A list of byte strings as one buffer: each as a 4-byte little-endian
// length and its bytes (how the script cache and function libraries keep
// their state in snapshots).
export function joinLengthPrefixed(parts: Iterable<Buffer>): Buffer {
  const out: Buffer[] = [];
  for (const p of parts) {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(p.length);
    out.push(len, p);
  }
  return Buffer.concat(out);
}

export function splitLengthPrefixed(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off + 4 <= data.length;) {
    const n = data.readUInt32LE(off);
    out.push(Buffer.from(data.subarray(off + 4, off + 4 + n)));
    off += 4 + n;
  }
  return out;
}
