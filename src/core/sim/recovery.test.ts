/**
 * Recovery once the link heals (issue: recovery as quick as Linux's). With
 * timestamps, the ACK of a retransmission times it (RFC 7323 §4.1) and a valid
 * sample ends the RTO backoff (Linux tcp_ack_update_rtt()), so a connection
 * whose link turns lossless finishes within a few RTOs of the last backed-off
 * timer, not after a ladder of doubled timeouts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { World } from './world';
import { connectTo, listenOn, readAll, type Reader } from '../testing/test-world';

const SCALE = Number(process.env.PROPERTY_SCALE ?? 1);

describe('recovery after the link heals', () => {
  it('every transfer ends within a bound of a few RTOs once the link is lossless', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          loss: fc.double({ min: 0.2, max: 0.7, noNaN: true }),
          healAt: fc.integer({ min: 500, max: 4000 }),
          delay: fc.integer({ min: 1, max: 50 }),
          size: fc.integer({ min: 1, max: 40_000 }),
        }),
        ({ seed, loss, healAt, delay, size }) => {
          const lossy = { delay, loss };
          const w = new World({ seed, link: { client: lossy, server: lossy } });
          const lfd = listenOn(w);
          let reader: Reader | null = null;
          w.call('server', { name: 'accept', fd: lfd }).onDone((a) => {
            if (a.ret >= 0) reader = readAll(w, 'server', a.ret);
          });
          const { fd } = connectTo(w);
          const data = new Uint8Array(size).map((_, i) => i % 251);
          w.call('client', { name: 'send', fd, data }).onDone(() =>
            w.call('client', { name: 'close', fd }),
          );
          w.runUntil(healAt);
          w.act({ kind: 'link', from: 'client', change: { loss: 0 } });
          w.act({ kind: 'link', from: 'server', change: { loss: 0 } });
          // The last timer armed while lossy fires within about twice the lossy time
          // (each backoff doubles what went before). An RTT sample taken while lossy (a
          // SYN,ACK echoing the first SYN's TSval, as Linux's does) is at most the lossy
          // time, so an RTO is at most about three times it. Without SACK, each hole
          // takes one RTO: a bound linear in the holes, where doubling timeouts are not.
          const rto = 3 * healAt + 1000 + delay;
          const holes = Math.ceil(size / 1448) + 2; // the data, the SYN and the FIN
          const bound = healAt + 2 * healAt + holes * rto;
          w.runUntil(bound);
          const r = reader as Reader | null;
          expect(r, 'accepted').not.toBeNull();
          expect(r!.endAt, 'the server read to the end').not.toBeNull();
          expect(r!.data()).toEqual(data);
          expect(r!.endAt!).toBeLessThanOrEqual(bound);
        },
      ),
      { numRuns: 40 * SCALE, seed: 20261129 },
    );
  }, 120_000);
});
