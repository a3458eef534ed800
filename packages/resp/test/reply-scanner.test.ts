import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replyEnd } from '../src/index.js';

const whole = [
  '+OK\r\n', '-ERR bad\r\n', ':42\r\n', '$3\r\na\r\n\r\n', '$-1\r\n', '*-1\r\n', '*0\r\n', '_\r\n', ',1.5\r\n', '#t\r\n', '(123\r\n',
  '*2\r\n$1\r\na\r\n*1\r\n:1\r\n', '%1\r\n$1\r\nk\r\n~2\r\n:1\r\n:2\r\n', '=7\r\ntxt:abc\r\n', '>2\r\n$1\r\nx\r\n$1\r\ny\r\n',
  '|1\r\n+key\r\n+val\r\n:7\r\n', '!3\r\nERR\r\n',
];

test('finds the end of every reply type, nested, and only when complete', () => {
  for (const r of whole) {
    const buf = Buffer.from(r + '+NEXT\r\n', 'latin1');
    assert.is(replyEnd(buf, 0), r.length, JSON.stringify(r));
    for (let cut = 0; cut < r.length; cut++) assert.is(replyEnd(Buffer.from(r.slice(0, cut), 'latin1'), 0), -1, `${JSON.stringify(r)} cut ${cut}`);
  }
});

test('binary bulk content with CRLF inside is skipped by length', () => {
  const buf = Buffer.concat([Buffer.from('$4\r\n'), Buffer.from([13, 10, 13, 10]), Buffer.from('\r\n')]);
  assert.is(replyEnd(buf, 0), buf.length);
});

test('garbage is an error, not a guess', () => {
  assert.throws(() => replyEnd(Buffer.from('?what\r\n'), 0), /unexpected reply type/);
  assert.throws(() => replyEnd(Buffer.from('$x\r\n'), 0), /bad bulk length/);
});

test.run();
