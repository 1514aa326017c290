/**
 * Wire-exact segments: a Segment as the bytes an Ethernet capture would hold.
 *
 * - TCP header: RFC 9293 §3.1, checksum over the IPv4 pseudo-header (RFC 1071
 *   ones'-complement sum), urgent pointer 0, options laid out as Linux's
 *   tcp_options_write() does (MSS; SACK_PERM+TS or NOP,NOP,TS or
 *   NOP,NOP,SACK_PERM; NOP,WS), so a SYN with every option is
 *   `mss, sackOK, TS, nop, wscale` and a timestamped ACK is `nop, nop, TS`.
 * - IPv4 header: RFC 791, no options, DF set as Linux sets it on TCP (path MTU
 *   discovery, IP_PMTUDISC_WANT), TTL 64 (net.ipv4.ip_default_ttl).
 * - Ethernet II: destination MAC, source MAC, EtherType 0x0800; no FCS, no
 *   padding to 60 octets (what a capture on the sending host shows).
 *
 * Everything is Uint8Array/DataView and big-endian (network byte order).
 * `describeFields` names every field of a frame with its byte and bit range,
 * for the header inspector; `decodeFrame` parses a frame back into a Segment.
 */
import { internetChecksum, onesComplementSum, pseudoHeaderSum } from './checksum';
import {
  ACK,
  FIN,
  PSH,
  RST,
  SYN,
  URG,
  ipToString,
  type SackBlock,
  type Segment,
  type TcpOptions,
} from '../tcp/segment';
import type { Side } from '../sim/trace';

export const ETHERTYPE_IPV4 = 0x0800;
export const IPPROTO_TCP = 6;
export const ETH_HEADER_LEN = 14;
/** An IPv4 header without options (IHL 5). */
export const IPV4_HEADER_LEN = 20;
/** A TCP header without options (data offset 5). */
export const TCP_HEADER_LEN = 20;
/** net.ipv4.ip_default_ttl. */
export const DEFAULT_TTL = 64;
/** The Don't Fragment bit of the IPv4 flags/fragment-offset word. */
export const IP_DF = 0x4000;
export const IP_MF = 0x2000;

/** TCP option kinds (IANA "TCP Option Kind Numbers"). */
export const TCPOPT = Object.freeze({
  EOL: 0,
  NOP: 1,
  MSS: 2,
  WSCALE: 3,
  SACK_PERM: 4,
  SACK: 5,
  TIMESTAMP: 8,
} as const);

/** The ECN control bits, which the model never sets but the header has room for. */
export const ECE = 0x40;
export const CWR = 0x80;

/**
 * Fixed, locally administered (0x02 in the first octet) MAC addresses of the two hosts.
 * Treat them as constants: do not write into these arrays.
 */
export const MAC: Readonly<Record<Side, Uint8Array>> = Object.freeze({
  client: Uint8Array.of(0x02, 0, 0, 0, 0, 0x0a),
  server: Uint8Array.of(0x02, 0, 0, 0, 0, 0x01),
});

/** "02:00:00:00:00:0a". */
export function macToString(mac: ArrayLike<number>): string {
  const parts: string[] = [];
  for (let i = 0; i < mac.length; i++) parts.push((mac[i]! & 255).toString(16).padStart(2, '0'));
  return parts.join(':');
}

/** A frame or packet that cannot be parsed (truncated, not IPv4/TCP, inconsistent lengths). */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

// ---------------------------------------------------------------- encoding

function checkInt(name: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max)
    throw new RangeError(`${name} out of range: ${v} (must be an integer in [0, ${max}])`);
}

const U16 = 0xffff;
const U32 = 0xffffffff;

/** Refuse segments whose fields do not fit the header (a bug upstream, never silently truncated). */
function checkSegment(seg: Segment): void {
  checkInt('srcIp', seg.srcIp, U32);
  checkInt('dstIp', seg.dstIp, U32);
  checkInt('srcPort', seg.srcPort, U16);
  checkInt('dstPort', seg.dstPort, U16);
  checkInt('seq', seg.seq, U32);
  checkInt('ack', seg.ack, U32);
  checkInt('flags', seg.flags, 0xff);
  checkInt('window', seg.window, U16);
  const o = seg.options;
  if (o.mss !== undefined) checkInt('options.mss', o.mss, U16);
  if (o.wscale !== undefined) checkInt('options.wscale', o.wscale, 0xff);
  if (o.ts) {
    checkInt('options.ts.val', o.ts.val, U32);
    checkInt('options.ts.ecr', o.ts.ecr, U32);
  }
  if (o.sack) {
    if (o.sack.length > 4) throw new WireError(`${o.sack.length} SACK blocks: at most 4 fit`);
    for (const b of o.sack) {
      checkInt('options.sack.start', b.start, U32);
      checkInt('options.sack.end', b.end, U32);
    }
  }
}

