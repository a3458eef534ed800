import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeReply } from '@redisraft-wasm/resp';
import { Store } from '../src/index.js';

type Opts = { now?: number; proto?: 2 | 3 };
const exec = (s: Store, o: Opts, ...args: (string | Buffer)[]) =>
  encodeReply(s.execute(args.map((a) => (typeof a === 'string' ? Buffer.from(a, 'latin1') : a)), { nowMs: o.now ?? 1000, seed: 1, resp: o.proto ?? 2 }), o.proto ?? 2).toString('latin1');
const run = (s: Store, ...args: string[]) => exec(s, {}, ...args);
const at = (s: Store, now: number, ...args: string[]) => exec(s, { now }, ...args);
const bulk = (x: string) => `$${Buffer.byteLength(x, 'latin1')}\r\n${x}\r\n`;

test('XADD * takes the entry time; the sequence counts up within a millisecond and the clock never goes back', () => {
  const s = new Store();
  assert.is(at(s, 5000, 'XADD', 'st', '*', 'f', 'v'), bulk('5000-0'));
  assert.is(at(s, 5000, 'XADD', 'st', '*', 'f', 'v'), bulk('5000-1'));
  assert.is(at(s, 4000, 'XADD', 'st', '*', 'f', 'v'), bulk('5000-2'), 'an older entry time keeps the last ms');
  assert.is(at(s, 6000, 'XADD', 'st', '*', 'f', 'v'), bulk('6000-0'));
  assert.is(at(s, 6000, 'XADD', 'st', '6000-*', 'f', 'v'), bulk('6000-1'));
  assert.is(at(s, 6000, 'XADD', 'st', '7000-*', 'f', 'v'), bulk('7000-0'));
  assert.is(run(s, 'XADD', 'st', '7000-0', 'f', 'v'), '-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n');
  assert.is(run(s, 'XADD', 'st', '0-0', 'f', 'v'), '-ERR The ID specified in XADD must be greater than 0-0\r\n');
  assert.is(run(s, 'XADD', 'st', '18446744073709551615-18446744073709551615', 'f', 'v'), bulk('18446744073709551615-18446744073709551615'));
  assert.is(run(s, 'XADD', 'st', '*', 'f', 'v'), '-ERR The stream has exhausted the last possible ID, unable to add more items\r\n');
  assert.is(run(s, 'XLEN', 'st'), ':7\r\n');
  assert.is(run(s, 'TYPE', 'st'), '+stream\r\n');
  assert.is(run(s, 'XADD', 'none', 'NOMKSTREAM', '*', 'f', 'v'), '$-1\r\n');
  assert.is(run(s, 'EXISTS', 'none'), ':0\r\n');
  run(s, 'SET', 'str', 'x');
  assert.is(run(s, 'XADD', 'str', '*', 'f', 'v'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
});

test('the same commands at the same entry times give identical replies on two stores (replicated state machine)', () => {
  const a = new Store(), b = new Store();
  const script: [number, string[]][] = [
    [100, ['XADD', 'k', '*', 'a', '1']], [100, ['XADD', 'k', '*', 'a', '2']], [150, ['XGROUP', 'CREATE', 'k', 'g', '0']],
    [200, ['XREADGROUP', 'GROUP', 'g', 'c1', 'COUNT', '1', 'STREAMS', 'k', '>']], [260, ['XPENDING', 'k', 'g', '-', '+', '10']],
    [300, ['XCLAIM', 'k', 'g', 'c2', '50', '100-0']], [900, ['XINFO', 'STREAM', 'k', 'FULL']], [950, ['XINFO', 'CONSUMERS', 'k', 'g']],
    [990, ['XAUTOCLAIM', 'k', 'g', 'c3', '0', '0']],
  ];
  for (const [now, argv] of script) assert.is(at(a, now, ...argv), at(b, now, ...argv), argv.join(' '));
});

test('idle and delivery times come from the entry time', () => {
  const s = new Store();
  at(s, 1000, 'XADD', 'k', '1-1', 'f', 'v');
  at(s, 1000, 'XADD', 'k', '1-2', 'f', 'v');
  at(s, 1000, 'XGROUP', 'CREATE', 'k', 'g', '0');
  at(s, 2000, 'XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 'k', '>');
  assert.is(at(s, 2500, 'XPENDING', 'k', 'g', '-', '+', '10'),
    `*2\r\n*4\r\n${bulk('1-1')}${bulk('alice')}:500\r\n:1\r\n*4\r\n${bulk('1-2')}${bulk('alice')}:500\r\n:1\r\n`);
  assert.is(at(s, 2500, 'XPENDING', 'k', 'g', 'IDLE', '501', '-', '+', '10'), '*0\r\n');
  assert.ok(at(s, 2700, 'XINFO', 'CONSUMERS', 'k', 'g').endsWith(`${bulk('idle')}:700\r\n`));
  // Not idle long enough, then long enough; IDLE and TIME set the delivery time.
  assert.is(at(s, 2600, 'XCLAIM', 'k', 'g', 'bob', '1000', '1-1', 'JUSTID'), '*0\r\n');
  assert.is(at(s, 3000, 'XCLAIM', 'k', 'g', 'bob', '1000', '1-1', 'JUSTID', 'IDLE', '250'), `*1\r\n${bulk('1-1')}`);
  assert.is(at(s, 3000, 'XCLAIM', 'k', 'g', 'bob', '0', '1-2', 'TIME', '2900', 'RETRYCOUNT', '7', 'JUSTID'), `*1\r\n${bulk('1-2')}`);
  assert.is(at(s, 3000, 'XPENDING', 'k', 'g', '-', '+', '10'),
    `*2\r\n*4\r\n${bulk('1-1')}${bulk('bob')}:250\r\n:1\r\n*4\r\n${bulk('1-2')}${bulk('bob')}:100\r\n:7\r\n`);
  assert.is(at(s, 3000, 'XPENDING', 'k', 'g'), `*4\r\n:2\r\n${bulk('1-1')}${bulk('1-2')}*1\r\n*2\r\n${bulk('bob')}${bulk('2')}`);
});

test('XRANGE and XREVRANGE: exclusive bounds, COUNT, incomplete ids, binary-safe fields', () => {
  const s = new Store();
  for (let i = 1; i <= 5; i++) run(s, 'XADD', 'k', `${i}-0`, 'f', String(i));
  exec(s, {}, 'XADD', 'k', '6-0', Buffer.from([0, 0xff, 13, 10]), Buffer.from([1, 2, 0]));
  const ids = (reply: string) => [...reply.matchAll(/\$\d+\r\n(\d+-\d+)\r\n/g)].map((m) => m[1]);
  assert.equal(ids(run(s, 'XRANGE', 'k', '(2-0', '5')), ['3-0', '4-0', '5-0']);
  assert.equal(ids(run(s, 'XRANGE', 'k', '-', '+', 'COUNT', '2')), ['1-0', '2-0']);
  assert.equal(ids(run(s, 'XREVRANGE', 'k', '(5-0', '-', 'COUNT', '2')), ['4-0', '3-0']);
  assert.is(run(s, 'XRANGE', 'k', '-', '+', 'COUNT', '0'), '*-1\r\n');
  assert.is(run(s, 'XRANGE', 'k', '(18446744073709551615-18446744073709551615', '+'), '-ERR invalid start ID for the interval\r\n');
  assert.is(run(s, 'XRANGE', 'k', '-', '(0-0'), '-ERR invalid end ID for the interval\r\n');
  assert.is(run(s, 'XRANGE', 'k', '(-', '+'), '-ERR Invalid stream ID specified as stream command argument\r\n');
  assert.is(run(s, 'XRANGE', 'k', '6', '6'), `*1\r\n*2\r\n${bulk('6-0')}*2\r\n$4\r\n\x00\xff\r\n\r\n$3\r\n\x01\x02\x00\r\n`);
});

test('nodes of 100 entries: approximate trimming removes whole nodes only, LIMIT caps the work', () => {
  const s = new Store();
  for (let i = 1; i <= 250; i++) run(s, 'XADD', 'k', `${i}-0`, 'f', 'v');
  assert.ok(run(s, 'XINFO', 'STREAM', 'k').includes(`${bulk('radix-tree-keys')}:3\r\n`));
  assert.is(run(s, 'XTRIM', 'k', 'MAXLEN', '~', '120', 'LIMIT', '50'), ':0\r\n', 'a whole node is more than the limit');
  assert.is(run(s, 'XTRIM', 'k', 'MAXLEN', '~', '120'), ':100\r\n');
  assert.is(run(s, 'XTRIM', 'k', 'MAXLEN', '~', '120'), ':0\r\n');
  assert.is(run(s, 'XTRIM', 'k', 'MAXLEN', '120'), ':30\r\n');
  assert.is(run(s, 'XTRIM', 'k', 'MINID', '~', '210'), ':70\r\n', 'the first node (101-200, 30 of them deleted) goes whole');
  assert.is(run(s, 'XTRIM', 'k', 'MINID', '~', '220'), ':0\r\n', 'the node left holds ids >= 220');
  assert.is(run(s, 'XTRIM', 'k', 'MINID', '210'), ':9\r\n');
  assert.is(run(s, 'XLEN', 'k'), ':41\r\n');
  assert.ok(run(s, 'XINFO', 'STREAM', 'k').includes(`${bulk('recorded-first-entry-id')}${bulk('210-0')}`));
  // Big entries fill a node by bytes (4096) before 100 entries.
  const big = 'x'.repeat(1500);
  for (let i = 1; i <= 6; i++) run(s, 'XADD', 'b', `${i}-0`, 'f', big);
  assert.ok(run(s, 'XINFO', 'STREAM', 'b').includes(`${bulk('radix-tree-keys')}:3\r\n`));
  assert.is(run(s, 'XADD', 'b', 'MAXLEN', '~', '1', '7-0', 'f', 'v'), bulk('7-0'));
  assert.is(run(s, 'XLEN', 'b'), ':3\r\n');
});

test('XDEL leaves tombstones; group lag and entries-read follow Redis', () => {
  const s = new Store();
  for (let i = 1; i <= 5; i++) run(s, 'XADD', 'k', `${i}-0`, 'f', 'v');
  run(s, 'XGROUP', 'CREATE', 'k', 'g', '0');
  run(s, 'XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '2', 'STREAMS', 'k', '>');
  const groups = () => run(s, 'XINFO', 'GROUPS', 'k');
  assert.ok(groups().endsWith(`${bulk('entries-read')}:2\r\n${bulk('lag')}:3\r\n`));
  assert.is(run(s, 'XDEL', 'k', '4-0', '4-0', '9-9'), ':1\r\n');
  assert.ok(groups().endsWith(`${bulk('entries-read')}:2\r\n${bulk('lag')}$-1\r\n`), 'a tombstone ahead makes the lag unknown');
  run(s, 'XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'k', '>');
  assert.ok(groups().endsWith(`${bulk('entries-read')}:5\r\n${bulk('lag')}:0\r\n`));
  // The consumer's history shows deleted entries as null.
  run(s, 'XDEL', 'k', '1-0');
  assert.is(run(s, 'XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 'k', '0'), `*1\r\n*2\r\n${bulk('k')}*1\r\n*2\r\n${bulk('1-0')}*-1\r\n`);
  // XAUTOCLAIM drops PEL entries of deleted messages and reports them.
  assert.is(run(s, 'XAUTOCLAIM', 'k', 'g', 'd', '0', '0', 'COUNT', '1', 'JUSTID'), `*3\r\n${bulk('2-0')}*0\r\n*1\r\n${bulk('1-0')}`);
  assert.is(run(s, 'XAUTOCLAIM', 'k', 'g', 'd', '0', '0', 'COUNT', '2', 'JUSTID'), `*3\r\n${bulk('5-0')}*2\r\n${bulk('2-0')}${bulk('3-0')}*0\r\n`);
  assert.is(run(s, 'XACK', 'k', 'g', '2-0', '3-0', '5-0', '7-0'), ':3\r\n');
  assert.is(run(s, 'XPENDING', 'k', 'g'), '*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n');
});

test('XREAD: $ and ids, several keys, BLOCK that would wait answers as a timeout; RESP3 maps', () => {
  const s = new Store();
  run(s, 'XADD', 'a', '1-0', 'f', 'v');
  run(s, 'XADD', 'b', '2-0', 'f', 'v');
  assert.is(run(s, 'XREAD', 'STREAMS', 'a', 'b', '$', '$'), '*-1\r\n');
  assert.is(run(s, 'XREAD', 'BLOCK', '0', 'STREAMS', 'a', '$'), '*-1\r\n');
  assert.is(run(s, 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '100', 'STREAMS', 'a', '>'), "-NOGROUP No such key 'a' or consumer group 'g' in XREADGROUP with GROUP option\r\n");
  assert.is(run(s, 'XREAD', 'BLOCK', '10', 'STREAMS', 'a', '0'), `*1\r\n*2\r\n${bulk('a')}*1\r\n*2\r\n${bulk('1-0')}*2\r\n${bulk('f')}${bulk('v')}`);
  assert.is(exec(s, { proto: 3 }, 'XREAD', 'STREAMS', 'a', 'b', '0', '0'),
    `%2\r\n${bulk('a')}*1\r\n*2\r\n${bulk('1-0')}*2\r\n${bulk('f')}${bulk('v')}${bulk('b')}*1\r\n*2\r\n${bulk('2-0')}*2\r\n${bulk('f')}${bulk('v')}`);
  assert.ok(exec(s, { proto: 3 }, 'XINFO', 'STREAM', 'a').startsWith('%10\r\n'));
  assert.is(exec(s, { proto: 3 }, 'XREAD', 'STREAMS', 'a', '$'), '_\r\n');
});

test('XGROUP and XINFO subcommands: arity per subcommand, help, errors', () => {
  const s = new Store();
  assert.is(run(s, 'XGROUP', 'CREATE', 'k', 'g'), "-ERR wrong number of arguments for 'xgroup|create' command\r\n");
  assert.is(run(s, 'XGROUP', 'nope'), "-ERR unknown subcommand 'nope'. Try XGROUP HELP.\r\n");
  assert.is(run(s, 'XGROUP', 'CREATE', 'k', 'g', '$'), '-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n');
  assert.is(run(s, 'XGROUP', 'CREATE', 'k', 'g', '$', 'MKSTREAM'), '+OK\r\n');
  assert.is(run(s, 'XGROUP', 'CREATE', 'k', 'g', '$'), '-BUSYGROUP Consumer Group name already exists\r\n');
  assert.is(run(s, 'XGROUP', 'SETID', 'k', 'g', '0', 'MKSTREAM'), "-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.\r\n");
  assert.is(run(s, 'XGROUP', 'CREATECONSUMER', 'k', 'nog', 'c'), "-NOGROUP No such consumer group 'nog' for key name 'k'\r\n");
  assert.is(run(s, 'XGROUP', 'CREATECONSUMER', 'k', 'g', 'c'), ':1\r\n');
  assert.is(run(s, 'XGROUP', 'CREATECONSUMER', 'k', 'g', 'c'), ':0\r\n');
  assert.is(run(s, 'XGROUP', 'DELCONSUMER', 'k', 'g', 'c'), ':0\r\n');
  assert.is(run(s, 'XGROUP', 'DESTROY', 'k', 'g'), ':1\r\n');
  assert.ok(run(s, 'XGROUP', 'HELP').startsWith('*17\r\n+XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n'));
  assert.is(run(s, 'XINFO', 'STREAM', 'missing'), '-ERR no such key\r\n');
  assert.is(run(s, 'XINFO', 'STREAM', 'k', 'FULL', 'COUNT'), "-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.\r\n");
  assert.is(run(s, 'XINFO', 'GROUPS', 'k'), '*0\r\n');
});

test('XSETID checks, entries-added and max-deleted-entry-id', () => {
  const s = new Store();
  run(s, 'XADD', 'k', '5-0', 'f', 'v');
  assert.is(run(s, 'XSETID', 'k', '4-0'), '-ERR The ID specified in XSETID is smaller than the target stream top item\r\n');
  assert.is(run(s, 'XSETID', 'k', '9-0', 'ENTRIESADDED', '0'), '-ERR The entries_added specified in XSETID is smaller than the target stream length\r\n');
  assert.is(run(s, 'XSETID', 'k', '9-0', 'MAXDELETEDID', '10-0'), '-ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id\r\n');
  assert.is(run(s, 'XSETID', 'k', '9-0', 'ENTRIESADDED', '42', 'MAXDELETEDID', '3-0'), '+OK\r\n');
  const info = run(s, 'XINFO', 'STREAM', 'k');
  assert.ok(info.includes(`${bulk('last-generated-id')}${bulk('9-0')}${bulk('max-deleted-entry-id')}${bulk('3-0')}${bulk('entries-added')}:42\r\n`));
  assert.is(run(s, 'XADD', 'k', '9-*', 'f', 'v'), bulk('9-1'));
  assert.is(run(s, 'XSETID', 'missing', '1-0'), '-ERR no such key\r\n');
});

test('consumer group reads do not bump the WATCH version; appends and deletes do', () => {
  const s = new Store();
  run(s, 'XADD', 'k', '1-0', 'f', 'v');
  run(s, 'XGROUP', 'CREATE', 'k', 'g', '0');
  const v0 = s.keyVersion(Buffer.from('k'));
  run(s, 'XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'k', '>');
  run(s, 'XACK', 'k', 'g', '1-0');
  assert.is(s.keyVersion(Buffer.from('k')), v0);
  run(s, 'XADD', 'k', '2-0', 'f', 'v');
  assert.is.not(s.keyVersion(Buffer.from('k')), v0);
});

test('a snapshot keeps the stream as it was while writes go on', () => {
  const s = new Store();
  for (let i = 1; i <= 150; i++) run(s, 'XADD', 'k', `${i}-0`, 'f', String(i));
  run(s, 'XGROUP', 'CREATE', 'k', 'g', '0');
  run(s, 'XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '3', 'STREAMS', 'k', '>');
  const snap = s.beginSnapshot();
  run(s, 'XTRIM', 'k', 'MAXLEN', '0');
  run(s, 'XACK', 'k', 'g', '1-0');
  run(s, 'XGROUP', 'DELCONSUMER', 'k', 'g', 'c');
  const recs = snap.next(10);
  snap.close();
  assert.is(recs.length, 1);
  const v = recs[0]!.value;
  assert.is(v.type, 'stream');
  if (v.type !== 'stream') return;
  assert.is(v.stream.length, 150);
  const g = v.stream.groups!.get('g')!;
  assert.is(g.pel.size, 3);
  assert.is(g.consumers.get('c')!.pel.size, 3);
  assert.ok(g.consumers.get('c')!.pel.get(1n << 64n) === g.pel.get(1n << 64n), 'the copy shares PEL entries between group and consumer');
  assert.is(run(s, 'XLEN', 'k'), ':0\r\n');
});

test('seeks are logarithmic: ranges and deletes in a 200k-entry stream stay fast', () => {
  const s = new Store();
  for (let i = 1; i <= 200_000; i++) s.execute([Buffer.from('XADD'), Buffer.from('k'), Buffer.from(`${i}-0`), Buffer.from('f'), Buffer.from('v')], { nowMs: 1, seed: 1 });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 20_000; i++) {
    const id = String(1 + ((i * 7919) % 200_000));
    run(s, 'XRANGE', 'k', id, '+', 'COUNT', '1');
    if (i % 4 === 0) run(s, 'XDEL', 'k', id);
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.ok(ms < 4000, `20k seeks took ${ms} ms`);
});

test.run();
