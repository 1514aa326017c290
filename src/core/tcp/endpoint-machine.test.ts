/**
 * RFC 9293 §3.10 event processing, one row per rule, as the endpoint machine
 * implements it: state + input (segment, call or timer) in, segments out
 * (control bits, SEQ, ACK, payload length) and the new state.
 *
 * Every starting state is reached through the real events (opens, calls and
 * segments passed between two actors), never by forging a context.
 */
import { describe, expect, it } from 'vitest';
import { makeProfile, type Profile, type ProfileName, type ProfileOverrides } from './profile';
import { ACK, FIN, PSH, RST, SYN, type Segment } from './segment';
import { seqAdd, seqDiff } from './seq';
import { armedTimers, type Errno, type StateName } from './tcb';
import {
  CLIENT,
  Endpoint,
  SERVER,
  exchange,
  handshake,
  pair,
  pattern,
  runUntil,
  shape,
  text,
  transfer,
  wire,
  type Pair,
  type Shape,
} from '../testing/test-helpers';

/** Initial send sequence numbers of the client and the server. */
const C = 100_000;
const S = 300_000;
/** A sequence number offset far outside any receive window. */
const FAR = 1_000_000;

const PROFILES: readonly ProfileName[] = ['linux', 'rfc'];

const sh = (flags: string, seq: number, ack: number, len = 0): Shape => ({
  flags,
  seq: seq >>> 0,
  ack: ack >>> 0,
  len,
});

// ---------------------------------------------------------------- starting states

type Start =
  | 'CLOSED'
  | 'LISTEN'
  | 'SYN_SENT'
  | 'SYN_RECEIVED (passive open)'
  | 'SYN_RECEIVED (active open)'
  | 'ESTABLISHED'
  | 'FIN_WAIT_1'
  | 'FIN_WAIT_2'
  | 'CLOSE_WAIT'
  | 'CLOSING'
  | 'LAST_ACK'
  | 'TIME_WAIT';

/** A machine brought to a starting state: `ep` is the one under test, `t0` the time it got there. */
interface At {
  readonly p: Pair;
  readonly ep: Endpoint;
  readonly t0: number;
}

/** Client and server, handshake done, the client's FIN delivered and ACKed: FIN_WAIT_2 / CLOSE_WAIT. */
function halfClosed(name: ProfileName): Pair {
  const p = pair(name);
  handshake(p, C, S);
  p.client.close();
  runUntil(p, () => p.client.state === 'FIN_WAIT_2', 1000);
  expect(p.server.state).toBe('CLOSE_WAIT');
  return p;
}

function reach(start: Start, name: ProfileName): At {
  const p = pair(name);
  const { client, server } = p;
  let ep: Endpoint;
  let q: Pair = p;
  switch (start) {
    case 'CLOSED':
      ep = server;
      break;
    case 'LISTEN':
      server.passiveOpen(S);
      ep = server;
      break;
    case 'SYN_SENT':
      client.activeOpen(C, SERVER);
      client.take();
      ep = client;
      break;
    case 'SYN_RECEIVED (passive open)':
      server.passiveOpen(S);
      client.activeOpen(C, SERVER);
      transfer(client, server); // the SYN
      server.take(); // the SYN,ACK, not delivered
      ep = server;
      break;
    case 'SYN_RECEIVED (active open)':
      // Both ends open actively; only the server's SYN reaches the client.
      client.activeOpen(C, SERVER);
      server.activeOpen(S, CLIENT);
      client.take();
      transfer(server, client);
      client.take(); // the client's SYN,ACK, not delivered
      ep = client;
      break;
    case 'ESTABLISHED':
      handshake(p, C, S);
      ep = client;
      break;
    case 'FIN_WAIT_1':
      handshake(p, C, S);
      client.close();
      client.take(); // the FIN, not delivered
      ep = client;
      break;
    case 'FIN_WAIT_2':
      q = halfClosed(name);
      ep = q.client;
      break;
    case 'CLOSE_WAIT':
      q = halfClosed(name);
      ep = q.server;
      break;
    case 'LAST_ACK':
      q = halfClosed(name);
      q.server.close();
      q.server.take(); // the FIN, not delivered
      ep = q.server;
      break;
    case 'TIME_WAIT':
      q = halfClosed(name);
      q.server.close();
      transfer(q.server, q.client); // the server's FIN
      q.client.take(); // the client's last ACK, not delivered
      ep = q.client;
      break;
    case 'CLOSING':
      // Both close before either FIN arrives; only the server's FIN reaches the client.
      handshake(p, C, S);
      client.close();
      server.close();
      client.take();
      transfer(server, client);
      client.take();
      ep = client;
      break;
  }
  const expected = start.startsWith('SYN_RECEIVED') ? 'SYN_RECEIVED' : start;
  expect(ep.state).toBe(expected);
  return { p: q, ep, t0: q.sched.now };
}

// ---------------------------------------------------------------- the table

interface Row {
  readonly name: string;
  /** Profiles the row applies to (default: both). */
  readonly profiles?: readonly ProfileName[];
  readonly input: (w: At) => void;
  /** Segments the endpoint sends in response, in order. */
  readonly out: readonly Shape[] | ((p: Profile) => readonly Shape[]);
  readonly state: StateName;
  /** context.error afterwards (default: unchanged null). */
  readonly error?: Errno;
  readonly check?: (w: At) => void;
}

/** The retransmission timeout after a handshake with a zero-RTT sample: the profile's floor. */
const rtoFloor = (p: Profile): number => p.rtoMin;

/** Run the timer that expires `delay` ms after t0; nothing may be sent before it. */
function fireAt(w: At, delay: number): void {
  w.p.sched.runUntil(w.t0 + delay - 1);
  expect(w.ep.take()).toEqual([]);
  w.p.sched.runUntil(w.t0 + delay);
}

const seg = (w: At, f: Parameters<Endpoint['inbound']>[0]): void => w.ep.receive(w.ep.inbound(f));

