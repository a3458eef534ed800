// Cluster membership: voters and learners, changed one node at a time
// through config entries that take effect when appended (thesis 4.1).
import type { ConfChange, MemberInfo, NodeId } from './types.js';
import { nodeId } from './types.js';

export class Membership {
  private constructor(private readonly byId: ReadonlyMap<NodeId, MemberInfo>) {}

  static of(members: readonly MemberInfo[]): Membership {
    return new Membership(new Map(members.map((m) => [m.id, m])));
  }

  get size(): number {
    return this.byId.size;
  }

  get members(): MemberInfo[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  get voters(): NodeId[] {
    return this.members.filter((m) => m.voter).map((m) => m.id);
  }

  get learners(): NodeId[] {
    return this.members.filter((m) => !m.voter).map((m) => m.id);
  }

  has(id: NodeId): boolean {
    return this.byId.has(id);
  }

  get(id: NodeId): MemberInfo | undefined {
    return this.byId.get(id);
  }

  isVoter(id: NodeId): boolean {
    return this.byId.get(id)?.voter === true;
  }

  quorum(): number {
    return Math.floor(this.voters.length / 2) + 1;
  }

  /** Checks a change against this membership; returns an error text or null. */
  check(c: ConfChange): string | null {
    const m = this.byId.get(c.id);
    switch (c.kind) {
      case 'bootstrap': return this.byId.size > 0 ? 'the cluster is already bootstrapped' : null;
      case 'add-learner': return m ? `node ${c.id} is already a member` : null;
      case 'promote': return !m ? `node ${c.id} does not exist` : m.voter ? `node ${c.id} is already a voter` : null;
      case 'remove':
        if (!m) return 'node id does not exist';
        return m.voter && this.voters.length === 1 ? 'cannot remove the last voter' : null;
    }
  }

  apply(c: ConfChange): Membership {
    const next = new Map(this.byId);
    switch (c.kind) {
      case 'bootstrap': return Membership.of(c.members);
      case 'add-learner': next.set(c.id, { id: c.id, voter: false, addr: c.addr }); break;
      case 'promote': {
        const m = next.get(c.id);
        if (!m) throw new Error(`config entry promotes node ${c.id}, which is not a member`);
        next.set(c.id, { ...m, voter: true });
        break;
      }
      case 'remove': next.delete(c.id); break;
    }
    return new Membership(next);
  }
}

export function encodeConfChange(c: ConfChange): Uint8Array {
  return Buffer.from(JSON.stringify(c));
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  const v = JSON.parse(Buffer.from(data).toString()) as { kind: string; id: number; addr?: string; members?: MemberInfo[] };
  const id = nodeId(v.id);
  if (v.kind === 'bootstrap') return { kind: 'bootstrap', id, members: (v.members ?? []).map((m) => ({ id: nodeId(m.id), voter: m.voter === true, addr: String(m.addr) })) };
  if (v.kind === 'add-learner') return { kind: 'add-learner', id, addr: String(v.addr ?? '') };
  if (v.kind === 'promote' || v.kind === 'remove') return { kind: v.kind, id };
  throw new Error(`unknown config change kind '${v.kind}'`);
}
