// Real 3-node clusters on loopback, driven as the deployment guide does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Cluster } from 'ioredis';
import { freePort, startNode, startInitializedNode, redisCli, type NodeProcess } from './lib/node-process.js';
import { findLeader, raftInfo, seedArgs, startCluster, waitFor } from './lib/cluster.js';
import { rejects } from './lib/rejects.js';

const started: NodeProcess[] = [];
async function stopAll() {
  await Promise.all(started.splice(0).map((n) => n.stop('SIGKILL')));
}
test.after.each(stopAll);

test('the deployment guide, step by step', async () => {
  const p1 = await freePort(), p2 = await freePort(), p3 = await freePort();
  const n1 = await startNode(seedArgs(1, p1), p1);
  const n2 = await startNode(seedArgs(2, p2), p2);
  const n3 = await startNode(seedArgs(3, p3), p3);
  started.push(n1, n2, n3);
  const fresh = await raftInfo(n1);
  assert.is(fresh.state, 'uninitialized');
  assert.is(fresh.node_id, '0');
  assert.is(redisCli(p1, 'SET', 'k', 'v').trim(), 'NOCLUSTER No Raft Cluster');
  const init = redisCli(p1, 'RAFT.CLUSTER', 'INIT').trim();
  assert.match(init, /^OK [0-9a-f]{32}$/);
  assert.is(redisCli(p1, 'RAFT.CLUSTER', 'INIT').trim(), 'ERR Already cluster member');
  assert.is(redisCli(p2, 'RAFT.CLUSTER', 'JOIN', `127.0.0.1:${p1}`).trim(), 'OK');
  // Joining through a follower: it redirects to the leader.
  assert.is(redisCli(p3, 'RAFT.CLUSTER', 'JOIN', `127.0.0.1:${p2}`).trim(), 'OK');
  const info = await waitFor('node 2 to see three voters, all connected', async () => {
    const i = await raftInfo(n2);
    return i.num_voting_nodes === '3' && i.node0?.includes('state=connected') && i.node1?.includes('state=connected') ? i : null;
  });
  assert.is(info.state, 'up');
  assert.is(info.role, 'follower');
  assert.is(info.is_voting, 'yes');
  assert.is(info.leader_id, (await raftInfo(n1)).node_id);
  assert.match(info.node0!, /^id=\d+,state=connected,voting=yes,addr=127\.0\.0\.1,port=\d+,last_conn_secs=\d+,conn_errors=\d+,conn_oks=\d+$/);
  for (const field of ['log_entries', 'current_index', 'commit_index', 'last_applied_index', 'snapshot_last_index', 'clients_in_multi_state']) assert.ok(field in info, field);
  assert.match(redisCli(p2, 'INFO', 'raft'), /# Raft/);
  // Writes go to the leader; followers redirect with the key's slot.
  assert.is(redisCli(p1, 'SET', 'foo', 'bar').trim(), 'OK');
  assert.is(redisCli(p2, 'GET', 'foo').trim(), `MOVED 12182 127.0.0.1:${p1}`);
  assert.is(redisCli(p3, '-c', 'GET', 'foo').trim(), 'bar');
  assert.is(redisCli(p2, 'GET', '{foo}x').trim(), `MOVED 12182 127.0.0.1:${p1}`, 'hash tags pick the slot');
  await waitFor('followers to apply the write', async () => (await raftInfo(n3)).last_applied_index === (await raftInfo(n1)).commit_index);
});

test('failover after kill -9 of the leader loses no acknowledged write', async () => {
  const nodes = await startCluster(3);
  started.push(...nodes);
  const leader = await findLeader(nodes);
  const c = leader.client();
  const acked: number[] = [];
  for (let i = 0; i < 300; i++) {
    await c.set(`key:${i}`, String(i));
    acked.push(i);
  }
  const p = c.pipeline();
  for (let i = 300; i < 600; i++) p.set(`key:${i}`, String(i));
  for (const [err] of (await p.exec())!) if (!err) acked.push(acked.length);
  leader.proc.kill('SIGKILL');
  const rest = nodes.filter((n) => n !== leader);
  const next = await findLeader(rest);
  assert.is.not(next, leader);
  const r = next.client();
  const values = await r.mget(...acked.map((i) => `key:${i}`));
  assert.equal(values, acked.map(String));
  assert.is(await r.set('after', 'failover'), 'OK');
});

test('a paused old leader does not serve stale reads when it wakes up', async () => {
  const nodes = await startCluster(3, ['--election-timeout', '300']);
  started.push(...nodes);
  const old = await findLeader(nodes);
  const c = old.client();
  assert.is(await c.set('reg', 'v1'), 'OK');
  old.proc.kill('SIGSTOP');
  const others = nodes.filter((n) => n !== old);
  const next = await findLeader(others);
  const r = next.client();
  assert.is(await r.set('reg', 'v2'), 'OK');
  old.proc.kill('SIGCONT');
  // Whatever it answers, it must not be the overwritten value.
  const raw = redisCli(old.port, 'GET', 'reg').trim();
  assert.is.not(raw, 'v1');
  assert.ok(raw === 'v2' || /^MOVED|^TRYAGAIN|^CLUSTERDOWN/.test(raw), raw);
});

test('RAFT.CONFIG GET/SET round trips; start-only and bad values are refused and change nothing', async () => {
  const nodes = await startCluster(1);
  started.push(...nodes);
  const r = nodes[0]!.client();
  assert.equal(await r.call('RAFT.CONFIG', 'GET', 'election-timeout'), ['election-timeout', '500']);
  assert.is(await r.call('RAFT.CONFIG', 'SET', 'election-timeout', '800'), 'OK');
  assert.equal(await r.call('RAFT.CONFIG', 'GET', 'election-timeout'), ['election-timeout', '800']);
  await rejects(() => r.call('RAFT.CONFIG', 'SET', 'raft-log-filename', 'x.db'), /can only be set at start/);
  await rejects(() => r.call('RAFT.CONFIG', 'SET', 'election-timeout', 'soon'), /bad value for 'election-timeout'/);
  await rejects(() => r.call('RAFT.CONFIG', 'SET', 'no-such', '1'), /unknown Raft parameter 'no-such'/);
  assert.equal(await r.call('RAFT.CONFIG', 'GET', 'election-timeout'), ['election-timeout', '800']);
  const all = (await r.call('RAFT.CONFIG', 'GET', '*')) as string[];
  for (const name of ['raft-log-filename', 'quorum-reads', 'follower-proxy', 'raft-log-fsync']) assert.ok(all.includes(name), name);
});

test('RAFT.NODE REMOVE takes a follower out; unknown ids are refused', async () => {
  const nodes = await startCluster(3);
  started.push(...nodes);
  const leader = await findLeader(nodes);
  const follower = nodes.find((n) => n !== leader)!;
  const id = (await raftInfo(follower)).node_id!;
  const r = leader.client();
  await rejects(() => r.call('RAFT.NODE', 'REMOVE', '123'), /node id does not exist/);
  assert.is(await r.call('RAFT.NODE', 'REMOVE', id), 'OK');
  const info = await raftInfo(leader);
  assert.is(info.num_nodes, '2');
  assert.is(await r.set('still', 'works'), 'OK');
});

test('removing the leader hands leadership over first, then removes it', async () => {
  const nodes = await startCluster(3);
  started.push(...nodes);
  const leader = await findLeader(nodes);
  const id = (await raftInfo(leader)).node_id!;
  const r = leader.client();
  assert.is(await r.call('RAFT.NODE', 'REMOVE', id), 'OK');
  const rest = nodes.filter((n) => n !== leader);
  const next = await findLeader(rest);
  const info = await waitFor('the removal to apply on the new leader', async () => { const i = await raftInfo(next); return i.num_nodes === '2' ? i : null; });
  assert.is.not(info.node_id, id);
  assert.is(await next.client().set('after', 'removal'), 'OK');
});

test('CLUSTER SLOTS/NODES/INFO describe one shard led by the leader; ioredis Cluster follows a leader kill', async () => {
  const nodes = await startCluster(3);
  started.push(...nodes);
  const leader = await findLeader(nodes);
  const follower = nodes.find((n) => n !== leader)!;
  const slots = (await follower.client().call('CLUSTER', 'SLOTS')) as unknown[][];
  assert.is(slots.length, 1);
  assert.equal(slots[0]!.slice(0, 2), [0, 16383]);
  assert.equal((slots[0]![2] as unknown[]).slice(0, 2), ['127.0.0.1', leader.port], 'the master is the leader');
  assert.is(slots[0]!.length, 5, 'two replicas');
  assert.match(redisCli(follower.port, 'CLUSTER', 'INFO'), /cluster_state:ok/);
  assert.match(redisCli(follower.port, 'CLUSTER', 'NODES'), new RegExp(`127\\.0\\.0\\.1:${leader.port}@\\d+ master - .* connected 0-16383`));
  assert.is(redisCli(leader.port, 'CLUSTER', 'KEYSLOT', 'foo').trim(), '12182');
  assert.match(redisCli(leader.port, 'CLUSTER', 'MYID').trim(), /^[0-9a-f]{40}$/);

  const client = new Cluster(nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), {
    clusterRetryStrategy: () => 100, retryDelayOnFailover: 100, retryDelayOnClusterDown: 100, retryDelayOnTryAgain: 100,
    maxRedirections: 50, redisOptions: { maxRetriesPerRequest: 20 },
  });
  client.on('error', () => {});
  try {
    for (let i = 0; i < 50; i++) assert.is(await client.set(`c:${i}`, String(i)), 'OK');
    leader.proc.kill('SIGKILL');
    // The client finds the new leader through MOVED/CLUSTER SLOTS on the survivors, with no help.
    for (let i = 50; i < 100; i++) assert.is(await client.set(`c:${i}`, String(i)), 'OK');
    const values = await Promise.all(Array.from({ length: 100 }, (_, i) => client.get(`c:${i}`)));
    assert.equal(values, Array.from({ length: 100 }, (_, i) => String(i)));
  } finally {
    client.disconnect();
  }
});

