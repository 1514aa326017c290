/**
 * The world: reading its state at past instants, acting on segments in
 * flight, and rebuilding runs from their inputs.
 */
import { describe, expect, it } from 'vitest';
import { formatTrace } from '../wire/format';
import { ACK, PSH, SYN, flagString } from '../tcp/segment';
import { seqAdd } from '../tcp/seq';
import {
  bytes,
  connectTo,
  echoServer,
  listenOn,
  makeWorld,
  okRet,
  readAll,
  result,
  segmentsFrom,
  text,
} from '../testing/test-world';
import type { Tcb } from '../tcp/tcb';
import { CHECKPOINT_EVERY } from '../sockets/history';
import type { WorldView } from './world';
import { World, WorkBudgetExceeded } from './world';

const DELAY = 10;

const stateOf = (v: WorldView, id: string) => v.conns.find((c) => c.id === id)?.state;
const flying = (v: WorldView) => v.inFlight.map((s) => `#${s.id} ${flagString(s.seg.flags)}`);
const timers = (v: WorldView) => v.timers.map((x) => `${x.conn} ${x.timer} ${x.deadline}`);

describe('World.at(t)', () => {
  it('shows both connections and the segments in flight at each instant of a handshake, also after the run went on', () => {
    const w = makeWorld(1, DELAY);
    const lfd = listenOn(w);
    const acc = w.call('server', { name: 'accept', fd: lfd });
    const { fd, connect } = connectTo(w);
    w.runUntil(100);
    expect(result(connect).ret).toBe(0);
    const sfd = okRet(acc);
    // The run goes on: data both ways, then both close; time travel reads history.
    const reader = readAll(w, 'client', fd);
    w.call('client', { name: 'send', fd, data: bytes('hi') });
    w.call('server', { name: 'send', fd: sfd, data: bytes('there') });
    w.call('client', { name: 'shutdown', fd, how: 'SHUT_WR' });
    w.call('server', { name: 'close', fd: sfd });
    w.runUntilIdle(600_000);
    expect(text(reader.data())).toBe('there');

    const iss = segmentsFrom(w, 'client')[0]!.seg.seq;

    expect(w.at(-1).conns).toEqual([]);

    const t0 = w.at(0);
    expect(stateOf(t0, 'server:1')).toBe('LISTEN');
    expect(stateOf(t0, 'client:1')).toBe('SYN_SENT');
    expect(stateOf(t0, 'server:2')).toBeUndefined(); // not created before the SYN arrives
    expect(flying(t0)).toEqual(['#0 S']);
    expect(timers(t0)).toEqual(['client:1 rtx 1000']);
    const c0 = t0.conns.find((c) => c.id === 'client:1')!.tcb;
    expect([c0.iss, c0.sndUna, c0.sndNxt]).toEqual([iss, iss, seqAdd(iss, 1)]);

    const t5 = w.at(5);
    expect([stateOf(t5, 'client:1'), stateOf(t5, 'server:2')]).toEqual(['SYN_SENT', undefined]);
    expect(flying(t5)).toEqual(['#0 S']);

    const t10 = w.at(10);
    expect(stateOf(t10, 'client:1')).toBe('SYN_SENT');
    expect(stateOf(t10, 'server:2')).toBe('SYN_RECEIVED');
    expect(stateOf(t10, 'server:1')).toBe('LISTEN');
    expect(flying(t10)).toEqual(['#1 S.']);
    expect(t10.inFlight[0]!.seg.ack).toBe(seqAdd(iss, 1));
    expect(timers(t10)).toEqual(['client:1 rtx 1000', 'server:2 rtx 1010']);

    const t15 = w.at(15);
    expect([stateOf(t15, 'client:1'), stateOf(t15, 'server:2')]).toEqual([
      'SYN_SENT',
      'SYN_RECEIVED',
    ]);
    expect(flying(t15)).toEqual(['#1 S.']);

    const t20 = w.at(20);
    expect(stateOf(t20, 'client:1')).toBe('ESTABLISHED');
    expect(stateOf(t20, 'server:2')).toBe('SYN_RECEIVED');
    expect(flying(t20)).toEqual(['#2 .']);
    expect(timers(t20)).toEqual(['server:2 rtx 1010']);

    const t30 = w.at(30);
    expect(stateOf(t30, 'client:1')).toBe('ESTABLISHED');
    expect(stateOf(t30, 'server:2')).toBe('ESTABLISHED');
    expect(flying(t30)).toEqual([]);
    expect(timers(t30)).toEqual([]);

    // And at the end: everything closed, the listener still listening.
    const end = w.at(w.now);
    expect(end.conns.map((c) => `${c.id} ${c.state}`)).toEqual([
      'client:1 CLOSED',
      'server:1 LISTEN',
      'server:2 CLOSED',
    ]);
    expect(end.inFlight).toEqual([]);
    expect(end.timers).toEqual([]);
  });
});

