/**
 * The trace: an append-only log of everything that happened in a run. It is
 * the single source the views, the text runner and the exports read. Records
 * are plain data, so a trace serializes to JSON lines and two runs can be
 * compared byte for byte.
 */
import { EMPTY, NO_OPTIONS, type Segment, type TcpOptions } from '../tcp/segment';
import {
  CC_PHASES,
  INFINITE_SSTHRESH,
  TIMER_NAMES,
  type CcPhase,
  type StateName,
  type TimerName,
} from '../tcp/tcb';

export type Side = 'client' | 'server';
export const SIDES: readonly Side[] = ['client', 'server'];
export const peerOf = (s: Side): Side => (s === 'client' ? 'server' : 'client');

/**
 * Why the link dropped a segment: random loss, a drop rule, a click (in
 * flight), or a full queue at the link's bottleneck (drop-tail).
 */
export type DropReason = 'loss' | 'rule' | 'user' | 'queue';

export interface SegmentRecord {
  readonly kind: 'segment';
  readonly id: number;
  readonly from: Side;
  /** The connection that sent it ("client:1"), or null for a RST from a closed port. */
  readonly conn: string | null;
  readonly t: number;
  /** When it arrives (or would have, had it not been dropped at once). */
  readonly arriveAt: number;
  /** Dropped on the link as it was sent (loss, a rule, a full queue); a drop while in flight is a DropRecord. */
  readonly dropped: DropReason | null;
  readonly rtx: boolean;
  /** The id of the segment this is a copy of, when the link duplicated it. */
  readonly dupOf: number | null;
  readonly seg: Segment;
}

export interface DropRecord {
  readonly kind: 'drop';
  readonly t: number;
  readonly id: number;
  readonly reason: DropReason;
}

export interface DeliverRecord {
  readonly kind: 'deliver';
  readonly t: number;
  readonly id: number;
}

/** How close() ended a connection (Linux __tcp_close(), inet_csk_listen_stop()). */
export type CloseVariant =
  /** An orderly close: FIN, or nothing more to send. */
  | 'plain'
  /** Unread data thrown away: RST instead of FIN (RFC 2525 §2.17). */
  | 'unreadData'
  /** SO_LINGER {1, 0}: abort with RST. */
  | 'linger0'
  /** The listener was closed: connections nobody accepted are reset. */
  | 'listener';

/** A socket call that drove a connection's machine. */
export type CallCause =
  | { readonly kind: 'call'; readonly call: 'listen' | 'connect' | 'send' | 'recv' }
  | { readonly kind: 'call'; readonly call: 'close'; readonly variant: CloseVariant }
  | { readonly kind: 'call'; readonly call: 'shutdown'; readonly how: ShutHow };

/** What made a state change happen. Text for people is made where it is shown (`causeText`). */
export type StateCause =
  /** A segment arrived: its flags, and its id in the trace when it came over the link. */
  | { readonly kind: 'segment'; readonly flags: number; readonly id?: number }
  | CallCause
  | { readonly kind: 'timer'; readonly timer: TimerName }
  /** A SYN for a listening socket started a new connection machine (Linux's request socket). */
  | { readonly kind: 'synForListener'; readonly id?: number };

export interface StateRecord {
  readonly kind: 'state';
  readonly t: number;
  readonly side: Side;
  readonly conn: string;
  readonly from: StateName;
  readonly to: StateName;
  readonly cause: StateCause;
}

/** The socket calls the model answers, in the order the tutorial teaches them. */
export const CALL_NAMES = [
  'socket',
  'bind',
  'listen',
  'accept',
  'connect',
  'send',
  'recv',
  'shutdown',
  'close',
  'setsockopt',
] as const;
export type CallName = (typeof CALL_NAMES)[number];

export const SHUT_HOWS = ['SHUT_RD', 'SHUT_WR', 'SHUT_RDWR'] as const;
export type ShutHow = (typeof SHUT_HOWS)[number];

