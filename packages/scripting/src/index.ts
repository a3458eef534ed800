export { LuaVm, LuaRaise, LuaType, LuaStatus, LUA_GLOBALSINDEX, LUA_REGISTRYINDEX, LUA_MULTRET, type LuaFunction } from './lua-vm.js';
export { LuaRuntime, LOG_LEVELS, sha1hex, type ScriptHost, type RunOptions, type RunResult, type Registrar } from './lua-runtime.js';
export { parseShebang, SCRIPT_FLAGS, type Shebang, type ScriptFlag } from './shebang.js';
export { popReply, pushReply, errorTableText, luaNumberToInteger, formatLuaArgNumber } from './convert.js';
export { ScriptingEngine, type ScriptingOptions, type RunMode } from './engine.js';
export { ScriptCache, NOSCRIPT, type CachedScript } from './script-cache.js';
export { FunctionLibraries, type Library, type LibraryFunction } from './function-libraries.js';
export { scriptingCommands } from './commands.js';
