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
/** World steps between looks at the wall clock. */
const CHECK_EVERY = 256;

interface Meter {
  readonly budget: OpenBudget;
  readonly progress: (p: OpenProgress) => void;
  lastReport: number;
}

let meter: Meter | null = null;

function report(m: Meter, w: World): void {
  m.lastReport = performance.now();
  m.progress({
    phase: 'running',
    events: w.stepsRun,
    segments: w.trace.segments.length,
    t: w.now,
  });
}

/*
 * Every World step in this worker goes through the meter. runScenario builds
 * its own World and takes no work budget (issue 9, item 5, is being fixed in
 * the core), so this is where a scenario run is counted, reported and stopped
 * at the budget; replays also get the budget in their WorldOptions, which the
 * World enforces itself, inside a step too. This changes only the worker's
 * own copy of the core: the page's World is untouched.
 */
let installed = false;

/** Put the meter on World.prototype.step (once). Only the worker (and tests of it) call this. */
export function installMeter(): void {
  if (installed) return;
  installed = true;
  const step = Object.getOwnPropertyDescriptor(World.prototype, 'step')!.value as (
    this: World,
  ) => boolean;
  World.prototype.step = function meteredStep(this: World): boolean {
    const m = meter;
    if (m && this.stepsRun >= m.budget.events)
      throw new WorkBudgetExceeded('events', m.budget.events);
    const ran = step.call(this);
    if (m) {
      if (this.trace.segments.length > m.budget.segments)
        throw new WorkBudgetExceeded('segments', m.budget.segments);
      if (this.stepsRun % CHECK_EVERY === 0 && performance.now() - m.lastReport >= REPORT_MS)
        report(m, this);
    }
    return ran;
  };
}

const refuse = (kind: 'invalid' | 'budget', error: string): OpenResult => ({
  ok: false,
  kind,
  error,
});

/** Run `f` under the meter; any failure becomes a refusal that names it. */
function metered(
  budget: OpenBudget,
  progress: (p: OpenProgress) => void,
  f: () => PlainRun,
): OpenResult {
  meter = { budget, progress, lastReport: performance.now() };
  progress({ phase: 'reading', events: 0, segments: 0, t: 0 });
  try {
    return { ok: true, run: f() };
  } catch (e) {
    if (e instanceof WorkBudgetExceeded) return refuse('budget', e.message);
    if (e instanceof RunBudgetExceeded)
      return refuse('budget', new WorkBudgetExceeded(e.what, e.limit).message);
    if (e instanceof ScenarioError) return refuse('invalid', e.format());
    return refuse('invalid', e instanceof Error ? e.message : String(e));
  } finally {
    meter = null;
  }
}

const work = (w: World) => ({ events: w.stepsRun, segments: w.trace.segments.length });

/** Replay a decoded run up to its cursor, as the page will rebuild it. */
function replay(run: PlainRunRequest, budget: OpenBudget): PlainRun {
  const last = run.inputs[run.inputs.length - 1];
  // Refused before any work when the inputs themselves say they need more.
  if (last && last.steps > budget.events) throw new WorkBudgetExceeded('events', budget.events);
  // History (for scrubbing) is the page's business; the worker only proves the run is bounded.
  const w = World.replay({ ...run.options, keepHistory: false, budget }, run.inputs, run.cursor);
  return {
    options: { ...run.options, keepHistory: undefined },
    inputs: run.inputs,
    until: run.cursor,
    cursor: run.cursor,
    ...(run.scenario !== undefined ? { scenario: run.scenario } : {}),
    work: work(w),
  };
}

/** What the worker does; open.worker.ts exposes it to the page. Call installMeter() first. */
export const openWork: OpenWorkerApi = {
  scenario(text, name, budget, progress) {
    return metered(budget, progress, () => {
      if (text.length > MAX_SCENARIO_CHARS)
        throw new Error(
          `${name} has ${text.length.toLocaleString('en-US')} characters; scenario files of up to ${MAX_SCENARIO_CHARS.toLocaleString('en-US')} are opened`,
        );
      const sc = parseScenario(text, name);
      const { world } = runScenario(sc, { budget });
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
    return metered(budget, progress, () => {
      const d = readLink(url);
      if (!d.ok) throw new Error(d.error);
      return replay(d.run, budget);
    });
  },
  inputs(run, budget, progress) {
    return metered(budget, progress, () => replay(run, budget));
  },
};
