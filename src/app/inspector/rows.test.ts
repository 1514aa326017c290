import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SERVER_IP,
  DEFAULT_SERVER_PORT,
  World,
  describeFields,
  parseIp,
  type SegmentRecord,
  type WireField,
} from '../../core';
import {
  ROW_BITS,
  bitSpan,
  fieldsAtByte,
  frameOf,
  headerRows,
  hexLines,
  layerAtByte,
  leafFields,
  partsInCell,
  payloadPieces,
  relativeNumbers,
  segmentFate,
} from './rows';

/** Handshake, then "hello\n" from the client; the link 50 ms each way. */
function run(): World {
  const w = new World({
    seed: 1,
    profile: 'linux',
    link: { client: { delay: 50 }, server: { delay: 50 } },
  });
  const l = w.call('server', { name: 'socket' }).result!.ret;
  w.call('server', { name: 'bind', fd: l, port: DEFAULT_SERVER_PORT });
  w.call('server', { name: 'listen', fd: l, backlog: 128 });
  w.call('server', { name: 'accept', fd: l });
  const c = w.call('client', { name: 'socket' }).result!.ret;
  w.call('client', {
    name: 'connect',
    fd: c,
    ip: parseIp(DEFAULT_SERVER_IP)!,
    port: DEFAULT_SERVER_PORT,
  });
  w.runUntil(400);
  w.call('client', { name: 'send', fd: c, data: new TextEncoder().encode('hello\n') });
  w.runUntil(1000);
  return w;
}

const w = run();
const records = w.trace.records;
const segs = w.trace.segments;
const syn = segs[0]!;
const data = segs.find((s) => s.seg.payload.length > 0)!;

describe('frameOf', () => {
  it('finds the captured frame of a segment and caches it per trace length', () => {
    const f = frameOf(records, data.id)!;
    expect(f.record.id).toBe(data.id);
    expect(f.frame.length).toBe(14 + 20 + 32 + 6);
    expect(frameOf(records, data.id)).toBe(f);
    expect(frameOf(records, 9999)).toBeUndefined();
  });
});

describe('segmentFate', () => {
  it('is read at the cursor: not yet sent, in flight, delivered', () => {
    expect(segmentFate(records, data, data.t - 1).status).toBe('notYetSent');
    expect(segmentFate(records, data, data.t).status).toBe('inFlight');
    expect(segmentFate(records, data, data.arriveAt).status).toBe('delivered');
    expect(segmentFate(records, data, data.arriveAt).at).toBe(data.arriveAt);
  });

  it('a drop in flight counts from its time on', () => {
    const rec: SegmentRecord = { ...data, id: 500 };
    const trace = [
      ...records,
      rec,
      { kind: 'drop' as const, t: rec.t + 10, id: 500, reason: 'user' as const },
    ];
    expect(segmentFate(trace, rec, rec.t + 5).status).toBe('inFlight');
    const later = segmentFate(trace, rec, rec.t + 10);
    expect(later.status).toBe('dropped');
    expect(later.dropReason).toBe('user');
  });

  it('a segment dropped as it was sent is dropped at once; retransmission and duplicate are told', () => {
    const rec: SegmentRecord = { ...data, id: 501, dropped: 'loss', rtx: true, dupOf: 3 };
    const f = segmentFate([rec], rec, rec.t);
    expect(f.status).toBe('dropped');
    expect(f.dropReason).toBe('loss');
    expect(f.retransmission).toBe(true);
    expect(f.duplicateOf).toBe(3);
  });
});

describe('relativeNumbers', () => {
  it("counts from each direction's ISN, as tcpdump does", () => {
    expect(relativeNumbers(records, syn)).toEqual({ seq: 0, ack: 0 });
    const synAck = segs[1]!;
    expect(relativeNumbers(records, synAck)).toEqual({ seq: 0, ack: 1 });
    expect(relativeNumbers(records, data)).toEqual({ seq: 1, ack: 1 });
  });
});

