/**
 * The time–sequence graph's series (Stevens and tcptrace style), built from a
 * trace incrementally: the trace only grows (a fork or a reset makes a new
 * one), so each frame reads just the records added since the last.
 *
 * A direction is the data one connection sends, keyed by the sender's
 * connection id ("client:1"). Its ACKs are the segments the peer sends back on
 * the reverse 4-tuple. Sequence numbers are relative to the sender's ISN and
 * unwrapped (a long run may pass 2^31), so they grow without bound.
 */
import {
  ACK,
  FIN,
  SYN,
  seqDiff,
  type SegmentRecord,
  type Side,
  type TraceRecord,
} from '../../core';

/** Mark flags. */
export const RTX = 1;
/** Lost on the link: dropped as it was sent, or while in flight (a drop record). */
export const LOST = 2;
/** A copy the link made. */
export const DUP = 4;
export const SYN_MARK = 8;
export const FIN_MARK = 16;

export interface Direction {
  /** The sender's connection id. */
  readonly key: string;
  readonly from: Side;
  /** The receiving connection's id, once it has sent something back. */
  receiver: string | null;
  /** The sender's ISN (its SYN's sequence number). */
  iss: number;
  /** The window scale option of the sender's SYN, if it had one. */
  synWscale: number | undefined;
  /** Whether the sender's SYN has been seen (a scale counts only if both SYNs offer one). */
  synSeen: boolean;
  // ---- data marks (segments occupying sequence space), in send order
  readonly t: number[];
  /** Relative sequence number of the first octet (SYN and FIN count one). */
  readonly seq: number[];
  /** Relative sequence number just past it. */
  readonly end: number[];
  readonly flags: number[];
  readonly id: number[];
  /** Positions of the marks retransmitted, lost or duplicated, ascending. */
  readonly special: number[];
  // ---- the receiver's ACKs, in send order
  readonly ackT: number[];
  /** Relative cumulative ACK. */
  readonly ack: number[];
  /** Right edge of the advertised window: ack + window << scale (relative). */
  readonly win: number[];
  readonly ackId: number[];
  /** The ACK was lost on the link. */
  readonly ackLost: boolean[];
  // ---- SACK blocks the receiver reported (relative), one row per block
  readonly sackT: number[];
  readonly sackStart: number[];
  readonly sackEnd: number[];
  /** Highest relative sequence number sent (the data it carries, plus SYN and FIN). */
  bytes: number;
  /** Unwrapping: the highest sequence number seen and its relative value. */
  refAbs: number;
  refRel: number;
}

function newDirection(key: string, from: Side): Direction {
  return {
    key,
    from,
    receiver: null,
    iss: 0,
    synWscale: undefined,
    synSeen: false,
    t: [],
    seq: [],
    end: [],
    flags: [],
    id: [],
    special: [],
    ackT: [],
    ack: [],
    win: [],
    ackId: [],
    ackLost: [],
    sackT: [],
    sackStart: [],
    sackEnd: [],
    bytes: 0,
    refAbs: 0,
    refRel: 0,
  };
}

/** A sequence number relative to the direction's ISN, unwrapped past 2^32. */
export function relSeq(d: Direction, abs: number): number {
  const rel = d.refRel + seqDiff(abs, d.refAbs);
  if (rel > d.refRel) {
    d.refRel = rel;
    d.refAbs = abs >>> 0;
  }
  return rel;
}

const tupleOf = (s: SegmentRecord['seg']): string =>
  `${s.srcIp}:${s.srcPort}>${s.dstIp}:${s.dstPort}`;
const reverseTuple = (s: SegmentRecord['seg']): string =>
  `${s.dstIp}:${s.dstPort}>${s.srcIp}:${s.srcPort}`;

export class SeqIndex {
  processed = 0;
  readonly dirs = new Map<string, Direction>();
  /** The connection that last sent on each 4-tuple. */
  private tupleConn = new Map<string, string>();
  /** Where a data mark is, by segment id (for drops in flight and selection). */
  private markOf = new Map<number, { dir: Direction; i: number }>();

  constructor(readonly records: readonly TraceRecord[]) {}

  update(): this {
    const recs = this.records;
    for (let i = this.processed; i < recs.length; i++) this.add(recs[i]!);
    this.processed = recs.length;
    return this;
  }

  /** The direction and position of segment `id`'s data mark. */
  mark(id: number): { dir: Direction; i: number } | undefined {
    return this.markOf.get(id);
  }

