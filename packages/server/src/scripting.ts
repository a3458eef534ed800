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