describe('headerRows', () => {
  const fields = describeFields(frameOf(records, syn.id)!.frame);
  const tcp = headerRows(fields, 'tcp');

  it('lays the TCP header out as RFC 9293 does, 32 bits a row', () => {
    const names = (r: number) => tcp[r]!.map((c) => c.field.id);
    expect(names(0)).toEqual(['tcp.srcport', 'tcp.dstport']);
    expect(names(1)).toEqual(['tcp.seq']);
    expect(names(2)).toEqual(['tcp.ack']);
    expect(names(3)).toEqual([
      'tcp.hdr_len',
      'tcp.reserved',
      'tcp.flags.cwr',
      'tcp.flags.ece',
      'tcp.flags.urg',
      'tcp.flags.ack',
      'tcp.flags.psh',
      'tcp.flags.rst',
      'tcp.flags.syn',
      'tcp.flags.fin',
      'tcp.window',
    ]);
    expect(tcp[3]!.map((c) => [c.col, c.span])).toEqual([
      [0, 4],
      [4, 4],
      [8, 1],
      [9, 1],
      [10, 1],
      [11, 1],
      [12, 1],
      [13, 1],
      [14, 1],
      [15, 1],
      [16, 16],
    ]);
    expect(names(4)).toEqual(['tcp.checksum', 'tcp.urgent_pointer']);
  });

  it('every row fills its 32 bits exactly, with no overlap', () => {
    for (const layer of ['tcp', 'ip'] as const)
      for (const row of headerRows(fields, layer)) {
        let at = 0;
        for (const c of row) {
          expect(c.col).toBe(at);
          at += c.span;
        }
        expect(at).toBe(ROW_BITS);
      }
  });

  it('options are one cell each (MSS, SACK_PERM, TS, NOP, WS, as Linux lays a SYN out), the timestamp cut over three rows', () => {
    const opts = tcp.slice(5).flat();
    const ids = [...new Set(opts.map((c) => c.field.id))];
    expect(ids).toEqual([
      'tcp.option.0',
      'tcp.option.1',
      'tcp.option.2',
      'tcp.option.3',
      'tcp.option.4',
    ]);
    expect(opts.find((c) => c.field.id === 'tcp.option.1')!.field.display).toBe('sackOK');
    const ts = opts.filter((c) => c.field.id === 'tcp.option.2');
    expect(ts.map((c) => c.part)).toEqual(['first', 'middle', 'last']);
    expect(ts.map((c) => [c.row, c.col, c.span])).toEqual([
      [6, 16, 16],
      [7, 0, 32],
      [8, 0, 32],
    ]);
    // NOP, window scale: the last row.
    expect(tcp[9]!.map((c) => [c.field.id, c.col, c.span])).toEqual([
      ['tcp.option.3', 0, 8],
      ['tcp.option.4', 8, 24],
    ]);
    expect(opts.find((c) => c.field.id === 'tcp.option.0')!.field.display).toBe('mss 1460');
  });

  it('names the parts of an option in each piece of it', () => {
    const ts = tcp.flat().filter((c) => c.field.id === 'tcp.option.2');
    const parts = ts.map((c) => partsInCell(fields, c, 34).map((f) => f.id.split('.').pop()));
    expect(parts).toEqual([['kind', 'len'], ['tsval'], ['tsecr']]);
    const mss = tcp.flat().find((c) => c.field.id === 'tcp.option.0')!;
    expect(partsInCell(fields, mss, 34).map((f) => f.id)).toEqual([
      'tcp.option.0.kind',
      'tcp.option.0.len',
      'tcp.option.0.mss',
    ]);
  });

  it('lays the IPv4 header out in five rows', () => {
    const ip = headerRows(fields, 'ip');
    expect(ip.length).toBe(5);
    expect(ip[0]!.map((c) => c.field.id)).toEqual([
      'ip.version',
      'ip.hdr_len',
      'ip.dsfield.dscp',
      'ip.dsfield.ecn',
      'ip.len',
    ]);
    expect(ip[1]!.map((c) => c.field.id)).toEqual([
      'ip.id',
      'ip.flags.rb',
      'ip.flags.df',
      'ip.flags.mf',
      'ip.frag_offset',
    ]);
    expect(ip[3]!.map((c) => c.field.id)).toEqual(['ip.src']);
  });

  it('bitSpan counts bits from the header start', () => {
    const f = fields.find((x) => x.id === 'tcp.flags.syn')!;
    expect(bitSpan(f, 34)).toEqual({ start: 13 * 8 + 6, count: 1 });
  });
});

describe('bytes and fields', () => {
  const frame = frameOf(records, data.id)!.frame;
  const fields = describeFields(frame);
  const leaves = leafFields(fields);

  it('every octet of the frame belongs to at least one leaf field', () => {
    for (let i = 0; i < frame.length; i++)
      expect(fieldsAtByte(leaves, i).length, `octet ${i}`).toBeGreaterThan(0);
  });

  it('names octets 38–41 the sequence number, octet 46 data offset and reserved', () => {
    for (let i = 38; i <= 41; i++)
      expect(fieldsAtByte(leaves, i).map((f: WireField) => f.id)).toEqual(['tcp.seq']);
    expect(fieldsAtByte(leaves, 46).map((f) => f.id)).toEqual(['tcp.hdr_len', 'tcp.reserved']);
    expect(fieldsAtByte(leaves, frame.length - 1).map((f) => f.id)).toEqual(['payload']);
  });

  it('tells the layer of an octet', () => {
    expect(layerAtByte(fields, 0)).toBe('eth');
    expect(layerAtByte(fields, 14)).toBe('ip');
    expect(layerAtByte(fields, 34)).toBe('tcp');
    expect(layerAtByte(fields, frame.length - 1)).toBe('payload');
  });

  it('hexLines cuts the frame into lines of 16 with offsets', () => {
    const lines = hexLines(frame);
    expect(lines.length).toBe(Math.ceil(frame.length / 16));
    expect(lines[1]!.offset).toBe(16);
    expect(lines.flatMap((l) => l.bytes)).toEqual(Array.from(frame));
  });
});

describe('payloadPieces', () => {
  it('keeps printable ASCII and escapes the rest', () => {
    const b = Uint8Array.from([...new TextEncoder().encode('hi <b>'), 10, 0, 0xff, 9, 0x41]);
    const { pieces, truncated } = payloadPieces(b);
    expect(truncated).toBe(false);
    expect(pieces).toEqual([
      { kind: 'text', text: 'hi <b>' },
      { kind: 'escape', text: '\\n', newline: true },
      { kind: 'escape', text: '\\0' },
      { kind: 'escape', text: '\\xff' },
      { kind: 'escape', text: '\\t' },
      { kind: 'text', text: 'A' },
    ]);
  });

  it('stops at max', () => {
    const { pieces, truncated } = payloadPieces(new Uint8Array(10).fill(0x61), 4);
    expect(truncated).toBe(true);
    expect(pieces).toEqual([{ kind: 'text', text: 'aaaa' }]);
  });
});
