// CONFIG GET / CONFIG SET of Redis's parameters through the real command
// handler: config.c's types, ranges, defaults and aliases, its error texts,
// glob listing with aliases, and several pairs set atomically.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NodeConfig, OPTIONS } from '../src/config/index.js';
import { introspectionCommands } from '../src/commands/introspection.js';
import type { NodeContext } from '../src/node-context.js';
import type { ClientSession } from '../src/session.js';
import { plainReply } from './plain-reply.js';

const CONFIG = introspectionCommands.find((c) => c.name === 'config')!;

function node(): { config: NodeConfig; run: (...args: string[]) => unknown } {
  const config = new NodeConfig();
  const ctx = { config } as unknown as NodeContext;
  const run = (...args: string[]) => {
    const r = CONFIG.handler(ctx, {} as ClientSession, ['CONFIG', ...args].map((a) => Buffer.from(a)));
    if (r instanceof Promise) throw new Error('CONFIG answered later');
    return plainReply(r);
  };
  return { config, run };
}

const failed = (arg: string, why: string) => ({ err: `ERR CONFIG SET failed (possibly related to argument '${arg}') - ${why}` });

test("defaults are config.c's, aliases read and write the same value", () => {
  const { run } = node();
  const defaults: [string, string][] = [
    ['hash-max-listpack-entries', '512'], ['hash-max-ziplist-entries', '512'], ['hash-max-listpack-value', '64'],
    ['set-max-intset-entries', '512'], ['set-max-listpack-entries', '128'], ['set-max-listpack-value', '64'],
    ['zset-max-listpack-entries', '128'], ['zset-max-ziplist-value', '64'], ['list-max-listpack-size', '-2'], ['list-max-ziplist-size', '-2'],
    ['list-compress-depth', '0'], ['stream-node-max-entries', '100'], ['stream-node-max-bytes', '4096'], ['hll-sparse-max-bytes', '3000'],
    ['maxmemory', '0'], ['slowlog-log-slower-than', '10000'], ['slowlog-max-len', '128'], ['latency-tracking', 'yes'], ['activedefrag', 'no'],
    ['lazyfree-lazy-user-del', 'no'], ['appendfsync', 'everysec'], ['replica-serve-stale-data', 'yes'], ['slave-serve-stale-data', 'yes'],
    ['tracking-table-max-keys', '1000000'], ['client-query-buffer-limit', '1073741824'], ['proto-max-bulk-len', '536870912'], ['save', ''],
  ];
  for (const [name, value] of defaults) assert.equal(run('GET', name), [name, value], name);
  assert.is(run('SET', 'hash-max-ziplist-entries', '20'), 'OK');
  assert.equal(run('GET', 'hash-max-listpack-entries'), ['hash-max-listpack-entries', '20']);
  // Both spellings in one call: set in order, so the later one wins (Redis treats them as two configs).
  assert.is(run('SET', 'hash-max-listpack-entries', '20', 'hash-max-ziplist-entries', '21'), 'OK');
  assert.equal(run('GET', 'hash-max-listpack-entries'), ['hash-max-listpack-entries', '21']);
  // An exact name is answered under the spelling asked, in any case.
  assert.equal(run('GET', 'MaxMemory'), ['MaxMemory', '0']);
});

test('glob patterns list names and aliases, several arguments without repeats', () => {
  const { run } = node();
  const got = run('GET', '*max-*-entries') as string[];
  const names = got.filter((_, i) => i % 2 === 0).sort();
  assert.equal(names, ['hash-max-listpack-entries', 'hash-max-ziplist-entries', 'set-max-intset-entries', 'set-max-listpack-entries',
    'zset-max-listpack-entries', 'zset-max-ziplist-entries']);
  const res = run('GET', 'maxmemory', 'maxmemory*', 'maxmemory') as string[];
  const keys = res.filter((_, i) => i % 2 === 0);
  assert.is(new Set(keys).size, keys.length);
  for (const k of ['maxmemory', 'maxmemory-policy', 'maxmemory-clients', 'maxmemory-samples']) assert.ok(keys.includes(k), k);
  // Raft parameters are RAFT.CONFIG's.
  assert.equal(run('GET', 'election-timeout'), []);
  const all = run('GET', '*') as string[];
  for (const o of OPTIONS.filter((x) => x.scope === 'redis')) {
    assert.ok(all.includes(o.name), o.name);
    if (o.alias) assert.ok(all.includes(o.alias), o.alias);
  }
});

