// A command as a RESP array of bulk strings, in one buffer.
export function encodeCommand(argv: readonly Buffer[]): Buffer {
  let size = 16;
  for (const a of argv) size += a.length + 16;
  const out = Buffer.allocUnsafe(size);
  let o = out.write(`*${argv.length}\r\n`, 0, 'latin1');
  for (const a of argv) {
    o += out.write(`$${a.length}\r\n`, o, 'latin1');
    o += a.copy(out, o);
    o += out.write('\r\n', o, 'latin1');
  }
  return out.subarray(0, o);
}
