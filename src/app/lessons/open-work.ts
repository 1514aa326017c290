/**
 * The work of the opening worker (open.worker.ts), apart from the messaging so
 * it can be tested in Node: parse a scenario file, decode a share link or take
 * a stored session, and run or replay it within a work budget, reporting
 * progress. The answer is plain data — the options and inputs that rebuild the
 * run, and the work it took — or a refusal naming the problem. The page
 * rebuilds the World from those (opener.ts); a World itself cannot cross
 * postMessage.
 */
import {
  ScenarioError,
  World,
  RunBudgetExceeded,
  WorkBudgetExceeded,
  parseScenario,
  readLink,
  runScenario,
  type Watch,
} from '../../core';
import type {
  OpenBudget,
  OpenProgress,
  OpenResult,
  OpenWorkerApi,
  PlainRun,
  PlainRunRequest,
} from './open-protocol';

/**
 * The longest scenario file opened (characters). Parsing reports no progress
 * and takes about a second per megabyte of dense lines, so a cap keeps it short
 * of the page's stall watchdog; real scenario files are a few kilobytes.
 */
export const MAX_SCENARIO_CHARS = 1024 * 1024;

/** Wall-clock ms between progress reports. */
const REPORT_MS = 50;
/**
 * Report progress at most every REPORT_MS while a run goes on. The World stops
 * itself at the budget (inside a step too); this only watches.
 */
function watcher(progress: (p: OpenProgress) => void): Watch {
  let last = performance.now();
  return (w) => {
    const now = performance.now();
    if (now - last < REPORT_MS) return;
    last = now;
    progress({ phase: 'running', ...work(w), t: w.now });
  };
}

const refuse = (kind: 'invalid' | 'budget', error: string): OpenResult => ({
  ok: false,
  kind,
  error,
});

/** Run `f`, watched; any failure becomes a refusal that names it. */
function metered(progress: (p: OpenProgress) => void, f: (watch: Watch) => PlainRun): OpenResult {
  progress({ phase: 'reading', events: 0, segments: 0, t: 0 });
  try {
    return { ok: true, run: f(watcher(progress)) };
  } catch (e) {
    if (e instanceof WorkBudgetExceeded) return refuse('budget', e.message);
    if (e instanceof RunBudgetExceeded)
      return refuse('budget', new WorkBudgetExceeded(e.what, e.limit).message);
    if (e instanceof ScenarioError) return refuse('invalid', e.format());
    return refuse('invalid', e instanceof Error ? e.message : String(e));
  }
}

const work = (w: World) => ({ events: w.stepsRun, segments: w.trace.segmentCount });

/** Replay a decoded run up to its cursor, as the page will rebuild it. */
function replay(run: PlainRunRequest, budget: OpenBudget, watch: Watch): PlainRun {
  const last = run.inputs[run.inputs.length - 1];
  // Refused before any work when the inputs themselves say they need more.
  if (last && last.steps > budget.events) throw new WorkBudgetExceeded('events', budget.events);
  // History (for scrubbing) is the page's business; the worker only proves the run is bounded.
  const w = World.replay(
    { ...run.options, keepHistory: false, budget },
    run.inputs,
    run.cursor,
    watch,
  );
  return {
    options: { ...run.options, keepHistory: undefined },
    inputs: run.inputs,
    until: run.cursor,
    cursor: run.cursor,
    ...(run.scenario !== undefined ? { scenario: run.scenario } : {}),
    work: work(w),
  };
}

/** What the worker does; open.worker.ts exposes it to the page. */
export const openWork: OpenWorkerApi = {
  scenario(text, name, budget, progress) {
    return metered(progress, (watch) => {
      if (text.length > MAX_SCENARIO_CHARS)
        throw new Error(
          `${name} has ${text.length.toLocaleString('en-US')} characters; scenario files of up to ${MAX_SCENARIO_CHARS.toLocaleString('en-US')} are opened`,
        );
      const sc = parseScenario(text, name);
      const { world } = runScenario(sc, { budget, watch });
      return {
        options: world.options,
        inputs: world.inputs,
        until: world.now,
        cursor: 0,
        work: work(world),
      };
    });
  },
  link(url, budget, progress) {
    return metered(progress, (watch) => {
      const d = readLink(url);
      if (!d.ok) throw new Error(d.error);
      return replay(d.run, budget, watch);
    });
  },
  inputs(run, budget, progress) {
    return metered(progress, (watch) => replay(run, budget, watch));
  },
};
