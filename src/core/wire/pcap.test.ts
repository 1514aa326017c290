import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RelativeSeq } from './format';
import { World, parseIp, type SegmentRecord } from '..';
import { captureFrames, pcapTimestamp, readPcap, writePcap } from './pcap';
import { FIN, SYN, segLen } from '../tcp/segment';
import { MAC, decodeFrame, describeFields } from './wire';

const enc = new TextEncoder();

/** The brief's sample run: handshake, "hello" whose first copy the link drops, teardown. */
function sampleRun(): World {
  const w = new World({ seed: 7, link: { client: { delay: 1 }, server: { delay: 1 } } });
  w.act({ kind: 'rule', rule: { kind: 'dropNext', from: 'client', flags: 'P.' } });
  const s = w.call('server', { name: 'socket' }).result!.ret;
  w.call('server', { name: 'bind', fd: s, port: 9821 });
  w.call('server', { name: 'listen', fd: s });
  const acc = w.call('server', { name: 'accept', fd: s });
  const c = w.call('client', { name: 'socket' }).result!.ret;
  w.call('client', { name: 'connect', fd: c, ip: parseIp('192.0.2.1')!, port: 9821 }).onDone(() => {
    w.call('client', { name: 'send', fd: c, data: enc.encode('hello') });
  });
  acc.onDone((r) => {
    w.call('server', { name: 'recv', fd: r.ret }).onDone(() =>
      w.call('server', { name: 'close', fd: r.ret }),
    );
  });
  w.runUntil(5000);
  w.call('client', { name: 'close', fd: c });
  w.runUntilIdle(200000);
  return w;
}

/** A connect() to a port nobody listens on; the link duplicates everything the server sends. */
function closedPortRun(): World {
  const w = new World({
    seed: 3,
    link: { client: { delay: 1 }, server: { delay: 1, duplicate: 1 } },
  });
  const c = w.call('client', { name: 'socket' }).result!.ret;
  w.call('client', { name: 'connect', fd: c, ip: parseIp('192.0.2.1')!, port: 80 });
  w.runUntilIdle(200000);
  return w;
}

/** 200 kB over a lossy, jittery, reordering link, read to EOF by the server. */
function bulkRun(): World {
  const w = new World({
    seed: 11,
    link: {
      client: { delay: 20, jitter: 5, loss: 0.03, reorder: 0.02 },
      // 5%: the ACK direction carries ~130 segments, enough for a few duplicates.
      server: { delay: 20, jitter: 5, loss: 0.03, duplicate: 0.05 },
    },
  });
  const s = w.call('server', { name: 'socket' }).result!.ret;
  w.call('server', { name: 'bind', fd: s, port: 9821 });
  w.call('server', { name: 'listen', fd: s });
  const drain = (fd: number): void =>
    w.call('server', { name: 'recv', fd }).onDone((r) => {
      if (r.ret > 0) drain(fd);
      else w.call('server', { name: 'close', fd });
    });
  w.call('server', { name: 'accept', fd: s }).onDone((r) => drain(r.ret));
  const c = w.call('client', { name: 'socket' }).result!.ret;
  const data = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7) & 255);
  w.call('client', { name: 'connect', fd: c, ip: parseIp('192.0.2.1')!, port: 9821 }).onDone(() => {
    w.call('client', { name: 'send', fd: c, data }).onDone(() =>
      w.call('client', { name: 'close', fd: c }),
    );
  });
  w.runUntilIdle(600_000);
  return w;
}

/** A two-way transfer over a link that loses, duplicates and reorders, for a given seed and profile. */
function randomRun(seed: number, profile: 'linux' | 'rfc'): World {
  const w = new World({
    seed,
    profile,
    link: {
      client: {
        delay: 5 + (seed % 30),
        jitter: seed % 7,
        loss: (seed % 5) * 0.03,
        reorder: 0.05,
        duplicate: 0.03,
      },
      server: {
        delay: 5 + (seed % 20),
        jitter: seed % 3,
        loss: (seed % 4) * 0.03,
        reorder: 0.03,
        duplicate: 0.03,
      },
    },
  });
  const s = w.call('server', { name: 'socket' }).result!.ret;
  w.call('server', { name: 'bind', fd: s, port: 9821 });
  w.call('server', { name: 'listen', fd: s });
  const drain = (fd: number): void =>
    w.call('server', { name: 'recv', fd, len: seed % 3 ? 100_000 : 500 }).onDone((r) => {
      if (r.ret > 0) drain(fd);
      else w.call('server', { name: 'close', fd });
    });
  w.call('server', { name: 'accept', fd: s }).onDone((r) => {
    w.call('server', { name: 'send', fd: r.ret, data: new Uint8Array(3000 + seed * 100) });
    drain(r.ret);
  });
  const c = w.call('client', { name: 'socket' }).result!.ret;
  w.call('client', { name: 'connect', fd: c, ip: parseIp('192.0.2.1')!, port: 9821 }).onDone(() => {
    w.call('client', { name: 'send', fd: c, data: new Uint8Array(50_000 + seed * 1000) }).onDone(
      () => w.call('client', { name: 'close', fd: c }),
    );
  });
  w.runUntilIdle(2_000_000);
  return w;
}

