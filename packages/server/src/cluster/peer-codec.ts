// Raft messages as RESP commands between nodes. Each message is one
// command; its fields travel as a small JSON header and entries as one
// bulk string framed by the WebAssembly log codec (CRC-checked, one encode
// per batch). Messages are one-way: the reply is a bare +OK.
import { decodeLogRecords, encodeLogRecords } from '@redisraft-wasm/wasm';
import { index as idx, term as trm, type Entry, type EntryType, type InstallSnapshot, type Message } from '@redisraft-wasm/raft';

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

export function decodePeerMessage(argv: readonly Buffer[]): { msg: Message; fromAddr: string; dbid: string; chunk?: SnapshotChunk } {
  const { fromAddr, dbid: sentDbid, chunk, ...header } = JSON.parse(argv[1]!.toString()) as Message & { fromAddr?: string; dbid?: string; chunk?: Omit<SnapshotChunk, 'data'> };
  const addr = typeof fromAddr === 'string' ? fromAddr : '';
  const dbid = typeof sentDbid === 'string' ? sentDbid : '';
  if (header.type === 'snapshot') {
    if (!chunk || !Number.isSafeInteger(chunk.offset) || !Number.isSafeInteger(chunk.size)) throw new Error('RAFT.SNAPSHOT without its chunk position');
    return { msg: header as Message, fromAddr: addr, dbid, chunk: { ...chunk, data: argv[2] ?? Buffer.alloc(0) } };
  }
  if (header.type !== 'append') return { msg: header as Message, fromAddr: addr, dbid };
  const blob = argv[2] ?? Buffer.alloc(0);
  const decoded = decodeLogRecords(blob);
  if (decoded.damage) throw new Error(`RAFT.AE entries damaged in transit: ${decoded.damage.reason}`);
  const entries: Entry[] = decoded.records.map((r) => ({ index: idx(r.index), term: trm(r.term), type: r.type as EntryType, data: r.payload }));
  return { msg: { ...header, entries }, fromAddr: addr, dbid };
}
