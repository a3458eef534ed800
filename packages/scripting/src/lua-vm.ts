// The Lua 5.1 VM (the real one, compiled to WebAssembly by wasmoon-lua5.1)
// and the only code that touches its memory. A thin, typed layer over the C
// API: strings cross as bytes (Lua strings are binary, like Redis values),
// C functions are JS closures in the module's function table, and an error
// raised from JS unwinds Lua with lua_error, as a C function would.
import { LuaApi } from 'wasmoon-lua5.1';

export const LUA_REGISTRYINDEX = -10000;
export const LUA_GLOBALSINDEX = -10002;
export const LUA_MULTRET = -1;

export const LuaType = { none: -1, nil: 0, boolean: 1, lightUserdata: 2, number: 3, string: 4, table: 5, function: 6, userdata: 7, thread: 8 } as const;
export type LuaType = (typeof LuaType)[keyof typeof LuaType];

/** lua_pcall / luaL_loadbuffer status codes. */
export const LuaStatus = { ok: 0, yield: 1, errRun: 2, errSyntax: 3, errMem: 4, errErr: 5 } as const;

const LUA_MASKCOUNT = 8;
const LUA_GCCOLLECT = 2;
const LUA_GCCOUNT = 3;
const LUA_GCSTEP = 5;

/** The raw exports this layer uses (emscripten names, pointers as numbers). */
interface LuaModule {
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  _malloc(n: number): number;
  _free(p: number): void;
  addFunction(fn: (...args: number[]) => number | void, sig: string): number;
  _luaL_newstate(): number;
  _luaL_openlibs(L: number): void;
  _luaL_loadbuffer(L: number, buf: number, len: number, name: number): number;
  _lua_close(L: number): void;
  _lua_gettop(L: number): number;
  _lua_settop(L: number, idx: number): void;
  _lua_pushvalue(L: number, idx: number): void;
  _lua_insert(L: number, idx: number): void;
  _lua_remove(L: number, idx: number): void;
  _lua_replace(L: number, idx: number): void;
  _lua_checkstack(L: number, n: number): number;
  _lua_type(L: number, idx: number): number;
  _lua_tonumber(L: number, idx: number): number;
  _lua_toboolean(L: number, idx: number): number;
  _lua_tolstring(L: number, idx: number, lenPtr: number): number;
  _lua_objlen(L: number, idx: number): number;
  _lua_isnumber(L: number, idx: number): number;
  _lua_isstring(L: number, idx: number): number;
  _lua_pushnil(L: number): void;
  _lua_pushnumber(L: number, n: number): void;
  _lua_pushboolean(L: number, b: number): void;
  _lua_pushlstring(L: number, s: number, len: number): void;
  _lua_pushcclosure(L: number, fn: number, n: number): void;
  _lua_createtable(L: number, narr: number, nrec: number): void;
  _lua_gettable(L: number, idx: number): void;
  _lua_settable(L: number, idx: number): void;
  _lua_getfield(L: number, idx: number, k: number): void;
  _lua_setfield(L: number, idx: number, k: number): void;
  _lua_rawget(L: number, idx: number): void;
  _lua_rawset(L: number, idx: number): void;
  _lua_rawgeti(L: number, idx: number, n: number): void;
  _lua_rawseti(L: number, idx: number, n: number): void;
  _lua_next(L: number, idx: number): number;
  _lua_setmetatable(L: number, idx: number): number;
  _lua_getmetatable(L: number, idx: number): number;
  _lua_pcall(L: number, nargs: number, nresults: number, errfunc: number): number;
  _lua_error(L: number): number;
  _lua_sethook(L: number, fn: number, mask: number, count: number): void;
  _lua_gc(L: number, what: number, data: number): number;
  _luaL_where(L: number, level: number): void;
  _lua_concat(L: number, n: number): void;
}

/** A C function written in JS: reads its arguments from the stack, returns how many results it pushed. */
export type LuaFunction = (vm: LuaVm) => number;

/**
 * Thrown by a LuaFunction to raise a Lua error carrying this message (a
 * string error object), prefixed with the caller's position as luaL_error
 * does ("user_script:1: ...").
 */
export class LuaRaise extends Error {
  override readonly name = 'LuaRaise';

  /** `positioned` false: the bare message, as errors raised inside Lua's own C library functions read. */
  constructor(message: string, readonly positioned = true) {
    super(message);
  }
}

let modulePromise: Promise<LuaModule> | null = null;

function loadModule(): Promise<LuaModule> {
  modulePromise ??= LuaApi.initialize().then((api) => api.module as unknown as LuaModule);
  return modulePromise;
}

