import { describe, expect, it } from 'vitest';
import type { CallRecord, Side } from '../../core';
import { Session } from '../session';
import {
  BUTTONS,
  availability,
  calledBy,
  firstStepHint,
  tcbGlance,
  type CallButton,
  type SideFacts,
  pendingDrops,
} from './availability';

const facts = (f: Partial<SideFacts> & { side: Side }): SideFacts => ({
  state: 'CLOSED',
  listenFd: null,
  connFd: null,
  acceptWaiting: false,
  ...f,
});

/** The buttons that are enabled. */
const enabled = (f: SideFacts): CallButton[] =>
  BUTTONS[f.side].filter((b) => availability(f, b).enabled);

/** The facts a panel would gather from a session at its cursor (as EndpointPanel does). */
function factsOf(s: Session, side: Side): SideFacts {
  const socks = s.socketsOf(side);
  const listenFd = side === 'server' ? socks.listenFd : null;
  return {
    side,
    state: s.connOf(side)?.state ?? 'CLOSED',
    listenFd,
    connFd: socks.connFd,
    acceptWaiting: listenFd !== null && socks.acceptWaiting,
  };
}

describe('availability', () => {
  it('offers only the opening calls before anything happened', () => {
    expect(enabled(facts({ side: 'server' }))).toEqual(['listen', 'reuseAddr']);
    expect(enabled(facts({ side: 'client' }))).toEqual(['connect', 'reuseAddr']);
  });

  it('says why a call needs a connected socket', () => {
    expect(availability(facts({ side: 'client' }), 'send')).toEqual({
      enabled: false,
      why: { key: 'whyNeedsConnectedClient' },
    });
    expect(availability(facts({ side: 'server' }), 'recv').why?.key).toBe(
      'whyNeedsConnectedServerListen',
    );
    expect(
      availability(facts({ side: 'server', state: 'LISTEN', listenFd: 3 }), 'shutdown').why?.key,
    ).toBe('whyNeedsConnectedServerAccept');
  });

  it('lets the server listen once, and accept only with a listener and no waiting accept()', () => {
    const listening = facts({ side: 'server', state: 'LISTEN', listenFd: 3, acceptWaiting: true });
    expect(availability(listening, 'listen')).toEqual({
      enabled: false,
      why: { key: 'whyAlreadyListening', vars: { fd: 3, port: 9821 } },
    });
    expect(availability(listening, 'accept').why?.key).toBe('whyAcceptWaiting');
    expect(availability({ ...listening, acceptWaiting: false }, 'accept').enabled).toBe(true);
    expect(availability(facts({ side: 'server' }), 'accept').why?.key).toBe('whyNeedsListener');
    expect(
      availability(
        { ...listening, acceptWaiting: false, connFd: 4, state: 'ESTABLISHED' },
        'accept',
      ).why?.key,
    ).toBe('whyHasConnection');
  });

  it('lets close() shut the listener when the server has no connection, and says so', () => {
    const a = availability(facts({ side: 'server', state: 'LISTEN', listenFd: 3 }), 'close');
    expect(a).toEqual({ enabled: true, why: { key: 'noteClosesListener', vars: { fd: 3 } } });
  });

  it('refuses a second connect() while a connection is in progress, allows it once that one is over', () => {
    const busy = facts({ side: 'client', state: 'SYN_SENT', connFd: 3 });
    expect(availability(busy, 'connect')).toEqual({
      enabled: false,
      why: { key: 'whyConnInProgress', vars: { state: 'SYN_SENT' } },
    });
    expect(enabled(busy)).toEqual(['send', 'recv', 'shutdown', 'close', 'abort', 'reuseAddr']);
    expect(availability({ ...busy, state: 'CLOSED' }, 'connect').enabled).toBe(true);
  });

  it('never offers the other side its calls', () => {
    expect(availability(facts({ side: 'client' }), 'listen').why?.key).toBe('whyServerOnly');
    expect(availability(facts({ side: 'server' }), 'connect').why?.key).toBe('whyClientOnly');
  });
});

