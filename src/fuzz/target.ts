/**
 * What the fuzzer does with one input, in-process (a worker runs it; see
 * worker.ts): parse it and, if accepted, run or replay it, exactly as the app
 * and the CLI do. The verdict says how it ended.
 *
 * A clean refusal is how hostile input is allowed to end:
 * - scenario text: `parseScenario` throws a `ScenarioError`; or the run throws
 *   an error named in CLEAN_ERROR_NAMES (`WorkBudgetExceeded`: the run was
 *   stopped by its work budget);
 * - share link: `readLink`/`decodeRun` returns `{ ok: false }` (except the
 *   decoder's own catch-all, "cannot read the run: …", which means something
 *   threw inside it); `replayRun` returns `{ ok: false }` for its step budget,
 *   or for an exception that is itself a clean refusal (re-run to see which);
 * - stored sessions: persist.ts's functions return `{ ok: false }`; the runs
 *   they load are replayed as a link's are.
 *
 * Anything else thrown is a crash. An invariant is a promise broken without a
 * throw: a run the parser accepted that the share-link codec refuses, a
 * decoded link that does not decode again once re-encoded, a damaged stored
 * value that a save overwrote, or an error message longer than
 * MAX_ERROR_CHARS (it repeats the input).
 */
import {
  ScenarioError,
  World,
  WorkBudgetExceeded,
  decodeRun,
  encodeRun,
  parseScenario,
  readLink,
  replayRun,
  runScenario,
  type SharedRun,
} from '../core';
import {
  CURRENT_KEY,
  SAVED_KEY,
  listSaved,
  loadCurrent,
  loadSaved,
  saveAs,
  saveCurrent,
  type StorageLike,
} from '../app/persist';

export type Kind = 'scenario' | 'link' | 'session';
export const KINDS: readonly Kind[] = ['scenario', 'link', 'session'];

export type FuzzInput =
  | { readonly kind: 'scenario'; readonly text: string }
  | { readonly kind: 'link'; readonly link: string }
  | { readonly kind: 'session'; readonly current: string | null; readonly saved: string | null };

/** How one input ended inside the worker. */
export type Verdict =
  | { readonly outcome: 'accepted' | 'refused'; readonly note: string }
  | {
      readonly outcome: 'crash' | 'invariant';
      readonly signature: string;
      readonly detail: string;
    };

/** Errors (by `name`) that are a clean refusal when a run or replay throws them. */
export const CLEAN_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ScenarioError',
  'WorkBudgetExceeded',
]);

/** The longest error message that does not count as repeating its input back. */
export const MAX_ERROR_CHARS = 2000;

const errText = (e: unknown): string =>
  e instanceof Error ? `${e.name}: ${e.message}` : `thrown ${typeof e}: ${String(e)}`;

function isCleanError(e: unknown): boolean {
  return (
    e instanceof ScenarioError ||
    e instanceof WorkBudgetExceeded ||
    (e instanceof Error && CLEAN_ERROR_NAMES.has(e.name))
  );
}

/** A short, stable name for an exception: its class, its message's shape, where it was thrown. */
export function crashSignature(e: unknown): string {
  if (!(e instanceof Error)) return `thrown ${typeof e}`;
  const msg = e.message
    .slice(0, 200)
    .replace(/\d+/g, 'N')
    .replace(/'[^']*'|"[^"]*"/g, 'S')
    .slice(0, 100);
  const frame = (e.stack ?? '')
    .split('\n')
    .slice(1)
    .find((l) => /\/src\/(core|app)\//.test(l));
  const where = frame
    ? frame
        .trim()
        .replace(/^at /, '')
        .replace(/:\d+:\d+\)?$/, '')
    : '?';
  return `${e.name}: ${msg} @ ${where.replace(/.*\/src\//, 'src/')}`;
}

const crash = (e: unknown, stage: string): Verdict => ({
  outcome: 'crash',
  signature: `${stage}: ${crashSignature(e)}`,
  detail: `${stage}: ${e instanceof Error ? (e.stack ?? errText(e)) : errText(e)}`.slice(0, 4000),
});

const broken = (signature: string, detail: string): Verdict => ({
  outcome: 'invariant',
  signature,
  detail: detail.slice(0, 4000),
});

function longMessage(stage: string, message: string): Verdict | null {
  return message.length > MAX_ERROR_CHARS
    ? broken(
        `${stage}: error message longer than ${MAX_ERROR_CHARS} characters`,
        `${message.length} characters: ${message.slice(0, 300)}…`,
      )
    : null;
}

// ------------------------------------------------------------------ scenario text

