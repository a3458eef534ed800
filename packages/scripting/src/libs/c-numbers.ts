// C's number text as glibc does it, for the libraries that print and parse
// numbers with printf/strtod (cjson): "%.<p>g" with exact decimal rounding,
// ties to even (JS's toPrecision rounds ties up), and strtod's grammar
// (hex floats, inf/infinity, nan(...), "1." and "1e" prefixes).

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17];

const MIN_NORMAL = 2.2250738585072014e-308;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

function signBit(x: number): boolean {
  f64[0] = x;
  return (u32[HI]! & 0x80000000) !== 0;
}

/** printf("%.<precision>g", x) as glibc prints it (precision 1..17). */
export function formatG(x: number, precision: number): string {
  if (x !== x) return signBit(x) ? '-nan' : 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  // Integers with at most `precision` digits print as themselves.
  if (Number.isInteger(x) && x < POW10[precision]! && x > -POW10[precision]!) return String(x);
  const neg = x < 0;
  const a = neg ? -x : x;
  // In %g's fixed range JS's shortest text is the %g text when it has no
  // more digits than the precision (see below): the common case, no parsing.
  if (a >= 1e-4 && a < POW10[precision]!) {
    const t = String(x);
    if (significantDigits(t) <= precision) return t;
  }
  // The shortest round-trip digits are the rounded ones whenever they are
  // no longer than the precision: for normal numbers the rounding step
  // dwarfs a double's error. Subnormals have too few bits for that.
  let [digits, exp] = a >= MIN_NORMAL ? shortest(a) : ['', 0];
  if (digits.length > precision || digits === '') [digits, exp] = rounded(a, precision);
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 0x30) end--;
  digits = digits.slice(0, end);
  let body: string;
  if (exp < -4 || exp >= precision) {
    const e = exp < 0 ? -exp : exp;
    body = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  } else if (exp >= 0) {
    const int = digits.length > exp + 1 ? digits.slice(0, exp + 1) : digits.padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    body = frac ? `${int}.${frac}` : int;
  } else {
    body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return neg ? `-${body}` : body;
}

/** Digits of a fixed-notation number text, leading zeros not counted. */
function significantDigits(t: string): number {
  let n = 0;
  let leading = true;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 0x30 || c > 0x39) continue;
    if (leading && c === 0x30) continue;
    leading = false;
    n++;
  }
  return n;
}

/** Significant digits (no leading zeros) and decimal exponent of the first one, from JS's shortest form. */
function shortest(a: number): [string, number] {
  let s = String(a);
  let e = 0;
  const ei = s.indexOf('e');
  if (ei >= 0) {
    e = Number(s.slice(ei + 1));
    s = s.slice(0, ei);
  }
  const dot = s.indexOf('.');
  const intLen = dot < 0 ? s.length : dot;
  const all = dot < 0 ? s : s.slice(0, dot) + s.slice(dot + 1);
  let lead = 0;
  while (all.charCodeAt(lead) === 0x30) lead++;
  return [all.slice(lead), intLen - 1 - lead + e];
}

/** `a` rounded to `precision` significant digits, exact ties to even. */
function rounded(a: number, precision: number): [string, number] {
  const t = a.toExponential(precision - 1);
  let digits = precision > 1 ? t[0]! + t.slice(2, precision + 1) : t[0]!;
  let exp = Number(t.slice(t.indexOf('e') + 1));
  // JS rounds an exact tie up; C to even. A tie shows as "...5" then zeros.
  const wide = a.toExponential(precision + 4);
  const w = wide[0]! + wide.slice(2, precision + 6);
  if (w.charCodeAt(precision) === 0x35 && w.endsWith('0000') && w.length === precision + 5) {
    const wexp = Number(wide.slice(wide.indexOf('e') + 1));
    const lastKept = w.charCodeAt(precision - 1) - 0x30;
    if (lastKept % 2 === 0 && exactly(a, w.slice(0, precision + 1), wexp - precision)) {
      digits = w.slice(0, precision);
      exp = wexp;
    }
  }
  return [digits, exp];
}

/** a === n * 10^k exactly (a finite, positive; n decimal digits). */
function exactly(a: number, n: string, k: number): boolean {
  f64[0] = a;
  const hi = u32[HI]!;
  const lo = u32[1 - HI]!;
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  const nb = BigInt(n);
  if (k >= 0) {
    const rhs = nb * 10n ** BigInt(k);
    return e >= 0 ? m << BigInt(e) === rhs : m === rhs << BigInt(-e);
  }
  const j = -k;
  const lhs = m * 5n ** BigInt(j);
  const shift = e + j;
  return shift >= 0 ? lhs << BigInt(shift) === nb : lhs === nb << BigInt(-shift);
}

// ------------------------------------------------------------ strtod

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const hexValue = (c: number) =>
  c >= 0x30 && c <= 0x39 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x61 + 10 : -1;