const segmentsOf = (w: World): SegmentRecord[] =>
  w.trace.records.filter((r): r is SegmentRecord => r.kind === 'segment');

// ------------------------------------------------------------- the file itself

describe('writePcap', () => {
  it('writes the libpcap global header as tcpdump does on a little-endian machine', () => {
    const f = writePcap([]);
    expect(Array.from(f)).toEqual([
      0xd4,
      0xc3,
      0xb2,
      0xa1, // magic 0xa1b2c3d4, little-endian
      2,
      0,
      4,
      0, // version 2.4
      0,
      0,
      0,
      0, // thiszone
      0,
      0,
      0,
      0, // sigfigs
      0x00,
      0x00,
      0x04,
      0x00, // snaplen 262144
      1,
      0,
      0,
      0, // LINKTYPE_ETHERNET
    ]);
  });

  it('turns virtual milliseconds into seconds and microseconds', () => {
    expect(pcapTimestamp(0)).toEqual({ sec: 0, usec: 0 });
    expect(pcapTimestamp(5001)).toEqual({ sec: 5, usec: 1000 });
    expect(pcapTimestamp(1234.5678)).toEqual({ sec: 1, usec: 234568 });
    expect(pcapTimestamp(999.9999)).toEqual({ sec: 1, usec: 0 });
  });

  it('holds one packet per segment record, in send order, dropped ones included', () => {
    const w = sampleRun();
    const segs = segmentsOf(w);
    expect(segs.some((r) => r.dropped !== null)).toBe(true);
    const file = readPcap(writePcap(w.trace.records));
    expect(file).toMatchObject({
      littleEndian: true,
      versionMajor: 2,
      versionMinor: 4,
      snaplen: 262144,
      linktype: 1,
    });
    expect(file.packets.length).toBe(segs.length);
    file.packets.forEach((p, i) => {
      const r = segs[i]!;
      expect(p.origLen).toBe(p.data.length);
      expect(p.sec * 1000 + p.usec / 1000).toBeCloseTo(r.t, 6);
      expect(decodeFrame(p.data)).toEqual(r.seg);
      expect(Array.from(p.data.subarray(6, 12))).toEqual(Array.from(MAC[r.from]));
      expect(Array.from(p.data.subarray(0, 6))).toEqual(
        Array.from(MAC[r.from === 'client' ? 'server' : 'client']),
      );
    });
  });

  it('counts IPv4 identifications per connection, and keeps them on link duplicates', () => {
    const ids = (w: World) =>
      captureFrames(w.trace.records).map((f) => `${f.record.from}:${f.ipId}`);
    // Client: SYN, ACK, data (dropped), data again, ACK, FIN; server: SYN,ACK, ACK, FIN, ACK.
    expect(ids(sampleRun())).toEqual([
      'client:0',
      'server:0',
      'client:1',
      'client:2',
      'client:3',
      'server:1',
      'server:2',
      'client:4',
      'client:5',
      'server:3',
    ]);
    // The RST from a closed port carries 0 (Linux's control socket); its duplicate is the same bytes.
    const frames = captureFrames(closedPortRun().trace.records);
    expect(frames.map((f) => [f.record.conn, f.record.dupOf, f.ipId])).toEqual([
      ['client:1', null, 0],
      [null, null, 0],
      [null, 1, 0],
    ]);
    expect(frames[2]!.frame).toEqual(frames[1]!.frame);
  });
});

// ------------------------------------------------------------- tshark

