import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ACK,
  FIN,
  PSH,
  RST,
  STATES,
  SYN,
  causeText,
  parseScenario,
  runScenario,
  type CloseVariant,
  type StateCause,
  type TimerName,
  type TraceRecord,
} from '../../core';
import { machineTransitions } from '../diagram/graph';
import {
  BEFORE_MS,
  buildSteps,
  causeEvent,
  causeKind,
  choicesFor,
  cursorBefore,
  isRight,
  predictionChoices,
  scoreOf,
  type Choice,
  type Step,
} from './steps';

const dir = join(__dirname, '..', '..', '..', 'public', 'scenarios');
const records = (file: string): TraceRecord[] =>
  runScenario(parseScenario(readFileSync(join(dir, file), 'utf8'), file)).world.trace.records;

/** A compact picture of a step: "50 client state CLOSED>SYN_SENT". */
function brief(s: Step): string {
  const t = Math.round(s.t * 100) / 100;
  switch (s.kind) {
    case 'state':
      return `${t} ${s.side} state ${s.state.from}>${s.state.to}${s.timer ? ' +timer' : ''}`;
    case 'retransmit':
      return `${t} ${s.side} retransmit #${s.count}${s.timer ? ' +timer' : ''}${s.dropped ? ` dropped:${s.dropped}` : ''}`;
    case 'drop':
      return `${t} ${s.side} drop ${s.reason}${s.inFlight ? ' in flight' : ''}`;
    case 'error':
      return `${t} ${s.side} error ${s.call.call} ${s.call.errno}`;
    case 'eof':
      return `${t} ${s.side} eof ${s.call.call}`;
    case 'timer':
      return `${t} ${s.side} timer ${s.timer.timer}`;
    case 'cc':
      return `${t} ${s.side} cc ${s.from}>${s.to}`;
    case 'window':
      return `${t} ${s.side} window ${s.change}`;
  }
}

