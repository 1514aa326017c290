/**
 * Coverage: which of the eleven states and which of the machine's transitions
 * (distinct from → to pairs, from ≠ to, as machineTransitions() lists them) a
 * run has visited up to the cursor.
 *
 * Coverage accumulates across runs: a module-level store (`coverageStore`)
 * merges what every run showed, and keeps it in localStorage under the key
 * 'tcp-playground.coverage' as JSON `{"v":1,"states":[…],"transitions":["A->B",…]}`
 * so that it survives a reload. Without storage (private mode, tests) it lives
 * for the page only. "Reset" empties it.
 *
 * The pure functions are tested; the store takes any Storage-like object.
 */
import { STATES, type StateName, type TraceRecord } from '../../core';
import { machineTransitions } from '../diagram/graph';

export interface Pair {
  /** "ESTABLISHED->FIN_WAIT_1". */
  readonly id: string;
  readonly from: StateName;
  readonly to: StateName;
}

/** Every (from, to) pair of the machine with from ≠ to, once each, in machine order. */
export const PAIRS: readonly Pair[] = (() => {
  const seen = new Map<string, Pair>();
  for (const t of machineTransitions()) {
    if (t.from === t.to) continue;
    const id = `${t.from}->${t.to}`;
    if (!seen.has(id)) seen.set(id, { id, from: t.from, to: t.to });
  }
  return [...seen.values()];
})();

const PAIR_IDS: ReadonlySet<string> = new Set(PAIRS.map((p) => p.id));
const STATE_SET: ReadonlySet<string> = new Set(STATES);

export interface Coverage {
  readonly states: ReadonlySet<StateName>;
  /** Pair ids ("A->B"). */
  readonly transitions: ReadonlySet<string>;
}

export const EMPTY_COVERAGE: Coverage = { states: new Set(), transitions: new Set() };

/** What the trace shows up to `cursor`: every state a connection was in, every pair it moved along. */
export function coverageOf(records: readonly TraceRecord[], cursor: number): Coverage {
  const states = new Set<StateName>();
  const transitions = new Set<string>();
  for (const r of records) {
    if (r.kind !== 'state' || r.t > cursor) continue;
    states.add(r.from);
    states.add(r.to);
    const id = `${r.from}->${r.to}`;
    if (PAIR_IDS.has(id)) transitions.add(id);
  }
  return { states, transitions };
}

export function mergeCoverage(a: Coverage, b: Coverage): Coverage {
  return {
    states: new Set([...a.states, ...b.states]),
    transitions: new Set([...a.transitions, ...b.transitions]),
  };
}

/** Does `a` already hold everything `b` has? */
export const covers = (a: Coverage, b: Coverage): boolean =>
  [...b.states].every((s) => a.states.has(s)) &&
  [...b.transitions].every((t) => a.transitions.has(t));

export interface CoverageCount {
  readonly states: number;
  readonly statesTotal: number;
  readonly transitions: number;
  readonly transitionsTotal: number;
}

export const countCoverage = (c: Coverage): CoverageCount => ({
  states: c.states.size,
  statesTotal: STATES.length,
  transitions: c.transitions.size,
  transitionsTotal: PAIRS.length,
});

export const COVERAGE_KEY = 'tcp-playground.coverage';

export function coverageToJson(c: Coverage): string {
  return JSON.stringify({
    v: 1,
    states: STATES.filter((s) => c.states.has(s)),
    transitions: PAIRS.filter((p) => c.transitions.has(p.id)).map((p) => p.id),
  });
}

/** Read what coverageToJson wrote; anything unknown or malformed is ignored. */
export function coverageFromJson(text: string | null): Coverage {
  if (!text) return EMPTY_COVERAGE;
  try {
    const o = JSON.parse(text) as unknown;
    if (typeof o !== 'object' || o === null) return EMPTY_COVERAGE;
    const { states, transitions } = o as { states?: unknown; transitions?: unknown };
    const strings = (x: unknown): string[] =>
      Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : [];
    return {
      states: new Set(strings(states).filter((s) => STATE_SET.has(s)) as StateName[]),
      transitions: new Set(strings(transitions).filter((s) => PAIR_IDS.has(s))),
    };
  } catch {
    return EMPTY_COVERAGE;
  }
}

/** The part of Storage the store uses. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Accumulated coverage, shared by every walkthrough on the page, kept in `storage` when there is one. */
export class CoverageStore {
  private value: Coverage;
  private listeners = new Set<() => void>();

  constructor(private readonly storage: KeyValueStorage | null) {
    let text: string | null = null;
    try {
      text = storage?.getItem(COVERAGE_KEY) ?? null;
    } catch {
      // storage unavailable: start empty
    }
    this.value = coverageFromJson(text);
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  get = (): Coverage => this.value;

  /** Add what a run showed; nothing happens (no re-render) when it is already known. */
  add(c: Coverage): void {
    if (covers(this.value, c)) return;
    this.set(mergeCoverage(this.value, c));
  }

  reset(): void {
    this.set(EMPTY_COVERAGE);
  }

  private set(c: Coverage): void {
    this.value = c;
    try {
      if (c.states.size === 0 && c.transitions.size === 0) this.storage?.removeItem(COVERAGE_KEY);
      else this.storage?.setItem(COVERAGE_KEY, coverageToJson(c));
    } catch {
      // not persisted; it still holds for this page
    }
    for (const l of this.listeners) l();
  }
}

function browserStorage(): KeyValueStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** The page's store. */
export const coverageStore = new CoverageStore(browserStorage());