const TABLE: Record<Start, readonly Row[]> = {
  CLOSED: [
    {
      name: 'ACK → <SEQ=SEG.ACK><CTL=RST>',
      input: (w) => seg(w, { flags: ACK, seq: 777, ack: 4444 }),
      out: [sh('RST', 4444, 0)],
      state: 'CLOSED',
    },
    {
      name: 'SYN without ACK → <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>',
      input: (w) => seg(w, { flags: SYN, seq: 777 }),
      out: [sh('RST,ACK', 0, 778)],
      state: 'CLOSED',
    },
    {
      name: 'FIN with 5 bytes, no ACK → ACK=SEG.SEQ+5+1',
      input: (w) => seg(w, { flags: FIN, seq: 777, payload: 'hello' }),
      out: [sh('RST,ACK', 0, 783)],
      state: 'CLOSED',
    },
    {
      name: 'SYN without ACK at 2^32-1 → ACK wraps to 0',
      input: (w) => seg(w, { flags: SYN, seq: 0xffffffff }),
      out: [sh('RST,ACK', 0, 0)],
      state: 'CLOSED',
    },
    {
      name: 'RST → nothing',
      input: (w) => seg(w, { flags: RST, seq: 777 }),
      out: [],
      state: 'CLOSED',
    },
    {
      name: 'RST,ACK → nothing',
      input: (w) => seg(w, { flags: RST | ACK, seq: 777, ack: 4444 }),
      out: [],
      state: 'CLOSED',
    },
    {
      name: 'PASSIVE_OPEN → LISTEN, nothing sent',
      input: (w) => w.ep.passiveOpen(S),
      out: [],
      state: 'LISTEN',
      check: (w) => expect(w.ep.ctx.iss).toBe(S),
    },
    {
      name: 'ACTIVE_OPEN → SYN_SENT, <SEQ=ISS><CTL=SYN>, retransmission timer at the initial RTO',
      input: (w) => w.ep.activeOpen(S, CLIENT),
      out: [sh('SYN', S, 0)],
      state: 'SYN_SENT',
      check: (w) => {
        expect(w.ep.ctx.sndUna).toBe(S);
        expect(w.ep.ctx.sndNxt).toBe(S + 1);
        expect(w.ep.ctx.timers.rtx).toBe(w.t0 + w.ep.profile.rtoInitial);
        expect(w.ep.ctx.passiveOpen).toBe(false);
      },
    },
  ],

  LISTEN: [
    {
      name: 'RST → ignored',
      input: (w) => seg(w, { flags: RST, seq: C }),
      out: [],
      state: 'LISTEN',
    },
    {
      name: 'ACK → <SEQ=SEG.ACK><CTL=RST>',
      input: (w) => seg(w, { flags: ACK, seq: C, ack: 4444 }),
      out: [sh('RST', 4444, 0)],
      state: 'LISTEN',
    },
    {
      name: 'SYN,ACK → <SEQ=SEG.ACK><CTL=RST> (the ACK check comes first)',
      input: (w) => seg(w, { flags: SYN | ACK, seq: C, ack: 4444 }),
      out: [sh('RST', 4444, 0)],
      state: 'LISTEN',
    },
    {
      name: 'SYN → SYN_RECEIVED, <SEQ=ISS><ACK=SEG.SEQ+1><CTL=SYN,ACK>',
      input: (w) => seg(w, { flags: SYN, seq: C }),
      out: [sh('SYN,ACK', S, C + 1)],
      state: 'SYN_RECEIVED',
      check: (w) => {
        expect(w.ep.ctx.irs).toBe(C);
        expect(w.ep.ctx.rcvNxt).toBe(C + 1);
        expect(w.ep.ctx.passiveOpen).toBe(true);
        expect(w.ep.ctx.remote).toEqual(CLIENT);
      },
    },
    {
      name: 'FIN alone (no SYN, no ACK) → dropped',
      input: (w) => seg(w, { flags: FIN, seq: C }),
      out: [],
      state: 'LISTEN',
    },
    {
      name: 'CLOSE → CLOSED, nothing sent',
      input: (w) => w.ep.close(),
      out: [],
      state: 'CLOSED',
    },
  ],

  SYN_SENT: [
    {
      name: 'ACK with SEG.ACK = ISS → <SEQ=SEG.ACK><CTL=RST>',
      input: (w) => seg(w, { flags: ACK, seq: S, ack: C }),
      out: [sh('RST', C, 0)],
      state: 'SYN_SENT',
    },
    {
      name: 'SYN,ACK with SEG.ACK > SND.NXT → <SEQ=SEG.ACK><CTL=RST>',
      input: (w) => seg(w, { flags: SYN | ACK, seq: S, ack: C + 2 }),
      out: [sh('RST', C + 2, 0)],
      state: 'SYN_SENT',
    },
    {
      name: 'RST,ACK with a bad ACK → dropped',
      input: (w) => seg(w, { flags: RST | ACK, seq: 0, ack: C + 5 }),
      out: [],
      state: 'SYN_SENT',
    },
    {
      name: 'RST,ACK with SEG.ACK = SND.NXT → CLOSED, ECONNREFUSED',
      input: (w) => seg(w, { flags: RST | ACK, seq: 0, ack: C + 1 }),
      out: [],
      state: 'CLOSED',
      error: 'ECONNREFUSED',
      check: (w) => expect(w.ep.ctx.timers.rtx).toBeNull(),
    },
    {
      name: 'RST without ACK → dropped',
      input: (w) => seg(w, { flags: RST, seq: S }),
      out: [],
      state: 'SYN_SENT',
    },
    {
      name: 'SYN,ACK → ESTABLISHED, <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>',
      input: (w) => seg(w, { flags: SYN | ACK, seq: S, ack: C + 1 }),
      out: [sh('ACK', C + 1, S + 1)],
      state: 'ESTABLISHED',
      check: (w) => {
        expect(w.ep.ctx.sndUna).toBe(C + 1);
        expect(w.ep.ctx.irs).toBe(S);
        expect(w.ep.ctx.timers.rtx).toBeNull();
      },
    },
    {
      name: 'SYN,ACK carrying data → ESTABLISHED, the data delivered and ACKed (sixth step onwards)',
      profiles: ['rfc'],
      input: (w) => seg(w, { flags: SYN | ACK | PSH, seq: S, ack: C + 1, payload: 'hi' }),
      out: [sh('ACK', C + 1, S + 3)],
      state: 'ESTABLISHED',
      check: (w) => expect(text(w.ep.delivered())).toBe('hi'),
    },
    {
      name: 'SYN,ACK carrying FIN → CLOSE_WAIT, one ACK covering the FIN (sixth step onwards, eighth step: FIN)',
      profiles: ['rfc'],
      input: (w) => seg(w, { flags: SYN | ACK | FIN, seq: S, ack: C + 1 }),
      out: [sh('ACK', C + 1, S + 2)],
      state: 'CLOSE_WAIT',
      check: (w) => expect(w.ep.ctx.finRcvd).toBe(true),
    },
    {
      name: 'SYN → SYN_RECEIVED (simultaneous open), <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, MUST-11 remembers the active open',
      input: (w) => seg(w, { flags: SYN, seq: S }),
      out: [sh('SYN,ACK', C, S + 1)],
      state: 'SYN_RECEIVED',
      check: (w) => expect(w.ep.ctx.passiveOpen).toBe(false),
    },
    {
      name: 'ACK alone with an acceptable ACK (neither SYN nor RST) → dropped',
      input: (w) => seg(w, { flags: ACK, seq: S, ack: C + 1 }),
      out: [],
      state: 'SYN_SENT',
    },
    {
      name: 'RTX_TIMEOUT (initial RTO) → the SYN again, same ISS',
      input: (w) => fireAt(w, w.ep.profile.rtoInitial),
      out: [sh('SYN', C, 0)],
      state: 'SYN_SENT',
      check: (w) => expect(w.ep.log.at(-1)?.rtx).toBe(true),
    },
    {
      name: 'CLOSE → CLOSED, nothing sent',
      input: (w) => w.ep.close(),
      out: [],
      state: 'CLOSED',
    },
  ],

  'SYN_RECEIVED (passive open)': [
    {
      name: 'ACK of the SYN → ESTABLISHED',
      input: (w) => seg(w, { flags: ACK, seq: C + 1, ack: S + 1 }),
      out: [],
      state: 'ESTABLISHED',
      check: (w) => {
        expect(w.ep.ctx.sndUna).toBe(S + 1);
        expect(w.ep.ctx.timers.rtx).toBeNull();
      },
    },
    {
      name: 'ACK,FIN of the SYN → CLOSE_WAIT, FIN ACKed (Linux: after the delayed-ACK timeout)',
      input: (w) => {
        seg(w, { flags: ACK | FIN, seq: C + 1, ack: S + 1 });
        if (w.ep.profile.name === 'linux') {
          expect(w.ep.take()).toEqual([]);
          w.p.sched.runUntil(w.t0 + w.ep.profile.delAckTimeout);
        }
      },
      out: [sh('ACK', S + 1, C + 2)],
      state: 'CLOSE_WAIT',
      check: (w) => expect(w.ep.ctx.finRcvd).toBe(true),
    },
    {
      name: 'RST at RCV.NXT → back to LISTEN',
      input: (w) => seg(w, { flags: RST, seq: C + 1 }),
      out: [],
      state: 'LISTEN',
      check: (w) => {
        expect(w.ep.ctx.timers.rtx).toBeNull();
        // Back in LISTEN for real: the SYN retransmission timer is gone, and a new SYN is answered.
        w.p.sched.runUntil(w.t0 + 10_000);
        expect(w.ep.take()).toEqual([]);
        seg(w, { flags: SYN, seq: 7777 });
        expect(w.ep.state).toBe('SYN_RECEIVED');
        expect(w.ep.take().map((x) => [x.flags, x.ack])).toEqual([[SYN | ACK, 7778]]);
      },
    },
    {
      name: 'RST in window, not at RCV.NXT → challenge ACK (RFC 5961 §3.2)',
      input: (w) => seg(w, { flags: RST, seq: C + 11 }),
      out: [sh('ACK', S + 1, C + 1)],
      state: 'SYN_RECEIVED',
    },
    {
      name: 'RST outside the window → dropped',
      input: (w) => seg(w, { flags: RST, seq: C + FAR }),
      out: [],
      state: 'SYN_RECEIVED',
    },
    {
      name: 'unacceptable sequence number → <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>',
      input: (w) => seg(w, { flags: ACK, seq: C + FAR, ack: S + 1, payload: 'x' }),
      out: [sh('ACK', S + 1, C + 1)],
      state: 'SYN_RECEIVED',
    },
    {
      name: 'ACK beyond SND.NXT → <SEQ=SEG.ACK><CTL=RST>',
      input: (w) => seg(w, { flags: ACK, seq: C + 1, ack: S + 10 }),
      out: [sh('RST', S + 10, 0)],
      state: 'SYN_RECEIVED',
    },
    {
      name: 'ACK = SND.UNA (acknowledges nothing) → <SEQ=SEG.ACK><CTL=RST>',
      input: (w) => seg(w, { flags: ACK, seq: C + 1, ack: S }),
      out: [sh('RST', S, 0)],
      state: 'SYN_RECEIVED',
    },
    {
      name: 'segment without ACK → dropped',
      input: (w) => seg(w, { flags: PSH, seq: C + 1, payload: 'early' }),
      out: [],
      state: 'SYN_RECEIVED',
      check: (w) => expect(w.ep.delivered().length).toBe(0),
    },
    {
      name: 'retransmitted SYN (Linux) → the SYN,ACK again',
      profiles: ['linux'],
      input: (w) => seg(w, { flags: SYN, seq: C }),
      out: [sh('SYN,ACK', S, C + 1)],
      state: 'SYN_RECEIVED',
      check: (w) => expect(w.ep.log.at(-1)?.rtx).toBe(true),
    },
    {
      name: 'retransmitted SYN (RFC 9293: unacceptable) → ACK',
      profiles: ['rfc'],
      input: (w) => seg(w, { flags: SYN, seq: C }),
      out: [sh('ACK', S + 1, C + 1)],
      state: 'SYN_RECEIVED',
    },
    {
      name: 'RTX_TIMEOUT → the SYN,ACK again',
      input: (w) => fireAt(w, w.ep.profile.rtoInitial),
      out: [sh('SYN,ACK', S, C + 1)],
      state: 'SYN_RECEIVED',
      check: (w) => expect(w.ep.log.at(-1)?.rtx).toBe(true),
    },
    {
      name: 'CLOSE → FIN_WAIT_1, <SEQ=SND.NXT><CTL=FIN,ACK>',
      input: (w) => w.ep.close(),
      out: [sh('FIN,ACK', S + 1, C + 1)],
      state: 'FIN_WAIT_1',
    },
  ],

  'SYN_RECEIVED (active open)': [
    {
      name: 'ACK of the SYN → ESTABLISHED',
      input: (w) => seg(w, { flags: ACK, seq: S + 1, ack: C + 1 }),
      out: [],
      state: 'ESTABLISHED',
      check: (w) => expect(w.ep.ctx.passiveOpen).toBe(false),
    },
    {
      name: 'RST at RCV.NXT → CLOSED, ECONNREFUSED (not LISTEN: MUST-11)',
      input: (w) => seg(w, { flags: RST, seq: S + 1 }),
      out: [],
      state: 'CLOSED',
      error: 'ECONNREFUSED',
    },
    {
      name: "peer's SYN,ACK (Linux) → ESTABLISHED",
      profiles: ['linux'],
      input: (w) => seg(w, { flags: SYN | ACK, seq: S, ack: C + 1 }),
      out: [],
      state: 'ESTABLISHED',
    },
    {
      name: "peer's SYN,ACK (RFC 9293: unacceptable) → ACK",
      profiles: ['rfc'],
      input: (w) => seg(w, { flags: SYN | ACK, seq: S, ack: C + 1 }),
      out: [sh('ACK', C + 1, S + 1)],
      state: 'SYN_RECEIVED',
    },
  ],

  ESTABLISHED: [
    {
      name: 'data in order, first data (Linux quick-ACK) → delivered, ACK at once',
      profiles: ['linux'],
      input: (w) => seg(w, { flags: PSH | ACK, seq: S + 1, ack: C + 1, payload: 'hello' }),
      out: [sh('ACK', C + 1, S + 6)],
      state: 'ESTABLISHED',
      check: (w) => {
        expect(text(w.ep.delivered())).toBe('hello');
        expect(w.ep.ctx.rcvNxt).toBe(S + 6);
      },
    },
    {
      name: 'data in order (RFC 1122 delayed ACK) → delivered, ACK after the delayed-ACK timeout',
      profiles: ['rfc'],
      input: (w) => seg(w, { flags: PSH | ACK, seq: S + 1, ack: C + 1, payload: 'hello' }),
      out: [],
      state: 'ESTABLISHED',
      check: (w) => {
        expect(text(w.ep.delivered())).toBe('hello');
        const delay = w.ep.profile.delAckTimeout;
        w.p.sched.runUntil(w.t0 + delay - 1);
        expect(w.ep.take()).toEqual([]);
        w.p.sched.runUntil(w.t0 + delay);
        expect(w.ep.take().map(shape)).toEqual([sh('ACK', C + 1, S + 6)]);
      },
    },
    {
      name: 'two full-sized segments → ACK at once (RFC 1122: every second segment)',
      profiles: ['rfc'],
      input: (w) => {
        const mss = w.ep.ctx.sndMss;
        seg(w, { flags: ACK, seq: S + 1, ack: C + 1, payload: pattern(mss) });
        expect(w.ep.take()).toEqual([]);
        seg(w, { flags: ACK, seq: S + 1 + mss, ack: C + 1, payload: pattern(mss, mss) });
      },
      out: [sh('ACK', C + 1, S + 1 + 2 * 1460)],
      state: 'ESTABLISHED',
    },
    {
      name: 'sequence number beyond the window → ACK, dropped',
      input: (w) => seg(w, { flags: ACK, seq: S + 1 + FAR, ack: C + 1, payload: 'zz' }),
      out: [sh('ACK', C + 1, S + 1)],
      state: 'ESTABLISHED',
      check: (w) => expect(w.ep.delivered().length).toBe(0),
    },
    {
      name: 'empty segment at the last sequence number of the window → acceptable, nothing sent',
      input: (w) => seg(w, { flags: ACK, seq: S + 1 + w.ep.ctx.rcvWnd - 1, ack: C + 1 }),
      out: [],
      state: 'ESTABLISHED',
    },
    {
      name: 'empty segment at RCV.NXT + RCV.WND (just past the window) → ACK',
      input: (w) => seg(w, { flags: ACK, seq: S + 1 + w.ep.ctx.rcvWnd, ack: C + 1 }),
      out: [sh('ACK', C + 1, S + 1)],
      state: 'ESTABLISHED',
    },
    {
      name: 'empty segment just before RCV.NXT → ACK',
      input: (w) => seg(w, { flags: ACK, seq: S, ack: C + 1 }),
      out: [sh('ACK', C + 1, S + 1)],
      state: 'ESTABLISHED',
    },
    {
      name: 'old duplicate data (entirely before RCV.NXT) → ACK, dropped',
      input: (w) => seg(w, { flags: ACK, seq: S - 99, ack: C + 1, payload: 'dup' }),
      out: [sh('ACK', C + 1, S + 1)],
      state: 'ESTABLISHED',
      check: (w) => expect(w.ep.delivered().length).toBe(0),
    },
    {
      name: 'RST in window, SEG.SEQ ≠ RCV.NXT → challenge ACK (RFC 5961 §3.2)',
      input: (w) => seg(w, { flags: RST, seq: S + 2 }),
      out: [sh('ACK', C + 1, S + 1)],
      state: 'ESTABLISHED',
      check: (w) => expect(w.ep.ctx.error).toBeNull(),
    },
    {
      name: 'RST at RCV.NXT → CLOSED, ECONNRESET',
      input: (w) => seg(w, { flags: RST, seq: S + 1 }),
      out: [],
      state: 'CLOSED',
      error: 'ECONNRESET',
    },
    {
      name: 'RST outside the window → dropped silently',
      input: (w) => seg(w, { flags: RST, seq: S + 1 + FAR }),
      out: [],
      state: 'ESTABLISHED',
    },
    {
      name: 'SYN in window → challenge ACK (RFC 5961 §4.2)',
      input: (w) => seg(w, { flags: SYN, seq: S + 10 }),
      out: [sh('ACK', C + 1, S + 1)],
      state: 'ESTABLISHED',
    },
    {
      name: 'SYN at RCV.NXT → challenge ACK (RFC 5961 §4.2)',
      input: (w) => seg(w, { flags: SYN, seq: S + 1 }),
      out: [sh('ACK', C + 1, S + 1)],
      state: 'ESTABLISHED',
    },
    {
      name: 'ACK of unsent data → ACK, segment dropped (data not taken)',
      input: (w) => seg(w, { flags: ACK | PSH, seq: S + 1, ack: C + 100, payload: 'xyz' }),
      out: [sh('ACK', C + 1, S + 1)],
      state: 'ESTABLISHED',
      check: (w) => {
        expect(w.ep.delivered().length).toBe(0);
        expect(w.ep.ctx.sndUna).toBe(C + 1);
      },
    },
    {
      name: 'data without ACK → dropped',
      input: (w) => seg(w, { flags: PSH, seq: S + 1, payload: 'noack' }),
      out: [],
      state: 'ESTABLISHED',
      check: (w) => expect(w.ep.delivered().length).toBe(0),
    },
    {
      name: 'FIN → CLOSE_WAIT, ACK at once (RFC 9293 eighth check)',
      profiles: ['rfc'],
      input: (w) => seg(w, { flags: FIN | ACK, seq: S + 1, ack: C + 1 }),
      out: [sh('ACK', C + 1, S + 2)],
      state: 'CLOSE_WAIT',
      check: (w) => expect(w.ep.ctx.finRcvd).toBe(true),
    },
    {
      name: 'FIN → CLOSE_WAIT, ACK delayed (Linux tcp_fin(): ping-pong mode)',
      profiles: ['linux'],
      input: (w) => seg(w, { flags: FIN | ACK, seq: S + 1, ack: C + 1 }),
      out: [],
      state: 'CLOSE_WAIT',
      check: (w) => {
        expect(w.ep.ctx.finRcvd).toBe(true);
        w.p.sched.runUntil(w.t0 + w.ep.profile.delAckTimeout);
        expect(w.ep.take().map(shape)).toEqual([sh('ACK', C + 1, S + 2)]);
      },
    },
    {
      name: 'data with FIN → delivered, CLOSE_WAIT, RCV.NXT past both',
      input: (w) => seg(w, { flags: FIN | PSH | ACK, seq: S + 1, ack: C + 1, payload: 'bye' }),
      out: (p) => (p.name === 'linux' ? [] : [sh('ACK', C + 1, S + 5)]),
      state: 'CLOSE_WAIT',
      check: (w) => {
        expect(text(w.ep.delivered())).toBe('bye');
        expect(w.ep.ctx.rcvNxt).toBe(S + 5);
      },
    },
    {
      name: 'SEND → the data, <SEQ=SND.NXT><ACK=RCV.NXT><CTL=PSH,ACK>',
      input: (w) => w.ep.write('abc'),
      out: [sh('PSH,ACK', C + 1, S + 1, 3)],
      state: 'ESTABLISHED',
      check: (w) => expect(w.ep.ctx.sndNxt).toBe(C + 4),
    },
    {
      name: 'CLOSE → FIN_WAIT_1, <SEQ=SND.NXT><CTL=FIN,ACK>',
      input: (w) => w.ep.close(),
      out: [sh('FIN,ACK', C + 1, S + 1)],
      state: 'FIN_WAIT_1',
    },
    {
      name: 'ABORT → CLOSED, <SEQ=SND.NXT><CTL=RST> (Linux: RST,ACK)',
      input: (w) => w.ep.abort(),
      out: (p) => (p.name === 'linux' ? [sh('RST,ACK', C + 1, S + 1)] : [sh('RST', C + 1, 0)]),
      state: 'CLOSED',
    },
  ],

  FIN_WAIT_1: [
    {
      name: 'ACK of the FIN → FIN_WAIT_2',
      input: (w) => seg(w, { flags: ACK, seq: S + 1, ack: C + 2 }),
      out: [],
      state: 'FIN_WAIT_2',
      check: (w) => expect(w.ep.ctx.timers.rtx).toBeNull(),
    },
    {
      name: 'FIN not acknowledging ours → CLOSING, ACK',
      input: (w) => seg(w, { flags: FIN | ACK, seq: S + 1, ack: C + 1 }),
      out: [sh('ACK', C + 2, S + 2)],
      state: 'CLOSING',
    },
    {
      name: 'FIN that acknowledges ours → TIME_WAIT, ACK',
      input: (w) => seg(w, { flags: FIN | ACK, seq: S + 1, ack: C + 2 }),
      out: [sh('ACK', C + 2, S + 2)],
      state: 'TIME_WAIT',
      check: (w) => expect(w.ep.ctx.timers.timeWait).toBe(w.t0 + w.ep.profile.timeWait),
    },
    {
      name: 'ACK not covering the FIN → stays',
      input: (w) => seg(w, { flags: ACK, seq: S + 1, ack: C + 1 }),
      out: [],
      state: 'FIN_WAIT_1',
    },
    {
      name: 'RTX_TIMEOUT → the FIN again',
      input: (w) => fireAt(w, rtoFloor(w.ep.profile)),
      out: [sh('FIN,ACK', C + 1, S + 1)],
      state: 'FIN_WAIT_1',
      check: (w) => expect(w.ep.log.at(-1)?.rtx).toBe(true),
    },
    {
      name: 'RST at RCV.NXT → CLOSED, ECONNRESET',
      input: (w) => seg(w, { flags: RST, seq: S + 1 }),
      out: [],
      state: 'CLOSED',
      error: 'ECONNRESET',
    },
    {
      name: 'data → still received in FIN_WAIT_1',
      profiles: ['linux'],
      input: (w) => seg(w, { flags: PSH | ACK, seq: S + 1, ack: C + 1, payload: 'late' }),
      out: [sh('ACK', C + 2, S + 5)],
      state: 'FIN_WAIT_1',
      check: (w) => expect(text(w.ep.delivered())).toBe('late'),
    },
  ],

  FIN_WAIT_2: [
    {
      name: 'FIN → TIME_WAIT, ACK',
      input: (w) => seg(w, { flags: FIN | ACK, seq: S + 1, ack: C + 2 }),
      out: [sh('ACK', C + 2, S + 2)],
      state: 'TIME_WAIT',
      check: (w) => expect(w.ep.ctx.timers.timeWait).toBe(w.t0 + w.ep.profile.timeWait),
    },
    {
      name: 'data → delivered (half-close: the peer may still send)',
      profiles: ['linux'],
      input: (w) => seg(w, { flags: PSH | ACK, seq: S + 1, ack: C + 2, payload: 'more' }),
      out: [sh('ACK', C + 2, S + 5)],
      state: 'FIN_WAIT_2',
      check: (w) => expect(text(w.ep.delivered())).toBe('more'),
    },
    {
      name: 'RST at RCV.NXT → CLOSED, ECONNRESET',
      input: (w) => seg(w, { flags: RST, seq: S + 1 }),
      out: [],
      state: 'CLOSED',
      error: 'ECONNRESET',
    },
  ],

  CLOSE_WAIT: [
    {
      name: 'CLOSE → LAST_ACK, <SEQ=SND.NXT><CTL=FIN,ACK>',
      input: (w) => w.ep.close(),
      out: [sh('FIN,ACK', S + 1, C + 2)],
      state: 'LAST_ACK',
    },
    {
      name: 'RST at RCV.NXT → CLOSED, EPIPE (Linux tcp_reset())',
      input: (w) => seg(w, { flags: RST, seq: C + 2 }),
      out: [],
      state: 'CLOSED',
      error: 'EPIPE',
    },
    {
      name: 'retransmitted FIN → ACK',
      input: (w) => seg(w, { flags: FIN | ACK, seq: C + 1, ack: S + 1 }),
      out: [sh('ACK', S + 1, C + 2)],
      state: 'CLOSE_WAIT',
    },
    {
      name: 'SEND → the data (the other direction is still open)',
      input: (w) => w.ep.write('reply'),
      out: [sh('PSH,ACK', S + 1, C + 2, 5)],
      state: 'CLOSE_WAIT',
    },
  ],

  CLOSING: [
    {
      name: 'ACK of the FIN → TIME_WAIT',
      input: (w) => seg(w, { flags: ACK, seq: S + 2, ack: C + 2 }),
      out: [],
      state: 'TIME_WAIT',
      check: (w) => expect(w.ep.ctx.timers.timeWait).toBe(w.t0 + w.ep.profile.timeWait),
    },
    {
      name: 'ACK not covering the FIN → stays',
      input: (w) => seg(w, { flags: ACK, seq: S + 2, ack: C + 1 }),
      out: [],
      state: 'CLOSING',
    },
    {
      name: 'RST at RCV.NXT → CLOSED',
      input: (w) => seg(w, { flags: RST, seq: S + 2 }),
      out: [],
      state: 'CLOSED',
    },
  ],

  LAST_ACK: [
    {
      name: 'ACK of the FIN → CLOSED',
      input: (w) => seg(w, { flags: ACK, seq: C + 2, ack: S + 2 }),
      out: [],
      state: 'CLOSED',
      check: (w) => {
        expect(w.ep.ctx.timers.rtx).toBeNull();
        expect(w.ep.ctx.error).toBeNull();
      },
    },
    {
      name: 'ACK not covering the FIN → stays',
      input: (w) => seg(w, { flags: ACK, seq: C + 2, ack: S + 1 }),
      out: [],
      state: 'LAST_ACK',
    },
    {
      name: 'RTX_TIMEOUT → the FIN again',
      input: (w) => fireAt(w, rtoFloor(w.ep.profile)),
      out: [sh('FIN,ACK', S + 1, C + 2)],
      state: 'LAST_ACK',
    },
    {
      name: 'RST at RCV.NXT → CLOSED',
      input: (w) => seg(w, { flags: RST, seq: C + 2 }),
      out: [],
      state: 'CLOSED',
    },
  ],

  TIME_WAIT: [
    {
      name: 'retransmitted FIN → ACK again, timer restarted',
      input: (w) => {
        w.p.sched.runUntil(w.t0 + 1000);
        seg(w, { flags: FIN | ACK, seq: S + 1, ack: C + 2 });
      },
      out: [sh('ACK', C + 2, S + 2)],
      state: 'TIME_WAIT',
      check: (w) => expect(w.ep.ctx.timers.timeWait).toBe(w.t0 + 1000 + w.ep.profile.timeWait),
    },
    {
      name: 'a stray ACK → nothing',
      input: (w) => seg(w, { flags: ACK, seq: S + 2, ack: C + 2 }),
      out: [],
      state: 'TIME_WAIT',
      check: (w) => expect(w.ep.ctx.timers.timeWait).toBe(w.t0 + w.ep.profile.timeWait),
    },
    {
      name: 'RST at RCV.NXT → CLOSED',
      input: (w) => seg(w, { flags: RST, seq: S + 2 }),
      out: [],
      state: 'CLOSED',
    },
    {
      name: 'timer (profile.timeWait) → CLOSED, nothing sent',
      input: (w) => {
        w.p.sched.runUntil(w.t0 + w.ep.profile.timeWait - 1);
        expect(w.ep.state).toBe('TIME_WAIT');
        w.p.sched.runUntil(w.t0 + w.ep.profile.timeWait);
      },
      out: [],
      state: 'CLOSED',
    },
  ],
};

