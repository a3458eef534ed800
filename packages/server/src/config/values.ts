// Parsing and validating option values. Each returns the normalised text
// form, or two texts for a bad value: one line naming the option and what it
// accepts (command line, config file, RAFT.CONFIG SET), and Redis's own words
// for the same fault (CONFIG SET, after "CONFIG SET failed (possibly related
// to argument '<name>') - "), as config.c writes them.
import type { NumericType, OptionSpec } from './options.js';

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

export type ValueResult = { ok: true; value: string } | { ok: false; error: string; reason: string };

const U64 = 2n ** 64n;
const I64_MIN = -(2n ** 63n), I64_MAX = 2n ** 63n - 1n;

/** string2ll: optional '-', no leading zeros or '+', within 64 bits. */
function string2ll(s: string): bigint | null {
  if (!/^(0|-?[1-9]\d*)$/.test(s)) return null;
  const v = BigInt(s);
  return v < I64_MIN || v > I64_MAX ? null : v;
}

/** memtoull: digits and an optional unit; no sign. Overflow saturates then wraps, as the C does. */
function memtoull(s: string): bigint | null {
  const m = /^(\d*)(.*)$/s.exec(s)!;
  const unit = SIZE_UNITS[m[2]!.toLowerCase()];
  if (unit === undefined) return null;
  const digits = m[1] === '' ? 0n : BigInt(m[1]!);
  return ((digits >= U64 ? U64 - 1n : digits) * BigInt(unit)) % U64;
}

/** A number as config.c's numericParseString and numericBoundaryCheck see it: the value, or Redis's error. */
function parseNumeric(t: NumericType, raw: string): { value: bigint } | { reason: string } {
  let v: bigint | null = null;
  if (t.kind === 'size') v = memtoull(raw);
  if (v === null && t.percent && raw.length > 1 && raw.endsWith('%')) {
    const p = string2ll(raw.slice(0, -1));
    if (p !== null && p >= 0n) v = -p;
  }
  if (v === null && t.kind === 'int') v = string2ll(raw);
  if (v === null) {
    return { reason: t.percent ? 'argument must be a memory or percent value' : t.kind === 'size' ? 'argument must be a memory value' : "argument couldn't be parsed into an integer" };
  }
  if (t.percent && v < 0n) {
    return v < t.min ? { reason: `percentage argument must be less or equal to ${-t.min}` } : { value: v };
  }
  // The C stores the parse in a long long; unsigned options then compare it as unsigned.
  const as64 = t.unsigned ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v);
  if (as64 < t.min || as64 > t.max) return { reason: `argument must be between ${t.min} and ${t.max} inclusive` };
  return { value: as64 };
}

export function normalizeValue(spec: OptionSpec, raw: string): ValueResult {
  const t = spec.type;
  const bad = (expected: string, reason: string): ValueResult => ({ ok: false, error: `bad value for '${spec.name}': '${raw}' (expected ${expected})`, reason });
  switch (t.kind) {
    case 'int':
    case 'size': {
      const r = parseNumeric(t, t.kind === 'int' ? raw.trim() : raw);
      const expected = t.kind === 'int' ? `an integer from ${t.min} to ${t.max}` : `a size from ${t.min} to ${t.max} bytes, like 64mb${t.percent ? `, or a percentage up to ${-t.min}%` : ''}`;
      if ('reason' in r) return bad(expected, r.reason);
      return { ok: true, value: r.value < 0n && t.percent ? `${-r.value}%` : String(r.value) };
    }
    case 'bool': {
      // Redis's own options take yes or no only (yesnotoi); the Raft parameters also true/false/1/0.
      const v = spec.scope === 'redis' ? ({ yes: true, no: false } as Record<string, boolean>)[raw.toLowerCase()] ?? null : parseBool(raw);
      return v === null ? bad('yes or no', "argument must be 'yes' or 'no'") : { ok: true, value: v ? 'yes' : 'no' };
    }
    case 'enum': {
      const v = raw.toLowerCase();
      return t.values.includes(v) ? { ok: true, value: v } : bad(`one of ${t.values.join(', ')}`, `argument(s) must be one of the following: ${t.values.join(', ')}`);
    }
    case 'list':
      return raw.trim() === '' ? bad('one or more values', 'argument must not be empty') : { ok: true, value: raw.trim().split(/\s+/).join(' ') };
    case 'string':
      return { ok: true, value: raw };
    case 'custom': {
      const v = t.normalize(raw);
      return v === null ? { ok: false, error: t.invalid, reason: t.invalid } : { ok: true, value: v };
    }
  }
}
