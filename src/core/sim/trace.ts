/**
 * The trace: an append-only log of everything that happened in a run. It is
 * the single source the views, the text runner and the exports read. Records
 * are plain data, so a trace serializes to JSON lines and two runs can be
 * compared byte for byte.
 */
import { EMPTY, NO_OPTIONS, type Segment, type TcpOptions } from '../tcp/segment';
import { TIMER_NAMES, type StateName, type TimerName } from '../tcp/tcb';

export type Side = 'client' | 'server';
export const SIDES: readonly Side[] = ['client', 'server'];
export const peerOf = (s: Side): Side => (s === 'client' ? 'server' : 'client');

export type DropReason = 'loss' | 'rule' | 'user';

export interface SegmentRecord {
  readonly kind: 'segment';
  readonly id: number;
  readonly from: Side;
  /** The connection that sent it ("client:1"), or null for a RST from a closed port. */
  readonly conn: string | null;
  readonly t: number;
  /** When it arrives (or would have, had it not been dropped at once). */
  readonly arriveAt: number;
  /** Dropped on the link as it was sent (loss or a rule); a drop while in flight is a DropRecord. */
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
}

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

const DROP_REASONS: readonly (DropReason | null)[] = [null, 'loss', 'rule', 'user'];
const TIMER_OPS: readonly TimerRecord['op'][] = ['armed', 'fired', 'cancelled'];
const TIMERS = TIMER_NAMES;

/** Options held in the columns: none (the shared NO_OPTIONS), or timestamps alone. */
const OPT_NONE = 0;
const OPT_TS = 1;
/** Anything else: the options object itself, in a side table. */
const OPT_OBJECT = 2;

function grown<T extends Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array>(
  a: T,
  n: number,
): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/**
 * The trace: records in the order they happened. Segments, deliveries and
 * timer records — nearly all of a long run — are held in typed columns, and a
 * record object is made when something reads it (`records`, `segments`,
 * `segment(id)`), once: it is the same object at every later read. A bulk run
 * so keeps a few dozen bytes per segment instead of several objects, and the
 * garbage collector has little to copy while a run goes on.
 */
export class Trace {
  // ---- the log: per record, what it is and where it is held
  private n = 0;
  private kind = new Uint8Array(1024);
  private ref = new Int32Array(1024);
  private objects: TraceRecord[] = [];
  // ---- segments, by id (ids are given in send order, from 0)
  private ns = 0;
  private sT = new Float64Array(512);
  private sArrive = new Float64Array(512);
  /** Side (0 client, 1 server) | rtx << 1 | drop reason << 2. */
  private sBits = new Uint8Array(512);
  private sConn = new Int32Array(512);
  private srcIp = new Uint32Array(512);
  private dstIp = new Uint32Array(512);
  private srcPort = new Uint16Array(512);
  private dstPort = new Uint16Array(512);
  private seq = new Uint32Array(512);
  private ack = new Uint32Array(512);
  private flags = new Uint8Array(512);
  private window = new Uint16Array(512);
  private optKind = new Uint8Array(512);
  private tsVal = new Uint32Array(512);
  private tsEcr = new Uint32Array(512);
  /** Payload: its buffer (by number in `buffers`, -1 for EMPTY), offset and length. */
  private payBuf = new Int32Array(512);
  private payOff = new Uint32Array(512);
  private payLen = new Uint32Array(512);
  private buffers: ArrayBufferLike[] = [];
  private bufferIds = new Map<ArrayBufferLike, number>();
  /** The segment each link duplicate copies. */
  private dupOf = new Map<number, number>();
  /** Segments whose fields do not fit the columns, and options that are not just timestamps. */
  private odd = new Map<number, Segment>();
  private oddOptions = new Map<number, TcpOptions>();
  // ---- deliveries
  private nd = 0;
  private dT = new Float64Array(512);
  private dId = new Int32Array(512);
  // ---- timer records
  private nt = 0;
  private tT = new Float64Array(256);
  private tDeadline = new Float64Array(256);
  private tConn = new Int32Array(256);
  /** Side | timer << 1 | op << 3. */
  private tBits = new Uint8Array(256);
  // ---- connection ids, interned
  private conns: string[] = [];
  private connIds = new Map<string, number>();
  // ---- record objects made so far
  private made: TraceRecord[] = [];
  private madeSegments: SegmentRecord[] = [];
  /** `records` (`segments`) was read: make each new record as it comes, for whoever holds the array. */
  private live = false;
  private liveSegments = false;

  /** Number of records. */
  get length(): number {
    return this.n;
  }

  /** Number of segments (the next segment's id). */
  get segmentCount(): number {
    return this.ns;
  }

