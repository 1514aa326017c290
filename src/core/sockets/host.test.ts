/**
 * The socket API of a host, with Linux's semantics: what each call returns,
 * when blocking calls complete, and what goes on the wire.
 */
import { describe, expect, it } from 'vitest';
import { formatTrace } from '../wire/format';
import type { CallHandle } from './host';
import { ACK, FIN, RST, SYN, flagString, parseIp } from '../tcp/segment';
import { seqAdd } from '../tcp/seq';
import {
  bytes,
  callRecords,
  connectTo,
  echoServer,
  listenOn,
  makeWorld,
  okRet,
  readAll,
  result,
  SERVER_IP,
  segmentsFrom,
  stateNow,
  statePath,
  stateRecords,
  text,
} from '../testing/test-world';
import type { World } from '../sim/world';

const DELAY = 10; // one-way delay (ms) of every link below unless stated
const dump = (w: World): string => formatTrace(w.trace.records).join('\n');

/** A listener, a client connected to it, and the server's accepted fd. */
function connected(
  seed: number,
  opts: { reuseAddr?: boolean } = {},
): { w: World; lfd: number; cfd: number; sfd: number } {
  const w = makeWorld(seed, DELAY);
  const lfd = listenOn(w, opts);
  const acc = w.call('server', { name: 'accept', fd: lfd });
  const { fd: cfd, connect } = connectTo(w);
  w.runUntil(100);
  expect(result(connect).ret, dump(w)).toBe(0);
  return { w, lfd, cfd, sfd: okRet(acc) };
}

describe('connect()', () => {
  it('to a port nobody listens on: the host answers RST,ACK with ack = ISS+1 and connect() fails with ECONNREFUSED', () => {
    const w = makeWorld(1, DELAY);
    const { connect } = connectTo(w);
    expect(connect.done).toBe(false);
    w.runUntilIdle(10_000);

    const [syn, ...moreFromClient] = segmentsFrom(w, 'client');
    expect(syn!.seg.flags).toBe(SYN);
    expect(moreFromClient).toEqual([]); // nothing retransmitted, nothing answered
    const fromServer = segmentsFrom(w, 'server');
    expect(fromServer).toHaveLength(1);
    const rst = fromServer[0]!;
    expect(flagString(rst.seg.flags)).toBe('R.');
    expect(rst.seg.seq).toBe(0);
    expect(rst.seg.ack).toBe(seqAdd(syn!.seg.seq, 1));
    expect(rst.seg.dstPort).toBe(syn!.seg.srcPort);
    expect(rst.conn).toBeNull();

    expect(result(connect)).toEqual({ ret: -1, errno: 'ECONNREFUSED', data: null });
    const rec = callRecords(w, 'client', 'connect')[0]!;
    expect(rec.t).toBe(2 * DELAY);
    expect(statePath(w, 'client:1')).toEqual(['CLOSED', 'SYN_SENT', 'CLOSED']);
  });

  it('with every SYN lost: SYNs at 0,1,2,3,4,5,7,11,19,35,67 s, then ETIMEDOUT at 131 s', () => {
    const w = makeWorld(2, DELAY, { link: { client: { loss: 1 } } });
    listenOn(w);
    const { connect } = connectTo(w);
    w.runUntilIdle(300_000);

    const syns = segmentsFrom(w, 'client');
    expect(syns.map((s) => s.t)).toEqual(
      [0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67].map((s) => s * 1000),
    );
    for (const s of syns) {
      expect(s.seg.flags).toBe(SYN);
      expect(s.dropped).toBe('loss');
      expect(s.seg.seq).toBe(syns[0]!.seg.seq);
    }
    expect(syns.map((s) => s.rtx)).toEqual([false, ...Array<boolean>(10).fill(true)]);

    expect(result(connect)).toEqual({ ret: -1, errno: 'ETIMEDOUT', data: null });
    const rec = callRecords(w, 'client', 'connect')[0]!;
    expect(rec.start).toBe(0);
    expect(rec.t).toBe(131_000);
    const closed = stateRecords(w).filter((r) => r.conn === 'client:1' && r.to === 'CLOSED');
    expect(closed.map((r) => [r.t, r.from])).toEqual([[131_000, 'SYN_SENT']]);
  });

  it("to an address that is not the server's: nobody answers, the server notes the drop, and connect() times out (ETIMEDOUT at 131 s)", () => {
    const w = makeWorld(4, DELAY);
    listenOn(w); // the server listens on 9821 — but at its own address only
    const fd = okRet(w.call('client', { name: 'socket' }));
    const wrong = parseIp('192.0.2.77')!;
    const connect = w.call('client', { name: 'connect', fd, ip: wrong, port: 9821 });
    w.runUntilIdle(300_000);

    // The SYN and its retries (Linux timing), every one delivered, none answered.
    const syns = segmentsFrom(w, 'client');
    expect(syns.map((s) => s.t)).toEqual(
      [0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67].map((s) => s * 1000),
    );
    for (const s of syns) {
      expect(s.seg.flags).toBe(SYN);
      expect(s.seg.dstIp).toBe(wrong);
      expect(s.dropped).toBeNull();
    }
    expect(segmentsFrom(w, 'server')).toEqual([]);
    expect(w.server.conns.map((c) => c.id)).toEqual(['server:1']); // the listener alone
    const notes = w.trace.records.filter((r) => r.kind === 'note');
    expect(notes).toHaveLength(syns.length);
    expect(notes[0]).toEqual({
      kind: 'note',
      t: DELAY,
      side: 'server',
      text: "segment for 192.0.2.77:9821 dropped: not this host's address (192.0.2.1)",
    });

    expect(result(connect)).toEqual({ ret: -1, errno: 'ETIMEDOUT', data: null });
    expect(callRecords(w, 'client', 'connect')[0]!.t).toBe(131_000);
    // The text output numbers the SYN and each retry from the client's ISN.
    const lines = formatTrace(w.trace.records).filter((l) => l.includes(' > '));
    expect(lines).toHaveLength(syns.length);
    for (const l of lines)
      expect(l).toMatch(/^\d+\.\d{6} client > server: Flags \[S\], seq 0, win /);
  });

  it('on a connected socket fails with EISCONN', () => {
    const { w, cfd } = connected(3);
    const again = w.call('client', { name: 'connect', fd: cfd, ip: SERVER_IP, port: 9821 });
    expect(result(again)).toEqual({ ret: -1, errno: 'EISCONN', data: null });
  });
});