/** A socket call with its arguments as values. */
export type Call =
  | { readonly name: 'socket' }
  | { readonly name: 'bind'; readonly fd: number; readonly port: number }
  | { readonly name: 'listen'; readonly fd: number; readonly backlog?: number }
  | { readonly name: 'accept'; readonly fd: number }
  | { readonly name: 'connect'; readonly fd: number; readonly ip: number; readonly port: number }
  | { readonly name: 'send'; readonly fd: number; readonly data: Uint8Array }
  | { readonly name: 'recv'; readonly fd: number; readonly len?: number }
  | { readonly name: 'shutdown'; readonly fd: number; readonly how: ShutHow }
  | { readonly name: 'close'; readonly fd: number }
  | {
      readonly name: 'setsockopt';
      readonly fd: number;
      readonly opt: 'SO_REUSEADDR';
      readonly value: boolean;
    }
  | {
      readonly name: 'setsockopt';
      readonly fd: number;
      readonly opt: 'SO_LINGER';
      readonly onoff: boolean;
      readonly linger: number;
    };

export interface CallRecord {
  readonly kind: 'call';
  /** When the call returned. */
  readonly t: number;
  /** When it was made (a blocking call returns later). */
  readonly start: number;
  readonly side: Side;
  readonly call: CallName;
  /** The call as it was made: fd and arguments as values (the same object as the run's input). */
  readonly request: Call;
  /** The arguments as C would show them ("3, SHUT_WR"), for text output. */
  readonly args: string;
  readonly ret: number;
  readonly errno: string | null;
  /** For recv: the bytes returned. */
  readonly data: Uint8Array | null;
}

export interface TimerRecord {
  readonly kind: 'timer';
  readonly t: number;
  readonly side: Side;
  readonly conn: string;
  readonly timer: TimerName;
  readonly op: 'armed' | 'fired' | 'cancelled';
  readonly deadline: number;
  /**
   * For the retransmission timer when it is not the retransmission timeout: a tail
   * loss probe (`tlp`) or RACK's reordering timer (`reo`). Absent otherwise.
   */
  readonly purpose?: TimerPurpose;
}

/** What else the retransmission timer is armed for (RFC 8985 §7 and §6.3). */
export type TimerPurpose = 'tlp' | 'reo';
const PURPOSES: readonly (TimerPurpose | undefined)[] = [undefined, 'tlp', 'reo'];

/**
 * A sender's congestion state after a step that changed it: what the congestion
 * graph draws. Kept beside the record log (`Trace.ccCount`, `ccSample(i)`), not in it.
 */
export interface CcSample {
  readonly t: number;
  readonly conn: string;
  readonly side: Side;
  /** Congestion window (bytes). */
  readonly cwnd: number;
  /** Slow-start threshold (bytes); null before the first loss sets one. */
  readonly ssthresh: number | null;
  /** Bytes sent and neither acknowledged, SACKed nor deemed lost. */
  readonly flight: number;
  /** Smoothed RTT (ms), null before the first sample. */
  readonly srtt: number | null;
  /** The retransmission timeout now (ms, with backoff). */
  readonly rto: number;
  readonly phase: CcPhase;
  /** SND.UNA and SND.NXT, as sequence numbers. */
  readonly una: number;
  readonly nxt: number;
  /** The peer's window (bytes). */
  readonly wnd: number;
}

/**
 * How full one direction's bottleneck queue is (the segments waiting and the
 * one being serialized), just after it changed at `t`: a segment entered, or
 * one finished its serialization. Kept beside the record log
 * (`Trace.queueCount`, `queueSample(i)`), not in it.
 */
export interface QueueSample {
  readonly t: number;
  readonly from: Side;
  readonly packets: number;
  /** IPv4 bytes (headers included). */
  readonly bytes: number;
}

/** A direction's queue occupancy at an instant. */
export interface QueueLevel {
  readonly packets: number;
  readonly bytes: number;
}

export const EMPTY_QUEUE: QueueLevel = Object.freeze({ packets: 0, bytes: 0 });

export interface NoteRecord {
  readonly kind: 'note';
  readonly t: number;
  readonly side: Side | null;
  readonly text: string;
}

export type TraceRecord =
  SegmentRecord | DropRecord | DeliverRecord | StateRecord | CallRecord | TimerRecord | NoteRecord;

const hex = (b: Uint8Array): string => {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
};

/** JSON of one record: byte arrays as hex strings, everything else as it is. */
export function recordToJson(r: TraceRecord): string {
  return JSON.stringify(r, (_k, v: unknown) => (v instanceof Uint8Array ? hex(v) : v));
}

