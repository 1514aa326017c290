import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addRange, dropDelivered, rangeBytes, reportPiece, trimBelow, usableBlocks } from './sack';

const b = (start: number, end: number) => ({ start, end });

describe('SACK ranges', () => {
  it('merges overlapping and touching ranges, keeps others apart and in order', () => {
    let r = addRange([], b(10, 20));
    r = addRange(r, b(30, 40));
    expect(r).toEqual([b(10, 20), b(30, 40)]);
    expect(addRange(r, b(20, 30))).toEqual([b(10, 40)]);
    expect(addRange(r, b(0, 5))).toEqual([b(0, 5), b(10, 20), b(30, 40)]);
    expect(addRange(r, b(15, 35))).toEqual([b(10, 40)]);
    expect(addRange(r, b(50, 60))).toEqual([b(10, 20), b(30, 40), b(50, 60)]);
  });

  it('works across the wrap of sequence space', () => {
    const top = 0xffff_fff0;
    const r = addRange([b(top, (top + 0x20) >>> 0)], b(0x10, 0x30));
    expect(r).toEqual([b(top, 0x30)]);
    expect(rangeBytes(r)).toBe(0x40);
    expect(trimBelow(r, 0x08)).toEqual([b(0x08, 0x30)]);
  });

  it('holds every byte added exactly once (random blocks)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 1, max: 40 }))), (xs) => {
        let r: { start: number; end: number }[] = [];
        const bytes = new Set<number>();
        for (const [s, n] of xs) {
          r = addRange(r, b(s, s + n));
          for (let i = s; i < s + n; i++) bytes.add(i);
        }
        expect(rangeBytes(r)).toBe(bytes.size);
        for (let i = 1; i < r.length; i++) expect(r[i]!.start).toBeGreaterThan(r[i - 1]!.end);
      }),
    );
  });

  it('reports the block of the newest piece first, then the older blocks (RFC 2018 §4)', () => {
    // Held: [10,20) then [30,40); the piece [40,50) extends the second block.
    let rep = reportPiece([], [b(10, 20)], b(10, 20));
    rep = reportPiece(rep, [b(10, 20), b(30, 40)], b(30, 40));
    expect(rep).toEqual([b(30, 40), b(10, 20)]);
    rep = reportPiece(rep, [b(10, 20), b(30, 50)], b(40, 50));
    expect(rep).toEqual([b(30, 50), b(10, 20)]);
    // The gap between them fills: one block.
    rep = reportPiece(rep, [b(10, 50)], b(20, 30));
    expect(rep).toEqual([b(10, 50)]);
    // RCV.NXT moves past the first block: it is no longer reported.
    expect(dropDelivered([b(30, 50), b(60, 70)], 50)).toEqual([b(60, 70)]);
  });

  it('tells a D-SACK from ordinary blocks (RFC 2883 §4)', () => {
    // Below the cumulative ACK.
    expect(usableBlocks([b(5, 10), b(30, 40)], 20, 100)).toEqual({
      blocks: [b(30, 40)],
      dsack: b(5, 10),
    });
    // Inside the second block.
    expect(usableBlocks([b(32, 36), b(30, 40)], 20, 100)).toEqual({
      blocks: [b(30, 40)],
      dsack: b(32, 36),
    });
    // Ordinary, and one beyond SND.NXT that is ignored.
    expect(usableBlocks([b(30, 40), b(90, 120)], 20, 100)).toEqual({
      blocks: [b(30, 40)],
      dsack: null,
    });
  });
});