describe('accept()', () => {
  it('blocks until a connection is established, then returns a new fd', () => {
    const w = makeWorld(4, DELAY);
    const lfd = listenOn(w);
    const acc = w.call('server', { name: 'accept', fd: lfd });
    w.runUntil(5000);
    expect(acc.done).toBe(false);
    expect(callRecords(w, 'server', 'accept')).toEqual([]);

    const { connect } = connectTo(w);
    w.runUntil(5000 + 2 * DELAY);
    expect(acc.done).toBe(false); // SYN,ACK is on its way back; the handshake is not complete
    w.runUntil(5000 + 3 * DELAY);
    const fd = okRet(acc);
    expect(fd).not.toBe(lfd);
    expect(result(connect).ret).toBe(0);
    const rec = callRecords(w, 'server', 'accept')[0]!;
    expect([rec.start, rec.t, rec.ret]).toEqual([0, 5000 + 3 * DELAY, fd]);
  });

  it('on a socket that is not listening fails with EINVAL', () => {
    const w = makeWorld(5, DELAY);
    const fd = okRet(w.call('server', { name: 'socket' }));
    expect(result(w.call('server', { name: 'accept', fd }))).toEqual({
      ret: -1,
      errno: 'EINVAL',
      data: null,
    });
    const { w: w2, cfd } = connected(5);
    expect(result(w2.call('client', { name: 'accept', fd: cfd })).errno).toBe('EINVAL');
  });

  it('a half-open connection reset in SYN_RECEIVED is forgotten: a new SYN from the same address and port is served', () => {
    const w = makeWorld(32, DELAY);
    const lfd = listenOn(w);
    const acc = w.call('server', { name: 'accept', fd: lfd });
    const c1 = okRet(w.call('client', { name: 'socket' }));
    okRet(w.call('client', { name: 'bind', fd: c1, port: 40000 }));
    // The SYN,ACK is lost; the client gives up; the SYN,ACK's retransmission draws a RST.
    w.act({ kind: 'rule', rule: { kind: 'dropNext', from: 'server', flags: 'S.' } });
    w.call('client', { name: 'connect', fd: c1, ip: SERVER_IP, port: 9821 });
    w.runUntil(500);
    w.call('client', { name: 'close', fd: c1 });
    w.runUntil(2000);
    expect(statePath(w, 'server:2')).toEqual(['LISTEN', 'SYN_RECEIVED', 'LISTEN']);
    expect(acc.done).toBe(false);
    // A new connection from the same port.
    const c2 = okRet(w.call('client', { name: 'socket' }));
    okRet(w.call('client', { name: 'bind', fd: c2, port: 40000 }));
    const connect = w.call('client', { name: 'connect', fd: c2, ip: SERVER_IP, port: 9821 });
    w.runUntil(2000 + 3 * DELAY);
    expect(connect.result, dump(w)).toEqual({ ret: 0, errno: null, data: null });
    expect(acc.result?.ret).toBeGreaterThan(0);
  });

  it('serves several connections on one port, each with its own data', () => {
    const w = makeWorld(6, DELAY);
    const lfd = listenOn(w);
    const server = echoServer(w, lfd);
    const a = connectTo(w);
    const b = connectTo(w);
    const messages = ['alpha '.repeat(300), 'bravo '.repeat(500)];
    const readers = [a, b].map((c, i) => {
      c.connect.onDone((r) => {
        expect(r.ret).toBe(0);
        w.call('client', { name: 'send', fd: c.fd, data: bytes(messages[i]!) });
        w.call('client', { name: 'shutdown', fd: c.fd, how: 'SHUT_WR' });
      });
      return readAll(w, 'client', c.fd);
    });
    w.runUntilIdle(600_000);

    expect(server.accepted).toHaveLength(2);
    expect(new Set([lfd, ...server.accepted]).size).toBe(3);
    expect(
      readers.map((r) => text(r.data())),
      dump(w),
    ).toEqual(messages);
    expect(readers.map((r) => r.end?.ret)).toEqual([0, 0]);
    // The two connections are distinct on the wire: same server port, different client ports.
    const clientPorts = new Set(segmentsFrom(w, 'client').map((s) => s.seg.srcPort));
    expect(clientPorts.size).toBe(2);
    expect(new Set(segmentsFrom(w, 'server').map((s) => s.seg.srcPort))).toEqual(new Set([9821]));
    // Each accepted fd read exactly its own client's bytes.
    for (const [i, fd] of server.accepted.entries()) {
      const got = callRecords(w, 'server', 'recv')
        .filter((r) => r.args.startsWith(`${fd},`) && r.ret > 0)
        .map((r) => text(r.data!))
        .join('');
      expect(messages).toContain(got);
      expect(got).not.toBe(
        callRecords(w, 'server', 'recv')
          .filter((r) => r.args.startsWith(`${server.accepted[1 - i]!},`) && r.ret > 0)
          .map((r) => text(r.data!))
          .join(''),
      );
    }
    // Every connection closed in the end; the listener listens on.
    for (const c of [...w.client.conns, ...w.server.conns])
      if (c.id !== 'server:1') expect(c.done, c.id).toBe(true);
    expect(stateNow(w, 'server:1')).toBe('LISTEN');
  });
});