describe('dropping a segment in flight', () => {
  it('a data segment dropped by id is retransmitted after the RTO (SRTT + Linux RTO_MIN) and delivered once', () => {
    const w = makeWorld(2, DELAY);
    const lfd = listenOn(w);
    const acc = w.call('server', { name: 'accept', fd: lfd });
    const { fd } = connectTo(w);
    w.runUntil(100);
    const sfd = okRet(acc);
    const reader = readAll(w, 'server', sfd);

    w.call('client', { name: 'send', fd, data: bytes('precious') });
    const data = segmentsFrom(w, 'client').at(-1)!;
    expect(data.t).toBe(100);
    expect(data.seg.flags).toBe(ACK | PSH);
    // RTT 20 ms: SRTT 20, RTTVAR 10; Linux's RTO is SRTT + max(4·RTTVAR, 200 ms) = 220 ms.
    const rtoDeadline = w.at(100).timers.find((x) => x.conn === 'client:1' && x.timer === 'rtx');
    expect(rtoDeadline?.deadline).toBe(320);

    w.runUntil(105);
    expect(w.isInFlight(data.id)).toBe(true);
    expect(w.at(105).inFlight.map((s) => s.id)).toEqual([data.id]);
    w.act({ kind: 'drop', id: data.id });
    expect(w.isInFlight(data.id)).toBe(false);
    expect(w.trace.records.at(-1)).toEqual({ kind: 'drop', t: 105, id: data.id, reason: 'user' });
    // Time travel sees it in flight before the drop and gone after.
    expect(w.at(104).inFlight.map((s) => s.id)).toEqual([data.id]);
    expect(w.at(106).inFlight).toEqual([]);

    w.runUntil(319);
    expect(reader.chunks).toEqual([]);
    expect(segmentsFrom(w, 'client').filter((s) => s.t > 100)).toEqual([]);
    w.runUntil(1000);
    const rtx = segmentsFrom(w, 'client').filter((s) => s.t > 100)[0]!;
    expect(rtx.t).toBe(320);
    expect(rtx.rtx).toBe(true);
    expect(rtx.seg.seq).toBe(data.seg.seq);
    expect(text(rtx.seg.payload)).toBe('precious');
    expect(rtx.arriveAt).toBe(320 + DELAY);
    expect(reader.chunks.map(text)).toEqual(['precious']);
    expect(w.trace.records.some((r) => r.kind === 'deliver' && r.id === data.id)).toBe(false);
  });

  it('a SYN dropped by id is retransmitted after the initial RTO of 1 s', () => {
    const w = makeWorld(3, DELAY);
    listenOn(w);
    const { connect } = connectTo(w);
    const syn = segmentsFrom(w, 'client')[0]!;
    w.runUntil(3);
    w.act({ kind: 'drop', id: syn.id });
    w.runUntil(2000);
    const syns = segmentsFrom(w, 'client').filter((s) => s.seg.flags === SYN);
    expect(syns.map((s) => [s.t, s.rtx])).toEqual([
      [0, false],
      [1000, true],
    ]);
    expect(result(connect).ret).toBe(0);
    expect(w.trace.records.filter((r) => r.kind === 'call' && r.call === 'connect')[0]!.t).toBe(
      1000 + 2 * DELAY,
    );
  });

  it('dropping a segment that already arrived changes nothing', () => {
    const w = makeWorld(4, DELAY);
    listenOn(w);
    const { connect } = connectTo(w);
    w.runUntil(50);
    expect(w.isInFlight(0)).toBe(false);
    const before = w.trace.records.length;
    w.act({ kind: 'drop', id: 0 });
    expect(w.trace.records.length).toBe(before);
    expect(result(connect).ret).toBe(0);
  });
});

