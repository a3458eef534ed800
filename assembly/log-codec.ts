// Raft log record framing. Layout (little-endian), see docs/log-format.md:
//   0  u32 payload length      4  u8 type   5  u8 version (1)   6  u16 reserved (0)
//   8  u64 index              16  u64 term  24  payload          24+len  u32 CRC32C of bytes [0, 24+len)
// Batch-shaped: one call frames or checks a whole batch.
import { crc32c } from './crc32c';

export const HEADER_SIZE: u32 = 24;
export const RECORD_OVERHEAD: u32 = 28;
const VERSION: u8 = 1;

// Descriptor written by the host per entry before frameRecords, and by
// decodeRecords per record found: index u64, term u64, type u32, length u32, offset u32, pad u32.
export const DESC_SIZE: u32 = 32;

export const DAMAGE_NONE: u32 = 0;
export const DAMAGE_TORN: u32 = 1; // the buffer ends inside a record
export const DAMAGE_CRC: u32 = 2; // checksum mismatch
export const DAMAGE_LENGTH: u32 = 3; // length beyond the allowed maximum
export const DAMAGE_HEADER: u32 = 4; // unknown version or non-zero reserved bits

let damageKind: u32 = 0;
let damageOffset: u32 = 0;
let endOffset: u32 = 0;

export function lastDamageKind(): u32 { return damageKind; }
export function lastDamageOffset(): u32 { return damageOffset; }
export function lastEndOffset(): u32 { return endOffset; }

/**
 * The host has placed each payload at its final position inside `out`
 * (record k's payload at its offset + 24) and one descriptor per entry at
 * `desc`. Fills in headers and checksums; returns the total size.
 */
export function frameRecords(desc: usize, count: u32, out: usize): u32 {
  let off: usize = 0;
  for (let i: u32 = 0; i < count; i++) {
    const d = desc + <usize>i * DESC_SIZE;
    const len = load<u32>(d, 20);
    const rec = out + off;
    store<u32>(rec, len);
    store<u8>(rec, <u8>load<u32>(d, 16), 4);
    store<u8>(rec, VERSION, 5);
    store<u16>(rec, 0, 6);
    store<u64>(rec, load<u64>(d), 8);
    store<u64>(rec, load<u64>(d, 8), 16);
    store<u32>(rec + HEADER_SIZE + len, crc32c(0, rec, HEADER_SIZE + len));
    off += RECORD_OVERHEAD + len;
  }
  return <u32>off;
}

/**
 * Walks records in [buf, buf+len), writing one descriptor per good record
 * (offsets relative to buf) at `desc`, up to maxCount. Stops at the first
 * damage and records its kind and offset; never skips a record.
 */
export function decodeRecords(buf: usize, len: u32, desc: usize, maxCount: u32, maxPayload: u32): u32 {
  damageKind = DAMAGE_NONE;
  damageOffset = 0;
  let off: u32 = 0;
  let n: u32 = 0;
  while (off < len) {
    const rec = buf + <usize>off;
    if (len - off < HEADER_SIZE) { damageKind = DAMAGE_TORN; damageOffset = off; break; }
    const plen = load<u32>(rec);
    if (load<u8>(rec, 5) != VERSION || load<u16>(rec, 6) != 0) { damageKind = DAMAGE_HEADER; damageOffset = off; break; }
    if (plen > maxPayload) { damageKind = DAMAGE_LENGTH; damageOffset = off; break; }
    if (<u64>len - <u64>off < <u64>plen + <u64>RECORD_OVERHEAD) { damageKind = DAMAGE_TORN; damageOffset = off; break; }
    const want = load<u32>(rec + HEADER_SIZE + plen);
    if (crc32c(0, rec, HEADER_SIZE + plen) != want) { damageKind = DAMAGE_CRC; damageOffset = off; break; }
    // Checked after validation so damage right after the last wanted record is still reported.
    if (n >= maxCount) break;
    const d = desc + <usize>n * DESC_SIZE;
    store<u64>(d, load<u64>(rec, 8));
    store<u64>(d, load<u64>(rec, 16), 8);
    store<u32>(d, <u32>load<u8>(rec, 4), 16);
    store<u32>(d, plen, 20);
    store<u32>(d, off, 24);
    store<u32>(d, 0, 28);
    off += RECORD_OVERHEAD + plen;
    n++;
  }
  endOffset = off;
  return n;
}
