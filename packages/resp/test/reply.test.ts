import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { int, bulk, bulkOrNil, NIL, Errors } from '../src/index.js';

test('small integers are shared, large ones are fresh', () => {
  assert.is(int(5), int(5));
  assert.is.not(int(1000), int(1000));
  assert.equal(int(1000), { kind: 'int', value: 1000 });
});

test('bulk accepts strings and buffers; bulkOrNil maps null to nil', () => {
  assert.ok(bulk('ab').value.equals(Buffer.from('ab')));
  assert.is(bulkOrNil(null), NIL);
  assert.is(bulkOrNil(undefined), NIL);
});

test('error texts match Redis', () => {
  assert.is(Errors.wrongArity('get'), "ERR wrong number of arguments for 'get' command");
  assert.is(Errors.unknownCommand('foo', [Buffer.from('a'), Buffer.from('b')]), "ERR unknown command 'foo', with args beginning with: 'a' 'b' ");
});

test.run();
