// Active expiry, decided by the leader: it samples keys past their expiry
// and appends their deletion to the log (an internal command that deletes
// what is due as of the entry's time), so followers never expire on their
// own and every node deletes the same keys at the same index.
import { index as idx, type Index, type RaftNode } from '@redisraft-wasm/raft';
import { EXPIRED_KEYS, type Store } from '@redisraft-wasm/store';
import { encodeEntryPayload } from './entry-payload.js';

/** Runs every this many core ticks (100 ms) and deletes at most this many keys per round. */
export const EXPIRY_EVERY_TICKS = 10;
const EXPIRY_KEYS_PER_ROUND = 64;

export class ActiveExpiry {
  /** Index of the last expiry entry; none is proposed until it is applied. */
  private inFlight: Index = idx(0);

  constructor(private readonly store: Store, private readonly node: () => RaftNode | null, private readonly applied: () => Index) {}

  round(): void {
    const node = this.node();
    if (!node?.isLeader || this.inFlight > this.applied() || this.store.expiresCount() === 0) return;
    const keys = this.store.expiredKeys(Date.now(), EXPIRY_KEYS_PER_ROUND);
    if (keys.length === 0) return;
    const payload = encodeEntryPayload({ timeMs: Date.now(), seed: 0, commands: [[EXPIRED_KEYS, ...keys]], watches: [] });
    const r = node.propose(payload);
    if (r.ok) this.inFlight = r.index;
  }
}
