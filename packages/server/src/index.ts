export { NodeServer, type NodeServerOptions } from './node-server.js';
export { createLogger, setLogLevel } from './logger.js';
export { LocalExecutor, type Executor } from './executor.js';
export { ClientSession } from './session.js';
export type { NodeContext, NodeStats } from './node-context.js';
export type { ServerCommand, ServerHandler } from './server-command.js';
export * from './config/index.js';
export { REDIS_COMPAT_VERSION } from './commands/connection.js';
export { attachRaft, RaftHost, keySlot, crc16 } from './cluster/index.js';
