// Drives the pure Raft core inside a node process: ticks it, hands its
// Ready to the log store, the peer links and the data store, and turns
// client commands into proposals and ReadIndex reads. Everything that
// arrives in one event-loop turn shares one Ready (group commit).
import { randomBytes, randomInt } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import {
  EntryType, RaftNode, decodeConfChange, index as idx, nodeId,
  type Entry, type Index, type Message, type NodeId, type Ready, type Role,
} from '@redisraft-wasm/raft';
import { OK, array, bulk, error, int, type Reply } from '@redisraft-wasm/resp';
import { EXPIRED_KEYS, type Store } from '@redisraft-wasm/store';
import type { ConsolaInstance } from 'consola';
import type { NodeConfig } from '../config/index.js';
import { decodeEntryPayload, encodeEntryPayload, type WatchedKey } from './entry-payload.js';
import { PeerMessageError, decodePeerMessage, encodePeerMessage } from './peer-codec.js';
import { credentialSettings, peerCredentials, type PeerCredentials } from '../credentials.js';
import { RefusalLog } from '../refusal-log.js';
import { PeerLink, parseAddr } from './peer-link.js';
import { ClientRequests } from './client-requests.js';
import { Snapshots } from './snapshots.js';
import { BlockedClients, type BlockOutcome, type ClosingSocket } from './blocked-clients.js';
import { NodeStorage, storageExists, storagePaths, type StoragePaths } from '../persistence/node-storage.js';
import { recover } from '../persistence/recovery.js';
import { loadSnapshot, readSnapshotInfo } from '../persistence/rdb-snapshot.js';
import { join } from 'node:path';

export type ClusterState = 'uninitialized' | 'up' | 'loading' | 'joining';

/** Milliseconds per core tick: timeouts in the config are converted to ticks of this size. */
const TICK_MS = 10;
/** Active expiry runs every 100 ms and deletes at most this many keys per round. */
const EXPIRY_EVERY_TICKS = 10;
const EXPIRY_KEYS_PER_ROUND = 64;

export type { BlockOutcome } from './blocked-clients.js';

export class RaftHost {
  state: ClusterState = 'uninitialized';
  node: RaftNode | null = null;
  dbid = '';
  private readonly links = new Map<NodeId, PeerLink>();
  /** Addresses learned from peers' messages, for nodes the log has not told us about yet. */
  private readonly heardAddrs = new Map<NodeId, string>();
  private readonly blocked = new BlockedClients();
  private readonly snapshots: Snapshots;
  private readonly requests = new ClientRequests({
    node: () => this.node,
    applied: () => this.applied,
    schedule: () => this.schedule(),
  });
  private applied: Index = idx(0);
  private timer: NodeJS.Timeout | null = null;
  private readyScheduled = false;
  private lastRole: Role = 'follower';
  private lastLeader: NodeId = nodeId(0);
  /** The node's files; null with `persistence no` or before the node exists. */
  private storage: NodeStorage | null = null;
  private readonly paths: StoragePaths;
  /** The snapshot being written, if any. */
  private ticks = 0;
  /** Index of the last active-expiry entry; none is proposed until it is applied. */
  private expiryInFlight: Index = idx(0);

  constructor(
    private readonly config: NodeConfig,
    private readonly store: Store,
    private readonly log: ConsolaInstance,
    private readonly listenPort: () => number,
    /** Rate-limited warnings about refused peer messages and credentials. */
    private readonly refusals: RefusalLog = new RefusalLog((line) => log.warn(line)),
  ) {
    this.paths = storagePaths(config.text('dir'), config.text('raft-log-filename'));
    this.snapshots = new Snapshots({
      node: () => this.node, storage: () => this.storage, store, config, log,
      path: () => this.snapshotPath(), link: (id) => this.link(id),
      applied: () => this.applied, setApplied: (i) => { this.applied = i; },
      dbid: () => this.dbid, learnDbid: (d) => { if (!this.dbid) this.dbid = d; },
      processReady: () => this.processReady(), schedule: () => this.schedule(),
    });
    config.onChange((name) => {
      if ((name === 'election-timeout' || name === 'request-timeout') && this.node) this.node.setTiming(...this.timing());
      if (name === 'raft-log-max-cache-size' && this.node && this.persistent) this.node.setCacheBytes(this.config.size(name));
    });
  }

