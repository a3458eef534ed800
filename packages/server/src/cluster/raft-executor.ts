// Where data commands go in a Raft node: nowhere before INIT/JOIN
// (-NOCLUSTER), to the leader (-MOVED, so cluster-aware clients follow),
// writes through the log, reads through ReadIndex (or locally with
// quorum-reads no), and locally for bare commands in explicit mode.
import { array, error, Errors, NIL_ARRAY, type Reply } from '@redisraft-wasm/resp';
import { blockedOn, callWrites, commandKeys, parseBlockTimeout, type BlockSpec, type CommandSpec, type Store } from '@redisraft-wasm/store';
import { randomInt } from 'node:crypto';
import type { NodeConfig } from '../config/index.js';
import type { Executor } from '../executor.js';
import type { ClientSession } from '../session.js';
import { keySlot } from './key-slot.js';
import { LeaderProxy } from './leader-proxy.js';
import type { RaftHost } from './raft-host.js';

interface StreamBlock {
  readonly argv: Buffer[];
  readonly keys: Buffer[];
  readonly timeoutMs: number;
}

/**
 * The BLOCK timeout and stream keys of an XREAD/XREADGROUP, with `$` ids
 * replaced by the stream's current last id; null without a valid BLOCK
 * (the store answers such a command, errors included, on its own).
 */
function streamBlock(argv: Buffer[], store: Store): StreamBlock | null {
  let timeoutMs = -1;
  let streamsAt = -1;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!.toString('latin1').toLowerCase();
    if (a === 'block' && i + 1 < argv.length) {
      const t = argv[++i]!.toString('latin1');
      if (!/^\d+$/.test(t)) return null;
      timeoutMs = Number(t);
    } else if (a === 'count' && i + 1 < argv.length) i++;
    else if (a === 'group' && i + 2 < argv.length) i += 2;
    else if (a === 'noack') continue;
    else if (a === 'streams') { streamsAt = i; break; }
    else return null;
  }
  if (timeoutMs < 0 || streamsAt < 0) return null;
  const rest = argv.length - streamsAt - 1;
  if (rest === 0 || rest % 2 !== 0) return null;
  const n = rest / 2;
  const keys = argv.slice(streamsAt + 1, streamsAt + 1 + n);
  const out = [...argv];
  for (let j = 0; j < n; j++) {
    const idAt = streamsAt + 1 + n + j;
    if (argv[idAt]!.toString('latin1') === '$') out[idAt] = Buffer.from(store.streamLastId(keys[j]!) ?? '0-0');
  }
  return { argv: out, keys, timeoutMs };
}

export class RaftExecutor implements Executor {
  private readonly proxy = new LeaderProxy(() => this.host.peerCredentials());

  close(): void {
    this.proxy.close();
  }

  constructor(
    private readonly host: RaftHost,
    private readonly store: Store,
    private readonly config: NodeConfig,
  ) {}

  execute(session: ClientSession, argv: Buffer[], spec: CommandSpec): Reply | Promise<Reply> {
    if (this.host.state !== 'up') return error(Errors.noCluster);
    if (!this.config.bool('raftize-all-commands')) return this.local(session, argv);
    return this.replicated(session, argv, spec);
  }

  /** Through Raft: the leader proposes writes and confirms reads; others redirect or proxy. */
  replicated(session: ClientSession, argv: Buffer[], spec: CommandSpec): Reply | Promise<Reply> {
    if (!this.host.isLeader) {
      const leader = this.host.leaderAddr();
      // A blocking command would stall the proxy's shared connection: those are redirected instead.
      const blocks = blockedOn.has(spec.name) || ((spec.name === 'xread' || spec.name === 'xreadgroup') && streamBlock(argv, this.store) !== null);
      if (leader && this.config.bool('follower-proxy') && !blocks) return this.proxy.forward(leader, session.proto, argv);
      return this.redirect(argv, spec);
    }
    if ((spec.name === 'xread' || spec.name === 'xreadgroup') && session.multi === null) {
      const block = streamBlock(argv, this.store);
      if (block) return this.blockingStreamRead(session, block.argv, spec, block);
    }
    // Writes, and PUBLISH (may_replicate: every node delivers it to its own subscribers as it applies the entry).
    if (callWrites(spec, argv)) {
      const block = blockedOn.get(spec.name);
      return block ? this.blocking(session, argv, spec, block) : this.host.propose([argv], (r) => r![0]!);
    }
    if (this.config.bool('quorum-reads')) return this.host.read(() => this.readNow(session, argv));
    return this.host.readLocal(() => this.readNow(session, argv));
  }

  /**
   * BLPOP and friends: each attempt goes through the log (the store pops, or
   * answers as a timeout would); between attempts the leader holds the
   * client until a key has data, the timeout passes, or leadership moves.
   */
  private blocking(session: ClientSession, argv: Buffer[], spec: CommandSpec, block: BlockSpec): Promise<Reply> {
    const attempt = () => this.host.propose([argv], (r) => r![0]!);
    const timeout = parseBlockTimeout(block.timeoutArg(argv), Date.now());
    // A bad timeout: the store answers the error, through the log like any reply.
    if (typeof timeout !== 'number') return attempt();
    const keys = block.keys(argv);
    const ready = () => keys.some((k) => this.store.hasDataFor(k, block.kind));
    return this.retryUntilServed(session, argv, spec, timeout, attempt, () => ready, () => block.timeoutReply);
  }

