/**
 * Segments between a script and the model: building an inbound segment from
 * a `<` line, checking an outbound one against a `>` line (level 1: flags,
 * relative seq and ack, length; level 2: window and options byte for byte),
 * and writing what the model sent as a script line.
 *
 * Sequence numbers in a script are relative: the script's own to its ISN, the
 * endpoint's to the endpoint's ISN (learned from its first SYN).
 *
 * Pure: no I/O, no clock, no randomness.
 */
import { ACK, FIN, PSH, RST, SYN, URG, type Segment, type TcpOptions } from '../../tcp/segment';
import { seqAdd } from '../../tcp/seq';
import { CWR, ECE, TCPOPT, encodeTcpOptions } from '../../wire/wire';
import type { PktPacket, PktTcpOption } from './ast';

/** Unsigned 32-bit distance from `base` to `v`: a relative sequence number. */
export const rel = (v: number, base: number): number => (v - base) >>> 0;

const FLAG_BITS: Readonly<Record<string, number>> = {
  S: SYN,
  F: FIN,
  R: RST,
  P: PSH,
  U: URG,
  E: ECE,
  W: CWR,
  '.': ACK,
};

/** The control bits a flags text names (E and W are ECN's, which the model never sets). */
export function flagBits(text: string): number {
  let f = 0;
  for (const ch of text) f |= FLAG_BITS[ch] ?? 0;
  return f;
}

/** Flags as a script writes them: S F R P U, then `.` for ACK. */
export function flagText(f: number): string {
  let s = '';
  for (const [ch, bit] of Object.entries(FLAG_BITS)) if (f & bit) s += ch;
  return s;
}

/** Both ends' ISNs, as the run knows them. */
export interface SeqSpace {
  /** The script's ISN: what its relative numbers start from. */
  readonly script: number;
  /** The endpoint's ISN (0 until its first SYN is seen). */
  readonly sut: number;
}

/** The model's options of an inbound line; NOP and EOL only pad, so they go. */
export function inboundOptions(
  opts: readonly PktTcpOption[],
  space: SeqSpace,
  ecr: (scriptEcr: number) => number,
): TcpOptions {
  const o: {
    mss?: number;
    wscale?: number;
    sackPermitted?: boolean;
    sack?: { start: number; end: number }[];
    ts?: { val: number; ecr: number };
  } = {};
  for (const x of opts)
    switch (x.kind) {
      case 'mss':
        o.mss = x.value;
        break;
      case 'wscale':
        o.wscale = x.value;
        break;
      case 'sackOK':
        o.sackPermitted = true;
        break;
      case 'sack':
        o.sack = x.blocks.map(([l, r]) => ({
          start: seqAdd(space.sut, l),
          end: seqAdd(space.sut, r),
        }));
        break;
      case 'TS':
        o.ts = { val: x.val, ecr: ecr(x.ecr) };
        break;
      case 'nop':
      case 'eol':
        break;
    }
  return o;
}

/** The options of a script line as bytes on the wire, padded with EOL to 32 bits. */
export function encodeScriptOptions(opts: readonly PktTcpOption[], space: SeqSpace): Uint8Array {
  const b: number[] = [];
  const u32 = (v: number) => b.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  for (const x of opts)
    switch (x.kind) {
      case 'nop':
        b.push(TCPOPT.NOP);
        break;
      case 'eol':
        b.push(TCPOPT.EOL);
        break;
      case 'mss':
        b.push(TCPOPT.MSS, 4, (x.value >>> 8) & 255, x.value & 255);
        break;
      case 'wscale':
        b.push(TCPOPT.WSCALE, 3, x.value);
        break;
      case 'sackOK':
        b.push(TCPOPT.SACK_PERM, 2);
        break;
      case 'sack':
        b.push(TCPOPT.SACK, 2 + 8 * x.blocks.length);
        // Outbound SACK blocks acknowledge the script's data: they are in its space.
        for (const [l, r] of x.blocks) {
          u32(seqAdd(space.script, l));
          u32(seqAdd(space.script, r));
        }
        break;
      case 'TS':
        b.push(TCPOPT.TIMESTAMP, 10);
        u32(x.val);
        u32(x.ecr);
        break;
    }
  while (b.length % 4 !== 0) b.push(TCPOPT.EOL);
  return Uint8Array.from(b);
}

/** One option as found in a block of option bytes. */
interface WireOption {
  readonly kind: number;
  readonly bytes: Uint8Array;
}

