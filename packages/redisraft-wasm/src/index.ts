// The redisraft-wasm command line: server, cluster, check-log, bench.
import { defineCommand, runMain as cittyRunMain } from 'citty';
import { VERSION } from './version.js';
import { serverCommand } from './commands/server.js';
import { clusterCommand } from './commands/cluster.js';
import { checkLogCommand } from './commands/check-log.js';
import { benchCommand } from './commands/bench.js';

export const main = defineCommand({
  meta: { name: 'redisraft-wasm', version: VERSION, description: 'Strongly consistent, Raft-replicated, Redis-compatible database server' },
  subCommands: {
    server: serverCommand,
    cluster: clusterCommand,
    'check-log': checkLogCommand,
    bench: benchCommand,
  },
});

export async function runMain(): Promise<void> {
  await cittyRunMain(main);
}

export { runServer } from './commands/server.js';
export { freePort } from './bench/setups.js';
