// Redis's conversions between replies and Lua values, both ways
// (script_lua.c): a command's reply becomes the Lua value that parsing it in
// the script's protocol (RESP2 unless redis.setresp(3)) would give, and the
// script's result becomes the reply, whatever its protocol, with Redis's
// rules (numbers truncate to integers, a table stops at its first nil,
// {err=...}, {ok=...}, {double=...}, {map=...}, {set=...}).
import { array, bool, bulk, double, error, formatDouble, int, map, NIL, set, status, verbatim, type Reply } from '@redisraft-wasm/resp';
import { LuaType, type LuaVm } from './lua-vm.js';

/**
 * The text of a Redis error as Lua sees it: a leading '-' is dropped and the
 * first word is the code; a message with no code gets "ERR" (luaPushErrorBuff).
 */
export function errorTableText(raw: string): string {
  let code: string;
  let msg: string;
  if (raw.startsWith('-')) {
    const sp = raw.indexOf(' ');
    if (sp < 0) {
      code = 'ERR';
      msg = raw.slice(1);
    } else {
      code = raw.slice(1, sp);
      msg = raw.slice(sp + 1);
    }
  } else {
    code = 'ERR';
    msg = raw;
  }
  return `${code} ${msg.replace(/^[\r\n]+|[\r\n]+$/g, '')}`;
}

/** Pushes {err = text}. */
export function pushErrorTable(vm: LuaVm, text: string): void {
  vm.newTable(0, 1);
  vm.pushString(text);
  vm.setField(-2, 'err');
}

function pushSingleField(vm: LuaVm, field: string, push: () => void): void {
  vm.newTable(0, 1);
  push();
  vm.setField(-2, field);
}

/** Pushes the Lua value of a reply, as parsing it in protocol `resp` would. */
export function pushReply(vm: LuaVm, r: Reply, resp: 2 | 3): void {
  if (!vm.checkStack(4)) throw new Error('lua stack limit reach when parsing redis.call reply');
  switch (r.kind) {
    case 'status': return pushSingleField(vm, 'ok', () => vm.pushString(r.value));
    case 'error': return pushErrorTable(vm, errorTableText(`-${r.message}`));
    case 'int': return vm.pushNumber(Number(r.value));
    case 'bulk': return vm.pushBytes(r.value);
    case 'nil':
    case 'nilArray':
      return resp === 2 ? vm.pushBoolean(false) : vm.pushNil();
    case 'array':
    case 'push':
      return pushArray(vm, r.items, resp);
    case 'set':
      if (resp === 2) return pushArray(vm, r.items, resp);
      vm.newTable(0, 1);
      vm.newTable(0, r.items.length);
      for (const item of r.items) {
        pushReply(vm, item, resp);
        vm.pushBoolean(true);
        vm.setTable(-3);
      }
      vm.setField(-2, 'set');
      return;
    case 'map':
      if (resp === 2) return pushArray(vm, r.entries, resp);
      vm.newTable(0, 1);
      vm.newTable(0, r.entries.length / 2);
      for (let i = 0; i < r.entries.length; i += 2) {
        pushReply(vm, r.entries[i]!, resp);
        pushReply(vm, r.entries[i + 1]!, resp);
        vm.setTable(-3);
      }
      vm.setField(-2, 'map');
      return;
    case 'double':
      if (resp === 2) return vm.pushString(formatDouble(r.value));
      return pushSingleField(vm, 'double', () => vm.pushNumber(r.value));
    case 'bool':
      if (resp === 2) return vm.pushNumber(r.value ? 1 : 0);
      return vm.pushBoolean(r.value);
    case 'verbatim':
      if (resp === 2) return vm.pushBytes(r.value);
      vm.newTable(0, 1);
      vm.newTable(0, 2);
      vm.pushBytes(r.value);
      vm.setField(-2, 'string');
      vm.pushString(r.format);
      vm.setField(-2, 'format');
      vm.setField(-2, 'verbatim_string');
      return;
    case 'raw':
      throw new Error('a relayed reply cannot reach a script');
  }
}

function pushArray(vm: LuaVm, items: readonly Reply[], resp: 2 | 3): void {
  vm.newTable(items.length, 0);
  for (let i = 0; i < items.length; i++) {
    pushReply(vm, items[i]!, resp);
    vm.rawSetI(-2, i + 1);
  }
}

const INT64_MIN = -(2n ** 63n);

/** `(long long)` of a Lua number: truncation toward zero; out of range (and NaN) gives INT64_MIN, as on x86. */
export function luaNumberToInteger(n: number): number | bigint {
  if (!(n < 2 ** 63 && n >= -(2 ** 63))) return INT64_MIN;
  const t = Math.trunc(n);
  return Number.isSafeInteger(t) ? t : BigInt(t);
}