const SCRATCH_BYTES = 64 * 1024;

export class LuaVm {
  readonly L: number;
  private readonly names = new Map<string, number>();
  private readonly lenPtr: number;
  private scratch: number;
  private hookFn: (() => void) | null = null;
  /** pushBytes calls in progress (a re-entered one stages its bytes apart). */
  private pushing = 0;
  /** Set when a JS function wants to raise: the error object is on the stack, lua_error runs outside JS's try. */
  private raising = false;

  private constructor(private readonly m: LuaModule) {
    this.L = m._luaL_newstate();
    this.lenPtr = m._malloc(4);
    this.scratch = m._malloc(SCRATCH_BYTES);
    const hook = m.addFunction(() => { this.hookFn?.(); }, 'vii');
    this.hookPtr = hook;
  }

  private readonly hookPtr: number;

  static async create(): Promise<LuaVm> {
    return new LuaVm(await loadModule());
  }

  openStandardLibs(): void {
    this.m._luaL_openlibs(this.L);
  }

  close(): void {
    this.m._lua_close(this.L);
  }

  // ------------------------------------------------------------ stack

  get top(): number {
    return this.m._lua_gettop(this.L);
  }

  setTop(idx: number): void {
    this.m._lua_settop(this.L, idx);
  }

  pop(n = 1): void {
    this.m._lua_settop(this.L, -n - 1);
  }

  pushValue(idx: number): void {
    this.m._lua_pushvalue(this.L, idx);
  }

  insert(idx: number): void {
    this.m._lua_insert(this.L, idx);
  }

  remove(idx: number): void {
    this.m._lua_remove(this.L, idx);
  }

  replace(idx: number): void {
    this.m._lua_replace(this.L, idx);
  }

  checkStack(n: number): boolean {
    return this.m._lua_checkstack(this.L, n) !== 0;
  }

  type(idx: number): LuaType {
    return this.m._lua_type(this.L, idx) as LuaType;
  }

  // ------------------------------------------------------------ values

  pushNil(): void {
    this.m._lua_pushnil(this.L);
  }

  pushNumber(n: number): void {
    this.m._lua_pushnumber(this.L, n);
  }

  pushBoolean(b: boolean): void {
    this.m._lua_pushboolean(this.L, b ? 1 : 0);
  }

  /** Pushes bytes as a Lua string. */
  pushBytes(b: Uint8Array): void {
    const n = b.length;
    // lua_pushlstring may collect garbage first; were a finalizer to push a string, it must not reuse our scratch.
    const p = this.pushing++ === 0 ? this.staging(n) : this.m._malloc(n || 1);
    this.m.HEAPU8.set(b, p);
    try {
      this.m._lua_pushlstring(this.L, p, n);
    } finally {
      this.pushing--;
    }
    if (p !== this.scratch) this.m._free(p);
  }

  /** Pushes a JS string as a Lua string (UTF-8 bytes; identifiers and messages). */
  pushString(s: string): void {
    this.pushBytes(Buffer.from(s));
  }

  toNumber(idx: number): number {
    return this.m._lua_tonumber(this.L, idx);
  }

  toBoolean(idx: number): boolean {
    return this.m._lua_toboolean(this.L, idx) !== 0;
  }

  isNumber(idx: number): boolean {
    return this.m._lua_isnumber(this.L, idx) !== 0;
  }

  /** True for strings and numbers (Lua's lua_isstring). */
  isString(idx: number): boolean {
    return this.m._lua_isstring(this.L, idx) !== 0;
  }

  /**
   * The bytes of a string (a number is converted in place, as lua_tolstring
   * does); null for other types. A copy: Lua may collect the original.
   */
  toBytes(idx: number): Buffer | null {
    const p = this.m._lua_tolstring(this.L, idx, this.lenPtr);
    if (p === 0) return null;
    const n = this.m.HEAPU32[this.lenPtr >> 2]!;
    return Buffer.from(this.m.HEAPU8.subarray(p, p + n));
  }

  /** A string value as text (UTF-8), for names and messages. */
  toText(idx: number): string | null {
    return this.toBytes(idx)?.toString() ?? null;
  }

  objLen(idx: number): number {
    return this.m._lua_objlen(this.L, idx);
  }

  // ------------------------------------------------------------ tables

  newTable(narr = 0, nrec = 0): void {
    this.m._lua_createtable(this.L, narr, nrec);
  }

  getField(idx: number, name: string): void {
    this.m._lua_getfield(this.L, idx, this.name(name));
  }

  setField(idx: number, name: string): void {
    this.m._lua_setfield(this.L, idx, this.name(name));
  }