describe('replay and fork', () => {
  /** An echo exchange whose server is an application reacting in onDone callbacks. */
  function echoRun(): World {
    const w = makeWorld(5, DELAY);
    const lfd = listenOn(w);
    echoServer(w, lfd);
    const { fd } = connectTo(w);
    const reader = readAll(w, 'client', fd);
    w.runUntil(100);
    w.call('client', { name: 'send', fd, data: bytes('marco') });
    w.runUntil(200);
    w.call('client', { name: 'shutdown', fd, how: 'SHUT_WR' });
    w.runUntilIdle(600_000);
    expect(text(reader.data())).toBe('marco');
    return w;
  }

  it('World.replay reproduces a run whose application makes calls from onDone callbacks', () => {
    const w = echoRun();
    const again = World.replay(w.options, w.inputs);
    again.runUntilIdle(600_000);
    const a = formatTrace(w.trace.records);
    const b = formatTrace(again.trace.records);
    expect(b).toEqual(a);
    expect(again.trace.toJsonLines()).toBe(w.trace.toJsonLines());
  });

  it('World.fork(t) of that run reproduces its records up to t', () => {
    const w = echoRun();
    for (const t of [20, 30, 110, 120, 500]) {
      const f = w.fork(t);
      expect(formatTrace(f.trace.records), `fork at ${t}`).toEqual(
        formatTrace(w.trace.records.filter((r) => r.t <= t)),
      );
    }
  });

  it('World.replay reproduces a run where a callback closes a socket that has another call blocked', () => {
    const w = makeWorld(7, DELAY);
    listenOn(w);
    const { fd, connect } = connectTo(w);
    w.call('client', { name: 'send', fd, data: bytes('queued during the handshake') });
    connect.onDone(() => w.call('client', { name: 'close', fd }));
    w.runUntilIdle(600_000);
    const again = World.replay(w.options, w.inputs);
    again.runUntilIdle(600_000);
    expect(formatTrace(again.trace.records)).toEqual(formatTrace(w.trace.records));
  });

  it('World.replay reproduces a run where a call is made inside another call (close() ends a recv() whose callback acts)', () => {
    const w = makeWorld(8, DELAY);
    listenOn(w);
    const { fd } = connectTo(w);
    w.runUntil(100);
    w.call('client', { name: 'recv', fd }).onDone(() => {
      w.call('client', { name: 'socket' });
    });
    w.runUntil(200);
    w.call('client', { name: 'close', fd });
    w.runUntilIdle(600_000);
    const again = World.replay(w.options, w.inputs);
    again.runUntilIdle(600_000);
    expect(formatTrace(again.trace.records)).toEqual(formatTrace(w.trace.records));
  });

  it('World.replay reproduces a run driven only by calls made between steps', () => {
    const w = makeWorld(6, DELAY, { link: { client: { loss: 0.2, jitter: 5 } } });
    const lfd = listenOn(w);
    const acc = w.call('server', { name: 'accept', fd: lfd });
    const { fd } = connectTo(w);
    w.runUntil(3000);
    const sfd = okRet(acc);
    w.call('client', { name: 'send', fd, data: bytes('x'.repeat(5000)) });
    w.runUntil(6000);
    w.call('server', { name: 'recv', fd: sfd, len: 9000 });
    w.call('client', { name: 'close', fd });
    w.runUntil(9000);
    w.call('server', { name: 'close', fd: sfd });
    w.runUntilIdle(600_000);
    const again = World.replay(w.options, w.inputs);
    again.runUntilIdle(600_000);
    expect(again.trace.toJsonLines()).toBe(w.trace.toJsonLines());
  });
});

describe('work budget', () => {
  it('stops a run that needs more events than allowed, from inside the run', () => {
    const w = new World({ seed: 1, budget: { events: 5 } });
    const l = w.call('server', { name: 'socket' }).result!.ret;
    w.call('server', { name: 'bind', fd: l, port: 9821 });
    w.call('server', { name: 'listen', fd: l });
    const fd = w.call('client', { name: 'socket' }).result!.ret;
    w.call('client', { name: 'connect', fd, ip: 0xc0000201, port: 9821 });
    expect(() => w.runUntilIdle()).toThrow(WorkBudgetExceeded);
    expect(w.stepsRun).toBe(5);
  });

  it('stops a run that puts more segments on the link than allowed', () => {
    const w = new World({ seed: 1, budget: { segments: 2 } });
    const l = w.call('server', { name: 'socket' }).result!.ret;
    w.call('server', { name: 'bind', fd: l, port: 9821 });
    w.call('server', { name: 'listen', fd: l });
    const fd = w.call('client', { name: 'socket' }).result!.ret;
    w.call('client', { name: 'connect', fd, ip: 0xc0000201, port: 9821 });
    let err: unknown;
    try {
      w.runUntilIdle();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WorkBudgetExceeded);
    expect((err as InstanceType<typeof WorkBudgetExceeded>).what).toBe('segments');
    expect(w.trace.segments.length).toBe(2);
  });
});