/** What a record of the trace's log is: held as an object, or in one of the columns. */
const OBJECT = 0;
const SEGMENT = 1;
const DELIVER = 2;
const TIMER = 3;

const DROP_REASONS: readonly (DropReason | null)[] = [null, 'loss', 'rule', 'user', 'queue'];
const TIMER_OPS: readonly TimerRecord['op'][] = ['armed', 'fired', 'cancelled'];

/** Options held in the columns: none (the shared NO_OPTIONS), timestamps alone, or another object. */
const OPT_TS = 1;
const OPT_OBJECT = 2;

/** Rows of `f` float and `u` unsigned 32-bit columns that grow together. */
class Columns {
  n = 0;
  f: Float64Array[];
  u: Uint32Array[];
  constructor(f: number, u: number) {
    this.f = Array.from({ length: f }, () => new Float64Array(256));
    this.u = Array.from({ length: u }, () => new Uint32Array(256));
  }
  /** A new row's index. */
  add(): number {
    const i = this.n++;
    if (i === this.u[0]!.length) {
      this.f = this.f.map((a) => grown(a, i * 2));
      this.u = this.u.map((a) => grown(a, i * 2));
    }
    return i;
  }
}

function grown<T extends Float64Array | Uint32Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/** "None" in an unsigned column. */
const NONE = 0xffffffff;

const w16 = (x: number): boolean => (x & 0xffff) === x;

/**
 * The trace: records in the order they happened. Segments, deliveries and
 * timer records — nearly all of a long run — are held in typed columns, and a
 * record object is made when something reads it (`records`, `segments`,
 * `segment(id)`), once: it is the same object at every later read. A bulk run
 * so keeps a few dozen bytes per segment instead of several objects, and the
 * garbage collector has little to copy while a run goes on.
 */
export class Trace {
  /** The log: per record, ref << 2 | what it is. */
  private log = new Columns(0, 1);
  private objects: TraceRecord[] = [];
  /**
   * Segments by id (given in send order, from 0). Floats: sent, arrives.
   * Unsigned: side | rtx << 1 | drop reason << 2, conn + 1, srcIp, dstIp,
   * srcPort | dstPort << 16, seq, ack, flags | window << 8 | options << 24,
   * TSval, TSecr, payload buffer + 1 (0: EMPTY), offset, length.
   */
  private s = new Columns(2, 13);
  private buffers: ArrayBufferLike[] = [];
  private bufferIds = new Map<ArrayBufferLike, number>();
  /** The segment each link duplicate copies. */
  private dupOf = new Map<number, number>();
  /** Segments whose fields do not fit the columns, and options other than timestamps alone. */
  private odd = new Map<number, Segment>();
  private oddOptions = new Map<number, TcpOptions>();
  /** Deliveries: t; id. */
  private d = new Columns(1, 1);
  /** Timer records: t, deadline; conn, side | timer << 1 | op << 3 | purpose << 5. */
  private tm = new Columns(2, 2);
  /**
   * Congestion samples: t; conn << 3 | side | phase << 1, cwnd, ssthresh (NONE: none),
   * flight, srtt in µs (NONE: none), rto in µs, una, nxt, wnd. Several samples of
   * one connection at one instant are kept as the last of them.
   */
  private cc = new Columns(1, 9);
  private conns: string[] = [];
  /**
   * Queue samples: t, bytes, the other direction's bytes; from, packets, the
   * other direction's packets. Each row holds both directions' occupancy, so
   * the level of both at an instant is one binary search (`queueAt`).
   */
  private q = new Columns(3, 3);
  private queueNow: Record<Side, QueueLevel> = { client: EMPTY_QUEUE, server: EMPTY_QUEUE };
  private connIds = new Map<string, number>();
  // ---- record objects made so far
  private made: TraceRecord[] = [];
  private madeSegments: SegmentRecord[] = [];
  /** `records` (`segments`) was read: make each new record as it comes, for whoever holds the array. */
  private live = false;
  private liveSegments = false;

  /** Number of records. */
  get length(): number {
    return this.log.n;
  }

  /** Number of segments (the next segment's id). */
  get segmentCount(): number {
    return this.s.n;
  }

