// Where data commands run. The single-node executor applies them to the
// store at once; the Raft executor (cluster issue) proposes writes and
// confirms reads with a quorum before answering.
import type { Reply } from '@redisraft-wasm/resp';
import type { Store, CommandSpec } from '@redisraft-wasm/store';
import type { ClientSession } from './session.js';

export interface Executor {
  execute(session: ClientSession, argv: Buffer[], spec: CommandSpec): Reply | Promise<Reply>;
}

export class LocalExecutor implements Executor {
  constructor(private readonly store: Store) {}

  execute(session: ClientSession, argv: Buffer[]): Reply {
    return this.store.execute(argv, { nowMs: Date.now(), seed: (Math.random() * 2 ** 32) >>> 0, resp: session.proto });
  }
}