test('MULTI/EXEC replicate as one entry; WATCH aborts on every node alike; EXECABORT after queueing errors', async () => {
  const nodes = await startCluster(3);
  started.push(...nodes);
  const leader = await findLeader(nodes);
  const a = leader.client(), b = leader.client();
  assert.equal(await a.multi().set('t1', '1').incr('t1').get('t1').exec(), [[null, 'OK'], [null, 2], [null, '2']]);
  // WATCH: another client changes the key between WATCH and EXEC: the transaction is aborted (nil).
  await a.watch('w');
  await b.set('w', 'changed');
  assert.is(await a.multi().set('w', 'mine').exec(), null);
  assert.is(await b.get('w'), 'changed');
  // Unchanged watched key: it runs.
  await a.watch('w');
  assert.equal(await a.multi().set('w', 'mine').exec(), [[null, 'OK']]);
  // A queued command with the wrong arity aborts the whole transaction.
  const c = leader.client();
  await c.call('MULTI');
  await rejects(() => c.call('SET', 'x'), /wrong number of arguments/);
  assert.is(await c.call('SET', 'x', '1'), 'QUEUED');
  await rejects(() => c.call('EXEC'), /^EXECABORT Transaction discarded because of previous errors/);
  assert.is(await c.get('x'), null);
  await rejects(() => c.call('EXEC'), /EXEC without MULTI/);
  await rejects(() => c.call('DISCARD'), /DISCARD without MULTI/);
  // Followers applied the transactions identically.
  const f = nodes.find((n) => n !== leader)!;
  await waitFor('followers to apply', async () => (await raftInfo(f)).last_applied_index === (await raftInfo(leader)).commit_index);
  assert.is(redisCli(f.port, 'RAFT.INFO').includes('clients_in_multi_state:0'), true);
});

