/**
 * What the page and the opening worker (open.worker.ts) say to each other.
 * Everything here is plain data: it crosses postMessage by structured clone.
 * A World cannot (it holds XState actors and closures), so the worker sends
 * back the inputs that rebuild one, never the World itself.
 */
import type { Input, WorldOptions } from '../../core';

/**
 * The most work the app does to open one file, link or stored session, and the
 * most one opened run may do afterwards: scheduler events run and segments sent.
 * Measured in headless Chromium, a run keeping its history goes at about
 * 15,000 events a second and ~3 KB an event, so the worst case — an input just
 * inside the budget — costs about 1.5 s in the worker, then about as much to
 * rebuild on the page, and well under 500 MB: issue 9 asks for 2 s and 500 MB.
 * The gallery's scenarios need at most 40 events; a session clicked through by
 * hand, a few hundred.
 */
export interface OpenBudget {
  readonly events: number;
  readonly segments: number;
  /**
   * Payload bytes drop rules may search (`containing`); no limit when left
   * out. 64 MiB is about a tenth of a second of searching.
   */
  readonly scanBytes?: number;
}

export const OPEN_BUDGET: OpenBudget = {
  events: 20_000,
  segments: 10_000,
  scanBytes: 64 * 1024 * 1024,
};

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
