// The `#!lua flags=...` first line of a script (Redis 7): which engine, and
// the flags that decide how the script may run.
export const SCRIPT_FLAGS = ['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'] as const;
export type ScriptFlag = (typeof SCRIPT_FLAGS)[number];

export interface Shebang {
  /** Without a shebang a script runs in compatibility mode: it may write, whatever it declares. */
  readonly compat: boolean;
  readonly flags: ReadonlySet<ScriptFlag>;
  /** Bytes of the first line (without its newline): Lua compiles what follows, so line numbers stay right. */
  readonly length: number;
}

export type ShebangResult = { ok: true; shebang: Shebang } | { ok: false; error: string };

/**
 * Words of a shebang line as Redis's sdssplitargs reads them: blanks
 * separate, "double" quotes take \\n \\t \\xHH escapes, 'single' quotes take
 * \\'; null when a quote is not closed (or a closing quote touches a word).
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  const ESC: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };
  for (;;) {
    while (i < n && /\s/.test(line[i]!)) i++;
    if (i >= n) return out;
    let word = '';
    let inDq = false, inSq = false;
    for (;;) {
      const c = line[i];
      if (inDq) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          word += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          word += ESC[line[i]!] ?? line[i]!;
        } else if (c === '"') {
          if (i + 1 < n && !/\s/.test(line[i + 1]!)) return null;
          inDq = false;
          i++;
          break;
        } else word += c;
      } else if (inSq) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          word += "'";
        } else if (c === "'") {
          if (i + 1 < n && !/\s/.test(line[i + 1]!)) return null;
          inSq = false;
          i++;
          break;
        } else word += c;
      } else {
        if (c === undefined || /\s/.test(c)) break;
        if (c === '"') inDq = true;
        else if (c === "'") inSq = true;
        else word += c;
      }
      i++;
    }
    out.push(word);
  }
}

const COMPAT: Shebang = Object.freeze({ compat: true, flags: new Set<ScriptFlag>(), length: 0 });

export function parseShebang(body: Buffer): ShebangResult {
  if (body.length < 2 || body[0] !== 0x23 || body[1] !== 0x21) return { ok: true, shebang: COMPAT };
  const end = body.indexOf(0x0a);
  if (end < 0) return { ok: false, error: 'ERR Invalid script shebang' };
  const parts = splitArgs(body.subarray(0, end).toString('latin1'));
  if (!parts || parts.length === 0) return { ok: false, error: 'ERR Invalid engine in script shebang' };
  if (parts[0] !== '#!lua') return { ok: false, error: `ERR Unexpected engine in script shebang: ${parts[0]}` };
  const flags = new Set<ScriptFlag>();
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) return { ok: false, error: `ERR Unknown lua shebang option: ${part}` };
    const list = part.slice(6);
    for (const f of list.length ? list.split(',') : []) {
      if (!(SCRIPT_FLAGS as readonly string[]).includes(f)) return { ok: false, error: `ERR Unexpected flag in script shebang: ${f}` };
      flags.add(f as ScriptFlag);
    }
  }
  return { ok: true, shebang: { compat: false, flags, length: end } };
}
