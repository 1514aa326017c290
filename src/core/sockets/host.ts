/**
 * A host: one endpoint of the simulation with its socket table. It turns the
 * BSD socket calls into events for the connection machines, demultiplexes
 * arriving segments to them, and answers each call C-style (a value, or -1
 * and an errno name) once it completes — at once, or later for calls that
 * block (connect, accept, recv, send).
 */
import { createActor } from 'xstate';
import {
  TIMEOUT_EVENTS,
  tcpMachine,
  stateOf,
  type TcpActor,
  type TcpEvent,
  type TcpSnapshot,
} from '../tcp/endpoint-machine';
import { MachineTimers } from '../tcp/timers';
import { ConnHistory } from './history';
import type { Profile } from '../tcp/profile';
import type { Prng } from '../sim/prng';
import type { Scheduler } from '../sim/scheduler';
import { ACK, RST, SYN, ipToString, type Segment } from '../tcp/segment';
import { currentRto } from '../tcp/rto';
import {
  INFINITE_SSTHRESH,
  SYNCHRONIZED,
  TIMER_NAMES,
  ccChanged,
  ccFlight,
  resetFor,
  unreadBytes,
  type Errno,
  type StateName,
  type Tcb,
  type TimerName,
} from '../tcp/tcb';
import { seqAdd, seqDiff } from '../tcp/seq';
import type {
  Call,
  CallName,
  CallRecord,
  ShutHow,
  Side,
  StateCause,
  TimerPurpose,
  Trace,
} from '../sim/trace';

export { SHUT_HOWS, type Call, type ShutHow } from '../sim/trace';

export interface CallResult {
  readonly ret: number;
  readonly errno: string | null;
  readonly data: Uint8Array | null;
}

/**
 * A call in progress: `result` is set when it returns.
 *
 * The application hears of the return (`onDone`) in an event of its own, right
 * after the one in which the kernel completed the call, at the same instant —
 * as a thread blocked in a call wakes only once the kernel is done. So whatever
 * an application does in response happens between scheduler steps, which is
 * what lets a run be replayed exactly from its recorded inputs.
 */
export class CallHandle {
  result: CallResult | null = null;
  private waiters: ((r: CallResult) => void)[] = [];
  private notified = false;
  constructor(
    readonly side: Side,
    readonly call: Call,
    readonly start: number,
    private readonly defer: (fn: () => void) => void,
  ) {}
  get done(): boolean {
    return this.result !== null;
  }
  onDone(fn: (r: CallResult) => void): void {
    if (this.result && this.notified) fn(this.result);
    else this.waiters.push(fn);
  }
  /** @internal */
  finish(r: CallResult): void {
    this.result = r;
    this.defer(() => {
      this.notified = true;
      const ws = this.waiters;
      this.waiters = [];
      for (const w of ws) w(r);
    });
  }
}

/** A connection: one endpoint machine, and the socket it belongs to, if any. */
export interface Conn {
  readonly id: string;
  readonly side: Side;
  /** Its machine; let go once the connection is done (a stopped actor keeps kilobytes). */
  actor: TcpActor | null;
  /** Its timers on the scheduler. */
  readonly timers: MachineTimers;
  /** The listening socket it came from, until accept() takes it. */
  listener: Sock | null;
  sock: Sock | null;
  localPort: number;
  reuseAddr: boolean;
  snap: TcpSnapshot;
  /** Every event its machine took, for rebuilding its state at any instant (null: not kept). */
  readonly history: ConnHistory | null;
  /** The connection reached a synchronized state at least once. */
  everConnected: boolean;
  done: boolean;
  /** How much of the receive buffer the application has read since the connection closed. */
  readAfterClose: number;
  /** Its demultiplexing key, once it has a peer. */
  key: string | null;
}

/** What a descriptor is, as a socket table shows it (Linux's `ss` tells them apart the same way). */
export type SocketRole = 'unconnected' | 'listening' | 'connected' | 'accepted';

/** A call blocked on a socket since `start`. */
export interface BlockedCall {
  readonly call: Call;
  readonly start: number;
}

/** One socket of a host's table at an instant (`World.at(t).sockets`). */
export interface SocketView {
  readonly fd: number;
  readonly role: SocketRole;
  /** The local address it is bound to, or null while it has no port. */
  readonly bound: { readonly ip: number; readonly port: number } | null;
  /** The connection behind it: its own (connected, accepted) or the listener's machine. */
  readonly conn: string | null;
  /** Established connections waiting for accept(), oldest first (listening sockets). */
  readonly acceptQueue: readonly string[];
  /** Calls blocked on it, oldest first. */
  readonly blocked: readonly BlockedCall[];
}

