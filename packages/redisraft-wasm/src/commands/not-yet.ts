// Subcommands whose issues have not landed yet say so plainly.
import { defineCommand } from 'citty';

export function notYet(name: string, description: string, issue: string) {
  return defineCommand({
    meta: { name, description },
    run() {
      process.stderr.write(`redisraft-wasm ${name}: not implemented yet (${issue})\n`);
      process.exit(2);
    },
  });
}
