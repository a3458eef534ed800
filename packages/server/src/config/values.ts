// Parsing and validating option values. Each returns the normalised text
// form or an error message naming the option and what it accepts.
import type { OptionSpec } from './options.js';

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1000, kb: 1024, m: 1_000_000, mb: 1024 ** 2, g: 1_000_000_000, gb: 1024 ** 3 };

/** Redis memory notation: 100, 1k, 1kb, 64mb, 2gb (case-insensitive). */
export function parseSize(text: string): number | null {
  const m = /^(\d+)([a-z]*)$/i.exec(text.trim());
  if (!m) return null;
  const unit = SIZE_UNITS[m[2]!.toLowerCase()];
  if (unit === undefined) return null;
  const v = Number(m[1]) * unit;
  return Number.isSafeInteger(v) ? v : null;
}

export function parseBool(text: string): boolean | null {
  const t = text.toLowerCase();
  if (t === 'yes' || t === 'true' || t === '1') return true;
  if (t === 'no' || t === 'false' || t === '0') return false;
  return null;
}

export type ValueResult = { ok: true; value: string } | { ok: false; error: string };

export function normalizeValue(spec: OptionSpec, raw: string): ValueResult {
  const t = spec.type;
  const bad = (expected: string): ValueResult => ({ ok: false, error: `bad value for '${spec.name}': '${raw}' (expected ${expected})` });
  switch (t.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) return bad(`an integer from ${t.min} to ${t.max}`);
      const v = Number(raw.trim());
      if (v < t.min || v > t.max) return bad(`an integer from ${t.min} to ${t.max}`);
      return { ok: true, value: String(v) };
    }
    case 'size': {
      const v = parseSize(raw);
      if (v === null || v < t.min || v > t.max) return bad(`a size from ${t.min} to ${t.max} bytes, like 64mb`);
      return { ok: true, value: String(v) };
    }
    case 'bool': {
      const v = parseBool(raw);
      return v === null ? bad('yes or no') : { ok: true, value: v ? 'yes' : 'no' };
    }
    case 'enum': {
      const v = raw.toLowerCase();
      return t.values.includes(v) ? { ok: true, value: v } : bad(`one of ${t.values.join(', ')}`);
    }
    case 'list':
      return raw.trim() === '' ? bad('one or more values') : { ok: true, value: raw.trim().split(/\s+/).join(' ') };
    case 'string':
      return { ok: true, value: raw };
    case 'custom': {
      const v = t.normalize(raw);
      return v === null ? { ok: false, error: t.invalid } : { ok: true, value: v };
    }
  }
}