const u32bytes = (v: number): number[] => [
  (v >>> 24) & 255,
  (v >>> 16) & 255,
  (v >>> 8) & 255,
  v & 255,
];

/**
 * The options block, laid out as Linux's tcp_options_write() does:
 * MSS (2,4); then timestamps with SACK_PERM in the place of the two NOPs when
 * both are present (4,2,8,10,…), NOP,NOP,TS (8,10) alone, or NOP,NOP,SACK_PERM
 * alone; then NOP,WS (3,3). Each piece is a multiple of 4 octets; any
 * remainder would be padded with EOL.
 */
export function encodeTcpOptions(o: TcpOptions): Uint8Array {
  const b: number[] = [];
  if (o.mss !== undefined) b.push(TCPOPT.MSS, 4, (o.mss >>> 8) & 255, o.mss & 255);
  if (o.ts) {
    if (o.sackPermitted) b.push(TCPOPT.SACK_PERM, 2);
    else b.push(TCPOPT.NOP, TCPOPT.NOP);
    b.push(TCPOPT.TIMESTAMP, 10, ...u32bytes(o.ts.val), ...u32bytes(o.ts.ecr));
  } else if (o.sackPermitted) {
    b.push(TCPOPT.NOP, TCPOPT.NOP, TCPOPT.SACK_PERM, 2);
  }
  if (o.wscale !== undefined) b.push(TCPOPT.NOP, TCPOPT.WSCALE, 3, o.wscale & 255);
  if (o.sack && o.sack.length > 0) {
    b.push(TCPOPT.NOP, TCPOPT.NOP, TCPOPT.SACK, 2 + 8 * o.sack.length);
    for (const s of o.sack) b.push(...u32bytes(s.start), ...u32bytes(s.end));
  }
  while (b.length % 4 !== 0) b.push(TCPOPT.EOL);
  return Uint8Array.from(b);
}

/**
 * The length of the options block `encodeTcpOptions` writes, without writing
 * it: MSS 4; timestamps 12 (with SACK_PERM in the place of the two NOPs when
 * both are present); SACK_PERM alone 4 (NOP,NOP,SACK_PERM); window scale 4;
 * SACK blocks 4 + 8 each (NOP,NOP,SACK). Each piece is a multiple of 4
 * octets, so no EOL padding is ever added.
 */
export function tcpOptionsLength(o: TcpOptions): number {
  const blocks = o.sack?.length ?? 0;
  return (
    (o.mss !== undefined ? 4 : 0) +
    (o.ts ? 12 : o.sackPermitted ? 4 : 0) +
    (o.wscale !== undefined ? 4 : 0) +
    (blocks > 0 ? 4 + 8 * blocks : 0)
  );
}

/**
 * The length of the IPv4 packet `encodeIpv4` makes of `seg` (IPv4 header,
 * TCP header with its options, payload): what a bottleneck link serializes.
 * Cheap: nothing is encoded.
 */
export function ipv4Length(seg: Segment): number {
  return IPV4_HEADER_LEN + TCP_HEADER_LEN + tcpOptionsLength(seg.options) + seg.payload.length;
}

/** The TCP segment (header, options, payload) with its checksum over the IPv4 pseudo-header. */
export function encodeTcp(seg: Segment): Uint8Array {
  checkSegment(seg);
  const opts = encodeTcpOptions(seg.options);
  const hlen = TCP_HEADER_LEN + opts.length;
  if (hlen > 60) throw new RangeError(`TCP options too long: ${opts.length} octets (at most 40)`);
  const total = hlen + seg.payload.length;
  if (total > U16 - IPV4_HEADER_LEN)
    throw new RangeError(`segment too long for IPv4: ${total} TCP octets`);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint16(0, seg.srcPort);
  v.setUint16(2, seg.dstPort);
  v.setUint32(4, seg.seq);
  v.setUint32(8, seg.ack);
  // Data offset in the high nibble; the four reserved bits stay zero.
  v.setUint8(12, (hlen / 4) << 4);
  v.setUint8(13, seg.flags);
  v.setUint16(14, seg.window);
  v.setUint16(16, 0); // checksum, computed below over a zero field
  v.setUint16(18, 0); // urgent pointer
  out.set(opts, TCP_HEADER_LEN);
  out.set(seg.payload, hlen);
  const pseudo = pseudoHeaderSum(seg.srcIp, seg.dstIp, IPPROTO_TCP, total);
  v.setUint16(16, internetChecksum(out, pseudo));
  return out;
}