describe('a session, step by step', () => {
  it('follows the echo lesson', () => {
    const s = new Session();
    expect(enabled(factsOf(s, 'server'))).toEqual(['listen', 'reuseAddr']);

    s.listen();
    const server = factsOf(s, 'server');
    expect(server).toMatchObject({
      state: 'LISTEN',
      listenFd: 3,
      connFd: null,
      acceptWaiting: true,
    });
    expect(enabled(server)).toEqual(['close', 'reuseAddr']);

    s.connect();
    expect(availability(factsOf(s, 'client'), 'connect').enabled).toBe(false);
    s.seek(200);
    const client = factsOf(s, 'client');
    expect(client).toMatchObject({ state: 'ESTABLISHED', connFd: 3 });
    expect(enabled(client)).toEqual(['send', 'recv', 'shutdown', 'close', 'abort', 'reuseAddr']);
    const server2 = factsOf(s, 'server');
    expect(server2).toMatchObject({ state: 'ESTABLISHED', connFd: 4, acceptWaiting: false });
    expect(availability(server2, 'accept').why?.key).toBe('whyHasConnection');

    s.close('server');
    s.seek(300);
    // The server's connection is gone; its listener stays: accept() again.
    expect(availability(factsOf(s, 'server'), 'accept').enabled).toBe(true);
  });

  it('judges the sockets at the cursor when it stands in the past', () => {
    const s = new Session();
    s.listen();
    s.seek(100);
    s.connect();
    s.seek(500);
    s.seek(50); // before the client's socket() and before accept() returned
    const client = factsOf(s, 'client');
    expect(client.connFd).toBeNull();
    expect(availability(client, 'connect').enabled).toBe(true);
    expect(availability(client, 'send').enabled).toBe(false);
    const server = factsOf(s, 'server');
    expect(server).toMatchObject({ listenFd: 3, connFd: null });

    // At 0 the server has its listener (fd 3) and not yet the accepted fd 4; the client nothing.
    s.seek(0);
    expect(s.view.sockets.server.map((x) => x.fd)).toEqual([3]);
    expect(s.view.sockets.client).toEqual([]);
    expect(s.socketsOf('client').connFd).toBeNull();
    s.seek(500);
    expect(s.view.sockets.server.map((x) => [x.fd, x.role])).toEqual([
      [3, 'listening'],
      [4, 'accepted'],
    ]);
  });
});

describe('acceptWaiting (the socket table at the cursor)', () => {
  it('sees an accept() that started by then and had not returned yet', () => {
    const s = new Session();
    s.seek(10);
    s.listen(); // accept() blocks from 10 ms
    s.seek(100);
    s.connect();
    s.seek(1000);
    const returned = s.world.trace.records.find(
      (r): r is CallRecord => r.kind === 'call' && r.call === 'accept',
    )!.t;
    const waiting = (t: number): boolean => {
      s.seek(t);
      return s.socketsOf('server').acceptWaiting;
    };
    expect(waiting(5)).toBe(false);
    expect(waiting(10)).toBe(true);
    expect(waiting(returned - 1)).toBe(true);
    expect(waiting(returned)).toBe(false);
  });
});

describe('first steps', () => {
  it('says listen() first on the server, then connect() on the client', () => {
    const s = new Session();
    const hints = () => {
      const rs = s.world.trace.records;
      const f = {
        anyCall: calledBy(rs, null, s.cursor),
        clientCalled: calledBy(rs, 'client', s.cursor),
        serverListening: s.socketsOf('server').listenFd !== null,
      };
      return [firstStepHint('server', f), firstStepHint('client', f)];
    };
    expect(hints()).toEqual(['hintListen', null]);
    s.listen();
    expect(hints()).toEqual([null, 'hintConnect']);
    s.connect();
    expect(hints()).toEqual([null, null]);
  });
});

