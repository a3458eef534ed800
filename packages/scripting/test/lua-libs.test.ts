// cjson, cmsgpack, struct and bit against redis-server's own answers: every
// row of lua-libs-cases.ts runs in one LuaVm (as Redis runs every EVAL in
// one Lua state) and must print exactly what redis-server 7.0 printed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LuaStatus, LuaVm, LUA_GLOBALSINDEX, openBit, openCjson, openCmsgpack, openStruct } from '../src/index.js';
import { libsVm, runCase } from './lua-libs-harness.js';
import * as cases from './lua-libs-cases.js';

let shared: LuaVm | null = null;
const vm = async () => (shared ??= await libsVm());

for (const [group, rows] of Object.entries(cases) as [string, readonly cases.Case[]][]) {
  for (const [body, expected] of rows) {
    test(`${group}: ${body.length > 100 ? `${body.slice(0, 100)}...` : body}`, async () => {
      assert.is(runCase(await vm(), body), expected);
    });
  }
}

test('the shared VM ends with an empty stack and every case ran in it', async () => {
  const v = await vm();
  assert.is(v.top, 0);
  const total = Object.values(cases).reduce((n, rows) => n + (rows as readonly unknown[]).length, 0);
  assert.ok(total > 400, `only ${total} cases`);
});

test('cjson.null: one sentinel shared by cjson.new() modules; its metatable is hidden (Redis: a lightuserdata, no metatable at all)', async () => {
  const v = await vm();
  assert.is(runCase(v, 'return cjson.new().null == cjson.null, cjson.new().decode("null") == cjson.null'), 'true, true, true');
  assert.is(runCase(v, 'return getmetatable(cjson.null), tostring(cjson.null), type(cjson.null)'), 'true, false, "userdata: (nil)", "userdata"');
  assert.is(runCase(v, 'return pcall(setmetatable, cjson.null, {})'), 'true, false, "bad argument #1 to \'?\' (table expected, got userdata)"');
  // A userdata that is not the sentinel is no null.
  assert.is(runCase(v, 'return cjson.encode(newproxy())'), 'false, "user_script:1: Cannot serialise userdata: type not supported"');
  assert.is(runCase(v, 'return cjson.encode({cjson.null, newproxy() and 1})'), 'true, "[null,1]"');
});

test('without debug.getinfo (libraries opened after a sandbox dropped it) errors carry no position and name the function ?', async () => {
  const v = await LuaVm.create();
  v.openStandardLibs();
  v.pushNil();
  v.setField(LUA_GLOBALSINDEX, 'debug');
  openCjson(v);
  openStruct(v);
  openCmsgpack(v);
  openBit(v);
  const run = (code: string) => {
    v.setTop(0);
    assert.is(v.load(Buffer.from(code), '@user_script'), LuaStatus.ok);
    return v.pcall(0, 1, 0) === LuaStatus.ok ? `ok ${v.toText(-1)}` : `error ${v.toText(-1)}`;
  };
  assert.is(run("return cjson.decode('x')"), 'error Expected value but found invalid token at character 1');
  assert.is(run('return bit.tobit()'), "error bad argument #1 to '?' (number expected, got no value)");
  assert.is(run("return struct.pack('i', 7)"), 'ok \u0007\u0000\u0000\u0000');
  v.close();
});

test('cjson needs newproxy for its null: opening without it fails loudly, not with a wrong null', async () => {
  const v = await LuaVm.create();
  v.openStandardLibs();
  v.pushNil();
  v.setField(LUA_GLOBALSINDEX, 'newproxy');
  assert.throws(() => openCjson(v), /newproxy/);
  v.close();
});

test('the encoders reuse their buffers: a big value then small ones, and results stay intact', async () => {
  const v = await vm();
  assert.is(runCase(v, "local big = cjson.encode(string.rep('x', 3000000)) local small = cjson.encode('y') return #big, small, #cmsgpack.pack(string.rep('z', 3000000)), cmsgpack.pack('a')"), 'true, 3000002, "\\"y\\"", 3000005, "\\161a"');
  assert.is(runCase(v, "local a = cjson.encode({1, 2}) local b = cjson.encode({3}) return a, b"), 'true, "[1,2]", "[3]"');
});

test.run();