describe('recv()', () => {
  it('blocks until data arrives, returns the data first, and 0 only once the FIN is in and the buffer drained', () => {
    const { w, cfd, sfd } = connected(7);
    const early = w.call('server', { name: 'recv', fd: sfd });
    w.runUntil(200);
    expect(early.done).toBe(false);
    w.call('client', { name: 'send', fd: cfd, data: bytes('ping') });
    w.runUntil(200 + DELAY);
    expect(result(early).ret).toBe(4);
    expect(text(result(early).data!)).toBe('ping');
    expect(callRecords(w, 'server', 'recv')[0]!.t).toBe(200 + DELAY);

    w.call('client', { name: 'send', fd: cfd, data: bytes('hello, world') });
    w.call('client', { name: 'close', fd: cfd });
    w.runUntil(400);
    expect(stateNow(w, 'server:2')).toBe('CLOSE_WAIT'); // the FIN is in, the data unread
    const r1 = result(w.call('server', { name: 'recv', fd: sfd, len: 5 }));
    const r2 = result(w.call('server', { name: 'recv', fd: sfd }));
    const r3 = result(w.call('server', { name: 'recv', fd: sfd }));
    const r4 = result(w.call('server', { name: 'recv', fd: sfd }));
    expect([r1.ret, text(r1.data!)]).toEqual([5, 'hello']);
    expect([r2.ret, text(r2.data!)]).toEqual([7, ', world']);
    expect([r3.ret, r3.errno]).toEqual([0, null]);
    expect([r4.ret, r4.errno]).toEqual([0, null]);
  });

  it('a pending recv() returns 0 when the FIN arrives', () => {
    const { w, cfd, sfd } = connected(8);
    const pending = w.call('server', { name: 'recv', fd: sfd });
    w.runUntil(300);
    w.call('client', { name: 'shutdown', fd: cfd, how: 'SHUT_WR' });
    expect(pending.done).toBe(false);
    w.runUntil(300 + DELAY);
    expect(result(pending)).toMatchObject({ ret: 0, errno: null });
  });

  it('on a socket that never connected fails with ENOTCONN', () => {
    const w = makeWorld(9, DELAY);
    const fd = okRet(w.call('client', { name: 'socket' }));
    expect(result(w.call('client', { name: 'recv', fd }))).toEqual({
      ret: -1,
      errno: 'ENOTCONN',
      data: null,
    });
    expect(result(w.call('client', { name: 'shutdown', fd, how: 'SHUT_WR' })).errno).toBe(
      'ENOTCONN',
    );
  });

  it('after the peer resets: the data already in first, then -1 ECONNRESET, then 0; send() gives EPIPE', () => {
    const { w, cfd, sfd } = connected(10);
    w.call('client', { name: 'send', fd: cfd, data: bytes('last words') });
    w.runUntil(300);
    w.call('client', { name: 'setsockopt', fd: cfd, opt: 'SO_LINGER', onoff: true, linger: 0 });
    w.call('client', { name: 'close', fd: cfd });
    w.runUntil(300 + DELAY);
    expect(stateNow(w, 'server:2')).toBe('CLOSED');
    const r1 = result(w.call('server', { name: 'recv', fd: sfd }));
    expect([r1.ret, text(r1.data!)]).toEqual([10, 'last words']);
    expect(result(w.call('server', { name: 'recv', fd: sfd }))).toEqual({
      ret: -1,
      errno: 'ECONNRESET',
      data: null,
    });
    expect(result(w.call('server', { name: 'recv', fd: sfd }))).toMatchObject({ ret: 0 });
    expect(result(w.call('server', { name: 'send', fd: sfd, data: bytes('x') })).errno).toBe(
      'EPIPE',
    );
  });

  it('a pending recv() fails with ECONNRESET when the RST arrives', () => {
    const { w, cfd, sfd } = connected(11);
    const pending = w.call('server', { name: 'recv', fd: sfd });
    w.runUntil(300);
    w.call('client', { name: 'setsockopt', fd: cfd, opt: 'SO_LINGER', onoff: true, linger: 0 });
    w.call('client', { name: 'close', fd: cfd });
    w.runUntil(300 + DELAY);
    expect(result(pending)).toEqual({ ret: -1, errno: 'ECONNRESET', data: null });
    expect(callRecords(w, 'server', 'recv')[0]!.t).toBe(300 + DELAY);
  });
});

