/**
 * Comparing a run with a capture from a real kernel. A reference trace lists
 * one segment a line, as tshark reads it: time since the first segment (s),
 * source port, destination port, tshark's flag string, relative seq, relative
 * ack, payload length. We reduce our own trace to the same shape — with
 * tshark's relative numbering, in which a direction that never sent a SYN
 * counts from one before its first sequence number — and compare.
 */
import { ACK, FIN, PSH, RST, SYN } from '../tcp/segment';
import type { ProfileOverrides } from '../tcp/profile';
import type { SegmentRecord, TraceRecord } from '../sim/trace';

export interface WireLine {
  /** Seconds since the first segment. */
  readonly time: number;
  /** 'c>s' (client to server) or 's>c'. */
  readonly dir: 'c>s' | 's>c';
  /** Flags as letters in a fixed order: S, A, P, R, F ("SA" for SYN,ACK). */
  readonly flags: string;
  readonly seq: number;
  readonly ack: number;
  readonly len: number;
}

const flagLetters = (bits: number): string =>
  (bits & SYN ? 'S' : '') +
  (bits & ACK ? 'A' : '') +
  (bits & PSH ? 'P' : '') +
  (bits & RST ? 'R' : '') +
  (bits & FIN ? 'F' : '');

/** Parse a `NAME.segments` file; the server is the side on `serverPort`. */
export function parseReference(text: string, serverPort = 9821): WireLine[] {
  const out: WireLine[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const [time, src, , flags, seq, ack, len] = line.split(/\s+/);
    if (!time || !src || !flags || seq === undefined || ack === undefined || len === undefined)
      throw new Error(`bad reference line: ${line}`);
    let bits = 0;
    for (const ch of flags) {
      if (ch === 'S') bits |= SYN;
      else if (ch === 'A') bits |= ACK;
      else if (ch === 'P') bits |= PSH;
      else if (ch === 'R') bits |= RST;
      else if (ch === 'F') bits |= FIN;
    }
    out.push({
      time: Number(time),
      dir: Number(src) === serverPort ? 's>c' : 'c>s',
      flags: flagLetters(bits),
      seq: Number(seq),
      ack: Number(ack),
      len: Number(len),
    });
  }
  return out;
}

/**
 * Our trace as a capture on the wire would see it: every segment put on the
 * link (a capture on loopback sees a segment before any drop), link duplicates
 * excluded, numbered the way tshark numbers them.
 */
export function wireLines(records: readonly TraceRecord[]): WireLine[] {
  const segs = records.filter((r): r is SegmentRecord => r.kind === 'segment' && r.dupOf === null);
  const base = new Map<string, number>();
  const key = (a: number, ap: number, b: number, bp: number): string => `${a}:${ap}>${b}:${bp}`;
  const t0 = segs[0]?.t ?? 0;
  return segs.map((r) => {
    const s = r.seg;
    const mine = key(s.srcIp, s.srcPort, s.dstIp, s.dstPort);
    if (!base.has(mine)) base.set(mine, s.flags & SYN ? s.seq : (s.seq - 1) >>> 0);
    const theirs = base.get(key(s.dstIp, s.dstPort, s.srcIp, s.srcPort));
    return {
      time: (r.t - t0) / 1000,
      dir: r.from === 'client' ? 'c>s' : 's>c',
      flags: flagLetters(s.flags),
      seq: (s.seq - base.get(mine)!) >>> 0,
      ack: s.flags & ACK && theirs !== undefined ? (s.ack - theirs) >>> 0 : 0,
      len: s.payload.length,
    };
  });
}

export interface Mismatch {
  readonly index: number;
  readonly expected: WireLine | null;
  readonly actual: WireLine | null;
  readonly what: string;
}

/**
 * Compare segment by segment: direction, flags, relative seq and ack, length,
 * and the time since the first segment within `tolerance` (a fraction) of the
 * kernel's, or within `slackMs` for the near-instant segments of loopback.
 */
export function compareWire(
  expected: readonly WireLine[],
  actual: readonly WireLine[],
  tolerance = 0.1,
  slackMs = 5,
): Mismatch[] {
  const out: Mismatch[] = [];
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const e = expected[i] ?? null;
    const a = actual[i] ?? null;
    if (!e || !a) {
      out.push({ index: i, expected: e, actual: a, what: e ? 'missing segment' : 'extra segment' });
      continue;
    }
    const diffs: string[] = [];
    if (e.dir !== a.dir) diffs.push(`direction ${a.dir}, kernel ${e.dir}`);
    if (e.flags !== a.flags) diffs.push(`flags ${a.flags}, kernel ${e.flags}`);
    if (e.seq !== a.seq) diffs.push(`seq ${a.seq}, kernel ${e.seq}`);
    if (e.ack !== a.ack) diffs.push(`ack ${a.ack}, kernel ${e.ack}`);
    if (e.len !== a.len) diffs.push(`length ${a.len}, kernel ${e.len}`);
    const dt = Math.abs(e.time - a.time);
    if (dt > Math.max(e.time * tolerance, slackMs / 1000))
      diffs.push(`time ${a.time.toFixed(3)} s, kernel ${e.time.toFixed(3)} s`);
    if (diffs.length) out.push({ index: i, expected: e, actual: a, what: diffs.join('; ') });
  }
  return out;
}

export const formatWireLine = (l: WireLine): string =>
  `${l.time.toFixed(6)} ${l.dir} ${l.flags} ${l.seq} ${l.ack} ${l.len}`;

/**
 * The kernel's TCP sysctls (a capture's `NAME.sysctl`: `net.ipv4.KEY = VALUE`
 * lines) as overrides of the `linux` profile, for the settings the model has.
 * Lines it does not know (other sysctls, the iptables rules) are left out.
 */
export function sysctlOverrides(text: string): ProfileOverrides {
  const o: { -readonly [K in keyof ProfileOverrides]: ProfileOverrides[K] } = {};
  for (const line of text.split('\n')) {
    const m = /^net\.ipv4\.(\w+)\s*=\s*(\S+)\s*$/.exec(line);
    if (!m) continue;
    const key = m[1]!;
    const n = Number(m[2]);
    if (!Number.isInteger(n)) continue;
    switch (key) {
      case 'tcp_sack':
        o.sack = n !== 0;
        break;
      case 'tcp_timestamps':
        o.timestamps = n !== 0;
        break;
      case 'tcp_window_scaling':
        if (n === 0) o.wscale = null;
        break;
      case 'tcp_reordering':
        o.reordering = n;
        break;
      case 'tcp_slow_start_after_idle':
        o.slowStartAfterIdle = n !== 0;
        break;
      case 'tcp_syn_retries':
        o.tcp_syn_retries = n;
        break;
      case 'tcp_synack_retries':
        o.tcp_synack_retries = n;
        break;
      case 'tcp_syn_linear_timeouts':
        o.tcp_syn_linear_timeouts = n;
        break;
      case 'tcp_fin_timeout':
        o.tcp_fin_timeout = n * 1000;
        break;
      case 'tcp_rto_min_us':
        o.rtoMin = n / 1000;
        break;
    }
  }
  return o;
}
