// Where data commands run. The single-node executor applies them to the
// store at once; the Raft executor (cluster issue) proposes writes and
// confirms reads with a quorum before answering.
import { array, NIL_ARRAY, type Reply } from '@redisraft-wasm/resp';
import type { Store, CommandSpec } from '@redisraft-wasm/store';
import type { ClientSession } from './session.js';

export interface Executor {
  execute(session: ClientSession, argv: Buffer[], spec: CommandSpec): Reply | Promise<Reply>;
  /** EXEC: the queued commands as one atomic unit, aborted (nil) if a watched key changed. */
  transaction(session: ClientSession, commands: Buffer[][], specs: CommandSpec[]): Reply | Promise<Reply>;
  /** WATCH: the key's current version, or a redirect. */
  watchVersion(session: ClientSession, key: Buffer): number | Reply;
  /** WATCH kept on another node (a follower proxying to the leader): its reply, or null to watch here. */
  watchRemote?(session: ClientSession, keys: Buffer[]): Promise<Reply> | null;
  /** UNWATCH, DISCARD, EXEC or a closed connection ended what watchRemote started. */
  endRemoteWatch?(session: ClientSession): void;
}

export class LocalExecutor implements Executor {
  constructor(private readonly store: Store) {}

  execute(session: ClientSession, argv: Buffer[]): Reply {
    return this.store.execute(argv, { nowMs: Date.now(), seed: (Math.random() * 2 ** 32) >>> 0, resp: session.proto });
  }

  transaction(session: ClientSession, commands: Buffer[][]): Reply {
    for (const w of session.watched.values()) if (this.store.keyVersion(w.key, Date.now()) !== w.version) return NIL_ARRAY;
    return array(commands.map((argv) => this.execute(session, argv)));
  }

  watchVersion(_session: ClientSession, key: Buffer): number {
    return this.store.keyVersion(key, Date.now());
  }
}