  /**
   * Every record, in order: the trace's own array, which grows as the trace does
   * (a reader may hold it). The records so far are made at the first read, and
   * from then on each one as it is appended.
   */
  get records(): TraceRecord[] {
    const made = this.made;
    for (let i = made.length; i < this.log.n; i++) made.push(this.make(i));
    this.live = true;
    return made;
  }

  /** Segment records by id (the same objects as in `records`); like `records`, it grows. */
  get segments(): SegmentRecord[] {
    for (let id = 0; id < this.s.n; id++) this.segment(id);
    this.liveSegments = true;
    return this.madeSegments;
  }

  /** Segment record `id`. */
  segment(id: number): SegmentRecord {
    if (!(id >= 0 && id < this.s.n)) throw new RangeError(`no segment ${id}`);
    const had = this.madeSegments[id];
    if (had) return had;
    const [bits, conn] = this.s.u.map((c) => c[id]!);
    const r: SegmentRecord = {
      kind: 'segment',
      id,
      from: bits! & 1 ? 'server' : 'client',
      conn: conn ? this.conns[conn - 1]! : null,
      t: this.sentAt(id),
      arriveAt: this.arrivesAt(id),
      dropped: DROP_REASONS[bits! >> 2]!,
      rtx: (bits! & 2) !== 0,
      dupOf: this.dupOf.get(id) ?? null,
      seg: this.seg(id),
    };
    return (this.madeSegments[id] = r);
  }

  /** When segment `id` was sent. */
  sentAt(id: number): number {
    return this.s.f[0]![id]!;
  }

  /** When segment `id` arrives (or would have). */
  arrivesAt(id: number): number {
    return this.s.f[1]![id]!;
  }

  /** Segment `id` was dropped as it was sent. */
  droppedAtSend(id: number): boolean {
    return this.s.u[0]![id]! >> 2 !== 0;
  }

  /** The segment itself (header and payload) of segment record `id`. */
  seg(id: number): Segment {
    const had = this.madeSegments[id]?.seg ?? this.odd.get(id);
    if (had) return had;
    const [, , srcIp, dstIp, ports, seq, ack, fw, val, ecr, buf, off, len] = this.s.u.map(
      (c) => c[id]!,
    );
    const opt = fw! >>> 24;
    return {
      srcIp: srcIp!,
      dstIp: dstIp!,
      srcPort: ports! & 0xffff,
      dstPort: ports! >>> 16,
      seq: seq!,
      ack: ack!,
      flags: fw! & 0xff,
      window: (fw! >>> 8) & 0xffff,
      options:
        opt === OPT_TS
          ? { ts: { val: val!, ecr: ecr! } }
          : opt === OPT_OBJECT
            ? this.oddOptions.get(id)!
            : NO_OPTIONS,
      payload: buf ? new Uint8Array(this.buffers[buf - 1]!, off, len) : EMPTY,
    };
  }

  /** Append any record. */
  push(r: TraceRecord): void {
    switch (r.kind) {
      case 'segment':
        return this.pushSegment(
          r.id,
          r.from,
          r.conn,
          r.t,
          r.arriveAt,
          r.dropped,
          r.rtx,
          r.dupOf,
          r.seg,
        );
      case 'deliver':
        return this.pushDeliver(r.t, r.id);
      case 'timer':
        return this.pushTimer(r.t, r.side, r.conn, r.timer, r.op, r.deadline, r.purpose);
      default:
        this.objects.push(r);
        this.append(OBJECT, this.objects.length - 1);
    }
  }

