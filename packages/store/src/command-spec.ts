// The command table as data (Redis's habit): arity, flags and key positions
// drive dispatch, arity errors, key extraction for -MOVED, and COMMAND replies.
import type { Reply } from '@redisraft-wasm/resp';
import type { Keyspace } from './keyspace.js';
import type { StoreEvents } from './notify.js';

export type CommandFlag =
  | 'write' | 'readonly' | 'denyoom' | 'fast' | 'random' | 'blocking' | 'noscript' | 'admin' | 'pubsub'
  | 'loading' | 'stale' | 'movablekeys' | 'no_auth' | 'allow_busy' | 'no_multi' | 'skip_slowlog' | 'no_mandatory_keys' | 'may_replicate';

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
  readonly group: string;
  readonly summary: string;
  readonly since: string;
  readonly complexity?: string;
}

/** What a command runs with: the database, and the clock and randomness of its log entry. */
export interface CommandContext {
  readonly db: Keyspace;
  readonly nowMs: number;
  /** Uniform in [0, 1), seeded from the entry, identical on every node. */
  readonly random: () => number;
  readonly resp: 2 | 3;
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

/**
 * Whether a command must go through the log: it writes, or (PUBLISH) it has
 * an effect every node must apply in the same order.
 */
export function replicates(spec: CommandSpec): boolean {
  return spec.flags.includes('write') || spec.flags.includes('may_replicate');
}

export function arityOk(spec: CommandSpec, argc: number): boolean {
  return spec.arity >= 0 ? argc === spec.arity : argc >= -spec.arity;
}
