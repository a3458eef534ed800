export { LuaVm, LuaRaise, LuaType, LuaStatus, LUA_GLOBALSINDEX, LUA_REGISTRYINDEX, LUA_MULTRET, type LuaFunction } from './lua-vm.js';
export { openCjson } from './libs/cjson.js';
export { openCmsgpack } from './libs/cmsgpack.js';
export { openStruct } from './libs/struct.js';
export { openBit } from './libs/bit.js';
