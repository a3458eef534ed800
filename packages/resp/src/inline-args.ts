// Splits an inline command line into arguments with the quoting rules of
// Redis's sdssplitargs: "double quotes" with \n \r \t \b \a \\ \" and \xHH
// escapes, 'single quotes' with only \' escaped; a closing quote must be
// followed by a space or the end. Returns null for unbalanced quotes.

const ESCAPES: Record<number, number> = { 110: 10, 114: 13, 116: 9, 98: 8, 97: 7 };

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 11 || c === 12 || c === 0;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

export function splitInlineArgs(line: Buffer): Buffer[] | null {
  const args: Buffer[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line[i]!)) i++;
    if (i >= n) return args;
    const cur: number[] = [];
    let inDq = false, inSq = false, done = false;
    while (!done) {
      if (inDq) {
        if (i >= n) return null;
        const c = line[i]!;
        if (c === 92 && i + 3 < n && line[i + 1] === 120 && hexVal(line[i + 2]!) >= 0 && hexVal(line[i + 3]!) >= 0) {
          cur.push(hexVal(line[i + 2]!) * 16 + hexVal(line[i + 3]!));
          i += 3;
        } else if (c === 92 && i + 1 < n) {
          i++;
          const e = line[i]!;
          cur.push(ESCAPES[e] ?? e);
        } else if (c === 34) {
          if (i + 1 < n && !isSpace(line[i + 1]!)) return null;
          done = true;
        } else {
          cur.push(c);
        }
      } else if (inSq) {
        if (i >= n) return null;
        const c = line[i]!;
        if (c === 92 && i + 1 < n && line[i + 1] === 39) {
          i++;
          cur.push(39);
        } else if (c === 39) {
          if (i + 1 < n && !isSpace(line[i + 1]!)) return null;
          done = true;
        } else {
          cur.push(c);
        }
      } else {
        if (i >= n) { done = true; break; }
        const c = line[i]!;
        if (isSpace(c)) done = true;
        else if (c === 34) inDq = true;
        else if (c === 39) inSq = true;
        else cur.push(c);
      }
      if (i < n) i++;
    }
    args.push(Buffer.from(cur));
  }
}
