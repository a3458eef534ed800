// Finds where one RESP2/RESP3 reply ends without decoding it, so a proxy
// can relay the exact bytes (every type, nested, binary) it received.

const CRLF_LEN = 2;

/** End offset (exclusive) of the reply starting at `off`, or -1 when more bytes are needed. Throws on garbage. */
export function replyEnd(buf: Buffer, off: number): number {
  if (off >= buf.length) return -1;
  const nl = buf.indexOf('\r\n', off + 1, 'latin1');
  if (nl === -1) return -1;
  const type = buf[off]!;
  const head = buf.toString('latin1', off + 1, nl);
  const after = nl + CRLF_LEN;
  switch (type) {
    case 43: case 45: case 58: case 95: case 44: case 35: case 40: // + - : _ , # (
      return after;
    case 36: case 33: case 61: { // $ ! =  (bulk, blob error, verbatim)
      const len = Number(head);
      if (!Number.isInteger(len)) throw new Error(`bad bulk length '${head}' in reply`);
      if (len < 0) return after;
      return buf.length >= after + len + CRLF_LEN ? after + len + CRLF_LEN : -1;
    }
    case 42: case 126: case 62: case 37: case 124: { // * ~ > % |
      const n = Number(head);
      if (!Number.isInteger(n)) throw new Error(`bad aggregate length '${head}' in reply`);
      const items = type === 37 || type === 124 ? n * 2 : n;
      let o = after;
      for (let i = 0; i < items; i++) {
        o = replyEnd(buf, o);
        if (o === -1) return -1;
      }
      // An attribute (|) precedes the reply it annotates.
      return type === 124 ? replyEnd(buf, o) : o;
    }
    default:
      throw new Error(`unexpected reply type byte ${type}`);
  }
}
