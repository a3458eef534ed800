// A node's settings: the option table's defaults merged, in one place, with
// the config file and the command line; typed getters for the code.
import { OPTIONS, OPTION_BY_NAME, resolveOptionName } from './options.js';
import { normalizeValue, parseSize } from './values.js';

/** What a secret that is set reads as, to anyone but a peer. */
export const SECRET_MASK = '********';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type SetResult = { ok: true } | { ok: false; error: string };

export class NodeConfig {
  private readonly values = new Map<string, string>();
  private readonly listeners = new Set<(name: string, value: string) => void>();

  constructor() {
    for (const o of OPTIONS) this.values.set(o.name, o.default);
  }

  /** Sets an option by any accepted spelling; `running` refuses start-only options. */
  set(rawName: string, rawValue: string, running = false): SetResult {
    const spec = resolveOptionName(rawName);
    if (!spec) return { ok: false, error: `unknown option '${rawName}'` };
    if (running && spec.startOnly) return { ok: false, error: `'${spec.name}' can only be set at start` };
    const v = normalizeValue(spec, rawValue);
    if (!v.ok) return v;
    this.values.set(spec.name, v.value);
    for (const l of this.listeners) l(spec.name, v.value);
    return { ok: true };
  }

  /** Runs on every change made while running (RAFT.CONFIG SET, CONFIG SET). */
  onChange(listener: (name: string, value: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The settings consensus cannot work with, each as the line to refuse start with. */
  refusals(): string[] {
    const out: string[] = [];
    for (const o of OPTIONS) {
      const why = o.refuse?.(this.values.get(o.name)!);
      if (why) out.push(why);
    }
    return out;
  }

  text(name: string): string {
    const v = this.values.get(name);
    if (v === undefined) throw new ConfigError(`no option '${name}'`);
    return v;
  }

  int(name: string): number {
    return Number(this.text(name));
  }

  size(name: string): number {
    return parseSize(this.text(name)) ?? 0;
  }

  bool(name: string): boolean {
    return this.text(name) === 'yes';
  }

  list(name: string): string[] {
    return this.text(name).split(' ').filter(Boolean);
  }

  /** An option as CONFIG GET / RAFT.CONFIG GET show it: a secret that is set reads as a mask unless `reveal`. */
  shown(name: string, reveal: boolean): string {
    const v = this.text(name);
    return OPTION_BY_NAME.get(name)?.secret && v !== '' && !reveal ? SECRET_MASK : v;
  }
}
