// Number parsing with Redis's strictness (string2ll, string2ld) and its
// long-double output for INCRBYFLOAT.

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A 64-bit signed integer as Redis's string2ll accepts it, or null. No '+', no spaces, no leading zeros. */
export function parseInt64(buf: Buffer): bigint | null {
  const n = buf.length;
  if (n === 0 || n > 20) return null;
  if (n === 1 && buf[0] === 48) return 0n;
  let i = 0;
  if (buf[0] === 45) { i = 1; if (n === 1) return null; }
  if (buf[i]! < 49 || buf[i]! > 57) return null;
  for (let j = i + 1; j < n; j++) if (buf[j]! < 48 || buf[j]! > 57) return null;
  const v = BigInt(buf.toString('latin1'));
  return v < INT64_MIN || v > INT64_MAX ? null : v;
}

/** Like parseInt64 but as a JS number when it fits exactly (the common case), else null. */
export function parseSafeInt(buf: Buffer): number | null {
  if (buf.length > 15) {
    const big = parseInt64(buf);
    return big !== null && big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : null;
  }
  const n = buf.length;
  if (n === 0) return null;
  if (n === 1 && buf[0] === 48) return 0;
  let i = 0, neg = false;
  if (buf[0] === 45) { neg = true; i = 1; if (n === 1) return null; }
  if (buf[i]! < 49 || buf[i]! > 57) return null;
  let v = 0;
  for (; i < n; i++) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  return neg ? -v : v;
}

export function inInt64(v: bigint): boolean {
  return v >= INT64_MIN && v <= INT64_MAX;
}

/** A float as Redis's string2ld accepts it (strtold of the whole string, no spaces, not NaN). */
export function parseFloatStrict(buf: Buffer): number | null {
  const s = buf.toString('latin1');
  if (s.length === 0 || s.length > 5000 || /^\s|\s$/.test(s)) return null;
  const lower = s.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) && !/^[+-]?0x[0-9a-f]+(\.[0-9a-f]*)?(p[+-]?\d+)?$/i.test(s)) return null;
  const v = /^[+-]?0x/i.test(s) ? parseHexFloat(s) : Number(s);
  return Number.isNaN(v) ? null : v;
}

function parseHexFloat(s: string): number {
  const m = /^([+-]?)0x([0-9a-f]+)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/i.exec(s)!;
  let v = parseInt(m[2]!, 16);
  const frac = m[3] ?? '';
  for (let i = 0; i < frac.length; i++) v += parseInt(frac[i]!, 16) / 16 ** (i + 1);
  v *= 2 ** Number(m[4] ?? 0);
  return m[1] === '-' ? -v : v;
}
