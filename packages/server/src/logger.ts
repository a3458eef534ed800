// Logging through consola at the level `loglevel` names, to standard output
// or to `logfile`.
import { createWriteStream } from 'node:fs';
import { createConsola, type ConsolaInstance, type LogObject } from 'consola';

const LEVELS: Record<string, number> = { debug: 5, verbose: 4, notice: 3, warning: 1 };

export function createLogger(loglevel: string, logfile: string, tag: string): ConsolaInstance {
  const level = LEVELS[loglevel] ?? 3;
  if (!logfile) return createConsola({ level, defaults: { tag } });
  const out = createWriteStream(logfile, { flags: 'a' });
  return createConsola({
    level,
    defaults: { tag },
    reporters: [{
      log(obj: LogObject) {
        const text = obj.args.map((a) => (a instanceof Error ? a.stack ?? a.message : String(a))).join(' ');
        out.write(`${process.pid}:${tag} ${obj.date.toISOString()} ${obj.type} ${text}\n`);
      },
    }],
  });
}

export function setLogLevel(logger: ConsolaInstance, loglevel: string): void {
  logger.level = LEVELS[loglevel] ?? 3;
}
