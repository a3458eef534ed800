// One Lua state set up as Redis sets up its scripting state: the libraries
// Redis loads, the `redis` API, protected globals, Redis's error handler
// (which adds source and line), and a deterministic instruction budget.
// Runs a compiled script or function against a host that executes the
// commands it calls.
import { createHash } from 'node:crypto';
import { error, type Reply } from '@redisraft-wasm/resp';
import { LUA_GLOBALSINDEX, LUA_REGISTRYINDEX, LuaRaise, LuaStatus, LuaType, LuaVm } from './lua-vm.js';
import { argBytes, errorTableText, popReply, pushErrorTable, pushReply } from './convert.js';
import { RedisRand48 } from './redis-rand.js';
import { openLibraries } from './libraries.js';

export const LOG_LEVELS = { debug: 0, verbose: 1, notice: 2, warning: 3 } as const;

/** What a running script calls back into. */
export interface ScriptHost {
  /** Runs a command for redis.call / redis.pcall; every refusal is an error reply. */
  call(argv: Buffer[], resp: 2 | 3): Reply;
  log(level: number, message: string): void;
}

/** Reads a redis.register_function call from the stack; null when taken, else the error text. */
export type Registrar = (vm: LuaVm) => string | null;

export interface RunOptions {
  readonly host: ScriptHost;
  /** Seeds math.random (from the log entry: the same draws on every node). */
  readonly seed: number;
  /** How many VM instructions the run may take; 0 = no limit. */
  readonly instructionLimit: number;
  /** Named in error replies: the script's SHA1 for EVAL, the function name for FCALL. */
  readonly name: string;
}

export interface RunResult {
  readonly reply: Reply;
  /** The budget ran out: the caller undoes the run's writes. */
  readonly overBudget: boolean;
}

const TYPE_NAMES: Record<number, string> = { [-1]: 'no value', 0: 'nil', 1: 'boolean', 2: 'userdata', 3: 'number', 4: 'string', 5: 'table', 6: 'function', 7: 'userdata', 8: 'thread' };

const GC_EVERY_RUNS = 50;

/** The hook runs every this many instructions; the budget is counted in these steps. */
const HOOK_EVERY = 1000;

const SETUP = `
local dbg = debug
debug = nil
local getinfo = dbg.getinfo
__rrw_handler = function(err)
  local i = getinfo(2, 'nSl')
  if i and i.what == 'C' then i = getinfo(3, 'nSl') end
  if type(err) ~= 'table' then err = {err = 'ERR ' .. tostring(err)} end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end
local real_loadstring = loadstring
loadstring = function(s, name)
  -- Binary chunks would bypass the compiler's checks (Redis refuses them too).
  if type(s) == 'string' and s:byte(1) == 27 then return nil, 'binary chunks are not allowed' end
  return real_loadstring(s, name)
end
`;

/**
 * Read-only tables as Redis's patched Lua has them, built from plain Lua:
 * each library table is replaced by an empty proxy that reads through to
 * it, and the globals become such a proxy over a table whose misses raise
 * Redis's "nonexistent global variable" error. The refusals are C (JS)
 * functions so that errors point at the script's line, as Redis's do.
 */
const PROTECT = `
local G, protected, refuse, missing = ...
local real_setmetatable, real_next, real_type = setmetatable, next, type
local function protect(t)
  local proxy = real_setmetatable({}, {__index = t, __newindex = refuse, __metatable = real_setmetatable({}, {__newindex = refuse})})
  protected[proxy] = t
  return proxy
end
-- What library code sees while FUNCTION LOAD runs it: redis.register_function, redis.log and the version, nothing else.
local real_redis = G.redis
local lib_redis = real_setmetatable({register_function = real_redis.register_function, log = real_redis.log}, {__index = missing})
for _, k in ipairs({'LOG_DEBUG', 'LOG_VERBOSE', 'LOG_NOTICE', 'LOG_WARNING', 'REDIS_VERSION', 'REDIS_VERSION_NUM'}) do lib_redis[k] = real_redis[k] end
real_redis.register_function = nil
local library_api = protect(real_setmetatable({redis = protect(lib_redis)}, {__index = missing}))
for _, name in ipairs({'redis', 'string', 'math', 'table', 'coroutine', 'cjson', 'bit', 'struct', 'cmsgpack'}) do
  if real_type(G[name]) == 'table' then G[name] = protect(G[name]) end
end
next = function(t, k) return real_next(protected[t] or t, k) end
pairs = function(t) return next, t, nil end
real_setmetatable(G, {__index = missing})
local globals_meta = {__index = G, __newindex = refuse, __metatable = real_setmetatable({}, {__newindex = refuse})}
local globals = real_setmetatable({}, globals_meta)
protected[globals] = G
G._G = globals
return globals, globals_meta, library_api, G
`;