/**
 * A socket's history, append-only: each change with the instant it was made,
 * so the table at any instant is a binary search per socket, not a replay.
 * Intervals (a queued connection, a blocked call) are written when they open
 * and closed once, when they end.
 */
interface SockLog {
  readonly fd: number;
  readonly opened: number;
  closed: number | null;
  readonly changes: {
    readonly t: number;
    readonly role: SocketRole;
    readonly port: number | null;
    readonly conn: string | null;
  }[];
  readonly queue: { readonly conn: string; readonly from: number; to: number | null }[];
  readonly blocked: { readonly call: Call; readonly start: number; end: number | null }[];
}

export interface Sock {
  readonly fd: number;
  role: SocketRole;
  /** @internal its history, for `socketsAt`. */
  readonly log: SockLog;
  port: number | null;
  reuseAddr: boolean;
  linger: { onoff: boolean; linger: number } | null;
  listening: boolean;
  backlog: number;
  /** Established connections waiting for accept(). */
  acceptQueue: Conn[];
  /** The listener's own machine (in LISTEN), or the connection of a connected socket. */
  conn: Conn | null;
  shutRd: boolean;
  shutWr: boolean;
  /** An error not yet reported to the application (Linux sk_err). */
  softError: Errno | null;
  /** The socket had a connection that was reset or failed: later calls see EPIPE/0. */
  dead: boolean;
  pending: Pending[];
  pumping: boolean;
  pumpAgain: boolean;
}

interface Pending {
  readonly handle: CallHandle;
  /** Its interval in the socket's history. */
  readonly entry: { end: number | null };
  /** Try to complete; true when done. */
  readonly attempt: () => boolean;
}

export interface HostEnv {
  readonly side: Side;
  readonly ip: number;
  readonly profile: Profile;
  readonly sched: Scheduler;
  readonly prng: Prng;
  readonly trace: Trace;
  /** Put a segment on the link. */
  readonly transmit: (from: Side, conn: string | null, seg: Segment, rtx: boolean) => void;
  /** Keep every snapshot of every machine (for time travel); off only in benchmarks of the bare engine. */
  readonly keepHistory: boolean;
}

const CLOSE_PLAIN: StateCause = { kind: 'call', call: 'close', variant: 'plain' };
const CLOSE_LISTENER: StateCause = { kind: 'call', call: 'close', variant: 'listener' };

const errno = (e: string): CallResult => ({ ret: -1, errno: e, data: null });
const ok = (ret = 0, data: Uint8Array | null = null): CallResult => ({ ret, errno: null, data });

export class Host {
  readonly sockets = new Map<number, Sock>();
  /** Every connection machine this host ever had, in creation order. */
  readonly conns: Conn[] = [];
  private demux = new Map<string, Conn>();
  private listeners = new Map<number, Sock>();
  /** Open sockets by local port (Linux's bind hash). */
  private portSocks = new Map<number, Set<Sock>>();
  /** Connections in the demultiplexing table, by local port. */
  private portConns = new Map<number, Set<Conn>>();
  /**
   * Ports tried and holders looked at by the port-conflict checks so far: a
   * measure of the work of bind(), listen() and connect() that tests can hold
   * to a linear bound without timing anything.
   */
  portWork = 0;
  /** Every socket's history, in the order they were made (so, by instant). */
  private sockLogs: SockLog[] = [];
  /** The accept-queue entry of each connection waiting in one. */
  private queued = new Map<Conn, { to: number | null }>();
  private nextFd = 3;
  private connSeq = 0;

  constructor(private readonly env: HostEnv) {}

  get side(): Side {
    return this.env.side;
  }
  get ip(): number {
    return this.env.ip;
  }

  // ------------------------------------------------------------ calls

  /** Make a socket call now. Blocking calls return a handle that completes later. */
  call(c: Call): CallHandle {
    const h = new CallHandle(this.env.side, c, this.env.sched.now, (fn) => {
      this.env.sched.after(0, fn);
    });
    const r = this.dispatch(c, h);
    if (r) this.finish(h, r);
    return h;
  }

  private finish(h: CallHandle, r: CallResult): void {
    const rec: CallRecord = {
      kind: 'call',
      t: this.env.sched.now,
      start: h.start,
      side: this.env.side,
      call: h.call.name,
      request: h.call,
      args: describeArgs(h.call),
      ret: r.ret,
      errno: r.errno,
      data: r.data,
    };
    this.env.trace.push(rec);
    h.finish(r);
  }

