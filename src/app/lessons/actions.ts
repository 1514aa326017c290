/**
 * The heavier half of lessons and files, loaded on first use so the first page
 * stays small: opening scenario files, share links and stored sessions (in a
 * worker, opener.ts), scenario metadata, C programs, pcap, downloads and exports.
 */
import {
  ScenarioError,
  cPrograms,
  readMeta,
  runLink,
  scenarioFromRun,
  writePcap,
} from '../../core';
import type { Session } from '../session';

export { cPrograms, readMeta, runLink, writePcap };
export * from '../persist';
export * from './download';
export * from './opener';
export * from './opening';
export { adoptOpened } from './adopt';
export { ProgressPanel, LimitNotice } from './Progress';

/** Why something could not be opened, in words that name the line for a scenario file. */
export function problem(e: unknown): string {
  if (e instanceof ScenarioError) return e.format();
  return e instanceof Error ? e.message : String(e);
}

/** The run as a scenario file: the file it was opened from if untouched, else every input at its instant. */
export function scenarioText(session: Session): { name: string; text: string } {
  const src = session.source;
  if (src && src.inputs === session.world.inputs.length) return { name: src.name, text: src.text };
  return { name: 'session.scenario', text: scenarioFromRun(session.world) };
}
