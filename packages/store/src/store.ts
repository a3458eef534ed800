// The data engine: applies commands to the keyspace. Pure and deterministic:
// the clock and the random seed come from the caller (the log entry).
import { error, Errors, int, type Reply } from '@redisraft-wasm/resp';
import { arityOk, type CommandContext, type CommandSpec, type ExecContext, type StoreCommand } from './command-spec.js';
export type { ExecContext } from './command-spec.js';
import { Keyspace } from './keyspace.js';
import { seededRandom } from './prng.js';
import type { Value } from './value.js';
import { stringCommands } from './t-string.js';
import { keyCommands } from './t-keys.js';
import { listCommands } from './t-list.js';
import { hashCommands } from './t-hash.js';
import { setCommands } from './t-set.js';
import { zsetCommands } from './t-zset.js';
import { scanCommands } from './t-scan.js';
import { bitmapCommands } from './t-bitmap.js';
import { hllCommands } from './t-hll.js';
import { objectCommands } from './t-object.js';
import { sortCommands } from './t-sort.js';
import { blockingCommands } from './t-blocking.js';
import { formatId } from './stream.js';
import { streamCommands } from './t-stream.js';
import { geoCommands } from './t-geo.js';
import { pubsubCommands } from './t-pubsub.js';
import { StoreEvents } from './notify.js';

/** Every command family, one import line each. */
const FAMILIES: readonly (readonly StoreCommand[])[] = [stringCommands, keyCommands, listCommands, hashCommands, setCommands, zsetCommands, scanCommands, bitmapCommands, hllCommands, streamCommands, objectCommands, sortCommands, blockingCommands, geoCommands, pubsubCommands];

export interface SnapshotRecord {
  readonly key: Buffer;
  readonly value: Value;
  readonly expireAt: number;
  readonly version: number;
}

/**
 * State kept beside the keyspace that is replicated with it (the script
 * cache, function libraries): saved into snapshots, reset and reloaded with
 * them. FLUSHALL leaves it alone, as Redis does.
 */
export interface StoreExtension {
  /** The state as bytes, or null when there is nothing to keep. */
  save(): Buffer | null;
  /** Replaces the state (null = empty). */
  load(data: Buffer | null): void;
}

export interface StoreSnapshot {
  /** The store's clock and change counter at the start: a loaded copy continues from them. */
  readonly clockMs: number;
  readonly keyClock: number;
  readonly keys: number;
  readonly expires: number;
  /** Each extension's state at the start, by name. */
  readonly extensions: readonly (readonly [string, Buffer])[];
  /** Up to `max` keys as of the start; an empty array means done. */
  next(max: number): SnapshotRecord[];
  close(): void;
}


/** The internal command that carries the leader's active expiry through the log. */
export const EXPIRED_KEYS = Buffer.from('\0expired-keys', 'latin1');

export interface StoreOptions {
  databases?: number;
  /** Commands built outside the store (DUMP/RESTORE need the RDB codec, which the store does not import). */
  extraCommands?: readonly StoreCommand[];
}

export interface StoreLoader {
  load(key: Buffer, value: Value, expireAt: number, version: number): void;
  /** An extension's saved state; names no extension knows are ignored. */
  extension(name: string, data: Buffer): void;
  finish(clockMs: number, keyClock: number): void;
}

export class Store {
  readonly commands: ReadonlyMap<string, StoreCommand>;
  /** PUBLISH and keyspace notifications: the server plugs its Pub/Sub hub in as `events.sink` and sets `events.flags`. */
  readonly events = new StoreEvents();
  private readonly db: Keyspace;
  /** The store's own clock never runs backwards, so a new leader with a slow clock can't revive expired keys. */
  private clockMs = 0;
  private readonly extensions = new Map<string, StoreExtension>();

  constructor(opts: StoreOptions = {}) {
    const map = new Map<string, StoreCommand>();
    for (const family of [...FAMILIES, opts.extraCommands ?? []]) {
      for (const cmd of family) {
        if (map.has(cmd.name)) throw new Error(`command '${cmd.name}' is declared twice`);
        map.set(cmd.name, cmd);
      }
    }
    this.commands = map;
    // Only database 0 exists: SELECT of any other is refused by the server (consensus keeps one keyspace).
    this.db = new Keyspace(this.events);
  }