test("numbers as config.c reads them: integers, memory values, percentages, 64-bit ranges, Redis's errors", () => {
  const { run } = node();
  assert.is(run('SET', 'hash-max-listpack-value', '1kb'), 'OK');
  assert.equal(run('GET', 'hash-max-listpack-value'), ['hash-max-listpack-value', '1024']);
  assert.equal(run('SET', 'hash-max-listpack-entries', '1kb'), failed('hash-max-listpack-entries', "argument couldn't be parsed into an integer"));
  assert.equal(run('SET', 'set-max-intset-entries', '-1'), failed('set-max-intset-entries', 'argument must be between 0 and 9223372036854775807 inclusive'));
  assert.equal(run('SET', 'list-max-listpack-size', '01'), failed('list-max-listpack-size', "argument couldn't be parsed into an integer"));
  assert.equal(run('SET', 'list-max-ziplist-size', '2147483648'), failed('list-max-ziplist-size', 'argument must be between -2147483648 and 2147483647 inclusive'));
  assert.is(run('SET', 'list-max-ziplist-size', '-5'), 'OK');
  assert.equal(run('SET', 'list-compress-depth', '-1'), failed('list-compress-depth', 'argument must be between 0 and 2147483647 inclusive'));
  assert.equal(run('SET', 'slowlog-log-slower-than', '-2'), failed('slowlog-log-slower-than', 'argument must be between -1 and 9223372036854775807 inclusive'));
  assert.is(run('SET', 'slowlog-log-slower-than', '-1'), 'OK');
  assert.equal(run('SET', 'maxmemory', '-1'), failed('maxmemory', 'argument must be a memory value'));
  assert.equal(run('SET', 'maxmemory', '1.5gb'), failed('maxmemory', 'argument must be a memory value'));
  assert.is(run('SET', 'maxmemory', '700mb'), 'OK');
  assert.equal(run('GET', 'maxmemory'), ['maxmemory', '734003200']);
  assert.is(run('SET', 'maxmemory', '18446744073709551615'), 'OK');
  assert.equal(run('GET', 'maxmemory'), ['maxmemory', '18446744073709551615']);
  assert.equal(run('SET', 'maxmemory-clients', '200%'), failed('maxmemory-clients', 'percentage argument must be less or equal to 100'));
  assert.equal(run('SET', 'maxmemory-clients', 'lots'), failed('maxmemory-clients', 'argument must be a memory or percent value'));
  assert.is(run('SET', 'maxmemory-clients', '50%'), 'OK');
  assert.equal(run('GET', 'maxmemory-clients'), ['maxmemory-clients', '50%']);
  assert.equal(run('SET', 'client-query-buffer-limit', '1000'), failed('client-query-buffer-limit', 'argument must be between 1048576 and 9223372036854775807 inclusive'));
  // A Buffer holds at most 4 GB: larger bulk strings are refused rather than accepted and then failed.
  assert.equal(run('SET', 'proto-max-bulk-len', '10000000000'), failed('proto-max-bulk-len', 'argument must be between 1048576 and 4294967296 inclusive'));
  assert.equal(run('GET', 'proto-max-bulk-len'), ['proto-max-bulk-len', '536870912']);
});

