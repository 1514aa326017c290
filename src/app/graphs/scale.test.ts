import { describe, expect, it } from 'vitest';
import { Linear, bytesText, niceDomain, ticks, timeText } from './scale';

describe('scales and ticks', () => {
  it('maps and inverts, including a flipped pixel range (y grows down)', () => {
    const s = new Linear(0, 100, 300, 10);
    expect(s.map(0)).toBe(300);
    expect(s.map(100)).toBe(10);
    expect(s.map(50)).toBe(155);
    expect(s.invert(155)).toBe(50);
    expect(new Linear(5, 5, 0, 10).map(7)).toBe(0);
  });

  it('ticks are round and inside the domain, without float drift', () => {
    expect(ticks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(ticks(0.1, 0.35, 5)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
    expect(ticks(1, 1, 5)).toEqual([]);
    expect(ticks(0, 10_000, 4)).toEqual([0, 2000, 4000, 6000, 8000, 10000]);
  });

  it('a nice domain widens to round numbers', () => {
    expect(niceDomain(3, 97)).toEqual([0, 100]);
    expect(niceDomain(1001, 1449)).toEqual([1000, 1500]);
    expect(niceDomain(1001, 1449, 20)).toEqual([1000, 1460]);
    expect(niceDomain(5, 5)).toEqual([5, 6]);
    expect(niceDomain(NaN, 3)).toEqual([0, 1]);
  });

  it('texts for bytes and time', () => {
    expect(bytesText(900)).toBe('900');
    expect(bytesText(1500)).toBe('1.5k');
    expect(bytesText(20_000)).toBe('20k');
    expect(bytesText(65535)).toBe('65.5k');
    expect(bytesText(12_345_678)).toBe('12.3M');
    expect(timeText(850, 1000)).toBe('850 ms');
    expect(timeText(12.5, 10)).toBe('12.5 ms');
    expect(timeText(1250, 5000)).toBe('1.25 s');
    expect(timeText(120_000, 600_000)).toBe('120 s');
  });
});