describe.each(PROFILES)('RFC 9293 §3.10 event processing, %s profile', (name) => {
  const profile = makeProfile(name);
  describe.each(Object.keys(TABLE) as Start[])('%s', (start) => {
    const rows = TABLE[start].filter((r) => !r.profiles || r.profiles.includes(name));
    it.each(rows)('$name', (row) => {
      const w = reach(start, name);
      expect(w.ep.take()).toEqual([]);
      row.input(w);
      const out = typeof row.out === 'function' ? row.out(profile) : row.out;
      expect(w.ep.take().map(shape)).toEqual(out);
      expect(w.ep.state).toBe(row.state);
      expect(w.ep.ctx.error).toBe(row.error ?? null);
      row.check?.(w);
    });
  });
});

// ---------------------------------------------------------------- sequences of events

describe.each(PROFILES)('out-of-order data, %s profile', (name) => {
  it('holds data past a gap, ACKs at once, and delivers everything exactly once, in order, when the gap fills', () => {
    const w = reach('ESTABLISHED', name);
    const parts = ['aaaa', 'bbbbbb', 'cc'];
    const at = [S + 1, S + 5, S + 11];
    const data = (i: number) =>
      w.ep.inbound({ flags: PSH | ACK, seq: at[i]!, ack: C + 1, payload: parts[i] });
    // Third, then second: both held, each answered with a duplicate ACK for RCV.NXT.
    w.ep.receive(data(2));
    expect(w.ep.take().map(shape)).toEqual([sh('ACK', C + 1, S + 1)]);
    w.ep.receive(data(1));
    expect(w.ep.take().map(shape)).toEqual([sh('ACK', C + 1, S + 1)]);
    // The second again (a duplicate of something held).
    w.ep.receive(data(1));
    expect(w.ep.take().map(shape)).toEqual([sh('ACK', C + 1, S + 1)]);
    expect(w.ep.delivered().length).toBe(0);
    expect(w.ep.ctx.rcvNxt).toBe(S + 1);
    // The first fills the gap: all of it at once, ACKed at once.
    w.ep.receive(data(0));
    expect(w.ep.take().map(shape)).toEqual([sh('ACK', C + 1, S + 13)]);
    expect(text(w.ep.delivered())).toBe('aaaabbbbbbcc');
    expect(w.ep.ctx.rcvNxt).toBe(S + 13);
    expect(w.ep.ctx.ooo).toEqual([]);
    // Everything again: all old, each ACKed, nothing delivered twice.
    for (const i of [0, 1, 2]) {
      w.ep.receive(data(i));
      expect(w.ep.take().map(shape)).toEqual([sh('ACK', C + 1, S + 13)]);
    }
    expect(text(w.ep.delivered())).toBe('aaaabbbbbbcc');
    expect(w.ep.state).toBe('ESTABLISHED');
  });

  it('a segment overlapping RCV.NXT delivers only its new part', () => {
    const w = reach('ESTABLISHED', name);
    w.ep.receive(w.ep.inbound({ flags: PSH | ACK, seq: S + 1, ack: C + 1, payload: 'abc' }));
    w.ep.receive(w.ep.inbound({ flags: PSH | ACK, seq: S + 2, ack: C + 1, payload: 'bcdef' }));
    expect(text(w.ep.delivered())).toBe('abcdef');
    expect(w.ep.ctx.rcvNxt).toBe(S + 7);
  });

  it('a FIN that arrives before the data in front of it closes only when the gap fills', () => {
    const w = reach('ESTABLISHED', name);
    w.ep.receive(w.ep.inbound({ flags: FIN | PSH | ACK, seq: S + 4, ack: C + 1, payload: 'def' }));
    expect(w.ep.state).toBe('ESTABLISHED');
    expect(w.ep.take().map(shape)).toEqual([sh('ACK', C + 1, S + 1)]);
    w.ep.receive(w.ep.inbound({ flags: PSH | ACK, seq: S + 1, ack: C + 1, payload: 'abc' }));
    expect(w.ep.state).toBe('CLOSE_WAIT');
    expect(text(w.ep.delivered())).toBe('abcdef');
    expect(w.ep.ctx.rcvNxt).toBe(S + 8);
  });
});

