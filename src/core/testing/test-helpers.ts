/**
 * Test helpers for driving the endpoint machine directly: an `Endpoint` wraps
 * one real actor of `tcpMachine` running on a Scheduler's virtual clock and
 * records every segment it emits; `handshake` and friends pass emitted segments
 * between two endpoints so tests reach each state through the real events.
 *
 * Only used by tests (src/core/*.test.ts); nothing here changes the machine.
 */
import { createActor } from 'xstate';
import { bytes, text } from './test-world';

export { bytes, text };
import { TIMEOUT_EVENTS, tcpMachine, type TcpActor, type TcpEvent } from '../tcp/endpoint-machine';
import { MachineTimers } from '../tcp/timers';
import { makeProfile, type Profile, type ProfileName, type ProfileOverrides } from '../tcp/profile';
import { Scheduler } from '../sim/scheduler';
import { EMPTY, NO_OPTIONS, flagNames, type Segment, type TcpOptions } from '../tcp/segment';
import type { Address, StateName, Tcb } from '../tcp/tcb';

/** A segment as it left an endpoint, with the virtual time it left. */
export interface Sent {
  readonly t: number;
  readonly seg: Segment;
  readonly rtx: boolean;
}

/** What the tables compare: control bits (RFC 9293 names), SEQ, ACK and payload length. */
export interface Shape {
  readonly flags: string;
  readonly seq: number;
  readonly ack: number;
  readonly len: number;
}

export const shape = (s: Segment): Shape => ({
  flags: flagNames(s.flags),
  seq: s.seq,
  ack: s.ack,
  len: s.payload.length,
});

/** `n` bytes of a pattern that shows misplaced or duplicated data (i*7+salt mod 251). */
export function pattern(n: number, salt = 0): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + salt) % 251;
  return b;
}

/** One endpoint machine on a virtual clock, with everything it sent. */
export class Endpoint {
  readonly actor: TcpActor;
  /** Every segment emitted, in order. */
  readonly log: Sent[] = [];
  /** Emitted segments not yet taken (when no wire carries them away). */
  private outbox: Segment[] = [];
  /** When set, emitted segments go here instead of the outbox. */
  wire: ((seg: Segment) => void) | null = null;

  constructor(
    readonly sched: Scheduler,
    readonly profile: Profile,
    readonly addr: Address,
    /** Where `inbound` segments come from. */
    readonly peer: Address,
  ) {
    this.actor = createActor(tcpMachine, { input: { profile, local: addr } });
    this.actor.start();
    // Timers run on the test's scheduler, as a host runs them.
    this.timers = new MachineTimers(sched, (name) => this.send(TIMEOUT_EVENTS[name]));
  }

  private readonly timers: MachineTimers;

  get state(): StateName {
    return this.actor.getSnapshot().value;
  }

  get ctx(): Tcb {
    return this.actor.getSnapshot().context.tcb;
  }

  /** The segments emitted since the last take. */
  take(): Segment[] {
    const o = this.outbox;
    this.outbox = [];
    return o;
  }

  get pending(): number {
    return this.outbox.length;
  }

  /** Send an event; take what the step sent (as a host does), then sync the timers. */
  send(ev: TcpEvent): void {
    const before = this.actor.getSnapshot().context;
    this.actor.send(ev);
    const after = this.actor.getSnapshot().context;
    if (after !== before)
      for (const { seg, rtx } of after.sent) {
        this.log.push({ t: this.sched.now, seg, rtx });
        if (this.wire) this.wire(seg);
        else this.outbox.push(seg);
      }
    this.timers.sync(after.tcb.timers);
  }

  passiveOpen(iss: number, tsOffset = 0): void {
    this.send({ type: 'PASSIVE_OPEN', now: this.sched.now, iss, tsOffset });
  }

  activeOpen(iss: number, remote: Address, tsOffset = 0): void {
    this.send({ type: 'ACTIVE_OPEN', now: this.sched.now, iss, tsOffset, remote });
  }

  receive(seg: Segment): void {
    this.send({ type: 'SEGMENT', now: this.sched.now, seg });
  }

  write(data: Uint8Array | string): void {
    const d = typeof data === 'string' ? bytes(data) : data;
    this.send({ type: 'SEND', now: this.sched.now, data: d });
  }

  read(n: number): void {
    this.send({ type: 'RECEIVE', now: this.sched.now, n });
  }

  close(orphan = false): void {
    this.send({ type: 'CLOSE', now: this.sched.now, orphan });
  }

  abort(): void {
    this.send({ type: 'ABORT', now: this.sched.now });
  }