describe('send() and shutdown()', () => {
  it('send() after shutdown(SHUT_WR) fails with EPIPE; the FIN went out', () => {
    const { w, cfd } = connected(12);
    expect(result(w.call('client', { name: 'shutdown', fd: cfd, how: 'SHUT_WR' })).ret).toBe(0);
    expect(result(w.call('client', { name: 'send', fd: cfd, data: bytes('late') }))).toEqual({
      ret: -1,
      errno: 'EPIPE',
      data: null,
    });
    w.runUntil(1000);
    const fins = segmentsFrom(w, 'client').filter((s) => s.seg.flags & FIN);
    expect(fins).toHaveLength(1);
    expect(segmentsFrom(w, 'client').some((s) => s.seg.payload.length > 0)).toBe(false);
    expect(stateNow(w, 'client:1')).toBe('FIN_WAIT_2');
  });

  it('half-close: after shutdown(SHUT_WR) the client keeps receiving; recv() returns 0 only after the server FIN', () => {
    const { w, cfd, sfd } = connected(13);
    const clientReader = readAll(w, 'client', cfd);
    const serverReader = readAll(w, 'server', sfd);
    w.call('client', { name: 'shutdown', fd: cfd, how: 'SHUT_WR' });
    w.runUntil(200);
    expect(serverReader.end).toMatchObject({ ret: 0 });
    const parts = ['one ', 'two '.repeat(1000), 'three'];
    for (const [i, p] of parts.entries()) {
      w.runUntil(1000 * (i + 1));
      expect(result(w.call('server', { name: 'send', fd: sfd, data: bytes(p) })).ret).toBe(
        p.length,
      );
      w.runUntil(1000 * (i + 1) + 500);
      expect(clientReader.end, `after part ${i}`).toBeNull();
      expect(stateNow(w, 'client:1')).toBe('FIN_WAIT_2');
    }
    expect(text(clientReader.data())).toBe(parts.join(''));
    w.runUntil(4000);
    expect(clientReader.end).toBeNull();
    w.call('server', { name: 'close', fd: sfd });
    w.runUntil(5000);
    expect(clientReader.end).toMatchObject({ ret: 0 });
    expect(clientReader.endAt).toBe(4000 + DELAY);
    expect(stateNow(w, 'client:1')).toBe('TIME_WAIT');
    expect(stateNow(w, 'server:2')).toBe('CLOSED');
  });
});