describe('buildSteps', () => {
  it('stops at each state change of the handshake', () => {
    expect(buildSteps(records('handshake.scenario')).map(brief)).toEqual([
      '0 server state CLOSED>LISTEN',
      '50 client state CLOSED>SYN_SENT',
      '100 server state LISTEN>SYN_RECEIVED',
      '150 client state SYN_SENT>ESTABLISHED',
      '200 server state SYN_RECEIVED>ESTABLISHED',
    ]);
  });

  it('walks the client-first teardown, with end of stream and the TIME_WAIT timer', () => {
    const steps = buildSteps(records('teardown-client.scenario'));
    expect(steps.map(brief)).toEqual([
      '0 server state CLOSED>LISTEN',
      '50 client state CLOSED>SYN_SENT',
      '100 server state LISTEN>SYN_RECEIVED',
      '150 client state SYN_SENT>ESTABLISHED',
      '200 server state SYN_RECEIVED>ESTABLISHED',
      '250 client state ESTABLISHED>FIN_WAIT_1',
      '300 server state ESTABLISHED>CLOSE_WAIT',
      '300 server eof recv',
      // The delayed ACK at 340 ms is not a step.
      '390 client state FIN_WAIT_1>FIN_WAIT_2',
      '800 server state CLOSE_WAIT>LAST_ACK',
      '800 server state LISTEN>CLOSED',
      '850 client state FIN_WAIT_2>TIME_WAIT',
      '900 server state LAST_ACK>CLOSED',
      '60850 client state TIME_WAIT>CLOSED +timer',
    ]);
    const last = steps[steps.length - 1]!;
    expect(last.kind === 'state' && last.armedAt).toBe(850);
    expect(last.records.map((r) => r.kind)).toEqual(['state', 'timer']);
  });

  it('shows a lost SYN after the state change that sent it, then the retransmission', () => {
    const steps = buildSteps(records('lost-syn.scenario'));
    expect(steps.map(brief)).toEqual([
      '0 server state CLOSED>LISTEN',
      '50 client state CLOSED>SYN_SENT',
      '50 client drop rule',
      '1050 client retransmit #1 +timer',
      '1100 server state LISTEN>SYN_RECEIVED',
      '1150 client state SYN_SENT>ESTABLISHED',
      '1200 server state SYN_RECEIVED>ESTABLISHED',
    ]);
    const drop = steps[2]!;
    expect(drop.kind === 'drop' && drop.rtxDeadline).toBe(1050);
    const rtx = steps[3]!;
    expect(rtx.kind).toBe('retransmit');
    if (rtx.kind !== 'retransmit') return;
    expect(rtx.sinceLast).toBe(1000);
    expect(rtx.gapBefore).toBeNull();
    expect(rtx.dropped).toBeNull();
    expect(rtx.records.map((r) => r.kind)).toEqual(['segment', 'timer']);
  });

  it('follows a SYN timeout: linear retries, then the give-up and ETIMEDOUT', () => {
    const steps = buildSteps(records('../../conformance/linux/syn-timeout.scenario'));
    expect(steps.map(brief)).toEqual([
      '0 client state CLOSED>SYN_SENT',
      '0 client drop loss',
      '1000 client retransmit #1 +timer dropped:loss',
      '2000 client retransmit #2 +timer dropped:loss',
      '3000 client retransmit #3 +timer dropped:loss',
      '4000 client retransmit #4 +timer dropped:loss',
      '5000 client retransmit #5 +timer dropped:loss',
      '7000 client state SYN_SENT>CLOSED +timer',
      '7000 client error connect ETIMEDOUT',
    ]);
    const give = steps[7]!;
    expect(give.kind === 'state' && [give.retransmissions, give.firstSentAt]).toEqual([5, 0]);
    const err = steps[8]!;
    expect(err.kind === 'error' && err.synsSent).toBe(6);
  });

  it('tells doubled waits from repeated ones', () => {
    const gaps = buildSteps(records('../../conformance/linux/syn-timeout-exponential.scenario'))
      .filter((s) => s.kind === 'retransmit')
      .map((s) => [s.sinceLast, s.gapBefore]);
    expect(gaps).toEqual([
      [1000, null],
      [2000, 1000],
    ]);
  });

  it('reports a refused connect() after the reset that caused it', () => {
    expect(buildSteps(records('../../conformance/linux/refused.scenario')).map(brief)).toEqual([
      '0 client state CLOSED>SYN_SENT',
      '0.02 client state SYN_SENT>CLOSED',
      '0.02 client error connect ECONNREFUSED',
    ]);
  });

  it('is sorted by time and covers every state record of every scenario once', () => {
    for (const file of [
      '../../conformance/linux/echo.scenario',
      '../../conformance/linux/half-close.scenario',
      '../../conformance/linux/lost-syn.scenario',
    ]) {
      const rs = records(file);
      const steps = buildSteps(rs);
      for (let i = 1; i < steps.length; i++)
        expect(steps[i]!.t).toBeGreaterThanOrEqual(steps[i - 1]!.t);
      const covered = steps.flatMap((s) => s.records).filter((r) => r.kind === 'state');
      expect(covered).toEqual(rs.filter((r) => r.kind === 'state'));
    }
  });

  it('makes a step of a segment dropped in flight', () => {
    const rs: TraceRecord[] = [
      {
        kind: 'segment',
        id: 0,
        from: 'client',
        conn: 'client:1',
        t: 10,
        arriveAt: 60,
        dropped: null,
        rtx: false,
        dupOf: null,
        seg: {
          srcIp: 1,
          dstIp: 2,
          srcPort: 3,
          dstPort: 4,
          seq: 100,
          ack: 0,
          flags: 0x10,
          window: 1000,
          options: { mss: null, wscale: null, sackPermitted: false, timestamp: null },
          payload: new Uint8Array([104, 105]),
        },
      },
      { kind: 'drop', t: 30, id: 0, reason: 'user' },
    ] as unknown as TraceRecord[];
    expect(buildSteps(rs).map(brief)).toEqual(['30 client drop user in flight']);
  });
});

