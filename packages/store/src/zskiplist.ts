// A sorted set: a skip list ordered by (score, member bytes) whose links carry
// spans (how many nodes each link jumps), so rank lookups and rank ranges are
// O(log n), beside a Map from member to score for O(1) ZSCORE. Members are
// latin1 strings of their bytes: comparing them with < compares the bytes
// (memcmp, then the shorter first), the order Redis uses.
//
// Node levels come from a PRNG owned by the set and seeded with a constant, so
// the same commands build the same structure on every node.
//
// Redis keeps small sets (<= 128 members of <= 64 bytes) as a flat listpack
// and only bigger ones as a skip list. `listpack` tracks which one Redis would
// be using, for the one visible difference: a listpack stores an integral
// score as an integer, so -0 reads back as 0 there and as -0 in a skip list.
//
// Lex ranges are only meaningful when all scores are equal. Over mixed scores
// Redis's answer comes from a linear scan of the listpack (small sets) or a
// descent whose path depends on its random node levels (big ones). We give
// the linear scan's answer whenever scores differ, whatever the size, so the
// answer depends on the contents alone (never on levels, encoding or history:
// every replica and every restored snapshot agrees), and descend in O(log n)
// when all scores are equal, where both give the same answer.
import { seededRandom } from './prng.js';

const MAX_LEVEL = 32;
const LEVEL_P = 0.25;
/** Redis defaults zset-max-listpack-entries / zset-max-listpack-value. */
export const LISTPACK_MAX_ENTRIES = 128;
export const LISTPACK_MAX_VALUE = 64;
const LEVEL_SEED = 0x2545f491;
/** Rough per-member cost for memory accounting (node, links, map entry). */
const NODE_OVERHEAD_BYTES = 48;

export class ZNode {
  backward: ZNode | null = null;
  readonly next: (ZNode | null)[];
  readonly span: number[];

  constructor(readonly member: string, public score: number, level: number) {
    this.next = new Array<ZNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }
}

/** A score interval; exclusive ends when minex / maxex. */
export interface ScoreRange {
  readonly min: number;
  readonly max: number;
  readonly minex: boolean;
  readonly maxex: boolean;
}

/** One end of a lex interval: '-' (inf -1), '+' (inf 1) or a member, inclusive '[' or exclusive '('. */
export interface LexBound {
  readonly value: string;
  readonly ex: boolean;
  readonly inf: -1 | 0 | 1;
}

export interface LexRange {
  readonly min: LexBound;
  readonly max: LexBound;
}

export function gteMin(score: number, r: ScoreRange): boolean {
  return r.minex ? score > r.min : score >= r.min;
}

export function lteMax(score: number, r: ScoreRange): boolean {
  return r.maxex ? score < r.max : score <= r.max;
}

/** Compares a member with a bound: '-' is below everything, '+' above. */
function cmpLex(m: string, b: LexBound): number {
  if (b.inf !== 0) return -b.inf;
  return m < b.value ? -1 : m > b.value ? 1 : 0;
}

export function lexGteMin(m: string, r: LexRange): boolean {
  const c = cmpLex(m, r.min);
  return r.min.ex ? c > 0 : c >= 0;
}

export function lexLteMax(m: string, r: LexRange): boolean {
  const c = cmpLex(m, r.max);
  return r.max.ex ? c < 0 : c <= 0;
}

/** Whether a lex interval is empty whatever the set holds. */
function lexRangeEmpty(r: LexRange): boolean {
  const a = r.min, b = r.max;
  let c: number;
  if (a.inf !== 0 && a.inf === b.inf) c = 0;
  else if (a.inf === -1 || b.inf === 1) c = -1;
  else if (a.inf === 1 || b.inf === -1) c = 1;
  else c = a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  return c > 0 || (c === 0 && (a.ex || b.ex));
}

function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

/** Order of (score, member) pairs: by score, then by member bytes. */
export function compareEntries(s1: number, m1: string, s2: number, m2: string): number {
  if (s1 < s2) return -1;
  if (s1 > s2) return 1;
  return m1 < m2 ? -1 : m1 > m2 ? 1 : 0;
}

export class ZSet {
  private readonly dict = new Map<string, number>();
  private readonly header = new ZNode('', 0, MAX_LEVEL);
  private tailNode: ZNode | null = null;
  private level = 1;
  private readonly random: () => number;
  /** Approximate memory held by the members. */
  bytes = 0;
  /** Which encoding Redis would hold this set in (see the file comment). */
  listpack = true;

  constructor(seed: number = LEVEL_SEED) {
    this.random = seededRandom(seed);
  }

  get size(): number {
    return this.dict.size;
  }

  score(member: string): number | undefined {
    return this.dict.get(member);
  }

  has(member: string): boolean {
    return this.dict.has(member);
  }