  /** This node's advertised address: `addr`, or the bind address (a non-loopback interface for 0.0.0.0) and port. */
  advertisedAddr(): string {
    const configured = this.config.text('addr');
    if (configured) return configured;
    const bind = this.config.list('bind')[0] ?? '127.0.0.1';
    let host = bind;
    if (bind === '0.0.0.0' || bind === '*' || bind === '::') {
      host = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4')?.address ?? '127.0.0.1';
    }
    return `${host}:${this.listenPort()}`;
  }

  /** What this node authenticates to other nodes with (peer links, the follower proxy, JOIN). */
  peerCredentials(): PeerCredentials | null {
    return peerCredentials(credentialSettings(this.config));
  }

  electionTimeoutMs(): number {
    return this.config.int('election-timeout');
  }

  private timing(): [number, number] {
    const election = Math.max(2, Math.round(this.config.int('election-timeout') / TICK_MS));
    const heartbeat = Math.min(election - 1, Math.max(1, Math.round(this.config.int('request-timeout') / TICK_MS)));
    return [election, heartbeat];
  }

  private get persistent(): boolean {
    return this.config.bool('persistence');
  }

  private nodeOptions(id: NodeId) {
    const [electionTicks, heartbeatTicks] = this.timing();
    return {
      id, electionTicks, heartbeatTicks, random: Math.random,
      // Entries are read back from the log file once evicted; the storage is created right after the node.
      entrySource: this.persistent ? (lo: Index, hi: Index, max: number) => this.storage!.readEntries(lo, hi, max) : null,
      maxCacheBytes: this.config.size('raft-log-max-cache-size'),
    };
  }

  private makeNode(id: NodeId, bootstrap: boolean): RaftNode {
    const opts = this.nodeOptions(id);
    return bootstrap ? RaftNode.bootstrap(opts, [{ id, voter: true, addr: this.advertisedAddr() }]) : new RaftNode(opts);
  }

  /** New files for a node that is starting a cluster or joining one. */
  private createStorage(node: RaftNode, dbid: string): void {
    this.storage?.destroy();
    this.storage = null;
    if (!this.persistent) return;
    const hs = node.hardState();
    const entries = node.log.lastIndex() > 0 ? node.log.slice(1, node.log.lastIndex() + 1) : [];
    this.storage = NodeStorage.create(this.paths, { nodeId: node.id, dbid, term: hs.term, vote: hs.vote, commit: hs.commit }, entries, ...this.storageHooks(node));
  }

  /** What the node's storage calls back: whether to fsync now, durability of a Ready, a failed write. */
  private storageHooks(node: RaftNode): [() => boolean, (seq: number) => void, (err: Error) => void] {
    return [() => this.config.bool('raft-log-fsync'), (seq) => this.durable(node, seq), (err) => this.storageFailed(err)];
  }

  private durable(node: RaftNode, seq: number): void {
    if (this.node !== node) return;
    node.persisted(seq);
    this.schedule();
  }

  private storageFailed(err: Error): void {
    // Going on would acknowledge what is not on disk: stop the process instead.
    this.log.fatal(`cannot write the Raft log in ${this.paths.dir}: ${err.message}`);
    process.exit(1);
  }

  /**
   * At start: when `dir` holds this node's files, rebuild the node from them
   * (throws RecoveryError on damage, having changed nothing) and rejoin the
   * cluster under the same id. False when there is nothing to recover.
   */
  recoverFromDisk(): boolean {
    if (!this.persistent || !storageExists(this.paths)) return false;
    const started = Date.now();
    const r = recover(this.paths, this.config.size('raft-log-max-cache-size'), {
      path: this.snapshotPath(),
      readInfo: readSnapshotInfo,
      load: (p) => loadSnapshot(p, this.store),
    });
    this.applied = r.state.snapshot?.index ?? idx(0);
    for (const w of r.warnings) this.log.warn(w);
    const node = new RaftNode(this.nodeOptions(nodeId(r.meta.nodeId)), r.state);
    this.storage = new NodeStorage(this.paths, r.log, r.meta, ...this.storageHooks(node));
    this.dbid = r.meta.dbid;
    this.state = 'up';
    this.log.info(
      `recovered node ${r.meta.nodeId} of cluster ${r.meta.dbid || '(join not acknowledged)'} from ${this.paths.log}: ` +
      `${r.state.snapshot ? `snapshot at index ${r.state.snapshot.index} (${this.store.dbsize()} keys), ` : ''}` +
      `${r.scan.count} log entries (${r.scan.firstIndex}-${r.scan.lastIndex}), term ${r.meta.term}, commit ${r.state.hardState.commit}, in ${Date.now() - started} ms`,
    );
    this.start(node);
    return true;
  }