function sha1hex(b: Uint8Array): string {
  return createHash('sha1').update(b).digest('hex');
}

export class LuaRuntime {
  private readonly rand = new RedisRand48();
  private run: { opts: RunOptions; resp: 2 | 3 } | null = null;
  private overBudget = false;
  private steps = 0;
  private stepLimit = 0;
  private nextRef = 1;
  private runs = 0;
  /** Set while a library's code runs (FUNCTION LOAD): takes each redis.register_function call, or answers why not. */
  private registrar: Registrar | null = null;

  private constructor(readonly vm: LuaVm) {}

  /** A Lua state as Redis builds one (EVAL and FUNCTION each get their own, as in Redis). */
  static async create(): Promise<LuaRuntime> {
    const vm = await LuaVm.create();
    const rt = new LuaRuntime(vm);
    rt.setup();
    return rt;
  }

  private setup(): void {
    const vm = this.vm;
    vm.openStandardLibs();
    openLibraries(vm);
    // Redis loads base, table, string, math, debug (removed after setup), cjson, struct, cmsgpack and bit.
    // newproxy too: its userdata are the only way a script gets a __gc finalizer, which would run at a point
    // decided by each node's own heap history (reads run on one node only) and could call redis.call there.
    for (const name of ['io', 'os', 'package', 'dofile', 'loadfile', 'print', 'require', 'module', 'newproxy']) {
      vm.pushNil();
      vm.setField(LUA_GLOBALSINDEX, name);
    }
    this.registerRedisApi();
    this.exec(SETUP, '@rrw_setup');
    vm.getField(LUA_GLOBALSINDEX, '__rrw_handler');
    vm.setField(LUA_REGISTRYINDEX, '__rrw_handler');
    vm.pushNil();
    vm.setField(LUA_GLOBALSINDEX, '__rrw_handler');
    // The raw globals stay reachable from the registry (KEYS and ARGV are written there); scripts see the proxy.
    vm.pushValue(LUA_GLOBALSINDEX);
    vm.setField(LUA_REGISTRYINDEX, '__rrw_globals');
    this.installProtection();
  }