function findTshark(): boolean {
  const r = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
  return r.error === undefined && r.status === 0;
}
const hasTshark = findTshark();
/** tshark takes a few hundred milliseconds to start. */
const TSHARK_TIMEOUT = 60_000;
const SKIP_NOTE = hasTshark ? '' : ' [SKIPPED: tshark not found on PATH (Debian package "tshark")]';
if (!hasTshark) console.warn(`pcap.test.ts: tshark is not installed, its checks are skipped`);

const dir = mkdtempSync(join(tmpdir(), 'tcp-playground-pcap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

/** What tshark always says on stderr when it runs as root, whatever the file. */
const ROOT_NOTICE = /^Running as user "root" and group "root"\. This could be dangerous\.\n/;

/**
 * Run tshark on a capture. As root, tshark always prints a "Running as user
 * "root" … This could be dangerous." notice on stderr, so it runs as nobody
 * instead and its stderr holds only what it says about the file. Where root
 * may not switch users, it runs as root and only that exact notice is removed.
 */
function tshark(pcap: Uint8Array, args: readonly string[]): { stdout: string; stderr: string } {
  const file = join(dir, `run${fileNo++}.pcap`);
  writeFileSync(file, pcap);
  const root = process.getuid?.() === 0;
  if (root) {
    chmodSync(dir, 0o755);
    chmodSync(file, 0o644);
  }
  const run = (asNobody: boolean) =>
    spawnSync('tshark', ['-n', '-r', file, ...args], {
      encoding: 'utf8',
      env: { ...process.env, HOME: dir, LC_ALL: 'C.UTF-8' },
      ...(asNobody ? { uid: 65534, gid: 65534 } : {}),
      maxBuffer: 64 * 1024 * 1024,
    });
  let r = run(root);
  if (root && r.error && 'code' in r.error && r.error.code === 'EPERM') r = run(false);
  if (r.error) throw r.error;
  const stderr = root ? r.stderr.replace(ROOT_NOTICE, '') : r.stderr;
  expect(r.status, stderr).toBe(0);
  return { stdout: r.stdout, stderr };
}

const FIELDS = [
  'frame.time_relative',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.flags',
  'tcp.flags.str',
  'tcp.seq',
  'tcp.ack',
  'tcp.seq_raw',
  'tcp.ack_raw',
  'tcp.len',
  'tcp.checksum.status',
  'ip.checksum.status',
  'ip.id',
  'tcp.analysis.retransmission',
  '_ws.expert.message',
  '_ws.expert.severity',
] as const;
type Row = Record<(typeof FIELDS)[number], string>;

const CHECK = ['-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE'];

function tsharkFields(pcap: Uint8Array): { rows: Row[]; stderr: string; stdout: string } {
  const { stdout, stderr } = tshark(pcap, [
    ...CHECK,
    '-T',
    'fields',
    '-E',
    'separator=|',
    ...FIELDS.flatMap((f) => ['-e', f]),
  ]);
  const rows = stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const cols = l.split('|');
      return Object.fromEntries(FIELDS.map((f, i) => [f, cols[i] ?? ''])) as Row;
    });
  return { rows, stderr, stdout };
}

/** tshark's "·······AP···": 12 positions for bits 11…0, a letter where the bit is set. */
function flagsFromStr(s: string): number {
  const chars = Array.from(s);
  expect(chars.length).toBe(12);
  let flags = 0;
  chars.forEach((ch, i) => {
    if (ch !== '·') flags |= 1 << (11 - i);
  });
  return flags;
}

/** Wireshark's expert severities (epan/proto.h): PI_CHAT < PI_NOTE < PI_WARN < PI_ERROR. */
const PI_WARN = 0x00600000;