/** The IPv4 packet: a 20-octet header (DF set, protocol 6, checksum filled in) and the TCP segment. */
export function encodeIpv4(seg: Segment, id: number, ttl: number = DEFAULT_TTL): Uint8Array {
  checkInt('IPv4 identification', id, U16);
  checkInt('TTL', ttl, 0xff);
  const tcp = encodeTcp(seg);
  const out = new Uint8Array(IPV4_HEADER_LEN + tcp.length);
  const v = new DataView(out.buffer);
  v.setUint8(0, (4 << 4) | (IPV4_HEADER_LEN / 4)); // version 4, IHL 5
  v.setUint8(1, 0); // DSCP 0, ECN 0 (Not-ECT)
  v.setUint16(2, out.length);
  v.setUint16(4, id);
  v.setUint16(6, IP_DF); // DF, fragment offset 0
  v.setUint8(8, ttl);
  v.setUint8(9, IPPROTO_TCP);
  v.setUint16(10, 0);
  v.setUint32(12, seg.srcIp);
  v.setUint32(16, seg.dstIp);
  v.setUint16(10, internetChecksum(out.subarray(0, IPV4_HEADER_LEN)));
  out.set(tcp, IPV4_HEADER_LEN);
  return out;
}

/** The Ethernet II frame (no FCS) carrying the IPv4 packet. */
export function encodeFrame(
  seg: Segment,
  srcMac: ArrayLike<number>,
  dstMac: ArrayLike<number>,
  ipId: number,
  ttl: number = DEFAULT_TTL,
): Uint8Array {
  if (srcMac.length !== 6 || dstMac.length !== 6)
    throw new RangeError('a MAC address has 6 octets');
  const ip = encodeIpv4(seg, ipId, ttl);
  const out = new Uint8Array(ETH_HEADER_LEN + ip.length);
  out.set(Array.from(dstMac), 0);
  out.set(Array.from(srcMac), 6);
  new DataView(out.buffer).setUint16(12, ETHERTYPE_IPV4);
  out.set(ip, ETH_HEADER_LEN);
  return out;
}

// ---------------------------------------------------------------- decoding

const viewOf = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** Parse an options block; unknown kinds are skipped, malformed lengths refused. */
export function decodeTcpOptions(b: Uint8Array): TcpOptions {
  const o: {
    mss?: number;
    wscale?: number;
    sackPermitted?: boolean;
    ts?: { val: number; ecr: number };
    sack?: SackBlock[];
  } = {};
  const v = viewOf(b);
  let i = 0;
  while (i < b.length) {
    const kind = b[i]!;
    if (kind === TCPOPT.EOL) break;
    if (kind === TCPOPT.NOP) {
      i++;
      continue;
    }
    if (i + 1 >= b.length)
      throw new WireError(`TCP option kind ${kind} at ${i} has no length octet`);
    const len = b[i + 1]!;
    if (len < 2 || i + len > b.length)
      throw new WireError(`TCP option kind ${kind} at ${i} has a bad length ${len}`);
    const want = ({ 2: 4, 3: 3, 4: 2, 8: 10 } as Record<number, number>)[kind];
    if (want !== undefined && len !== want)
      throw new WireError(`TCP option kind ${kind} must have length ${want}, not ${len}`);
    if (kind === TCPOPT.MSS) o.mss = v.getUint16(i + 2);
    else if (kind === TCPOPT.WSCALE) o.wscale = b[i + 2]!;
    else if (kind === TCPOPT.SACK_PERM) o.sackPermitted = true;
    else if (kind === TCPOPT.TIMESTAMP) o.ts = { val: v.getUint32(i + 2), ecr: v.getUint32(i + 6) };
    else if (kind === TCPOPT.SACK) {
      if ((len - 2) % 8 !== 0 || len < 10)
        throw new WireError(`TCP SACK option at ${i} has a bad length ${len}`);
      const blocks: SackBlock[] = [];
      for (let k = i + 2; k < i + len; k += 8)
        blocks.push({ start: v.getUint32(k), end: v.getUint32(k + 4) });
      o.sack = blocks;
    }
    i += len;
  }
  return o;
}

/** Parse a TCP segment; the addresses come from the IPv4 header around it. */
export function decodeTcp(bytes: Uint8Array, srcIp: number, dstIp: number): Segment {
  if (bytes.length < TCP_HEADER_LEN) throw new WireError(`TCP segment too short: ${bytes.length}`);
  const v = viewOf(bytes);
  const hlen = (bytes[12]! >>> 4) * 4;
  if (hlen < TCP_HEADER_LEN || hlen > bytes.length)
    throw new WireError(`bad TCP data offset: ${hlen} octets in a ${bytes.length}-octet segment`);
  return {
    srcIp: srcIp >>> 0,
    dstIp: dstIp >>> 0,
    srcPort: v.getUint16(0),
    dstPort: v.getUint16(2),
    seq: v.getUint32(4),
    ack: v.getUint32(8),
    flags: bytes[13]!,
    window: v.getUint16(14),
    options: decodeTcpOptions(bytes.subarray(TCP_HEADER_LEN, hlen)),
    payload: bytes.slice(hlen),
  };
}

