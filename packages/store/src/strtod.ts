// C strtod() as Redis's sorted set commands use it, in two flavours:
// string2d (scores, increments, weights: the whole argument, no spaces,
// overflow and underflow to zero refused) and the bare strtod of
// zslParseRange (leading spaces skipped, the text ends at the first NUL,
// the empty string is 0, overflow is just infinity).

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^[+-]?(?:inf|infinity)$/i;
const NAN = /^[+-]?nan(?:\([0-9a-zA-Z_]*\))?$/i;

/** C isspace() in the "C" locale. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

interface Parsed {
  value: number;
  /** The digits were not all zero, so a zero result means underflow. */
  nonZero: boolean;
  infinite: boolean;
}

/** The whole of `s` as one strtod number (no spaces), or null if strtod would stop early. */
function parseWhole(s: string): Parsed | null {
  if (INFINITY.test(s)) return { value: s[0] === '-' ? -Infinity : Infinity, nonZero: true, infinite: true };
  if (NAN.test(s)) return { value: NaN, nonZero: true, infinite: false };
  const hex = HEX.exec(s);
  if (hex) {
    const int = hex[2]!, frac = hex[3] ?? '';
    if (int.length + frac.length === 0) return null; // "0x" alone: strtod reads the 0 and stops at x
    let v = 0;
    for (const ch of int) v = v * 16 + parseInt(ch, 16);
    let scale = 1 / 16;
    for (const ch of frac) {
      v += parseInt(ch, 16) * scale;
      scale /= 16;
    }
    v *= 2 ** Number(hex[4] ?? 0);
    if (hex[1] === '-') v = -v;
    return { value: v, nonZero: /[1-9a-fA-F]/.test(int + frac), infinite: false };
  }
  if (!DECIMAL.test(s)) return null;
  const mantissa = s.replace(/[eE].*$/, '');
  return { value: Number(s), nonZero: /[1-9]/.test(mantissa), infinite: false };
}

/** Redis string2d(): a score, increment or weight argument; null if not a valid float. */
export function parseScore(buf: Buffer): number | null {
  const s = buf.toString('latin1');
  if (s.length === 0 || isSpace(s.charCodeAt(0))) return null;
  const p = parseWhole(s);
  if (!p || Number.isNaN(p.value)) return null;
  // ERANGE: overflow to +-HUGE_VAL or underflow to zero.
  if (!p.infinite && !Number.isFinite(p.value)) return null;
  if (p.value === 0 && p.nonZero) return null;
  return p.value;
}

/** One end of a score range after its '(' (zslParseRange): null if invalid. */
export function parseRangeScore(s: string): number | null {
  const nul = s.indexOf('\0');
  if (nul !== -1) s = s.slice(0, nul);
  if (s.length === 0) return 0; // strtod converts nothing and stops on the terminator
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  const p = parseWhole(s.slice(i));
  if (!p || Number.isNaN(p.value)) return null;
  return p.value;
}

/**
 * SORT's reading of a weight: strtod over the C string (leading spaces
 * skipped, stopping at a NUL, the empty string is 0), refused when text is
 * left over, on ERANGE (overflow, or underflow below the normal range) and
 * for NaN.
 */
export function parseSortScore(buf: Buffer): number | null {
  let s = buf.toString('latin1');
  const nul = s.indexOf('\0');
  if (nul !== -1) s = s.slice(0, nul);
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  // Nothing converted: strtod points back at the start, which is the terminator only for "".
  if (i === s.length) return s.length === 0 ? 0 : null;
  const p = parseWhole(s.slice(i));
  if (!p || Number.isNaN(p.value)) return null;
  if (!p.infinite && !Number.isFinite(p.value)) return null;
  if (p.nonZero && Math.abs(p.value) < 2.2250738585072014e-308) return null;
  return p.value;
}
