import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STATES, parseScenario, runScenario, type TraceRecord } from '../../core';
import { machineTransitions } from '../diagram/graph';
import {
  COVERAGE_KEY,
  CoverageStore,
  EMPTY_COVERAGE,
  PAIRS,
  countCoverage,
  coverageFromJson,
  coverageOf,
  coverageToJson,
  mergeCoverage,
  type KeyValueStorage,
} from './coverage';

const dir = join(__dirname, '..', '..', '..', 'public', 'scenarios');
const records = (file: string): TraceRecord[] =>
  runScenario(parseScenario(readFileSync(join(dir, file), 'utf8'), file)).world.trace.records;

class MemoryStorage implements KeyValueStorage {
  readonly map = new Map<string, string>();
  getItem(k: string): string | null {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.map.set(k, v);
  }
  removeItem(k: string): void {
    this.map.delete(k);
  }
}

describe('PAIRS', () => {
  it('lists each (from, to) pair of the machine with from ≠ to once', () => {
    const expected = new Set(
      machineTransitions()
        .filter((t) => t.from !== t.to)
        .map((t) => `${t.from}->${t.to}`),
    );
    expect(PAIRS.map((p) => p.id).sort()).toEqual([...expected].sort());
    expect(PAIRS.length).toBe(28);
  });
});

describe('coverageOf', () => {
  it('counts the states and transitions of the handshake, up to the cursor', () => {
    const rs = records('handshake.scenario');
    const at = (t: number) => countCoverage(coverageOf(rs, t));
    expect(at(-1)).toEqual({ states: 0, statesTotal: 11, transitions: 0, transitionsTotal: 28 });
    // t=0: the server's CLOSED -> LISTEN.
    expect(at(0)).toMatchObject({ states: 2, transitions: 1 });
    // t=50: and the client's CLOSED -> SYN_SENT.
    expect(at(50)).toMatchObject({ states: 3, transitions: 2 });
    const all = coverageOf(rs, Infinity);
    expect([...all.states].sort()).toEqual(
      ['CLOSED', 'ESTABLISHED', 'LISTEN', 'SYN_RECEIVED', 'SYN_SENT'].sort(),
    );
    expect([...all.transitions].sort()).toEqual(
      [
        'CLOSED->LISTEN',
        'CLOSED->SYN_SENT',
        'LISTEN->SYN_RECEIVED',
        'SYN_SENT->ESTABLISHED',
        'SYN_RECEIVED->ESTABLISHED',
      ].sort(),
    );
  });

  it('sees every state but CLOSING in the client-first teardown', () => {
    const c = coverageOf(records('teardown-client.scenario'), Infinity);
    expect(STATES.filter((s) => !c.states.has(s))).toEqual(['CLOSING']);
    expect(countCoverage(c)).toMatchObject({ states: 10, transitions: 13 });
  });

  it('accumulates across runs without counting twice', () => {
    const a = coverageOf(records('handshake.scenario'), Infinity);
    const b = coverageOf(records('../../conformance/linux/refused.scenario'), Infinity);
    const m = mergeCoverage(a, b);
    // refused adds SYN_SENT -> CLOSED; its states were all seen already.
    expect(countCoverage(m)).toMatchObject({ states: 5, transitions: 6 });
    expect(countCoverage(mergeCoverage(m, m))).toEqual(countCoverage(m));
  });
});

describe('persistence', () => {
  it('round-trips through JSON and ignores what it does not know', () => {
    const c = coverageOf(records('teardown-client.scenario'), Infinity);
    const back = coverageFromJson(coverageToJson(c));
    expect([...back.states].sort()).toEqual([...c.states].sort());
    expect([...back.transitions].sort()).toEqual([...c.transitions].sort());
    const odd = coverageFromJson(
      JSON.stringify({
        v: 1,
        states: ['LISTEN', 'NOWHERE', 3],
        transitions: ['A->B', 'CLOSED->LISTEN'],
      }),
    );
    expect([...odd.states]).toEqual(['LISTEN']);
    expect([...odd.transitions]).toEqual(['CLOSED->LISTEN']);
    expect(coverageFromJson('not json')).toBe(EMPTY_COVERAGE);
    expect(coverageFromJson(null)).toBe(EMPTY_COVERAGE);
  });

  it('keeps the store in storage under its key, notifies on change only, and resets', () => {
    const storage = new MemoryStorage();
    const store = new CoverageStore(storage);
    let calls = 0;
    const off = store.subscribe(() => calls++);
    const hs = coverageOf(records('handshake.scenario'), Infinity);
    store.add(hs);
    store.add(hs);
    expect(calls).toBe(1);
    expect(storage.map.has(COVERAGE_KEY)).toBe(true);
    // A new store (a reload) reads it back.
    expect(countCoverage(new CoverageStore(storage).get())).toEqual(countCoverage(hs));
    store.reset();
    expect(calls).toBe(2);
    expect(storage.map.has(COVERAGE_KEY)).toBe(false);
    expect(countCoverage(store.get()).states).toBe(0);
    off();
  });

  it('works without storage, and with storage that throws', () => {
    const none = new CoverageStore(null);
    none.add(coverageOf(records('../../conformance/linux/refused.scenario'), Infinity));
    expect(countCoverage(none.get()).states).toBe(2);
    const broken: KeyValueStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    const s = new CoverageStore(broken);
    s.add(coverageOf(records('../../conformance/linux/refused.scenario'), Infinity));
    expect(countCoverage(s.get()).transitions).toBe(2);
  });
});
