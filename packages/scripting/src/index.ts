export { LuaVm, LuaRaise, LuaType, LuaStatus, LUA_GLOBALSINDEX, LUA_REGISTRYINDEX, LUA_MULTRET, type LuaFunction } from './lua-vm.js';