  /**
   * Every record, in order: the trace's own array, which grows as the trace does
   * (a reader may hold it). The records so far are made at the first read, and
   * from then on each one as it is appended.
   */
  get records(): TraceRecord[] {
    const made = this.made;
    for (let i = made.length; i < this.n; i++) made.push(this.make(i));
    this.live = true;
    return made;
  }

  /** Segment records by id (the same objects as in `records`); like `records`, it grows. */
  get segments(): SegmentRecord[] {
    const out = this.madeSegments;
    for (let id = 0; id < this.ns; id++) if (out[id] === undefined) this.segment(id);
    this.liveSegments = true;
    return out;
  }

  /** Segment record `id`. */
  segment(id: number): SegmentRecord {
    if (!(id >= 0 && id < this.ns)) throw new RangeError(`no segment ${id}`);
    const had = this.madeSegments[id];
    if (had) return had;
    const bits = this.sBits[id]!;
    const conn = this.sConn[id]!;
    const r: SegmentRecord = {
      kind: 'segment',
      id,
      from: bits & 1 ? 'server' : 'client',
      conn: conn < 0 ? null : this.conns[conn]!,
      t: this.sT[id]!,
      arriveAt: this.sArrive[id]!,
      dropped: DROP_REASONS[bits >> 2]!,
      rtx: (bits & 2) !== 0,
      dupOf: this.dupOf.get(id) ?? null,
      seg: this.seg(id),
    };
    this.madeSegments[id] = r;
    return r;
  }

  /** When segment `id` was sent. */
  sentAt(id: number): number {
    return this.sT[id]!;
  }

  /** When segment `id` arrives (or would have). */
  arrivesAt(id: number): number {
    return this.sArrive[id]!;
  }

  /** Segment `id` was dropped as it was sent. */
  droppedAtSend(id: number): boolean {
    return this.sBits[id]! >> 2 !== 0;
  }

