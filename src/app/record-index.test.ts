import { describe, expect, it } from 'vitest';
import { countAtOrBefore, recordsOf } from './record-index';

describe('recordsOf', () => {
  it('lists one kind and side in trace order, and takes in records added later', () => {
    const records: { kind: string; t: number; side?: string }[] = [
      { kind: 'call', t: 0, side: 'server' },
      { kind: 'segment', t: 1, side: 'client' },
      { kind: 'state', t: 1, side: 'client' },
      { kind: 'call', t: 2, side: 'client' },
    ];
    expect(recordsOf(records, 'call', 'client').t).toEqual([2]);
    expect(recordsOf(records, 'state', 'client').recs).toEqual([records[2]]);
    expect(recordsOf(records, 'state', 'server').t).toEqual([]);
    records.push({ kind: 'call', t: 5, side: 'client' }, { kind: 'state', t: 6, side: 'server' });
    expect(recordsOf(records, 'call', 'client').t).toEqual([2, 5]);
    expect(recordsOf(records, 'state', 'server').t).toEqual([6]);
  });

  it('starts over for a trace that shrank', () => {
    const records = [
      { kind: 'call', t: 0, side: 'client' },
      { kind: 'call', t: 1, side: 'client' },
    ];
    expect(recordsOf(records, 'call', 'client').t).toEqual([0, 1]);
    records.length = 1;
    expect(recordsOf(records, 'call', 'client').t).toEqual([0]);
  });
});

describe('countAtOrBefore', () => {
  it('counts the items at or before x', () => {
    expect(countAtOrBefore([], 1)).toBe(0);
    expect(countAtOrBefore([1, 2, 2, 3], 0)).toBe(0);
    expect(countAtOrBefore([1, 2, 2, 3], 2)).toBe(3);
    expect(countAtOrBefore([1, 2, 2, 3], 9)).toBe(4);
  });
});
