import { describe, expect, it } from 'vitest';
import { ByteLog } from './byte-log';

const seq = (from: number, n: number): Uint8Array => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (from + i) % 251;
  return b;
};

describe('ByteLog', () => {
  it('reads back what was written, within and across chunks', () => {
    const log = new ByteLog();
    let off = 0;
    for (const n of [1, 1447, 65536, 3, 70000, 12]) {
      log.write(off, seq(off, n));
      off += n;
    }
    expect(log.length).toBe(off);
    for (const [a, b] of [
      [0, 1],
      [0, off],
      [65530, 65545],
      [1448, 1448 + 65536],
      [off - 5, off + 100],
    ] as const) {
      expect(log.read(a, b)).toEqual(seq(a, Math.min(b, off) - a));
    }
  });

  it('writing the same bytes at the same offset again changes nothing (replay)', () => {
    const log = new ByteLog();
    log.write(0, seq(0, 5000));
    const view = log.read(100, 200);
    log.write(0, seq(0, 3000));
    expect(log.length).toBe(5000);
    expect(view).toEqual(seq(100, 100));
    expect(log.read(0, 5000)).toEqual(seq(0, 5000));
  });

  it('a read inside one chunk is a view, not a copy', () => {
    const log = new ByteLog();
    log.write(0, seq(0, 100));
    const a = log.read(10, 20);
    const b = log.read(0, 100);
    expect(a.buffer).toBe(b.buffer);
  });
});

describe('ByteLog growth', () => {
  it('a view taken before the first chunk grew still reads the same bytes', () => {
    const log = new ByteLog();
    log.write(0, seq(0, 10));
    const early = log.read(0, 10);
    log.write(10, seq(10, 60000));
    log.write(60010, seq(60010, 10000));
    expect(early).toEqual(seq(0, 10));
    expect(log.read(0, 70010)).toEqual(seq(0, 70010));
  });
});
