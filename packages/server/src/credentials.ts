// Who a connection is. Clients prove themselves with requirepass as the
// `default` user; nodes with `AUTH <cluster-user> <cluster-password>`, which
// makes the connection a peer session: the only kind that may send the
// internal RAFT.* commands once a cluster password is set. Also the
// credentials this node presents to other nodes (peer links, the follower
// proxy, JOIN).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NodeConfig } from './config/index.js';

/** The user every client is until it authenticates as another (Redis's name). */
export const DEFAULT_USER = 'default';

export interface CredentialSettings {
  readonly requirepass: string;
  readonly clusterUser: string;
  readonly clusterPassword: string;
}

export function credentialSettings(config: NodeConfig): CredentialSettings {
  return { requirepass: config.text('requirepass'), clusterUser: config.text('cluster-user'), clusterPassword: config.text('cluster-password') };
}

export type AuthOutcome =
  | { readonly ok: true; readonly user: string; readonly peer: boolean }
  /** `no-password`: AUTH <password> while the default user has none (Redis's own error). */
  | { readonly ok: false; readonly why: 'wrongpass' | 'no-password' };

/** Compares in time independent of where the texts differ (both are hashed to one length first). */
function sameSecret(given: Buffer, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Checks AUTH [user] password (`user` null for the one-argument form, which
 * names the default user). The cluster credentials are checked first, so a
 * cluster-user named `default` works too; a secret that is not set matches
 * nothing.
 */
export function checkCredentials(s: CredentialSettings, user: string | null, pass: Buffer): AuthOutcome {
  const name = user ?? DEFAULT_USER;
  if (name === s.clusterUser && s.clusterPassword !== '' && sameSecret(pass, s.clusterPassword)) return { ok: true, user: name, peer: true };
  if (name === DEFAULT_USER && s.requirepass !== '' && sameSecret(pass, s.requirepass)) return { ok: true, user: name, peer: false };
  const defaultHasPassword = s.requirepass !== '' || (s.clusterUser === DEFAULT_USER && s.clusterPassword !== '');
  if (user === null && !defaultHasPassword) return { ok: false, why: 'no-password' };
  return { ok: false, why: 'wrongpass' };
}

/** What a node authenticates to another with: `user` null sends the one-argument AUTH. */
export interface PeerCredentials {
  readonly user: string | null;
  readonly password: string;
}

/**
 * With a cluster password, the cluster user; without one, requirepass (peers
 * then need only client rights, which is all they can prove); else nothing.
 */
export function peerCredentials(s: CredentialSettings): PeerCredentials | null {
  if (s.clusterPassword !== '') return { user: s.clusterUser, password: s.clusterPassword };
  if (s.requirepass !== '') return { user: null, password: s.requirepass };
  return null;
}

/** The AUTH command for raw peer connections. */
export function authCommand(c: PeerCredentials): Buffer[] {
  return c.user === null ? [Buffer.from('AUTH'), Buffer.from(c.password)] : [Buffer.from('AUTH'), Buffer.from(c.user), Buffer.from(c.password)];
}

/** Whether a session may run internal commands: peer sessions always; anyone when the cluster has no password. */
export function mayRunInternal(s: CredentialSettings, session: { readonly peer: boolean }): boolean {
  return session.peer || s.clusterPassword === '';
}

/** Redis 7's refusal of a command the user may not run (`name` as Redis spells it: `raft.node|add`). */
export function noPermission(user: string, name: string): string {
  return `NOPERM User ${user} has no permissions to run the '${name}' command`;
}