  /** Append a segment record (ids are given in order: `id` is `segmentCount`). */
  pushSegment(
    id: number,
    from: Side,
    conn: string | null,
    t: number,
    arriveAt: number,
    dropped: DropReason | null,
    rtx: boolean,
    dupOf: number | null,
    seg: Segment,
  ): void {
    if (id !== this.s.n) throw new Error(`segment ${id} out of order (expected ${this.s.n})`);
    this.s.add();
    const { f, u } = this.s;
    f[0]![id] = t;
    f[1]![id] = arriveAt;
    if (dupOf !== null) this.dupOf.set(id, dupOf);
    const o = seg.options;
    const ts = o.ts;
    const opt =
      o === NO_OPTIONS
        ? 0
        : ts &&
            o.mss === undefined &&
            o.wscale === undefined &&
            o.sackPermitted === undefined &&
            o.sack === undefined
          ? OPT_TS
          : OPT_OBJECT;
    const p = seg.payload;
    let buf = 0;
    if (p !== EMPTY) {
      buf = this.bufferIds.get(p.buffer) ?? this.buffers.push(p.buffer);
      this.bufferIds.set(p.buffer, buf);
    }
    const row = [
      (from === 'server' ? 1 : 0) | (rtx ? 2 : 0) | (DROP_REASONS.indexOf(dropped) << 2),
      conn === null ? 0 : this.intern(conn) + 1,
      seg.srcIp,
      seg.dstIp,
      seg.srcPort | (seg.dstPort << 16),
      seg.seq,
      seg.ack,
      seg.flags | (seg.window << 8) | (opt << 24),
      ts?.val ?? 0,
      ts?.ecr ?? 0,
      buf,
      p.byteOffset,
      p.length,
    ];
    for (let k = 0; k < row.length; k++) u[k]![id] = row[k]!;
    if (opt === OPT_OBJECT) this.oddOptions.set(id, o);
    // A field the columns cannot hold exactly (a test's odd segment): keep the segment.
    if (
      !w16(seg.srcPort) ||
      !w16(seg.dstPort) ||
      !w16(seg.window) ||
      (seg.flags & 0xff) !== seg.flags ||
      [2, 3, 5, 6, 8, 9, 11].some((k) => u[k]![id] !== row[k]) ||
      (p !== EMPTY && p.constructor !== Uint8Array)
    )
      this.odd.set(id, seg);
    if (this.liveSegments) this.segment(id);
    this.append(SEGMENT, id);
  }

  pushDeliver(t: number, id: number): void {
    const i = this.d.add();
    this.d.f[0]![i] = t;
    this.d.u[0]![i] = id;
    this.append(DELIVER, i);
  }

  pushTimer(
    t: number,
    side: Side,
    conn: string,
    timer: TimerName,
    op: TimerRecord['op'],
    deadline: number,
    purpose?: TimerPurpose,
  ): void {
    const i = this.tm.add();
    const { f, u } = this.tm;
    f[0]![i] = t;
    f[1]![i] = deadline;
    u[0]![i] = this.intern(conn);
    u[1]![i] =
      (side === 'server' ? 1 : 0) |
      (TIMER_NAMES.indexOf(timer) << 1) |
      (TIMER_OPS.indexOf(op) << 3) |
      (PURPOSES.indexOf(purpose) << 5);
    this.append(TIMER, i);
  }

  /** Number of congestion samples. */
  get ccCount(): number {
    return this.cc.n;
  }

  /** When congestion sample `i` was taken (samples are in time order). */
  ccTime(i: number): number {
    return this.cc.f[0]![i]!;
  }

  /** Congestion sample `i`, made afresh at each call. */
  ccSample(i: number): CcSample {
    const { f, u } = this.cc;
    const bits = u[0]![i]!;
    const ss = u[2]![i]!;
    const srtt = u[4]![i]!;
    return {
      t: f[0]![i]!,
      conn: this.conns[bits >>> 3]!,
      side: bits & 1 ? 'server' : 'client',
      cwnd: u[1]![i]!,
      ssthresh: ss === NONE ? null : ss,
      flight: u[3]![i]!,
      srtt: srtt === NONE ? null : srtt / 1000,
      rto: u[5]![i]! / 1000,
      phase: CC_PHASES[(bits >>> 1) & 3]!,
      una: u[6]![i]!,
      nxt: u[7]![i]!,
      wnd: u[8]![i]!,
    };
  }

