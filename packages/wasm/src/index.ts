export { crc32c, crc64 } from './crc.js';
export {
  encodeLogRecords,
  decodeLogRecords,
  encodedSize,
  RECORD_HEADER_BYTES,
  RECORD_OVERHEAD_BYTES,
  MAX_PAYLOAD_BYTES,
  type LogRecordInput,
  type LogRecord,
  type LogDamage,
  type LogDamageKind,
  type DecodeResult,
} from './log-records.js';
export { RdbItems, RdbToken, decodeRdb, decodeRdbValue, tokenBytes, type RdbTokens } from './rdb.js';
