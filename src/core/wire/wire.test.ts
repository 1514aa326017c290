import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { internetChecksum, onesComplementSum, pseudoHeaderSum } from './checksum';
import { ACK, FIN, PSH, RST, SYN, parseIp, type Segment, type TcpOptions } from '../tcp/segment';
import {
  MAC,
  WireError,
  decodeFrame,
  decodeIpv4,
  decodeTcp,
  decodeTcpOptions,
  describeFields,
  encodeFrame,
  encodeIpv4,
  encodeTcp,
  encodeTcpOptions,
  ipv4Length,
  macToString,
  tcpOptionsLength,
  verifyChecksums,
  type WireField,
} from './wire';

/**
 * PROPERTY_SCALE (default 1) multiplies the runs of each property test:
 * `npm run test:deep` sets it to 10.
 */
const PROPERTY_SCALE = Number(process.env.PROPERTY_SCALE ?? 1);

const CLIENT = parseIp('192.0.2.10')!;
const SERVER = parseIp('192.0.2.1')!;

const seg = (over: Partial<Segment> = {}): Segment => ({
  srcIp: CLIENT,
  dstIp: SERVER,
  srcPort: 40000,
  dstPort: 9821,
  seq: 1,
  ack: 2,
  flags: ACK,
  window: 502,
  options: {},
  payload: new Uint8Array(0),
  ...over,
});

const hexOf = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
const bytes = (s: string): Uint8Array =>
  Uint8Array.from(s.split(/\s+/).filter(Boolean), (h) => parseInt(h, 16));

/** A Linux SYN: mss 1460, nop, nop, TS, nop, wscale 7. */
const LINUX_SYN = seg({
  seq: 0x11223344,
  ack: 0,
  flags: SYN,
  window: 64240,
  options: { mss: 1460, ts: { val: 0xd72e171a, ecr: 0 }, wscale: 7 },
});

describe('Internet checksum (RFC 1071)', () => {
  it('sums the numerical example of RFC 1071 §3 to 0xddf2', () => {
    const b = bytes('00 01 f2 03 f4 f5 f6 f7');
    expect(onesComplementSum(b)).toBe(0xddf2);
    expect(internetChecksum(b)).toBe(0x220d);
  });

  it('pads an odd last octet with a zero on the right', () => {
    expect(onesComplementSum(bytes('01'))).toBe(0x0100);
    expect(onesComplementSum(bytes('ab cd ef'))).toBe(0xabcd + 0xef00 - 0xffff);
  });

  it('folds the carries back in (end-around carry)', () => {
    expect(onesComplementSum(bytes('ff ff 00 01'))).toBe(0x0001);
    expect(onesComplementSum(bytes('ff ff ff ff'))).toBe(0xffff);
  });

  it('gives the well-known IPv4 header checksum 0xb861', () => {
    // The example header on Wikipedia's "Internet checksum" / IPv4 header checksum page.
    const h = bytes('45 00 00 73 00 00 40 00 40 11 00 00 c0 a8 00 01 c0 a8 00 c7');
    expect(internetChecksum(h)).toBe(0xb861);
    h[10] = 0xb8;
    h[11] = 0x61;
    expect(onesComplementSum(h)).toBe(0xffff);
  });
});