describe('buildSteps: data transfer', () => {
  const run = (file: string) => {
    const w = runScenario(parseScenario(readFileSync(join(dir, file), 'utf8'), file)).world;
    return { w, steps: buildSteps(w.trace.records, w.trace) };
  };
  const drops = (steps: Step[]) =>
    steps.flatMap((s) => (s.kind === 'drop' ? [s.resent && [s.resent.by, s.resent.t]] : []));

  it('a dropped segment knows how it went again: its timer, duplicate ACKs, a SACK, or the same recovery', () => {
    expect(drops(run('lost-data.scenario').steps)).toEqual([['timer', 450]]);
    expect(drops(run('fast-recovery.scenario').steps)).toEqual([['dupacks', 300]]);
    const sack = drops(run('sack-recovery.scenario').steps);
    expect(sack.map((d) => d && d[0])).toEqual(['sack', 'recovery', 'recovery']);
    // A segment never sent again has nothing to say.
    expect(drops(buildSteps(records('lost-handshake-ack.scenario')))).toEqual([null]);
  });

  it('stops where a receiver closes its window and where it opens it again, with what the application read', () => {
    const { steps } = run('zero-window.scenario');
    const windows = steps.filter((s) => s.kind === 'window');
    expect(windows.map(brief)).toEqual(['370 server window closed', '3000 server window opened']);
    const opened = windows[1]!;
    expect(opened.kind === 'window' && [opened.window, opened.read]).toEqual([8192, 8392]);
    // The probes' answers offer 0 again: no more steps.
    expect(steps.filter((s) => s.kind === 'timer').map(brief)).toEqual([
      '734.38 client timer rtx',
      '1363.13 client timer rtx',
      '2620.63 client timer rtx',
    ]);
  });

  it('stops at congestion phase changes no retransmission started, read from the congestion series', () => {
    const { w, steps } = run('fast-recovery.scenario');
    expect(steps.filter((s) => s.kind === 'cc' || s.kind === 'retransmit').map(brief)).toEqual([
      '300 client retransmit #1',
      '400 client cc fast-recovery>slow-start',
      '500 client cc slow-start>avoidance',
    ]);
    const end = steps.find((s) => s.kind === 'cc')!;
    expect(end.kind === 'cc' && [end.before.cwnd, end.after.cwnd]).toEqual([18 * 1460, 8 * 1460]);
    // It sorts after the ACK that made it.
    expect(end.records[0]!.t).toBe(400);
    // Without the series there are none.
    expect(buildSteps(w.trace.records).some((s) => s.kind === 'cc')).toBe(false);
  });

  it('knows whether the copy before a timer retransmission was the timer’s too', () => {
    const timerRtx = (steps: Step[]) =>
      steps.flatMap((s) => (s.kind === 'retransmit' && s.timer ? [s.afterTimer] : []));
    expect(timerRtx(run('lost-data.scenario').steps)).toEqual([false, true]);
    // After a fast retransmission: the timer's first wait.
    expect(timerRtx(run('rto-collapse.scenario').steps)).toEqual([false]);
  });

  it('gives a retransmission the sender’s congestion state as its instant ended', () => {
    const { steps } = run('rto-collapse.scenario');
    const rtx = steps.filter((s) => s.kind === 'retransmit');
    expect(rtx.map((s) => s.kind === 'retransmit' && s.cc?.phase)).toEqual([
      'fast-recovery',
      'rto-recovery',
    ]);
  });
});

describe('cursorBefore', () => {
  it('stands just before a step, or at its instant when the step before shares it', () => {
    const steps = buildSteps(records('../../conformance/linux/refused.scenario'));
    expect(cursorBefore(steps, 0)).toBe(0);
    expect(cursorBefore(steps, 1)).toBeCloseTo(0.02 - BEFORE_MS, 9);
    expect(cursorBefore(steps, 2)).toBe(steps[2]!.t);
    expect(cursorBefore([], 0)).toBe(0);
  });
});

describe('causeKind', () => {
  const rcv = (flags: number): StateCause => ({ kind: 'segment', flags, id: 7 });
  const close = (variant: CloseVariant): StateCause => ({ kind: 'call', call: 'close', variant });
  const timer = (t: TimerName): StateCause => ({ kind: 'timer', timer: t });
  const shutWr: StateCause = { kind: 'call', call: 'shutdown', how: 'SHUT_WR' };

  it('reads the causes the host writes', () => {
    expect(causeKind(rcv(SYN))).toBe('rcvSyn');
    expect(causeKind(rcv(SYN | ACK))).toBe('rcvSynAck');
    expect(causeKind(rcv(SYN | FIN | ACK))).toBe('rcvSynAckFin');
    expect(causeKind(rcv(FIN | ACK))).toBe('rcvFin');
    expect(causeKind(rcv(FIN | PSH | ACK))).toBe('rcvFin');
    expect(causeKind(rcv(RST | ACK))).toBe('rcvRst');
    expect(causeKind(rcv(RST))).toBe('rcvRst');
    expect(causeKind(rcv(PSH | ACK))).toBe('rcvAck');
    expect(causeKind(rcv(ACK))).toBe('rcvAck');
    expect(causeKind({ kind: 'call', call: 'connect' })).toBe('connect');
    expect(causeKind({ kind: 'call', call: 'listen' })).toBe('listen');
    expect(causeKind(close('plain'))).toBe('close');
    expect(causeKind(shutWr)).toBe('shutdown');
    expect(causeKind(close('unreadData'))).toBe('closeUnread');
    expect(causeKind(close('linger0'))).toBe('linger0');
    expect(causeKind(close('listener'))).toBe('closeListener');
    expect(causeKind({ kind: 'synForListener', id: 3 })).toBe('synForListener');
    expect(causeKind(timer('rtx'))).toBe('timeoutRtx');
    expect(causeKind(timer('timeWait'))).toBe('timeoutTimeWait');
    expect(causeKind(timer('finWait2'))).toBe('timeoutFinWait2');
    expect(causeKind({ kind: 'call', call: 'send' })).toBe('other');
  });

  it('maps each cause to an event the machine has', () => {
    const events = new Set(machineTransitions().map((t) => t.event));
    for (const c of [
      { kind: 'call', call: 'listen' },
      { kind: 'call', call: 'connect' },
      close('plain'),
      shutWr,
      close('unreadData'),
      rcv(SYN),
      timer('rtx'),
      timer('timeWait'),
      timer('finWait2'),
    ] as const)
      expect(events.has(causeEvent(causeKind(c))!), causeText(c)).toBe(true);
  });
});

