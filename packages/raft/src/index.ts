export { RaftNode, InvariantError, type DurableState } from './raft-node.js';
export { RaftLog, entryCost, type EntrySource } from './raft-log.js';
export { Membership, encodeConfChange, decodeConfChange } from './membership.js';
export { DEFAULT_OPTIONS, withDefaults, type RaftOptions, type RaftOptionsInput } from './options.js';
export * from './types.js';
