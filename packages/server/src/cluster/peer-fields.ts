// The fields of a peer message's JSON header, checked one by one: a frame
// whose ids, terms, indexes or flags are missing or of the wrong kind is
// refused before anything reaches the Raft core, and the message handed on
// is built from the checked fields only (nothing else a sender adds
// travels further).
import {
  index as idx, nodeId, term as trm,
  type Index, type InstallSnapshot, type MemberInfo, type Message, type NodeId, type Term,
} from '@redisraft-wasm/raft';

export class PeerMessageError extends Error {
  override readonly name = 'PeerMessageError';
}

type Fields = Record<string, unknown>;

const MAX_NODE_ID = 2 ** 32 - 1;

function count(h: Fields, name: string): number {
  const v = h[name];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new PeerMessageError(`field '${name}' must be a non-negative integer`);
  return v;
}

function flag(h: Fields, name: string): boolean {
  const v = h[name];
  if (typeof v !== 'boolean') throw new PeerMessageError(`field '${name}' must be true or false`);
  return v;
}

function id(h: Fields, name: string): NodeId {
  const v = count(h, name);
  if (v === 0 || v > MAX_NODE_ID) throw new PeerMessageError(`field '${name}' must be a node id from 1 to ${MAX_NODE_ID}`);
  return nodeId(v);
}

const term = (h: Fields, name: string): Term => trm(count(h, name));
const index = (h: Fields, name: string): Index => idx(count(h, name));

function object(v: unknown, what: string): Fields {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new PeerMessageError(`${what} must be an object`);
  return v as Fields;
}

function members(v: unknown): MemberInfo[] {
  if (!Array.isArray(v)) throw new PeerMessageError("field 'snapshot.members' must be a list");
  return v.map((m: unknown) => {
    const f = object(m, 'a snapshot member');
    if (typeof f.addr !== 'string') throw new PeerMessageError("field 'addr' of a snapshot member must be a string");
    return { id: id(f, 'id'), voter: flag(f, 'voter'), addr: f.addr };
  });
}

/** The header's message, every field checked; `append` entries are added by the caller from the blob. */
export function checkedMessage(header: Fields): Exclude<Message, { type: 'append' }> | (Omit<Extract<Message, { type: 'append' }>, 'entries'> & { type: 'append' }) {
  const env = { from: id(header, 'from'), to: id(header, 'to'), term: term(header, 'term') };
  switch (header.type) {
    case 'append':
      return { ...env, type: 'append', prevIndex: index(header, 'prevIndex'), prevTerm: term(header, 'prevTerm'), commit: index(header, 'commit') };
    case 'append-response':
      return { ...env, type: 'append-response', success: flag(header, 'success'), matchIndex: index(header, 'matchIndex'), hintIndex: index(header, 'hintIndex'), hintTerm: term(header, 'hintTerm') };
    case 'heartbeat':
      return { ...env, type: 'heartbeat', commit: index(header, 'commit'), readRound: count(header, 'readRound') };
    case 'heartbeat-response':
      return { ...env, type: 'heartbeat-response', readRound: count(header, 'readRound') };
    case 'vote':
      return { ...env, type: 'vote', preVote: flag(header, 'preVote'), lastIndex: index(header, 'lastIndex'), lastTerm: term(header, 'lastTerm'), transfer: flag(header, 'transfer') };
    case 'vote-response':
      return { ...env, type: 'vote-response', preVote: flag(header, 'preVote'), granted: flag(header, 'granted') };
    case 'snapshot': {
      const s = object(header.snapshot, "field 'snapshot'");
      const snapshot = { index: index(s, 'index'), term: term(s, 'term'), members: members(s.members) };
      return { ...env, type: 'snapshot', snapshot } satisfies InstallSnapshot;
    }
    case 'snapshot-response':
      return { ...env, type: 'snapshot-response', success: flag(header, 'success'), matchIndex: index(header, 'matchIndex') };
    case 'timeout-now':
      return { ...env, type: 'timeout-now' };
    default:
      throw new PeerMessageError(`unknown message type ${JSON.stringify(header.type)}`);
  }
}

/** Where a RAFT.SNAPSHOT chunk goes, checked against the bytes that came with it. */
export function checkedChunk(v: unknown, dataBytes: number): { offset: number; size: number; last: boolean } {
  const c = object(v, "field 'chunk'");
  const offset = count(c, 'offset');
  const size = count(c, 'size');
  const last = flag(c, 'last');
  if (offset + dataBytes > size) throw new PeerMessageError(`a snapshot chunk of ${dataBytes} bytes at offset ${offset} overruns the file's ${size} bytes`);
  return { offset, size, last };
}

/** The sender's advertised address and cluster id: text, when present. */
export function optionalText(h: Fields, name: string): string {
  const v = h[name];
  if (v === undefined) return '';
  if (typeof v !== 'string') throw new PeerMessageError(`field '${name}' must be a string`);
  return v;
}