describe('resets', () => {
  it('a RST in CLOSE_WAIT is reported as EPIPE by the next send()', () => {
    const { w, cfd, sfd } = connected(14);
    const reader = readAll(w, 'server', sfd);
    w.call('client', { name: 'shutdown', fd: cfd, how: 'SHUT_WR' });
    w.runUntil(300);
    expect(reader.end).toMatchObject({ ret: 0 });
    expect(stateNow(w, 'server:2')).toBe('CLOSE_WAIT');
    w.call('client', { name: 'setsockopt', fd: cfd, opt: 'SO_LINGER', onoff: true, linger: 0 });
    w.call('client', { name: 'close', fd: cfd });
    w.runUntil(300 + DELAY);
    const last = segmentsFrom(w, 'client').at(-1)!;
    expect(last.seg.flags & RST).toBe(RST);
    expect(stateRecords(w).at(-1)).toMatchObject({
      conn: 'server:2',
      from: 'CLOSE_WAIT',
      to: 'CLOSED',
    });
    expect(result(w.call('server', { name: 'send', fd: sfd, data: bytes('x') }))).toEqual({
      ret: -1,
      errno: 'EPIPE',
      data: null,
    });
    // Reported once; the socket stays unusable.
    expect(result(w.call('server', { name: 'send', fd: sfd, data: bytes('x') })).errno).toBe(
      'EPIPE',
    );
  });

  it('after a RST in CLOSE_WAIT recv() still reports end of stream (0), leaving EPIPE for send() (Linux SOCK_DONE)', () => {
    // Linux tcp_recvmsg_locked(): with nothing copied, SOCK_DONE (set by tcp_fin())
    // is checked before sk_err, so recv() returns 0 and the EPIPE stays pending.
    const { w, cfd, sfd } = connected(15);
    w.call('client', { name: 'shutdown', fd: cfd, how: 'SHUT_WR' });
    w.runUntil(300);
    w.call('client', { name: 'setsockopt', fd: cfd, opt: 'SO_LINGER', onoff: true, linger: 0 });
    w.call('client', { name: 'close', fd: cfd });
    w.runUntil(300 + DELAY);
    expect(stateNow(w, 'server:2')).toBe('CLOSED');
    expect(result(w.call('server', { name: 'recv', fd: sfd }))).toMatchObject({
      ret: 0,
      errno: null,
    });
    expect(result(w.call('server', { name: 'send', fd: sfd, data: bytes('x') })).errno).toBe(
      'EPIPE',
    );
  });

  it('close() with unread data sends RST, not FIN, and the peer sees ECONNRESET', () => {
    const { w, cfd, sfd } = connected(16);
    const reader = readAll(w, 'client', cfd);
    w.call('client', { name: 'send', fd: cfd, data: bytes('you will never read this') });
    w.runUntil(300);
    const before = segmentsFrom(w, 'server').length;
    w.call('server', { name: 'close', fd: sfd });
    const after = segmentsFrom(w, 'server').slice(before);
    expect(after.map((s) => flagString(s.seg.flags))).toEqual(['R.']);
    expect(segmentsFrom(w, 'server').some((s) => s.seg.flags & FIN)).toBe(false);
    expect(stateNow(w, 'server:2')).toBe('CLOSED');
    w.runUntil(300 + DELAY);
    expect(reader.end).toEqual({ ret: -1, errno: 'ECONNRESET', data: null });
    expect(stateNow(w, 'client:1')).toBe('CLOSED');
    w.runUntilIdle(300_000);
    expect(segmentsFrom(w, 'server').slice(before)).toHaveLength(1);
  });

  it('SO_LINGER {on, 0} then close() aborts: RST at SND.NXT, no FIN, and the peer sees ECONNRESET', () => {
    const { w, cfd, sfd } = connected(17);
    const reader = readAll(w, 'server', sfd);
    w.call('client', { name: 'send', fd: cfd, data: bytes('abc') });
    w.runUntil(300);
    const sndNxt = w.at(300).conns.find((c) => c.id === 'client:1')!.tcb.sndNxt;
    expect(
      result(
        w.call('client', {
          name: 'setsockopt',
          fd: cfd,
          opt: 'SO_LINGER',
          onoff: true,
          linger: 0,
        }),
      ).ret,
    ).toBe(0);
    expect(result(w.call('client', { name: 'close', fd: cfd })).ret).toBe(0);
    const last = segmentsFrom(w, 'client').at(-1)!;
    expect(last.t).toBe(300);
    expect(last.seg.flags & (RST | FIN | SYN)).toBe(RST);
    expect(last.seg.seq).toBe(sndNxt);
    expect(segmentsFrom(w, 'client').some((s) => s.seg.flags & FIN)).toBe(false);
    expect(stateRecords(w).at(-1)).toMatchObject({
      t: 300,
      conn: 'client:1',
      from: 'ESTABLISHED',
      to: 'CLOSED',
    });
    w.runUntil(400);
    expect(text(reader.data())).toBe('abc');
    expect(reader.end).toEqual({ ret: -1, errno: 'ECONNRESET', data: null });
  });

  it('data arriving after close() draws a RST (RFC 1122 §4.2.2.13; Linux tcp_rcv_state_process)', () => {
    // The server closes first (FIN_WAIT_1/2, orphaned); the client then sends
    // data nobody will ever read. Linux answers with RST (LINUX_MIB_TCPABORTONDATA)
    // and the client's next call sees ECONNRESET.
    const { w, cfd, sfd } = connected(18);
    w.call('server', { name: 'close', fd: sfd });
    w.runUntil(300);
    expect(stateNow(w, 'server:2')).toBe('FIN_WAIT_2');
    expect(result(w.call('client', { name: 'send', fd: cfd, data: bytes('anyone?') })).ret).toBe(7);
    w.runUntil(300 + 2 * DELAY);
    const fromServer = segmentsFrom(w, 'server').filter((s) => s.t > 300);
    expect(fromServer.map((s) => s.seg.flags & RST)).toContain(RST);
    expect(stateNow(w, 'server:2')).toBe('CLOSED');
    expect(stateNow(w, 'client:1')).toBe('CLOSED');
  });
});

