// Server-level commands (connection, introspection, admin) share the
// CommandSpec shape of the store's data commands; one table holds both.
import type { Reply } from '@redisraft-wasm/resp';
import type { CommandSpec } from '@redisraft-wasm/store';
import type { ClientSession } from './session.js';
import type { NodeContext } from './node-context.js';

export type ServerHandler = (node: NodeContext, session: ClientSession, argv: Buffer[]) => Reply | Promise<Reply>;

/**
 * Marks a command (or some of its subcommands) as internal, for peers only:
 * returns the name Redis would give the call in a NOPERM error
 * (`raft.ae`, `raft.node|add`), or null when this call is not internal.
 */
export type InternalCheck = (argv: readonly Buffer[]) => string | null;

export interface ServerCommand extends CommandSpec {
  readonly handler: ServerHandler;
  readonly internal?: InternalCheck;
}

/** A table entry: either a server command (with handler) or a data command run by the executor. */
export type TableEntry = { readonly spec: CommandSpec; readonly server?: ServerHandler; readonly internal?: InternalCheck };

export const NO_KEYS = { firstKey: 0, lastKey: 0, keyStep: 0 } as const;