  private installProtection(): void {
    const vm = this.vm;
    const refuse = () => { throw new LuaRaise('Attempt to modify a readonly table'); };
    const isProtected = (v: LuaVm, idx: number): boolean => {
      if (v.type(idx) !== LuaType.table) return false;
      v.getField(LUA_REGISTRYINDEX, '__rrw_protected');
      v.pushValue(idx);
      v.rawGet(-2);
      const yes = v.type(-1) !== LuaType.nil;
      v.pop(2);
      return yes;
    };
    vm.newTable();
    vm.newTable(0, 1);
    vm.pushString('k');
    vm.setField(-2, '__mode');
    vm.setMetatable(-2);
    vm.setField(LUA_REGISTRYINDEX, '__rrw_protected');
    // setmetatable and rawset refuse protected tables (with no position, like Redis's); otherwise they do what Lua's do.
    const refuseBare = () => { throw new LuaRaise('Attempt to modify a readonly table', false); };
    vm.pushFunction((v) => {
      if (isProtected(v, 1)) refuseBare();
      if (v.type(1) !== LuaType.table) throw new LuaRaise(`bad argument #1 to 'setmetatable' (table expected, got ${TYPE_NAMES[v.type(1)] ?? 'no value'})`);
      const t2 = v.type(2);
      if (t2 !== LuaType.nil && t2 !== LuaType.table) throw new LuaRaise("bad argument #2 to 'setmetatable' (nil or table expected)");
      if (v.getMetatable(1)) {
        v.rawGetField(-1, '__metatable');
        const guarded = v.type(-1) !== LuaType.nil;
        v.pop(2);
        if (guarded) throw new LuaRaise('cannot change a protected metatable');
      }
      v.setTop(2);
      v.setMetatable(1);
      return 1;
    });
    vm.setField(LUA_GLOBALSINDEX, 'setmetatable');
    vm.pushFunction((v) => {
      if (isProtected(v, 1)) refuseBare();
      if (v.type(1) !== LuaType.table) throw new LuaRaise(`bad argument #1 to 'rawset' (table expected, got ${TYPE_NAMES[v.type(1)] ?? 'no value'})`);
      v.setTop(3);
      v.pushValue(2);
      v.pushValue(3);
      v.rawSet(1);
      v.setTop(1);
      return 1;
    });
    vm.setField(LUA_GLOBALSINDEX, 'rawset');
    if (vm.load(Buffer.from(PROTECT), '@rrw_protect') !== LuaStatus.ok) throw new Error(`scripting setup: ${vm.toText(-1)}`);
    vm.pushValue(LUA_GLOBALSINDEX);
    vm.getField(LUA_REGISTRYINDEX, '__rrw_protected');
    vm.pushFunction(refuse);
    vm.pushFunction((v) => { throw new LuaRaise(`Script attempted to access nonexistent global variable '${v.toText(2) ?? '?'}'`); });
    if (vm.pcall(4, 4, 0) !== LuaStatus.ok) throw new Error(`scripting setup: ${vm.toText(-1)}`);
    vm.setField(LUA_REGISTRYINDEX, '__rrw_globals_api');
    vm.setField(LUA_REGISTRYINDEX, '__rrw_library_api');
    vm.setField(LUA_REGISTRYINDEX, '__rrw_globals_meta');
    vm.replace(LUA_GLOBALSINDEX);
  }

  private exec(code: string, chunk: string): void {
    const vm = this.vm;
    if (vm.load(Buffer.from(code), chunk) !== LuaStatus.ok || vm.pcall(0, 0, 0) !== LuaStatus.ok) {
      throw new Error(`scripting setup: ${vm.toText(-1)}`);
    }
  }

