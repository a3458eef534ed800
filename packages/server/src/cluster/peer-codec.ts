// Raft messages as RESP commands between nodes. Each message is one
// command; its fields travel as a small JSON header and entries as one
// bulk string framed by the WebAssembly log codec (CRC-checked, one encode
// per batch). Messages are one-way: the reply is a bare +OK.
import { decodeLogRecords, encodeLogRecords } from '@redisraft-wasm/wasm';
import { EntryType, decodeConfChange, index as idx, term as trm, type Entry, type InstallSnapshot, type Message } from '@redisraft-wasm/raft';
import { PeerMessageError, checkedChunk, checkedMessage, optionalText } from './peer-fields.js';

export { PeerMessageError } from './peer-fields.js';

const ENTRY_TYPES: ReadonlySet<number> = new Set(Object.values(EntryType));

const COMMAND: Record<Message['type'], string> = {
  append: 'RAFT.AE',
  heartbeat: 'RAFT.AE',
  'append-response': 'RAFT.AE-REPLY',
  'heartbeat-response': 'RAFT.AE-REPLY',
  vote: 'RAFT.REQUESTVOTE',
  'vote-response': 'RAFT.REQUESTVOTE-REPLY',
  snapshot: 'RAFT.SNAPSHOT',
  'snapshot-response': 'RAFT.SNAPSHOT-REPLY',
  'timeout-now': 'RAFT.TIMEOUT-NOW',
};

export const PEER_COMMANDS = [...new Set(Object.values(COMMAND))];

/**
 * `fromAddr` is the sender's advertised address: a node that has just
 * joined learns where the leader is from it, before the log tells it.
 */
/** Who sends: its advertised address, and its cluster's dbid (a node refuses messages from another cluster). */
export interface PeerSender {
  readonly addr: string;
  readonly dbid: string;
}

export function encodePeerMessage(m: Message, from: PeerSender): Buffer[] {
  const sender = { fromAddr: from.addr, dbid: from.dbid };
  if (m.type === 'append') {
    const { entries, ...header } = m;
    const blob = encodeLogRecords(entries.map((e) => ({ index: e.index, term: e.term, type: e.type, payload: e.data })));
    return [Buffer.from(COMMAND[m.type]), Buffer.from(JSON.stringify({ ...header, ...sender })), blob];
  }
  return [Buffer.from(COMMAND[m.type]), Buffer.from(JSON.stringify({ ...m, ...sender }))];
}

/** Where a RAFT.SNAPSHOT chunk goes in the file being streamed. */
export interface SnapshotChunk {
  readonly offset: number;
  readonly size: number;
  readonly last: boolean;
  readonly data: Buffer;
}

/** One chunk of a snapshot file: the InstallSnapshot message travels with every chunk. */
export function encodeSnapshotChunk(m: InstallSnapshot, from: PeerSender, chunk: Omit<SnapshotChunk, 'data'>, data: Buffer): Buffer[] {
  return [Buffer.from(COMMAND.snapshot), Buffer.from(JSON.stringify({ ...m, fromAddr: from.addr, dbid: from.dbid, chunk })), data];
}

/**
 * A RAFT.* frame back into a message, or PeerMessageError naming what is
 * wrong with it: the header must be JSON of the command's message type with
 * every field of the right kind, entries must be intact (CRC), numbered on
 * from prevIndex, with terms that never go down nor pass the sender's, and a
 * snapshot chunk must fit in its file.
 */
export function decodePeerMessage(argv: readonly Buffer[]): { msg: Message; fromAddr: string; dbid: string; chunk?: SnapshotChunk } {
  const command = argv[0]!.toString('latin1').toUpperCase();
  let parsed: unknown;
  try {
    parsed = JSON.parse(argv[1]!.toString());
  } catch {
    throw new PeerMessageError(`${command} header is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new PeerMessageError(`${command} header is not a JSON object`);
  const header = parsed as Record<string, unknown>;
  const fromAddr = optionalText(header, 'fromAddr');
  const dbid = optionalText(header, 'dbid');
  const m = checkedMessage(header);
  if (COMMAND[m.type] !== command) throw new PeerMessageError(`a '${m.type}' message cannot travel as ${command}`);
  if (m.type === 'snapshot') {
    const data = argv[2] ?? Buffer.alloc(0);
    return { msg: m, fromAddr, dbid, chunk: { ...checkedChunk(header.chunk, data.length), data } };
  }
  if (m.type !== 'append') return { msg: m, fromAddr, dbid };
  const decoded = decodeLogRecords(argv[2] ?? Buffer.alloc(0));
  if (decoded.damage) throw new PeerMessageError(`RAFT.AE entries damaged in transit: ${decoded.damage.reason}`);
  let lastTerm: number = m.prevTerm;
  const entries: Entry[] = decoded.records.map((r, i) => {
    if (r.index !== m.prevIndex + 1 + i) throw new PeerMessageError(`RAFT.AE entry ${i} has index ${r.index}, expected ${m.prevIndex + 1 + i}`);
    if (r.term < lastTerm || r.term > m.term) throw new PeerMessageError(`RAFT.AE entry ${r.index} has term ${r.term}, outside ${lastTerm}..${m.term}`);
    if (!ENTRY_TYPES.has(r.type)) throw new PeerMessageError(`RAFT.AE entry ${r.index} has unknown type ${r.type}`);
    if (r.type === EntryType.config) {
      try {
        decodeConfChange(r.payload);
      } catch (e) {
        throw new PeerMessageError(`RAFT.AE entry ${r.index} is not a readable configuration change: ${(e as Error).message}`);
      }
    }
    lastTerm = r.term;
    return { index: idx(r.index), term: trm(r.term), type: r.type as EntryType, data: r.payload };
  });
  return { msg: { ...m, entries }, fromAddr, dbid };
}