  private block(s: Sock, h: CallHandle, attempt: () => CallResult | null): null {
    const entry = { call: h.call, start: h.start, end: null as number | null };
    const p: Pending = {
      handle: h,
      entry,
      attempt: () => {
        const r = attempt();
        if (!r) return false;
        s.pending = s.pending.filter((q) => q !== p);
        entry.end = this.env.sched.now;
        this.finish(h, r);
        return true;
      },
    };
    // Try at once — unless an earlier call of the same kind is still waiting on this
    // socket, which must complete first.
    const queuedBehind = s.pending.some((q) => q.handle.call.name === h.call.name);
    if (!queuedBehind && p.attempt()) return null;
    s.pending.push(p);
    s.log.blocked.push(entry);
    return null;
  }

  private dispatch(c: Call, h: CallHandle): CallResult | null {
    if (c.name === 'socket') return ok(this.newSock().fd);
    const s = this.sockets.get(c.fd);
    if (!s) return errno('EBADF');
    switch (c.name) {
      case 'setsockopt':
        if (c.opt === 'SO_REUSEADDR') s.reuseAddr = c.value;
        else s.linger = { onoff: c.onoff, linger: c.linger };
        return ok();
      case 'bind':
        return this.bind(s, c.port);
      case 'listen':
        return this.listen(s, c.backlog ?? 128);
      case 'accept':
        if (!s.listening) return errno('EINVAL');
        return this.block(s, h, () => this.tryAccept(s));
      case 'connect':
        return this.connect(s, c.ip, c.port, h);
      case 'send':
        return this.send(s, c.data, h);
      case 'recv':
        return this.recv(s, c.len ?? 1024, h);
      case 'shutdown':
        return this.shutdown(s, c.how);
      case 'close':
        return this.close(s);
    }
  }

  private newSock(): Sock {
    const fd = this.nextFd++;
    const now = this.env.sched.now;
    const log: SockLog = {
      fd,
      opened: now,
      closed: null,
      changes: [{ t: now, role: 'unconnected', port: null, conn: null }],
      queue: [],
      blocked: [],
    };
    this.sockLogs.push(log);
    const s: Sock = {
      fd,
      role: 'unconnected',
      log,
      port: null,
      reuseAddr: false,
      linger: null,
      listening: false,
      backlog: 0,
      acceptQueue: [],
      conn: null,
      shutRd: false,
      shutWr: false,
      softError: null,
      dead: false,
      pending: [],
      pumping: false,
      pumpAgain: false,
    };
    this.sockets.set(s.fd, s);
    return s;
  }

  /**
   * Linux inet_csk_bind_conflict(), simplified: both must set SO_REUSEADDR and
   * the holder must not listen. Only the holders of `port` are looked at (Linux
   * keeps a bind hash bucket per port, net/ipv4/inet_hashtables.c), so a burst
   * of binds or connects costs time linear in the calls, not quadratic.
   */
  private portConflict(port: number, reuse: boolean, except: Sock | null): boolean {
    this.portWork++;
    const socks = this.portSocks.get(port);
    if (socks)
      for (const s of socks) {
        this.portWork++;
        if (s === except) continue;
        if (s.conn && s.conn.done && !s.listening) continue;
        if (!(reuse && s.reuseAddr) || s.listening) return true;
      }
    const conns = this.portConns.get(port);
    if (conns)
      for (const c of conns) {
        this.portWork++;
        if (c.sock && c.sock === except) continue;
        if (!(reuse && c.reuseAddr)) return true;
      }
    return false;
  }

  /** Note a change of a socket's role, port or connection in its history. */
  private changed(s: Sock): void {
    s.log.changes.push({
      t: this.env.sched.now,
      role: s.role,
      port: s.port,
      conn: s.conn?.id ?? null,
    });
  }

  /** Give a socket its local port, and file it under that port. */
  private setPort(s: Sock, port: number): void {
    s.port = port;
    this.changed(s);
    let set = this.portSocks.get(port);
    if (!set) this.portSocks.set(port, (set = new Set()));
    set.add(s);
  }

  /** File a connection under its demultiplexing key (and its local port). */
  private file(conn: Conn, key: string): void {
    conn.key = key;
    this.demux.set(key, conn);
    let set = this.portConns.get(conn.localPort);
    if (!set) this.portConns.set(conn.localPort, (set = new Set()));
    set.add(conn);
  }

  /** Take a connection out of the demultiplexing table. */
  private unfile(conn: Conn): void {
    if (conn.key !== null && this.demux.get(conn.key) === conn) this.demux.delete(conn.key);
    const set = this.portConns.get(conn.localPort);
    if (set) {
      set.delete(conn);
      if (set.size === 0) this.portConns.delete(conn.localPort);
    }
  }

