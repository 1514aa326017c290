/**
 * The socket table at any instant (World.at(t).sockets), read from the
 * hosts' recorded history: roles, bound addresses, the accept queue and the
 * blocked calls, as they were then — not as they are now.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_PORT } from '../sim/world';
import { SERVER_IP, makeWorld, okRet } from '../testing/test-world';

const CLIENT_IP = 0xc000020a; // 192.0.2.10

describe('World.at(t).sockets', () => {
  it('shows each descriptor with its role, address, accept queue and blocked calls at the instant asked', () => {
    const w = makeWorld(11, 10);
    const l = okRet(w.call('server', { name: 'socket' }));
    okRet(w.call('server', { name: 'bind', fd: l, port: DEFAULT_SERVER_PORT }));
    okRet(w.call('server', { name: 'listen', fd: l }));
    const c = okRet(w.call('client', { name: 'socket' }));
    const connect = { name: 'connect', fd: c, ip: SERVER_IP, port: DEFAULT_SERVER_PORT } as const;
    w.call('client', connect);
    w.runUntil(50); // handshake done at 30 ms; nobody has accepted
    const a = okRet(w.call('server', { name: 'accept', fd: l }));
    w.runUntil(60);
    const recv = { name: 'recv', fd: c, len: 100 } as const;
    w.call('client', recv); // blocks: nothing to read
    w.runUntil(100);
    w.call('client', { name: 'close', fd: c }); // ends the blocked recv() with EBADF
    w.runUntil(200);

    expect(w.at(0).sockets.server).toEqual([
      {
        fd: l,
        role: 'listening',
        bound: { ip: SERVER_IP, port: DEFAULT_SERVER_PORT },
        conn: 'server:1',
        acceptQueue: [],
        blocked: [],
      },
    ]);
    const clientPort = w.client.conns[0]!.localPort;
    const connected = {
      fd: c,
      role: 'connected',
      bound: { ip: CLIENT_IP, port: clientPort },
      conn: 'client:1',
      acceptQueue: [],
    };
    // connect() blocks from 0 until the SYN-ACK arrives at 20 ms.
    expect(w.at(0).sockets.client).toEqual([
      { ...connected, blocked: [{ call: connect, start: 0 }] },
    ]);
    expect(w.at(20).sockets.client).toEqual([{ ...connected, blocked: [] }]);
    // The server's connection is established at 30 ms and waits for accept() until 50 ms.
    expect(w.at(29).sockets.server[0]!.acceptQueue).toEqual([]);
    expect(w.at(40).sockets.server.map((s) => s.acceptQueue)).toEqual([['server:2']]);
    expect(w.at(50).sockets.server).toEqual([
      expect.objectContaining({ fd: l, role: 'listening', acceptQueue: [] }),
      {
        fd: a,
        role: 'accepted',
        bound: { ip: SERVER_IP, port: DEFAULT_SERVER_PORT },
        conn: 'server:2',
        acceptQueue: [],
        blocked: [],
      },
    ]);
    expect(w.at(80).sockets.client).toEqual([
      { ...connected, blocked: [{ call: recv, start: 60 }] },
    ]);
    // Closed at 100 ms: gone from the table from that instant on, and only then.
    expect(w.at(99.999).sockets.client.map((s) => s.fd)).toEqual([c]);
    expect(w.at(100).sockets.client).toEqual([]);
    expect(w.at(150).sockets.server.map((s) => s.fd)).toEqual([l, a]);
  });

  it('a socket made but not yet bound is unconnected with no address; bind(0) gives it one', () => {
    const w = makeWorld(12, 10);
    const fd = okRet(w.call('client', { name: 'socket' }));
    w.runUntil(5);
    okRet(w.call('client', { name: 'bind', fd, port: 0 }));
    const port = w.client.sockets.get(fd)!.port!;
    expect(w.at(0).sockets.client).toEqual([
      { fd, role: 'unconnected', bound: null, conn: null, acceptQueue: [], blocked: [] },
    ]);
    expect(w.at(5).sockets.client[0]!.bound).toEqual({ ip: CLIENT_IP, port });
    expect(w.at(-1).sockets.client).toEqual([]);
  });
});
