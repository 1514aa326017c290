/** Putting a run the worker has opened on screen. */
import type { Session } from '../session';
import { rebuild, type OpenBudget, type PlainRun } from './opener';

/**
 * Show a run the opening worker has run within `budget`: rebuild its World on
 * the page (bounded, see opener.ts) and only then replace the session's run.
 * A file keeps its text, so "Save as file" gives it back untouched.
 */
export function adoptOpened(
  session: Session,
  run: PlainRun,
  budget: OpenBudget,
  file?: { text: string; name: string; id?: string },
): { ok: true } | { ok: false; error: string } {
  const r = rebuild(run, budget);
  if (!r.ok) return r;
  const source = file
    ? { ...file, inputs: r.world.inputs.length }
    : run.scenario
      ? { text: '', name: `${run.scenario}.scenario`, id: run.scenario, inputs: -1 }
      : null;
  session.adopt(r.world, run.cursor, source);
  return { ok: true };
}