describe.each(PROFILES)('TIME_WAIT timer, %s profile', (name) => {
  it('every retransmitted FIN is ACKed and restarts the timer; CLOSED timeWait ms after the last one', () => {
    const w = reach('TIME_WAIT', name);
    const tw = w.ep.profile.timeWait;
    expect(w.ep.ctx.timers.timeWait).toBe(w.t0 + tw);
    const fin = () => w.ep.inbound({ flags: FIN | ACK, seq: S + 1, ack: C + 2 });
    const t1 = w.t0 + 20_000;
    const t2 = t1 + 30_000;
    w.p.sched.runUntil(t1);
    w.ep.receive(fin());
    expect(w.ep.take().map(shape)).toEqual([sh('ACK', C + 2, S + 2)]);
    expect(w.ep.ctx.timers.timeWait).toBe(t1 + tw);
    w.p.sched.runUntil(t2);
    w.ep.receive(fin());
    expect(w.ep.take().map(shape)).toEqual([sh('ACK', C + 2, S + 2)]);
    expect(w.ep.ctx.timers.timeWait).toBe(t2 + tw);
    // Past the first and second deadlines: still waiting.
    w.p.sched.runUntil(t1 + tw);
    expect(w.ep.state).toBe('TIME_WAIT');
    w.p.sched.runUntil(t2 + tw - 1);
    expect(w.ep.state).toBe('TIME_WAIT');
    w.p.sched.runUntil(t2 + tw);
    expect(w.ep.state).toBe('CLOSED');
    expect(w.ep.take()).toEqual([]);
    expect(armedTimers(w.ep.ctx)).toEqual({});
  });
});