/** tshark's view of every packet must match the simulator's own numbers. */
function compareWithTshark(w: World): Row[] {
  const segs = segmentsOf(w);
  const { rows, stderr } = tsharkFields(writePcap(w.trace.records));
  expect(stderr).toBe('');
  expect(rows.length).toBe(segs.length);
  const rel = new RelativeSeq();
  const synSeen = new Set<string>();
  /** Wireshark's base for a direction it saw no SYN in: the first seq minus one. */
  const firstSeq = new Map<string, number>();
  const t0 = pcapTimestamp(segs[0]!.t);
  segs.forEach((r, i) => {
    const row = rows[i]!;
    const s = r.seg;
    const dir = `${s.srcIp}:${s.srcPort}>${s.dstIp}:${s.dstPort}`;
    rel.see(s);
    if (s.flags & SYN) synSeen.add(dir);
    if (!firstSeq.has(dir)) firstSeq.set(dir, s.seq);
    const where = `packet ${i + 1} (segment #${r.id})`;

    // The checksums verify: tshark's status 1 is "Good" (0 Bad, 2 Unverified).
    expect(row['tcp.checksum.status'], where).toBe('1');
    expect(row['ip.checksum.status'], where).toBe('1');
    expect(row['_ws.expert.message'], where).not.toMatch(/checksum|malformed|bogus|invalid/i);

    const t = pcapTimestamp(r.t);
    const us = (t.sec - t0.sec) * 1_000_000 + (t.usec - t0.usec);
    expect(Math.round(Number(row['frame.time_relative']) * 1e6), where).toBe(us);
    expect(Number(row['tcp.srcport']), where).toBe(s.srcPort);
    expect(Number(row['tcp.dstport']), where).toBe(s.dstPort);
    expect(Number(row['tcp.flags']), where).toBe(s.flags);
    expect(flagsFromStr(row['tcp.flags.str']), where).toBe(s.flags);
    expect(Number(row['tcp.len']), where).toBe(s.payload.length);
    expect(Number(row['tcp.seq_raw']), where).toBe(s.seq);
    expect(Number(row['tcp.ack_raw']), where).toBe(s.ack);

    // Relative numbers: the simulator's RelativeSeq where both count from a SYN.
    const mine = rel.relative(s);
    if (synSeen.has(dir)) expect(Number(row['tcp.seq']), `${where} relative seq`).toBe(mine.seq);
    else
      // No SYN in this direction (a RST from a closed port): RelativeSeq shows the
      // absolute number, Wireshark counts from the first seq it saw, minus one.
      expect(Number(row['tcp.seq']), `${where} relative seq`).toBe(
        (s.seq - firstSeq.get(dir)! + 1) >>> 0,
      );
    const back = `${s.dstIp}:${s.dstPort}>${s.srcIp}:${s.srcPort}`;
    if (s.flags & 0x10 && synSeen.has(back))
      expect(Number(row['tcp.ack']), `${where} relative ack`).toBe(mine.ack);
  });
  return rows;
}