/** The options of a block in order (EOL ends it; the padding after it is not compared). */
function walk(b: Uint8Array): WireOption[] | null {
  const out: WireOption[] = [];
  let i = 0;
  while (i < b.length) {
    const kind = b[i]!;
    if (kind === TCPOPT.EOL) {
      out.push({ kind, bytes: b.subarray(i, i + 1) });
      break;
    }
    if (kind === TCPOPT.NOP) {
      out.push({ kind, bytes: b.subarray(i, i + 1) });
      i++;
      continue;
    }
    const len = b[i + 1];
    if (len === undefined || len < 2 || i + len > b.length) return null;
    out.push({ kind, bytes: b.subarray(i, i + len) });
    i += len;
  }
  return out;
}

/**
 * Level 2's check of the options: the same options in the same order, byte for
 * byte, except an outbound timestamp's value, which is the endpoint's own clock
 * (packetdrill too leaves it unchecked unless told the clock's rate). Null when
 * they match, else what differs.
 */
export function optionsDiffer(
  expected: readonly PktTcpOption[] | 'any' | null,
  actual: TcpOptions,
  space: SeqSpace,
): string | null {
  if (expected === 'any') return null;
  const want = walk(encodeScriptOptions(expected ?? [], space));
  const got = walk(encodeTcpOptions(actual));
  if (!want || !got) return 'malformed options';
  const a = want;
  const g = got;
  const n = Math.max(a.length, g.length);
  for (let k = 0; k < n; k++) {
    const x = a[k];
    const y = g[k];
    if (!x || !y || x.kind !== y.kind || x.bytes.length !== y.bytes.length) return 'options differ';
    const from = x.kind === TCPOPT.TIMESTAMP ? 6 : 0; // compare the echo reply, not the value
    for (let j = from; j < x.bytes.length; j++)
      if (x.bytes[j] !== y.bytes[j]) return 'options differ';
  }
  return null;
}

/** The options as a script writes them, in wire order. */
export function optionsText(o: TcpOptions, space: SeqSpace): string {
  const b = encodeTcpOptions(o);
  const parts: string[] = [];
  for (const w of walk(b) ?? []) {
    const v = w.bytes;
    const u32 = (at: number) =>
      ((v[at]! << 24) | (v[at + 1]! << 16) | (v[at + 2]! << 8) | v[at + 3]!) >>> 0;
    switch (w.kind) {
      case TCPOPT.NOP:
        parts.push('nop');
        break;
      case TCPOPT.EOL:
        parts.push('eol');
        break;
      case TCPOPT.MSS:
        parts.push(`mss ${(v[2]! << 8) | v[3]!}`);
        break;
      case TCPOPT.WSCALE:
        parts.push(`wscale ${v[2]!}`);
        break;
      case TCPOPT.SACK_PERM:
        parts.push('sackOK');
        break;
      case TCPOPT.TIMESTAMP:
        parts.push(`TS val ${u32(2)} ecr ${u32(6)}`);
        break;
      case TCPOPT.SACK: {
        const blocks: string[] = [];
        for (let at = 2; at + 8 <= v.length; at += 8)
          blocks.push(`${rel(u32(at), space.script)}:${rel(u32(at + 4), space.script)}`);
        parts.push(`sack ${blocks.join(' ')}`);
        break;
      }
      default:
        parts.push(`kind ${w.kind}`);
    }
  }
  // The EOL padding the encoder adds is not an option a script writes.
  while (parts[parts.length - 1] === 'eol') parts.pop();
  return parts.length === 0 ? '' : ` <${parts.join(',')}>`;
}

/** What the model sent, as a `>` line with relative numbers. */
export function segmentText(seg: Segment, space: SeqSpace): string {
  const seq = rel(seg.seq, space.sut);
  const len = seg.payload.length;
  const ack = seg.flags & ACK ? ` ack ${rel(seg.ack, space.script)}` : '';
  return `> ${flagText(seg.flags)} ${seq}:${(seq + len) >>> 0}(${len})${ack} win ${seg.window}${optionsText(seg.options, space)}`;
}

/** Level 1's check of an outbound segment: null when it matches, else what differs. */
export function level1Differs(want: PktPacket, seg: Segment, space: SeqSpace): string | null {
  const wantFlags = flagBits(want.flags);
  if (seg.flags !== wantFlags) return `flags ${flagText(seg.flags) || 'none'}, not ${want.flags}`;
  if (want.seq !== null && rel(seg.seq, space.sut) !== want.seq)
    return `seq ${rel(seg.seq, space.sut)}, not ${want.seq}`;
  if (seg.payload.length !== want.len) return `length ${seg.payload.length}, not ${want.len}`;
  if (want.ack !== null && rel(seg.ack, space.script) !== want.ack)
    return `ack ${rel(seg.ack, space.script)}, not ${want.ack}`;
  return null;
}

/** Level 2's further check: window and options. */
export function level2Differs(want: PktPacket, seg: Segment, space: SeqSpace): string | null {
  if (want.win !== null && seg.window !== want.win) return `win ${seg.window}, not ${want.win}`;
  return optionsDiffer(want.options, seg.options, space);
}