describe('encodeTcp', () => {
  it('computes the checksum of a bare ACK worked by hand', () => {
    // Pseudo-header: c000 + 020a + c000 + 0201 + 0006 + 0014             = 0x18425
    // Header: 9c40 (40000) + 265d (9821) + 0000 0001 + 0000 0002
    //         + 5010 (doff 5, ACK) + 01f6 (502) + 0000 + 0000             = 0x114a6
    // Total 0x298cb, folded 0x98cb + 0x2 = 0x98cd, complemented          = 0x6732
    const b = encodeTcp(seg());
    expect(hexOf(b)).toBe('9c 40 26 5d 00 00 00 01 00 00 00 02 50 10 01 f6 67 32 00 00');
    // The pseudo-header alone: 0x18425 folded to 0x8425 + 0x1.
    expect(pseudoHeaderSum(CLIENT, SERVER, 6, 20)).toBe(0x8426);
  });

  it('writes every field in network byte order', () => {
    const b = encodeTcp(
      seg({
        srcPort: 0x1234,
        dstPort: 0xabcd,
        seq: 0x01020304,
        ack: 0xa0b0c0d0,
        window: 0xbeef,
        flags: 0xff,
      }),
    );
    expect(hexOf(b.subarray(0, 16))).toBe('12 34 ab cd 01 02 03 04 a0 b0 c0 d0 50 ff be ef');
    expect(hexOf(b.subarray(18, 20))).toBe('00 00'); // urgent pointer
  });

  it('lays out a Linux SYN: mss, nop, nop, TS, nop, wscale — 40 octets, data offset 10', () => {
    const b = encodeTcp(LINUX_SYN);
    expect(b.length).toBe(40);
    expect(b[12]).toBe(0xa0);
    expect(b[13]).toBe(SYN);
    expect(hexOf(b.subarray(20))).toBe(
      '02 04 05 b4 01 01 08 0a d7 2e 17 1a 00 00 00 00 01 03 03 07',
    );
  });

  it('puts SACK_PERM in place of the NOPs before TS, as Linux does', () => {
    const o = { mss: 1460, sackPermitted: true, ts: { val: 1, ecr: 2 }, wscale: 7 };
    expect(hexOf(encodeTcpOptions(o))).toBe(
      '02 04 05 b4 04 02 08 0a 00 00 00 01 00 00 00 02 01 03 03 07',
    );
    expect(hexOf(encodeTcpOptions({ mss: 536, sackPermitted: true }))).toBe(
      '02 04 02 18 01 01 04 02',
    );
    expect(hexOf(encodeTcpOptions({ mss: 1460, wscale: 14 }))).toBe('02 04 05 b4 01 03 03 0e');
    expect(hexOf(encodeTcpOptions({ mss: 1460 }))).toBe('02 04 05 b4');
    expect(encodeTcpOptions({}).length).toBe(0);
  });

  it('sends NOP, NOP, TS on a timestamped segment after the SYN — 32 octets, data offset 8', () => {
    const b = encodeTcp(seg({ options: { ts: { val: 0x01020304, ecr: 0xfffffffe } } }));
    expect(b.length).toBe(32);
    expect(b[12]).toBe(0x80);
    expect(hexOf(b.subarray(20))).toBe('01 01 08 0a 01 02 03 04 ff ff ff fe');
  });

  it('has data offset 5 without options, and the payload right after the header', () => {
    const b = encodeTcp(seg({ flags: PSH | ACK, payload: new TextEncoder().encode('hello') }));
    expect(b[12]).toBe(0x50);
    expect(new TextDecoder().decode(b.subarray(20))).toBe('hello');
  });

  it('refuses fields that do not fit the header', () => {
    expect(() => encodeTcp(seg({ window: 65536 }))).toThrow(/window out of range: 65536/);
    expect(() => encodeTcp(seg({ srcPort: 70000 }))).toThrow(RangeError);
    expect(() => encodeTcp(seg({ seq: -1 }))).toThrow(RangeError);
    expect(() => encodeTcp(seg({ ack: 2 ** 32 }))).toThrow(RangeError);
    expect(() => encodeTcp(seg({ seq: 1.5 }))).toThrow(RangeError);
    expect(() => encodeTcp(seg({ options: { mss: 65536 } }))).toThrow(RangeError);
    expect(() => encodeTcp(seg({ payload: new Uint8Array(65536) }))).toThrow(/too long/);
  });
});

describe('encodeIpv4', () => {
  it('writes version 4, IHL 5, DF, TTL 64, protocol 6 and a header checksum worked by hand', () => {
    // 4500 + 0028 + 0007 + 4000 + 4006 + 0000 + c000 + 020a + c000 + 0201 = 0x24940
    // folded 0x4940 + 0x2 = 0x4942, complemented = 0xb6bd
    const p = encodeIpv4(seg(), 7);
    expect(p.length).toBe(40);
    expect(hexOf(p.subarray(0, 20))).toBe(
      '45 00 00 28 00 07 40 00 40 06 b6 bd c0 00 02 0a c0 00 02 01',
    );
    expect(onesComplementSum(p.subarray(0, 20))).toBe(0xffff);
    expect(p.subarray(20)).toEqual(encodeTcp(seg()));
  });

  it('takes another TTL and refuses an identification beyond 16 bits', () => {
    expect(encodeIpv4(seg(), 0, 255)[8]).toBe(255);
    expect(() => encodeIpv4(seg(), 65536)).toThrow(RangeError);
  });
});