test('explicit mode: RAFT <command> replicates, bare commands stay local', async () => {
  const nodes = await startCluster(2, ['--raftize-all-commands', 'no']);
  started.push(...nodes);
  const leader = await findLeader(nodes);
  const follower = nodes.find((n) => n !== leader)!;
  const l = leader.client();
  assert.is(await l.call('RAFT', 'SET', 'replicated', 'yes'), 'OK');
  assert.is(await l.set('local-only', 'here'), 'OK');
  const f = follower.client();
  await waitFor('the replicated key on the follower', async () => (await f.get('replicated')) === 'yes');
  assert.is(await f.get('local-only'), null, 'a bare command touched only the leader');
});

test('follower proxy relays every reply type from the leader, RESP2 and RESP3', async () => {
  const nodes = await startCluster(3, ['--follower-proxy', 'yes']);
  started.push(...nodes);
  const leader = await findLeader(nodes);
  const follower = nodes.find((n) => n !== leader)!;
  const f = follower.client();
  assert.is(await f.set('p', 'v'), 'OK', 'status');
  assert.is(await f.get('p'), 'v', 'bulk');
  assert.is(await f.get('missing'), null, 'nil');
  assert.is(await f.incr('n'), 1, 'integer');
  await rejects(() => f.incr('p'), /ERR value is not an integer or out of range/);
  assert.equal(await f.mget('p', 'missing', 'n'), ['v', null, '1'], 'array with nil');
  const bin = Buffer.from([0, 13, 10, 255]);
  await f.set('bin', bin);
  assert.ok((await f.getBuffer('bin'))!.equals(bin), 'binary');
  assert.equal(await f.multi().set('m', '1').get('m').exec(), [[null, 'OK'], [null, '1']], 'transactions proxy too');
  // WATCH through the proxy: the follower keeps a connection of this client's own to the leader.
  const w = follower.client();
  assert.is(await w.watch('wk'), 'OK');
  assert.equal(await w.multi().set('wk', 'mine').exec(), [[null, 'OK']], 'an untouched WATCH lets EXEC run');
  assert.is(await w.watch('wk'), 'OK');
  await leader.client().set('wk', 'theirs');
  assert.is(await w.multi().set('wk', 'late').exec(), null, 'a change on the leader aborts the EXEC');
  assert.is(await f.get('wk'), 'theirs');
  assert.is(await w.watch('wk'), 'OK');
  assert.is(await w.unwatch(), 'OK');
  await leader.client().set('wk', 'again');
  assert.equal(await w.multi().set('wk', 'free').exec(), [[null, 'OK']], 'UNWATCH forgets the watch');
  // RESP3 client: the proxied reply keeps RESP3 types (null as _).
  const { RawClient } = await import('./lib/raw-client.js');
  const c = await RawClient.open(follower.port);
  c.send('HELLO 3\r\n');
  let hello = '';
  while (!hello.endsWith('$7\r\nmodules\r\n*0\r\n')) hello += await c.read(1);
  assert.is(await c.roundTrip('GET missing\r\n', '_\r\n'), '_\r\n');
  assert.is(await c.roundTrip('GET p\r\n', '$1\r\nv\r\n'), '$1\r\nv\r\n');
  c.close();
});