  /** Directions that carried data, most data first (the default is the first). */
  ranked(): Direction[] {
    return [...this.dirs.values()]
      .filter((d) => d.t.length > 0)
      .sort((a, b) => b.bytes - a.bytes || (a.key < b.key ? -1 : 1));
  }

  private add(r: TraceRecord): void {
    if (r.kind === 'drop') {
      const m = this.markOf.get(r.id);
      if (m) {
        const sp = m.dir.special;
        if (!(m.dir.flags[m.i]! & (RTX | LOST | DUP))) {
          // In flight for a while: its place is near the end of the list.
          let j = sp.length;
          while (j > 0 && sp[j - 1]! > m.i) j--;
          sp.splice(j, 0, m.i);
        }
        m.dir.flags[m.i]! |= LOST;
      } else this.ackDropped(r.id);
      return;
    }
    if (r.kind !== 'segment' || r.conn === null) return;
    const seg = r.seg;
    this.tupleConn.set(tupleOf(seg), r.conn);
    let d = this.dirs.get(r.conn);
    if (!d) this.dirs.set(r.conn, (d = newDirection(r.conn, r.from)));
    const syn = (seg.flags & SYN) !== 0;
    if (syn && !d.synSeen) {
      d.synSeen = true;
      d.iss = seg.seq;
      d.refAbs = seg.seq;
      d.refRel = 0;
      d.synWscale = seg.options.wscale;
    } else if (!d.synSeen && d.t.length === 0) {
      // No SYN seen from this sender (it cannot happen in a whole run): count from here.
      d.iss = (seg.seq - 1) >>> 0;
      d.refAbs = d.iss;
      d.refRel = 0;
    }
    const fin = (seg.flags & FIN) !== 0;
    const len = seg.payload.length + (syn ? 1 : 0) + (fin ? 1 : 0);
    if (len > 0) {
      const s = relSeq(d, seg.seq);
      const e = s + len;
      const flags =
        (r.rtx ? RTX : 0) |
        (r.dropped ? LOST : 0) |
        (r.dupOf !== null ? DUP : 0) |
        (syn ? SYN_MARK : 0) |
        (fin ? FIN_MARK : 0);
      if (flags & (RTX | LOST | DUP)) d.special.push(d.t.length);
      this.markOf.set(r.id, { dir: d, i: d.t.length });
      d.t.push(r.t);
      d.seq.push(s);
      d.end.push(e);
      d.flags.push(flags);
      d.id.push(r.id);
      if (e > d.bytes) d.bytes = e;
    }
    if (seg.flags & ACK) {
      // An ACK of the data the peer sends on the reverse tuple.
      const peerKey = this.tupleConn.get(reverseTuple(seg));
      const p = peerKey === undefined ? undefined : this.dirs.get(peerKey);
      if (p && p.synSeen) {
        p.receiver = r.conn;
        const a = relSeq(p, seg.ack);
        // RFC 7323 §2.2: the window of a SYN is never scaled; the others are shifted by
        // the scale the receiver offered in its SYN, if both SYNs carried the option.
        const shift =
          !syn && p.synWscale !== undefined && d.synWscale !== undefined ? d.synWscale : 0;
        const n = p.ackT.length;
        p.ackT.push(r.t);
        p.ack.push(a);
        p.win.push(a + seg.window * 2 ** shift);
        p.ackId.push(r.id);
        p.ackLost.push(r.dropped !== null);
        this.ackAt.set(r.id, { dir: p, i: n });
        for (const b of seg.options.sack ?? []) {
          const s = a + seqDiff(b.start, seg.ack);
          p.sackT.push(r.t);
          p.sackStart.push(s);
          p.sackEnd.push(s + seqDiff(b.end, b.start));
        }
      }
    }
  }

  private ackAt = new Map<number, { dir: Direction; i: number }>();

  private ackDropped(id: number): void {
    const m = this.ackAt.get(id);
    if (m) m.dir.ackLost[m.i] = true;
  }
}

const cache = new WeakMap<readonly TraceRecord[], SeqIndex>();

/** The (cached, brought up to date) sequence index of a trace's records. */
export function seqIndexFor(records: readonly TraceRecord[]): SeqIndex {
  let idx = cache.get(records);
  if (!idx || idx.processed > records.length) {
    idx = new SeqIndex(records);
    cache.set(records, idx);
  }
  return idx.update();
}