test("yes/no, enums and the values consensus or this server cannot honour, in Redis's words", () => {
  const { run } = node();
  assert.equal(run('SET', 'latency-tracking', 'true'), failed('latency-tracking', "argument must be 'yes' or 'no'"));
  assert.is(run('SET', 'lazyfree-lazy-server-del', 'YES'), 'OK');
  assert.equal(run('GET', 'lazyfree-lazy-server-del'), ['lazyfree-lazy-server-del', 'yes']);
  assert.equal(run('SET', 'appendfsync', 'sometimes'), failed('appendfsync', 'argument(s) must be one of the following: always, everysec, no'));
  assert.is(run('SET', 'appendfsync', 'Always'), 'OK');
  assert.equal(run('GET', 'appendfsync'), ['appendfsync', 'always']);
  assert.equal(run('SET', 'activedefrag', 'yes'), failed('activedefrag', 'Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution'));
  assert.is(run('SET', 'activedefrag', 'no'), 'OK');
  assert.is(run('SET', 'save', ''), 'OK');
  assert.equal(run('SET', 'save', '3600 1 300'), failed('save', 'Invalid save parameters'));
  assert.equal(run('SET', 'save', '3600 1'), failed('save', `'save "3600 1"' cannot work with Raft replication (snapshots are managed by Raft); set save to ""`));
  assert.equal(run('GET', 'save'), ['save', '']);
  assert.is(run('SET', 'appendonly', 'no'), 'OK');
  assert.match((run('SET', 'appendonly', 'yes') as { err: string }).err, /argument 'appendonly'\) - 'appendonly yes' cannot work with Raft replication/);
  assert.is(run('SET', 'maxmemory-policy', 'noeviction'), 'OK');
  assert.match((run('SET', 'maxmemory-policy', 'allkeys-lru') as { err: string }).err, /set maxmemory-policy to noeviction$/);
  assert.equal(run('SET', 'maxmemory-policy', 'lru'), failed('maxmemory-policy',
    'argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction'));
});

test('several pairs at once: all or nothing, with config.c\'s precedence of errors', () => {
  const { config, run } = node();
  const changes: string[] = [];
  config.onChange((n, v) => changes.push(`${n}=${v}`));
  assert.is(run('SET', 'maxmemory', '10000001', 'zset-max-ziplist-entries', '0', 'list-compress-depth', '3'), 'OK');
  assert.equal(changes, ['maxmemory=10000001', 'zset-max-listpack-entries=0', 'list-compress-depth=3']);
  changes.length = 0;
  // A bad value anywhere: nothing changes, the first bad value is named.
  assert.equal(run('SET', 'maxmemory', '10000002', 'maxmemory-clients', '200%', 'client-query-buffer-limit', 'invalid'),
    failed('maxmemory-clients', 'percentage argument must be less or equal to 100'));
  assert.equal(run('GET', 'maxmemory'), ['maxmemory', '10000001']);
  assert.equal(changes, []);
  // Under the alias it was given.
  assert.equal(run('SET', 'maxmemory', '1', 'zset-max-ziplist-value', 'x'), failed('zset-max-ziplist-value', 'argument must be a memory value'));
  assert.equal(run('SET', 'maxmemory', '10000001', 'maxmemory', '10000002'), failed('maxmemory', 'duplicate parameter'));
  assert.equal(run('SET', 'maxmemory', '1', 'PORT', '1'), failed('PORT', "can't set immutable config"));
  // An unknown name wins over a later immutable one, not over an earlier one.
  assert.equal(run('SET', 'no-such', '1', 'port', '1'), { err: "ERR Unknown option or number of arguments for CONFIG SET - 'no-such'" });
  assert.equal(run('SET', 'port', '1', 'no-such', '1'), failed('port', "can't set immutable config"));
  assert.equal(run('SET', 'maxmemory', '1', 'election-timeout', '1'), { err: "ERR Unknown option or number of arguments for CONFIG SET - 'election-timeout'" });
  assert.equal(run('SET', 'maxmemory', '1', 'maxmemory'), { err: 'ERR syntax error' });
  assert.equal(run('SET', 'maxmemory'), { err: "ERR wrong number of arguments for 'config|set' command" });
  assert.equal(run('GET', 'maxmemory'), ['maxmemory', '10000001']);
  assert.equal(changes, []);
});

test('every parameter CONFIG GET shows can be set back to what it shows (Redis\'s CONFIG sanity test)', () => {
  const { config, run } = node();
  for (const o of OPTIONS) {
    if (o.scope !== 'redis' || o.startOnly) continue;
    const shown = (run('GET', o.name) as string[])[1]!;
    assert.is(run('SET', o.name, shown), 'OK', `${o.name} ${shown}`);
    assert.is(config.text(o.name), shown);
  }
});

test.run();
