/**
 * SACK (RFC 2018) and D-SACK (RFC 2883) as pure functions over ranges of
 * sequence space: what a receiver reports and how a sender keeps its
 * scoreboard. Ranges are half-open [start, end) in 32-bit sequence space.
 */
import type { SackBlock } from './segment';
import { seqDiff, seqGe, seqGt, seqLe, seqLt } from './seq';

/** RFC 2018 §3: at most 4 blocks fit in the option space, 3 beside timestamps. */
export const maxSackBlocks = (timestamps: boolean): number => (timestamps ? 3 : 4);

/** Does `outer` contain all of `inner`? */
export const covers = (outer: SackBlock, inner: SackBlock): boolean =>
  seqLe(outer.start, inner.start) && seqGe(outer.end, inner.end);

/** Do two ranges overlap or touch (so that they merge into one)? */
const meets = (a: SackBlock, b: SackBlock): boolean =>
  seqLe(a.start, b.end) && seqLe(b.start, a.end);

/** Ascending, disjoint ranges with `b` merged in (ranges it meets become one). */
export function addRange(ranges: readonly SackBlock[], b: SackBlock): SackBlock[] {
  if (!seqLt(b.start, b.end)) return ranges.slice();
  const out: SackBlock[] = [];
  let start = b.start;
  let end = b.end;
  let placed = false;
  for (const r of ranges) {
    if (meets(r, { start, end })) {
      if (seqLt(r.start, start)) start = r.start;
      if (seqGt(r.end, end)) end = r.end;
    } else if (seqLt(r.end, start)) {
      out.push(r);
    } else {
      if (!placed) {
        out.push({ start, end });
        placed = true;
      }
      out.push(r);
    }
  }
  if (!placed) out.push({ start, end });
  return out;
}

/** Ascending ranges with everything before `una` cut away. */
export function trimBelow(ranges: readonly SackBlock[], una: number): readonly SackBlock[] {
  if (ranges.length === 0 || seqLe(una, ranges[0]!.start)) return ranges;
  const out: SackBlock[] = [];
  for (const r of ranges) {
    if (seqLe(r.end, una)) continue;
    out.push(seqLt(r.start, una) ? { start: una, end: r.end } : r);
  }
  return out;
}

/** Bytes of sequence space in ascending, disjoint ranges. */
export function rangeBytes(ranges: readonly SackBlock[]): number {
  let n = 0;
  for (const r of ranges) n += seqDiff(r.end, r.start);
  return n;
}

/**
 * The receiver's blocks after it took a new out-of-order piece (RFC 2018 §4):
 * the block holding that piece first, then the blocks reported before, most
 * recent first, less those the new block swallowed. `held` are the receiver's
 * out-of-order ranges (ascending, disjoint); `piece` the part just received.
 */
export function reportPiece(
  previous: readonly SackBlock[],
  held: readonly SackBlock[],
  piece: SackBlock,
): SackBlock[] {
  const block = held.find((r) => covers(r, piece)) ?? piece;
  const out = [block];
  for (const b of previous) if (!covers(block, b) && !meets(block, b)) out.push(b);
  return out;
}

/** The receiver's blocks once RCV.NXT has moved to `rcvNxt`: those now in order are gone. */
export function dropDelivered(blocks: readonly SackBlock[], rcvNxt: number): readonly SackBlock[] {
  if (blocks.every((b) => seqGt(b.end, rcvNxt))) return blocks;
  return blocks.filter((b) => seqGt(b.end, rcvNxt));
}

/**
 * The blocks of a SACK option a sender should use for its scoreboard: those
 * inside (una, nxt]. A first block below the cumulative ACK, or inside the
 * second block, is a D-SACK (RFC 2883 §4) and reports a duplicate, not new data.
 */
export function usableBlocks(
  blocks: readonly SackBlock[],
  una: number,
  nxt: number,
): { readonly blocks: readonly SackBlock[]; readonly dsack: SackBlock | null } {
  let dsack: SackBlock | null = null;
  let from = 0;
  const first = blocks[0];
  if (first) {
    const second = blocks[1];
    if (seqLe(first.end, una) || (second !== undefined && covers(second, first))) {
      dsack = first;
      from = 1;
    }
  }
  const out: SackBlock[] = [];
  for (let i = from; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (!seqLt(b.start, b.end)) continue;
    if (seqLt(b.start, una) || seqGt(b.end, nxt)) continue;
    out.push(b);
  }
  return { blocks: out, dsack };
}
