// Where data commands go in a Raft node: nowhere before INIT/JOIN
// (-NOCLUSTER), to the leader (-MOVED, so cluster-aware clients follow),
// writes through the log, reads through ReadIndex (or locally with
// quorum-reads no), and locally for bare commands in explicit mode.
import { array, error, Errors, NIL_ARRAY, type Reply } from '@redisraft-wasm/resp';
import { blockedOn, commandKeys, parseBlockTimeout, type BlockSpec, type CommandSpec, type Store } from '@redisraft-wasm/store';
import { randomInt } from 'node:crypto';
import type { NodeConfig } from '../config/index.js';
import type { Executor } from '../executor.js';
import type { ClientSession } from '../session.js';
import { keySlot } from './key-slot.js';
import { LeaderProxy } from './leader-proxy.js';
import type { RaftHost } from './raft-host.js';

export class RaftExecutor implements Executor {
  private readonly proxy = new LeaderProxy(() => this.host.peerPassword());

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
      if (leader && this.config.bool('follower-proxy') && !blockedOn.has(spec.name)) return this.proxy.forward(leader, session.proto, argv);
      return this.redirect(argv, spec);
    }
    if (spec.flags.includes('write')) {
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
  private async blocking(session: ClientSession, argv: Buffer[], spec: CommandSpec, block: BlockSpec): Promise<Reply> {
    const timeout = parseBlockTimeout(block.timeoutArg(argv), Date.now());
    const deadline = typeof timeout !== 'number' || timeout === 0 ? Infinity : Date.now() + timeout;
    for (;;) {
      const reply = await this.host.propose([argv], (r) => r![0]!);
      if (typeof timeout !== 'number' || (reply.kind !== 'nil' && reply.kind !== 'nilArray')) return reply;
      if (Date.now() >= deadline) return block.timeoutReply;
      const outcome = await this.host.waitForData(block.keys(argv), block.kind, deadline, session.socket);
      if (outcome === 'timeout' || outcome === 'gone') return block.timeoutReply;
      if (outcome === 'lost') {
        // Point the client at the new leader once there is one (an election takes about one timeout).
        const until = Date.now() + 2 * this.host.electionTimeoutMs();
        while (!this.host.leaderAddr() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        return this.redirect(argv, spec);
      }
    }
  }

  transaction(session: ClientSession, commands: Buffer[][], specs: CommandSpec[]): Reply | Promise<Reply> {
    if (this.host.state !== 'up') return error(Errors.noCluster);
    if (!this.config.bool('raftize-all-commands')) {
      for (const w of session.watched.values()) if (this.store.keyVersion(w.key) !== w.version) return NIL_ARRAY;
      return array(commands.map((argv) => this.local(session, argv)));
    }
    if (!this.host.isLeader) {
      const leader = this.host.leaderAddr();
      if (leader && this.config.bool('follower-proxy')) {
        // WATCH state would live on the shared proxy connection, mixing clients: refuse it plainly.
        if (session.watched.size > 0) return error('ERR WATCH is not supported through the follower proxy; send the transaction to the leader');
        return this.proxy.forwardTransaction(leader, session.proto, commands);
      }
      const i = specs.findIndex((s, k) => commandKeys(s, commands[k]!).length > 0);
      return this.redirect(i >= 0 ? commands[i]! : [], i >= 0 ? specs[i] : undefined);
    }
    return this.host.propose(commands, (r) => (r === null ? NIL_ARRAY : array(r)), [...session.watched.values()]);
  }

  watchVersion(_session: ClientSession, key: Buffer): number | Reply {
    if (this.host.state !== 'up') return error(Errors.noCluster);
    if (this.config.bool('raftize-all-commands') && !this.host.isLeader) {
      if (this.config.bool('follower-proxy')) return error('ERR WATCH is not supported through the follower proxy; send the transaction to the leader');
      const leader = this.host.leaderAddr();
      return leader ? error(`MOVED ${keySlot(key)} ${leader}`) : error(Errors.noLeader);
    }
    return this.store.keyVersion(key);
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
