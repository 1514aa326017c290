/**
 * The heavier half of lessons and files, loaded on first use so the first page
 * stays small: parsing and running scenario files, share links and stored
 * sessions (decode, validate, replay), scenario metadata, C programs, pcap.
 */
import {
  ScenarioError,
  cPrograms,
  parseScenario,
  readLink,
  readMeta,
  replayRun,
  runLink,
  runScenario,
  scenarioFromRun,
  writePcap,
  type SharedRun,
} from '../../core';
import type { Session } from '../session';

export { cPrograms, readLink, readMeta, runLink, writePcap };
export * from '../persist';

/** Why something could not be opened, in words that name the line for a scenario file. */
export function problem(e: unknown): string {
  if (e instanceof ScenarioError) return e.format();
  return e instanceof Error ? e.message : String(e);
}

/**
 * Open a scenario: it runs to its end at once (virtual time is cheap), and the
 * cursor goes back to its start. Throws (ScenarioError, with line and column)
 * for a bad file before anything on screen changes.
 */
export function loadScenario(session: Session, text: string, name: string, id?: string): void {
  const run = runScenario(parseScenario(text, name));
  session.adopt(run.world, 0, { text, name, id, inputs: run.world.inputs.length });
}

/**
 * Rebuild a run from its inputs (a share link, a saved session): the same seed
 * and inputs give the same trace. A step budget keeps a crafted link from
 * freezing the page; history stays on whatever the link says.
 */
export function importRun(
  session: Session,
  run: SharedRun,
): { ok: true } | { ok: false; error: string } {
  const r = replayRun({ ...run, options: { ...run.options, keepHistory: undefined } });
  if (!r.ok) return r;
  session.adopt(
    r.world,
    run.cursor,
    run.scenario
      ? { text: '', name: `${run.scenario}.scenario`, id: run.scenario, inputs: -1 }
      : null,
  );
  return { ok: true };
}

/** The run as a scenario file: the file it was opened from if untouched, else every input at its instant. */
export function scenarioText(session: Session): { name: string; text: string } {
  const src = session.source;
  if (src && src.inputs === session.world.inputs.length) return { name: src.name, text: src.text };
  return { name: 'session.scenario', text: scenarioFromRun(session.world) };
}
