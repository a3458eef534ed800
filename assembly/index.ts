// The WebAssembly core: checksums, the Raft log record codec and the RDB codec. Every
// export works on a batch so the host crosses into wasm once per batch.
import { initCrc32c } from './crc32c';
import { initCrc64 } from './crc64';

export { crc32c } from './crc32c';
export { crc64 } from './crc64';
export { rdbEncode, rdbLastCrc, rdbDecode, rdbDecodeValue, rdbConsumed, rdbErrorCode, rdbErrorOffset, rdbFinished, rdbShort, rdbExtraUsed, rdbExtraWanted } from './rdb-codec';
export { frameRecords, decodeRecords, lastDamageKind, lastDamageOffset, lastEndOffset } from './log-codec';

initCrc32c();
initCrc64();

/** First byte the host may use as scratch memory (after static data). */
export function heapBase(): usize {
  return __heap_base;
}