describe('close() with unread data late in the connection (Linux __tcp_close)', () => {
  it('in LAST_ACK it still sends RST (Linux TCPAbortOnClose)', () => {
    const { w, cfd, sfd } = connected(30);
    w.call('client', { name: 'send', fd: cfd, data: bytes('never read') });
    w.call('client', { name: 'close', fd: cfd });
    w.runUntil(200);
    expect(stateNow(w, 'server:2')).toBe('CLOSE_WAIT');
    // The client's ACK of the server's FIN is lost, so the server stays in LAST_ACK.
    w.act({ kind: 'rule', rule: { kind: 'dropNext', from: 'client', flags: '.' } });
    w.call('server', { name: 'shutdown', fd: sfd, how: 'SHUT_WR' });
    w.runUntil(300);
    expect(stateNow(w, 'server:2')).toBe('LAST_ACK');
    const before = segmentsFrom(w, 'server').length;
    w.call('server', { name: 'close', fd: sfd });
    const after = segmentsFrom(w, 'server').slice(before);
    expect(
      after.map((s) => flagString(s.seg.flags)),
      dump(w),
    ).toEqual(['R.']);
    expect(stateNow(w, 'server:2')).toBe('CLOSED');
  });

  it('in TIME_WAIT it sends nothing and the TIME_WAIT runs its full 60 s (the socket is already closed)', () => {
    const { w, cfd, sfd } = connected(31);
    w.call('server', { name: 'shutdown', fd: sfd, how: 'SHUT_WR' });
    w.runUntil(200);
    expect(stateNow(w, 'server:2')).toBe('FIN_WAIT_2');
    w.call('client', { name: 'send', fd: cfd, data: bytes('never read') });
    w.call('client', { name: 'close', fd: cfd });
    w.runUntil(300);
    expect(stateNow(w, 'server:2')).toBe('TIME_WAIT');
    const entered = stateRecords(w).find((r) => r.conn === 'server:2' && r.to === 'TIME_WAIT')!.t;
    const before = segmentsFrom(w, 'server').length;
    expect(result(w.call('server', { name: 'close', fd: sfd })).ret).toBe(0);
    expect(segmentsFrom(w, 'server').slice(before)).toEqual([]);
    w.runUntil(entered + 59_000);
    expect(stateNow(w, 'server:2'), dump(w)).toBe('TIME_WAIT');
    w.runUntil(entered + 61_000);
    expect(stateNow(w, 'server:2')).toBe('CLOSED');
  });
});

