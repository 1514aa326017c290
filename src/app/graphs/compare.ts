/**
 * A second run to draw under the first: the run before the last fork (the
 * session keeps it), or the same inputs under another setting — another
 * congestion control (the profile's `cc`) or the other profile.
 */
import {
  CC_ALGORITHMS,
  World,
  WorkBudgetExceeded,
  type CcAlgorithm,
  type Input,
  type ProfileName,
  type WorldOptions,
} from '../../core';

/** What the person may compare with. */
export type CompareChoice =
  | { readonly kind: 'none' }
  | { readonly kind: 'beforeFork' }
  | { readonly kind: 'cc'; readonly cc: CcAlgorithm }
  | { readonly kind: 'profile'; readonly profile: ProfileName };

/** The congestion controls the profile's `cc` takes (RFC 5681 Reno, RFC 6582 NewReno, RFC 9438 CUBIC). */
export const CC_NAMES: readonly CcAlgorithm[] = CC_ALGORITHMS;

export const choiceKey = (c: CompareChoice): string =>
  c.kind === 'cc' ? `cc:${c.cc}` : c.kind === 'profile' ? `profile:${c.profile}` : c.kind;

export function parseChoice(key: string): CompareChoice {
  const cc = CC_NAMES.find((n) => key === `cc:${n}`);
  if (cc) return { kind: 'cc', cc };
  if (key === 'profile:rfc' || key === 'profile:linux')
    return { kind: 'profile', profile: key.slice(8) as ProfileName };
  if (key === 'beforeFork') return { kind: 'beforeFork' };
  return { kind: 'none' };
}

/** The options of the same run under another setting. */
export function variantOptions(options: WorldOptions, choice: CompareChoice): WorldOptions | null {
  const base: WorldOptions = { ...options, budget: undefined, keepHistory: false };
  if (choice.kind === 'cc') return { ...base, overrides: { ...options.overrides, cc: choice.cc } };
  if (choice.kind === 'profile') return { ...base, profile: choice.profile };
  return null;
}

/**
 * Replay `inputs` under `options`, each at its recorded instant, to `until`.
 * World.replay applies an input after as many scheduler steps as the original
 * run had taken, which under another setting may be any instant; here each
 * input happens at its time, as a scenario's timed lines do. (A drop of a
 * segment by id drops whichever segment has that id in this run, if it is on
 * the link then.) The work is bounded: past `maxSegments` segments the replay
 * stops where it got to.
 */
export function replayAtTimes(
  options: WorldOptions,
  inputs: readonly Input[],
  until: number,
  maxSegments: number,
): { world: World; cut: boolean } {
  const w = new World({ ...options, budget: { segments: maxSegments } });
  try {
    for (const i of inputs) {
      w.runUntil(i.t);
      w.act(i.action);
    }
    w.runUntil(until);
    return { world: w, cut: false };
  } catch (e) {
    if (!(e instanceof WorkBudgetExceeded)) throw e;
    return { world: w, cut: true };
  }
}