describe('predictionChoices', () => {
  const all = machineTransitions().filter((t) => t.from !== t.to);

  it('always offers the right answer once, among three or four distinct choices', () => {
    for (const t of all) {
      const cs = predictionChoices(t.from, t.to, t.event);
      const label = `${t.from}->${t.to} on ${t.event}`;
      expect(cs.length, label).toBeGreaterThanOrEqual(3);
      expect(cs.length, label).toBeLessThanOrEqual(4);
      expect(
        cs.filter((c) => !c.stay && c.state === t.to),
        label,
      ).toHaveLength(1);
      const keys = cs.map((c) => `${c.stay}:${c.state}`);
      expect(new Set(keys).size, label).toBe(keys.length);
      // "Stay" names the current state and comes last; the rest are in state order.
      cs.forEach((c, i) => {
        if (c.stay) {
          expect(c.state, label).toBe(t.from);
          expect(i, label).toBe(cs.length - 1);
        } else expect(c.state, label).not.toBe(t.from);
      });
      const ranks = cs.filter((c) => !c.stay).map((c) => STATES.indexOf(c.state));
      expect(ranks, label).toEqual([...ranks].sort((a, b) => a - b));
    }
  });

  it('is deterministic', () => {
    for (const t of all)
      expect(predictionChoices(t.from, t.to, t.event)).toEqual(
        predictionChoices(t.from, t.to, t.event),
      );
  });

  it('prefers the textbook alternatives', () => {
    const show = (cs: Choice[]) => cs.map((c) => (c.stay ? `stay ${c.state}` : c.state));
    expect(show(predictionChoices('FIN_WAIT_1', 'TIME_WAIT', 'SEGMENT'))).toEqual([
      'FIN_WAIT_2',
      'CLOSING',
      'TIME_WAIT',
      'stay FIN_WAIT_1',
    ]);
    expect(show(predictionChoices('SYN_SENT', 'ESTABLISHED', 'SEGMENT'))).toEqual([
      'CLOSED',
      'SYN_RECEIVED',
      'ESTABLISHED',
      'stay SYN_SENT',
    ]);
    expect(show(predictionChoices('CLOSED', 'LISTEN', 'PASSIVE_OPEN'))).toEqual([
      'LISTEN',
      'SYN_SENT',
      'stay CLOSED',
    ]);
    expect(show(predictionChoices('ESTABLISHED', 'FIN_WAIT_1', 'CLOSE'))).toEqual([
      'CLOSED',
      'FIN_WAIT_1',
      'CLOSE_WAIT',
    ]);
    // Only one way out of TIME_WAIT: padded with "stay" and a common mistake.
    expect(
      show(predictionChoices('TIME_WAIT', 'CLOSED', 'xstate.after.timeWait.tcp.TIME_WAIT')),
    ).toEqual(['CLOSED', 'LISTEN', 'stay TIME_WAIT']);
  });

  it('has a right answer for every state change of the shipped scenarios', () => {
    for (const file of [
      '../../conformance/linux/echo.scenario',
      '../../conformance/linux/half-close.scenario',
      '../../conformance/linux/refused.scenario',
      '../../conformance/linux/syn-timeout.scenario',
    ]) {
      for (const s of buildSteps(records(file))) {
        if (s.kind !== 'state') continue;
        const cs = choicesFor(s);
        expect(cs.filter((c) => isRight(s, c))).toHaveLength(1);
      }
    }
  });

  it('works without knowing the event', () => {
    const cs = predictionChoices('CLOSING', 'TIME_WAIT', null);
    expect(cs.some((c) => c.state === 'TIME_WAIT' && !c.stay)).toBe(true);
    expect(cs.length).toBeGreaterThanOrEqual(3);
  });
});

describe('scoreOf', () => {
  it('counts right answers out of the questions answered, not skipped ones', () => {
    const steps = buildSteps(records('handshake.scenario'));
    const answers = new Map<number, Choice | 'skipped'>([
      [0, { state: 'LISTEN', stay: false }],
      [1, { state: 'CLOSED', stay: true }],
      [2, 'skipped'],
      [3, { state: 'ESTABLISHED', stay: false }],
    ]);
    expect(scoreOf(answers, steps)).toEqual({ right: 2, asked: 3 });
  });
});
