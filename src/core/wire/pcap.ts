/**
 * A run's segments as a classic libpcap capture file, the format tcpdump -w
 * writes: a 24-octet global header (magic 0xa1b2c3d4 in the writer's byte
 * order, here little-endian as on x86; version 2.4; snaplen 262144;
 * LINKTYPE_ETHERNET) and per packet a 16-octet record header (seconds,
 * microseconds, captured length, original length) followed by the frame.
 *
 * The capture is what a tap on each sender's interface would see: every
 * segment put on the link, in send order, including those the link then
 * drops; a copy the link duplicates appears as a packet of its own with the
 * very same bytes (a network duplicate, same IPv4 identification).
 */
import { peerOf, type SegmentRecord, type TraceRecord } from '../sim/trace';
import { MAC, encodeFrame } from './wire';

export const PCAP_MAGIC = 0xa1b2c3d4;
export const PCAP_VERSION_MAJOR = 2;
export const PCAP_VERSION_MINOR = 4;
/** tcpdump's default snapshot length. */
export const PCAP_SNAPLEN = 262144;
export const LINKTYPE_ETHERNET = 1;
const GLOBAL_HEADER_LEN = 24;
const RECORD_HEADER_LEN = 16;

/** One segment record and the frame it is on the wire. */
export interface CapturedFrame {
  readonly record: SegmentRecord;
  /** The IPv4 identification the frame carries. */
  readonly ipId: number;
  readonly frame: Uint8Array;
}

/**
 * The frames of every segment record, in trace (send) order.
 *
 * IPv4 identification: each connection counts its own packets from 0, as a
 * Linux socket's inet_id counter does (Linux starts it at a random value;
 * here it starts at 0 so runs stay deterministic). A RST from a closed port
 * (no connection) carries 0, as Linux's per-namespace control socket sends it
 * (DF set, IP ID 0). A link duplicate repeats the identification of the
 * packet it copies.
 */
export function captureFrames(records: readonly TraceRecord[]): CapturedFrame[] {
  const next = new Map<string, number>();
  const idOf = new Map<number, number>();
  const out: CapturedFrame[] = [];
  for (const r of records) {
    if (r.kind !== 'segment') continue;
    let ipId: number;
    const original = r.dupOf === null ? undefined : idOf.get(r.dupOf);
    if (original !== undefined) ipId = original;
    else if (r.conn === null) ipId = 0;
    else {
      const key = `${r.from}/${r.conn}`;
      ipId = next.get(key) ?? 0;
      next.set(key, (ipId + 1) & 0xffff);
    }
    idOf.set(r.id, ipId);
    out.push({
      record: r,
      ipId,
      frame: encodeFrame(r.seg, MAC[r.from], MAC[peerOf(r.from)], ipId),
    });
  }
  return out;
}

/** Virtual milliseconds as the seconds and microseconds of a pcap record header. */
export function pcapTimestamp(ms: number): { readonly sec: number; readonly usec: number } {
  const us = Math.round(ms * 1000);
  const sec = Math.floor(us / 1_000_000);
  return { sec, usec: us - sec * 1_000_000 };
}

/** A libpcap file with one Ethernet packet per segment record, stamped with the record's time. */
export function writePcap(records: readonly TraceRecord[]): Uint8Array {
  const frames = captureFrames(records);
  let size = GLOBAL_HEADER_LEN;
  for (const f of frames) size += RECORD_HEADER_LEN + f.frame.length;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  const LE = true;
  v.setUint32(0, PCAP_MAGIC, LE);
  v.setUint16(4, PCAP_VERSION_MAJOR, LE);
  v.setUint16(6, PCAP_VERSION_MINOR, LE);
  v.setInt32(8, 0, LE); // thiszone: timestamps are UTC
  v.setUint32(12, 0, LE); // sigfigs
  v.setUint32(16, PCAP_SNAPLEN, LE);
  v.setUint32(20, LINKTYPE_ETHERNET, LE);
  let at = GLOBAL_HEADER_LEN;
  for (const f of frames) {
    const { sec, usec } = pcapTimestamp(f.record.t);
    v.setUint32(at, sec, LE);
    v.setUint32(at + 4, usec, LE);
    v.setUint32(at + 8, f.frame.length, LE); // captured length
    v.setUint32(at + 12, f.frame.length, LE); // original length
    out.set(f.frame, at + RECORD_HEADER_LEN);
    at += RECORD_HEADER_LEN + f.frame.length;
  }
  return out;
}

/** One packet read back from a pcap file. */
export interface PcapPacket {
  readonly sec: number;
  readonly usec: number;
  readonly origLen: number;
  readonly data: Uint8Array;
}

export interface PcapFile {
  readonly littleEndian: boolean;
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly snaplen: number;
  readonly linktype: number;
  readonly packets: PcapPacket[];
}

/** Parse a classic (microsecond) libpcap file in either byte order. */
export function readPcap(bytes: Uint8Array): PcapFile {
  if (bytes.length < GLOBAL_HEADER_LEN) throw new Error('pcap: file too short');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let le: boolean;
  if (v.getUint32(0, true) === PCAP_MAGIC) le = true;
  else if (v.getUint32(0, false) === PCAP_MAGIC) le = false;
  else throw new Error(`pcap: bad magic 0x${v.getUint32(0, false).toString(16)}`);
  const packets: PcapPacket[] = [];
  let at = GLOBAL_HEADER_LEN;
  while (at < bytes.length) {
    if (at + RECORD_HEADER_LEN > bytes.length) throw new Error('pcap: truncated record header');
    const incl = v.getUint32(at + 8, le);
    const start = at + RECORD_HEADER_LEN;
    if (start + incl > bytes.length) throw new Error('pcap: truncated packet');
    packets.push({
      sec: v.getUint32(at, le),
      usec: v.getUint32(at + 4, le),
      origLen: v.getUint32(at + 12, le),
      data: bytes.slice(start, start + incl),
    });
    at = start + incl;
  }
  return {
    littleEndian: le,
    versionMajor: v.getUint16(4, le),
    versionMinor: v.getUint16(6, le),
    snaplen: v.getUint32(16, le),
    linktype: v.getUint32(20, le),
    packets,
  };
}
