// The node's connections to its peers: one pipelined link per member,
// made when first needed and dropped when the member leaves, and the
// addresses learned from messages for nodes the log has not named yet (a
// leader that is adding us).
import type { Membership, NodeId } from '@redisraft-wasm/raft';
import { PeerLink, parseAddr } from './peer-link.js';
import type { PeerCredentials } from '../credentials.js';

export interface PeerPorts {
  /** The current membership, when there is a node. */
  membership(): Membership | null;
  reconnectMs(): number;
  credentials(): PeerCredentials | null;
  debug(msg: string): void;
  /** A peer refused our credentials (rate-limited by the caller). */
  refused(id: NodeId, msg: string): void;
}

export class Peers {
  private readonly links = new Map<NodeId, PeerLink>();
  private readonly heard = new Map<NodeId, string>();

  constructor(private readonly p: PeerPorts) {}

  /** A node's address: from the membership, else from its own messages. */
  addrOf(id: NodeId): string | null {
    return this.p.membership()?.get(id)?.addr ?? this.heard.get(id) ?? null;
  }

  heardFrom(id: NodeId, addr: string): void {
    this.heard.set(id, addr);
  }

  /** The link to `id`, made on first use; null while its address is unknown. */
  link(id: NodeId): PeerLink | null {
    let link = this.links.get(id);
    if (!link) {
      const addr = this.addrOf(id);
      const parsed = addr ? parseAddr(addr) : null;
      if (!parsed) return null;
      link = new PeerLink(parsed, () => this.p.reconnectMs(), this.p.credentials(), (msg) => this.p.debug(msg), (msg) => this.p.refused(id, msg));
      this.links.set(id, link);
    }
    return link;
  }

  /** After a membership change: links to nodes that left close; every member gets one, so RAFT.INFO shows the whole cluster's health. */
  membersChanged(me: NodeId): void {
    const members = this.p.membership();
    if (!members) return;
    for (const [id, link] of this.links) if (!members.has(id)) { link.close(); this.links.delete(id); }
    for (const id of this.heard.keys()) if (members.has(id)) this.heard.delete(id);
    for (const m of members.members) if (m.id !== me) this.link(m.id);
  }

  existing(id: NodeId): PeerLink | undefined {
    return this.links.get(id);
  }

  /** Closes every link and forgets learned addresses (a node stopped or replaced). */
  closeAll(): void {
    for (const l of this.links.values()) l.close();
    this.links.clear();
    this.heard.clear();
  }
}