describe('TIME_WAIT length', () => {
  it.each([
    { label: 'linux: TCP_TIMEWAIT_LEN = 60 s', profile: makeProfile('linux'), ms: 60_000 },
    {
      label: 'linux ignores the MSL (msl 10 s → still 60 s)',
      profile: makeProfile('linux', { msl: 10_000 }),
      ms: 60_000,
    },
    {
      label: 'rfc, MSL 30 s: 2×MSL = 60 s',
      profile: makeProfile('rfc', { msl: 30_000 }),
      ms: 60_000,
    },
    {
      label: 'rfc, MSL 10 s: 2×MSL = 20 s',
      profile: makeProfile('rfc', { msl: 10_000 }),
      ms: 20_000,
    },
    {
      label: 'rfc default (MSL 2 min would be 240 s; the profile uses 30 s)',
      profile: makeProfile('rfc'),
      ms: 60_000,
    },
  ])('$label', ({ profile, ms }) => {
    const p = pair(profile);
    handshake(p, C, S);
    p.client.close();
    runUntil(p, () => p.client.state === 'FIN_WAIT_2', 1000);
    p.server.close();
    transfer(p.server, p.client);
    expect(p.client.state).toBe('TIME_WAIT');
    const t0 = p.sched.now;
    p.sched.runUntil(t0 + ms - 1);
    expect(p.client.state).toBe('TIME_WAIT');
    p.sched.runUntil(t0 + ms);
    expect(p.client.state).toBe('CLOSED');
  });
});

