/**
 * Text for people: segments in tcpdump's style with relative sequence numbers,
 * and the other trace records one line each.
 */
import { flagString, type Segment } from '../tcp/segment';
import { seqDiff } from '../tcp/seq';
import type { SegmentRecord, StateCause, TraceRecord } from '../sim/trace';

/** Per direction of each connection, the ISN that relative numbers count from. */
export class RelativeSeq {
  private isn = new Map<string, number>();

  private static key(srcIp: number, srcPort: number, dstIp: number, dstPort: number): string {
    return `${srcIp}:${srcPort}>${dstIp}:${dstPort}`;
  }

  /** Learn from a segment (its SYN fixes the ISN of its direction). */
  see(seg: Segment): void {
    if (seg.flags & 0x02) {
      const k = RelativeSeq.key(seg.srcIp, seg.srcPort, seg.dstIp, seg.dstPort);
      if (!this.isn.has(k)) this.isn.set(k, seg.seq);
    }
  }

  /** The relative seq and ack of a segment (absolute when no SYN was seen for that direction). */
  relative(seg: Segment): { seq: number; ack: number } {
    const mine = this.isn.get(RelativeSeq.key(seg.srcIp, seg.srcPort, seg.dstIp, seg.dstPort));
    const theirs = this.isn.get(RelativeSeq.key(seg.dstIp, seg.dstPort, seg.srcIp, seg.srcPort));
    return {
      seq: mine === undefined ? seg.seq : seqDiff(seg.seq, mine) >>> 0,
      ack: theirs === undefined ? seg.ack : seqDiff(seg.ack, theirs) >>> 0,
    };
  }
}

export const seconds = (ms: number): string => (ms / 1000).toFixed(6);

/** "Flags [S.], seq 0, ack 1, win 65535, options [mss 1460], length 0". */
export function describeSegment(seg: Segment, rel: { seq: number; ack: number }): string {
  const parts = [`Flags [${flagString(seg.flags)}]`];
  const len = seg.payload.length;
  if (len > 0) parts.push(`seq ${rel.seq}:${(rel.seq + len) >>> 0}`);
  else parts.push(`seq ${rel.seq}`);
  if (seg.flags & 0x10) parts.push(`ack ${rel.ack}`);
  parts.push(`win ${seg.window}`);
  const o = seg.options;
  const opts: string[] = [];
  if (o.mss !== undefined) opts.push(`mss ${o.mss}`);
  if (o.sackPermitted) opts.push('sackOK');
  if (o.ts) opts.push(`TS val ${o.ts.val} ecr ${o.ts.ecr}`);
  if (o.wscale !== undefined) opts.push(`wscale ${o.wscale}`);
  if (o.sack && o.sack.length > 0) {
    // SACK edges live in the sequence space the ACK field counts in: shown relative like it.
    const base = (seg.ack - rel.ack) >>> 0;
    const r = (x: number): number => (x - base) >>> 0;
    opts.push(
      `sack ${o.sack.length} {${o.sack.map((b) => `${r(b.start)}:${r(b.end)}`).join(' ')}}`,
    );
  }
  if (opts.length > 0) parts.push(`options [${opts.join(',')}]`);
  parts.push(`length ${len}`);
  return parts.join(', ');
}

/** What the retransmission timer stands for when it is not the retransmission timeout. */
const PURPOSE_TEXT = { tlp: 'loss probe', reo: 'RACK reordering' } as const;

const CLOSE_TEXT = {
  plain: 'close()',
  unreadData: 'close() with unread data',
  linger0: 'close() with SO_LINGER 0',
  listener: 'close() of listener',
} as const;

/** A state change's cause as text: "rcv [S.]", "connect()", "shutdown(SHUT_WR)", "timeout rtx". */
export function causeText(c: StateCause): string {
  switch (c.kind) {
    case 'segment':
      return `rcv [${flagString(c.flags)}]`;
    case 'timer':
      return `timeout ${c.timer}`;
    case 'synForListener':
      return 'SYN for a listening socket';
    case 'call':
      if (c.call === 'close') return CLOSE_TEXT[c.variant];
      if (c.call === 'shutdown') return `shutdown(${c.how})`;
      return `${c.call}()`;
  }
}

/** One line per trace record, as the headless runner prints them. */
export function formatTrace(records: readonly TraceRecord[]): string[] {
  const rel = new RelativeSeq();
  const segs = new Map<number, SegmentRecord>();
  const lines: string[] = [];
  for (const r of records) {
    switch (r.kind) {
      case 'segment': {
        segs.set(r.id, r);
        rel.see(r.seg);
        const to = r.from === 'client' ? 'server' : 'client';
        const marks: string[] = [];
        if (r.rtx) marks.push('retransmission');
        if (r.dupOf !== null) marks.push(`duplicate of #${r.dupOf}`);
        if (r.dropped) marks.push(`DROPPED (${r.dropped})`);
        const tail = marks.length ? `  [${marks.join(', ')}]` : '';
        if (r.dupOf === null)
          lines.push(
            `${seconds(r.t)} ${r.from} > ${to}: ${describeSegment(r.seg, rel.relative(r.seg))}${tail}  #${r.id}`,
          );
        else
          lines.push(
            `${seconds(r.t)} ${r.from} > ${to}: (link duplicates #${r.dupOf} as #${r.id})`,
          );
        break;
      }
      case 'drop':
        lines.push(`${seconds(r.t)} link: #${r.id} DROPPED in flight (${r.reason})`);
        break;
      case 'deliver':
        break;
      case 'state':
        lines.push(
          `${seconds(r.t)} ${r.side} ${r.from} -> ${r.to}  (${causeText(r.cause)}) ${r.conn}`,
        );
        break;
      case 'call': {
        const res = r.errno ? `-1 ${r.errno}` : String(r.ret);
        const data = r.data && r.data.length > 0 ? `  "${printable(r.data)}"` : '';
        lines.push(`${seconds(r.t)} ${r.side} ${r.call}(${r.args}) = ${res}${data}`);
        break;
      }
      case 'timer':
        lines.push(
          `${seconds(r.t)} ${r.side} timer ${r.timer}${r.purpose ? ` (${PURPOSE_TEXT[r.purpose]})` : ''} ${r.op} (deadline ${seconds(r.deadline)}) ${r.conn}`,
        );
        break;
      case 'note':
        lines.push(`${seconds(r.t)} ${r.side ?? 'sim'}: ${r.text}`);
        break;
    }
  }
  return lines;
}

function printable(b: Uint8Array): string {
  let s = '';
  for (const x of b.subarray(0, 64))
    s +=
      x >= 32 && x < 127 && x !== 34 && x !== 92
        ? String.fromCharCode(x)
        : `\\x${x.toString(16).padStart(2, '0')}`;
  return b.length > 64 ? s + '…' : s;
}
