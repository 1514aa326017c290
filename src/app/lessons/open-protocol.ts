/**
 * What the page and the opening worker (open.worker.ts) say to each other.
 * Everything here is plain data: it crosses postMessage by structured clone.
 * A World cannot (it holds XState actors and closures), so the worker sends
 * back the inputs that rebuild one, never the World itself.
 */
import type { Input, WorldOptions } from '../../core';

/**
 * The most work the app does to open one file, link or stored session, and the
 * most one opened run may do afterwards. Measured on the core as it is (about
 * 30,000 events a second with history kept, ~3 KB of history per event), this
 * is one to two seconds and well under 500 MB: the limits of issue 9.
 */
export interface OpenBudget {
  readonly events: number;
  readonly segments: number;
}

export const OPEN_BUDGET: OpenBudget = { events: 50_000, segments: 25_000 };

/** How far the worker has got: work done, and the virtual instant reached (ms). */
export interface OpenProgress {
  readonly phase: 'reading' | 'running';
  readonly events: number;
  readonly segments: number;
  readonly t: number;
}

/** A run as the plain inputs that rebuild it (`World.replay(options, inputs, until)`). */
export interface PlainRun {
  readonly options: WorldOptions;
  readonly inputs: Input[];
  /** The instant the rebuilt world must stand at. */
  readonly until: number;
  /** The instant on screen once it is open. */
  readonly cursor: number;
  /** The gallery scenario a shared run came from, if any. */
  readonly scenario?: string;
  /** The work the worker did to run it (what the page's rebuild will do again). */
  readonly work: { readonly events: number; readonly segments: number };
}

export type OpenResult =
  | { readonly ok: true; readonly run: PlainRun }
  | {
      readonly ok: false;
      /** `invalid`: the input is wrong; `budget`: it is valid but needs too much work. */
      readonly kind: 'invalid' | 'budget';
      readonly error: string;
    };

/** The worker's interface, as comlink exposes it. */
export interface OpenWorkerApi {
  /** Parse a scenario file and run it to its end. */
  scenario(
    text: string,
    name: string,
    budget: OpenBudget,
    progress: (p: OpenProgress) => void,
  ): OpenResult;
  /** Decode a share link (the whole URL, `#run=…`) and replay it up to its cursor. */
  link(url: string, budget: OpenBudget, progress: (p: OpenProgress) => void): OpenResult;
  /** Replay a run already decoded (a stored session) up to its cursor. */
  inputs(run: PlainRunRequest, budget: OpenBudget, progress: (p: OpenProgress) => void): OpenResult;
}

/** A decoded run to replay: a stored session as persist.ts reads it. */
export interface PlainRunRequest {
  readonly options: WorldOptions;
  readonly inputs: Input[];
  readonly cursor: number;
  readonly scenario?: string;
}
