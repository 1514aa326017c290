/**
 * Flows through a bottleneck (10 Mbit/s, 20 ms each way, a drop-tail queue of
 * one bandwidth-delay product, 34 packets): a long flow keeps the link busy,
 * and two flows of the same algorithm share it fairly. Both are measured over
 * the second half of the run, once slow start and the first recoveries are over.
 * Goodput counts payload only, so the most a flow of 1448-byte segments in
 * 1500-byte packets can reach is 96.5% of the rate.
 */
import { describe, expect, it } from 'vitest';
import { World } from './world';
import { parseIp } from '../tcp/segment';
import type { CcAlgorithm, ProfileName } from '../tcp/profile';

const RATE = 10_000_000;

/** Goodput of each flow over the second half of `seconds`, as a fraction of the rate. */
function shares(profile: ProfileName, cc: CcAlgorithm, flows: number, seconds: number): number[] {
  const w = new World({
    seed: 1,
    profile,
    keepHistory: false,
    // The rfc profile offers no window scaling by default: a 64 KB window would cap a flow first.
    overrides: { cc, rcvBuf: 4_000_000, sndBuf: 4_000_000, wscale: 7 },
    link: { client: { delay: 20, rate: RATE, queue: { packets: 34 } }, server: { delay: 20 } },
  });
  const l = w.call('server', { name: 'socket' }).result!.ret;
  w.call('server', { name: 'bind', fd: l, port: 9821 });
  w.call('server', { name: 'listen', fd: l });
  const got: number[] = [];
  const accept = (): void => {
    w.call('server', { name: 'accept', fd: l }).onDone((a) => {
      const k = got.push(0) - 1;
      const drain = (): void => {
        w.call('server', { name: 'recv', fd: a.ret, len: 4_000_000 }).onDone((r) => {
          if (r.ret <= 0) return;
          got[k]! += r.ret;
          drain();
        });
      };
      drain();
      accept();
    });
  };
  accept();
  for (let f = 0; f < flows; f++) {
    const fd = w.call('client', { name: 'socket' }).result!.ret;
    w.call('client', { name: 'connect', fd, ip: parseIp('192.0.2.1')!, port: 9821 }).onDone(() =>
      w.call('client', { name: 'send', fd, data: new Uint8Array(50_000_000) }),
    );
  }
  const end = seconds * 1000;
  w.runUntil(end / 2);
  const half = got.slice();
  w.runUntil(end);
  expect(got.length).toBe(flows);
  return got.map((g, i) => ((g - half[i]!) * 8) / (seconds / 2) / RATE);
}

/** Jain's fairness index: 1 when all shares are equal, 1/n when one flow has it all. */
const jain = (x: readonly number[]): number =>
  x.reduce((a, b) => a + b, 0) ** 2 / (x.length * x.reduce((a, b) => a + b * b, 0));

describe('a long flow through a bottleneck', () => {
  it.each([
    ['linux', 'cubic'],
    ['linux', 'reno'],
    ['rfc', 'newreno'],
  ] as const)('%s %s: 90–100% of the bottleneck rate', (profile, cc) => {
    const [share] = shares(profile, cc, 1, 10);
    expect(share).toBeGreaterThanOrEqual(0.9);
    expect(share).toBeLessThanOrEqual(1);
  });
});

describe('two flows of one algorithm through a bottleneck', () => {
  it.each([
    ['linux', 'cubic'],
    ['linux', 'reno'],
    ['rfc', 'newreno'],
    ['rfc', 'cubic'],
  ] as const)("%s %s: Jain's fairness index at least 0.9, the link still full", (profile, cc) => {
    const x = shares(profile, cc, 2, 20);
    expect(jain(x)).toBeGreaterThanOrEqual(0.9);
    expect(x[0]! + x[1]!).toBeGreaterThanOrEqual(0.9);
  });
});
