import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { configFromArgs, ConfigError, settingsFromArgs, parseSize, NodeConfig, SECRET_MASK } from '../src/index.js';

function refuse(args: string[], files: Record<string, string> = {}): string {
  try {
    configFromArgs(args, (p) => { if (p in files) return files[p]!; throw new Error('ENOENT: no such file'); });
  } catch (e) {
    assert.instance(e, ConfigError);
    return (e as Error).message;
  }
  throw new Error(`accepted ${args.join(' ')}`);
}

test('defaults', () => {
  const c = configFromArgs([]);
  assert.is(c.int('port'), 6379);
  assert.equal(c.list('bind'), ['127.0.0.1']);
  assert.is(c.text('raft-log-filename'), 'redisraft.db');
  assert.is(c.int('election-timeout'), 500);
  assert.is(c.bool('raft-log-fsync'), true);
  assert.is(c.bool('follower-proxy'), false);
  assert.is(c.size('raft-log-max-file-size'), 64_000_000);
});

test('the seed command line: redis options, --loadmodule path ignored, module args read', () => {
  const c = configFromArgs(['--bind', '0.0.0.0', '--port', '5001', '--dbfilename', 'raft1.rdb', '--loadmodule', '/x/redisraft.so',
    'raft-log-filename=raftlog1.db', 'addr=127.0.0.1:5001']);
  assert.is(c.int('port'), 5001);
  assert.is(c.text('dbfilename'), 'raft1.rdb');
  assert.is(c.text('raft-log-filename'), 'raftlog1.db');
  assert.is(c.text('addr'), '127.0.0.1:5001');
});

test('all three Raft parameter forms, and several bind addresses', () => {
  const c = configFromArgs(['raft-log-filename=a.db', '--election-timeout', '900', '--raft.log-max-file-size', '1mb',
    '--raft.request-timeout', '50', '--bind', '127.0.0.1', '127.0.0.2']);
  assert.is(c.text('raft-log-filename'), 'a.db');
  assert.is(c.int('election-timeout'), 900);
  assert.is(c.size('raft-log-max-file-size'), 1024 * 1024);
  assert.is(c.int('request-timeout'), 50);
  assert.equal(c.list('bind'), ['127.0.0.1', '127.0.0.2']);
  assert.is(configFromArgs(['--raft.log-filename', 'b.db']).text('raft-log-filename'), 'b.db');
});

test('config file in redis.conf syntax, overridden by the command line', () => {
  const file = [
    '# a comment', 'port 5002', 'dbfilename "raft 2.rdb"', 'save ""', 'appendonly no',
    'loadmodule ./redisraft.so raft-log-filename=raftlog2.db follower-proxy=yes', 'election-timeout 700',
  ].join('\n');
  const c = configFromArgs(['/etc/node.conf', '--election-timeout', '800'], () => file);
  assert.is(c.int('port'), 5002);
  assert.is(c.text('dbfilename'), 'raft 2.rdb');
  assert.is(c.text('raft-log-filename'), 'raftlog2.db');
  assert.is(c.bool('follower-proxy'), true);
  assert.is(c.int('election-timeout'), 800);
});

test('settings incompatible with consensus are refused with one line naming the value needed', () => {
  assert.match(refuse(['--appendonly', 'yes']), /'appendonly yes'.*set appendonly to no/);
  assert.match(refuse(['--save', '900 1']), /'save "900 1"'.*set save to ""/);
  assert.match(refuse(['--replicaof', '127.0.0.1 6379']), /replicaof/);
  assert.match(refuse(['--cluster-enabled', 'yes']), /set cluster-enabled to no/);
  assert.match(refuse(['--maxmemory-policy', 'allkeys-lru']), /set maxmemory-policy to noeviction/);
  for (const args of [['--appendonly', 'yes'], ['--save', '1 1']]) assert.not.match(refuse(args), /\n/);
});

test('bad values and unknown options are refused with the option named', () => {
  assert.match(refuse(['--port', 'abc']), /bad value for 'port': 'abc'/);
  assert.match(refuse(['--port', '70000']), /'port'.*0 to 65535/);
  assert.match(refuse(['election-timeout=-5']), /'election-timeout'/);
  assert.match(refuse(['--raft-log-fsync', 'maybe']), /yes or no/);
  assert.match(refuse(['--raft-log-max-file-size', '12zb']), /raft-log-max-file-size/);
  assert.match(refuse(['--no-such-thing', '1']), /unknown option 'no-such-thing'/);
  assert.match(refuse(['addr=h:1', 'stray']), /unexpected argument 'stray'/);
  assert.match(refuse(['--port', '1', 'stray']), /bad value for 'port': '1 stray'/);
  assert.match(refuse(['--port']), /bad value for 'port': ''/);
  assert.match(refuse(['missing.conf']), /cannot read config file 'missing.conf'/);
  assert.match(refuse(['c.conf'], { 'c.conf': 'port 1\nbogus 2\n' }), /^c.conf:2: unknown option 'bogus'/);
  assert.match(refuse(['--loadmodule', './x.so', 'oops']), /module argument 'oops'/);
});