describe.each(PROFILES)('whole connections, %s profile', (name) => {
  it('simultaneous close: FIN_WAIT_1 → CLOSING → TIME_WAIT on both sides, then CLOSED', () => {
    const p = pair(name);
    const { client, server, sched } = p;
    handshake(p, C, S);
    client.close();
    server.close();
    expect([client.state, server.state]).toEqual(['FIN_WAIT_1', 'FIN_WAIT_1']);
    const finC = client.take();
    const finS = server.take();
    expect(finC.map(shape)).toEqual([sh('FIN,ACK', C + 1, S + 1)]);
    expect(finS.map(shape)).toEqual([sh('FIN,ACK', S + 1, C + 1)]);
    // The FINs cross.
    for (const s of finS) client.receive(s);
    for (const s of finC) server.receive(s);
    expect([client.state, server.state]).toEqual(['CLOSING', 'CLOSING']);
    const ackC = client.take();
    const ackS = server.take();
    expect(ackC.map(shape)).toEqual([sh('ACK', C + 2, S + 2)]);
    expect(ackS.map(shape)).toEqual([sh('ACK', S + 2, C + 2)]);
    for (const s of ackS) client.receive(s);
    for (const s of ackC) server.receive(s);
    expect([client.state, server.state]).toEqual(['TIME_WAIT', 'TIME_WAIT']);
    const t0 = sched.now;
    sched.runUntil(t0 + p.profile.timeWait - 1);
    expect([client.state, server.state]).toEqual(['TIME_WAIT', 'TIME_WAIT']);
    sched.runUntil(t0 + p.profile.timeWait);
    expect([client.state, server.state]).toEqual(['CLOSED', 'CLOSED']);
    expect(client.take()).toEqual([]);
    expect(server.take()).toEqual([]);
  });

  it('simultaneous open: SYNs cross, both end ESTABLISHED', () => {
    const p = pair(name);
    const { client, server } = p;
    client.activeOpen(C, SERVER);
    server.activeOpen(S, CLIENT);
    const synC = client.take();
    const synS = server.take();
    expect(synC.map(shape)).toEqual([sh('SYN', C, 0)]);
    expect(synS.map(shape)).toEqual([sh('SYN', S, 0)]);
    for (const s of synS) client.receive(s);
    for (const s of synC) server.receive(s);
    expect([client.state, server.state]).toEqual(['SYN_RECEIVED', 'SYN_RECEIVED']);
    expect([client.ctx.passiveOpen, server.ctx.passiveOpen]).toEqual([false, false]);
    const synAckC = client.take();
    const synAckS = server.take();
    expect(synAckC.map(shape)).toEqual([sh('SYN,ACK', C, S + 1)]);
    expect(synAckS.map(shape)).toEqual([sh('SYN,ACK', S, C + 1)]);
    // The SYN,ACKs cross.
    for (const s of synAckS) client.receive(s);
    for (const s of synAckC) server.receive(s);
    if (name === 'linux') {
      // Linux takes the peer's SYN,ACK as the ACK of its SYN.
      expect([client.state, server.state]).toEqual(['ESTABLISHED', 'ESTABLISHED']);
    } else {
      // RFC 9293: the SYN,ACK is an old sequence number: unacceptable, answered by an ACK.
      expect([client.state, server.state]).toEqual(['SYN_RECEIVED', 'SYN_RECEIVED']);
      expect(client.take().map(shape)).toEqual([sh('ACK', C + 1, S + 1)]);
      expect(server.take().map(shape)).toEqual([sh('ACK', S + 1, C + 1)]);
      client.receive(server.log.at(-1)!.seg);
      server.receive(client.log.at(-1)!.seg);
    }
    exchange(client, server);
    expect([client.state, server.state]).toEqual(['ESTABLISHED', 'ESTABLISHED']);
    for (const e of [client, server]) {
      expect(e.ctx.sndUna).toBe(e.ctx.sndNxt);
      expect(e.ctx.timers.rtx).toBeNull();
    }
    // And the connection works.
    client.write('ping');
    exchange(client, server);
    expect(text(server.delivered())).toBe('ping');
  });
});

// ---------------------------------------------------------------- sequence wrap