test('a removed node, restarted, re-joins under a new id', async () => {
  const nodes = await startCluster(3);
  started.push(...nodes);
  const leader = await findLeader(nodes);
  const victim = nodes.find((n) => n !== leader)!;
  const oldId = (await raftInfo(victim)).node_id!;
  assert.is(await leader.client().call('RAFT.NODE', 'REMOVE', oldId), 'OK');
  await victim.stop('SIGKILL');
  const again = await startNode(seedArgs(9, victim.port), victim.port);
  started.push(again);
  assert.is(redisCli(again.port, 'RAFT.CLUSTER', 'JOIN', `127.0.0.1:${leader.port}`).trim(), 'OK');
  const info = await waitFor('the node to become a voter again', async () => { const i = await raftInfo(again); return i.is_voting === 'yes' ? i : null; });
  assert.is.not(info.node_id, oldId);
  assert.is((await raftInfo(leader)).num_voting_nodes, '3');
});

test('a paused old leader does not commit writes when it wakes up', async () => {
  const nodes = await startCluster(3, ['--election-timeout', '300']);
  started.push(...nodes);
  const old = await findLeader(nodes);
  old.proc.kill('SIGSTOP');
  const next = await findLeader(nodes.filter((n) => n !== old));
  assert.is(await next.client().set('reg', 'new'), 'OK');
  old.proc.kill('SIGCONT');
  const reply = redisCli(old.port, 'SET', 'reg', 'stale-leader').trim();
  if (reply === 'OK') {
    // Acknowledged only if it truly committed: then the cluster holds it.
    assert.is(await next.client().get('reg'), 'stale-leader');
  } else {
    assert.match(reply, /^(MOVED|TRYAGAIN|CLUSTERDOWN)/);
    assert.is(await next.client().get('reg'), 'new');
  }
});

