/**
 * The seeds mutations start from: the shipped scenario files, and the runs
 * they make, as share links — real inputs, so a mutation is one step away
 * from something valid.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeRun, parseScenario, runScenario, type SharedRun } from '../core';

const DIR = fileURLToPath(new URL('../../public/scenarios/', import.meta.url));

export interface Corpus {
  /** Scenario files, by name, sorted by name. */
  readonly scenarios: readonly { readonly name: string; readonly text: string }[];
  /** Each scenario's run, encoded as a share link's text. */
  readonly links: readonly string[];
}

let cached: Corpus | null = null;

export function loadCorpus(): Corpus {
  if (cached) return cached;
  const scenarios = readdirSync(DIR)
    .filter((f) => f.endsWith('.scenario'))
    .sort()
    .map((name) => ({ name, text: readFileSync(DIR + name, 'utf8') }));
  const links = scenarios.map(({ name, text }) => {
    const w = runScenario(parseScenario(text, name)).world;
    const run: SharedRun = {
      v: 1,
      options: w.options,
      inputs: w.inputs,
      cursor: w.now,
      scenario: name.replace(/\.scenario$/, ''),
    };
    return encodeRun(run);
  });
  cached = { scenarios, links };
  return cached;
}