describe.each(PROFILES)('sequence numbers across 2^32, %s profile', (name) => {
  it('handshake, several KB both ways and teardown with both ISS just below 2^32', () => {
    const cIss = 2 ** 32 - 10;
    const sIss = 2 ** 32 - 3000;
    const p = pair(name);
    const { client, server, sched } = p;
    handshake(p, cIss, sIss, 5);
    wire(p, 5);
    const up = pattern(9000, 1);
    const down = pattern(7000, 2);
    client.write(up);
    server.write(down);
    sched.runUntil(sched.now + 5000);
    expect(client.delivered()).toEqual(down);
    expect(server.delivered()).toEqual(up);
    client.read(down.length);
    server.read(up.length);
    client.close();
    sched.runUntil(sched.now + 1000);
    server.close();
    sched.runUntil(sched.now + 1000);
    expect(client.state).toBe('TIME_WAIT');
    expect(server.state).toBe('CLOSED');
    // Relative numbers: SYN + data + FIN each way, modulo 2^32.
    expect(client.ctx.sndNxt).toBe(seqAdd(cIss, 1 + up.length + 1));
    expect(client.ctx.sndUna).toBe(client.ctx.sndNxt);
    expect(client.ctx.rcvNxt).toBe(seqAdd(sIss, 1 + down.length + 1));
    expect(server.ctx.sndNxt).toBe(client.ctx.rcvNxt);
    expect(server.ctx.rcvNxt).toBe(client.ctx.sndNxt);
    expect(client.ctx.sndNxt).toBe(9000 - 10 + 2);
    expect(server.ctx.sndNxt).toBe(7000 - 3000 + 2);
    // Every segment's sequence number is where its bytes belong, wrap or not.
    const check = (e: Endpoint, iss: number, data: Uint8Array) => {
      for (const { seg: s } of e.log) {
        if (s.payload.length === 0) continue;
        const off = seqDiff(s.seq, seqAdd(iss, 1));
        expect(off).toBeGreaterThanOrEqual(0);
        expect(s.payload).toEqual(data.subarray(off, off + s.payload.length));
      }
      // The wrap really happened: data segments numbered above the ISS (before 2^32)
      // and below it (after the wrap).
      expect(e.log.some(({ seg: s }) => s.payload.length > 0 && s.seq > iss)).toBe(true);
      expect(e.log.some(({ seg: s }) => s.payload.length > 0 && s.seq < iss)).toBe(true);
    };
    check(client, cIss, up);
    check(server, sIss, down);
    // No retransmission was needed on a lossless link.
    expect([...client.log, ...server.log].some((s) => s.rtx)).toBe(false);
    sched.runUntil(sched.now + p.profile.timeWait);
    expect(client.state).toBe('CLOSED');
  });
});

// ---------------------------------------------------------------- retransmission timer

/** Established pair over a link of `oneWay` ms; segments the predicate matches are lost. */
function linked(
  name: ProfileName,
  oneWay: number,
  drop: (from: 'client' | 'server', s: Segment) => boolean,
  overrides: ProfileOverrides = {},
): Pair {
  const p = pair(name, overrides);
  handshake(p, C, S, oneWay);
  wire(p, oneWay, drop);
  return p;
}

describe('RTO (RFC 6298) in the machine', () => {
  it.each([
    // Linux: SRTT + max(4·RTTVAR, rto_min) = 20 + 200; RFC 6298: the 1 s floor.
    { name: 'linux' as const, floor: 220 },
    { name: 'rfc' as const, floor: 1000 },
  ])('$name: after an RTT sample of 20 ms the RTO is $floor ms', ({ name, floor }) => {
    const p = linked(name, 10, (from, s) => from === 'client' && s.payload.length > 0);
    expect(p.client.ctx.rto.srtt).toBe(20);
    expect(p.client.ctx.rto.rttvar).toBe(10);
    const t0 = p.sched.now;
    p.client.write('x');
    expect(p.client.ctx.timers.rtx).toBe(t0 + floor);
    p.sched.runUntil(t0 + floor - 1);
    expect(p.client.log.filter((s) => s.rtx)).toEqual([]);
    p.sched.runUntil(t0 + floor);
    expect(p.client.log.filter((s) => s.rtx).map((s) => [s.t, shape(s.seg)])).toEqual([
      [t0 + floor, sh('PSH,ACK', C + 1, S + 1, 1)],
    ]);
  });

  it.each([
    { name: 'linux' as const, floor: 220 },
    { name: 'rfc' as const, floor: 1000 },
  ])('$name: the timer doubles on each timeout (exponential backoff)', ({ name, floor }) => {
    // Without SACK: with it, Linux's first timer is a tail loss probe (below).
    const p = linked(name, 10, (from, s) => from === 'client' && s.payload.length > 0, {
      sack: false,
    });
    const t0 = p.sched.now;
    p.client.write('x');
    p.sched.runUntil(t0 + 63 * floor);
    const times = p.client.log.filter((s) => s.rtx).map((s) => s.t - t0);
    expect(times).toEqual([1, 3, 7, 15, 31, 63].map((k) => k * floor));
    expect(p.client.ctx.rto.backoff).toBe(6);
    expect(p.client.state).toBe('ESTABLISHED');
  });

  it('linux with SACK: a tail loss probe at the RTO, the timeout one RTO later, then doubling (RFC 8985 §7)', () => {
    const p = linked('linux', 10, (from, s) => from === 'client' && s.payload.length > 0);
    const t0 = p.sched.now;
    p.client.write('x');
    // PTO = 2·SRTT + rto_min (one segment out) = 240 ms, later than the 220 ms RTO: the RTO's time.
    expect(p.client.ctx.timers.rtx).toBe(t0 + 220);
    expect(p.client.ctx.rtxKind).toBe('tlp');
    p.sched.runUntil(t0 + 3520);
    const times = p.client.log.filter((s) => s.rtx).map((s) => s.t - t0);
    expect(times).toEqual([220, 440, 880, 1760, 3520]);
    expect(p.client.ctx.rto.backoff).toBe(4);
  });

  it.each(PROFILES)(
    '%s: after a retransmitted SYN and no RTT sample, data starts with RTO = 3 s (RFC 6298 §5.7)',
    (name) => {
      // Without timestamps: with them, the SYN,ACK's TSecr times the retransmitted SYN;
      // without SACK, whose loss probe would come first.
      const p = pair(name, { timestamps: false, sack: false });
      const { client, server, sched } = p;
      server.passiveOpen(S);
      client.activeOpen(C, SERVER);
      client.take(); // the first SYN is lost
      sched.runUntil(1000); // retransmitted
      transfer(client, server);
      transfer(server, client);
      transfer(client, server);
      expect([client.state, server.state]).toEqual(['ESTABLISHED', 'ESTABLISHED']);
      expect(client.ctx.rto.srtt).toBeUndefined();
      const t1 = sched.now;
      client.write('x');
      expect(client.ctx.timers.rtx).toBe(t1 + 3000);
    },
  );

  it('linux: with timestamps, the SYN,ACK echoing a retransmitted SYN gives an RTT sample (RFC 7323 §4.1)', () => {
    const p = pair('linux');
    const { client, server, sched } = p;
    server.passiveOpen(S);
    client.activeOpen(C, SERVER);
    client.take(); // the first SYN is lost
    sched.runUntil(1000); // retransmitted
    sched.runUntil(1030); // 30 ms on the way there and back
    transfer(client, server);
    transfer(server, client);
    expect(client.state).toBe('ESTABLISHED');
    expect(client.ctx.rto.srtt).toBe(30);
    expect(client.ctx.rto.backoff).toBe(0);
  });

  it('linux: with timestamps, the ACK of a retransmitted segment gives a sample and ends the backoff', () => {
    let lost = 0;
    const p = linked(
      'linux',
      10,
      (from, s) => from === 'client' && s.payload.length > 0 && lost++ < 2,
    );
    const t0 = p.sched.now;
    p.client.write('x');
    p.sched.runUntil(t0 + 10_000);
    expect(p.client.log.filter((s) => s.rtx)).toHaveLength(2);
    expect(p.client.ctx.sndUna).toBe(C + 2);
    // The ACK echoes the second retransmission's TSval: 20 ms, and no backoff left.
    expect(p.client.ctx.rto.backoff).toBe(0);
    expect(p.client.ctx.rto.srtt).toBeLessThan(100);
  });

  it("Karn's rule: the ACK of a retransmitted segment gives no RTT sample", () => {
    // rfc profile: no timestamps, so Karn's rule applies in full (RFC 6298 §3).
    let lost = 0;
    const p = linked(
      'rfc',
      10,
      (from, s) => from === 'client' && s.payload.length > 0 && lost++ === 0,
    );
    const before = p.client.ctx.rto;
    const t0 = p.sched.now;
    p.client.write('x');
    // Lost, retransmitted at t0 + 1 s, ACKed at t0 + 1 s + 20 ms. Were that a sample it
    // would be 1020 ms (from the first transmission) or 20 ms (from the second).
    p.sched.runUntil(t0 + 1500);
    expect(p.client.log.filter((s) => s.rtx).map((s) => s.t)).toEqual([t0 + 1000]);
    expect(p.client.ctx.sndUna).toBe(C + 2);
    expect(p.client.ctx.rto.srtt).toBe(before.srtt);
    expect(p.client.ctx.rto.rttvar).toBe(before.rttvar);
    // A segment sent once does give a sample again (the peer delays its ACK 200 ms).
    p.client.write('y');
    p.sched.runUntil(p.sched.now + 300);
    expect(p.client.ctx.sndUna).toBe(C + 3);
    expect(p.client.ctx.rto.srtt).not.toBe(before.srtt);
  });

  it('Karn: the backed-off RTO is kept for new data until a valid RTT sample (RFC 6298 §5, after 5.7)', () => {
    let lost = 0;
    const p = linked(
      'rfc',
      10,
      (from, s) => from === 'client' && s.payload.length > 0 && lost++ === 0,
    );
    const t0 = p.sched.now;
    p.client.write('x');
    p.sched.runUntil(t0 + 1500); // lost, retransmitted at +1 s with RTO backed off to 2 s, ACKed
    expect(p.client.ctx.sndUna).toBe(C + 2);
    // New data: no RTT sample has been taken since the backoff, so the timer runs 2 s.
    const t1 = p.sched.now;
    p.client.write('y');
    expect(p.client.ctx.timers.rtx).toBe(t1 + 2000);
  });
});

