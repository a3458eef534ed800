import type { EntrySource } from './raft-log.js';
import type { MemberInfo, NodeId } from './types.js';

export interface RaftOptions {
  readonly id: NodeId;
  /** Ticks without hearing from a leader before an election; randomised in [t, 2t). */
  readonly electionTicks: number;
  /** Ticks between heartbeats; also the resend interval for stalled replication. */
  readonly heartbeatTicks: number;
  readonly maxEntriesPerMsg: number;
  readonly maxBytesPerMsg: number;
  /** AppendEntries in flight per follower while pipelining. */
  readonly maxInflight: number;
  /** Proposals are refused ('overloaded') while this many entries wait to commit: bounded memory, bounded catch-up. */
  readonly maxUncommittedEntries: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** Leader promotes learners whose log has caught up. */
  readonly autoPromote: boolean;
  /** Uniform in [0, 1): the only source of randomness (election timeouts). */
  readonly random: () => number;
  /** Reads evicted entries back from the host's log file; null = everything stays in memory. */
  readonly entrySource: EntrySource | null;
  /** Bytes of durable, applied entries kept in memory when an entrySource exists. */
  readonly maxCacheBytes: number;
  /** Bound on the committed entries one Ready hands out (a restart replays in slices). */
  readonly maxApplyEntries: number;
  readonly maxApplyBytes: number;
}

export const DEFAULT_OPTIONS = {
  electionTicks: 10,
  heartbeatTicks: 2,
  maxEntriesPerMsg: 512,
  maxBytesPerMsg: 1024 * 1024,
  maxInflight: 64,
  maxUncommittedEntries: 8192,
  preVote: true,
  checkQuorum: true,
  autoPromote: true,
  entrySource: null,
  maxCacheBytes: 8_000_000,
  maxApplyEntries: 8192,
  maxApplyBytes: 64 * 1024 * 1024,
} as const;

export type RaftOptionsInput = Partial<RaftOptions> & Pick<RaftOptions, 'id' | 'random'>;

export function withDefaults(o: RaftOptionsInput): RaftOptions {
  const merged = { ...DEFAULT_OPTIONS, ...o };
  if (merged.heartbeatTicks >= merged.electionTicks) throw new RangeError('heartbeatTicks must be below electionTicks');
  if (merged.maxInflight < 1 || merged.maxEntriesPerMsg < 1) throw new RangeError('maxInflight and maxEntriesPerMsg must be positive');
  return merged;
}

/** What a node starts from: its durable state, or a brand-new cluster's first membership. */
export interface RaftBootstrap {
  readonly members?: readonly MemberInfo[];
}