  private start(node: RaftNode): void {
    this.node = node;
    this.timer ??= setInterval(() => this.tick(), TICK_MS);
    this.schedule();
  }

  snapshotPath(): string {
    return join(this.paths.dir, this.config.text('dbfilename'));
  }

  get snapshotInProgress(): boolean {
    return this.snapshots.inProgress;
  }

  /** RAFT.DEBUG COMPACT: a snapshot of everything applied, then the log trimmed. */
  takeSnapshot(): Promise<Reply> {
    return this.snapshots.take();
  }

  /** Cleanups of the layers around the host (the leader proxy). */
  readonly onStop: (() => void)[] = [];

  stop(): void {
    for (const f of this.onStop) f();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const l of this.links.values()) l.close();
    this.links.clear();
    this.snapshots.stop();
    this.storage?.close();
  }

  /** RAFT.CLUSTER INIT: a new one-node cluster, led by this node once this resolves. */
  init(): Promise<string> {
    const configured = this.config.int('id');
    const id = nodeId(configured || randomInt(1, 2 ** 31));
    this.dbid = randomBytes(16).toString('hex');
    this.state = 'up';
    const node = this.makeNode(id, true);
    this.createStorage(node, this.dbid);
    node.campaign();
    this.start(node);
    this.log.info(`cluster ${this.dbid} created; this node is ${id}`);
    return new Promise((resolve) => {
      const wait = () => (node.isLeader || this.node !== node ? resolve(this.dbid) : setImmediate(wait));
      wait();
    });
  }

  /** Prepares to join as `id`: the node must accept the leader's messages before it is added. */
  prepareJoin(id: NodeId): void {
    this.stopNode();
    // A node joins empty: an earlier attempt (its id was taken) may have applied entries from the leader already.
    this.store.beginLoad().finish(0, 0);
    this.applied = idx(0);
    this.state = 'joining';
    const node = this.makeNode(id, false);
    this.createStorage(node, '');
    this.start(node);
  }

  joined(dbid: string): void {
    this.dbid = dbid;
    this.storage?.setDbid(dbid);
    this.state = 'up';
    this.log.info(`joined cluster ${dbid} as node ${this.node!.id}`);
  }

  abandonJoin(): void {
    this.stopNode();
    this.storage?.destroy();
    this.storage = null;
    this.state = 'uninitialized';
  }

  private stopNode(): void {
    this.node = null;
    this.heardAddrs.clear();
    for (const l of this.links.values()) l.close();
    this.links.clear();
  }

  get isLeader(): boolean {
    return this.node?.isLeader === true;
  }

  /** The leader's advertised address, when known. */
  leaderAddr(): string | null {
    const n = this.node;
    if (!n || n.leaderId === 0) return null;
    if (n.isLeader) return this.advertisedAddr();
    return this.addrOf(n.leaderId);
  }

  private addrOf(id: NodeId): string | null {
    return this.node?.membership().get(id)?.addr ?? this.heardAddrs.get(id) ?? null;
  }

  // ------------------------------------------------------------ inputs

  private tick(): void {
    this.node?.tick();
    if (++this.ticks % EXPIRY_EVERY_TICKS === 0) this.expireActively();
    this.schedule();
  }

  /**
   * Active expiry, decided by the leader: it samples keys past their expiry
   * and appends their deletion to the log (an internal command that deletes
   * what is due as of the entry's time), so followers never expire on their
   * own and every node deletes the same keys at the same index.
   */
  private expireActively(): void {
    const node = this.node;
    if (!node?.isLeader || this.expiryInFlight > this.applied || this.store.expiresCount() === 0) return;
    const keys = this.store.expiredKeys(Date.now(), EXPIRY_KEYS_PER_ROUND);
    if (keys.length === 0) return;
    const payload = encodeEntryPayload({ timeMs: Date.now(), seed: 0, commands: [[EXPIRED_KEYS, ...keys]], watches: [] });
    const r = node.propose(payload);
    if (r.ok) this.expiryInFlight = r.index;
  }

  /**
   * A message from a peer (RAFT.AE and friends), sent from `client` (for the
   * log). Refused with an error, changing nothing: a malformed frame, a
   * message of another cluster or for another node, and one whose sender
   * this node's configuration does not admit (RaftNode.admits).
   */
  receive(argv: readonly Buffer[], client: string): Reply | null {
    if (!this.node) return error('NOCLUSTER No Raft Cluster');
    let decoded: ReturnType<typeof decodePeerMessage>;
    try {
      decoded = decodePeerMessage(argv);
    } catch (e) {
      if (!(e instanceof PeerMessageError)) throw e;
      this.refusals.note('malformed-peer-message', `refused a malformed ${argv[0]!.toString('latin1').toUpperCase()} from ${client}: ${e.message}`);
      return error(`ERR malformed peer message: ${e.message}`);
    }
    const { msg: m, chunk } = decoded;
    if (decoded.dbid && this.dbid && decoded.dbid !== this.dbid) {
      return error(`ERR a message from cluster ${decoded.dbid} reached node ${this.node.id} of cluster ${this.dbid}; ignored`);
    }
    if (m.to !== this.node.id) return error(`ERR message for node ${m.to} reached node ${this.node.id}`);
    const refusal = this.node.admits(m);
    if (refusal !== null) {
      this.refusals.note('stranger-peer-message', `ignored a ${m.type} message of term ${m.term} from node ${m.from} (${client}): ${refusal}`);
      return error(`ERR ${refusal}; ignored`);
    }
    if (decoded.fromAddr) this.heardAddrs.set(m.from, decoded.fromAddr);
    // A node whose join was never acknowledged (it crashed first) learns its cluster from the leader.
    if (decoded.dbid && !this.dbid) {
      this.dbid = decoded.dbid;
      this.storage?.setDbid(decoded.dbid);
    }
    if (m.type === 'snapshot') {
      this.snapshots.receiveChunk(m, chunk!);
      return null;
    }
    this.node.step(m);
    this.schedule();
    return null;
  }

  /** Proposes commands (one, or a transaction); resolves with the reply once applied here. */
  propose(commands: Buffer[][], shape: (replies: Reply[] | null) => Reply, watches: WatchedKey[] = []): Promise<Reply> {
    return this.requests.propose(commands, shape, watches);
  }

  /** Runs `run` once leadership is confirmed and everything committed before is applied (ReadIndex). */
  read(run: () => Reply): Promise<Reply> {
    return this.requests.read(run);
  }

  /** Runs `run` without confirming leadership (quorum-reads no), but after the writes proposed before it. */
  readLocal(run: () => Reply): Reply | Promise<Reply> {
    return this.requests.readLocal(run);
  }

  /** Holds a blocked client until `ready()` holds after an apply, its deadline, a leadership change or its disconnect. */
  waitForData(ready: () => boolean, deadlineMs: number, socket: ClosingSocket): Promise<BlockOutcome> {
    return this.blocked.wait(ready, deadlineMs, socket, this.isLeader);
  }

  /** Proposes a membership change; resolves once it is applied here. */
  changeMembers(change: Parameters<RaftNode['proposeConfChange']>[0], onApplied: () => Reply): Promise<Reply> {
    return this.requests.changeMembers(change, onApplied);
  }

  transferLeadership(to: NodeId): Reply {
    const r = this.node!.transferLeadership(to);
    this.schedule();
    return r.ok ? OK : error(`ERR ${r.message}`);
  }

  private schedule(): void {
    if (this.readyScheduled) return;
    this.readyScheduled = true;
    setImmediate(() => {
      this.readyScheduled = false;
      this.processReady();
    });
  }

  // ------------------------------------------------------------ Ready

  private processReady(): void {
    const node = this.node;
    if (!node) return;
    while (node.hasReady()) {
      const rd = node.ready();
      // Load, then persist (the log is compacted to the snapshot), then apply what follows it.
      if (rd.snapshot) this.snapshots.load(rd.snapshot.index);
      // The leader's appends go out before its own write is durable (the core counts it only once it is).
      this.send(rd.messages);
      if (this.storage) {
        if (rd.committed.length) this.storage.noteCommit(rd.committed[rd.committed.length - 1]!.index);
        this.storage.persist(rd);
      } else if (rd.persistSeq) {
        node.persisted(rd.persistSeq);
      }
      this.apply(rd.committed);
      if (rd.committed.length) this.snapshots.maybeTake();
      if (rd.committed.length || rd.softState.role !== 'leader') this.blocked.wake(this.isLeader);
      this.requests.takeReads(rd);
      this.noteRole(rd);
    }
    this.requests.afterReady();
  }

  private send(messages: readonly Message[]): void {
    const me = { addr: this.advertisedAddr(), dbid: this.dbid };
    for (const m of messages) {
      if (m.type === 'snapshot') this.snapshots.send(m, me);
      else this.link(m.to)?.send(encodePeerMessage(m, me));
    }
  }

  private link(id: NodeId): PeerLink | null {
    let link = this.links.get(id);
    if (!link) {
      const addr = this.addrOf(id);
      const parsed = addr ? parseAddr(addr) : null;
      if (!parsed) return null;
      link = new PeerLink(parsed, () => this.config.int('reconnect-interval'), this.peerCredentials(), (msg) => this.log.debug(msg),
        (msg) => this.refusals.note('peer-credentials', `node ${id}: ${msg}`));
      this.links.set(id, link);
    }
    return link;
  }

  private apply(entries: readonly Entry[]): void {
    for (const e of entries) {
      // Entries a loaded snapshot already holds are not applied again; a gap would mean a lost entry.
      if (e.index <= this.applied) continue;
      if (e.index !== this.applied + 1) {
        this.log.fatal(`entry ${e.index} committed after applied index ${this.applied}: an entry would be skipped`);
        process.exit(1);
      }
      let replies: Reply[] | null = [];
      if (e.type === EntryType.normal) {
        try {
          const p = decodeEntryPayload(e.data);
          // Versions are the same on every node at this index, so all abort (or run) alike.
          const changed = (p.watches ?? []).some((w) => this.store.keyVersion(w.key, p.timeMs) !== w.version);
          replies = changed ? null : p.commands.map((argv) => this.store.execute(argv as Buffer[], { nowMs: p.timeMs, seed: p.seed }));
        } catch (err) {
          // A payload we cannot read would make this node diverge: stop rather than guess.
          this.log.fatal(`entry ${e.index} cannot be applied: ${(err as Error).message}`);
          process.exit(1);
        }
      } else if (e.type === EntryType.config) {
        this.onConfigApplied(e);
      }
      this.applied = e.index;
      this.requests.settle(e, replies);
    }
  }

  private onConfigApplied(e: Entry): void {
    const change = decodeConfChange(e.data);
    const me = this.node!.id;
    if (change.kind === 'remove' && change.id === me) this.log.warn('this node was removed from the cluster');
    // Drop links to nodes that left; new members get one when first messaged.
    const members = this.node!.membership();
    for (const [id, link] of this.links) if (!members.has(id)) { link.close(); this.links.delete(id); }
    for (const id of this.heardAddrs.keys()) if (members.has(id)) this.heardAddrs.delete(id);
    // Every member gets a connection now, so RAFT.INFO shows the whole cluster's health.
    for (const m of members.members) if (m.id !== me) this.link(m.id);
  }

  private noteRole(rd: Ready): void {
    const { role, leader } = rd.softState;
    if (role !== this.lastRole || leader !== this.lastLeader) {
      if (role === 'leader' && this.lastRole !== 'leader') this.log.info(`node ${this.node!.id} is the leader of term ${rd.softState.term}`);
      else if (leader !== this.lastLeader && leader !== 0) this.log.info(`following node ${leader} in term ${rd.softState.term}`);
      this.lastRole = role;
      this.lastLeader = leader;
    }
  }

  /** For RAFT.INFO: peers with their link state and counters. */
  peerInfo(): { id: NodeId; voter: boolean; addr: string; link: PeerLink | undefined }[] {
    const n = this.node;
    if (!n) return [];
    return n.membership().members.filter((m) => m.id !== n.id).map((m) => ({ id: m.id, voter: m.voter, addr: m.addr, link: this.links.get(m.id) }));
  }

  /** Bytes in the Raft log file (0 with persistence no). */
  logFileBytes(): number {
    return this.storage?.logBytes() ?? 0;
  }

  get appliedIndex(): Index {
    return this.applied;
  }
}

/** The reply to RAFT.NODE ADD: the id and the cluster's dbid. */
export function nodeAddReply(id: number, dbid: string): Reply {
  return array([int(id), bulk(dbid)]);
}