  private registerRedisApi(): void {
    const vm = this.vm;
    const fn = (name: string, f: (vm: LuaVm) => number) => {
      vm.pushFunction(f);
      vm.setField(-2, name);
    };
    const num = (name: string, n: number) => {
      vm.pushNumber(n);
      vm.setField(-2, name);
    };
    vm.newTable();
    fn('call', (v) => this.redisCall(v, true));
    fn('pcall', (v) => this.redisCall(v, false));
    fn('sha1hex', (v) => {
      if (v.top !== 1) return this.raiseError('wrong number of arguments');
      v.pushString(sha1hex(v.toBytes(1) ?? Buffer.alloc(0)));
      return 1;
    });
    fn('error_reply', (v) => this.singleFieldTable(v, 'err'));
    fn('status_reply', (v) => this.singleFieldTable(v, 'ok'));
    fn('log', (v) => this.log(v));
    fn('setresp', (v) => {
      if (v.top !== 1) return this.raiseError('redis.setresp() requires one argument.');
      const resp = v.toNumber(1);
      if (resp !== 2 && resp !== 3) return this.raiseError('RESP version must be 2 or 3.');
      if (this.run) this.run.resp = resp;
      return 0;
    });
    fn('set_repl', (v) => {
      if (v.top !== 1) return this.raiseError('redis.set_repl() requires one argument.');
      const flags = v.toNumber(1);
      // Every entry is replicated whole through the log: the flags are checked, then have nothing to choose.
      if ((flags & ~3) !== 0) return this.raiseError('Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.');
      return 0;
    });
    fn('replicate_commands', (v) => {
      v.pushBoolean(true);
      return 1;
    });
    fn('register_function', (v) => {
      if (!this.registrar) return this.raiseError('redis.register_function can only be called on FUNCTION LOAD command');
      const problem = this.registrar(v);
      if (problem !== null) return this.raiseError(problem);
      return 0;
    });
    fn('breakpoint', (v) => {
      v.pushBoolean(false);
      return 1;
    });
    fn('debug', () => 0);
    for (const [name, level] of [['LOG_DEBUG', 0], ['LOG_VERBOSE', 1], ['LOG_NOTICE', 2], ['LOG_WARNING', 3]] as const) num(name, level);
    for (const [name, flags] of [['REPL_NONE', 0], ['REPL_AOF', 1], ['REPL_SLAVE', 2], ['REPL_REPLICA', 2], ['REPL_ALL', 3]] as const) num(name, flags);
    vm.pushString('7.2.6');
    vm.setField(-2, 'REDIS_VERSION');
    num('REDIS_VERSION_NUM', 0x070206);
    vm.setField(LUA_GLOBALSINDEX, 'redis');

    // Redis's pcall: an error table caught is handed back as its message, as Lua 5.1 scripts written for Redis 6 expect.
    vm.pushFunction((v) => {
      const argc = v.top;
      if (argc < 1) throw new LuaRaise("bad argument #1 to 'pcall' (value expected)");
      v.pushBoolean(true);
      v.insert(1);
      if (v.pcall(argc - 1, -1, 0) !== LuaStatus.ok) {
        v.remove(1);
        if (v.type(-1) === LuaType.table) {
          v.getField(-1, 'err');
          if (v.isString(-1)) v.replace(-2);
          else v.pop();
        }
        v.pushBoolean(false);
        v.insert(1);
      }
      return v.top;
    });
    vm.setField(LUA_GLOBALSINDEX, 'pcall');

    vm.getField(LUA_GLOBALSINDEX, 'math');
    fn('random', (v) => this.mathRandom(v));
    fn('randomseed', (v) => {
      this.rand.seed(this.checkInt(v, 1, 'randomseed'));
      return 0;
    });
    vm.pop();
  }

  /** Raises a Redis-style error table (luaPushError + luaError). */
  private raiseError(text: string): never {
    pushErrorTable(this.vm, errorTableText(text));
    this.vm.raiseTop();
  }

  private singleFieldTable(v: LuaVm, field: 'err' | 'ok'): number {
    if (v.top !== 1 || v.type(1) !== LuaType.string) {
      pushErrorTable(v, 'ERR wrong number or type of arguments');
      return 1;
    }
    if (field === 'err') {
      const text = v.toText(1)!;
      pushErrorTable(v, errorTableText(text.startsWith('-') ? text : `-${text}`));
      return 1;
    }
    v.newTable(0, 1);
    v.pushValue(1);
    v.setField(-2, 'ok');
    return 1;
  }

  private log(v: LuaVm): number {
    const argc = v.top;
    if (argc < 2) return this.raiseError('redis.log() requires two arguments or more.');
    if (!v.isNumber(1)) return this.raiseError('First argument must be a number (log level).');
    const level = v.toNumber(1);
    if (level < 0 || level > 3) return this.raiseError('Invalid debug level.');
    const parts: string[] = [];
    for (let j = 2; j <= argc; j++) {
      const s = v.isString(j) ? v.toText(j) : null;
      if (s !== null) parts.push(s);
    }
    this.run?.opts.host.log(level, parts.join(' '));
    return 0;
  }

  /** luaL_checkint, with its error text. */
  private checkInt(v: LuaVm, idx: number, fname: string): number {
    if (!v.isNumber(idx)) throw new LuaRaise(`bad argument #${idx} to '${fname}' (number expected, got ${TYPE_NAMES[v.type(idx)] ?? 'no value'})`);
    return Math.trunc(v.toNumber(idx)) | 0;
  }