  /** The bytes delivered in order so far. */
  delivered(): Uint8Array {
    return this.ctx.rcvLog.read(0, this.ctx.rcvLen);
  }

  /**
   * A segment from the peer (`peer`) to this endpoint. Window defaults to 65535 (the
   * field as sent); when timestamps are in use it carries a TSopt echoing the
   * peer's last value, as a real peer would.
   */
  inbound(f: {
    flags: number;
    seq: number;
    ack?: number;
    window?: number;
    payload?: Uint8Array | string;
    options?: TcpOptions;
  }): Segment {
    const c = this.ctx;
    const payload =
      f.payload === undefined
        ? EMPTY
        : typeof f.payload === 'string'
          ? bytes(f.payload)
          : f.payload;
    const options = f.options ?? (c.tsOk ? { ts: { val: c.tsRecent, ecr: 0 } } : NO_OPTIONS);
    return {
      srcIp: this.peer.ip,
      dstIp: this.addr.ip,
      srcPort: this.peer.port,
      dstPort: this.addr.port,
      seq: f.seq >>> 0,
      ack: (f.ack ?? 0) >>> 0,
      flags: f.flags,
      window: f.window ?? 65535,
      options,
      payload,
    };
  }
}

export const CLIENT: Address = { ip: 0xc000020a, port: 40000 };
export const SERVER: Address = { ip: 0xc0000201, port: 9821 };

export interface Pair {
  readonly sched: Scheduler;
  readonly profile: Profile;
  readonly client: Endpoint;
  readonly server: Endpoint;
}

export function pair(name: ProfileName | Profile, overrides: ProfileOverrides = {}): Pair {
  const sched = new Scheduler();
  const profile = typeof name === 'string' ? makeProfile(name, overrides) : name;
  return {
    sched,
    profile,
    client: new Endpoint(sched, profile, CLIENT, SERVER),
    server: new Endpoint(sched, profile, SERVER, CLIENT),
  };
}

/** Deliver everything `from` has emitted and not yet handed over to `to`; returns it. */
export function transfer(from: Endpoint, to: Endpoint): Segment[] {
  const segs = from.take();
  for (const s of segs) to.receive(s);
  return segs;
}

/** Pass segments both ways, instantly, until neither endpoint has anything left to send. */
export function exchange(a: Endpoint, b: Endpoint, maxRounds = 1000): void {
  for (let i = 0; i < maxRounds; i++) {
    if (a.pending === 0 && b.pending === 0) return;
    transfer(a, b);
    transfer(b, a);
  }
  throw new Error('exchange did not settle');
}

/**
 * Run the scheduler one event at a time until `done()` holds, exchanging
 * segments instantly after each event. Throws if virtual time passes `limit`.
 */
export function runUntil(p: Pair, done: () => boolean, limit = 600_000): void {
  exchange(p.client, p.server);
  while (!done()) {
    const next = p.sched.peekTime();
    if (next === undefined || next > limit) throw new Error(`condition not met by t=${limit}`);
    p.sched.step();
    exchange(p.client, p.server);
  }
}

/**
 * The three-way handshake through the real events: the server listens, the
 * client connects, and the SYN, SYN,ACK and ACK are passed across, each after
 * `oneWay` ms of virtual time.
 */
export function handshake(p: Pair, clientIss: number, serverIss: number, oneWay = 0): void {
  const { sched, client, server } = p;
  server.passiveOpen(serverIss);
  client.activeOpen(clientIss, server.addr);
  sched.runUntil(sched.now + oneWay);
  transfer(client, server); // SYN
  sched.runUntil(sched.now + oneWay);
  transfer(server, client); // SYN,ACK
  sched.runUntil(sched.now + oneWay);
  transfer(client, server); // ACK
  if (client.state !== 'ESTABLISHED' || server.state !== 'ESTABLISHED')
    throw new Error(`handshake failed: client ${client.state}, server ${server.state}`);
}

/**
 * Join two endpoints with a link of `delay` ms each way through the scheduler;
 * `drop` may discard segments (it sees the sender and the segment).
 */
export function wire(
  p: Pair,
  delay: number,
  drop: (from: 'client' | 'server', seg: Segment) => boolean = () => false,
): void {
  const { sched, client, server } = p;
  client.wire = (seg) => {
    if (!drop('client', seg)) sched.after(delay, () => server.receive(seg));
  };
  server.wire = (seg) => {
    if (!drop('server', seg)) sched.after(delay, () => client.receive(seg));
  };
  for (const s of client.take()) client.wire(s);
  for (const s of server.take()) server.wire(s);
}