  getTable(idx: number): void {
    this.m._lua_gettable(this.L, idx);
  }

  setTable(idx: number): void {
    this.m._lua_settable(this.L, idx);
  }

  rawGet(idx: number): void {
    this.m._lua_rawget(this.L, idx);
  }

  rawSet(idx: number): void {
    this.m._lua_rawset(this.L, idx);
  }

  rawGetI(idx: number, n: number): void {
    this.m._lua_rawgeti(this.L, idx, n);
  }

  rawSetI(idx: number, n: number): void {
    this.m._lua_rawseti(this.L, idx, n);
  }

  /** lua_next: pops a key, pushes the next key and value; false at the end (nothing pushed). */
  next(idx: number): boolean {
    return this.m._lua_next(this.L, idx) !== 0;
  }

  setMetatable(idx: number): void {
    this.m._lua_setmetatable(this.L, idx);
  }

  getMetatable(idx: number): boolean {
    return this.m._lua_getmetatable(this.L, idx) !== 0;
  }

  /** Raw field read of the table at `idx` by string key; leaves the value on the stack. */
  rawGetField(idx: number, name: string): void {
    const t = idx < 0 && idx > LUA_REGISTRYINDEX ? idx - 1 : idx;
    this.pushString(name);
    this.rawGet(t);
  }

  // ------------------------------------------------------------ functions

  /**
   * A JS function as a Lua C function. Errors it throws become Lua errors:
   * LuaRaise with its message; a table error object when `raiseTop` was
   * called; anything else (a bug) as "internal error: ...".
   */
  pushFunction(fn: LuaFunction): void {
    const ptr = this.m.addFunction(() => {
      let results = 0;
      try {
        results = fn(this);
      } catch (e) {
        if (!this.raising) {
          this.setTop(0);
          const positioned = !(e instanceof LuaRaise) || e.positioned;
          if (positioned) this.m._luaL_where(this.L, 1);
          this.pushString(e instanceof LuaRaise ? e.message : `internal error: ${(e as Error).message ?? String(e)}`);
          if (positioned) this.m._lua_concat(this.L, 2);
        }
        this.raising = true;
      }
      if (this.raising) {
        this.raising = false;
        // Unwinds Lua (longjmp through this frame): nothing after this runs.
        return this.m._lua_error(this.L);
      }
      return results;
    }, 'ii');
    this.m._lua_pushcclosure(this.L, ptr, 0);
  }

  /** From inside a LuaFunction: raise the value on top of the stack as the error object. */
  raiseTop(): never {
    this.raising = true;
    throw new LuaRaise('raise');
  }

  /** Compiles a chunk; pushes the function, or the error message (status != ok). */
  load(code: Uint8Array, chunkName: string): number {
    const n = code.length;
    const p = this.staging(n);
    this.m.HEAPU8.set(code, p);
    const status = this.m._luaL_loadbuffer(this.L, p, n, this.name(chunkName));
    if (p !== this.scratch) this.m._free(p);
    return status;
  }

  pcall(nargs: number, nresults: number, errfunc: number): number {
    return this.m._lua_pcall(this.L, nargs, nresults, errfunc);
  }

  /** Calls `fn` every `count` VM instructions while set; null removes the hook. */
  setCountHook(count: number, fn: (() => void) | null): void {
    this.hookFn = fn;
    if (fn) this.m._lua_sethook(this.L, this.hookPtr, LUA_MASKCOUNT, count);
    else this.m._lua_sethook(this.L, 0, 0, 0);
  }

  /** From inside a hook: raise a string error (the hook's frame unwinds like a C function's). */
  raiseFromHook(message: string): void {
    this.pushString(message);
    this.m._lua_error(this.L);
  }

  /** Kilobytes in use by the Lua heap. */
  memoryKb(): number {
    return this.m._lua_gc(this.L, LUA_GCCOUNT, 0);
  }

  gcStep(n: number): void {
    this.m._lua_gc(this.L, LUA_GCSTEP, n);
  }

  /** A full garbage collection. */
  collect(): void {
    this.m._lua_gc(this.L, LUA_GCCOLLECT, 0);
  }

  // ------------------------------------------------------------ memory

  private staging(n: number): number {
    return n <= SCRATCH_BYTES ? this.scratch : this.m._malloc(n);
  }

  /** A NUL-terminated name kept for the VM's lifetime (field names, chunk names). */
  private name(s: string): number {
    let p = this.names.get(s);
    if (p === undefined) {
      const b = Buffer.from(`${s}\0`);
      p = this.m._malloc(b.length);
      this.m.HEAPU8.set(b, p);
      this.names.set(s, p);
    }
    return p;
  }
}
