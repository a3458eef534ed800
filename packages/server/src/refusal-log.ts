// Warnings about refused requests (a client sending internal commands, a
// wrong cluster password, a message from a stranger), rate-limited per kind
// so a hostile client cannot flood the log: at most `burst` lines per kind
// in each window; the next line let through says how many were left out.

export interface RefusalLogOptions {
  readonly burst: number;
  readonly windowMs: number;
}

export const DEFAULT_REFUSAL_LOG: RefusalLogOptions = { burst: 5, windowMs: 60_000 };

export class RefusalLog {
  private readonly kinds = new Map<string, { windowStart: number; logged: number; dropped: number }>();

  constructor(
    private readonly warn: (line: string) => void,
    private readonly options: RefusalLogOptions = DEFAULT_REFUSAL_LOG,
    private readonly now: () => number = Date.now,
  ) {}

  /** Logs `line` unless this kind has used its lines for the window; true when it was logged. */
  note(kind: string, line: string): boolean {
    const t = this.now();
    let k = this.kinds.get(kind);
    if (!k) {
      k = { windowStart: t, logged: 0, dropped: 0 };
      this.kinds.set(kind, k);
    }
    if (t - k.windowStart >= this.options.windowMs) {
      k.windowStart = t;
      k.logged = 0;
    }
    if (k.logged >= this.options.burst) {
      k.dropped++;
      return false;
    }
    k.logged++;
    const dropped = k.dropped;
    k.dropped = 0;
    this.warn(dropped > 0 ? `${line} (${dropped} more like this were not logged)` : line);
    return true;
  }
}
