/**
 * Opening a scenario file, a share link or a stored session without ever
 * freezing the page. Two halves:
 *
 *  1. In a Web Worker (open.worker.ts, one per job): parse or decode the input,
 *     then run or replay it under a work budget, reporting progress. The
 *     worker answers with plain data — the options and inputs that rebuild
 *     the run — or a refusal naming the problem. Cancel terminates the worker:
 *     nothing on the page has changed by then.
 *  2. On the page (`rebuild`): the World is built again from those inputs,
 *     since a World (XState actors, closures) cannot cross postMessage. Only
 *     then is the session's run replaced.
 *
 * This module and the worker load on first use (through actions.ts), not with
 * the first page.
 */
import { proxy, wrap } from 'comlink';
import { World, WorkBudgetExceeded } from '../../core';
import {
  OPEN_BUDGET,
  type OpenBudget,
  type OpenProgress,
  type OpenResult,
  type OpenWorkerApi,
  type PlainRun,
  type PlainRunRequest,
} from './open-protocol';

export { OPEN_BUDGET, type OpenBudget, type OpenProgress, type PlainRun };

export type OpenRequest =
  | { readonly kind: 'scenario'; readonly text: string; readonly name: string }
  | { readonly kind: 'link'; readonly url: string }
  | { readonly kind: 'inputs'; readonly run: PlainRunRequest };

export type JobOutcome =
  | OpenResult
  | { readonly ok: false; readonly kind: 'cancelled' }
  /** The worker went quiet (no progress report for STALL_MS) and was stopped. */
  | { readonly ok: false; readonly kind: 'stalled'; readonly seconds: number };

export interface OpenJob {
  /** Settles once: with the worker's answer, or as cancelled or stalled. Never rejects. */
  readonly done: Promise<JobOutcome>;
  /** Stop now: the worker is terminated and `done` settles as cancelled. */
  cancel(): void;
}

/**
 * A worker that has said nothing for this long (it reports every 50 ms while
 * running) is stuck inside one step the budget cannot see — say a parser loop
 * — and is stopped before its memory can grow without end. Counted from its
 * first report, so a worker script that is slow to arrive is not cut short.
 */
export const STALL_MS = 8000;

/** Start opening `request` in a fresh worker. */
export function startOpen(
  request: OpenRequest,
  budget: OpenBudget,
  onProgress: (p: OpenProgress) => void,
): OpenJob {
  const worker = new Worker(new URL('./open.worker.ts', import.meta.url), {
    type: 'module',
    name: 'tcp-playground-open',
  });
  const remote = wrap<OpenWorkerApi>(worker);
  let settle: (o: JobOutcome) => void = () => undefined;
  const done = new Promise<JobOutcome>((resolve) => (settle = resolve));
  let finished = false;
  let heard: number | null = null;
  const watchdog = window.setInterval(() => {
    if (heard !== null && performance.now() - heard > STALL_MS)
      finish({ ok: false, kind: 'stalled', seconds: STALL_MS / 1000 });
  }, 500);
  function finish(o: JobOutcome): void {
    if (finished) return;
    finished = true;
    window.clearInterval(watchdog);
    worker.terminate();
    settle(o);
  }
  const progress = proxy((p: OpenProgress) => {
    heard = performance.now();
    if (!finished) onProgress(p);
  });
  worker.addEventListener('error', (e) =>
    finish({ ok: false, kind: 'invalid', error: `the worker failed: ${e.message || 'error'}` }),
  );
  const call =
    request.kind === 'scenario'
      ? remote.scenario(request.text, request.name, budget, progress)
      : request.kind === 'link'
        ? remote.link(request.url, budget, progress)
        : remote.inputs(request.run, budget, progress);
  call.then(finish, (e: unknown) =>
    finish({
      ok: false,
      kind: 'invalid',
      error: `the worker failed: ${e instanceof Error ? e.message : String(e)}`,
    }),
  );
  return { done, cancel: () => finish({ ok: false, kind: 'cancelled' }) };
}

/**
 * The World for a run the worker has opened, built on the page.
 *
 * Why this is safe on the main thread: the worker has just done this very work
 * — the same options and inputs, replayed to the same instant, and the core is
 * deterministic — and finished within `budget`, so the rebuild does the same
 * bounded amount (`run.work`). It still runs under that budget, so if that
 * reasoning ever failed (a recorded run whose replay differs, a bug), it stops
 * at the budget with WorkBudgetExceeded instead of freezing the page; the
 * caller then refuses the run and the session stays as it was. The budget
 * stays with the World: what is done with the run afterwards is bounded too.
 */
export function rebuild(
  run: PlainRun,
  budget: OpenBudget,
): { ok: true; world: World } | { ok: false; error: string } {
  try {
    return { ok: true, world: World.replay({ ...run.options, budget }, run.inputs, run.until) };
  } catch (e) {
    if (e instanceof WorkBudgetExceeded) return { ok: false, error: e.message };
    return { ok: false, error: `cannot rebuild the run: ${String(e)}` };
  }
}
