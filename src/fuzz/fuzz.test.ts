/**
 * The fuzz suite's short run inside `npm test`: 40 inputs of each kind (scenario
 * text, share links, stored sessions) through the same harness as `npm run
 * test:fuzz`, in worker threads, with generous limits (10 s and 512 MB per
 * input, for work that takes milliseconds). It asserts outcome classes only —
 * no hang, crash, runaway memory or broken invariant — never durations.
 *
 * A failure lists each input with its kind, index and seed; `npm run test:fuzz
 * -- --seed 7 --runs 40` finds the same inputs and shrinks them.
 */
import { describe, expect, it } from 'vitest';
import { runCampaign, show, sizeOf } from './harness';
import { Budget, covers, shrinkList, shrinkText } from './shrink';
import { KINDS } from './target';

const SEED = 7;
const RUNS = 40;

describe('fuzz (short run)', () => {
  it(
    `${RUNS} inputs of each kind end accepted or cleanly refused`,
    async () => {
      const r = await runCampaign({
        seed: SEED,
        runs: RUNS,
        workers: 2,
        timeoutMs: 10_000,
        heapMb: 512,
        maxShrink: 0,
        shrinkTimeoutMs: 10_000,
        shrinkTests: 0,
        shrinkMs: 0,
        outDir: null,
      });
      for (const k of KINDS) {
        const c = r.counts[k];
        // Every input came back with a verdict, and the generators reach both sides
        // of the parser: some inputs are accepted and run, some are refused.
        expect(Object.values(c).reduce((a, b) => a + b, 0)).toBe(RUNS);
        expect(c.accepted ?? 0, `${k}: accepted`).toBeGreaterThan(0);
        expect(c.refused ?? 0, `${k}: refused`).toBeGreaterThan(0);
      }
      expect(
        r.findings.map(
          (f) =>
            `${f.kind} #${f.index} (seed ${SEED}): ${f.outcome} — ${f.group}\n  ${show(f.input, 300)}`,
        ),
      ).toEqual([]);
    },
    // Only a bound on a failing run: each hang costs one 10 s limit.
    900_000,
  );
});

describe('shrinking', () => {
  it('delta debugging keeps just what makes a list fail', async () => {
    const xs = Array.from({ length: 40 }, (_, i) => i);
    const b = new Budget(1000, 60_000);
    const out = await shrinkList(xs, (c) => Promise.resolve(c.includes(3) && c.includes(31)), b);
    expect(out).toEqual([3, 31]);
  });

  it('shrinks scenario text to the line, word and character that matter', async () => {
    const text = 'seed 1\nlink both delay 50ms\n0 server l\u00a0= socket()\nrun until idle\n';
    const b = new Budget(1000, 60_000);
    const out = await shrinkText(text, (t) => Promise.resolve(t.includes('\u00a0')), b);
    expect(out).toBe('\u00a0');
  });

  it('stops at its budget', async () => {
    const b = new Budget(5, 60_000);
    const out = await shrinkList(
      Array.from({ length: 100 }, (_, i) => i),
      () => Promise.resolve(false),
      b,
    );
    expect(out).toHaveLength(100);
    expect(b.tests).toBe(5);
  });

  it('groups an input with a reproducer it contains', () => {
    const rep = { kind: 'scenario', text: 'set mss 5' } as const;
    expect(
      covers(rep, { kind: 'scenario', text: 'seed 2\nset mss 5\n0 client s = socket()' }),
    ).toBe(true);
    expect(covers(rep, { kind: 'scenario', text: 'set mss 50' })).toBe(true);
    expect(covers(rep, { kind: 'scenario', text: 'set mss 6' })).toBe(false);
    expect(sizeOf(rep)).toBe(9);
  });
});