  private mathRandom(v: LuaVm): number {
    const r = this.rand.nextUnit();
    switch (v.top) {
      case 0:
        v.pushNumber(r);
        return 1;
      case 1: {
        const u = this.checkInt(v, 1, 'random');
        if (!(1 <= u)) throw new LuaRaise("bad argument #1 to 'random' (interval is empty)");
        v.pushNumber(Math.floor(r * u) + 1);
        return 1;
      }
      case 2: {
        const l = this.checkInt(v, 1, 'random');
        const u = this.checkInt(v, 2, 'random');
        if (!(l <= u)) throw new LuaRaise("bad argument #2 to 'random' (interval is empty)");
        v.pushNumber(Math.floor(r * (u - l + 1)) + l);
        return 1;
      }
      default:
        throw new LuaRaise('wrong number of arguments');
    }
  }

  /** redis.call (raise = true) and redis.pcall: argv from the stack, the reply converted back. */
  private redisCall(v: LuaVm, raise: boolean): number {
    const run = this.run;
    if (!run) return this.raiseError('redis.call can only be called inside a script invocation');
    const argc = v.top;
    if (argc === 0) {
      pushErrorTable(v, 'ERR Please specify at least one argument for this redis lib call');
      return raise ? v.raiseTop() : 1;
    }
    const argv: Buffer[] = new Array(argc);
    for (let j = 0; j < argc; j++) {
      const b = argBytes(v, j + 1);
      if (b === null) {
        v.setTop(0);
        pushErrorTable(v, 'ERR Lua redis lib command arguments must be strings or integers');
        return raise ? v.raiseTop() : 1;
      }
      argv[j] = b;
    }
    v.setTop(0);
    const reply = run.opts.host.call(argv, run.resp);
    pushReply(v, reply, run.resp);
    if (raise && reply.kind === 'error') v.raiseTop();
    return 1;
  }

  // ------------------------------------------------------------ compiling

  /** Compiles a chunk and keeps the function under a registry key; an error text when it does not compile. */
  compile(code: Buffer, chunkName: string): { ok: true; ref: string } | { ok: false; message: string } {
    const vm = this.vm;
    vm.setTop(0);
    if (vm.load(code, chunkName) !== LuaStatus.ok) {
      const message = vm.toText(-1) ?? 'unknown error';
      vm.setTop(0);
      return { ok: false, message };
    }
    const ref = `__rrw_fn_${this.nextRef++}`;
    vm.setField(LUA_REGISTRYINDEX, ref);
    return { ok: true, ref };
  }

  release(ref: string): void {
    this.vm.pushNil();
    this.vm.setField(LUA_REGISTRYINDEX, ref);
  }

  /** Frees what released functions held (SCRIPT FLUSH, FUNCTION FLUSH). */
  collect(): void {
    this.vm.collect();
  }

  /** Runs the function stored under a registry key with a function's value (FUNCTION LOAD's library body). */
  pushRef(ref: string): void {
    this.vm.getField(LUA_REGISTRYINDEX, ref);
  }

  // ------------------------------------------------------------ running

  /**
   * EVAL: KEYS and ARGV as globals, no arguments. FCALL (`asFunction`):
   * keys and args as the function's two arguments.
   */
  runRef(ref: string, keys: readonly Buffer[], args: readonly Buffer[], opts: RunOptions, asFunction: boolean): RunResult {
    const vm = this.vm;
    vm.setTop(0);
    vm.getField(LUA_REGISTRYINDEX, '__rrw_handler');
    vm.getField(LUA_REGISTRYINDEX, ref);
    if (asFunction) {
      this.pushArray(keys);
      this.pushArray(args);
    } else {
      vm.getField(LUA_REGISTRYINDEX, '__rrw_globals');
      vm.pushString('KEYS');
      this.pushArray(keys);
      vm.rawSet(-3);
      vm.pushString('ARGV');
      this.pushArray(args);
      vm.rawSet(-3);
      vm.pop();
    }
    return this.protectedRun(asFunction ? 2 : 0, opts);
  }

