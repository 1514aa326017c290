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
import {
  compareWire,
  formatWireLine,
  parseReference,
  sysctlOverrides,
  wireLines,
} from './conformance';
import { parseScenario } from '../formats/scenario';
import { runScenario } from '../formats/scenario-runner';

const root = join(__dirname, '..', '..', '..');
const refDir = join(root, 'conformance', 'linux');
const names = readdirSync(refDir)
  .filter((f) => f.endsWith('.segments'))
  .map((f) => f.replace(/\.segments$/, ''))
  .sort();

describe('reference captures', () => {
  it('every declared divergence is explained in docs/conformance.md', () => {
    const doc = readFileSync(join(root, 'docs', 'conformance.md'), 'utf8');
    for (const n of Object.keys(KNOWN)) expect(doc, n).toContain(`### \`${n}\``);
  });

  it('are all here (the fourteen shared scenarios)', () => {
    expect(names).toEqual([
      'delayed-ack',
      'echo',
      'half-close',
      'lost-data',
      'lost-data-nosack',
      'lost-syn',
      'lost-syn-ack',
      'refused',
      'rst-on-linger0',
      'simultaneous-close-lost-fins',
      'syn-timeout',
      'syn-timeout-default',
      'syn-timeout-exponential',
      'zero-window',
    ]);
  });

  // The shared reference folder sits beside the repository in CI and on developers' machines.
  const shared = join(root, '..', 'shared', 'reference', 'linux');
  it.skipIf(!existsSync(shared))('are identical to the shared reference traces', () => {
    for (const n of names) {
      // The shared traces are named with underscores; ours with hyphens, like every file here.
      const base = n.replace(/-/g, '_');
      const dir = ['traces', 'traces2'].find((d) =>
        existsSync(join(shared, d, `${base}.segments`)),
      );
      expect(dir, n).toBeDefined();
      for (const ext of [
        'segments',
        'calls',
        ...(dir === 'traces2' ? ['scenario', 'sysctl'] : []),
      ]) {
        expect(readFileSync(join(refDir, `${n}.${ext}`), 'utf8'), `${n}.${ext}`).toBe(
          readFileSync(join(shared, dir!, `${base}.${ext}`), 'utf8'),
        );
      }
    }
  });
});

/**
 * Rows the model cannot match yet, each explained in docs/conformance.md with the
 * kernel's row beside ours. The test holds the model to exactly these: a row that
 * starts to match, or a new one that stops, fails it, so the list and the document
 * stay true. `calls`: how many socket-call results differ as a consequence.
 */
const KNOWN: Readonly<Record<string, { rows: readonly number[]; calls: number; why: string }>> = {
  'lost-syn-ack': {
    rows: [2, 3, 4, 5],
    calls: 0,
    why: "both 1 s timers expire in one kernel timer tick and the server's runs first; the model's client timer runs 10 µs earlier",
  },
  'zero-window': {
    rows: [4, 5, ...Array.from({ length: 41 - 13 }, (_, i) => 13 + i)],
    calls: 10,
    why: 'loopback answers the first segment before the second leaves; after the window reopens the kernel sends 2048-byte packets where the model sends 1024-byte segments',
  },
};

