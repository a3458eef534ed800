// The libraries Redis adds to the Lua state besides Lua's own: cjson,
// struct, cmsgpack and bit (in the order Redis loads them), each a module
// of JS functions under libs/.
import type { LuaVm } from './lua-vm.js';
import { openCjson } from './libs/cjson.js';
import { openStruct } from './libs/struct.js';
import { openCmsgpack } from './libs/cmsgpack.js';
import { openBit } from './libs/bit.js';

const LIBRARIES: readonly ((vm: LuaVm) => void)[] = [openCjson, openStruct, openCmsgpack, openBit];

export function openLibraries(vm: LuaVm): void {
  for (const open of LIBRARIES) open(vm);
}
