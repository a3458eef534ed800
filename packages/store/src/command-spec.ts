// The command table as data (Redis's habit): arity, flags and key positions
// drive dispatch, arity errors, key extraction for -MOVED, and COMMAND replies.
import type { Reply } from '@redisraft-wasm/resp';
import type { Keyspace } from './keyspace.js';
import type { StoreEvents } from './notify.js';

export type CommandFlag =
  | 'write' | 'readonly' | 'denyoom' | 'fast' | 'random' | 'blocking' | 'noscript' | 'admin' | 'pubsub'
  | 'loading' | 'stale' | 'movablekeys' | 'may_replicate' | 'skip_monitor' | 'no_auth' | 'allow_busy' | 'no_multi' | 'skip_slowlog' | 'no_mandatory_keys';

export interface CommandSpec {
  /** Lowercase name, as COMMAND prints it. */
  readonly name: string;
  /** Redis convention: N = exactly N arguments including the name, -N = at least N. */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** 1-based argv positions of the first and last key (lastKey -1 = the last argument), step between keys; 0 = no keys. */
  readonly firstKey: number;
  readonly lastKey: number;
  readonly keyStep: number;
  /** Key positions for commands whose keys move (numkeys arguments); overrides first/last/step. */
  readonly getKeys?: (argv: readonly Buffer[]) => number[];
  /**
   * For commands whose reads and writes depend on the call (EVAL of a
   * `no-writes` script): true when this invocation only reads, so it is
   * served like a read instead of going through the log.
   */
  readonly readOnlyCall?: (argv: readonly Buffer[]) => boolean;
  readonly group: string;
  readonly summary: string;
  readonly since: string;
  readonly complexity?: string;
}

export interface ExecContext {
  /** The entry's time (leader clock when proposed), ms since the epoch. */
  nowMs: number;
  /** 32-bit seed for commands that draw random numbers. */
  seed: number;
  /** Protocol of the client the reply goes to, where reply shapes differ (default 2). */
  resp?: 2 | 3;
  /**
   * A read served outside the log (ReadIndex or local read): it must not move
   * the store's clock, which only log entries may advance, or expiry
   * decisions would differ between nodes. Write commands are refused.
   */
  readOnly?: boolean;
  /** Run by a script: Redis gives a few commands a deterministic order there (SORT BY a constant on a set). */
  fromScript?: boolean;
}

/** What commands that run other commands (scripts) call: the store's own dispatch. */
export interface CommandRunner {
  execute(argv: readonly Buffer[], ctx: ExecContext): Reply;
  spec(name: string): CommandSpec | undefined;
}

/** What a command runs with: the database, and the clock and randomness of its log entry. */
export interface CommandContext {
  readonly db: Keyspace;
  readonly nowMs: number;
  /** Uniform in [0, 1), seeded from the entry, identical on every node. */
  readonly random: () => number;
  readonly resp: 2 | 3;
  /** The entry's seed, for commands that run others (scripts): each nested call draws its own from `random`. */
  readonly seed: number;
  /** Served as a read, outside the log: writes are refused. */
  readonly readOnly: boolean;
  /** Run by a script (see ExecContext.fromScript). */
  readonly fromScript: boolean;
  /** The store itself, for commands that run other commands (scripts). */
  readonly store: CommandRunner;
  /** PUBLISH and keyspace notifications leave through here (see notify()). */
  readonly events: StoreEvents;
}

export type CommandHandler = (ctx: CommandContext, argv: readonly Buffer[]) => Reply;

export interface StoreCommand extends CommandSpec {
  readonly handler: CommandHandler;
}

/** Argv positions of the keys of a command, from its spec. */
export function commandKeys(spec: CommandSpec, argv: readonly Buffer[]): number[] {
  if (spec.getKeys) return spec.getKeys(argv);
  if (spec.firstKey === 0) return [];
  const last = spec.lastKey < 0 ? argv.length + spec.lastKey : spec.lastKey;
  const keys: number[] = [];
  for (let i = spec.firstKey; i <= last && i < argv.length; i += spec.keyStep) keys.push(i);
  return keys;
}

export function arityOk(spec: CommandSpec, argc: number): boolean {
  return spec.arity >= 0 ? argc === spec.arity : argc >= -spec.arity;
}

/**
 * Whether this call changes replicated state and so goes through the log:
 * write commands, and may_replicate ones (EVAL, SCRIPT LOAD) unless the
 * call says it only reads (a no-writes script, SCRIPT EXISTS).
 */
export function callWrites(spec: CommandSpec, argv: readonly Buffer[]): boolean {
  if (!spec.flags.includes('write') && !spec.flags.includes('may_replicate')) return false;
  return !(spec.readOnlyCall?.(argv) ?? false);
}
