// The libraries Redis adds to the Lua state besides Lua's own: cjson,
// cmsgpack, struct and bit, each a module of JS functions under libs/.
import type { LuaVm } from './lua-vm.js';

const LIBRARIES: readonly ((vm: LuaVm) => void)[] = [];

export function openLibraries(vm: LuaVm): void {
  for (const open of LIBRARIES) open(vm);
}
