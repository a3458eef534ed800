// redis-py (Debian's python3-redis), as Python users would connect: the
// cluster client against a 3-node cluster, and the plain client.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { startCluster, findLeader } from './lib/cluster.js';
import type { NodeProcess } from './lib/node-process.js';

const PYTHON = '/usr/bin/python3';
let nodes: NodeProcess[] = [];
test.after(async () => { await Promise.all(nodes.map((n) => n.stop('SIGKILL'))); });

function python(script: string, ...args: string[]): string {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`${PYTHON} could not run (install python3-redis): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`python exited ${r.status}:\n${r.stderr}`);
  return r.stdout.trim();
}

test('RedisCluster: discovers the nodes, follows MOVED, reads and writes across slots', async () => {
  nodes = await startCluster(3);
  const out = python(`
import sys
from redis.cluster import RedisCluster, ClusterNode
rc = RedisCluster(startup_nodes=[ClusterNode('127.0.0.1', int(p)) for p in sys.argv[1:]], decode_responses=True)
for i in range(200):
    rc.set(f'key:{i}', f'value:{i}')
assert all(rc.get(f'key:{i}') == f'value:{i}' for i in range(200))
rc.rpush('{tag}list', 'a', 'b', 'c')
print(rc.lrange('{tag}list', 0, -1), rc.incrby('counter', 5), rc.dbsize() if hasattr(rc, 'dbsize') else '')
`, ...nodes.map((n) => String(n.port)));
  assert.match(out, /^\['a', 'b', 'c'\] 5/);
});

test('Redis client on the leader: hashes, sorted sets with scores, transactions, blocking pop', async () => {
  const leader = await findLeader(nodes);
  const out = python(`
import sys, redis
r = redis.Redis(host='127.0.0.1', port=int(sys.argv[1]), decode_responses=True)
r.hset('h', mapping={'f1': 'v1', 'f2': 'v2'})
r.zadd('z', {'a': 1.5, 'b': -2})
with r.pipeline(transaction=True) as p:
    p.incr('n'); p.incr('n'); p.get('n')
    res = p.execute()
r.rpush('q', 'job')
print(sorted(r.hgetall('h').items()), r.zrange('z', 0, -1, withscores=True), res, r.blpop('q', timeout=1))
`, String(leader.port));
  assert.is(out, "[('f1', 'v1'), ('f2', 'v2')] [('b', -2.0), ('a', 1.5)] [1, 2, '2'] ('q', 'job')");
});

test.run();