interface IpParts {
  readonly ihl: number;
  readonly total: number;
  readonly srcIp: number;
  readonly dstIp: number;
}

function ipParts(bytes: Uint8Array): IpParts {
  if (bytes.length < IPV4_HEADER_LEN) throw new WireError(`IPv4 packet too short: ${bytes.length}`);
  const v = viewOf(bytes);
  const version = bytes[0]! >>> 4;
  if (version !== 4) throw new WireError(`not IPv4: version ${version}`);
  const ihl = (bytes[0]! & 15) * 4;
  const total = v.getUint16(2);
  if (ihl < IPV4_HEADER_LEN || total < ihl || total > bytes.length)
    throw new WireError(
      `bad IPv4 lengths: header ${ihl}, total ${total}, captured ${bytes.length}`,
    );
  if ((v.getUint16(6) & (IP_MF | 0x1fff)) !== 0) throw new WireError('IPv4 fragment');
  if (bytes[9] !== IPPROTO_TCP) throw new WireError(`not TCP: protocol ${bytes[9]}`);
  return { ihl, total, srcIp: v.getUint32(12), dstIp: v.getUint32(16) };
}

/** Parse an IPv4 packet carrying TCP (octets past the total length are ignored). */
export function decodeIpv4(bytes: Uint8Array): Segment {
  const p = ipParts(bytes);
  return decodeTcp(bytes.subarray(p.ihl, p.total), p.srcIp, p.dstIp);
}

function ethPayload(bytes: Uint8Array): Uint8Array {
  if (bytes.length < ETH_HEADER_LEN) throw new WireError(`frame too short: ${bytes.length}`);
  const type = viewOf(bytes).getUint16(12);
  if (type !== ETHERTYPE_IPV4) throw new WireError(`not IPv4: EtherType 0x${type.toString(16)}`);
  return bytes.subarray(ETH_HEADER_LEN);
}

/** Parse an Ethernet II frame carrying IPv4/TCP back into a Segment. */
export function decodeFrame(bytes: Uint8Array): Segment {
  return decodeIpv4(ethPayload(bytes));
}

/** Whether the IPv4 header checksum and the TCP checksum of a frame verify. */
export function verifyChecksums(frame: Uint8Array): {
  readonly ip: boolean;
  readonly tcp: boolean;
} {
  const ip = ethPayload(frame);
  const p = ipParts(ip);
  const tcp = ip.subarray(p.ihl, p.total);
  return {
    ip: onesComplementSum(ip.subarray(0, p.ihl)) === 0xffff,
    tcp:
      onesComplementSum(tcp, pseudoHeaderSum(p.srcIp, p.dstIp, IPPROTO_TCP, tcp.length)) === 0xffff,
  };
}

// ---------------------------------------------------------------- fields

export type WireLayer = 'eth' | 'ip' | 'tcp' | 'payload';

/** One named field of a frame, where its bits are and what they say. */
export interface WireField {
  /** Unique within the frame: "ip.ttl", "tcp.flags.syn", "tcp.option.2.kind". */
  readonly id: string;
  /** The enclosing field (header, flags byte, option), or null for a layer's whole header. */
  readonly parent: string | null;
  readonly layer: WireLayer;
  /** Wireshark's display-filter name for the same field, where it has one. */
  readonly filter: string | null;
  readonly label: string;
  /** First octet, counted from the start of the frame. */
  readonly offset: number;
  /** Octets the field touches. */
  readonly length: number;
  /**
   * For a field narrower than its octets: the first bit (0 is the most
   * significant bit of octet `offset`) and the number of bits. null when the
   * field is whole octets.
   */
  readonly bits: { readonly start: number; readonly count: number } | null;
  /**
   * Numeric fields: the unsigned number those bits hold (data offset 10, not
   * 40 bytes); MAC and IPv4 addresses: their text; headers, options and the
   * payload: their length in octets.
   */
  readonly value: number | string;
  /** For people: "64", "40 bytes (10)", "IPv4 (0x0800)", "Set", "0x1c46 [correct]". */
  readonly display: string;
  /** Checksums only: whether the checksum verifies. */
  readonly status?: 'good' | 'bad';
}

