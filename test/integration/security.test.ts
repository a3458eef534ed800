// Peer authentication on real 3-node clusters: with a cluster password, the
// internal RAFT.* commands are refused (NOPERM) to every connection that is
// not the cluster user's, a stranger with the right credentials cannot move
// a term, a node with the wrong password cannot join, and no secret is
// shown. Every test checks the cluster afterwards: terms and membership as
// they were, writes still committing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { nodeId, index as idx, term as trm, type Message } from '../../packages/raft/src/index.js';
import { encodePeerMessage } from '../../packages/server/src/cluster/peer-codec.js';
import { freePort, startNode, type NodeProcess } from './lib/node-process.js';
import { findLeader, raftInfo, seedArgs, startCluster, waitFor } from './lib/cluster.js';
import { rejects } from './lib/rejects.js';

const PEER_PW = 'Pw-7f3a9c-peer';
const CLIENT_PW = 'Pw-51d0e2-client';
const FAR_TERM = 1e12;
/** Long enough that no election happens by itself while a test runs: a term that moves was moved by the test. */
const CALM = ['--election-timeout', '3000'];

interface Member { readonly n: NodeProcess; readonly id: number }

async function members(nodes: NodeProcess[], password?: string): Promise<{ all: Member[]; dbid: string }> {
  const infos = await Promise.all(nodes.map((n) => raftInfo(n, password)));
  return { all: nodes.map((n, i) => ({ n, id: Number(infos[i]!.node_id) })), dbid: infos[0]!.dbid! };
}

/** Every node's term and membership size, to compare before and after. */
async function clusterState(nodes: NodeProcess[], password?: string): Promise<string[]> {
  const infos = await Promise.all(nodes.map((n) => raftInfo(n, password)));
  return infos.map((i) => `node ${i.node_id}: term ${i.current_term}, ${i.num_nodes} nodes, ${i.num_voting_nodes} voting, role ${i.role}`);
}

/** Well-formed peer frames, made by the product's own encoder, that would raise the receiver's term to 10^12 if obeyed. */
function hostileFrames(from: number, to: number, dbid: string): { name: string; argv: Buffer[] }[] {
  const env = { from: nodeId(from), to: nodeId(to), term: trm(FAR_TERM) };
  const sender = { addr: '127.0.0.1:1', dbid };
  const msgs: Message[] = [
    { ...env, type: 'append', prevIndex: idx(0), prevTerm: trm(0), entries: [], commit: idx(0) },
    { ...env, type: 'heartbeat', commit: idx(0), readRound: 0 },
    // A transfer vote skips the voters' leader lease: the strongest request there is.
    { ...env, type: 'vote', preVote: false, lastIndex: idx(1e9), lastTerm: trm(FAR_TERM), transfer: true },
  ];
  return msgs.map((m) => {
    const argv = encodePeerMessage(m, sender);
    return { name: argv[0]!.toString().toLowerCase(), argv };
  });
}

async function send(c: Redis, argv: Buffer[]): Promise<string> {
  try {
    return String(await c.call(argv[0]!.toString(), ...argv.slice(1)));
  } catch (e) {
    return (e as Error).message;
  }
}

async function stillTakesWrites(nodes: NodeProcess[], password?: string): Promise<void> {
  const leader = await findLeader(nodes, password);
  const c = leader.client({ password });
  const v = `v${Date.now()}`;
  assert.is(await c.set('after-attack', v), 'OK');
  assert.is(await c.get('after-attack'), v);
  c.disconnect();
}

// ---------------------------------------------------------------- cluster-password, no requirepass

const peerOnly = suite<{ nodes: NodeProcess[] }>('cluster-password without requirepass');
peerOnly.before(async (ctx) => { ctx.nodes = await startCluster(3, ['--cluster-password', PEER_PW, ...CALM]); });
peerOnly.after(async (ctx) => { await Promise.all(ctx.nodes.map((n) => n.stop())); });