  pushCc(s: CcSample): void {
    const conn = this.intern(s.conn);
    const bits = (conn << 3) | (CC_PHASES.indexOf(s.phase) << 1) | (s.side === 'server' ? 1 : 0);
    const last = this.cc.n - 1;
    // A later sample of the same connection at the same instant replaces the earlier.
    const i =
      last >= 0 && this.cc.f[0]![last] === s.t && this.cc.u[0]![last]! >>> 3 === conn
        ? last
        : this.cc.add();
    const { f, u } = this.cc;
    f[0]![i] = s.t;
    u[0]![i] = bits;
    u[1]![i] = Math.round(s.cwnd);
    u[2]![i] =
      s.ssthresh === null || s.ssthresh >= INFINITE_SSTHRESH ? NONE : Math.round(s.ssthresh);
    u[3]![i] = Math.max(0, s.flight);
    u[4]![i] = s.srtt === null ? NONE : Math.round(s.srtt * 1000);
    u[5]![i] = Math.round(s.rto * 1000);
    u[6]![i] = s.una >>> 0;
    u[7]![i] = s.nxt >>> 0;
    u[8]![i] = s.wnd >>> 0;
  }

  /** Number of queue samples. */
  get queueCount(): number {
    return this.q.n;
  }

  /** When queue sample `i` was taken (samples are in time order). */
  queueTime(i: number): number {
    return this.q.f[0]![i]!;
  }

  /** Queue sample `i`, made afresh at each call. */
  queueSample(i: number): QueueSample {
    const { f, u } = this.q;
    return {
      t: f[0]![i]!,
      from: u[0]![i]! ? 'server' : 'client',
      packets: u[1]![i]!,
      bytes: f[1]![i]!,
    };
  }

  /** Append a queue sample: `from`'s occupancy after a change at `s.t`, no earlier than the last. */
  pushQueue(s: QueueSample): void {
    const n = this.q.n;
    if (n > 0 && s.t < this.q.f[0]![n - 1]!)
      throw new Error(`queue sample at ${s.t} after one at ${this.q.f[0]![n - 1]!}`);
    const other = this.queueNow[s.from === 'client' ? 'server' : 'client'];
    this.queueNow[s.from] = { packets: s.packets, bytes: s.bytes };
    const i = this.q.add();
    const { f, u } = this.q;
    f[0]![i] = s.t;
    f[1]![i] = s.bytes;
    f[2]![i] = other.bytes;
    u[0]![i] = s.from === 'server' ? 1 : 0;
    u[1]![i] = s.packets;
    u[2]![i] = other.packets;
  }

  /** Each direction's queue occupancy at instant `t` (after every sample at `t`), by binary search. */
  queueAt(t: number): Record<Side, QueueLevel> {
    const { f, u } = this.q;
    let lo = 0;
    let hi = this.q.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (f[0]![mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return { client: EMPTY_QUEUE, server: EMPTY_QUEUE };
    const i = lo - 1;
    const own = { packets: u[1]![i]!, bytes: f[1]![i]! };
    const other = { packets: u[2]![i]!, bytes: f[2]![i]! };
    return u[0]![i]! ? { client: other, server: own } : { client: own, server: other };
  }

  toJsonLines(): string {
    return this.records.map(recordToJson).join('\n') + '\n';
  }

  private append(kind: number, ref: number): void {
    const i = this.log.add();
    this.log.u[0]![i] = (ref << 2) | kind;
    if (this.live) this.made.push(this.make(i));
  }

  private intern(conn: string): number {
    let c = this.connIds.get(conn);
    if (c === undefined) this.connIds.set(conn, (c = this.conns.push(conn) - 1));
    return c;
  }

  private make(i: number): TraceRecord {
    const x = this.log.u[0]![i]!;
    const ref = x >>> 2;
    const kind = x & 3;
    if (kind === SEGMENT) return this.segment(ref);
    if (kind === DELIVER) return { kind: 'deliver', t: this.d.f[0]![ref]!, id: this.d.u[0]![ref]! };
    if (kind === OBJECT) return this.objects[ref]!;
    const bits = this.tm.u[1]![ref]!;
    const purpose = PURPOSES[bits >> 5];
    const r: TimerRecord = {
      kind: 'timer',
      t: this.tm.f[0]![ref]!,
      side: bits & 1 ? 'server' : 'client',
      conn: this.conns[this.tm.u[0]![ref]!]!,
      timer: TIMER_NAMES[(bits >> 1) & 3]!,
      op: TIMER_OPS[(bits >> 3) & 3]!,
      deadline: this.tm.f[1]![ref]!,
    };
    return purpose ? { ...r, purpose } : r;
  }
}
