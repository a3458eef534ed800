// EVAL's scripts by SHA1, compiled once. Replicated state: a script enters
// the cache only when a log entry (EVAL, SCRIPT LOAD) is applied, so every
// node holds the same scripts at the same index. Reads served outside the
// log (EVAL_RO) compile into a local cache that is never consulted by an
// entry being applied, so no node can decide differently from the others.
import { error, type ErrorReply } from '@redisraft-wasm/resp';
import type { StoreExtension } from '@redisraft-wasm/store';
import { sha1hex, type LuaRuntime } from './lua-runtime.js';
import { parseShebang, type Shebang } from './shebang.js';
import { joinLengthPrefixed, splitLengthPrefixed } from './length-prefixed.js';

export interface CachedScript {
  readonly sha: string;
  readonly body: Buffer;
  readonly shebang: Shebang;
  /** Registry key of the compiled function. */
  readonly ref: string;
}

export const NOSCRIPT = 'NOSCRIPT No matching script. Please use EVAL.';

export class ScriptCache implements StoreExtension {
  private readonly scripts = new Map<string, CachedScript>();
  /** Compiled by reads only: local to this node, bounded, never used by an applied entry. */
  private readonly local = new Map<string, CachedScript>();
  private static readonly LOCAL_MAX = 1000;

  constructor(private readonly runtime: LuaRuntime) {}

  /** The replicated script, if loaded. */
  get(sha: string): CachedScript | undefined {
    return this.scripts.get(sha.toLowerCase());
  }

  /** For reads: the replicated script or one compiled locally by an earlier read. */
  getForRead(sha: string): CachedScript | undefined {
    const s = sha.toLowerCase();
    return this.scripts.get(s) ?? this.local.get(s);
  }

  has(sha: string): boolean {
    return this.scripts.has(sha.toLowerCase());
  }

  get size(): number {
    return this.scripts.size;
  }

  /** Bytes of the cached bodies (INFO used_memory_scripts_eval). */
  bodyBytes(): number {
    let n = 0;
    for (const s of this.scripts.values()) n += s.body.length + 40;
    return n;
  }

  /** Compiles and keeps `body` (an applied entry); the script or Redis's error. */
  add(body: Buffer): CachedScript | ErrorReply {
    const sha = sha1hex(body);
    const known = this.scripts.get(sha);
    if (known) return known;
    const local = this.local.get(sha);
    if (local) {
      this.local.delete(sha);
      this.scripts.set(sha, local);
      return local;
    }
    const s = this.compile(sha, body);
    if (!('ref' in s)) return s;
    this.scripts.set(sha, s);
    return s;
  }

  /** For a read: the script, compiled into the local cache when it is not replicated yet. */
  addForRead(body: Buffer): CachedScript | ErrorReply {
    const sha = sha1hex(body);
    const known = this.getForRead(sha);
    if (known) return known;
    const s = this.compile(sha, body);
    if (!('ref' in s)) return s;
    if (this.local.size >= ScriptCache.LOCAL_MAX) {
      const oldest = this.local.keys().next().value!;
      this.runtime.release(this.local.get(oldest)!.ref);
      this.local.delete(oldest);
    }
    this.local.set(sha, s);
    return s;
  }

  private compile(sha: string, body: Buffer): CachedScript | ErrorReply {
    const sb = parseShebang(body);
    if (!sb.ok) return error(sb.error);
    const c = this.runtime.compile(body.subarray(sb.shebang.length), '@user_script');
    if (!c.ok) return error(`ERR Error compiling script (new function): ${c.message}`);
    return { sha, body, shebang: sb.shebang, ref: c.ref };
  }

  flush(): void {
    for (const s of this.scripts.values()) this.runtime.release(s.ref);
    for (const s of this.local.values()) this.runtime.release(s.ref);
    this.scripts.clear();
    this.local.clear();
    this.runtime.collect();
  }

  /** Snapshot form: the bodies, length-prefixed, in load order. */
  save(): Buffer | null {
    return this.scripts.size === 0 ? null : joinLengthPrefixed([...this.scripts.values()].map((s) => s.body));
  }

  load(data: Buffer | null): void {
    this.flush();
    if (!data) return;
    for (const body of splitLengthPrefixed(data)) {
      const r = this.add(body);
      // Every body in a snapshot compiled when it was first loaded: failing now means the snapshot is damaged.
      if (!('ref' in r)) throw new Error(`a script in the snapshot does not compile: ${r.message}`);
    }
  }
}
