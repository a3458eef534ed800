// What the C libraries get from lauxlib and we do not: errors that name the
// caller's position ("user_script:1: ") and the function ("bad argument #1
// to 'decode'"), and the argument checks that raise them. luaL_where and
// luaL_argerror read the call stack with lua_getstack/lua_getinfo; the
// binding has neither, so a small Lua function holding debug.getinfo (taken
// when the libraries are opened, before a sandbox drops `debug`) asks
// instead. It runs only when an error is being raised.
import { LuaStatus, LuaType, LuaVm, LUA_REGISTRYINDEX } from '../lua-vm.js';

const WHERE_KEY = 'redisraft.libs.where';

// Levels seen from inside the helper: 1 the helper, 2 the library function
// that is raising (lua_getstack level 0 in C), 3 its caller (level 1).
const WHERE_SOURCE = `local getinfo = debug.getinfo
return function()
  local f, c = getinfo(2, 'n'), getinfo(3, 'Sl')
  return f and f.name, f and f.namewhat or '', c and c.short_src, c and c.currentline or -1
end`;

const TYPE_NAMES: Record<number, string> = {
  [LuaType.none]: 'no value', [LuaType.nil]: 'nil', [LuaType.boolean]: 'boolean', [LuaType.lightUserdata]: 'userdata',
  [LuaType.number]: 'number', [LuaType.string]: 'string', [LuaType.table]: 'table', [LuaType.function]: 'function',
  [LuaType.userdata]: 'userdata', [LuaType.thread]: 'thread',
};

const INT64_MIN = -9223372036854775808;

/** lua_typename(lua_type(idx)), "no value" for an absent argument. */
export function typeName(vm: LuaVm, idx: number): string {
  return TYPE_NAMES[vm.type(idx)] ?? '?';
}

/**
 * lua_Integer conversion as Redis's 64-bit build does it: truncation, and
 * the x86 "indefinite" value INT64_MIN for NaN and out-of-range numbers.
 */
export function toInt64(d: number): number {
  return d >= INT64_MIN && d < -INT64_MIN ? Math.trunc(d) + 0 : INT64_MIN;
}

/** One per VM: the libraries' errors and argument checks. */
export class Aux {
  private readonly hasWhere: boolean;

  private constructor(private readonly vm: LuaVm) {
    this.hasWhere = installWhere(vm);
  }

  private static readonly byVm = new WeakMap<LuaVm, Aux>();

  static of(vm: LuaVm): Aux {
    let aux = Aux.byVm.get(vm);
    if (!aux) Aux.byVm.set(vm, (aux = new Aux(vm)));
    return aux;
  }

  /** luaL_error: the message, prefixed with the caller's "chunk:line: " when it is Lua code. */
  error(message: string | Uint8Array): never {
    const info = this.callerInfo();
    this.raise(info.where, message);
  }

  /** luaL_argerror: "bad argument #n to 'name' (extramsg)". */
  argError(narg: number, extramsg: string | Uint8Array): never {
    const info = this.callerInfo();
    let head: string;
    if (info.namewhat === 'method' && --narg === 0) head = `calling '${info.name ?? '?'}' on bad self (`;
    else head = `bad argument #${narg} to '${info.name ?? '?'}' (`;
    this.raise(info.where + head, extramsg, ')');
  }

  /** luaL_typerror: "<tname> expected, got <type>". */
  typeError(narg: number, tname: string): never {
    this.argError(narg, `${tname} expected, got ${typeName(this.vm, narg)}`);
  }

  /** luaL_checknumber: numbers and numeric strings. */
  checkNumber(narg: number): number {
    const d = this.vm.toNumber(narg);
    if (d === 0 && !this.vm.isNumber(narg)) this.typeError(narg, 'number');
    return d;
  }

  /** luaL_checkinteger on a 64-bit build (see toInt64). */
  checkInteger(narg: number): number {
    return toInt64(this.checkNumber(narg));
  }

  /** luaL_optinteger: the default when the argument is absent or nil. */
  optInteger(narg: number, def: number): number {
    return this.vm.type(narg) <= LuaType.nil ? def : this.checkInteger(narg);
  }

  /** luaL_checklstring: strings, and numbers converted in place. */
  checkBytes(narg: number): Buffer {
    const s = this.vm.toBytes(narg);
    if (s === null) this.typeError(narg, 'string');
    return s;
  }

  /** luaL_checkstack: room for `n` more values or "stack overflow (<message>)". */
  checkStack(n: number, message: string): void {
    if (!this.vm.checkStack(n)) this.error(`stack overflow (${message})`);
  }

  private raise(prefix: string, message: string | Uint8Array, suffix = ''): never {
    const text = typeof message === 'string'
      ? Buffer.from(prefix + message + suffix)
      : Buffer.concat([Buffer.from(prefix), message, Buffer.from(suffix)]);
    this.vm.pushBytes(text);
    this.vm.raiseTop();
  }

  private callerInfo(): { name: string | null; namewhat: string; where: string } {
    const vm = this.vm;
    if (!this.hasWhere) return { name: null, namewhat: '', where: '' };
    // An error unwinds this frame anyway: when the stack is full (the error
    // may be "stack overflow"), its values make room for the helper.
    if (!vm.checkStack(6)) vm.setTop(0);
    if (!vm.checkStack(6)) return { name: null, namewhat: '', where: '' };
    vm.getField(LUA_REGISTRYINDEX, WHERE_KEY);
    // A failure here is the VM's own (the script's instruction budget ran
    // out inside the helper): that error wins over ours.
    if (vm.pcall(0, 4, 0) !== LuaStatus.ok) vm.raiseTop();
    const name = vm.type(-4) === LuaType.string ? vm.toText(-4) : null;
    const namewhat = vm.toText(-3) ?? '';
    const src = vm.toText(-2);
    const line = vm.toNumber(-1);
    vm.pop(4);
    return { name, namewhat, where: src !== null && line > 0 ? `${src}:${line}: ` : '' };
  }
}

function installWhere(vm: LuaVm): boolean {
  const top = vm.top;
  let ok = vm.load(Buffer.from(WHERE_SOURCE), '=redisraft.libs') === LuaStatus.ok && vm.pcall(0, 1, 0) === LuaStatus.ok;
  // Without `debug` the chunk fails: errors then carry no position and name the function '?'.
  if (ok && vm.type(-1) === LuaType.function) vm.setField(LUA_REGISTRYINDEX, WHERE_KEY);
  else ok = false;
  vm.setTop(top);
  return ok;
}

/** Sets a module table's string fields (_NAME, _VERSION, ...); the table is on top. */
export function setStringFields(vm: LuaVm, fields: Record<string, string>): void {
  for (const [k, v] of Object.entries(fields)) {
    vm.pushString(v);
    vm.setField(-2, k);
  }
}

/**
 * Runs calls with one reusable state, or a fresh one for a call that starts
 * while another is running (an allocation ran a __gc finalizer that calls
 * back in), so the inner call cannot clobber the outer one's state.
 */
export function reentrant<C>(primary: C, fresh: () => C): (f: (c: C) => number) => number {
  let busy = false;
  return (f) => {
    if (busy) return f(fresh());
    busy = true;
    try {
      return f(primary);
    } finally {
      busy = false;
    }
  };
}