describe('ipv4Length', () => {
  it('is the length of the packet encodeIpv4 makes, without encoding it', () => {
    expect(ipv4Length(seg())).toBe(40);
    expect(ipv4Length(LINUX_SYN)).toBe(60);
    expect(
      ipv4Length(seg({ options: { ts: { val: 1, ecr: 2 } }, payload: new Uint8Array(1448) })),
    ).toBe(1500);
  });

  it('counts the options as encodeTcpOptions lays them out, for every combination', () => {
    // SACK blocks are in the model's options; when the encoder writes them, this length must follow.
    const options = fc.record(
      {
        mss: fc.integer({ min: 0, max: 65535 }),
        wscale: fc.integer({ min: 0, max: 14 }),
        sackPermitted: fc.boolean(),
        sack: fc.array(
          fc.record({
            start: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
            end: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
          }),
          { maxLength: 3 },
        ),
        ts: fc.record({
          val: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
          ecr: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(options, fc.integer({ min: 0, max: 3000 }), (o, n) => {
        const opts = o as TcpOptions;
        expect(tcpOptionsLength(opts)).toBe(encodeTcpOptions(opts).length);
        // More than 40 octets of options cannot be sent (the encoder refuses them).
        if (tcpOptionsLength(opts) > 40) return;
        const s = seg({ options: opts, payload: new Uint8Array(n) });
        expect(ipv4Length(s)).toBe(encodeIpv4(s, 0).length);
      }),
      { numRuns: 300 * PROPERTY_SCALE },
    );
  });
});

describe('encodeFrame', () => {
  it('starts with destination MAC, source MAC, EtherType 0x0800, and carries the IPv4 packet', () => {
    const f = encodeFrame(LINUX_SYN, MAC.client, MAC.server, 0x1234);
    expect(hexOf(f.subarray(0, 14))).toBe('02 00 00 00 00 01 02 00 00 00 00 0a 08 00');
    expect(f.length).toBe(14 + 20 + 40);
    expect(f.subarray(14)).toEqual(encodeIpv4(LINUX_SYN, 0x1234));
    expect(f[18]).toBe(0x12);
    expect(f[19]).toBe(0x34);
  });

  it('has fixed, locally administered unicast MACs', () => {
    expect(macToString(MAC.client)).toBe('02:00:00:00:00:0a');
    expect(macToString(MAC.server)).toBe('02:00:00:00:00:01');
    for (const m of [MAC.client, MAC.server]) expect(m[0]! & 0x03).toBe(0x02);
  });
});

// ------------------------------------------------------------- round trips

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const optionsArb: fc.Arbitrary<TcpOptions> = fc.record(
  {
    mss: u16,
    wscale: fc.integer({ min: 0, max: 14 }),
    sackPermitted: fc.constant(true),
    ts: fc.record({ val: u32, ecr: u32 }),
  },
  { requiredKeys: [] },
);
const segmentArb: fc.Arbitrary<Segment> = fc.record({
  srcIp: u32,
  dstIp: u32,
  srcPort: u16,
  dstPort: u16,
  seq: u32,
  ack: u32,
  flags: fc.integer({ min: 0, max: 0xff }),
  window: u16,
  options: optionsArb,
  payload: fc.uint8Array({ maxLength: 1460 }),
});

describe('decoding', () => {
  it('round-trips any segment through frame bytes', () => {
    fc.assert(
      fc.property(segmentArb, u16, (s, id) => {
        const f = encodeFrame(s, MAC.server, MAC.client, id);
        expect(decodeFrame(f)).toEqual(s);
        expect(verifyChecksums(f)).toEqual({ ip: true, tcp: true });
        // The whole TCP segment with its pseudo-header sums to 0xffff (RFC 1071: "all ones").
        const tcp = f.subarray(34);
        expect(onesComplementSum(tcp, pseudoHeaderSum(s.srcIp, s.dstIp, 6, tcp.length))).toBe(
          0xffff,
        );
      }),
      { numRuns: 300 * PROPERTY_SCALE },
    );
  });

  it('round-trips at the IPv4 and TCP layers too', () => {
    const s = seg({
      flags: FIN | ACK,
      options: { ts: { val: 5, ecr: 6 } },
      payload: bytes('01 02 03'),
    });
    expect(decodeIpv4(encodeIpv4(s, 1))).toEqual(s);
    expect(decodeTcp(encodeTcp(s), s.srcIp, s.dstIp)).toEqual(s);
  });

  it('notices any single flipped bit', () => {
    fc.assert(
      fc.property(segmentArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (s, at, bit) => {
        const f = encodeFrame(s, MAC.client, MAC.server, 1);
        // A bit of the TCP segment: its checksum fails, the IPv4 header's holds.
        const t = f.slice();
        t[34 + (at % (f.length - 34))]! ^= 1 << bit;
        expect(verifyChecksums(t)).toEqual({ ip: true, tcp: false });
        // A bit of the identification, TTL or header checksum: the header checksum fails.
        const i = f.slice();
        i[[18, 19, 22, 24, 25][at % 5]!]! ^= 1 << bit;
        expect(verifyChecksums(i).ip).toBe(false);
      }),
      { numRuns: 300 * PROPERTY_SCALE },
    );
  });

  it('skips unknown options and stops at EOL', () => {
    expect(decodeTcpOptions(bytes('01 fe 04 aa bb 02 04 05 b4 00 03 03 07'))).toEqual({
      mss: 1460,
    });
  });

  it('refuses what does not parse', () => {
    const f = encodeFrame(LINUX_SYN, MAC.client, MAC.server, 0);
    const arp = f.slice();
    arp[13] = 0x06;
    expect(() => decodeFrame(arp)).toThrow(WireError);
    expect(() => decodeFrame(f.subarray(0, 40))).toThrow(WireError);
    const udp = f.slice();
    udp[23] = 17;
    expect(() => decodeFrame(udp)).toThrow(/not TCP/);
    expect(() => decodeTcpOptions(bytes('02 04 05'))).toThrow(WireError);
    expect(() => decodeTcpOptions(bytes('03 04 07 00'))).toThrow(/length 3/);
    expect(() => decodeTcpOptions(bytes('fe 01'))).toThrow(/bad length/);
  });

  it('ignores octets past the IPv4 total length (Ethernet padding)', () => {
    const f = encodeFrame(seg(), MAC.client, MAC.server, 0);
    const padded = new Uint8Array(60);
    padded.set(f);
    expect(decodeFrame(padded)).toEqual(seg());
  });
});

// ------------------------------------------------------------- fields

const field = (fs: readonly WireField[], id: string): WireField => {
  const f = fs.find((x) => x.id === id);
  if (!f) throw new Error(`no field ${id}`);
  return f;
};

/** The unsigned number held in a field's octets and bits. */
function extract(frame: Uint8Array, f: WireField): number {
  let word = 0;
  for (let i = 0; i < f.length; i++) word = word * 256 + frame[f.offset + i]!;
  if (!f.bits) return word;
  return Math.floor(word / 2 ** (f.length * 8 - f.bits.start - f.bits.count)) % 2 ** f.bits.count;
}

const GROUPS = /^(eth|ip|tcp|tcp\.options|tcp\.option\.\d+|tcp\.option\.\d+\.data|payload)$/;

describe('describeFields', () => {
  const data = seg({
    flags: PSH | ACK,
    seq: 0xdeadbeef,
    options: { ts: { val: 100, ecr: 200 } },
    payload: new TextEncoder().encode('hello'),
  });
  const frames = {
    syn: encodeFrame(LINUX_SYN, MAC.client, MAC.server, 0),
    synack: encodeFrame(
      seg({
        flags: SYN | ACK,
        options: { mss: 1460, sackPermitted: true, ts: { val: 1, ecr: 2 }, wscale: 7 },
      }),
      MAC.server,
      MAC.client,
      0,
    ),
    data: encodeFrame(data, MAC.client, MAC.server, 3),
    rst: encodeFrame(seg({ flags: RST, window: 0 }), MAC.server, MAC.client, 0),
  };

  it('names the fields of a Linux SYN at their offsets', () => {
    const fs = describeFields(frames.syn);
    const at = (id: string) => {
      const f = field(fs, id);
      return [f.offset, f.length, f.bits ? `${f.bits.start}+${f.bits.count}` : '', f.value];
    };
    expect(at('eth.dst')).toEqual([0, 6, '', '02:00:00:00:00:01']);
    expect(at('eth.src')).toEqual([6, 6, '', '02:00:00:00:00:0a']);
    expect(at('eth.type')).toEqual([12, 2, '', 0x0800]);
    expect(at('ip.version')).toEqual([14, 1, '0+4', 4]);
    expect(at('ip.hdr_len')).toEqual([14, 1, '4+4', 5]);
    expect(at('ip.dsfield.dscp')).toEqual([15, 1, '0+6', 0]);
    expect(at('ip.dsfield.ecn')).toEqual([15, 1, '6+2', 0]);
    expect(at('ip.len')).toEqual([16, 2, '', 60]);
    expect(at('ip.id')).toEqual([18, 2, '', 0]);
    expect(at('ip.flags')).toEqual([20, 1, '0+3', 2]);
    expect(at('ip.flags.df')).toEqual([20, 1, '1+1', 1]);
    expect(at('ip.frag_offset')).toEqual([20, 2, '3+13', 0]);
    expect(at('ip.ttl')).toEqual([22, 1, '', 64]);
    expect(at('ip.proto')).toEqual([23, 1, '', 6]);
    expect(at('ip.src')).toEqual([26, 4, '', '192.0.2.10']);
    expect(at('ip.dst')).toEqual([30, 4, '', '192.0.2.1']);
    expect(at('tcp.srcport')).toEqual([34, 2, '', 40000]);
    expect(at('tcp.dstport')).toEqual([36, 2, '', 9821]);
    expect(at('tcp.seq')).toEqual([38, 4, '', 0x11223344]);
    expect(at('tcp.ack')).toEqual([42, 4, '', 0]);
    expect(at('tcp.hdr_len')).toEqual([46, 1, '0+4', 10]);
    expect(at('tcp.reserved')).toEqual([46, 1, '4+4', 0]);
    expect(at('tcp.flags')).toEqual([47, 1, '', SYN]);
    expect(at('tcp.flags.cwr')).toEqual([47, 1, '0+1', 0]);
    expect(at('tcp.flags.syn')).toEqual([47, 1, '6+1', 1]);
    expect(at('tcp.flags.fin')).toEqual([47, 1, '7+1', 0]);
    expect(at('tcp.window')).toEqual([48, 2, '', 64240]);
    expect(at('tcp.urgent_pointer')).toEqual([52, 2, '', 0]);
    expect(at('tcp.options')).toEqual([54, 20, '', 20]);
    expect(
      fs
        .filter((f) => f.parent === 'tcp.options')
        .map((f) => `${f.offset}:${f.length} ${f.display}`),
    ).toEqual([
      '54:4 mss 1460',
      '58:1 NOP',
      '59:1 NOP',
      '60:10 TS val 3610122010 ecr 0',
      '70:1 NOP',
      '71:3 wscale 7 (multiply by 128)',
    ]);
    expect(at('tcp.option.0.mss')).toEqual([56, 2, '', 1460]);
    expect(at('tcp.option.3.kind')).toEqual([60, 1, '', 8]);
    expect(at('tcp.option.3.len')).toEqual([61, 1, '', 10]);
    expect(at('tcp.option.3.tsval')).toEqual([62, 4, '', 0xd72e171a]);
    expect(at('tcp.option.3.tsecr')).toEqual([66, 4, '', 0]);
    expect(at('tcp.option.5.shift')).toEqual([73, 1, '', 7]);
    expect(field(fs, 'ip.checksum').status).toBe('good');
    expect(field(fs, 'tcp.checksum').status).toBe('good');
    expect(fs.some((f) => f.layer === 'payload')).toBe(false);
  });

  it('shows the payload and the flags of a data segment', () => {
    const fs = describeFields(frames.data);
    const p = field(fs, 'payload');
    expect([p.offset, p.length, p.display]).toEqual([66, 5, '5 bytes "hello"']);
    expect(field(fs, 'tcp.flags').display).toBe('0x18 (ACK, PSH)');
    expect(field(fs, 'tcp.hdr_len').display).toBe('32 bytes (8)');
    expect(field(fs, 'ip.flags').display).toBe("0x2, Don't fragment");
  });

  it('marks a wrong checksum as bad', () => {
    const f = frames.data.slice();
    f[50]! ^= 0xff;
    f[24]! ^= 0x01;
    const fs = describeFields(f);
    expect(field(fs, 'tcp.checksum').status).toBe('bad');
    expect(field(fs, 'ip.checksum').status).toBe('bad');
  });

  for (const [name, frame] of Object.entries(frames)) {
    it(`is consistent with the bytes of a ${name} frame`, () => {
      const fs = describeFields(frame);
      const ids = new Set(fs.map((f) => f.id));
      expect(ids.size).toBe(fs.length);
      const byId = new Map(fs.map((f) => [f.id, f]));
      const covered = new Uint8Array(frame.length);
      for (const f of fs) {
        expect(f.offset + f.length).toBeLessThanOrEqual(frame.length);
        if (f.bits) expect(f.bits.start + f.bits.count).toBeLessThanOrEqual(f.length * 8);
        // Every field lies inside its parent, and parents come first.
        if (f.parent !== null) {
          const parent = byId.get(f.parent)!;
          expect(fs.indexOf(parent)).toBeLessThan(fs.indexOf(f));
          expect(f.offset).toBeGreaterThanOrEqual(parent.offset);
          expect(f.offset + f.length).toBeLessThanOrEqual(parent.offset + parent.length);
        }
        // A numeric field's value is what its bits hold.
        if (typeof f.value === 'number' && !GROUPS.test(f.id))
          expect(extract(frame, f), f.id).toBe(f.value);
        const leaf = !fs.some((g) => g.parent === f.id);
        if (leaf) covered.fill(1, f.offset, f.offset + f.length);
      }
      // Every octet of the frame belongs to some leaf field (the inspector can light any of them).
      expect(Array.from(covered).indexOf(0)).toBe(-1);
    });
  }

  it('describes padding after EOL and unknown options', () => {
    // A hand-made segment whose options end in EOL padding and carry an unknown kind.
    const f = encodeFrame(seg(), MAC.client, MAC.server, 0);
    const opts = bytes('fd 04 aa bb 02 04 05 b4 00 00 00 00');
    const frame = new Uint8Array(f.length + opts.length);
    frame.set(f.subarray(0, 54));
    frame.set(opts, 54);
    frame[14 + 3] = 20 + 20 + opts.length; // IPv4 total length
    frame[24] = 0;
    frame[25] = 0;
    frame.set(
      [
        internetChecksum(frame.subarray(14, 34)) >> 8,
        internetChecksum(frame.subarray(14, 34)) & 255,
      ],
      24,
    );
    frame[46] = 0x80; // data offset 8
    const fs = describeFields(frame);
    expect(
      fs
        .filter((x) => x.parent === 'tcp.options')
        .map((x) => `${x.offset}:${x.length} ${x.display}`),
    ).toEqual(['54:4 kind 253, 4 octets', '58:4 mss 1460', '62:4 EOL, 3 octets of padding']);
    expect(field(fs, 'ip.checksum').status).toBe('good');
    expect(field(fs, 'tcp.checksum').status).toBe('bad'); // left as it was
    expect(decodeFrame(frame).options).toEqual({ mss: 1460 });
  });
});