describe('bind()', () => {
  /**
   * The server closes first, so its accepted socket ends in TIME_WAIT on port
   * 9821; the listener is closed too. Then a new socket binds 9821.
   */
  function bindDuringTimeWait(seed: number, listenerReuse: boolean, newReuse: boolean) {
    const { w, lfd, cfd, sfd } = connected(seed, { reuseAddr: listenerReuse });
    readAll(w, 'client', cfd, () => w.call('client', { name: 'close', fd: cfd }));
    w.call('server', { name: 'close', fd: sfd });
    w.call('server', { name: 'close', fd: lfd });
    w.runUntil(1000);
    expect(stateNow(w, 'server:2'), dump(w)).toBe('TIME_WAIT');
    expect(w.server.conns.find((c) => c.id === 'server:2')!.localPort).toBe(9821);
    const fd = okRet(w.call('server', { name: 'socket' }));
    if (newReuse)
      okRet(w.call('server', { name: 'setsockopt', fd, opt: 'SO_REUSEADDR', value: true }));
    const bind = result(w.call('server', { name: 'bind', fd, port: 9821 }));
    return { w, bind };
  }

  it('to a port held by a TIME_WAIT connection fails with EADDRINUSE', () => {
    const { w, bind } = bindDuringTimeWait(20, false, false);
    expect(bind).toEqual({ ret: -1, errno: 'EADDRINUSE', data: null });
    // Once TIME_WAIT is over (60 s), the port is free.
    w.runUntil(62_000);
    expect(stateNow(w, 'server:2')).toBe('CLOSED');
    const fd = okRet(w.call('server', { name: 'socket' }));
    expect(result(w.call('server', { name: 'bind', fd, port: 9821 })).ret).toBe(0);
  });

  it('succeeds when both the old socket (through its listener) and the new one set SO_REUSEADDR', () => {
    expect(bindDuringTimeWait(21, true, true).bind).toEqual({ ret: 0, errno: null, data: null });
  });

  it('fails with EADDRINUSE when only the new socket sets SO_REUSEADDR', () => {
    expect(bindDuringTimeWait(22, false, true).bind.errno).toBe('EADDRINUSE');
  });

  it('fails with EADDRINUSE when only the old socket had SO_REUSEADDR', () => {
    expect(bindDuringTimeWait(23, true, false).bind.errno).toBe('EADDRINUSE');
  });

  it('to a port with a listener fails with EADDRINUSE even with SO_REUSEADDR on both', () => {
    const w = makeWorld(24, DELAY);
    listenOn(w, { reuseAddr: true });
    const fd = okRet(w.call('server', { name: 'socket' }));
    okRet(w.call('server', { name: 'setsockopt', fd, opt: 'SO_REUSEADDR', value: true }));
    expect(result(w.call('server', { name: 'bind', fd, port: 9821 })).errno).toBe('EADDRINUSE');
  });

  it('twice on one socket fails with EINVAL', () => {
    const w = makeWorld(25, DELAY);
    const fd = okRet(w.call('server', { name: 'socket' }));
    expect(result(w.call('server', { name: 'bind', fd, port: 7000 })).ret).toBe(0);
    expect(result(w.call('server', { name: 'bind', fd, port: 7001 })).errno).toBe('EINVAL');
  });
});

