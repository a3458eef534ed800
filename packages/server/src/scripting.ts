// The node's Lua scripting engine, configured from the node's settings:
// the instruction limit is read at each run (CONFIG SET takes effect for the
// next script), and redis.log writes to the node's log at Redis's levels.
import type { ConsolaInstance } from 'consola';
import { ScriptingEngine } from '@redisraft-wasm/scripting';
import type { NodeConfig } from './config/index.js';

/** `serverCommand` looks up the node's own commands (filled once the node's table exists). */
export function createScripting(config: NodeConfig, logger: ConsolaInstance, serverCommand?: (name: string) => { readonly flags: readonly string[] } | undefined): Promise<ScriptingEngine> {
  const levels = [(m: string) => logger.debug(m), (m: string) => logger.verbose(m), (m: string) => logger.info(m), (m: string) => logger.warn(m)];
  return ScriptingEngine.create({
    instructionLimit: () => config.int('lua-instruction-limit'),
    log: (level, message) => levels[level]?.(message),
    serverCommand,
  });
}

/** INFO memory's scripting fields, with Redis 7's names. */
export function scriptingMemoryInfo(engine: ScriptingEngine): string[] {
  const vm = engine.memoryBytes();
  const human = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)}M` : n >= 1024 ? `${(n / 1024).toFixed(2)}K` : `${n}B`);
  return [
    `used_memory_lua:${vm.eval}`, `used_memory_vm_eval:${vm.eval}`, `used_memory_lua_human:${human(vm.eval)}`,
    `used_memory_scripts_eval:${engine.scripts.bodyBytes()}`, `number_of_cached_scripts:${engine.scripts.size}`,
    `number_of_functions:${engine.functions.functionCount}`, `number_of_libraries:${engine.functions.libraryCount}`,
    `used_memory_vm_functions:${vm.functions}`, `used_memory_vm_total:${vm.eval + vm.functions}`, `used_memory_vm_total_human:${human(vm.eval + vm.functions)}`,
    `used_memory_functions:${engine.functions.codeBytes()}`, `used_memory_scripts:${engine.scripts.bodyBytes() + engine.functions.codeBytes()}`,
    `used_memory_scripts_human:${human(engine.scripts.bodyBytes() + engine.functions.codeBytes())}`,
  ];
}