/** Field of the table at the top, read raw; leaves it pushed and returns its type. */
function rawField(vm: LuaVm, name: string): LuaType {
  vm.rawGetField(-1, name);
  return vm.type(-1);
}

/**
 * The reply for the Lua value at the top of the stack (consumed).
 * `scriptResp` is the protocol the script selected (it decides booleans),
 * as in luaReplyToRedisReply.
 */
export function popReply(vm: LuaVm, scriptResp: 2 | 3, depth = 0): Reply {
  // Redis stops where the Lua stack runs out; nesting this deep stops here first, long before JS's own stack would.
  if (depth > MAX_REPLY_DEPTH || !vm.checkStack(4)) {
    vm.pop();
    return error('ERR reached lua stack limit');
  }
  const t = vm.type(-1);
  let out: Reply;
  switch (t) {
    case LuaType.string:
      out = bulk(vm.toBytes(-1)!);
      break;
    case LuaType.boolean:
      out = scriptResp === 2 ? (vm.toBoolean(-1) ? int(1) : NIL) : bool(vm.toBoolean(-1));
      break;
    case LuaType.number:
      out = int(luaNumberToInteger(vm.toNumber(-1)));
      break;
    case LuaType.table:
      out = tableReply(vm, scriptResp, depth);
      break;
    default:
      out = NIL;
  }
  vm.pop();
  return out;
}

/** Nesting of a script's result beyond which the reply is Redis's stack-limit error (a self-referencing table). */
const MAX_REPLY_DEPTH = 1000;

function tableReply(vm: LuaVm, scriptResp: 2 | 3, depth: number): Reply {
  if (rawField(vm, 'err') === LuaType.string) {
    const msg = vm.toText(-1)!;
    vm.pop();
    return error(msg);
  }
  vm.pop();
  if (rawField(vm, 'ok') === LuaType.string) {
    const s = vm.toText(-1)!.replace(/[\r\n]/g, ' ');
    vm.pop();
    return status(s);
  }
  vm.pop();
  if (rawField(vm, 'double') === LuaType.number) {
    const d = vm.toNumber(-1);
    vm.pop();
    return double(d);
  }
  vm.pop();
  if (rawField(vm, 'big_number') === LuaType.string) {
    // No big-number reply kind: RESP2 renders one as a bulk string, which is what every client gets here.
    const s = vm.toText(-1)!.replace(/[\r\n]/g, ' ');
    vm.pop();
    return bulk(s);
  }
  vm.pop();
  if (rawField(vm, 'verbatim_string') === LuaType.table) {
    vm.rawGetField(-1, 'format');
    vm.rawGetField(-2, 'string');
    if (vm.type(-2) === LuaType.string && vm.type(-1) === LuaType.string) {
      const r = verbatim(vm.toBytes(-1)!, vm.toText(-2)!.slice(0, 3));
      vm.pop(3);
      return r;
    }
    vm.pop(2);
  }
  vm.pop();
  if (rawField(vm, 'map') === LuaType.table) {
    const entries: Reply[] = [];
    vm.pushNil();
    while (vm.next(-2)) {
      vm.pushValue(-2);
      entries.push(popReply(vm, scriptResp, depth + 1));
      entries.push(popReply(vm, scriptResp, depth + 1));
    }
    vm.pop();
    return map(entries);
  }
  vm.pop();
  if (rawField(vm, 'set') === LuaType.table) {
    const items: Reply[] = [];
    vm.pushNil();
    while (vm.next(-2)) {
      vm.pop();
      vm.pushValue(-1);
      items.push(popReply(vm, scriptResp, depth + 1));
    }
    vm.pop();
    return set(items);
  }
  vm.pop();
  const items: Reply[] = [];
  for (let j = 1; ; j++) {
    vm.rawGetI(-1, j);
    if (vm.type(-1) === LuaType.nil) {
      vm.pop();
      break;
    }
    items.push(popReply(vm, scriptResp, depth + 1));
  }
  return array(items);
}

/**
 * A redis.call argument as Redis turns it into bytes: integers in decimal,
 * other numbers in their shortest round-trip form (fpconv_dtoa), strings as
 * they are; null for any other type.
 */
export function argBytes(vm: LuaVm, idx: number): Buffer | null {
  const t = vm.type(idx);
  if (t === LuaType.number) return Buffer.from(formatLuaArgNumber(vm.toNumber(idx)));
  if (t === LuaType.string) return vm.toBytes(idx);
  return null;
}

export function formatLuaArgNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return BigInt(n).toString();
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  // Shortest digits that read back exactly, laid out as %g would (exponent past 21 digits or below 1e-6... as fpconv does).
  const s = n.toString();
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-])(\d+)$/.exec(s);
  if (!m) return s;
  return `${m[1]}${m[2]}${m[3] ? `.${m[3]}` : ''}e${m[4]}${m[5]!.padStart(2, '0')}`;
}
