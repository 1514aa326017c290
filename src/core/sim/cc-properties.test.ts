/**
 * Congestion control under random faults: for random transfers over a lossy,
 * reordering, duplicating link, in both profiles, with SACK on and off and
 * each congestion control, after every step that put data on the wire:
 *
 * - what is outstanding never exceeds the peer's window (RFC 9293 §3.8.6);
 * - what the congestion window counts as in flight (RFC 6675's pipe, or Linux's
 *   packets in flight) never exceeds cwnd (RFC 5681 §3.1; PRR sets cwnd to
 *   pipe + what it allows, RFC 6937), but for the fast retransmit, which goes
 *   whatever the window — the model does no limited transmit;
 * - the scoreboard's counts match the queue they count;
 * - every byte written arrives, in order.
 *
 * PROPERTY_SCALE (npm run test:deep) multiplies the number of runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { World } from './world';
import { pipe, window } from '../tcp/congestion';
import type { Draft, Tcb } from '../tcp/tcb';
import { seqDiff } from '../tcp/seq';
import { listenOn, connectTo, okRet, readAll } from '../testing/test-world';
import { CC_ALGORITHMS } from '../formats/limits';

const SCALE = Number(process.env.PROPERTY_SCALE ?? 1);
const RUNS = 25 * SCALE;

const faults = fc.record({
  loss: fc.constantFrom(0, 0.01, 0.05, 0.15),
  reorder: fc.constantFrom(0, 0.05),
  duplicate: fc.constantFrom(0, 0.05),
  jitter: fc.constantFrom(0, 3),
});

const setup = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  profile: fc.constantFrom('linux' as const, 'rfc' as const),
  sack: fc.boolean(),
  cc: fc.constantFrom(...CC_ALGORITHMS),
  bytes: fc.integer({ min: 1, max: 300_000 }),
  there: faults,
  back: faults,
});

/** `newData`: the step sent data past the old SND.NXT (else it only resent). */
function check(t: Tcb, where: string, newData: boolean): void {
  const d = t as Draft;
  const outstanding = seqDiff(t.sndNxt, t.sndUna);
  // Data past the peer's window: a FIN may occupy one more, a window probe one byte.
  expect(outstanding, `${where}: outstanding vs peer window`).toBeLessThanOrEqual(
    Math.max(t.sndWnd, t.maxWindow) + 1,
  );
  // New data goes only within the window. A step that only resent may be the fast
  // retransmit, which goes whatever the window (RFC 5681 §3.2 step 2) while a loss has
  // just cut cwnd below what is in flight; after it, a resend needs the window too.
  const forced = !newData && t.ccPhase === 'fast-recovery' && t.prrOut <= 1;
  if (!forced) expect(pipe(d), `${where}: in flight vs cwnd`).toBeLessThanOrEqual(window(d));
  let sacked = 0;
  let lost = 0;
  let out = 0;
  for (const e of t.rtxQueue) {
    if (e.sacked) sacked++;
    if (e.lost) lost++;
    if (e.rtxOut) out++;
  }
  expect([sacked, lost, out], `${where}: scoreboard counts`).toEqual([
    t.sackedOut,
    t.lostOut,
    t.retransOut,
  ]);
}

describe('congestion control under random faults', () => {
  it('never sends beyond min(cwnd, peer window); the scoreboard stays true; all data arrives', () => {
    fc.assert(
      fc.property(setup, (s) => {
        const w = new World({
          seed: s.seed,
          profile: s.profile,
          overrides: { sack: s.sack, cc: s.cc },
          link: { client: { delay: 10, ...s.there }, server: { delay: 10, ...s.back } },
        });
        const lfd = listenOn(w);
        const acc = w.call('server', { name: 'accept', fd: lfd });
        const { fd } = connectTo(w);
        const data = new Uint8Array(s.bytes).map((_, i) => (i * 13) & 255);
        w.call('client', { name: 'send', fd, data }).onDone(() =>
          w.call('client', { name: 'close', fd }),
        );
        let reader: ReturnType<typeof readAll> | null = null;
        const sent = new Map<string, number>();
        const nxt = new Map<string, number>();
        while (w.step() && w.now < 600_000) {
          if (!reader && acc.done) reader = readAll(w, 'server', okRet(acc));
          for (const c of w.allConns()) {
            const t = c.snap.context.tcb;
            // Check after each step in which this connection sent something.
            const n = t.xmits;
            const before = nxt.get(c.id);
            if (n !== (sent.get(c.id) ?? 0) && t.cwnd > 0)
              check(t, `${c.id} at ${w.now}`, before !== undefined && t.sndNxt !== before);
            sent.set(c.id, n);
            nxt.set(c.id, t.sndNxt);
          }
        }
        expect(reader?.data()).toEqual(data);
      }),
      { numRuns: RUNS, seed: 12 },
    );
  }, 300_000);
});
