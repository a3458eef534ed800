// FUNCTION libraries (Redis 7): code that starts `#!lua name=<lib>` and
// registers named functions with redis.register_function when loaded.
// Replicated state, like the script cache: changed only by applied entries,
// saved in snapshots as the libraries' code and reloaded from it.
import { error, type ErrorReply } from '@redisraft-wasm/resp';
import type { StoreExtension } from '@redisraft-wasm/store';
import { LuaType, type LuaVm } from './lua-vm.js';
import type { LuaRuntime, RunOptions } from './lua-runtime.js';
import { SCRIPT_FLAGS, splitArgs, type ScriptFlag } from './shebang.js';
import { joinLengthPrefixed, splitLengthPrefixed } from './length-prefixed.js';

export interface LibraryFunction {
  readonly name: string;
  readonly description: string | null;
  readonly flags: ReadonlySet<ScriptFlag>;
  readonly ref: string;
  readonly library: Library;
}

export interface Library {
  readonly name: string;
  readonly code: Buffer;
  readonly functions: Map<string, LibraryFunction>;
  /** The compiled body, kept while the library exists. */
  readonly bodyRef: string;
}

const NAME_RE = /^[A-Za-z0-9_]+$/;
const BAD_NAME = 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';

/** Name and body of a library's code, or Redis's complaint about its first line. */
function parseMetadata(code: Buffer): { name: string; engine: string; body: Buffer } | string {
  if (code.length < 2 || code[0] !== 0x23 || code[1] !== 0x21) return 'Missing library metadata';
  const end = code.indexOf(0x0a);
  if (end < 0) return 'Invalid library metadata';
  const parts = splitArgs(code.subarray(0, end).toString('latin1'));
  if (!parts || parts.length === 0) return 'Invalid library metadata';
  const engine = parts[0]!.slice(2);
  let name: string | null = null;
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== null) return 'Invalid metadata value, name argument was given multiple times';
      name = part.slice(5);
      continue;
    }
    return `Invalid metadata value given: ${part}`;
  }
  if (name === null) return 'Library name was not given';
  // Lua compiles from the newline on, so line numbers match the code as written.
  return { name, engine, body: code.subarray(end) };
}

export class FunctionLibraries implements StoreExtension {
  private readonly libraries = new Map<string, Library>();
  private readonly functions = new Map<string, LibraryFunction>();

  constructor(private readonly runtime: LuaRuntime, private readonly loadOptions: () => RunOptions) {}

  get libraryCount(): number {
    return this.libraries.size;
  }

  get functionCount(): number {
    return this.functions.size;
  }

  /** By name, in any case (Redis's function dictionary ignores case). */
  /** Bytes of the libraries' code (INFO used_memory_functions). */
  codeBytes(): number {
    let n = 0;
    for (const lib of this.libraries.values()) n += lib.code.length;
    return n;
  }

  hasLibrary(name: string): boolean {
    return this.libraries.has(name);
  }

  /** The name a library's code declares, when its first line is well formed. */
  static nameOf(code: Buffer): string | null {
    const md = parseMetadata(code);
    return typeof md === 'string' ? null : md.name;
  }

  getFunction(name: string): LibraryFunction | undefined {
    return this.functions.get(name.toLowerCase());
  }

  list(): Iterable<Library> {
    return this.libraries.values();
  }

  /** FUNCTION LOAD [REPLACE]: the library's name, or Redis's error. */
  loadLibrary(code: Buffer, replace: boolean): string | ErrorReply {
    const md = parseMetadata(code);
    if (typeof md === 'string') return error(`ERR ${md}`);
    if (!NAME_RE.test(md.name)) return error(`ERR ${BAD_NAME}`);
    if (md.engine.toLowerCase() !== 'lua') return error(`ERR Engine '${md.engine}' not found`);
    const old = this.libraries.get(md.name);
    if (old && !replace) return error(`ERR Library '${md.name}' already exists`);
    const compiled = this.runtime.compile(md.body, '@user_function');
    if (!compiled.ok) return error(`ERR Error compiling function: ${compiled.message}`);
    const lib: Library = { name: md.name, code, functions: new Map(), bodyRef: compiled.ref };
    const r = this.runtime.runLibrary(compiled.ref, (vm) => this.register(vm, lib), this.loadOptions());
    const fail = (text: string): ErrorReply => {
      this.releaseLibrary(lib);
      return error(text);
    };
    if (r.overBudget) return fail('ERR FUNCTION LOAD timeout');
    if (r.reply.kind === 'error') return fail(`ERR Error registering functions: ${r.reply.message}`);
    if (lib.functions.size === 0) return fail('ERR No functions registered');
    for (const f of lib.functions.values()) {
      const other = this.functions.get(f.name.toLowerCase());
      if (other && other.library !== old) return fail(`ERR Function ${f.name} already exists`);
    }
    if (old) this.drop(old);
    this.libraries.set(lib.name, lib);
    for (const f of lib.functions.values()) this.functions.set(f.name.toLowerCase(), f);
    return lib.name;
  }

