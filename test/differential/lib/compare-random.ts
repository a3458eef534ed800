// Replies of commands that draw at random: equal to Redis's as multisets
// when the draw takes every member, otherwise of the same shape.
import { replyEnd } from '@redisraft-wasm/resp';

/** The elements of an array reply as raw RESP texts; null for anything else. */
export function items(b: Buffer): string[] | null {
  if (b[0] !== 42) return null;
  const out: string[] = [];
  let off = b.indexOf('\r\n') + 2;
  while (off < b.length) {
    const end = replyEnd(b, off);
    out.push(b.toString('latin1', off, end));
    off = end;
  }
  return out;
}

export function sameRandomReply(argv: Buffer[], ours: Buffer, theirs: Buffer): boolean {
  const cmd = argv[0]!.toString().toUpperCase();
  // The engine answers a blocking move's single attempt as Redis does inside MULTI ($-1); redis-server here really
  // waited and timed out (*-1), which is what our server sends after its wait.
  if ((cmd === 'BLMOVE' || cmd === 'BRPOPLPUSH') && ours.toString() === '$-1\r\n') return theirs.toString() === '*-1\r\n';
  if (cmd === 'SORT' || cmd === 'SORT_RO') return sameUnsortedSet(argv, ours, theirs);
  if (!['SPOP', 'SRANDMEMBER', 'HRANDFIELD'].includes(cmd)) return false;
  if (ours[0] === 45 || theirs[0] === 45 || ours[0] !== theirs[0]) return false;
  const a = items(ours), b = items(theirs);
  if (!a || !b) return (ours[0] === 36 && !ours.toString('latin1').startsWith('$-1')) === (theirs[0] === 36 && !theirs.toString('latin1').startsWith('$-1'));
  if (a.length !== b.length) return false;
  const count = Number(argv[2]?.toString() ?? '1');
  const withValues = cmd === 'HRANDFIELD' && argv.length === 4;
  // Negative counts repeat members, and a draw of fewer than all is any subset: only the length is comparable.
  if (count < 0 || a.length / (withValues ? 2 : 1) >= count) return true;
  const group = (xs: string[]) => (withValues ? xs.reduce<string[]>((acc, x, i) => (i % 2 ? (acc[acc.length - 1] += x, acc) : [...acc, x]), []) : xs).sort();
  return JSON.stringify(group(a)) === JSON.stringify(group(b));
}

/**
 * SORT ... BY: elements with equal weights (often: no weight key at all) keep the order they came in, and a set's
 * own order is unspecified; so with BY the elements compare as a multiset.
 */
function sameUnsortedSet(argv: Buffer[], ours: Buffer, theirs: Buffer): boolean {
  const by = argv.findIndex((a, i) => i > 1 && a.toString().toUpperCase() === 'BY');
  if (by < 0 || argv.some((a) => a.toString().toUpperCase() === 'LIMIT')) return false;
  const a = items(ours), b = items(theirs);
  return !!a && !!b && JSON.stringify(a.sort()) === JSON.stringify(b.sort());
}