  /** Runs the function on top of the stack (above the handler at index 1) under the budget. */
  private protectedRun(nargs: number, opts: RunOptions): RunResult {
    const vm = this.vm;
    this.run = { opts, resp: 2 };
    this.rand.seed(opts.seed);
    this.overBudget = false;
    this.steps = 0;
    this.stepLimit = opts.instructionLimit > 0 ? Math.max(1, Math.ceil(opts.instructionLimit / HOOK_EVERY)) : 0;
    if (this.stepLimit) vm.setCountHook(HOOK_EVERY, () => this.onHook());
    let status: number;
    try {
      status = vm.pcall(nargs, 1, 1);
    } finally {
      if (this.stepLimit) vm.setCountHook(0, null);
    }
    const resp = this.run.resp;
    this.run = null;
    // As Redis does: a few collection steps every 50 runs, rather than letting Lua run a full cycle in one go.
    if (++this.runs % GC_EVERY_RUNS === 0) vm.gcStep(GC_EVERY_RUNS);
    let reply: Reply;
    if (this.overBudget) {
      reply = error(`ERR Script exceeded the instruction limit (lua-instruction-limit ${opts.instructionLimit}) and was stopped; its writes were undone. script: ${opts.name}`);
    } else if (status !== LuaStatus.ok) {
      reply = this.errorReply(opts.name);
    } else {
      reply = popReply(vm, resp);
    }
    vm.setTop(0);
    return { reply, overBudget: this.overBudget };
  }

  private onHook(): void {
    if (this.overBudget) {
      // Every later instruction raises again, so pcall inside the script cannot swallow the stop.
      this.vm.raiseFromHook('Script exceeded the instruction limit');
      return;
    }
    if (++this.steps < this.stepLimit) return;
    this.overBudget = true;
    this.vm.setCountHook(1, () => this.onHook());
    this.vm.raiseFromHook('Script exceeded the instruction limit');
  }

  /** The reply for a failed run: the handler's table {err, source, line}, as luaCallFunction formats it. */
  private errorReply(name: string): Reply {
    const vm = this.vm;
    if (vm.type(-1) !== LuaType.table) {
      const msg = vm.isString(-1) ? vm.toText(-1)! : 'execution failure';
      return error(`ERR Error running script ${name}, ${msg.slice(0, 100)}`);
    }
    const field = (f: string): string | null => {
      vm.getField(-1, f);
      const s = vm.isString(-1) ? vm.toText(-1) : null;
      vm.pop();
      return s;
    };
    const msg = field('err') ?? '';
    const source = field('source');
    const line = field('line');
    return error(source !== null && line !== null ? `${msg} script: ${name}, on ${source}:${line}.` : msg);
  }

  private pushArray(items: readonly Buffer[]): void {
    const vm = this.vm;
    vm.newTable(items.length, 0);
    for (let i = 0; i < items.length; i++) {
      vm.pushBytes(items[i]!);
      vm.rawSetI(-2, i + 1);
    }
  }

  /** Runs library code (FUNCTION LOAD) with `registrar` receiving its register_function calls. */
  runLibrary(ref: string, registrar: Registrar, opts: RunOptions): RunResult {
    const vm = this.vm;
    vm.setTop(0);
    vm.getField(LUA_REGISTRYINDEX, '__rrw_handler');
    vm.getField(LUA_REGISTRYINDEX, ref);
    this.registrar = registrar;
    this.globalsSeeLibraryApi(true);
    try {
      return this.protectedRun(0, opts);
    } finally {
      this.globalsSeeLibraryApi(false);
      this.registrar = null;
    }
  }

  /** Points the globals at the library-loading API (FUNCTION LOAD) or back at the full one. */
  private globalsSeeLibraryApi(on: boolean): void {
    const vm = this.vm;
    vm.getField(LUA_REGISTRYINDEX, '__rrw_globals_meta');
    vm.pushString('__index');
    vm.getField(LUA_REGISTRYINDEX, on ? '__rrw_library_api' : '__rrw_globals_api');
    vm.rawSet(-3);
    vm.pop();
  }

  /** Keeps the value at `idx` under a registry key (a registered function's callback). */
  keep(idx: number): string {
    const ref = `__rrw_fn_${this.nextRef++}`;
    this.vm.pushValue(idx);
    this.vm.setField(LUA_REGISTRYINDEX, ref);
    return ref;
  }

  memoryBytes(): number {
    return Math.round(this.vm.memoryKb() * 1024);
  }
}

export { sha1hex };
