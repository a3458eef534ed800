// Deterministic random draws for SPOP, SRANDMEMBER, HRANDFIELD, RANDOMKEY:
// the entry's seeded generator decides, so every node draws the same.

/** `count` distinct positions in [0, size), in draw order (Floyd's algorithm, O(count)). */
export function distinctPositions(size: number, count: number, random: () => number): number[] {
  const k = Math.min(count, size);
  const chosen = new Set<number>();
  const order: number[] = [];
  for (let j = size - k; j < size; j++) {
    const t = Math.floor(random() * (j + 1));
    const pick = chosen.has(t) ? j : t;
    chosen.add(pick);
    order.push(pick);
  }
  return order;
}

/** The items of `it` at the given positions, in the positions' order (one pass). */
export function itemsAt<T>(it: Iterable<T>, positions: readonly number[]): T[] {
  const wanted = new Map<number, number[]>();
  positions.forEach((p, i) => wanted.set(p, [...(wanted.get(p) ?? []), i]));
  const out: T[] = new Array(positions.length);
  let i = 0, found = 0;
  for (const x of it) {
    const slots = wanted.get(i++);
    if (slots) for (const s of slots) { out[s] = x; found++; }
    if (found === positions.length) break;
  }
  return out;
}

/** `count` positions in [0, size) drawn with repetition. */
export function positionsWithRepeats(size: number, count: number, random: () => number): number[] {
  return Array.from({ length: count }, () => Math.floor(random() * size));
}