function runScenarioText(text: string): Verdict {
  let sc;
  try {
    sc = parseScenario(text, 'fuzz.scenario');
  } catch (e) {
    if (!(e instanceof ScenarioError)) return crash(e, 'parseScenario');
    return longMessage('parseScenario', e.format()) ?? { outcome: 'refused', note: e.format() };
  }
  let run;
  try {
    run = runScenario(sc);
  } catch (e) {
    if (!isCleanError(e)) return crash(e, 'runScenario');
    return { outcome: 'refused', note: errText(e) };
  }
  // What the app does next with a run: share it (and save it).
  const w = run.world;
  const shared: SharedRun = { v: 1, options: w.options, inputs: w.inputs, cursor: w.now };
  try {
    const d = decodeRun(encodeRun(shared));
    if (!d.ok)
      return broken(
        `accepted scenario, unshareable run: ${d.error.replace(/\d+/g, 'N').slice(0, 120)}`,
        d.error,
      );
  } catch (e) {
    return crash(e, 'encodeRun');
  }
  return { outcome: 'accepted', note: `ran to ${w.now} ms, ${w.stepsRun} steps` };
}

// ------------------------------------------------------------------ share links

/** Replay a decoded run as the app does; a `{ ok: false }` is looked at closer. */
function replay(run: SharedRun, stage: string): Verdict {
  const r = replayRun(run);
  if (r.ok) return { outcome: 'accepted', note: `replayed to ${r.world.now} ms` };
  const long = longMessage(stage, r.error);
  if (long) return long;
  if (!r.error.startsWith('cannot replay the run:')) return { outcome: 'refused', note: r.error };
  // replayRun turned an exception into a message: replay again (the same steps,
  // deterministically) to see the exception itself.
  try {
    World.replay(run.options, run.inputs, run.cursor);
  } catch (e) {
    if (isCleanError(e)) return { outcome: 'refused', note: r.error };
    return crash(e, stage);
  }
  return broken(`${stage}: replayRun failed but World.replay did not`, r.error);
}

function runLink(link: string): Verdict {
  const d = link.includes('#') ? readLink(link) : decodeRun(link);
  if (!d.ok) {
    if (d.error.startsWith('cannot read the run:'))
      return broken(
        `decodeRun threw inside: ${d.error.replace(/\d+/g, 'N').slice(0, 120)}`,
        d.error,
      );
    return longMessage('decodeRun', d.error) ?? { outcome: 'refused', note: d.error };
  }
  const again = decodeRun(encodeRun(d.run));
  if (!again.ok) return broken(`decoded run does not decode once re-encoded`, again.error);
  return replay(d.run, 'replayRun');
}

// ------------------------------------------------------------------ stored sessions

/** localStorage in memory. */
class MemoryStorage implements StorageLike {
  readonly data = new Map<string, string>();
  getItem(k: string): string | null {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.data.set(k, v);
  }
  removeItem(k: string): void {
    this.data.delete(k);
  }
  get length(): number {
    return this.data.size;
  }
  key(i: number): string | null {
    return [...this.data.keys()][i] ?? null;
  }
}

const TINY_RUN: SharedRun = { v: 1, options: { seed: 1 }, inputs: [], cursor: 0 };

function runSession(current: string | null, saved: string | null): Verdict {
  const store = new MemoryStorage();
  if (current !== null) store.setItem(CURRENT_KEY, current);
  if (saved !== null) store.setItem(SAVED_KEY, saved);
  const runs: [string, SharedRun][] = [];
  let refusals = 0;
  try {
    const c = loadCurrent(store);
    if (c.ok) {
      if (c.run) runs.push(['current', c.run]);
    } else {
      refusals++;
      const long = longMessage('loadCurrent', c.error);
      if (long) return long;
      // A damaged value is reported, never overwritten.
      if (saveCurrent(store, TINY_RUN).ok || store.getItem(CURRENT_KEY) !== current)
        return broken('saveCurrent overwrote a damaged current run', c.error);
    }
    const l = listSaved(store);
    if (l.ok) {
      for (const it of l.items) {
        const s = loadSaved(store, it.name);
        if (s.ok) runs.push([`saved ${JSON.stringify(it.name)}`, s.run]);
        else {
          refusals++;
          const long = longMessage('loadSaved', s.error);
          if (long) return long;
        }
      }
    } else {
      refusals++;
      const long = longMessage('listSaved', l.error);
      if (long) return long;
      if (
        saveAs(store, 'fuzz', TINY_RUN, '2026-01-01T00:00:00.000Z').ok ||
        store.getItem(SAVED_KEY) !== saved
      )
        return broken('saveAs overwrote damaged saved sessions', l.error);
    }
  } catch (e) {
    return crash(e, 'persist');
  }
  for (const [what, run] of runs) {
    const v = replay(run, 'replayRun (stored)');
    if (v.outcome === 'crash' || v.outcome === 'invariant')
      return { ...v, detail: `${what}: ${v.detail}` };
    if (v.outcome === 'refused') refusals++;
  }
  return {
    outcome: runs.length === 0 || refusals > 0 ? 'refused' : 'accepted',
    note: `${runs.length} runs loaded, ${refusals} refusals`,
  };
}

/** Run one input; never throws. */
export function runInput(input: FuzzInput): Verdict {
  try {
    switch (input.kind) {
      case 'scenario':
        return runScenarioText(input.text);
      case 'link':
        return runLink(input.link);
      case 'session':
        return runSession(input.current, input.saved);
    }
  } catch (e) {
    return crash(e, `harness (${input.kind})`);
  }
}