test('runtime changes refuse start-only options and notify listeners', () => {
  const c = new NodeConfig();
  const seen: string[] = [];
  c.onChange((n, v) => seen.push(`${n}=${v}`));
  assert.equal(c.set('port', '1', true), { ok: false, error: "'port' can only be set at start", reason: "can't set immutable config" });
  assert.equal(c.set('election-timeout', '1000', true), { ok: true });
  assert.equal(seen, ['election-timeout=1000']);
  assert.is(c.set('election-timeout', 'x', true).ok, false);
  assert.is(c.int('election-timeout'), 1000);
});

test('sizes use Redis units', () => {
  assert.is(parseSize('100'), 100);
  assert.is(parseSize('1k'), 1000);
  assert.is(parseSize('1kb'), 1024);
  assert.is(parseSize('64MB'), 64 * 1024 * 1024);
  assert.is(parseSize('2gb'), 2 * 1024 ** 3);
  assert.is(parseSize('1.5mb'), null);
  assert.is(parseSize('-1'), null);
});

test('--name takes every word up to the next --, like redis-server', () => {
  assert.equal(settingsFromArgs(['--save', '', '--bind', 'a', 'b']).map((s) => [s.name, s.value]), [['save', ''], ['bind', 'a b']]);
});

test('a known param=value after an option starts a new setting', () => {
  const c = configFromArgs(['--port', '5001', 'raft-log-filename=x.db', '--bind', '127.0.0.1', 'addr=127.0.0.1:5001']);
  assert.is(c.int('port'), 5001);
  assert.is(c.text('raft-log-filename'), 'x.db');
  assert.is(c.text('addr'), '127.0.0.1:5001');
  assert.is(configFromArgs(['--requirepass', 'a=b']).text('requirepass'), 'a=b');
});

test('cluster-user and cluster-password in every Raft form; the password reads back masked except to peers', () => {
  assert.is(configFromArgs([]).text('cluster-user'), 'raft-peer');
  for (const args of [['cluster-user=node', 'cluster-password=s'], ['--raft.cluster-user', 'node', '--raft.cluster-password', 's'], ['--cluster-user', 'node', 'raft.cluster-password=s']]) {
    const c = configFromArgs(args);
    assert.is(c.text('cluster-user'), 'node', args.join(' '));
    assert.is(c.text('cluster-password'), 's', args.join(' '));
    assert.is(c.shown('cluster-password', false), SECRET_MASK);
    assert.is(c.shown('cluster-password', true), 's');
    assert.is(c.shown('cluster-user', false), 'node');
  }
  assert.is(configFromArgs([]).shown('cluster-password', false), '', 'unset reads as unset');
  assert.is(configFromArgs(['--requirepass', 'p']).shown('requirepass', false), 'p', 'requirepass reads back as Redis shows it');
  assert.match(refuse(['cluster-user=']), /cluster-user '' must be a non-empty name/);
  assert.match(refuse(['--cluster-user', 'a', 'b']), /cluster-user 'a b' must be a non-empty name without spaces/);
});

test('notify-keyspace-events: any class characters, stored so that they parse back, refused with Redis\'s text', () => {
  const c = configFromArgs(['--notify-keyspace-events', 'Ex$']);
  assert.is(c.text('notify-keyspace-events'), '$xE');
  assert.equal(c.set('notify-keyspace-events', 'KEA', true), { ok: true });
  assert.is(c.text('notify-keyspace-events'), 'AKE');
  assert.equal(c.set('notify-keyspace-events', 'AKEn', true), { ok: true });
  assert.is(c.text('notify-keyspace-events'), 'AKEn', 'n survives A, which Redis\'s printer hides it behind');
  assert.equal(c.set('notify-keyspace-events', 'KEq', true), { ok: false, error: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.", reason: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." });
  assert.is(c.text('notify-keyspace-events'), 'AKEn', 'a refused value changes nothing');
  assert.equal(c.set('notify-keyspace-events', '', true), { ok: true });
  assert.is(c.text('notify-keyspace-events'), '');
});

test.run();