  /** The segment itself (header and payload) of segment record `id`. */
  seg(id: number): Segment {
    const had = this.madeSegments[id];
    if (had) return had.seg;
    const odd = this.odd.get(id);
    if (odd) return odd;
    const ok = this.optKind[id]!;
    const b = this.payBuf[id]!;
    return {
      srcIp: this.srcIp[id]!,
      dstIp: this.dstIp[id]!,
      srcPort: this.srcPort[id]!,
      dstPort: this.dstPort[id]!,
      seq: this.seq[id]!,
      ack: this.ack[id]!,
      flags: this.flags[id]!,
      window: this.window[id]!,
      options:
        ok === OPT_NONE
          ? NO_OPTIONS
          : ok === OPT_TS
            ? { ts: { val: this.tsVal[id]!, ecr: this.tsEcr[id]! } }
            : this.oddOptions.get(id)!,
      payload: b < 0 ? EMPTY : new Uint8Array(this.buffers[b]!, this.payOff[id], this.payLen[id]),
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
        return this.pushTimer(r.t, r.side, r.conn, r.timer, r.op, r.deadline);
      default:
        this.objects.push(r);
        this.log(OBJECT, this.objects.length - 1);
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
    if (id !== this.ns) throw new Error(`segment ${id} out of order (expected ${this.ns})`);
    if (id === this.sT.length) this.growSegments();
    this.ns++;
    this.sT[id] = t;
    this.sArrive[id] = arriveAt;
    this.sBits[id] =
      (from === 'server' ? 1 : 0) | (rtx ? 2 : 0) | (DROP_REASONS.indexOf(dropped) << 2);
    this.sConn[id] = conn === null ? -1 : this.intern(conn);
    if (dupOf !== null) this.dupOf.set(id, dupOf);
    this.srcIp[id] = seg.srcIp;
    this.dstIp[id] = seg.dstIp;
    this.srcPort[id] = seg.srcPort;
    this.dstPort[id] = seg.dstPort;
    this.seq[id] = seg.seq;
    this.ack[id] = seg.ack;
    this.flags[id] = seg.flags;
    this.window[id] = seg.window;
    const o = seg.options;
    if (o === NO_OPTIONS) this.optKind[id] = OPT_NONE;
    else if (this.fitsTs(id, o)) this.optKind[id] = OPT_TS;
    else {
      this.optKind[id] = OPT_OBJECT;
      this.oddOptions.set(id, o);
    }
    const p = seg.payload;
    if (p === EMPTY) this.payBuf[id] = -1;
    else {
      let b = this.bufferIds.get(p.buffer);
      if (b === undefined) {
        b = this.buffers.length;
        this.buffers.push(p.buffer);
        this.bufferIds.set(p.buffer, b);
      }
      this.payBuf[id] = b;
      this.payOff[id] = p.byteOffset;
      this.payLen[id] = p.length;
    }
    // A field the columns cannot hold exactly (a test's odd segment): keep the segment.
    if (
      this.srcIp[id] !== seg.srcIp ||
      this.dstIp[id] !== seg.dstIp ||
      this.srcPort[id] !== seg.srcPort ||
      this.dstPort[id] !== seg.dstPort ||
      this.seq[id] !== seg.seq ||
      this.ack[id] !== seg.ack ||
      this.flags[id] !== seg.flags ||
      this.window[id] !== seg.window ||
      (p !== EMPTY && this.payOff[id] !== p.byteOffset) ||
      (p !== EMPTY && p.constructor !== Uint8Array)
    )
      this.odd.set(id, seg);
    if (this.liveSegments) this.segment(id);
    this.log(SEGMENT, id);
  }

  pushDeliver(t: number, id: number): void {
    const i = this.nd++;
    if (i === this.dT.length) {
      this.dT = grown(this.dT, i * 2);
      this.dId = grown(this.dId, i * 2);
    }
    this.dT[i] = t;
    this.dId[i] = id;
    this.log(DELIVER, i);
  }

  pushTimer(
    t: number,
    side: Side,
    conn: string,
    timer: TimerName,
    op: TimerRecord['op'],
    deadline: number,
  ): void {
    const i = this.nt++;
    if (i === this.tT.length) {
      this.tT = grown(this.tT, i * 2);
      this.tDeadline = grown(this.tDeadline, i * 2);
      this.tConn = grown(this.tConn, i * 2);
      this.tBits = grown(this.tBits, i * 2);
    }
    this.tT[i] = t;
    this.tDeadline[i] = deadline;
    this.tConn[i] = this.intern(conn);
    this.tBits[i] =
      (side === 'server' ? 1 : 0) | (TIMERS.indexOf(timer) << 1) | (TIMER_OPS.indexOf(op) << 3);
    this.log(TIMER, i);
  }

  toJsonLines(): string {
    return this.records.map(recordToJson).join('\n') + '\n';
  }

  /** Options that are timestamps alone, held in the columns when the values fit. */
  private fitsTs(id: number, o: TcpOptions): boolean {
    const ts = o.ts;
    if (!ts || o.mss !== undefined || o.wscale !== undefined || o.sackPermitted !== undefined)
      return false;
    this.tsVal[id] = ts.val;
    this.tsEcr[id] = ts.ecr;
    return this.tsVal[id] === ts.val && this.tsEcr[id] === ts.ecr;
  }

  private log(kind: number, ref: number): void {
    const i = this.n++;
    if (i === this.kind.length) {
      this.kind = grown(this.kind, i * 2);
      this.ref = grown(this.ref, i * 2);
    }
    this.kind[i] = kind;
    this.ref[i] = ref;
    if (this.live) this.made.push(this.make(i));
  }

  private intern(conn: string): number {
    let c = this.connIds.get(conn);
    if (c === undefined) {
      c = this.conns.length;
      this.conns.push(conn);
      this.connIds.set(conn, c);
    }
    return c;
  }

  private make(i: number): TraceRecord {
    const ref = this.ref[i]!;
    switch (this.kind[i]) {
      case SEGMENT:
        return this.segment(ref);
      case DELIVER:
        return { kind: 'deliver', t: this.dT[ref]!, id: this.dId[ref]! };
      case TIMER: {
        const bits = this.tBits[ref]!;
        return {
          kind: 'timer',
          t: this.tT[ref]!,
          side: bits & 1 ? 'server' : 'client',
          conn: this.conns[this.tConn[ref]!]!,
          timer: TIMERS[(bits >> 1) & 3]!,
          op: TIMER_OPS[bits >> 3]!,
          deadline: this.tDeadline[ref]!,
        };
      }
      default:
        return this.objects[ref]!;
    }
  }

  private growSegments(): void {
    const n = this.sT.length * 2;
    this.sT = grown(this.sT, n);
    this.sArrive = grown(this.sArrive, n);
    this.sBits = grown(this.sBits, n);
    this.sConn = grown(this.sConn, n);
    this.srcIp = grown(this.srcIp, n);
    this.dstIp = grown(this.dstIp, n);
    this.srcPort = grown(this.srcPort, n);
    this.dstPort = grown(this.dstPort, n);
    this.seq = grown(this.seq, n);
    this.ack = grown(this.ack, n);
    this.flags = grown(this.flags, n);
    this.window = grown(this.window, n);
    this.optKind = grown(this.optKind, n);
    this.tsVal = grown(this.tsVal, n);
    this.tsEcr = grown(this.tsEcr, n);
    this.payBuf = grown(this.payBuf, n);
    this.payOff = grown(this.payOff, n);
    this.payLen = grown(this.payLen, n);
  }
}
