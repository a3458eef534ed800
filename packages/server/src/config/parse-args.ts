// Reads `server` arguments in every form SPEC section 2 allows:
//   [config-file] --port 5001 --bind a b --raft-log-filename x --raft.log-filename x
//   raft-log-filename=x addr=h:p --loadmodule <path> raft-log-filename=x ...
// A config file in redis.conf syntax holds the same settings; the command
// line wins over the file. Redis's rule for `--name` applies: every word up
// to the next `--` is part of the value, except that a known `param=value`
// starts a new setting (so `--port 5001 addr=h:5001` reads as two).
import { readFileSync } from 'node:fs';
import { splitInlineArgs } from '@redisraft-wasm/resp';
import { ConfigError, NodeConfig } from './node-config.js';
import { resolveOptionName } from './options.js';

export interface Setting {
  readonly name: string;
  readonly value: string;
  /** Where it came from, for error messages. */
  readonly origin: string;
}

/** Settings from a command line, in order. `readFile` is injectable for tests. */
export function settingsFromArgs(args: readonly string[], readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): Setting[] {
  const out: Setting[] = [];
  let i = 0;
  if (args.length > 0 && !args[0]!.startsWith('--') && !args[0]!.includes('=')) {
    const path = args[0]!;
    let text: string;
    try {
      text = readFile(path);
    } catch (e) {
      throw new ConfigError(`cannot read config file '${path}': ${(e as Error).message}`);
    }
    out.push(...settingsFromConfigFile(text, path));
    i = 1;
  }
  while (i < args.length) {
    const arg = args[i]!;
    if (arg.startsWith('--')) {
      const name = arg.slice(2);
      const words: string[] = [];
      i++;
      const isModule = name.toLowerCase() === 'loadmodule';
      while (i < args.length && !args[i]!.startsWith('--') && (isModule || !isParamPair(args[i]!))) words.push(args[i++]!);
      out.push(...directive(name, words, 'command line'));
    } else if (arg.includes('=')) {
      out.push(pair(arg, 'command line'));
      i++;
    } else {
      throw new ConfigError(`unexpected argument '${arg}' (options are --name value or raft-param=value)`);
    }
  }
  return out;
}

export function settingsFromConfigFile(text: string, path: string): Setting[] {
  const out: Setting[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const words = splitInlineArgs(Buffer.from(line));
    if (words === null) throw new ConfigError(`${path}:${n + 1}: unbalanced quotes`);
    const [name, ...rest] = words.map((w) => w.toString());
    out.push(...directive(name!, rest, `${path}:${n + 1}`));
  }
  return out;
}

function directive(name: string, words: string[], origin: string): Setting[] {
  if (name.toLowerCase() === 'loadmodule') {
    // The module path is accepted and ignored: the Raft module is built in. Its arguments are read.
    if (words.length === 0) throw new ConfigError(`${origin}: loadmodule needs a module path`);
    return words.slice(1).map((w) => {
      if (!w.includes('=')) throw new ConfigError(`${origin}: module argument '${w}' is not name=value`);
      return pair(w, origin);
    });
  }
  return [{ name, value: words.join(' '), origin }];
}

/** `raft-log-filename=x` after `--port 5001` starts a new setting rather than extending the port's value. */
function isParamPair(word: string): boolean {
  const eq = word.indexOf('=');
  return eq > 0 && resolveOptionName(word.slice(0, eq)) !== undefined;
}

function pair(arg: string, origin: string): Setting {
  const eq = arg.indexOf('=');
  return { name: arg.slice(0, eq), value: arg.slice(eq + 1), origin };
}

/** Builds a node's config from its arguments, or throws ConfigError with one clear line. */
export function configFromArgs(args: readonly string[], readFile?: (path: string) => string): NodeConfig {
  const config = new NodeConfig();
  for (const s of settingsFromArgs(args, readFile)) {
    const r = config.set(s.name, s.value);
    if (!r.ok) throw new ConfigError(s.origin === 'command line' ? r.error : `${s.origin}: ${r.error}`);
  }
  const refusals = config.refusals();
  if (refusals.length > 0) throw new ConfigError(refusals[0]!);
  return config;
}
