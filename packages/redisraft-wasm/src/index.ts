// The redisraft-wasm command line: server, cluster, check-log, bench.
import { defineCommand, runMain as cittyRunMain } from 'citty';
import { VERSION } from './version.js';
import { serverCommand } from './commands/server.js';
import { clusterCommand } from './commands/cluster.js';
import { checkLogCommand } from './commands/check-log.js';
import { notYet } from './commands/not-yet.js';

export const main = defineCommand({
  meta: { name: 'redisraft-wasm', version: VERSION, description: 'Strongly consistent, Raft-replicated, Redis-compatible database server' },
  subCommands: {
    server: serverCommand,
    cluster: clusterCommand,
    'check-log': checkLogCommand,
    bench: notYet('bench', 'Benchmark a local cluster against redis-server', 'lands with the benchmark work'),
  },
});

export async function runMain(): Promise<void> {
  await cittyRunMain(main);
}

export { runServer } from './commands/server.js';