/** Case-insensitive match of lowercase ASCII `word` at `i`. */
function matchWord(b: Uint8Array, i: number, word: string): boolean {
  if (i + word.length > b.length) return false;
  for (let k = 0; k < word.length; k++) if ((b[i + k]! | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

const NEG_NAN = (() => {
  const b = new Float64Array(1);
  new Uint32Array(b.buffer)[HI] = 0xfff80000;
  return b[0]!;
})();

/** Result of the last strtod: the value, and where the number ended (=== start: no number). */
export const parsed = { value: 0, end: 0 };

/** strtod(b + start): sets `parsed`. */
export function strtod(b: Uint8Array, start: number): void {
  const len = b.length;
  let i = start;
  let neg = false;
  if (i < len && (b[i] === 0x2b || b[i] === 0x2d)) neg = b[i++] === 0x2d;
  const c = i < len ? b[i]! : 0;

  if (isDigit(c) || c === 0x2e) {
    if (c === 0x30 && i + 1 < len && (b[i + 1]! | 0x20) === 0x78) return hex(b, i, neg);
    // Plain integers of up to 15 digits are exact in a double: no text round trip.
    let v = 0;
    let j = i;
    while (j < len && isDigit(b[j]!) && j - i < 15) v = v * 10 + (b[j++]! - 0x30);
    const next = j < len ? b[j]! : 0;
    if (j > i && !isDigit(next) && next !== 0x2e && (next | 0x20) !== 0x65) {
      parsed.value = neg ? -v : v;
      parsed.end = j;
      return;
    }
    return decimal(b, start, i);
  }
  if (matchWord(b, i, 'inf')) {
    parsed.value = neg ? -Infinity : Infinity;
    parsed.end = matchWord(b, i, 'infinity') ? i + 8 : i + 3;
    return;
  }
  if (matchWord(b, i, 'nan')) {
    let end = i + 3;
    if (end < len && b[end] === 0x28) {
      let k = end + 1;
      while (k < len && (isDigit(b[k]!) || ((b[k]! | 0x20) >= 0x61 && (b[k]! | 0x20) <= 0x7a) || b[k] === 0x5f)) k++;
      if (k < len && b[k] === 0x29) end = k + 1;
    }
    parsed.value = neg ? NEG_NAN : NaN;
    parsed.end = end;
    return;
  }
  parsed.value = 0;
  parsed.end = start;
}

function decimal(b: Uint8Array, start: number, i: number): void {
  const len = b.length;
  let j = i;
  let digits = 0;
  while (j < len && isDigit(b[j]!)) { j++; digits++; }
  if (j < len && b[j] === 0x2e) {
    j++;
    while (j < len && isDigit(b[j]!)) { j++; digits++; }
  }
  if (digits === 0) {
    parsed.value = 0;
    parsed.end = start;
    return;
  }
  // An exponent counts only with digits after it ("1e" is 1, ending before the e).
  let exp10 = 0;
  let expOk = true;
  if (j < len && (b[j]! | 0x20) === 0x65) {
    let k = j + 1;
    let eneg = false;
    if (k < len && (b[k] === 0x2b || b[k] === 0x2d)) eneg = b[k++] === 0x2d;
    if (k < len && isDigit(b[k]!)) {
      while (k < len && isDigit(b[k]!)) {
        if (exp10 < 1000) exp10 = exp10 * 10 + (b[k]! - 0x30);
        else expOk = false;
        k++;
      }
      if (eneg) exp10 = -exp10;
      j = k;
    }
  }
  parsed.end = j;
  // Clinger's fast path: up to 15 significant digits and |power of ten| <=
  // 22 are both exact doubles, so one multiplication or division rounds
  // once, exactly as strtod rounds.
  let m = 0;
  let sig = 0;
  let scale = exp10;
  let seenDot = false;
  for (let k = i; k < j; k++) {
    const c = b[k]!;
    if (c === 0x2e) {
      seenDot = true;
      continue;
    }
    if ((c | 0x20) === 0x65) break;
    if (seenDot) scale--;
    if (sig > 0 || c !== 0x30) {
      if (++sig > 15) break;
      m = m * 10 + (c - 0x30);
    }
  }
  if (expOk && sig <= 15 && scale >= -22 && scale <= 22) {
    const v = scale < 0 ? m / POW10_22[-scale]! : m * POW10_22[scale]!;
    parsed.value = b[start] === 0x2d ? -v : v;
    return;
  }
  // Otherwise JS's Number() rounds decimal text exactly, as glibc's strtod does.
  parsed.value = Number(Buffer.from(b.buffer, b.byteOffset + start, j - start).toString('latin1'));
}

const POW10_22 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));


function hex(b: Uint8Array, i: number, neg: boolean): void {
  const len = b.length;
  let j = i + 2;
  let m = 0n;
  let digits = 0;
  let scale = 0;
  while (j < len && hexValue(b[j]!) >= 0) { m = (m << 4n) | BigInt(hexValue(b[j++]!)); digits++; }
  if (j < len && b[j] === 0x2e) {
    j++;
    while (j < len && hexValue(b[j]!) >= 0) { m = (m << 4n) | BigInt(hexValue(b[j++]!)); digits++; scale -= 4; }
  }
  if (digits === 0) {
    // "0x" with no hex digits is the number 0, ending at the x.
    parsed.value = neg ? -0 : 0;
    parsed.end = i + 1;
    return;
  }
  if (j < len && (b[j]! | 0x20) === 0x70) {
    let k = j + 1;
    let eneg = false;
    if (k < len && (b[k] === 0x2b || b[k] === 0x2d)) eneg = b[k++] === 0x2d;
    if (k < len && isDigit(b[k]!)) {
      let e = 0;
      while (k < len && isDigit(b[k]!)) { if (e < 1e6) e = e * 10 + (b[k]! - 0x30); k++; }
      scale += eneg ? -e : e;
      j = k;
    }
  }
  let v = Number(m);
  // Scale in steps that stay exact until the last one.
  while (scale > 0 && v !== Infinity) { const s = Math.min(scale, 1000); v *= 2 ** s; scale -= s; }
  while (scale < 0 && v !== 0) { const s = Math.min(-scale, 1000); v /= 2 ** s; scale += s; }
  parsed.value = neg ? -v : v;
  parsed.end = j;
}
