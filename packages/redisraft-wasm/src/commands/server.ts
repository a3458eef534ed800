// `redisraft-wasm server [config-file] [options]`: runs one node.
import { existsSync, statSync } from 'node:fs';
import { defineCommand } from 'citty';
import { ConfigError, NodeServer, RecoveryError, attachRaft, configFromArgs, createLogger, createScripting, setLogLevel, type NodeConfig } from '@redisraft-wasm/server';
import { VERSION } from '../version.js';

export const serverCommand = defineCommand({
  meta: {
    name: 'server',
    description: [
      'Start a node. Arguments, in any mix:',
      '  [config-file]                 redis.conf syntax, Redis and Raft settings',
      '  --<redis-option> <value>      --port 5001 --bind 127.0.0.1 --dir /data --dbfilename raft1.rdb ...',
      '  <raft-param>=<value>          raft-log-filename=raftlog1.db addr=127.0.0.1:5001 (RedisRaft module form)',
      '  --<raft-param> <value>        --raft-log-filename raftlog1.db',
      '  --raft.<param> <value>        --raft.log-filename raftlog1.db (later RedisRaft form)',
      '  --loadmodule <path> [args]    accepted for RedisRaft scripts: the path is ignored, the args are read',
    ].join('\n'),
  },
  async run({ rawArgs }) {
    await runServer(rawArgs);
  },
});

function fail(message: string): never {
  process.stderr.write(`redisraft-wasm: ${message}\n`);
  process.exit(1);
}

export async function runServer(args: readonly string[]): Promise<void> {
  let config: NodeConfig;
  try {
    config = configFromArgs(args);
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  const dir = config.text('dir');
  if (dir && (!existsSync(dir) || !statSync(dir).isDirectory())) fail(`dir '${dir}' does not exist or is not a directory`);
  const logger = createLogger(config.text('loglevel'), config.text('logfile'), `node:${config.int('port')}`);
  config.onChange((name, value) => { if (name === 'loglevel') setLogLevel(logger, value); });

  let server: NodeServer | null = null;
  const scripting = await createScripting(config, logger, (name) => server?.context.table.get(name)?.spec);
  server = new NodeServer({ config, logger, version: VERSION, scripting });
  const raft = attachRaft(server, logger);
  try {
    raft.recoverFromDisk();
  } catch (e) {
    if (e instanceof RecoveryError) {
      logger.fatal(e.message);
      process.exit(1);
    }
    throw e;
  }
  try {
    await server.start();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const where = `${config.list('bind').join(', ')} port ${config.int('port')}`;
    fail(err.code === 'EADDRINUSE' ? `cannot listen on ${where}: address already in use` : `cannot listen on ${where}: ${err.message}`);
  }
  logger.info(`redisraft-wasm ${VERSION} ready to accept connections on ${config.list('bind').join(', ')} port ${server.port}`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      logger.warn(`received ${signal} again, exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`received ${signal}, shutting down`);
    raft.stop();
    server.stop().then(
      () => { logger.info('bye'); process.exit(0); },
      (e: unknown) => { logger.error(e); process.exit(1); },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