describe('SYN retransmission schedule and ETIMEDOUT', () => {
  it.each([
    {
      label: 'linux defaults (tcp_syn_retries 6, tcp_syn_linear_timeouts 4)',
      profile: makeProfile('linux'),
      syns: [0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67],
      giveUp: 131,
    },
    {
      label: 'linux, tcp_syn_retries 2',
      profile: makeProfile('linux', { tcp_syn_retries: 2 }),
      syns: [0, 1, 2, 3, 4, 5],
      giveUp: 7,
    },
    {
      label: 'linux, tcp_syn_retries 2, tcp_syn_linear_timeouts 0',
      profile: makeProfile('linux', { tcp_syn_retries: 2, tcp_syn_linear_timeouts: 0 }),
      syns: [0, 1, 3],
      giveUp: 7,
    },
    {
      label: 'rfc (6 retries, doubling from 1 s)',
      profile: makeProfile('rfc'),
      syns: [0, 1, 3, 7, 15, 31, 63],
      giveUp: 127,
    },
  ])('$label', ({ profile, syns, giveUp }) => {
    const p = pair(profile);
    p.client.activeOpen(C, SERVER);
    p.sched.runUntil(giveUp * 1000 - 1);
    expect(p.client.state).toBe('SYN_SENT');
    expect(p.client.ctx.error).toBeNull();
    p.sched.runUntil(giveUp * 1000);
    expect(p.client.state).toBe('CLOSED');
    expect(p.client.ctx.error).toBe('ETIMEDOUT');
    const sent = p.client.take();
    expect(p.client.log.map((s) => s.t / 1000)).toEqual(syns);
    expect(sent.map(shape)).toEqual(syns.map(() => sh('SYN', C, 0)));
    expect(p.client.log.map((s) => s.rtx)).toEqual(syns.map((_, i) => i > 0));
    // Nothing is left to happen.
    p.sched.runUntil(1_000_000);
    expect(p.client.log.length).toBe(syns.length);
  });
});

describe.each(PROFILES)('more retransmission limits, %s profile', (name) => {
  it('SYN,ACK retransmitted at 1, 3, 7, 15, 31 s (tcp_synack_retries 5), dropped at 63 s', () => {
    const p = pair(name);
    p.server.passiveOpen(S);
    p.server.receive(p.server.inbound({ flags: SYN, seq: C }));
    p.sched.runUntil(63_000 - 1);
    expect(p.server.state).toBe('SYN_RECEIVED');
    p.sched.runUntil(63_000);
    expect(p.server.state).toBe('CLOSED');
    expect(p.server.log.map((s) => s.t / 1000)).toEqual([0, 1, 3, 7, 15, 31]);
    expect(p.server.take().map(shape)).toEqual(Array(6).fill(sh('SYN,ACK', S, C + 1)));
  });

  it('data: exponential backoff capped at 120 s, ETIMEDOUT after tcp_retries2 (15)', () => {
    // Without SACK: with it, Linux's first timer is a loss probe (RFC 8985 §7).
    const p = pair(name, { sack: false });
    handshake(p, C, S);
    const t0 = p.sched.now;
    p.client.write('x');
    p.client.take();
    // Linux: 200 ms doubling; gives up when 15 exponential retries' worth of time
    // (tcp_model_timeout: 924.6 s) has passed. RFC: 1 s doubling, after 15 retransmissions.
    const expected =
      name === 'linux'
        ? [0.2, 0.6, 1.4, 3, 6.2, 12.6, 25.4, 51, 102.2, 204.6, 324.6, 444.6, 564.6, 684.6, 804.6]
        : [1, 3, 7, 15, 31, 63, 127, 247, 367, 487, 607, 727, 847, 967, 1087];
    const giveUp = name === 'linux' ? 924.6 : 1207;
    p.sched.runUntil(t0 + giveUp * 1000 - 1);
    expect(p.client.state).toBe('ESTABLISHED');
    p.sched.runUntil(t0 + giveUp * 1000);
    expect(p.client.state).toBe('CLOSED');
    expect(p.client.ctx.error).toBe('ETIMEDOUT');
    const rtx = p.client.log.filter((s) => s.rtx);
    expect(rtx.map((s) => Math.round(s.t - t0) / 1000)).toEqual(expected);
    expect(rtx.map((s) => shape(s.seg))).toEqual(
      expected.map(() => sh('PSH,ACK', C + 1, S + 1, 1)),
    );
  });
});

describe('FIN handling at the edges of the window and the handshake', () => {
  it.each(PROFILES)(
    '%s: SYN,ACK carrying FIN: the FIN is either taken (CLOSE_WAIT) or ignored (ESTABLISHED, RCV.NXT = IRS + 1), never half of each',
    (name) => {
      const w = reach('SYN_SENT', name);
      seg(w, { flags: SYN | ACK | FIN, seq: S, ack: C + 1 });
      const taken = w.ep.ctx.finRcvd;
      expect(w.ep.state).toBe(taken ? 'CLOSE_WAIT' : 'ESTABLISHED');
      expect(w.ep.ctx.rcvNxt).toBe(taken ? S + 2 : S + 1);
      // CLOSE then goes to LAST_ACK if the FIN was taken, FIN_WAIT_1 if not.
      w.ep.close();
      expect(w.ep.state).toBe(taken ? 'LAST_ACK' : 'FIN_WAIT_1');
    },
  );

  it.each(PROFILES)(
    '%s: data + FIN reaching past the receive window: the part in the window is taken, the FIN is not; the rest arrives later',
    (name) => {
      const p = pair(name, { rcvBuf: 1000 });
      handshake(p, C, S);
      const ep = p.client;
      const all = pattern(1500);
      ep.receive(ep.inbound({ flags: FIN | PSH | ACK, seq: S + 1, ack: C + 1, payload: all }));
      const n = ep.delivered().length;
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(1500);
      // RFC 9293 §3.10.7.4: the segment is trimmed to the window; the FIN lies beyond it.
      expect(ep.state).toBe('ESTABLISHED');
      expect(ep.ctx.finRcvd).toBe(false);
      expect(ep.ctx.rcvNxt).toBe(S + 1 + n);
      // The application reads; the peer retransmits what was not taken, with the FIN.
      ep.read(n);
      ep.receive(
        ep.inbound({
          flags: FIN | PSH | ACK,
          seq: S + 1 + n,
          ack: C + 1,
          payload: all.subarray(n),
        }),
      );
      expect(ep.state).toBe('CLOSE_WAIT');
      expect(ep.delivered()).toEqual(all);
      expect(ep.ctx.rcvNxt).toBe(S + 1 + 1500 + 1);
    },
  );
});