describe.each(names)('linux conformance: %s', (name) => {
  // Each capture's scenario lives beside it.
  const text = readFileSync(join(refDir, `${name}.scenario`), 'utf8');
  const sc = parseScenario(text, `${name}.scenario`);
  // The second set of captures records the kernel's sysctls beside each; the run uses them.
  const sysctl = join(refDir, `${name}.sysctl`);
  const overrides = existsSync(sysctl) ? sysctlOverrides(readFileSync(sysctl, 'utf8')) : {};
  const run = runScenario(sc, { overrides });

  it('runs under the linux profile with near-zero link delay', () => {
    expect(run.world.profile.name).toBe('linux');
    for (const side of ['client', 'server'] as const) {
      expect(run.world.link.config[side].delay).toBeLessThanOrEqual(0.1);
    }
  });

  it('puts the same segments on the wire as the kernel, at the same times within 10%', () => {
    const expected = parseReference(readFileSync(join(refDir, `${name}.segments`), 'utf8'));
    const actual = wireLines(run.world.trace.records);
    const known = KNOWN[name];
    const mismatches = compareWire(expected, actual, 0.1, 5);
    const report = mismatches
      .filter((m) => !known?.rows.includes(m.index))
      .map(
        (m) =>
          `#${m.index}: ${m.what}\n   ours:   ${m.actual ? formatWireLine(m.actual) : '-'}\n   kernel: ${m.expected ? formatWireLine(m.expected) : '-'}`,
      );
    expect(report).toEqual([]);
    if (known) {
      // The declared rows still differ: when one starts to match, update KNOWN and the document.
      expect(mismatches.map((m) => m.index)).toEqual(known.rows);
    } else {
      expect(actual.length).toBe(expected.length);
    }
  });

  it('gives every socket call the result the kernel gave', () => {
    const failed = run.expectations.filter((e) => !e.ok);
    expect(failed.length).toBe(KNOWN[name]?.calls ?? 0);
    expect(run.expectations.length).toBeGreaterThan(0);
  });
});

/**
 * Captures made here (conformance/linux-local/, each with the script that made it),
 * for behaviour the shared set does not show: held to the same comparison, with no
 * rows excused.
 */
const localDir = join(root, 'conformance', 'linux-local');
const localNames = readdirSync(localDir)
  .filter((f) => f.endsWith('.segments'))
  .map((f) => f.replace(/\.segments$/, ''))
  .sort();

describe('local captures', () => {
  it('are here, each with its scenario, sysctls and capture script', () => {
    expect(localNames).toEqual(['lost-tail']);
    for (const n of localNames)
      for (const f of [`${n}.scenario`, `${n}.sysctl`, `${n}.calls`, `capture-${n}.sh`])
        expect(existsSync(join(localDir, f)), f).toBe(true);
  });
});

describe.each(localNames)('linux conformance (local capture): %s', (name) => {
  const sc = parseScenario(readFileSync(join(localDir, `${name}.scenario`), 'utf8'), name);
  const overrides = sysctlOverrides(readFileSync(join(localDir, `${name}.sysctl`), 'utf8'));
  const run = runScenario(sc, { overrides });

  it('puts the same segments on the wire as the kernel, at the same times within 10%', () => {
    const expected = parseReference(readFileSync(join(localDir, `${name}.segments`), 'utf8'));
    const actual = wireLines(run.world.trace.records);
    const report = compareWire(expected, actual, 0.1, 5).map(
      (m) =>
        `#${m.index}: ${m.what}\n   ours:   ${m.actual ? formatWireLine(m.actual) : '-'}\n   kernel: ${m.expected ? formatWireLine(m.expected) : '-'}`,
    );
    expect(report).toEqual([]);
    expect(actual.length).toBe(expected.length);
  });

  it('gives every socket call the result the kernel gave', () => {
    expect(run.expectations.filter((e) => !e.ok)).toEqual([]);
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

describe('a capture’s sysctls', () => {
  it('become the profile settings the model has; the rest is left out', () => {
    const text = [
      'net.ipv4.tcp_sack = 0',
      'net.ipv4.tcp_reordering = 5',
      'net.ipv4.tcp_fin_timeout = 30',
      'net.ipv4.tcp_rto_min_us = 200000',
      'net.ipv4.tcp_window_scaling = 1',
      'net.ipv4.tcp_ecn = 2',
      '-A INPUT -p tcp -j DROP',
    ].join('\n');
    expect(sysctlOverrides(text)).toEqual({
      sack: false,
      reordering: 5,
      tcp_fin_timeout: 30_000,
      rtoMin: 200,
    });
    expect(sysctlOverrides('net.ipv4.tcp_window_scaling = 0')).toEqual({ wscale: null });
  });
});