  private bind(s: Sock, port: number): CallResult {
    if (s.port !== null) return errno('EINVAL');
    if (!Number.isInteger(port) || port < 0 || port > 65535) return errno('EINVAL');
    if (port === 0) {
      // Linux inet_csk_get_port() -> inet_csk_find_open_port(): no free port is EADDRINUSE.
      const free = this.ephemeralPort();
      if (free === null) return errno('EADDRINUSE');
      this.setPort(s, free);
      return ok();
    }
    if (this.portConflict(port, s.reuseAddr, s)) return errno('EADDRINUSE');
    this.setPort(s, port);
    return ok();
  }

  /**
   * A free ephemeral port, or null when the range has none. Like Linux
   * (__inet_hash_connect(), inet_csk_find_open_port()): start at a random port of
   * the range, then scan on from there, wrapping once round. Linux also steps by
   * two to keep connect() and bind() on ports of different parity; the model scans
   * every port. The first draw is the only draw, so a run without a collision
   * picks the port it always did.
   */
  private ephemeralPort(): number | null {
    const { ephemeralLow: lo, ephemeralHigh: hi } = this.env.profile;
    if (hi < lo) return null;
    const n = hi - lo + 1;
    const start = this.env.prng.int(lo, hi);
    for (let i = 0; i < n; i++) {
      const port = lo + ((start - lo + i) % n);
      if (!this.portConflict(port, false, null)) return port;
    }
    return null;
  }

  private listen(s: Sock, backlog: number): CallResult {
    if (s.conn && !s.listening) return errno('EINVAL');
    if (s.listening) {
      s.backlog = backlog;
      return ok();
    }
    let lport = s.port;
    if (lport === null) {
      // Linux inet_csk_listen_start(): an unbound socket gets a port as bind(0)
      // would, and fails with EADDRINUSE when none is free.
      lport = this.ephemeralPort();
      if (lport === null) return errno('EADDRINUSE');
      this.setPort(s, lport);
    }
    if (this.listeners.has(lport)) return errno('EADDRINUSE');
    s.listening = true;
    s.backlog = Math.max(1, backlog);
    this.listeners.set(lport, s);
    const conn = this.newConn(lport, s.reuseAddr);
    s.conn = conn;
    conn.sock = s;
    s.role = 'listening';
    this.changed(s);
    this.drive(
      conn,
      { type: 'PASSIVE_OPEN', now: this.env.sched.now, iss: 0, tsOffset: 0 },
      { kind: 'call', call: 'listen' },
    );
    return ok();
  }

  private tryAccept(s: Sock): CallResult | null {
    if (!s.listening) return errno('EINVAL');
    const c = s.acceptQueue.shift();
    if (!c) return null;
    this.leftQueue(c);
    const ns = this.newSock();
    ns.reuseAddr = c.reuseAddr;
    ns.conn = c;
    ns.role = 'accepted';
    c.sock = ns;
    c.listener = null;
    this.setPort(ns, c.localPort);
    return ok(ns.fd);
  }

  private connect(s: Sock, ip: number, port: number, h: CallHandle): CallResult | null {
    if (s.listening) return errno('EISCONN');
    if (s.conn) {
      const st = stateOf(s.conn.snap);
      if (st === 'SYN_SENT' || st === 'SYN_RECEIVED') return errno('EALREADY');
      if (!s.conn.done) return errno('EISCONN');
      return errno('EISCONN');
    }
    let lport = s.port;
    if (lport === null) {
      // Linux inet_hash_connect(): no free ephemeral port is EADDRNOTAVAIL.
      lport = this.ephemeralPort();
      if (lport === null) return errno('EADDRNOTAVAIL');
      this.setPort(s, lport);
    }
    const key = demuxKey(lport, ip, port);
    if (this.demux.has(key)) return errno('EADDRNOTAVAIL');
    const conn = this.newConn(lport, s.reuseAddr);
    s.conn = conn;
    conn.sock = s;
    s.role = 'connected';
    this.changed(s);
    this.file(conn, key);
    const iss = this.env.prng.u32();
    const tsOffset = this.env.prng.u32();
    this.drive(
      conn,
      { type: 'ACTIVE_OPEN', now: this.env.sched.now, iss, tsOffset, remote: { ip, port } },
      { kind: 'call', call: 'connect' },
    );
    return this.block(s, h, () => {
      const st = stateOf(conn.snap);
      if (SYNCHRONIZED.has(st)) return ok();
      if (st === 'CLOSED') return errno(this.takeError(s) ?? 'ECONNREFUSED');
      return null;
    });
  }

