// Who a connection becomes after AUTH, what a node presents to its peers,
// and the rate-limited log of refusals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { authCommand, checkCredentials, mayRunInternal, noPermission, peerCredentials, type CredentialSettings } from '../src/credentials.js';
import { RefusalLog } from '../src/refusal-log.js';
import { credentialRefusal, refusedJoin } from '../src/cluster/join.js';

const s = (requirepass: string, clusterPassword: string, clusterUser = 'raft-peer'): CredentialSettings => ({ requirepass, clusterUser, clusterPassword });
const pw = (t: string) => Buffer.from(t);

test('the cluster user with the cluster password makes a peer session; requirepass a default-user client', () => {
  const both = s('clientpw', 'peerpw');
  assert.equal(checkCredentials(both, 'raft-peer', pw('peerpw')), { ok: true, user: 'raft-peer', peer: true });
  assert.equal(checkCredentials(both, null, pw('clientpw')), { ok: true, user: 'default', peer: false });
  assert.equal(checkCredentials(both, 'default', pw('clientpw')), { ok: true, user: 'default', peer: false });
  // The passwords do not cross over, and no other user exists.
  assert.equal(checkCredentials(both, 'default', pw('peerpw')), { ok: false, why: 'wrongpass' });
  assert.equal(checkCredentials(both, null, pw('peerpw')), { ok: false, why: 'wrongpass' });
  assert.equal(checkCredentials(both, 'raft-peer', pw('clientpw')), { ok: false, why: 'wrongpass' });
  assert.equal(checkCredentials(both, 'raft-peer', pw('peerpw2')), { ok: false, why: 'wrongpass' });
  assert.equal(checkCredentials(both, 'alice', pw('peerpw')), { ok: false, why: 'wrongpass' });
});

test('a secret that is not set matches nothing, not even an empty password', () => {
  assert.equal(checkCredentials(s('', ''), 'raft-peer', pw('')), { ok: false, why: 'wrongpass' });
  assert.equal(checkCredentials(s('', 'peerpw'), 'default', pw('')), { ok: false, why: 'wrongpass' });
  // Redis's own error for AUTH <password> while the default user has no password.
  assert.equal(checkCredentials(s('', 'peerpw'), null, pw('x')), { ok: false, why: 'no-password' });
});

test('a cluster user named default works, and the one-argument AUTH reaches it', () => {
  const d = s('', 'peerpw', 'default');
  assert.equal(checkCredentials(d, null, pw('peerpw')), { ok: true, user: 'default', peer: true });
  assert.equal(checkCredentials(d, null, pw('nope')), { ok: false, why: 'wrongpass' });
});

test('what a node presents to its peers, and who may run internal commands', () => {
  assert.equal(peerCredentials(s('clientpw', 'peerpw')), { user: 'raft-peer', password: 'peerpw' });
  assert.equal(peerCredentials(s('clientpw', '')), { user: null, password: 'clientpw' });
  assert.is(peerCredentials(s('', '')), null);
  assert.equal(authCommand({ user: 'raft-peer', password: 'p' }).map(String), ['AUTH', 'raft-peer', 'p']);
  assert.equal(authCommand({ user: null, password: 'p' }).map(String), ['AUTH', 'p']);
  assert.ok(mayRunInternal(s('', 'peerpw'), { peer: true }));
  assert.not.ok(mayRunInternal(s('', 'peerpw'), { peer: false }));
  assert.ok(mayRunInternal(s('clientpw', ''), { peer: false }), 'without a cluster password there is nothing to check');
  assert.is(noPermission('default', 'raft.node|add'), "NOPERM User default has no permissions to run the 'raft.node|add' command");
});

test('refusals are logged at most burst times per kind and window; the next line counts the ones left out', () => {
  const lines: string[] = [];
  let now = 0;
  const log = new RefusalLog((l) => lines.push(l), { burst: 2, windowMs: 1000 }, () => now);
  for (let i = 0; i < 5; i++) log.note('a', `a${i}`);
  log.note('b', 'b0');
  assert.equal(lines, ['a0', 'a1', 'b0']);
  now = 999;
  assert.not.ok(log.note('a', 'a5'));
  now = 1000;
  assert.ok(log.note('a', 'a6'));
  assert.equal(lines.slice(3), ['a6 (4 more like this were not logged)']);
});

test('JOIN tells a refusal of its credentials from other failures, and names what it sent', () => {
  for (const t of ['WRONGPASS invalid username-password pair or user is disabled.', "NOPERM User default has no permissions to run the 'raft.node|add' command", 'NOAUTH Authentication required.']) {
    assert.ok(credentialRefusal(t), t);
  }
  for (const t of ['MOVED 0 127.0.0.1:5001', 'CLUSTERDOWN No Raft leader', 'connect ECONNREFUSED 127.0.0.1:1', 'ERR node id already exists']) assert.not.ok(credentialRefusal(t), t);
  assert.is(refusedJoin('h:1', { user: 'raft-peer', password: 'x' }, 'WRONGPASS w'), 'ERR cannot join: the cluster at h:1 refused our credentials (cluster-password): WRONGPASS w');
  assert.match(refusedJoin('h:1', null, 'NOPERM n'), /\(none sent; this node has no cluster-password\): NOPERM n$/);
});

test.run();