  first(): ZNode | null {
    return this.header.next[0]!;
  }

  last(): ZNode | null {
    return this.tailNode;
  }

  /** Members in order. */
  *[Symbol.iterator](): IterableIterator<ZNode> {
    for (let x = this.header.next[0]!; x; x = x.next[0]!) yield x;
  }

  /** Adds a member that is not in the set. Follows Redis's listpack-to-skiplist conversion on the way. */
  insert(member: string, score: number): void {
    if (this.dict.has(member)) throw new Error('zset insert of an existing member');
    if (this.listpack && (this.dict.size + 1 > LISTPACK_MAX_ENTRIES || member.length > LISTPACK_MAX_VALUE)) this.listpack = false;
    // A listpack stores an integral score as an integer: -0 comes back as 0.
    if (this.listpack && score === 0) score = 0;
    this.dict.set(member, score);
    this.bytes += member.length + NODE_OVERHEAD_BYTES;
    this.linkNew(member, score);
  }

  /** Removes a member; false if it was not there. */
  delete(member: string): boolean {
    const score = this.dict.get(member);
    if (score === undefined) return false;
    const update = this.findUpdate(score, member);
    const x = update[0]!.next[0]!;
    if (!x || x.member !== member) throw new Error('zset skip list and map disagree');
    this.unlink(x, update);
    this.dict.delete(member);
    this.bytes -= member.length + NODE_OVERHEAD_BYTES;
    return true;
  }

  /** Changes the score of a member that is in the set. */
  updateScore(member: string, score: number): void {
    const cur = this.dict.get(member);
    if (cur === undefined) throw new Error('zset update of a missing member');
    const update = this.findUpdate(cur, member);
    const x = update[0]!.next[0]!;
    if (this.listpack && score === 0) score = 0;
    this.dict.set(member, score);
    // Still between its neighbours: change it in place.
    const prev = x.backward, next = x.next[0];
    if ((prev === null || compareEntries(prev.score, prev.member, score, member) < 0) && (!next || compareEntries(next.score, next.member, score, member) > 0)) {
      x.score = score;
      return;
    }
    this.unlink(x, update);
    this.linkNew(member, score);
  }

  /** 0-based rank of a member from the lowest, or undefined. */
  rank(member: string): number | undefined {
    const score = this.dict.get(member);
    if (score === undefined) return undefined;
    return this.rankOf(score, member) - 1;
  }