describe('bad descriptors', () => {
  it('calls on an fd that was never opened, or was closed, fail with EBADF', () => {
    const { w, cfd } = connected(26);
    for (const call of [
      { name: 'recv', fd: 99 },
      { name: 'send', fd: 99, data: bytes('x') },
      { name: 'close', fd: 99 },
      { name: 'accept', fd: 99 },
      { name: 'bind', fd: 99, port: 1234 },
    ] as const)
      expect(result(w.call('client', call)), call.name).toEqual({
        ret: -1,
        errno: 'EBADF',
        data: null,
      });
    expect(result(w.call('client', { name: 'close', fd: cfd })).ret).toBe(0);
    expect(result(w.call('client', { name: 'close', fd: cfd })).errno).toBe('EBADF');
    expect(result(w.call('client', { name: 'recv', fd: cfd })).errno).toBe('EBADF');
  });

  it('a recv() blocked on a descriptor that is closed returns EBADF', () => {
    const { w, sfd } = connected(27);
    const pending = w.call('server', { name: 'recv', fd: sfd });
    w.runUntil(200);
    expect(pending.done).toBe(false);
    w.call('server', { name: 'close', fd: sfd });
    expect(result(pending).errno).toBe('EBADF');
    // Nothing was unread, so the close was orderly.
    expect(segmentsFrom(w, 'server').at(-1)!.seg.flags).toBe(FIN | ACK);
  });
});

describe('calls made from completion callbacks', () => {
  it('a send() made when connect() returns does not overtake an earlier send() still blocked', () => {
    const w = makeWorld(28, DELAY);
    const lfd = listenOn(w);
    const acc = w.call('server', { name: 'accept', fd: lfd });
    const { fd, connect } = connectTo(w);
    const first = w.call('client', { name: 'send', fd, data: bytes('first,') });
    expect(first.done).toBe(false); // waits for the handshake
    const later: CallHandle[] = [];
    connect.onDone(() => later.push(w.call('client', { name: 'send', fd, data: bytes('second') })));
    w.runUntil(200);
    expect(result(first).ret).toBe(6);
    expect(result(later[0]!).ret).toBe(6);
    const got = result(w.call('server', { name: 'recv', fd: okRet(acc) }));
    expect(text(got.data!), dump(w)).toBe('first,second');
  });

  it('close() made when connect() returns ends the other calls blocked on that socket with EBADF', () => {
    const w = makeWorld(29, DELAY);
    listenOn(w);
    const { fd, connect } = connectTo(w);
    const pending = w.call('client', { name: 'recv', fd });
    connect.onDone(() => w.call('client', { name: 'close', fd }));
    w.runUntil(200);
    expect(result(connect).ret).toBe(0);
    expect(pending.result, dump(w)).toEqual({ ret: -1, errno: 'EBADF', data: null });
    expect(callRecords(w, 'client', 'recv')).toHaveLength(1);
  });
});
