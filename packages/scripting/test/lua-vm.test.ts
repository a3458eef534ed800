// The Lua VM binding: binary strings both ways, JS functions raising Lua
// errors, and the instruction-count hook that bounds a runaway script.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LuaVm, LuaStatus, LuaRaise, LUA_GLOBALSINDEX } from '../src/index.js';

test('strings are bytes both ways, NUL and 0xff included', async () => {
  const vm = await LuaVm.create();
  vm.openStandardLibs();
  const bytes = Buffer.from([0, 1, 255, 13, 10, 0]);
  assert.is(vm.load(Buffer.from('local s = ...; return s .. s, #s'), '@t'), LuaStatus.ok);
  vm.pushBytes(bytes);
  assert.is(vm.pcall(1, 2, 0), LuaStatus.ok);
  assert.ok(vm.toBytes(-2)!.equals(Buffer.concat([bytes, bytes])));
  assert.is(vm.toNumber(-1), 6);
  vm.close();
});

test('a JS function returns values, raises string errors and table errors', async () => {
  const vm = await LuaVm.create();
  vm.openStandardLibs();
  vm.pushFunction((v) => {
    const what = v.toText(1);
    if (what === 'str') throw new LuaRaise('boom');
    if (what === 'tbl') {
      v.newTable();
      v.pushString('ERR bad');
      v.setField(-2, 'err');
      v.raiseTop();
    }
    v.pushString(`got ${what}`);
    return 1;
  });
  vm.setField(LUA_GLOBALSINDEX, 'f');
  const run = (code: string) => {
    vm.setTop(0);
    if (vm.load(Buffer.from(code), '@user_script') !== LuaStatus.ok) return `load: ${vm.toText(-1)}`;
    const st = vm.pcall(0, 1, 0);
    return st === LuaStatus.ok ? vm.toText(-1) : `error: ${vm.type(-1) === 5 ? (vm.getField(-1, 'err'), vm.toText(-1)) : vm.toText(-1)}`;
  };
  assert.is(run("return f('x')"), 'got x');
  assert.is(run("return f('str')"), 'error: user_script:1: boom', 'positioned like luaL_error');
  assert.is(run("return f('tbl')"), 'error: ERR bad');
  assert.is(run("local ok, e = pcall(f, 'str'); return tostring(ok) .. ' ' .. e"), 'false boom', 'called by pcall (C), no position');
  assert.is(run('return tostring(3) .. tostring(3/2)'), '31.5', 'Lua 5.1 numbers: 3 prints as 3');
  assert.is(run('return unpack({1,2})'), '1', 'unpack is a global, as in 5.1');
  assert.match(run('return x +') ?? '', /^load: user_script:1:/);
  vm.close();
});

test('the count hook stops an endless loop, every time at the same instruction', async () => {
  const counts: number[] = [];
  for (let round = 0; round < 2; round++) {
    const vm = await LuaVm.create();
    vm.openStandardLibs();
    let ticks = 0;
    vm.setCountHook(1000, () => {
      if (++ticks >= 50) vm.raiseFromHook('budget');
    });
    vm.load(Buffer.from('local i = 0 while true do i = i + 1 end'), '@user_script');
    assert.is(vm.pcall(0, 0, 0), LuaStatus.errRun);
    assert.is(vm.toText(-1), 'budget');
    counts.push(ticks);
    vm.setCountHook(0, null);
    vm.close();
  }
  assert.equal(counts, [50, 50]);
});

test.run();
