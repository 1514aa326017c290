/**
 * A TCP segment as the model handles it: the header fields of RFC 9293 §3.1
 * (addresses come from the IPv4 header around it) and its payload.
 */
import { seqAdd } from './seq';

/** Control bits, at their positions in the header's flags byte. */
export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;
export const URG = 0x20;

export interface TcpOptions {
  /** Maximum segment size (kind 2), only on SYN segments. */
  readonly mss?: number;
  /** Window scale shift (kind 3), only on SYN segments. */
  readonly wscale?: number;
  /** SACK permitted (kind 4, RFC 2018), only on SYN segments. */
  readonly sackPermitted?: boolean;
  /**
   * SACK blocks (kind 5, RFC 2018): ranges of sequence space received above the
   * cumulative ACK, the most recent first; the first may be a D-SACK (RFC 2883).
   */
  readonly sack?: readonly SackBlock[];
  /** Timestamps (kind 8, RFC 7323). */
  readonly ts?: { readonly val: number; readonly ecr: number };
}

/** A range of sequence numbers [start, end), as a SACK option carries it (left and right edge). */
export interface SackBlock {
  readonly start: number;
  readonly end: number;
}

export interface Segment {
  readonly srcIp: number;
  readonly dstIp: number;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  /** The 16-bit window field as sent (already shifted by the sender's window scale). */
  readonly window: number;
  readonly options: TcpOptions;
  readonly payload: Uint8Array;
}

export const NO_OPTIONS: TcpOptions = Object.freeze({});
export const EMPTY = new Uint8Array(0);

export const has = (seg: Segment, flag: number): boolean => (seg.flags & flag) !== 0;

/** SEG.LEN: payload octets plus one for SYN and one for FIN. */
export const segLen = (seg: Segment): number =>
  seg.payload.length + (seg.flags & SYN ? 1 : 0) + (seg.flags & FIN ? 1 : 0);

/** The sequence number just past this segment. */
export const segEnd = (seg: Segment): number => seqAdd(seg.seq, segLen(seg));

/** Flags in tcpdump's notation: S, F, R, P, then '.' for ACK ("[S.]", "[F.]", "[R]"). */
export function flagString(flags: number): string {
  let s = '';
  if (flags & SYN) s += 'S';
  if (flags & FIN) s += 'F';
  if (flags & RST) s += 'R';
  if (flags & PSH) s += 'P';
  if (flags & URG) s += 'U';
  if (flags & ACK) s += '.';
  return s === '' ? 'none' : s;
}

/** Names of the control bits set, as RFC 9293 writes them ("SYN,ACK"). */
export function flagNames(flags: number): string {
  const names: string[] = [];
  if (flags & SYN) names.push('SYN');
  if (flags & FIN) names.push('FIN');
  if (flags & RST) names.push('RST');
  if (flags & PSH) names.push('PSH');
  if (flags & URG) names.push('URG');
  if (flags & ACK) names.push('ACK');
  return names.join(',');
}

/** Dotted-quad text of an IPv4 address held as an unsigned 32-bit integer. */
export function ipToString(ip: number): string {
  return [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.');
}

/** Parse a dotted quad; undefined when it is not one. */
export function parseIp(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}