describe('tcbGlance', () => {
  it('reads sequence numbers relative to ISS and IRS, and the buffers', () => {
    const s = new Session();
    s.listen();
    s.connect();
    s.seek(400);
    s.send('client', 'hello');
    s.seek(550);

    const c = s.connOf('client')!;
    const g = tcbGlance(c.tcb, c.state, s.cursor);
    expect(g.sndUna?.rel).toBe(6);
    expect(g.sndNxt?.rel).toBe(6);
    expect(g.rcvNxt?.rel).toBe(1);
    expect(g.sndUna?.abs).toBe((c.tcb.iss + 6) >>> 0);
    expect(g.send).toMatchObject({ written: 5, acked: 5, inFlight: 0, unsent: 0 });
    expect(g.rto).toBeGreaterThan(0);

    const sv = s.connOf('server')!;
    const h = tcbGlance(sv.tcb, sv.state, s.cursor);
    expect(h.recv).toMatchObject({ delivered: 5, read: 0, unread: 5, finReceived: false });
    expect(new TextDecoder().decode(h.recv.unreadBytes)).toBe('hello');
  });

  it('shows data in flight, and the timer that guards it with the time left', () => {
    const s = new Session();
    s.listen();
    s.connect();
    s.seek(400);
    s.send('client', 'hello');
    s.seek(420);
    const c = s.connOf('client')!;
    const g = tcbGlance(c.tcb, c.state, s.cursor);
    expect(g.send).toMatchObject({ written: 5, acked: 0, inFlight: 5, unsent: 0 });
    expect(g.timers).toHaveLength(1);
    expect(g.timers[0]).toMatchObject({ timer: 'rtx' });
    expect(g.timers[0]!.left).toBeCloseTo(g.timers[0]!.deadline - 420);
  });

  it('is right for an old snapshot after the buffers grew (time travel)', () => {
    const s = new Session();
    s.listen();
    s.connect();
    s.seek(400);
    s.send('client', 'hello');
    s.seek(600);
    s.recv('server');
    s.seek(700);
    s.send('client', ' world');
    s.seek(1000);
    const before = s.world
      .at(550)
      .conns.find((c) => c.side === 'server' && c.state === 'ESTABLISHED')!;
    const g = tcbGlance(before.tcb, before.state, 550);
    expect(g.recv).toMatchObject({ delivered: 5, read: 0, unread: 5 });
    expect(new TextDecoder().decode(g.recv.unreadBytes)).toBe('hello');

    const now = s.connOf('server')!;
    const h = tcbGlance(now.tcb, now.state, s.cursor);
    expect(h.recv).toMatchObject({ delivered: 11, read: 5, unread: 6 });
    expect(new TextDecoder().decode(h.recv.unreadBytes)).toBe(' world');
  });

  it('shows no sequence numbers before the SYN, and none received before the peer\u2019s', () => {
    const s = new Session();
    s.listen();
    const l = s.connOf('server')!;
    const g = tcbGlance(l.tcb, l.state, 0);
    expect([g.sndUna, g.sndNxt, g.rcvNxt]).toEqual([null, null, null]);

    s.connect();
    const c = s.connOf('client')!;
    const h = tcbGlance(c.tcb, c.state, 0);
    expect(c.state).toBe('SYN_SENT');
    expect(h.sndUna?.rel).toBe(0);
    expect(h.sndNxt?.rel).toBe(1);
    expect(h.rcvNxt).toBeNull();
    expect(h.timers.map((x) => [x.timer, x.left])).toEqual([['rtx', 1000]]);
  });
});

describe('pendingDrops (the link panel)', () => {
  it('tells the rules that drop the next segment from those that wait for a match', () => {
    const s = new Session();
    const link = s.world.link;
    s.dropNext('client');
    s.dropNext('client');
    link.addRule({ kind: 'dropNext', from: 'client', flags: '+F' });
    link.addRule({ kind: 'dropNext', from: 'client', flags: null, payload: 'data' });
    link.addRule({
      kind: 'dropNext',
      from: 'client',
      flags: null,
      after: { from: 'server', flags: '+F' },
    });
    link.addRule({ kind: 'dropNext', from: 'server', flags: null });
    link.addRule({ kind: 'dropNth', from: 'client', n: 3 });
    expect(pendingDrops(link.pendingRules, 'client')).toEqual({ next: 2, waiting: 3 });
    expect(pendingDrops(link.pendingRules, 'server')).toEqual({ next: 1, waiting: 0 });
  });
});
