/**
 * The guard that predicts a state change and the action that carries it out
 * must agree: `completesFin` (the machine's guard for "this segment puts the
 * peer's FIN in order") against what `processSegment`'s text step does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACK, FIN } from './segment';
import { completesFin, processSegment } from './tcb';
import { handshake, pair } from '../testing/test-helpers';

const C = 1000;
const S = 5000;
const SCALE = Number(process.env.PROPERTY_SCALE ?? 1);

/** A peer segment: `off` bytes past RCV.NXT, `len` bytes, maybe a FIN. */
const pieceArb = fc.record({
  off: fc.integer({ min: -30, max: 400 }),
  len: fc.integer({ min: 0, max: 200 }),
  fin: fc.boolean(),
});

describe('completesFin agrees with processSegment', () => {
  it('for any out-of-order queue and any next segment, in ESTABLISHED', () => {
    fc.assert(
      fc.property(
        fc.array(pieceArb, { maxLength: 6 }),
        pieceArb,
        fc.integer({ min: 0, max: 2 }),
        (held, next, profileIndex) => {
          const p = pair(
            profileIndex === 0 ? 'linux' : 'rfc',
            profileIndex === 2 ? { rcvBuf: 256 } : {},
          );
          p.server.passiveOpen(S);
          handshake(p, C, S);
          const ep = p.server;
          const base = ep.ctx.rcvNxt;
          const make = (x: { off: number; len: number; fin: boolean }) =>
            ep.inbound({
              flags: ACK | (x.fin ? FIN : 0),
              seq: base + x.off,
              ack: ep.ctx.sndNxt,
              payload: new Uint8Array(x.len).fill(7),
            });
          // Build the queue through the machine itself (held pieces arrive first).
          for (const h of held) if (ep.state === 'ESTABLISHED') ep.receive(make(h));
          if (ep.state !== 'ESTABLISHED') return; // a held piece already completed the FIN
          const t = ep.ctx;
          const s = make(next);
          const predicted = completesFin(t, s);
          const after = processSegment(t, t.now, s, 'ESTABLISHED', []);
          expect(predicted).toBe(!t.finRcvd && after.finRcvd);
        },
      ),
      { numRuns: 300 * SCALE, seed: 9293 },
    );
  });
});
