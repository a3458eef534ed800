// What a normal Raft log entry carries: the client command(s) with the
// clock and random seed the leader chose for them, so every node applies
// them identically. Binary, length-prefixed; keys and values stay bytes.
//   u8 version (1) | f64 timeMs | u32 seed | u32 commandCount | per command: u32 argc | per arg: u32 len, bytes
//   [u32 watchCount | per watch: u32 len, key bytes, f64 version]   (only when there are watches)

export interface WatchedKey {
  readonly key: Buffer;
  /** The key's version when WATCH ran; EXEC aborts on every node alike if it changed. */
  readonly version: number;
}

export interface EntryPayload {
  readonly timeMs: number;
  readonly seed: number;
  /** One command, or a MULTI/EXEC block applied atomically. */
  readonly commands: readonly (readonly Buffer[])[];
  readonly watches?: readonly WatchedKey[];
}

const VERSION = 1;

export function encodeEntryPayload(p: EntryPayload): Buffer {
  let size = 1 + 8 + 4 + 4;
  for (const argv of p.commands) {
    size += 4;
    for (const a of argv) size += 4 + a.length;
  }
  const watches = p.watches ?? [];
  if (watches.length) {
    size += 4;
    for (const w of watches) size += 4 + w.key.length + 8;
  }
  const out = Buffer.allocUnsafe(size);
  let o = out.writeUInt8(VERSION, 0);
  o = out.writeDoubleLE(p.timeMs, o);
  o = out.writeUInt32LE(p.seed >>> 0, o);
  o = out.writeUInt32LE(p.commands.length, o);
  for (const argv of p.commands) {
    o = out.writeUInt32LE(argv.length, o);
    for (const a of argv) {
      o = out.writeUInt32LE(a.length, o);
      o += a.copy(out, o);
    }
  }
  if (watches.length) {
    o = out.writeUInt32LE(watches.length, o);
    for (const w of watches) {
      o = out.writeUInt32LE(w.key.length, o);
      o += w.key.copy(out, o);
      o = out.writeDoubleLE(w.version, o);
    }
  }
  return out;
}

export function decodeEntryPayload(buf: Uint8Array): EntryPayload {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 17 || b[0] !== VERSION) throw new Error(`entry payload: unknown version ${b[0]} or too short (${b.length} bytes)`);
  const timeMs = b.readDoubleLE(1);
  const seed = b.readUInt32LE(9);
  const count = b.readUInt32LE(13);
  let o = 17;
  const commands: Buffer[][] = [];
  for (let c = 0; c < count; c++) {
    const argc = b.readUInt32LE(o);
    o += 4;
    const argv: Buffer[] = [];
    for (let i = 0; i < argc; i++) {
      const len = b.readUInt32LE(o);
      o += 4;
      if (o + len > b.length) throw new Error('entry payload: argument runs past the end');
      argv.push(b.subarray(o, o + len));
      o += len;
    }
    commands.push(argv);
  }
  const watches: WatchedKey[] = [];
  if (o < b.length) {
    const n = b.readUInt32LE(o);
    o += 4;
    for (let i = 0; i < n; i++) {
      const len = b.readUInt32LE(o);
      o += 4;
      const key = b.subarray(o, o + len);
      o += len;
      watches.push({ key, version: b.readDoubleLE(o) });
      o += 8;
    }
  }
  return { timeMs, seed, commands, watches };
}