  delete(name: string): boolean {
    const lib = this.libraries.get(name);
    if (!lib) return false;
    this.drop(lib);
    return true;
  }

  flush(): void {
    for (const lib of [...this.libraries.values()]) this.drop(lib);
  }

  private drop(lib: Library): void {
    this.libraries.delete(lib.name);
    for (const f of lib.functions.values()) if (this.functions.get(f.name.toLowerCase()) === f) this.functions.delete(f.name.toLowerCase());
    this.releaseLibrary(lib);
  }

  private releaseLibrary(lib: Library): void {
    for (const f of lib.functions.values()) this.runtime.release(f.ref);
    this.runtime.release(lib.bodyRef);
  }

  /** redis.register_function(name, callback) or redis.register_function{function_name=..., callback=..., flags=..., description=...}. */
  private register(vm: LuaVm, lib: Library): string | null {
    const argc = vm.top;
    let name: string | null = null;
    let description: string | null = null;
    let callbackIdx = 0;
    const flags = new Set<ScriptFlag>();
    if (argc === 1) {
      if (vm.type(1) !== LuaType.table) return 'calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).';
      vm.pushNil();
      while (vm.next(1)) {
        if (vm.type(-2) !== LuaType.string) return 'named argument key given to redis.register_function is not a string';
        const key = vm.toText(-2)!.toLowerCase();
        if (key === 'function_name') {
          if (vm.type(-1) !== LuaType.string) return 'function_name argument given to redis.register_function must be a string';
          name = vm.toText(-1);
        } else if (key === 'description') {
          if (vm.type(-1) !== LuaType.string) return 'description argument given to redis.register_function must be a string';
          description = vm.toText(-1);
        } else if (key === 'callback') {
          if (vm.type(-1) !== LuaType.function) return 'callback argument given to redis.register_function must be a function';
          // A copy below the iteration's key and value, where it stays until the call returns.
          vm.pushValue(-1);
          vm.insert(-3);
          callbackIdx = vm.top - 2;
        } else if (key === 'flags') {
          if (vm.type(-1) !== LuaType.table) return 'flags argument to redis.register_function must be a table representing function flags';
          for (let j = 1; ; j++) {
            vm.rawGetI(-1, j);
            if (vm.type(-1) === LuaType.nil) {
              vm.pop();
              break;
            }
            const f = vm.type(-1) === LuaType.string ? vm.toText(-1) : null;
            vm.pop();
            if (f === null || !(SCRIPT_FLAGS as readonly string[]).includes(f)) return 'unknown flag given';
            flags.add(f as ScriptFlag);
          }
        } else {
          return 'unknown argument given to redis.register_function';
        }
        vm.pop();
      }
      if (name === null) return 'redis.register_function must get a function name argument';
      if (!callbackIdx) return 'redis.register_function must get a callback argument';
    } else if (argc === 2) {
      if (vm.type(1) !== LuaType.string) return 'first argument to redis.register_function must be a string';
      if (vm.type(2) !== LuaType.function) return 'second argument to redis.register_function must be a function';
      name = vm.toText(1);
      callbackIdx = 2;
    } else {
      return 'wrong number of arguments to redis.register_function';
    }
    if (!NAME_RE.test(name!)) return BAD_NAME;
    if (lib.functions.has(name!.toLowerCase())) return 'Function already exists in the library';
    lib.functions.set(name!.toLowerCase(), { name: name!, description, flags, ref: this.runtime.keep(callbackIdx), library: lib });
    return null;
  }

  /** Snapshot form: the libraries' code, length-prefixed. */
  save(): Buffer | null {
    return this.libraries.size === 0 ? null : joinLengthPrefixed([...this.libraries.values()].map((l) => l.code));
  }

  /** StoreExtension: replaces every library by those saved (null = none). */
  load(data: Buffer | null): void {
    this.flush();
    if (!data) return;
    for (const code of FunctionLibraries.split(data)) {
      const r = this.loadLibrary(code, false);
      // Every library in a snapshot loaded once already: failing now means the snapshot is damaged.
      if (typeof r !== 'string') throw new Error(`a function library in the snapshot does not load: ${r.message}`);
    }
  }

  /** The codes of a saved (or dumped) set of libraries. */
  static split(data: Buffer): Buffer[] {
    return splitLengthPrefixed(data);
  }
}