peerOnly('a plain client and one whose AUTH as the cluster user failed get NOPERM for every internal command; nothing moves', async ({ nodes }) => {
  const { all, dbid } = await members(nodes);
  const before = await clusterState(nodes);
  for (const target of all) {
    const plain = target.n.client();
    const wrong = target.n.client();
    await rejects(() => wrong.call('AUTH', 'raft-peer', 'wrong'), /^WRONGPASS invalid username-password pair or user is disabled\.$/);
    // Impersonating a real member: only the connection's identity stops these.
    const impersonated = all.find((m) => m.id !== target.id)!.id;
    for (const c of [plain, wrong]) {
      for (const f of hostileFrames(impersonated, target.id, dbid)) {
        assert.is(await send(c, f.argv), `NOPERM User default has no permissions to run the '${f.name}' command`);
      }
      assert.is(await send(c, [Buffer.from('RAFT.NODE'), Buffer.from('ADD'), Buffer.from('999'), Buffer.from('127.0.0.1:1')]),
        "NOPERM User default has no permissions to run the 'raft.node|add' command");
      for (const name of ['RAFT.SNAPSHOT', 'RAFT.TIMEOUT-NOW', 'RAFT.AE-REPLY', 'RAFT.REQUESTVOTE-REPLY', 'RAFT.SNAPSHOT-REPLY']) {
        assert.match(await send(c, [Buffer.from(name), Buffer.from('{}')]), new RegExp(`^NOPERM User default has no permissions to run the '${name.toLowerCase()}' command$`));
      }
    }
    // Inside MULTI the refusal comes at queueing, and EXEC aborts.
    const tx = plain.multi();
    tx.call('RAFT.AE', hostileFrames(impersonated, target.id, dbid)[1]!.argv[1]!);
    await rejects(() => tx.exec(), /EXECABORT/);
    plain.disconnect();
    wrong.disconnect();
  }
  assert.equal(await clusterState(nodes), before);
  await stillTakesWrites(nodes);
  // Each node logged the refusals with the client's address, and no more than its rate limit allows.
  for (const { n } of all) {
    await waitFor('the refusal in the log', async () => /refused internal command 'raft\.\S+' from 127\.0\.0\.1:\d+ \(user default\)/.test(n.output()));
    const lines = n.output().split('\n').filter((l) => l.includes('refused internal command'));
    assert.ok(lines.length <= 5, `${lines.length} refusal lines logged:\n${lines.join('\n')}`);
  }
});

peerOnly('RAFT.NODE REMOVE, RAFT.CONFIG, RAFT.INFO stay available to ordinary clients', async ({ nodes }) => {
  const leader = await findLeader(nodes);
  const c = leader.client();
  await rejects(() => c.call('RAFT.NODE', 'REMOVE', '999'), /^ERR node id does not exist$/);
  assert.equal(await c.call('RAFT.CONFIG', 'GET', 'follower-proxy'), ['follower-proxy', 'no']);
  assert.match(String(await c.call('RAFT.INFO')), /role:leader/);
  c.disconnect();
});

