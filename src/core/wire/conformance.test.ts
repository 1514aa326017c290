/**
 * Conformance with a real Linux kernel: every capture in conformance/linux/
 * (copied from the project's shared reference traces) has a scenario of the
 * same name beside it, and running it under the `linux` profile
 * with near-zero link delay puts the same segments on the wire — direction,
 * flags, relative seq and ack, length — at the same times within 10%.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareWire, formatWireLine, parseReference, wireLines } from './conformance';
import { parseScenario } from '../formats/scenario';
import { runScenario } from '../formats/scenario-runner';

const root = join(__dirname, '..', '..', '..');
const refDir = join(root, 'conformance', 'linux');
const names = readdirSync(refDir)
  .filter((f) => f.endsWith('.segments'))
  .map((f) => f.replace(/\.segments$/, ''))
  .sort();

describe('reference captures', () => {
  it('are all here (seven scenarios)', () => {
    expect(names).toEqual([
      'echo',
      'half-close',
      'lost-syn',
      'refused',
      'syn-timeout',
      'syn-timeout-default',
      'syn-timeout-exponential',
    ]);
  });

  // The shared reference folder sits beside the repository in CI and on developers' machines.
  const shared = join(root, '..', 'shared', 'reference', 'linux', 'traces');
  it.skipIf(!existsSync(shared))('are identical to the shared reference traces', () => {
    for (const n of names) {
      for (const ext of ['segments', 'calls']) {
        expect(readFileSync(join(refDir, `${n}.${ext}`), 'utf8'), `${n}.${ext}`).toBe(
          // The shared traces are named with underscores; ours with hyphens, like every file here.
          readFileSync(join(shared, `${n.replace(/-/g, '_')}.${ext}`), 'utf8'),
        );
      }
    }
  });
});

describe.each(names)('linux conformance: %s', (name) => {
  // Each capture's scenario lives beside it.
  const text = readFileSync(join(refDir, `${name}.scenario`), 'utf8');
  const sc = parseScenario(text, `${name}.scenario`);
  const run = runScenario(sc);

  it('runs under the linux profile with near-zero link delay', () => {
    expect(run.world.profile.name).toBe('linux');
    for (const side of ['client', 'server'] as const) {
      expect(run.world.link.config[side].delay).toBeLessThanOrEqual(0.1);
    }
  });

  it('puts the same segments on the wire as the kernel, at the same times within 10%', () => {
    const expected = parseReference(readFileSync(join(refDir, `${name}.segments`), 'utf8'));
    const actual = wireLines(run.world.trace.records);
    const mismatches = compareWire(expected, actual, 0.1, 5);
    const report = mismatches.map(
      (m) =>
        `#${m.index}: ${m.what}\n   ours:   ${m.actual ? formatWireLine(m.actual) : '-'}\n   kernel: ${m.expected ? formatWireLine(m.expected) : '-'}`,
    );
    expect(report).toEqual([]);
    expect(actual.length).toBe(expected.length);
  });

  it('gives every socket call the result the kernel gave', () => {
    const failed = run.expectations.filter((e) => !e.ok);
    expect(failed).toEqual([]);
    expect(run.expectations.length).toBeGreaterThan(0);
  });
});

describe('the comparison itself', () => {
  const ref = parseReference(
    '0.0 1000 9821 ··········S· 0 0 0\n1.0 1000 9821 ··········S· 0 0 0\n',
  );
  it('notices a wrong time, a wrong flag and a missing segment', () => {
    const ok = [
      { time: 0, dir: 'c>s', flags: 'S', seq: 0, ack: 0, len: 0 },
      { time: 1.05, dir: 'c>s', flags: 'S', seq: 0, ack: 0, len: 0 },
    ] as const;
    expect(compareWire(ref, ok)).toEqual([]);
    expect(compareWire(ref, [ok[0], { ...ok[1], time: 1.2 }])[0]?.what).toMatch(/time/);
    expect(compareWire(ref, [ok[0], { ...ok[1], flags: 'SA' }])[0]?.what).toMatch(/flags/);
    expect(compareWire(ref, [ok[0]])[0]?.what).toBe('missing segment');
  });
});