  /** Runs one command; argv[0] is its name in any case. */
  execute(argv: readonly Buffer[], ctx: ExecContext): Reply {
    if (argv[0]![0] === 0) return this.internal(argv, ctx);
    const name = argv[0]!.toString('latin1').toLowerCase();
    const cmd = this.commands.get(name);
    if (!cmd) return error(Errors.unknownCommand(argv[0]!.toString('latin1'), argv.slice(1)));
    if (!arityOk(cmd, argv.length)) return error(Errors.wrongArity(name));
    let nowMs: number;
    if (ctx.readOnly) {
      if (cmd.flags.includes('write')) return error(`ERR '${name}' writes and cannot run as a read`);
      nowMs = Math.max(this.clockMs, ctx.nowMs);
    } else {
      if (ctx.nowMs > this.clockMs) this.clockMs = ctx.nowMs;
      nowMs = this.clockMs;
    }
    const context: CommandContext = { db: this.db, nowMs, random: seededRandom(ctx.seed), resp: ctx.resp ?? 2, seed: ctx.seed, readOnly: ctx.readOnly === true, fromScript: ctx.fromScript === true, store: this, events: this.events };
    return cmd.handler(context, argv);
  }

  /** Whether the command exists and only reads. */
  spec(name: string): CommandSpec | undefined {
    return this.commands.get(name);
  }

  dbsize(): number {
    return this.db.size;
  }

  expiresCount(): number {
    return this.db.expiresCount;
  }

  memoryUsage(): number {
    return this.db.usedBytes;
  }

  /** Changes whenever the key is modified; identical on every node. For WATCH. */
  keyVersion(key: Buffer, nowMs = 0): number {
    // Time never runs backwards for the keyspace (as in execute): a key expired as of `nowMs` has version 0.
    return this.db.version(key, Math.max(this.clockMs, nowMs));
  }

  /** Keys that became non-empty lists, sorted sets or streams since the last call (for blocking commands). */
  takeReadyKeys(): Buffer[] {
    return [];
  }

  /**
   * A point-in-time view for writing a snapshot while commands keep running:
   * read it in slices with next(); close() when abandoning it.
   */
  /** Adds replicated state that lives beside the keyspace (see StoreExtension). */
  addExtension(name: string, ext: StoreExtension): void {
    if (this.extensions.has(name)) throw new Error(`store extension '${name}' is added twice`);
    this.extensions.set(name, ext);
  }

  beginSnapshot(): StoreSnapshot {
    const ks = this.db.beginSnapshot();
    const extensions: [string, Buffer][] = [];
    for (const [name, ext] of this.extensions) {
      const data = ext.save();
      if (data) extensions.push([name, data]);
    }
    return {
      extensions,
      clockMs: this.clockMs,
      keyClock: ks.keyClock,
      keys: this.db.size,
      expires: this.db.expiresCount,
      next: (max) => ks.next(max).map(([k, e]) => ({ key: Buffer.from(k, 'latin1'), value: e.value, expireAt: e.expireAt, version: e.version })),
      close: () => ks.close(),
    };
  }

  /** Replaces everything by a snapshot's contents: call load() per key, then finish(). */
  beginLoad(): StoreLoader {
    this.db.flush();
    this.clockMs = 0;
    for (const ext of this.extensions.values()) ext.load(null);
    return {
      load: (key, value, expireAt, version) => this.db.load(key, value, expireAt, version),
      extension: (name, data) => this.extensions.get(name)?.load(data),
      finish: (clockMs, keyClock) => {
        this.clockMs = clockMs;
        this.db.setKeyClock(keyClock);
      },
    };
  }

  /**
   * Commands only the server itself puts into the log (names start with a
   * NUL byte, which the command table never matches): EXPIRED_KEYS deletes
   * the given keys that are due as of the entry's time, which is exactly
   * what lazy expiry would decide on every node.
   */
  private internal(argv: readonly Buffer[], ctx: ExecContext): Reply {
    if (ctx.readOnly) return error('ERR internal commands cannot run as reads');
    if (ctx.nowMs > this.clockMs) this.clockMs = ctx.nowMs;
    if (argv[0]!.equals(EXPIRED_KEYS)) {
      const before = this.db.size;
      for (const k of argv.slice(1)) this.db.getForWrite(k, this.clockMs);
      return int(before - this.db.size);
    }
    return error('ERR unknown internal command');
  }

  /** Whether a client blocked on `key` waiting for a `kind` could be served now (empty collections do not exist). */
  hasDataFor(key: Buffer, kind: 'list' | 'zset'): boolean {
    return this.db.get(key, this.clockMs)?.value.type === kind;
  }

  /** The last id of the stream at key ("ms-seq"), or null when it is not a stream: what XREAD's `$` stands for. */
  streamLastId(key: Buffer): string | null {
    const v = this.db.get(key, this.clockMs)?.value;
    return v?.type === 'stream' ? formatId(v.stream.lastId) : null;
  }

  expiredTotal(): number {
    return this.db.expiredTotal;
  }

  /** Keys whose expiry has passed, for the leader to delete through the log. */
  expiredKeys(nowMs: number, limit: number): Buffer[] {
    return this.db.expired(nowMs, limit);
  }
}