  private send(s: Sock, data: Uint8Array, h: CallHandle): CallResult | null {
    let written = 0;
    return this.block(s, h, () => {
      const err = this.takeError(s);
      if (err) return errno(err);
      const c = s.conn;
      if (s.shutWr || !c || s.listening || c.done) return errno('EPIPE');
      const st = stateOf(c.snap);
      if (st === 'SYN_SENT' || st === 'SYN_RECEIVED') return null; // wait for the handshake
      if (st !== 'ESTABLISHED' && st !== 'CLOSE_WAIT') return errno('EPIPE');
      const t = c.snap.context.tcb;
      const queued = t.sndWritten - Math.max(0, seqDiff(t.sndUna, seqAdd(t.iss, 1)));
      const room = Math.max(0, t.profile.sndBuf - queued);
      if (room === 0) return null;
      const chunk = data.subarray(written, written + room);
      written += chunk.length;
      this.drive(
        c,
        { type: 'SEND', now: this.env.sched.now, data: chunk.slice() },
        { kind: 'call', call: 'send' },
      );
      return written === data.length ? ok(data.length) : null;
    });
  }

  private recv(s: Sock, len: number, h: CallHandle): CallResult | null {
    return this.block(s, h, () => {
      const c = s.conn;
      if (s.listening || (!c && !s.dead)) return errno('ENOTCONN');
      if (c) {
        const t: Tcb = c.snap.context.tcb;
        // A closed connection's machine is stopped: the host keeps reading its buffer.
        const read = c.done ? c.readAfterClose : t.rcvRead;
        const avail = t.rcvLen - read;
        if (avail > 0 && !s.shutRd) {
          const n = Math.min(avail, len);
          const data = t.rcvLog.read(read, read + n);
          if (c.done) c.readAfterClose += n;
          else
            this.drive(
              c,
              { type: 'RECEIVE', now: this.env.sched.now, n },
              { kind: 'call', call: 'recv' },
            );
          return ok(n, data);
        }
      }
      // Linux tcp_recvmsg(): end of stream (SOCK_DONE, the peer's FIN) is reported
      // before a pending error, which stays for the next send().
      if (c?.snap.context.tcb.finRcvd) return ok(0, new Uint8Array(0));
      const err = this.takeError(s);
      if (err) return errno(err);
      if (s.shutRd || s.dead || !c) return ok(0, new Uint8Array(0));
      if (c.done) return ok(0, new Uint8Array(0));
      const st = stateOf(c.snap);
      if (st === 'CLOSED' && !c.everConnected) return errno('ENOTCONN');
      return null;
    });
  }

  private shutdown(s: Sock, how: ShutHow): CallResult {
    const c = s.conn;
    if (!c || s.listening || c.done) return errno('ENOTCONN');
    const st = stateOf(c.snap);
    if (st === 'CLOSED' || st === 'SYN_SENT') return errno('ENOTCONN');
    if (how !== 'SHUT_WR') {
      s.shutRd = true;
    }
    if (how !== 'SHUT_RD' && !s.shutWr) {
      s.shutWr = true;
      this.drive(
        c,
        { type: 'CLOSE', now: this.env.sched.now, orphan: false },
        { kind: 'call', call: 'shutdown', how },
      );
    }
    this.pump(s);
    return ok();
  }

  private close(s: Sock): CallResult {
    const now = this.env.sched.now;
    this.sockets.delete(s.fd);
    s.log.closed = now;
    if (s.port !== null) {
      const set = this.portSocks.get(s.port);
      set?.delete(s);
      if (set?.size === 0) this.portSocks.delete(s.port);
    }
    const waiting = s.pending;
    s.pending = [];
    for (const p of waiting) {
      p.entry.end = now;
      if (!p.handle.done) this.finish(p.handle, errno('EBADF'));
    }
    if (s.listening) {
      this.listeners.delete(s.port ?? -1);
      // Connections nobody accepted are reset (Linux inet_csk_listen_stop()).
      for (const c of [
        ...s.acceptQueue,
        ...this.conns.filter((c) => c.listener === s && !c.done),
      ]) {
        if (!c.done) this.drive(c, { type: 'ABORT', now }, CLOSE_LISTENER);
      }
      for (const c of s.acceptQueue) this.leftQueue(c);
      s.acceptQueue = [];
      if (s.conn) this.drive(s.conn, { type: 'CLOSE', now, orphan: true }, CLOSE_PLAIN);
      return ok();
    }
    const c = s.conn;
    if (!c || c.done) return ok();
    c.sock = null;
    const t = c.snap.context.tcb;
    const st = stateOf(c.snap);
    if (st === 'TIME_WAIT') {
      // Linux hands TIME_WAIT to a timewait socket of its own: closing the
      // descriptor does not cut the 2MSL wait short, and sends nothing.
      this.drive(c, { type: 'ORPHAN', now }, CLOSE_PLAIN);
    } else if (unreadBytes(t) > 0) {
      // RFC 2525 §2.17 and Linux __tcp_close(): data thrown away unread means a RST,
      // not a FIN — in every state that still has a connection.
      this.drive(
        c,
        { type: 'ABORT', now, rst: true },
        { kind: 'call', call: 'close', variant: 'unreadData' },
      );
    } else if (s.linger?.onoff && s.linger.linger === 0) {
      this.drive(c, { type: 'ABORT', now }, { kind: 'call', call: 'close', variant: 'linger0' });
    } else if (!s.shutWr) {
      this.drive(c, { type: 'CLOSE', now, orphan: true }, CLOSE_PLAIN);
    } else {
      this.drive(c, { type: 'ORPHAN', now }, CLOSE_PLAIN);
    }
    return ok();
  }