const hex = (v: number, digits: number): string => `0x${v.toString(16).padStart(digits, '0')}`;

const OPTION_NAMES: Readonly<Record<number, readonly [label: string, filter: string]>> = {
  0: ['End of Option List (EOL)', 'tcp.options.eol'],
  1: ['No-Operation (NOP)', 'tcp.options.nop'],
  2: ['Maximum segment size', 'tcp.options.mss'],
  3: ['Window scale', 'tcp.options.wscale'],
  4: ['SACK permitted', 'tcp.options.sack_perm'],
  5: ['SACK', 'tcp.options.sack'],
  8: ['Timestamps', 'tcp.options.timestamp'],
};

function printable(b: Uint8Array, max: number): string {
  let s = '';
  for (const x of b.subarray(0, max))
    s +=
      x >= 32 && x < 127 && x !== 34 && x !== 92
        ? String.fromCharCode(x)
        : `\\x${x.toString(16).padStart(2, '0')}`;
  return b.length > max ? s + '…' : s;
}

/**
 * Every field of an Ethernet II / IPv4 / TCP frame, headers first and their
 * fields after them, in the order of a protocol tree (pre-order, which is
 * also byte order). Throws WireError when the frame does not parse.
 */
export function describeFields(frame: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  const v = viewOf(frame);
  const add = (
    f: Omit<WireField, 'bits' | 'parent' | 'filter'> &
      Partial<Pick<WireField, 'bits' | 'parent' | 'filter'>>,
  ): void => {
    fields.push({ parent: null, filter: null, bits: null, ...f });
  };
  const bitField = (
    parent: string,
    layer: WireLayer,
    id: string,
    filter: string | null,
    label: string,
    offset: number,
    length: number,
    start: number,
    count: number,
    display: (value: number) => string = String,
  ): void => {
    let word = 0;
    for (let i = 0; i < length; i++) word = word * 256 + frame[offset + i]!;
    const value = Math.floor(word / 2 ** (length * 8 - start - count)) % 2 ** count;
    add({
      id,
      parent,
      layer,
      filter,
      label,
      offset,
      length,
      bits: { start, count },
      value,
      display: display(value),
    });
  };
  const flagBit = (value: number): string => (value ? 'Set' : 'Not set');

  // Ethernet II
  const ip = ethPayload(frame);
  const type = v.getUint16(12);
  add({
    id: 'eth',
    layer: 'eth',
    filter: 'eth',
    label: 'Ethernet II',
    offset: 0,
    length: ETH_HEADER_LEN,
    value: ETH_HEADER_LEN,
    display: `Src: ${macToString(frame.subarray(6, 12))}, Dst: ${macToString(frame.subarray(0, 6))}`,
  });
  for (const [id, label, off] of [
    ['eth.dst', 'Destination', 0],
    ['eth.src', 'Source', 6],
  ] as const) {
    const mac = macToString(frame.subarray(off, off + 6));
    add({
      id,
      parent: 'eth',
      layer: 'eth',
      filter: id,
      label,
      offset: off,
      length: 6,
      value: mac,
      display: mac,
    });
  }
  add({
    id: 'eth.type',
    parent: 'eth',
    layer: 'eth',
    filter: 'eth.type',
    label: 'Type',
    offset: 12,
    length: 2,
    value: type,
    display: `IPv4 (${hex(type, 4)})`,
  });

  // IPv4
  const p = ipParts(ip);
  const I = ETH_HEADER_LEN;
  const src = ipToString(p.srcIp);
  const dst = ipToString(p.dstIp);
  add({
    id: 'ip',
    layer: 'ip',
    filter: 'ip',
    label: 'Internet Protocol Version 4',
    offset: I,
    length: p.ihl,
    value: p.ihl,
    display: `Src: ${src}, Dst: ${dst}`,
  });
  bitField('ip', 'ip', 'ip.version', 'ip.version', 'Version', I, 1, 0, 4);
  bitField(
    'ip',
    'ip',
    'ip.hdr_len',
    'ip.hdr_len',
    'Header Length (IHL)',
    I,
    1,
    4,
    4,
    (x) => `${x * 4} bytes (${x})`,
  );
  const ds = frame[I + 1]!;
  add({
    id: 'ip.dsfield',
    parent: 'ip',
    layer: 'ip',
    filter: 'ip.dsfield',
    label: 'Differentiated Services Field',
    offset: I + 1,
    length: 1,
    value: ds,
    display: hex(ds, 2),
  });
  bitField(
    'ip.dsfield',
    'ip',
    'ip.dsfield.dscp',
    'ip.dsfield.dscp',
    'Differentiated Services Codepoint',
    I + 1,
    1,
    0,
    6,
    (x) => (x === 0 ? 'Default (0)' : String(x)),
  );
  bitField(
    'ip.dsfield',
    'ip',
    'ip.dsfield.ecn',
    'ip.dsfield.ecn',
    'Explicit Congestion Notification',
    I + 1,
    1,
    6,
    2,
    (x) => ['Not-ECT (0)', 'ECT(1) (1)', 'ECT(0) (2)', 'CE (3)'][x]!,
  );
  add({
    id: 'ip.len',
    parent: 'ip',
    layer: 'ip',
    filter: 'ip.len',
    label: 'Total Length',
    offset: I + 2,
    length: 2,
    value: p.total,
    display: String(p.total),
  });
  const ipId = v.getUint16(I + 4);
  add({
    id: 'ip.id',
    parent: 'ip',
    layer: 'ip',
    filter: 'ip.id',
    label: 'Identification',
    offset: I + 4,
    length: 2,
    value: ipId,
    display: `${hex(ipId, 4)} (${ipId})`,
  });
  const fw = v.getUint16(I + 6);
  const ipFlags = fw >>> 13;
  add({
    id: 'ip.flags',
    parent: 'ip',
    layer: 'ip',
    filter: 'ip.flags',
    label: 'Flags',
    offset: I + 6,
    length: 1,
    bits: { start: 0, count: 3 },
    value: ipFlags,
    display: `${hex(ipFlags, 1)}${fw & IP_DF ? ", Don't fragment" : ''}${fw & IP_MF ? ', More fragments' : ''}`,
  });
  bitField('ip.flags', 'ip', 'ip.flags.rb', 'ip.flags.rb', 'Reserved bit', I + 6, 1, 0, 1, flagBit);
  bitField(
    'ip.flags',
    'ip',
    'ip.flags.df',
    'ip.flags.df',
    "Don't fragment",
    I + 6,
    1,
    1,
    1,
    flagBit,
  );
  bitField(
    'ip.flags',
    'ip',
    'ip.flags.mf',
    'ip.flags.mf',
    'More fragments',
    I + 6,
    1,
    2,
    1,
    flagBit,
  );
  bitField('ip', 'ip', 'ip.frag_offset', 'ip.frag_offset', 'Fragment Offset', I + 6, 2, 3, 13);
  add({
    id: 'ip.ttl',
    parent: 'ip',
    layer: 'ip',
    filter: 'ip.ttl',
    label: 'Time to Live',
    offset: I + 8,
    length: 1,
    value: frame[I + 8]!,
    display: String(frame[I + 8]),
  });
  add({
    id: 'ip.proto',
    parent: 'ip',
    layer: 'ip',
    filter: 'ip.proto',
    label: 'Protocol',
    offset: I + 9,
    length: 1,
    value: frame[I + 9]!,
    display: `TCP (${frame[I + 9]})`,
  });
  const ipSum = v.getUint16(I + 10);
  const ipOk = onesComplementSum(ip.subarray(0, p.ihl)) === 0xffff;
  add({
    id: 'ip.checksum',
    parent: 'ip',
    layer: 'ip',
    filter: 'ip.checksum',
    label: 'Header Checksum',
    offset: I + 10,
    length: 2,
    value: ipSum,
    display: `${hex(ipSum, 4)} [${ipOk ? 'correct' : 'incorrect'}]`,
    status: ipOk ? 'good' : 'bad',
  });
  add({
    id: 'ip.src',
    parent: 'ip',
    layer: 'ip',
    filter: 'ip.src',
    label: 'Source Address',
    offset: I + 12,
    length: 4,
    value: src,
    display: src,
  });
  add({
    id: 'ip.dst',
    parent: 'ip',
    layer: 'ip',
    filter: 'ip.dst',
    label: 'Destination Address',
    offset: I + 16,
    length: 4,
    value: dst,
    display: dst,
  });
  if (p.ihl > IPV4_HEADER_LEN)
    add({
      id: 'ip.options',
      parent: 'ip',
      layer: 'ip',
      filter: 'ip.options',
      label: 'Options',
      offset: I + IPV4_HEADER_LEN,
      length: p.ihl - IPV4_HEADER_LEN,
      value: p.ihl - IPV4_HEADER_LEN,
      display: `${p.ihl - IPV4_HEADER_LEN} bytes`,
    });

  // TCP
  const T = I + p.ihl;
  const tcpBytes = ip.subarray(p.ihl, p.total);
  const seg = decodeTcp(tcpBytes, p.srcIp, p.dstIp);
  const hlen = (frame[T + 12]! >>> 4) * 4;
  add({
    id: 'tcp',
    layer: 'tcp',
    filter: 'tcp',
    label: 'Transmission Control Protocol',
    offset: T,
    length: hlen,
    value: hlen,
    display: `Src Port: ${seg.srcPort}, Dst Port: ${seg.dstPort}, Seq: ${seg.seq}, Ack: ${seg.ack}, Len: ${seg.payload.length}`,
  });
  const tcp16 = (id: string, filter: string, label: string, off: number): void => {
    const x = v.getUint16(T + off);
    add({
      id,
      parent: 'tcp',
      layer: 'tcp',
      filter,
      label,
      offset: T + off,
      length: 2,
      value: x,
      display: String(x),
    });
  };
  const tcp32 = (id: string, filter: string, label: string, off: number): void => {
    const x = v.getUint32(T + off);
    add({
      id,
      parent: 'tcp',
      layer: 'tcp',
      filter,
      label,
      offset: T + off,
      length: 4,
      value: x,
      display: String(x),
    });
  };
  tcp16('tcp.srcport', 'tcp.srcport', 'Source Port', 0);
  tcp16('tcp.dstport', 'tcp.dstport', 'Destination Port', 2);
  tcp32('tcp.seq', 'tcp.seq_raw', 'Sequence Number', 4);
  tcp32('tcp.ack', 'tcp.ack_raw', 'Acknowledgment Number', 8);
  bitField(
    'tcp',
    'tcp',
    'tcp.hdr_len',
    'tcp.hdr_len',
    'Data Offset',
    T + 12,
    1,
    0,
    4,
    (x) => `${x * 4} bytes (${x})`,
  );
  bitField('tcp', 'tcp', 'tcp.reserved', null, 'Reserved', T + 12, 1, 4, 4);
  const flags = frame[T + 13]!;
  const names: string[] = [];
  const FLAG_BITS = [
    [CWR, 'cwr', 'CWR', 'Congestion Window Reduced', 'tcp.flags.cwr'],
    [ECE, 'ece', 'ECE', 'ECN-Echo', 'tcp.flags.ece'],
    [URG, 'urg', 'URG', 'Urgent', 'tcp.flags.urg'],
    [ACK, 'ack', 'ACK', 'Acknowledgment', 'tcp.flags.ack'],
    [PSH, 'psh', 'PSH', 'Push', 'tcp.flags.push'],
    [RST, 'rst', 'RST', 'Reset', 'tcp.flags.reset'],
    [SYN, 'syn', 'SYN', 'Syn', 'tcp.flags.syn'],
    [FIN, 'fin', 'FIN', 'Fin', 'tcp.flags.fin'],
  ] as const;
  for (const [bit, , name] of FLAG_BITS) if (flags & bit) names.push(name);
  add({
    id: 'tcp.flags',
    parent: 'tcp',
    layer: 'tcp',
    label: 'Flags',
    offset: T + 13,
    length: 1,
    value: flags,
    display: `${hex(flags, 2)}${names.length ? ` (${names.join(', ')})` : ''}`,
  });
  FLAG_BITS.forEach(([, key, , label, filter], i) =>
    bitField('tcp.flags', 'tcp', `tcp.flags.${key}`, filter, label, T + 13, 1, i, 1, flagBit),
  );
  tcp16('tcp.window', 'tcp.window_size_value', 'Window', 14);
  const tcpSum = v.getUint16(T + 16);
  const tcpOk =
    onesComplementSum(tcpBytes, pseudoHeaderSum(p.srcIp, p.dstIp, IPPROTO_TCP, tcpBytes.length)) ===
    0xffff;
  add({
    id: 'tcp.checksum',
    parent: 'tcp',
    layer: 'tcp',
    filter: 'tcp.checksum',
    label: 'Checksum',
    offset: T + 16,
    length: 2,
    value: tcpSum,
    display: `${hex(tcpSum, 4)} [${tcpOk ? 'correct' : 'incorrect'}]`,
    status: tcpOk ? 'good' : 'bad',
  });
  tcp16('tcp.urgent_pointer', 'tcp.urgent_pointer', 'Urgent Pointer', 18);

  // TCP options
  if (hlen > TCP_HEADER_LEN) {
    const O = T + TCP_HEADER_LEN;
    const end = T + hlen;
    add({
      id: 'tcp.options',
      parent: 'tcp',
      layer: 'tcp',
      filter: 'tcp.options',
      label: 'Options',
      offset: O,
      length: end - O,
      value: end - O,
      display: `${end - O} bytes`,
    });
    let i = O;
    for (let n = 0; i < end; n++) {
      const kind = frame[i]!;
      const id = `tcp.option.${n}`;
      const [label, filter] = OPTION_NAMES[kind] ?? [
        `Unknown option (kind ${kind})`,
        'tcp.options.unknown',
      ];
      const kindField = (): void =>
        add({
          id: `${id}.kind`,
          parent: id,
          layer: 'tcp',
          filter: 'tcp.option_kind',
          label: 'Kind',
          offset: i,
          length: 1,
          value: kind,
          display: `${label} (${kind})`,
        });
      if (kind === TCPOPT.EOL) {
        // EOL ends the list; whatever follows up to the data offset is padding.
        add({
          id,
          parent: 'tcp.options',
          layer: 'tcp',
          filter,
          label,
          offset: i,
          length: end - i,
          value: end - i,
          display: end - i > 1 ? `EOL, ${end - i - 1} octets of padding` : 'EOL',
        });
        kindField();
        break;
      }
      if (kind === TCPOPT.NOP) {
        add({
          id,
          parent: 'tcp.options',
          layer: 'tcp',
          filter,
          label,
          offset: i,
          length: 1,
          value: 1,
          display: 'NOP',
        });
        kindField();
        i++;
        continue;
      }
      const len = i + 1 < end ? frame[i + 1]! : 0;
      if (len < 2 || i + len > end)
        throw new WireError(`TCP option kind ${kind} at frame offset ${i} has a bad length`);
      let summary: string;
      const sub: WireField[] = [];
      const subField = (
        sid: string,
        sfilter: string | null,
        slabel: string,
        off: number,
        slen: number,
        value: number,
      ): void => {
        sub.push({
          id: `${id}.${sid}`,
          parent: id,
          layer: 'tcp',
          filter: sfilter,
          label: slabel,
          offset: off,
          length: slen,
          bits: null,
          value,
          display: String(value),
        });
      };
      if (kind === TCPOPT.MSS && len === 4) {
        const mss = v.getUint16(i + 2);
        subField('mss', 'tcp.options.mss_val', 'MSS Value', i + 2, 2, mss);
        summary = `mss ${mss}`;
      } else if (kind === TCPOPT.WSCALE && len === 3) {
        const shift = frame[i + 2]!;
        subField('shift', 'tcp.options.wscale.shift', 'Shift count', i + 2, 1, shift);
        summary = `wscale ${shift} (multiply by ${2 ** shift})`;
      } else if (kind === TCPOPT.SACK_PERM && len === 2) {
        summary = 'sackOK';
      } else if (kind === TCPOPT.SACK && len >= 10 && (len - 2) % 8 === 0) {
        const edges: string[] = [];
        for (let k = i + 2, n = 1; k < i + len; k += 8, n++) {
          const le = v.getUint32(k);
          const re = v.getUint32(k + 4);
          subField(`le${n}`, 'tcp.options.sack_le', `left edge ${n}`, k, 4, le);
          subField(`re${n}`, 'tcp.options.sack_re', `right edge ${n}`, k + 4, 4, re);
          edges.push(`${le}:${re}`);
        }
        summary = `sack ${edges.length} {${edges.join(' ')}}`;
      } else if (kind === TCPOPT.TIMESTAMP && len === 10) {
        const val = v.getUint32(i + 2);
        const ecr = v.getUint32(i + 6);
        subField('tsval', 'tcp.options.timestamp.tsval', 'Timestamp value', i + 2, 4, val);
        subField('tsecr', 'tcp.options.timestamp.tsecr', 'Timestamp echo reply', i + 6, 4, ecr);
        summary = `TS val ${val} ecr ${ecr}`;
      } else {
        if (len > 2)
          sub.push({
            id: `${id}.data`,
            parent: id,
            layer: 'tcp',
            filter: null,
            label: 'Data',
            offset: i + 2,
            length: len - 2,
            bits: null,
            value: len - 2,
            display: `${len - 2} bytes`,
          });
        summary = `kind ${kind}, ${len} octets`;
      }
      add({
        id,
        parent: 'tcp.options',
        layer: 'tcp',
        filter,
        label,
        offset: i,
        length: len,
        value: len,
        display: summary,
      });
      kindField();
      add({
        id: `${id}.len`,
        parent: id,
        layer: 'tcp',
        filter: 'tcp.option_len',
        label: 'Length',
        offset: i + 1,
        length: 1,
        value: len,
        display: String(len),
      });
      fields.push(...sub);
      i += len;
    }
  }

  // Payload
  if (seg.payload.length > 0) {
    const n = seg.payload.length;
    add({
      id: 'payload',
      layer: 'payload',
      filter: 'tcp.payload',
      label: 'TCP payload',
      offset: T + hlen,
      length: n,
      value: n,
      display: `${n} byte${n === 1 ? '' : 's'} "${printable(seg.payload, 32)}"`,
    });
  }
  return fields;
}
