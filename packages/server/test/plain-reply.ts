// Test helper: a reply as plain data to compare with assert.equal (bulk
// strings as latin1, maps flat and doubles as text, as RESP2 sends them).
import { formatDouble, type Reply } from '@redisraft-wasm/resp';

export function plainReply(r: Reply): unknown {
  switch (r.kind) {
    case 'bulk': return r.value.toString('latin1');
    case 'status': return r.value;
    case 'int': return Number(r.value);
    case 'nil': case 'nilArray': return null;
    case 'array': case 'set': case 'push': return r.items.map(plainReply);
    case 'map': return r.entries.map(plainReply);
    case 'error': return { err: r.message };
    case 'double': return formatDouble(r.value);
    default: return r.kind;
  }
}
