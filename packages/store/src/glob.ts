// Glob matching as Redis's stringmatchlen does it: * ? [set] [^set] [a-z]
// and backslash escapes, on raw bytes. Used by KEYS, SCAN MATCH, CONFIG GET.

export function globMatch(pattern: Uint8Array, subject: Uint8Array, nocase = false): boolean {
  return matchAt(pattern, 0, subject, 0, nocase, 0);
}

function fold(c: number, nocase: boolean): number {
  return nocase && c >= 65 && c <= 90 ? c + 32 : c;
}

function matchAt(p: Uint8Array, pi: number, s: Uint8Array, si: number, nocase: boolean, depth: number): boolean {
  // Redis bounds recursion the same way, so hostile patterns cannot blow the stack.
  if (depth > 1000) return false;
  while (pi < p.length && si <= s.length) {
    const c = p[pi]!;
    if (c === 42) { // '*'
      while (pi + 1 < p.length && p[pi + 1] === 42) pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) if (matchAt(p, pi + 1, s, k, nocase, depth + 1)) return true;
      return false;
    }
    if (si >= s.length) return false;
    if (c === 63) { // '?'
      si++; pi++;
      continue;
    }
    if (c === 91) { // '['
      pi++;
      const not = p[pi] === 94;
      if (not) pi++;
      let matched = false;
      for (;;) {
        if (pi >= p.length) { pi--; break; }
        if (p[pi] === 92 && pi + 2 < p.length) {
          pi++;
          if (p[pi] === s[si]) matched = true;
        } else if (p[pi] === 93) break;
        else if (pi + 2 < p.length && p[pi + 1] === 45) {
          let lo = fold(p[pi]!, nocase), hi = fold(p[pi + 2]!, nocase);
          if (lo > hi) [lo, hi] = [hi, lo];
          const ch = fold(s[si]!, nocase);
          if (ch >= lo && ch <= hi) matched = true;
          pi += 2;
        } else if (fold(p[pi]!, nocase) === fold(s[si]!, nocase)) matched = true;
        pi++;
      }
      if (not) matched = !matched;
      if (!matched) return false;
      si++; pi++;
      continue;
    }
    let lit = c;
    if (c === 92 && pi + 1 < p.length) { pi++; lit = p[pi]!; }
    if (fold(lit, nocase) !== fold(s[si]!, nocase)) return false;
    si++; pi++;
  }
  while (pi < p.length && p[pi] === 42) pi++;
  return pi === p.length && si === s.length;
}
