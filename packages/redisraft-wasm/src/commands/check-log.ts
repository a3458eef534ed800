// `redisraft-wasm check-log <file> [--fix-tail]`: verify a node's Raft log.
import { defineCommand } from 'citty';
import { checkLog } from '@redisraft-wasm/server';

export const checkLogCommand = defineCommand({
  meta: {
    name: 'check-log',
    description: 'Verify a Raft log file with its .idx and .meta: entries, index range, terms, size, first damage. Exit code 0 = intact.',
  },
  args: {
    file: { type: 'positional', description: 'the log file (raft-log-filename in dir)', required: true },
    'fix-tail': { type: 'boolean', description: 'cut a torn final record (a crash mid-append); nothing else is ever changed', default: false },
  },
  run({ args }) {
    const r = checkLog(String(args.file), { fixTail: Boolean(args['fix-tail']) });
    process.stdout.write(`${r.lines.join('\n')}\n`);
    process.exitCode = r.ok ? 0 : 1;
  },
});