describe('tshark reads the capture as the simulator meant it', { timeout: TSHARK_TIMEOUT }, () => {
  it.skipIf(!hasTshark)(
    `sample run: handshake, lost data, retransmission, teardown${SKIP_NOTE}`,
    () => {
      const w = sampleRun();
      const rows = compareWithTshark(w);
      const segs = segmentsOf(w);
      // Wireshark recognises the retransmission (the dropped original is in the capture) and nothing else.
      segs.forEach((r, i) => {
        expect(rows[i]!['tcp.analysis.retransmission'] !== '', `packet ${i + 1}`).toBe(r.rtx);
        const sev = rows[i]!['_ws.expert.severity'].split(',').filter(Boolean).map(Number);
        expect(
          Math.max(0, ...sev),
          `packet ${i + 1}: ${rows[i]!['_ws.expert.message']}`,
        ).toBeLessThan(PI_WARN);
      });
      expect(segs.filter((r) => r.rtx).length).toBe(1);
      // Relative numbers as a person would read them.
      expect(
        rows.map(
          (r) =>
            `${r['tcp.flags.str'].replace(/·/g, '')} ${r['tcp.seq']} ${r['tcp.ack']} ${r['tcp.len']}`,
        ),
      ).toEqual([
        'S 0 0 0',
        'AS 0 1 0',
        'A 1 1 0',
        'AP 1 1 5',
        'AP 1 1 5',
        'A 1 6 0',
        'AF 1 6 0',
        'A 6 2 0',
        'AF 6 2 0',
        'A 2 7 0',
      ]);
    },
  );

  it.skipIf(!hasTshark)(`RST from a closed port, duplicated by the link${SKIP_NOTE}`, () => {
    const w = closedPortRun();
    const segs = segmentsOf(w);
    expect(segs.map((r) => [r.conn, r.dupOf])).toEqual([
      ['client:1', null],
      [null, null],
      [null, 1],
    ]);
    const rows = compareWithTshark(w);
    // RST,ACK with seq 0 (raw), ack = client ISN + 1: relative ack 1.
    expect(rows[1]!['tcp.seq_raw']).toBe('0');
    expect(rows[1]!['tcp.ack']).toBe('1');
    expect(segLen(segs[0]!.seg)).toBe(1);
  });

  it.skipIf(!hasTshark)(
    `bulk transfer over a lossy, reordering, duplicating link${SKIP_NOTE}`,
    () => {
      const w = bulkRun();
      const segs = segmentsOf(w);
      expect(segs.length).toBeGreaterThan(150);
      expect(segs.some((r) => r.dropped)).toBe(true);
      expect(segs.some((r) => r.dupOf !== null)).toBe(true);
      expect(segs.some((r) => r.seg.payload.length === 1448)).toBe(true); // MSS 1460 − 12 octets of TS
      expect(segs.filter((r) => r.seg.flags & FIN).length).toBeGreaterThanOrEqual(2);
      compareWithTshark(w);
    },
  );

  const SEEDS = (process.env.WIRE_SEEDS ?? '1,2,3,4').split(',').map(Number);
  it.skipIf(!hasTshark)(
    `random lossy runs, both profiles (seeds ${SEEDS.join(',')})${SKIP_NOTE}`,
    () => {
      for (const profile of ['linux', 'rfc'] as const)
        for (const seed of SEEDS) compareWithTshark(randomRun(seed, profile));
    },
  );

  it.skipIf(!hasTshark)(
    `tshark does flag a bad checksum (the checks above are not vacuous)${SKIP_NOTE}`,
    () => {
      const pcap = writePcap(sampleRun().trace.records);
      const file = readPcap(pcap);
      // Corrupt the TCP checksum of packet 1 and the IPv4 header checksum of packet 2, in place.
      let at = 24;
      const starts: number[] = [];
      for (const p of file.packets) {
        starts.push(at + 16);
        at += 16 + p.data.length;
      }
      pcap[starts[0]! + 50]! ^= 0x01;
      pcap[starts[1]! + 24]! ^= 0x01;
      const { rows } = tsharkFields(pcap);
      expect([rows[0]!['tcp.checksum.status'], rows[0]!['ip.checksum.status']]).toEqual(['0', '1']);
      expect([rows[1]!['tcp.checksum.status'], rows[1]!['ip.checksum.status']]).toEqual(['1', '0']);
    },
  );

  it.skipIf(!hasTshark)(
    `describeFields agrees with Wireshark's dissection, octet for octet${SKIP_NOTE}`,
    () => {
      const w = sampleRun();
      const frames = captureFrames(w.trace.records);
      const { stdout } = tshark(writePcap(w.trace.records), [...CHECK, '-T', 'pdml']);
      const packets = stdout.split('<packet>').slice(1);
      expect(packets.length).toBe(frames.length);
      let compared = 0;
      // The SYN (every option) and the data segment (payload).
      for (const n of [0, 3]) {
        const pdml = new Map<string, { show: string }>();
        for (const m of packets[n]!.matchAll(/<(?:field|proto) name="([^"]+)"[^>]*>/g)) {
          const attr = (a: string) => new RegExp(` ${a}="([^"]*)"`).exec(m[0])?.[1];
          const pos = attr('pos');
          const size = attr('size');
          if (pos !== undefined && size !== undefined)
            pdml.set(`${m[1]}@${pos}/${size}`, { show: attr('show') ?? '' });
        }
        const fs = describeFields(frames[n]!.frame);
        for (const f of fs) {
          if (f.filter === null) continue;
          const ws = pdml.get(`${f.filter}@${f.offset}/${f.length}`);
          expect(ws, `${f.id}: Wireshark has ${f.filter} at ${f.offset}/${f.length}`).toBeDefined();
          compared++;
          const leaf = !fs.some((g) => g.parent === f.id);
          if (!leaf || f.id === 'tcp') continue;
          let want: string | number;
          if (f.filter === 'tcp.payload')
            want = Array.from(frames[n]!.frame.subarray(f.offset, f.offset + f.length), (x) =>
              x.toString(16).padStart(2, '0'),
            ).join(':');
          else if (f.filter.endsWith('hdr_len')) want = (f.value as number) * 4;
          else want = f.value;
          const got = typeof want === 'number' ? Number(ws!.show) : ws!.show;
          expect(got, f.id).toBe(want);
          if (f.status) {
            const status = pdml.get(`${f.filter}.status@${f.offset}/0`);
            expect(status?.show, `${f.id} status`).toBe(f.status === 'good' ? '1' : '0');
          }
        }
      }
      expect(compared).toBeGreaterThan(80);
    },
  );
});
