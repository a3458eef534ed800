// A node's settings: the option table's defaults merged, in one place, with
// the config file and the command line; typed getters for the code.
import { OPTIONS, OPTION_BY_NAME, resolveOptionName, type OptionSpec } from './options.js';
import { normalizeValue, parseSize } from './values.js';

/** What a secret that is set reads as, to anyone but a peer. */
export const SECRET_MASK = '********';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * `error` is one line naming the option (command line, RAFT.CONFIG SET);
 * `reason` is Redis's words for the same fault (CONFIG SET).
 */
export type SetResult = { ok: true } | { ok: false; error: string; reason: string };

export class NodeConfig {
  private readonly values = new Map<string, string>();
  private readonly listeners = new Set<(name: string, value: string) => void>();

  constructor() {
    for (const o of OPTIONS) this.values.set(o.name, o.default);
  }

  /** Sets an option by any accepted spelling; `running` refuses start-only options and the values consensus cannot work with. */
  set(rawName: string, rawValue: string, running = false): SetResult {
    const spec = resolveOptionName(rawName);
    if (!spec) return { ok: false, error: `unknown option '${rawName}'`, reason: 'unknown option' };
    const r = this.check(spec, rawValue, running);
    if (!r.ok) return r;
    this.values.set(spec.name, r.value);
    for (const l of this.listeners) l(spec.name, r.value);
    return { ok: true };
  }

  /**
   * Sets several options at once or none (CONFIG SET a 1 b 2): every value
   * is checked before any is stored, and listeners run after all are.
   * Returns the index of the first bad pair with its error.
   */
  setAll(pairs: readonly (readonly [OptionSpec, string])[], running = false): { ok: true } | { ok: false; index: number; error: string; reason: string } {
    const checked: [OptionSpec, string][] = [];
    for (let i = 0; i < pairs.length; i++) {
      const [spec, raw] = pairs[i]!;
      const r = this.check(spec, raw, running);
      if (!r.ok) return { ok: false, index: i, error: r.error, reason: r.reason };
      checked.push([spec, r.value]);
    }
    for (const [spec, v] of checked) this.values.set(spec.name, v);
    for (const [spec, v] of checked) for (const l of this.listeners) l(spec.name, v);
    return { ok: true };
  }

  private check(spec: OptionSpec, rawValue: string, running: boolean): { ok: true; value: string } | { ok: false; error: string; reason: string } {
    if (running && spec.startOnly) return { ok: false, error: `'${spec.name}' can only be set at start`, reason: "can't set immutable config" };
    const v = normalizeValue(spec, rawValue);
    if (!v.ok) return v;
    // At start every refusal is reported at once, after all settings are read (refusals()).
    const why = running ? spec.refuse?.(v.value) : null;
    if (why) return { ok: false, error: why, reason: why };
    return v;
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
      if (why) out.push(`refusing to start: ${why}`);
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