peerOnly('a stranger with the right credentials cannot move a term, and malformed frames change nothing', async ({ nodes }) => {
  const { all, dbid } = await members(nodes);
  const before = await clusterState(nodes);
  for (const target of all) {
    const peer = target.n.client({ username: 'raft-peer', password: PEER_PW });
    for (const f of hostileFrames(999, target.id, dbid)) {
      assert.match(await send(peer, f.argv), /^ERR node 999 is not a (voter|member) of this node's configuration.*; ignored$/, f.name);
    }
    assert.match(await send(peer, [Buffer.from('RAFT.AE'), Buffer.from('{"type":"heartbeat"')]), /^ERR malformed peer message: RAFT.AE header is not JSON$/);
    const badTerm = JSON.stringify({ type: 'heartbeat', from: all.find((m) => m !== target)!.id, to: target.id, term: 'x'.repeat(3), commit: 0, readRound: 0, dbid });
    assert.match(await send(peer, [Buffer.from('RAFT.AE'), Buffer.from(badTerm)]), /^ERR malformed peer message: field 'term' must be a non-negative integer$/);
    peer.disconnect();
    // HELLO ... AUTH makes a peer session too: the stranger gets past NOPERM, and is ignored all the same.
    const hello = target.n.client();
    await hello.call('HELLO', '2', 'AUTH', 'raft-peer', PEER_PW);
    assert.match(await send(hello, hostileFrames(999, target.id, dbid)[2]!.argv), /^ERR node 999 is not a voter of this node's configuration; ignored$/);
    hello.disconnect();
  }
  assert.equal(await clusterState(nodes), before);
  await stillTakesWrites(nodes);
  for (const { n } of all) await waitFor('the ignored stranger in the log', async () => /ignored a vote message of term 1000000000000 from node 999 \(127\.0\.0\.1:\d+\)/.test(n.output()));
});

peerOnly('a node with the wrong cluster password, or none, cannot join: a clear error, uninitialized, no files', async ({ nodes }) => {
  const leader = await findLeader(nodes);
  const before = await clusterState(nodes);
  for (const [extra, sent] of [[['--cluster-password', 'not-the-one'], 'cluster-password'], [[], 'none sent; this node has no cluster-password']] as const) {
    const port = await freePort();
    const n = await startNode(seedArgs(4, port, [...extra]), port);
    try {
      const c = n.client();
      await rejects(() => c.call('RAFT.CLUSTER', 'JOIN', `127.0.0.1:${leader.port}`),
        new RegExp(`^ERR cannot join: the cluster at 127\\.0\\.0\\.1:${leader.port} refused our credentials \\(${sent.replace(/[()]/g, '\\$&')}\\): (WRONGPASS|NOPERM) `));
      const info = await raftInfo(n);
      assert.is(info.state, 'uninitialized');
      assert.is(info.num_nodes, '0');
      assert.equal(readdirSync(n.dir), [], 'the failed join left no files');
      c.disconnect();
    } finally {
      await n.stop();
    }
  }
  assert.equal(await clusterState(nodes), before, 'membership unchanged');
  await waitFor('the leader to log the refused credentials', async () => /refused AUTH as cluster user 'raft-peer' from 127\.0\.0\.1:\d+: wrong cluster-password/.test(leader.output()));
  await stillTakesWrites(nodes);
});

peerOnly('no secret in RAFT.CONFIG, CONFIG GET, INFO, RAFT.INFO, CLIENT LIST or the log; peers show as the cluster user', async ({ nodes }) => {
  const leader = await findLeader(nodes);
  const follower = nodes.find((n) => n !== leader)!;
  const c = follower.client();
  assert.equal(await c.call('RAFT.CONFIG', 'GET', 'cluster-password'), ['cluster-password', '********']);
  assert.equal(await c.call('RAFT.CONFIG', 'GET', 'cluster-user'), ['cluster-user', 'raft-peer']);
  const everything = [
    await c.call('RAFT.CONFIG', 'GET', '*'), await c.call('CONFIG', 'GET', '*'), await c.call('INFO', 'everything'),
    await c.call('RAFT.INFO'), await c.call('CLIENT', 'LIST'),
  ].map((r) => JSON.stringify(r)).join('\n');
  assert.not.ok(everything.includes(PEER_PW));
  // The leader's link to this follower is a peer session here.
  assert.match(String(await c.call('CLIENT', 'LIST')), /user=raft-peer/);
  const peer = follower.client({ username: 'raft-peer', password: PEER_PW });
  assert.equal(await peer.call('RAFT.CONFIG', 'GET', 'cluster-password'), ['cluster-password', PEER_PW], 'a peer may read it back');
  peer.disconnect();
  c.disconnect();
  for (const n of nodes) assert.not.ok(n.output().includes(PEER_PW), 'the log never holds the password');
});

peerOnly.run();

// ---------------------------------------------------------------- cluster-password and requirepass

const both = suite<{ nodes: NodeProcess[] }>('cluster-password and requirepass');
both.before(async (ctx) => {
  ctx.nodes = await startCluster(3, ['--requirepass', CLIENT_PW, '--cluster-password', PEER_PW, '--follower-proxy', 'yes', ...CALM], CLIENT_PW);
});
both.after(async (ctx) => { await Promise.all(ctx.nodes.map((n) => n.stop())); });

both('a client authenticated with requirepass gets NOPERM for internal commands; the cluster is unchanged', async ({ nodes }) => {
  const { all, dbid } = await members(nodes, CLIENT_PW);
  const before = await clusterState(nodes, CLIENT_PW);
  for (const target of all) {
    const c = target.n.client({ password: CLIENT_PW });
    const impersonated = all.find((m) => m.id !== target.id)!.id;
    for (const f of hostileFrames(impersonated, target.id, dbid)) {
      assert.is(await send(c, f.argv), `NOPERM User default has no permissions to run the '${f.name}' command`);
    }
    assert.is(await send(c, [Buffer.from('RAFT.NODE'), Buffer.from('ADD'), Buffer.from('999'), Buffer.from('127.0.0.1:1')]),
      "NOPERM User default has no permissions to run the 'raft.node|add' command");
    // The cluster password is no client password: AUTH default <cluster-password> is refused.
    await rejects(() => c.call('AUTH', PEER_PW), /^WRONGPASS/);
    c.disconnect();
  }
  assert.equal(await clusterState(nodes, CLIENT_PW), before);
  await stillTakesWrites(nodes, CLIENT_PW);
});

both('the follower proxy and peer AUTH serve ordinary commands: the cluster user needs no requirepass', async ({ nodes }) => {
  const leader = await findLeader(nodes, CLIENT_PW);
  const follower = nodes.find((n) => n !== leader)!;
  const c = follower.client({ password: CLIENT_PW });
  assert.is(await c.set('proxied', '1'), 'OK', 'forwarded to the leader over a connection authenticated as the cluster user');
  assert.is(await c.get('proxied'), '1');
  c.disconnect();
  const peer = leader.client({ username: 'raft-peer', password: PEER_PW });
  assert.is(await peer.get('proxied'), '1');
  peer.disconnect();
});

both.run();

// ---------------------------------------------------------------- no cluster password

const open = suite('no cluster password');

open('a node without cluster-password warns once at start that internal commands are open', async () => {
  const n = await startNode(['persistence=no']);
  try {
    const warnings = n.output().split('\n').filter((l) => l.includes('cluster-password is not set'));
    assert.is(warnings.length, 1, n.output());
    assert.match(warnings[0]!, /internal RAFT\.\* commands .* are open to any client that can connect; set cluster-password on every node/);
  } finally {
    await n.stop();
  }
});

open.run();
