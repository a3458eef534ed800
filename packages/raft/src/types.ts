// The vocabulary of the consensus core: ids, entries, messages, and what a
// Ready asks the host to do.

export type NodeId = number & { readonly __brand: 'NodeId' };
export type Term = number & { readonly __brand: 'Term' };
export type Index = number & { readonly __brand: 'Index' };

export const nodeId = (n: number) => n as NodeId;
export const term = (n: number) => n as Term;
export const index = (n: number) => n as Index;
export const NO_NODE = 0 as NodeId;

/** Entry kinds; the numeric codes are what the log file stores. */
export const EntryType = { normal: 0, config: 1, noop: 2 } as const;
export type EntryType = (typeof EntryType)[keyof typeof EntryType];

export interface Entry {
  readonly index: Index;
  readonly term: Term;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

export interface HardState {
  readonly term: Term;
  readonly vote: NodeId;
  readonly commit: Index;
}

export type Role = 'follower' | 'precandidate' | 'candidate' | 'leader';

export interface SoftState {
  readonly role: Role;
  readonly leader: NodeId;
  readonly term: Term;
}

export interface MemberInfo {
  readonly id: NodeId;
  readonly voter: boolean;
  /** Opaque to the core: the host stores the node's address here. */
  readonly addr: string;
}

export interface SnapshotMeta {
  readonly index: Index;
  readonly term: Term;
  readonly members: readonly MemberInfo[];
}

export type ConfChange =
  /** The first entry of a new cluster: its initial members. */
  | { readonly kind: 'bootstrap'; readonly id: NodeId; readonly members: readonly MemberInfo[] }
  | { readonly kind: 'add-learner'; readonly id: NodeId; readonly addr: string }
  | { readonly kind: 'promote'; readonly id: NodeId }
  | { readonly kind: 'remove'; readonly id: NodeId };

interface Envelope { readonly from: NodeId; readonly to: NodeId; readonly term: Term }

export interface AppendEntries extends Envelope {
  readonly type: 'append';
  readonly prevIndex: Index;
  readonly prevTerm: Term;
  readonly entries: readonly Entry[];
  readonly commit: Index;
}
export interface AppendEntriesResponse extends Envelope {
  readonly type: 'append-response';
  readonly success: boolean;
  /** On success: the last index now matching the leader. */
  readonly matchIndex: Index;
  /** On reject: where the leader should look next (fast back-off). */
  readonly hintIndex: Index;
  readonly hintTerm: Term;
}
export interface Heartbeat extends Envelope {
  readonly type: 'heartbeat';
  readonly commit: Index;
  /** Read-index round being confirmed; 0 = none. */
  readonly readRound: number;
}
export interface HeartbeatResponse extends Envelope {
  readonly type: 'heartbeat-response';
  readonly readRound: number;
}
export interface RequestVote extends Envelope {
  readonly type: 'vote';
  readonly preVote: boolean;
  readonly lastIndex: Index;
  readonly lastTerm: Term;
  /** Sent because of a leadership transfer: voters ignore their leader lease. */
  readonly transfer: boolean;
}
export interface RequestVoteResponse extends Envelope {
  readonly type: 'vote-response';
  readonly preVote: boolean;
  readonly granted: boolean;
}
export interface InstallSnapshot extends Envelope {
  readonly type: 'snapshot';
  /** The host streams the snapshot's bytes alongside; the core deals in its metadata. */
  readonly snapshot: SnapshotMeta;
}
export interface InstallSnapshotResponse extends Envelope {
  readonly type: 'snapshot-response';
  readonly success: boolean;
  readonly matchIndex: Index;
}
export interface TimeoutNow extends Envelope {
  readonly type: 'timeout-now';
}

export type Message =
  | AppendEntries | AppendEntriesResponse | Heartbeat | HeartbeatResponse
  | RequestVote | RequestVoteResponse | InstallSnapshot | InstallSnapshotResponse | TimeoutNow;

export interface ReadState {
  readonly requestId: number;
  /** The read may run once the applied index reaches this. */
  readonly index: Index;
}

/** What the host must do now. See docs/raft.md for the contract. */
export interface Ready {
  readonly softState: SoftState;
  /** Persist (with the entries below) when present. */
  readonly hardState: HardState | null;
  /** Delete log entries from this index on, before appending `entries`. */
  readonly truncateFrom: Index | null;
  readonly entries: readonly Entry[];
  /** A snapshot received from the leader: load it, then persist it. */
  readonly snapshot: SnapshotMeta | null;
  /** Send now. Messages that depend on durability are held until `persisted`. */
  readonly messages: readonly Message[];
  /** Apply, in order. */
  readonly committed: readonly Entry[];
  readonly readStates: readonly ReadState[];
  /** Reads that cannot complete here (leadership lost): answer them with a redirect or retry. */
  readonly failedReads: readonly number[];
  /** Non-zero when this Ready has something to persist: report it with persisted(seq). */
  readonly persistSeq: number;
}

export type ProposeResult =
  | { readonly ok: true; readonly index: Index; readonly term: Term }
  | { readonly ok: false; readonly reason: 'not-leader' | 'transferring' | 'config-pending' | 'bad-change' | 'overloaded'; readonly leader: NodeId; readonly message: string };