  /** A connection left its listener's accept queue (accepted, reset, or the listener closed). */
  private leftQueue(c: Conn): void {
    const e = this.queued.get(c);
    if (!e) return;
    e.to = this.env.sched.now;
    this.queued.delete(c);
  }

  /**
   * The socket table as it stood at instant `t` (after every event at `t`),
   * read from the sockets' histories: open descriptors in fd order.
   */
  socketsAt(t: number): SocketView[] {
    const out: SocketView[] = [];
    for (const log of this.sockLogs) {
      if (log.opened > t) break;
      if (log.closed !== null && log.closed <= t) continue;
      const ch = log.changes;
      let lo = 0;
      let hi = ch.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (ch[mid]!.t <= t) lo = mid;
        else hi = mid - 1;
      }
      const c = ch[lo]!;
      const open = (from: number, to: number | null): boolean =>
        from <= t && (to === null || to > t);
      out.push({
        fd: log.fd,
        role: c.role,
        bound: c.port === null ? null : { ip: this.env.ip, port: c.port },
        conn: c.conn,
        acceptQueue: log.queue.filter((q) => open(q.from, q.to)).map((q) => q.conn),
        blocked: log.blocked
          .filter((b) => open(b.start, b.end))
          .map((b) => ({ call: b.call, start: b.start })),
      });
    }
    return out;
  }

  /** Report a pending error once (Linux sock_error()). */
  private takeError(s: Sock): Errno | null {
    const e = s.softError;
    s.softError = null;
    return e;
  }

  // ------------------------------------------------------------ connections

  private newConn(localPort: number, reuseAddr: boolean): Conn {
    const id = `${this.env.side}:${++this.connSeq}`;
    const sched = this.env.sched;
    const input = { profile: this.env.profile, local: { ip: this.env.ip, port: localPort } };
    const actor = createActor(tcpMachine, { input });
    actor.start();
    const snap = actor.getSnapshot();
    // The machine's timers run on the scheduler; an expiry is an event like any other.
    const timers = new MachineTimers(sched, (name) =>
      this.drive(conn, TIMEOUT_EVENTS[name], { kind: 'timer', timer: name }),
    );
    const conn: Conn = {
      id,
      side: this.env.side,
      actor,
      timers,
      listener: null,
      sock: null,
      localPort,
      reuseAddr,
      snap,
      history: this.env.keepHistory
        ? new ConnHistory(sched.now, snap, input, (id) => this.env.trace.seg(id))
        : null,
      everConnected: false,
      done: false,
      readAfterClose: 0,
      key: null,
    };
    this.conns.push(conn);
    return conn;
  }

  /** Note the sender's congestion state when a step of a synchronized connection changed it. */
  private sampleCc(conn: Conn, a: Tcb, b: Tcb, state: StateName, now: number): void {
    if (a === b || !SYNCHRONIZED.has(state) || !ccChanged(a, b)) return;
    this.env.trace.pushCc({
      t: now,
      conn: conn.id,
      side: this.env.side,
      cwnd: b.cwnd,
      ssthresh: b.ssthresh >= INFINITE_SSTHRESH ? null : b.ssthresh,
      flight: ccFlight(b),
      srtt: b.rto.srtt ?? null,
      rto: currentRto(b.rto, b.profile),
      phase: b.ccPhase,
      una: b.sndUna,
      nxt: b.sndNxt,
      wnd: b.sndWnd,
    });
  }

  /** Send an event to a connection's machine and take note of what changed. */
  drive(conn: Conn, ev: TcpEvent, cause: StateCause): void {
    // A stopped machine takes no events: nothing to send, nothing changes.
    if (!conn.actor) return;
    conn.actor.send(ev);
    this.observe(conn, ev, cause);
  }

  private observe(conn: Conn, ev: TcpEvent, cause: StateCause): void {
    const snap = conn.actor!.getSnapshot();
    const prev = conn.snap;
    if (snap === prev) return;
    conn.snap = snap;
    // The segments this step sent (a step that ran no action keeps its context).
    if (snap.context !== prev.context)
      for (const o of snap.context.sent) this.env.transmit(this.env.side, conn.id, o.seg, o.rtx);
    const now = this.env.sched.now;
    conn.history?.record(now, ev, snap, cause.kind === 'segment' ? cause.id : undefined);
    const from = stateOf(prev);
    const to = stateOf(snap);
    const fired = snap.context.tcb.fired;
    // A connection a listener starts for a SYN begins as a copy of the listener, in
    // LISTEN: its own CLOSED -> LISTEN step is bookkeeping, not a state change to show.
    const forked = conn.listener !== null && from === 'CLOSED' && to === 'LISTEN';
    if (from !== to && !forked) {
      this.env.trace.push({
        kind: 'state',
        t: now,
        side: this.env.side,
        conn: conn.id,
        from,
        to,
        cause,
      });
    }
    this.traceTimers(conn, prev.context.tcb, snap.context.tcb, fired);
    this.sampleCc(conn, prev.context.tcb, snap.context.tcb, to, now);
    conn.timers.sync(snap.context.tcb.timers);
    if (SYNCHRONIZED.has(to)) conn.everConnected = true;
    this.lifecycle(conn, from, to);
    const s = conn.sock ?? conn.listener;
    if (s) this.pump(s);
  }

  /** Trace what a step did to the timers: each one armed, moved, stopped or fired. */
  private traceTimers(conn: Conn, a: Tcb, b: Tcb, fired: TimerName | null): void {
    if (a.timers === b.timers) return; // the record is replaced whenever a deadline changes
    const t = this.env.sched.now;
    const side = this.env.side;
    for (const timer of TIMER_NAMES) {
      const da = a.timers[timer];
      const db = b.timers[timer];
      if (da === db) continue;
      const c = conn.id;
      // The retransmission timer as a loss probe or RACK's reordering timer says so.
      const purpose = (x: Tcb): TimerPurpose | undefined =>
        timer === 'rtx' && !x.probing && x.rtxKind !== 'rto' ? x.rtxKind : undefined;
      if (da !== null) {
        const op = fired === timer ? 'fired' : 'cancelled';
        this.env.trace.pushTimer(t, side, c, timer, op, da, purpose(a));
      }
      if (db !== null) this.env.trace.pushTimer(t, side, c, timer, 'armed', db, purpose(b));
    }
  }

  /** Connections come and go: queue for accept(), forget a failed half-open one, free a closed one. */
  private lifecycle(conn: Conn, from: StateName, to: StateName): void {
    if (from === to) return;
    const l = conn.listener;
    if (l && (to === 'ESTABLISHED' || to === 'CLOSE_WAIT') && !l.acceptQueue.includes(conn)) {
      l.acceptQueue.push(conn);
      const entry = { conn: conn.id, from: this.env.sched.now, to: null };
      l.log.queue.push(entry);
      this.queued.set(conn, entry);
    }
    if (to === 'LISTEN' && from === 'SYN_RECEIVED' && l) {
      // RST (or SYN) in SYN_RECEIVED after a passive open: the half-open connection is forgotten.
      this.retire(conn);
      return;
    }
    if (to === 'CLOSED') {
      const s = conn.sock;
      const err = conn.snap.context.tcb.error;
      if (s) {
        if (err) s.softError = err;
        s.dead = true;
      }
      if (l) {
        l.acceptQueue = l.acceptQueue.filter((c) => c !== conn);
        this.leftQueue(conn);
      }
      this.retire(conn);
    }
  }

  private retire(conn: Conn): void {
    conn.done = true;
    conn.readAfterClose = conn.snap.context.tcb.rcvRead;
    // The key it was filed under: a machine back in LISTEN has forgotten its peer.
    this.unfile(conn);
    conn.listener = null;
    conn.actor?.stop();
    conn.actor = null;
    conn.timers.stop();
  }

  /**
   * Retry the socket's blocked calls. A call that completes may itself drive the
   * machine (recv reopens the window), which lands here again: the nested call
   * only asks for another pass.
   */
  private pump(s: Sock): void {
    if (s.pending.length === 0) return;
    if (s.pumping) {
      s.pumpAgain = true;
      return;
    }
    s.pumping = true;
    do {
      s.pumpAgain = false;
      // A completed call takes itself off the list; one failed by close() is gone too.
      for (const p of [...s.pending]) if (s.pending.includes(p)) p.attempt();
    } while (s.pumpAgain && s.pending.length > 0);
    s.pumping = false;
  }

  // ------------------------------------------------------------ segments

  /** A segment arrives from the link. */
  receive(seg: Segment, id?: number): void {
    const now = this.env.sched.now;
    if (seg.dstIp !== this.env.ip) {
      // Not addressed to this host. IP input drops it before TCP sees it (RFC 1122
      // §3.3.4.2 for a host that does not forward; Linux ip_rcv_finish() finds no
      // local route): no RST, no ICMP — to the sender it is as if nobody were there.
      this.env.trace.push({
        kind: 'note',
        t: now,
        side: this.env.side,
        text: `segment for ${ipToString(seg.dstIp)}:${seg.dstPort} dropped: not this host's address (${ipToString(this.env.ip)})`,
      });
      return;
    }
    const cause: StateCause =
      id === undefined
        ? { kind: 'segment', flags: seg.flags }
        : { kind: 'segment', flags: seg.flags, id };
    const conn = this.demux.get(demuxKey(seg.dstPort, seg.srcIp, seg.srcPort));
    if (conn) return this.drive(conn, { type: 'SEGMENT', now, seg }, cause);
    const l = this.listeners.get(seg.dstPort);
    if (l?.conn) {
      if ((seg.flags & (SYN | ACK | RST)) === SYN) {
        if (l.acceptQueue.length >= l.backlog) {
          this.env.trace.push({
            kind: 'note',
            t: now,
            side: this.env.side,
            text: `SYN dropped: accept queue of port ${seg.dstPort} full (backlog ${l.backlog})`,
          });
          return;
        }
        const child = this.newConn(seg.dstPort, l.reuseAddr);
        child.listener = l;
        this.file(child, demuxKey(seg.dstPort, seg.srcIp, seg.srcPort));
        const iss = this.env.prng.u32();
        const tsOffset = this.env.prng.u32();
        this.drive(
          child,
          { type: 'PASSIVE_OPEN', now, iss, tsOffset },
          id === undefined ? { kind: 'synForListener' } : { kind: 'synForListener', id },
        );
        return this.drive(child, { type: 'SEGMENT', now, seg }, cause);
      }
      return this.drive(l.conn, { type: 'SEGMENT', now, seg }, cause);
    }
    // No socket: the host answers for the CLOSED port (RFC 9293 §3.10.7.1).
    const rst = resetFor(seg);
    if (rst) this.env.transmit(this.env.side, null, rst, false);
  }

  /** Connections alive now (not CLOSED). */
  liveConns(): Conn[] {
    return this.conns.filter((c) => !c.done);
  }

  /** A short text of where the sockets are, for notes and errors. */
  describe(): string {
    return `${this.env.side} ${ipToString(this.env.ip)}: ${this.liveConns()
      .map((c) => `${c.id} ${stateOf(c.snap)}`)
      .join(', ')}`;
  }
}

export const demuxKey = (localPort: number, remoteIp: number, remotePort: number): string =>
  `${localPort}|${remoteIp}|${remotePort}`;

/** The arguments of a call as C would show them. */
export function describeArgs(c: Call): string {
  switch (c.name) {
    case 'socket':
      return 'AF_INET, SOCK_STREAM, 0';
    case 'bind':
      return `${c.fd}, ${c.port}`;
    case 'listen':
      return `${c.fd}, ${c.backlog ?? 128}`;
    case 'accept':
      return `${c.fd}`;
    case 'connect':
      return `${c.fd}, ${ipToString(c.ip)}:${c.port}`;
    case 'send':
      return `${c.fd}, ${c.data.length} bytes`;
    case 'recv':
      return `${c.fd}, ${c.len ?? 1024}`;
    case 'shutdown':
      return `${c.fd}, ${c.how}`;
    case 'close':
      return `${c.fd}`;
    case 'setsockopt':
      return c.opt === 'SO_REUSEADDR'
        ? `${c.fd}, SO_REUSEADDR, ${c.value ? 1 : 0}`
        : `${c.fd}, SO_LINGER, {${c.onoff ? 1 : 0}, ${c.linger}}`;
  }
}

export type { CallName };
