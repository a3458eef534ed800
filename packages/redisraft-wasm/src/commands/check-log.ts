// `redisraft-wasm check-log <file> [--fix-tail]`: verify a node's Raft log.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defineCommand } from 'citty';
import { checkLog } from '@redisraft-wasm/server';

export const checkLogCommand = defineCommand({
  meta: {
    name: 'check-log',
    description: 'Verify a Raft log file with its .idx and .meta: entries, index range, terms, size, first damage. Exit code 0 = intact.',
  },
  args: {
    file: { type: 'positional', description: 'the log file (raft-log-filename in dir)', required: true },
    snapshot: { type: 'string', description: 'also verify this snapshot (RDB) file, default: dump.rdb next to the log when present' },
    'fix-tail': { type: 'boolean', description: 'cut a torn final record (a crash mid-append); nothing else is ever changed', default: false },
  },
  run({ args }) {
    const file = String(args.file);
    const beside = join(dirname(file), 'dump.rdb');
    const snapshot = typeof args.snapshot === 'string' ? args.snapshot : existsSync(beside) ? beside : undefined;
    const r = checkLog(file, { fixTail: Boolean(args['fix-tail']), snapshot });
    process.stdout.write(`${r.lines.join('\n')}\n`);
    process.exitCode = r.ok ? 0 : 1;
  },
});
