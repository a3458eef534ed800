// x87 80-bit long double arithmetic as Redis's INCRBYFLOAT uses it: parse
// (strtold), add, and print with "%.17Lf", all exact with BigInt. A value
// is m * 2^e with |m| < 2^64 (the 64-bit significand), rounded to nearest,
// ties to even, as the FPU does.

export interface LongDouble { readonly m: bigint; readonly e: number }

const BITS = 64;

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

/** Rounds the exact value s * 2^e to a 64-bit significand. */
function round(s: bigint, e: number): LongDouble {
  const neg = s < 0n;
  let a = neg ? -s : s;
  const len = bitLength(a);
  if (len > BITS) {
    let shift = len - BITS;
    const rem = a & ((1n << BigInt(shift)) - 1n);
    a >>= BigInt(shift);
    const half = 1n << BigInt(shift - 1);
    if (rem > half || (rem === half && (a & 1n) === 1n)) a += 1n;
    if (bitLength(a) > BITS) { a >>= 1n; shift++; }
    e += shift;
  }
  return { m: neg ? -a : a, e };
}

/**
 * A float as Redis's string2ld reads it (strtold of the whole string):
 * a finite value, 'inf' for a written infinity, or null when Redis refuses
 * it (not a number, NaN, out of range: strtold's ERANGE).
 */
export function parseLongDouble(text: string): LongDouble | 'inf' | null {
  if (text.length === 0 || /^\s|\s$/.test(text)) return null;
  const t = text.toLowerCase();
  if (/^[+-]?inf(inity)?$/.test(t)) return 'inf';
  if (t.includes('nan')) return null;
  const hex = /^([+-]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/.exec(t);
  if (hex) {
    if (!(hex[2] || hex[3])) return null;
    // Exact: hex digits are binary digits, rounded once to the 64-bit significand.
    const digits = BigInt(`0x${(hex[2] || '') + (hex[3] || '') || '0'}`);
    const e = Number(hex[4] ?? 0) - 4 * (hex[3]?.length ?? 0);
    if (digits !== 0n && (e + bitLength(digits) > 16384 || e + bitLength(digits) < -16446)) return null;
    return digits === 0n ? { m: 0n, e: 0 } : round(hex[1] === '-' ? -digits : digits, e);
  }
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/.exec(t);
  if (!m || !(m[2] || m[3])) return null;
  const digitText = ((m[2] || '') + (m[3] || '')).replace(/^0+/, '');
  const digits = BigInt(digitText || '0');
  const scale = Number(m[4] ?? 0) - (m[3]?.length ?? 0);
  const sign = m[1] === '-' ? -1n : 1n;
  if (digits === 0n) return { m: 0n, e: 0 };
  // Beyond the long double range strtold reports ERANGE, which Redis refuses.
  const magnitude = digitText.length + scale;
  if (magnitude > 4933 || magnitude < -4951) return null;
  if (scale >= 0) return round(sign * digits * 10n ** BigInt(scale), 0);
  // digits / 10^k: scale up by 2^-e so the quotient has at least 66 bits, then round.
  const den = 10n ** BigInt(-scale);
  const e = Math.min(0, bitLength(den) - bitLength(digits) - (BITS + 2));
  const num = digits << BigInt(-e);
  const q = num / den;
  const r = num % den;
  // Fold the remainder into a sticky bit below the quotient so rounding sees it.
  const sticky = r === 0n ? 0n : 1n;
  return round(sign * ((q << 1n) | sticky), e - 1);
}

export function fromDouble(x: number): LongDouble {
  if (x === 0) return { m: 0n, e: 0 };
  let e = 0;
  let v = Math.abs(x);
  while (!Number.isInteger(v)) { v *= 2; e--; }
  return round(BigInt(x < 0 ? -v : v), e);
}

export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  const e = Math.min(a.e, b.e);
  return round((a.m << BigInt(a.e - e)) + (b.m << BigInt(b.e - e)), e);
}

/** "%.17Lf" with trailing zeros (and a bare dot) removed, as Redis prints INCRBYFLOAT results. */
export function formatLongDouble17(v: LongDouble): string {
  const neg = v.m < 0n;
  const a = neg ? -v.m : v.m;
  let fixed: bigint;
  const scale = 10n ** 17n;
  if (v.e >= 0) fixed = (a << BigInt(v.e)) * scale;
  else {
    const num = a * scale;
    const sh = BigInt(-v.e);
    fixed = num >> sh;
    const rem = num - (fixed << sh);
    const half = 1n << (sh - 1n);
    if (rem > half || (rem === half && (fixed & 1n) === 1n)) fixed += 1n;
  }
  const int = fixed / scale;
  const frac = (fixed % scale).toString().padStart(17, '0').replace(/0+$/, '');
  const text = frac ? `${int}.${frac}` : `${int}`;
  return neg ? `-${text}` : text;
}