describe('history rebuilt from checkpoints', () => {
  it('at(t) gives, at every instant of a lossy transfer, exactly the state the machines had then', () => {
    const w = new World({
      seed: 7,
      link: {
        client: { delay: 5, jitter: 3, loss: 0.1 },
        server: { delay: 5, jitter: 3, loss: 0.1 },
      },
    });
    const lfd = listenOn(w);
    const acc = w.call('server', { name: 'accept', fd: lfd });
    const { fd } = connectTo(w);
    const data = new Uint8Array(40_000).map((_, i) => (i * 7) % 251);
    w.call('client', { name: 'send', fd, data }).onDone(() =>
      w.call('client', { name: 'close', fd }),
    );
    // The live state, seen from outside after each event: what at(t) must give back later.
    const live: { t: number; tcbs: Map<string, unknown> }[] = [];
    let reader: ReturnType<typeof readAll> | null = null;
    while (w.step()) {
      if (!reader && acc.done) reader = readAll(w, 'server', okRet(acc));
      const t = w.now;
      const tcbs = new Map<string, unknown>();
      for (const c of w.allConns()) tcbs.set(c.id, c.snap.context.tcb);
      if (live.length > 0 && live[live.length - 1]!.t === t) live.pop();
      live.push({ t, tcbs });
    }
    expect(reader!.data()).toEqual(data);
    let events = 0;
    for (const c of w.allConns()) events += c.history!.length;
    expect(events).toBeGreaterThan(3 * CHECKPOINT_EVERY); // many checkpoints, many replays
    // The byte stores are shared by every snapshot (compared by identity); the rest by value.
    const split = (tcb: Tcb) => {
      const { sndLog, rcvLog, profile, ...rest } = tcb;
      return { logs: [sndLog, rcvLog, profile], rest };
    };
    let compared = 0;
    for (const { t, tcbs } of live) {
      for (const c of w.at(t).conns) {
        const want = split(tcbs.get(c.id) as Tcb);
        const got = split(c.tcb);
        expect(got.logs[0]).toBe(want.logs[0]);
        expect(got.logs[1]).toBe(want.logs[1]);
        expect(got.rest, `${c.id} at ${t}`).toEqual(want.rest);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(live.length);
    expect(live.length).toBeGreaterThan(50);
  }, 120_000);
});

describe('a scripted side', () => {
  it('hands what the host sends to the script and makes the script’s segments arrive now, off the link', () => {
    const got: { flags: number; ack: number; t: number; id: number }[] = [];
    const w = makeWorld(1, DELAY, {
      scripted: {
        side: 'client',
        receive: (seg, id) => got.push({ flags: seg.flags, ack: seg.ack, t: w.now, id }),
      },
    });
    listenOn(w);
    w.runUntil(5);
    const syn = {
      srcIp: w.client.ip,
      dstIp: w.server.ip,
      srcPort: 40000,
      dstPort: 9821,
      seq: 1000,
      ack: 0,
      flags: SYN,
      window: 65535,
      options: {},
      payload: new Uint8Array(0),
    };
    const id = w.inject(syn);
    // The SYN-ACK leaves in the same instant and reaches the script at once.
    expect(got).toEqual([{ flags: SYN | ACK, ack: 1001, t: 5, id: id + 1 }]);
    const segs = w.trace.segments;
    expect(segs.map((s) => [s.from, s.t, s.arriveAt])).toEqual([
      ['client', 5, 5],
      ['server', 5, 5],
    ]);
    // Nothing is on the link: the client's host never hears of the SYN-ACK.
    expect(w.at(5).inFlight).toEqual([]);
    expect(w.client.conns).toEqual([]);
  });

  it('refuses inject() in a world without one', () => {
    expect(() => makeWorld(1).inject({} as never)).toThrow(/scripted side/);
  });
});