test('with requirepass and a cluster password, nodes authenticate to each other and clients must AUTH', async () => {
  const nodes = await startCluster(2, ['--requirepass', 'clientpw', '--cluster-password', 'peerpw'], 'clientpw');
  started.push(...nodes);
  const leader = await findLeader(nodes, 'clientpw');
  assert.match(redisCli(leader.port, 'GET', 'k'), /NOAUTH/);
  const r = leader.client({ password: 'clientpw' });
  assert.is(await r.set('k', 'v'), 'OK');
});

test('active expiry: the leader deletes expired keys through the log, on every node, without any access', async () => {
  const nodes = await startCluster(3);
  started.push(...nodes);
  const leader = await findLeader(nodes);
  const r = leader.client();
  for (let i = 0; i < 50; i++) await r.set(`tmp${i}`, 'x', 'PX', 150);
  await r.set('keep', 'y');
  await waitFor('every node to drop the expired keys', async () => {
    for (const n of nodes) {
      const c = n.client();
      await c.call('RAFT.CONFIG', 'SET', 'raftize-all-commands', 'no');
      const size = await c.dbsize();
      await c.call('RAFT.CONFIG', 'SET', 'raftize-all-commands', 'yes');
      c.disconnect();
      if (size !== 1) return false;
    }
    return true;
  });
  const stats = await nodes.find((n) => n !== leader)!.client().info('stats');
  assert.match(stats, /expired_keys:50/);
});

test('a node ignores Raft messages from another cluster: its term stays where it was', async () => {
  const n = await startInitializedNode();
  started.push(n);
  const before = await raftInfo(n);
  const stray = JSON.stringify({ type: 'heartbeat', from: 12345, to: Number(before.node_id), term: 99, commit: 0, readRound: 0, fromAddr: '127.0.0.1:1', dbid: 'f'.repeat(32) });
  await rejects(() => n.client().call('RAFT.AE', stray), /a message from cluster f{32} reached node \d+ of cluster [0-9a-f]{32}; ignored/);
  const after = await raftInfo(n);
  assert.is(after.current_term, before.current_term);
  assert.is(after.role, 'leader');
});

test('JOIN with unreachable or malformed addresses fails clearly and leaves the node uninitialized', async () => {
  const n = await startNode(['persistence=no']);
  started.push(n);
  const r = n.client();
  await rejects(() => r.call('RAFT.CLUSTER', 'JOIN', 'nonsense'), /invalid address 'nonsense'/);
  const dead = await freePort();
  await rejects(() => r.call('RAFT.CLUSTER', 'JOIN', `127.0.0.1:${dead}`), /failed to join the cluster/);
  assert.is((await raftInfo(n)).state, 'uninitialized');
});

test.run();