  /**
   * XREAD/XREADGROUP ... BLOCK ms: each attempt is a normal read (XREAD) or
   * log entry (XREADGROUP); between attempts the client waits until one of
   * its streams gets a new entry. `$` was pinned to each stream's last id
   * before the first attempt, so an entry added while waiting is seen.
   */
  private blockingStreamRead(session: ClientSession, argv: Buffer[], spec: CommandSpec, block: StreamBlock): Promise<Reply> {
    const attempt = () => (spec.flags.includes('write') ? this.host.propose([argv], (r) => r![0]!) : this.host.read(() => this.readNow(session, argv)));
    const changedSinceNow = () => {
      const lastIds = block.keys.map((k) => this.store.streamLastId(k));
      return () => block.keys.some((k, i) => this.store.streamLastId(k) !== lastIds[i]);
    };
    return this.retryUntilServed(session, argv, spec, block.timeoutMs, attempt, changedSinceNow, (last) => last);
  }

  /**
   * The waiting shared by every blocking command: try; when nothing was
   * served, hold the client (on the leader) until `readyAfter()`'s test
   * (taken before the attempt) holds, then try again. Timeouts answer with
   * `onTimeout`; a leadership move with -MOVED to the new leader.
   */
  private async retryUntilServed(
    session: ClientSession, argv: Buffer[], spec: CommandSpec, timeoutMs: number,
    attempt: () => Promise<Reply>, readyAfter: () => () => boolean, onTimeout: (last: Reply) => Reply,
  ): Promise<Reply> {
    const deadline = timeoutMs === 0 ? Infinity : Date.now() + timeoutMs;
    // Blocked from the first attempt that found nothing to the reply, retries and the wait for a new leader included.
    let blocked = false;
    try {
      for (;;) {
        const ready = readyAfter();
        const reply = await attempt();
        if (reply.kind !== 'nil' && reply.kind !== 'nilArray') return reply;
        if (Date.now() >= deadline) return onTimeout(reply);
        if (!blocked) { blocked = true; session.blockedWaits++; }
        const outcome = await this.host.waitForData(ready, deadline, session.socket);
        if (outcome === 'lost') {
          // Point the client at the new leader once there is one (an election takes about one timeout).
          const until = Date.now() + 2 * this.host.electionTimeoutMs();
          while (!this.host.leaderAddr() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
          return this.redirect(argv, spec);
        }
        if (outcome !== 'ready') return onTimeout(reply);
      }
    } finally {
      if (blocked) session.blockedWaits--;
    }
  }

  transaction(session: ClientSession, commands: Buffer[][], specs: CommandSpec[]): Reply | Promise<Reply> {
    if (this.host.state !== 'up') return error(Errors.noCluster);
    if (!this.config.bool('raftize-all-commands')) {
      for (const w of session.watched.values()) if (this.store.keyVersion(w.key, Date.now()) !== w.version) return NIL_ARRAY;
      return array(commands.map((argv) => this.local(session, argv)));
    }
    if (!this.host.isLeader) {
      const leader = this.host.leaderAddr();
      if (leader && this.config.bool('follower-proxy')) {
        if (session.remoteWatch) return this.proxy.execWatched(session.id, commands);
        return this.proxy.forwardTransaction(leader, session.proto, commands);
      }
      const i = specs.findIndex((s, k) => commandKeys(s, commands[k]!).length > 0);
      return this.redirect(i >= 0 ? commands[i]! : [], i >= 0 ? specs[i] : undefined);
    }
    return this.host.propose(commands, (r) => (r === null ? NIL_ARRAY : array(r)), [...session.watched.values()]);
  }

  watchRemote(session: ClientSession, keys: Buffer[]): Promise<Reply> | null {
    if (this.host.state !== 'up' || !this.config.bool('raftize-all-commands') || this.host.isLeader || !this.config.bool('follower-proxy')) return null;
    const leader = this.host.leaderAddr();
    return leader ? this.proxy.watch(session.id, leader, session.proto, keys) : null;
  }

  endRemoteWatch(session: ClientSession): void {
    this.proxy.endSession(session.id);
  }

  watchVersion(_session: ClientSession, key: Buffer): number | Reply {
    if (this.host.state !== 'up') return error(Errors.noCluster);
    if (this.config.bool('raftize-all-commands') && !this.host.isLeader) {
      const leader = this.host.leaderAddr();
      return leader ? error(`MOVED ${keySlot(key)} ${leader}`) : error(Errors.noLeader);
    }
    // The leader's clock, as the entry's will be: a key already expired is watched as missing (Redis's stale keys).
    return this.store.keyVersion(key, Date.now());
  }

  /** Explicit mode: bare commands touch only this node's copy. */
  private local(session: ClientSession, argv: Buffer[]): Reply {
    return this.store.execute(argv, { nowMs: Date.now(), seed: randomInt(0, 2 ** 32), resp: session.proto });
  }

  private readNow(session: ClientSession, argv: Buffer[]): Reply {
    return this.store.execute(argv, { nowMs: Date.now(), seed: randomInt(0, 2 ** 32), resp: session.proto, readOnly: true });
  }

  redirect(argv: readonly Buffer[], spec: CommandSpec | undefined): Reply {
    const leader = this.host.leaderAddr();
    if (!leader) return error(Errors.noLeader);
    const keys = spec ? commandKeys(spec, argv) : [];
    const slot = keys.length ? keySlot(argv[keys[0]!]!) : 0;
    return error(`MOVED ${slot} ${leader}`);
  }
}