  /** The node at a 0-based rank, or null. */
  at(rank: number): ZNode | null {
    if (rank < 0 || rank >= this.dict.size) return null;
    const target = rank + 1;
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] && traversed + x.span[i]! <= target) {
        traversed += x.span[i]!;
        x = x.next[i]!;
      }
      if (traversed === target) return x;
    }
    return null;
  }

  /** 0-based rank of a node of this set. */
  rankOfNode(node: ZNode): number {
    return this.rankOf(node.score, node.member) - 1;
  }

  firstInRange(r: ScoreRange): ZNode | null {
    if (scoreRangeEmpty(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] && !gteMin(x.next[i]!.score, r)) x = x.next[i]!;
    }
    const n = x.next[0]!;
    return n && lteMax(n.score, r) ? n : null;
  }

  lastInRange(r: ScoreRange): ZNode | null {
    if (scoreRangeEmpty(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] && lteMax(x.next[i]!.score, r)) x = x.next[i]!;
    }
    return x !== this.header && gteMin(x.score, r) ? x : null;
  }

  /** Whether a lex predicate is monotonic over the list: all scores equal (the list is sorted by score first). */
  get sameScores(): boolean {
    const first = this.header.next[0];
    return !first || first.score === this.tailNode!.score;
  }

  /** Where a lex range starts: the first member >= min, if it is also <= max (see the file comment). */
  firstInLexRange(r: LexRange): ZNode | null {
    if (!this.inLexRange(r)) return null;
    if (!this.sameScores) {
      for (let x = this.header.next[0]!; x; x = x.next[0]!) {
        if (lexGteMin(x.member, r)) return lexLteMax(x.member, r) ? x : null;
      }
      return null;
    }
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] && !lexGteMin(x.next[i]!.member, r)) x = x.next[i]!;
    }
    const n = x.next[0]!;
    return n && lexLteMax(n.member, r) ? n : null;
  }

  /** Where a lex range ends: the last member <= max, if it is also >= min. */
  lastInLexRange(r: LexRange): ZNode | null {
    if (!this.inLexRange(r)) return null;
    if (!this.sameScores) {
      for (let x = this.tailNode; x; x = x.backward) {
        if (lexLteMax(x.member, r)) return lexGteMin(x.member, r) ? x : null;
      }
      return null;
    }
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] && lexLteMax(x.next[i]!.member, r)) x = x.next[i]!;
    }
    return x !== this.header && lexGteMin(x.member, r) ? x : null;
  }

  /** A copy (for snapshots): same members, scores and encoding. */
  clone(): ZSet {
    const z = new ZSet();
    for (let x = this.header.next[0]!; x; x = x.next[0]!) {
      z.dict.set(x.member, x.score);
      z.linkNew(x.member, x.score);
    }
    z.bytes = this.bytes;
    z.listpack = this.listpack;
    return z;
  }

  /** Checks the structure's invariants (tests). */
  verify(): void {
    let n = 0;
    let prev: ZNode | null = null;
    for (let x = this.header.next[0]!; x; x = x.next[0]!) {
      if (x.backward !== prev) throw new Error(`bad backward link at ${x.member}`);
      if (prev && compareEntries(prev.score, prev.member, x.score, x.member) >= 0) throw new Error(`out of order at ${x.member}`);
      if (this.dict.get(x.member) !== x.score && !(Number.isNaN(x.score))) throw new Error(`map disagrees at ${x.member}`);
      prev = x;
      n++;
    }
    if (prev !== this.tailNode) throw new Error('bad tail');
    if (n !== this.dict.size) throw new Error(`length ${n} vs map ${this.dict.size}`);
    // Every span equals the number of level-0 steps it covers.
    const pos = new Map<ZNode, number>([[this.header, 0]]);
    let i = 0;
    for (let x = this.header.next[0]!; x; x = x.next[0]!) pos.set(x, ++i);
    for (const [node, p] of pos) {
      for (let l = 0; l < node.next.length && (node !== this.header || l < this.level); l++) {
        const f = node.next[l];
        if (f && node.span[l] !== pos.get(f)! - p) throw new Error(`bad span at level ${l}`);
      }
    }
  }

  /** zslIsInLexRange / zzlIsInLexRange: a non-empty interval that overlaps [first, last]. */
  private inLexRange(r: LexRange): boolean {
    if (lexRangeEmpty(r)) return false;
    const last = this.tailNode, first = this.header.next[0]!;
    if (!last || !lexGteMin(last.member, r)) return false;
    return !!first && lexLteMax(first.member, r);
  }

  /** 1-based rank of (score, member), which must be in the list. */
  private rankOf(score: number, member: string): number {
    let rank = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] && compareEntries(x.next[i]!.score, x.next[i]!.member, score, member) <= 0) {
        rank += x.span[i]!;
        x = x.next[i]!;
      }
      if (x !== this.header && x.member === member) return rank;
    }
    throw new Error('zset rank of a missing member');
  }

  /** For each level, the last node before (score, member). */
  private findUpdate(score: number, member: string): ZNode[] {
    const update = new Array<ZNode>(this.level);
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] && compareEntries(x.next[i]!.score, x.next[i]!.member, score, member) < 0) x = x.next[i]!;
      update[i] = x;
    }
    return update;
  }

  private randomLevel(): number {
    let level = 1;
    while (level < MAX_LEVEL && this.random() < LEVEL_P) level++;
    return level;
  }

  private linkNew(member: string, score: number): void {
    const update = new Array<ZNode>(MAX_LEVEL);
    const rank = new Array<number>(MAX_LEVEL);
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1]!;
      while (x.next[i] && compareEntries(x.next[i]!.score, x.next[i]!.member, score, member) < 0) {
        rank[i]! += x.span[i]!;
        x = x.next[i]!;
      }
      update[i] = x;
    }
    const length = this.dict.size - 1; // the map already holds the new member
    const level = this.randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.header;
        this.header.span[i] = length;
      }
      this.level = level;
    }
    const node = new ZNode(member, score, level);
    for (let i = 0; i < level; i++) {
      const u = update[i]!;
      node.next[i] = u.next[i]!;
      u.next[i] = node;
      node.span[i] = u.span[i]! - (rank[0]! - rank[i]!);
      u.span[i] = rank[0]! - rank[i]! + 1;
    }
    for (let i = level; i < this.level; i++) update[i]!.span[i]!++;
    node.backward = update[0] === this.header ? null : update[0]!;
    if (node.next[0]) node.next[0].backward = node;
    else this.tailNode = node;
  }

  private unlink(x: ZNode, update: ZNode[]): void {
    for (let i = 0; i < this.level; i++) {
      const u = update[i]!;
      if (u.next[i] === x) {
        u.span[i]! += x.span[i]! - 1;
        u.next[i] = x.next[i]!;
      } else {
        u.span[i]!--;
      }
    }
    if (x.next[0]) x.next[0].backward = x.backward;
    else this.tailNode = x.backward;
    while (this.level > 1 && !this.header.next[this.level - 1]) this.level--;
  }
}
