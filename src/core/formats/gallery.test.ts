/**
 * The gallery (public/scenarios/gallery.json): every entry is a scenario file
 * with its metadata in English and Chinese, that runs with every expectation
 * holding and ends in the states its `@final` line says; every scenario file
 * is in the gallery or is one of the Linux conformance scenarios. Then, for
 * the scenarios whose point is in the trace rather than in a call's result,
 * the trace shows what the summary says.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from './scenario';
import { finalStates, readMeta } from './scenario-meta';
import { runScenario, type ScenarioRun } from './scenario-runner';
import { FIN, RST, SYN, flagString } from '../tcp/segment';
import type { CcSample, SegmentRecord, Side, StateRecord, TimerRecord } from '../sim/trace';
import { causeText } from '../wire/format';

const DIR = join(import.meta.dirname, '../../../public/scenarios');

/** The kernel-reference scenarios live beside their captures (conformance.test.ts). */
const KERNEL_DIR = join(import.meta.dirname, '../../../conformance/linux');
/** Gallery entries that are the kernel references themselves, copied for the app to load. */
const KERNEL_COPIES = ['half-close.scenario', 'refused.scenario', 'syn-timeout-default.scenario'];

interface Entry {
  readonly id: string;
  readonly file: string;
}

const gallery = JSON.parse(readFileSync(join(DIR, 'gallery.json'), 'utf8')) as Entry[];
const scenarioFiles = readdirSync(DIR)
  .filter((f) => f.endsWith('.scenario'))
  .sort();

const text = (file: string): string => readFileSync(join(DIR, file), 'utf8');
const runs = new Map<string, ScenarioRun>();
const run = (file: string): ScenarioRun => {
  let r = runs.get(file);
  if (!r) {
    r = runScenario(parseScenario(text(file), file));
    runs.set(file, r);
  }
  return r;
};

const CJK = /[\u4e00-\u9fff]/;

describe('gallery.json', () => {
  it('is a list of { id, file } entries with unique ids and files', () => {
    expect(Array.isArray(gallery)).toBe(true);
    expect(gallery.length).toBeGreaterThan(0);
    for (const e of gallery) {
      expect(Object.keys(e).sort()).toEqual(['file', 'id']);
      expect(e.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(e.file).toMatch(/^[\w-]+\.scenario$/);
    }
    const ids = gallery.map((e) => e.id);
    expect(new Set(ids).size, 'duplicate ids').toBe(ids.length);
    const files = gallery.map((e) => e.file);
    expect(new Set(files).size, 'a file listed twice').toBe(files.length);
  });

  it('leaves no scenario out: every file in public/scenarios is in the gallery', () => {
    const listed = new Set(gallery.map((e) => e.file));
    expect(scenarioFiles.filter((f) => !listed.has(f))).toEqual([]);
  });

  it('its copies of kernel-reference scenarios are the references, to the byte', () => {
    for (const f of KERNEL_COPIES) {
      expect(scenarioFiles, f).toContain(f);
      expect(text(f), f).toBe(readFileSync(join(KERNEL_DIR, f), 'utf8'));
    }
  });
});

describe.each(gallery)('gallery: $id ($file)', ({ file }) => {
  it('exists and parses', () => {
    expect(existsSync(join(DIR, file))).toBe(true);
    expect(() => parseScenario(text(file), file)).not.toThrow();
  });

  it('has a title and a summary in English and in Chinese, and a @final line', () => {
    const m = readMeta(text(file), file);
    expect(m.title.en).not.toBe('');
    expect(m.title.zh).toMatch(CJK);
    expect(m.title.en).not.toMatch(CJK);
    expect(m.summary.en.length).toBeGreaterThan(150);
    expect(m.summary.en).not.toMatch(CJK);
    expect(m.summary.en).toMatch(/[.)]$/);
    expect(m.summary.zh).toMatch(CJK);
    expect(m.summary.zh).toMatch(/[。）]$/);
    expect(Object.keys(m.final).length).toBeGreaterThan(0);
  });

  it('runs with every expectation holding, without hitting the cap', () => {
    const r = run(file);
    expect(r.hitCap).toBe(false);
    expect(r.expectations.length).toBeGreaterThan(0);
    expect(r.expectations.filter((x) => !x.ok)).toEqual([]);
  });

  it('ends in exactly the states its @final line documents', () => {
    const { final } = readMeta(text(file), file);
    expect(finalStates(run(file).world)).toEqual({
      client: final.client ?? null,
      server: final.server ?? null,
    });
  });
});

describe('the other scenario files', () => {
  it.each(scenarioFiles)('%s: metadata reads, and any @final holds', (file) => {
    const { final } = readMeta(text(file), file);
    if (Object.keys(final).length === 0) return;
    expect(finalStates(run(file).world)).toEqual({
      client: final.client ?? null,
      server: final.server ?? null,
    });
  });
});

// ------------------------------------------------------------------ the traces

const segs = (file: string, from?: Side): SegmentRecord[] =>
  run(file).world.trace.segments.filter((s) => from === undefined || s.from === from);
const flags = (s: SegmentRecord): string => flagString(s.seg.flags);
const states = (file: string, conn: string): string[] =>
  run(file)
    .world.trace.records.filter((r): r is StateRecord => r.kind === 'state' && r.conn === conn)
    .map((r) => r.to);
const timers = (file: string, conn: string, timer: string): TimerRecord[] =>
  run(file).world.trace.records.filter(
    (r): r is TimerRecord => r.kind === 'timer' && r.conn === conn && r.timer === timer,
  );
const call = (file: string, side: Side, name: string) =>
  run(file).world.trace.records.filter(
    (r) => r.kind === 'call' && r.side === side && r.call === name,
  );

describe('the traces show what the summaries say', () => {
  it('teardown-server: the server goes through FIN_WAIT_1/2 to TIME_WAIT, the client through CLOSE_WAIT and LAST_ACK', () => {
    const f = 'teardown-server.scenario';
    expect(states(f, 'server:2')).toEqual([
      'SYN_RECEIVED',
      'ESTABLISHED',
      'FIN_WAIT_1',
      'FIN_WAIT_2',
      'TIME_WAIT',
      'CLOSED',
    ]);
    expect(states(f, 'client:1')).toEqual([
      'SYN_SENT',
      'ESTABLISHED',
      'CLOSE_WAIT',
      'LAST_ACK',
      'CLOSED',
    ]);
  });

  it('simultaneous-open: the SYNs cross, both go SYN_SENT -> SYN_RECEIVED -> ESTABLISHED, nobody listens', () => {
    const f = 'simultaneous-open.scenario';
    for (const conn of ['client:1', 'server:1'])
      expect(states(f, conn)).toEqual(['SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED']);
    const syns = segs(f).filter((s) => flags(s) === 'S');
    expect(syns.map((s) => [s.from, s.t])).toEqual([
      ['client', 50],
      ['server', 50],
    ]);
    expect(
      segs(f)
        .filter((s) => flags(s) === 'S.')
        .map((s) => s.from)
        .sort(),
    ).toEqual(['client', 'server']);
    expect(run(f).world.server.conns).toHaveLength(1);
  });

  it('simultaneous-close: the FINs cross and both sides go through CLOSING to TIME_WAIT', () => {
    const f = 'simultaneous-close.scenario';
    for (const conn of ['client:1', 'server:2'])
      expect(states(f, conn).slice(-4)).toEqual(['FIN_WAIT_1', 'CLOSING', 'TIME_WAIT', 'CLOSED']);
    const fins = segs(f).filter((s) => s.seg.flags & FIN);
    expect(fins.map((s) => s.t)).toEqual([1000, 1000]);
  });

  it('lost-syn-ack: the SYN,ACK is dropped; the SYN is resent, and two SYN,ACKs leave at 1.1 s', () => {
    const f = 'lost-syn-ack.scenario';
    const synAcks = segs(f, 'server').filter((s) => flags(s) === 'S.');
    expect(synAcks.map((s) => [s.t, s.dropped])).toEqual([
      [100, 'rule'],
      [1100, null],
      [1100, null],
    ]);
    expect(
      segs(f, 'client')
        .filter((s) => flags(s) === 'S')
        .map((s) => s.t),
    ).toEqual([50, 1050]);
    expect(call(f, 'client', 'connect').map((c) => c.t)).toEqual([1150]);
  });

  it('lost-handshake-ack: the server reaches ESTABLISHED on the data segment', () => {
    const f = 'lost-handshake-ack.scenario';
    const ack = segs(f, 'client').find((s) => flags(s) === '.')!;
    expect(ack.dropped).toBe('rule');
    const est = run(f).world.trace.records.find(
      (r): r is StateRecord =>
        r.kind === 'state' && r.conn === 'server:2' && r.to === 'ESTABLISHED',
    )!;
    expect({ from: est.from, cause: causeText(est.cause), t: est.t }).toEqual({
      from: 'SYN_RECEIVED',
      cause: 'rcv [P.]',
      t: 400,
    });
    expect(call(f, 'server', 'accept').map((c) => c.t)).toEqual([400]);
    expect(segs(f).filter((s) => s.rtx)).toEqual([]);
  });

  it('lost-data: the data and its first retransmission are dropped; the RTO doubles, 300 then 600 ms', () => {
    const f = 'lost-data.scenario';
    const data = segs(f, 'client').filter((s) => s.seg.payload.length > 0);
    expect(data.map((s) => [s.t, s.rtx, s.dropped])).toEqual([
      [150, false, 'rule'],
      [450, true, 'rule'],
      [1050, true, null],
    ]);
    const armed = timers(f, 'client:1', 'rtx').filter((r) => r.op === 'armed' && r.t >= 150);
    expect(armed.map((r) => r.deadline - r.t)).toEqual([300, 600, 1200]);
    expect(call(f, 'server', 'recv').map((c) => c.t)).toEqual([1100]);
  });

  it('tail-loss-probe: a probe at the RTO, the timeout one RTO after it, 300 and 300 ms', () => {
    const f = 'tail-loss-probe.scenario';
    const data = segs(f, 'client').filter((s) => s.seg.payload.length > 0);
    expect(data.map((s) => [s.t, s.rtx, s.dropped])).toEqual([
      [150, false, 'rule'],
      [450, true, 'rule'],
      [750, true, null],
    ]);
    const fired = timers(f, 'client:1', 'rtx').filter((r) => r.op === 'fired');
    expect(fired.map((r) => [r.t, r.purpose])).toEqual([
      [450, 'tlp'],
      [750, undefined],
    ]);
    expect(call(f, 'server', 'recv').map((c) => c.t)).toEqual([800]);
  });

  it('lost-fin: the FIN is dropped and sent again after 300 ms', () => {
    const f = 'lost-fin.scenario';
    const fins = segs(f, 'client').filter((s) => s.seg.flags & FIN);
    expect(fins.map((s) => [s.t, s.rtx, s.dropped])).toEqual([
      [350, false, 'rule'],
      [650, true, null],
    ]);
    expect(states(f, 'client:1')).toContain('TIME_WAIT');
  });

  it('lost-last-ack: the FIN comes again, TIME_WAIT answers it and starts over', () => {
    const f = 'lost-last-ack.scenario';
    const fins = segs(f, 'server').filter((s) => s.seg.flags & FIN);
    expect(fins.map((s) => [s.t, s.rtx])).toEqual([
      [600, false],
      [900, true],
    ]);
    const tw = timers(f, 'client:1', 'timeWait');
    expect(tw.map((r) => [r.op, r.t, r.deadline])).toEqual([
      ['armed', 650, 60_650],
      ['cancelled', 950, 60_650],
      ['armed', 950, 60_950],
      ['fired', 60_950, 60_950],
    ]);
    expect(states(f, 'client:1').filter((s) => s === 'TIME_WAIT')).toHaveLength(1);
  });

  it('the SYN timeouts: Linux retries linearly first and gives up at 131 s; rfc doubles and gives up at 127 s', () => {
    const schedule = (f: string) => ({
      syns: segs(f, 'client').map((s) => s.t / 1000),
      fails: call(f, 'client', 'connect').map((c) => c.t / 1000),
    });
    expect(schedule('syn-timeout-default.scenario')).toEqual({
      syns: [0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67],
      fails: [131],
    });
    expect(schedule('syn-timeout-rfc.scenario')).toEqual({
      syns: [0, 1, 3, 7, 15, 31, 63],
      fails: [127],
    });
    expect(segs('syn-timeout-rfc.scenario').every((s) => s.seg.flags === SYN)).toBe(true);
  });

  it('close-unread: the client sends a RST, not a FIN, and skips TIME_WAIT', () => {
    const f = 'close-unread.scenario';
    const client = segs(f, 'client');
    expect(client.some((s) => s.seg.flags & FIN)).toBe(false);
    expect(client.filter((s) => s.seg.flags & RST).map(flags)).toEqual(['R.']);
    expect(states(f, 'client:1')).toEqual(['SYN_SENT', 'ESTABLISHED', 'CLOSED']);
  });

  it('time-wait-reuseaddr: bind() succeeds while the old connection is in TIME_WAIT', () => {
    const f = 'time-wait-reuseaddr.scenario';
    const bind = call(f, 'server', 'bind')[1]!;
    const tw = run(f).world.trace.records.filter(
      (r): r is StateRecord => r.kind === 'state' && r.conn === 'server:2',
    );
    const enter = tw.find((r) => r.to === 'TIME_WAIT')!.t;
    const leave = tw.find((r) => r.from === 'TIME_WAIT')!.t;
    expect(bind.t).toBeGreaterThan(enter);
    expect(bind.t).toBeLessThan(leave);
  });

  it('echo-demo: the teardown takes three segments', () => {
    const f = 'echo-demo.scenario';
    const all = segs(f);
    const firstFin = all.findIndex((s) => s.seg.flags & FIN);
    expect(all.slice(firstFin).map((s) => [s.from, flags(s)])).toEqual([
      ['client', 'F.'],
      ['server', 'F.'],
      ['client', '.'],
    ]);
  });
});

// ------------------------------------------------------------------ data transfer

/** The same scenario with one line changed: a variant a summary compares with. */
const variant = (file: string, from: string, to: string): ScenarioRun => {
  const t = text(file);
  expect(t, `${file} has the line to change`).toContain(from);
  return runScenario(parseScenario(t.replace(from, to), file));
};
/** The client's congestion samples. */
const ccOf = (r: ScenarioRun): CcSample[] => {
  const out: CcSample[] = [];
  for (let i = 0; i < r.world.trace.ccCount; i++) {
    const s = r.world.trace.ccSample(i);
    if (s.side === 'client') out.push(s);
  }
  return out;
};
/** The client's sample as instant t ended. */
const ccAt = (samples: readonly CcSample[], t: number): CcSample =>
  samples.filter((s) => s.t <= t).at(-1)!;
/** When each run of a phase began. */
const phaseStarts = (samples: readonly CcSample[], phase: string): number[] =>
  samples.filter((s, i) => s.phase === phase && samples[i - 1]?.phase !== phase).map((s) => s.t);
const data = (r: ScenarioRun): SegmentRecord[] =>
  r.world.trace.segments.filter((s) => s.from === 'client' && s.seg.payload.length > 0);
const MSS_LINUX = 1448;
const MSS_RFC = 1460;
const segsOf = (bytes: number, mss: number): number => Math.round((bytes / mss) * 10) / 10;
const near = (x: number, want: number, by = 1): boolean => Math.abs(x - want) <= by;

describe('the transfer lessons show what their summaries say', () => {
  it('slow-start: cwnd doubles each round trip until the queue overflows; RACK and PRR repair 21 losses; avoidance from 55', () => {
    const r = run('slow-start.scenario');
    const cc = ccOf(r);
    expect([0, 225, 352, 500].map((t) => (t ? ccAt(cc, t) : cc[0]!).cwnd / MSS_LINUX)).toEqual([
      10, 20, 40, 78,
    ]);
    expect(Math.max(...cc.map((s) => s.cwnd)) / MSS_LINUX).toBe(78);
    const drops = data(r).filter((s) => s.dropped);
    expect(drops.every((s) => s.dropped === 'queue')).toBe(true);
    expect(drops.map((s) => Math.floor(s.t / 10) * 10)).toEqual([
      350,
      ...drops.slice(1).map((s) => Math.floor(s.t / 10) * 10),
    ]);
    expect(drops.slice(1).every((s) => s.t >= 450 && s.t < 500)).toBe(true);
    expect(drops).toHaveLength(21);
    const [fr] = phaseStarts(cc, 'fast-recovery');
    expect(phaseStarts(cc, 'fast-recovery').map(Math.round)).toEqual([512]);
    expect(cc.filter((s) => s.t < fr!).every((s) => s.phase === 'slow-start')).toBe(true);
    expect(segsOf(ccAt(cc, fr!).ssthresh!, MSS_LINUX)).toBe(55);
    const rtx = data(r).filter((s) => s.rtx);
    expect(rtx).toHaveLength(21);
    expect(rtx.every((s) => s.t >= 512 && s.t < 650)).toBe(true);
    const ca = phaseStarts(cc, 'avoidance')[0]!;
    expect(near(ca, 776)).toBe(true);
    expect(ccAt(cc, ca).cwnd / MSS_LINUX).toBe(55);
    const srtts = cc.map((s) => s.srtt ?? 0);
    expect(Math.round(cc[0]!.srtt!)).toBe(100);
    expect(near(Math.max(...srtts), 135, 4)).toBe(true);
    let q = 0;
    for (let i = 0; i < r.world.trace.queueCount; i++)
      q = Math.max(q, r.world.trace.queueSample(i).packets);
    expect(q).toBe(20);
  });

  it('fast-recovery: three duplicate ACKs, ssthresh 9 and cwnd 9 + 3, inflation lets new data out, the full ACK deflates to 8', () => {
    const r = run('fast-recovery.scenario');
    const d = data(r);
    expect(d.filter((s) => s.dropped).map((s) => [s.t, s.dropped])).toEqual([[200, 'rule']]);
    expect(d.filter((s) => s.rtx).map((s) => s.t)).toEqual([300]);
    expect(timers('fast-recovery.scenario', 'client:1', 'rtx').some((x) => x.op === 'fired')).toBe(
      false,
    );
    const cc = ccOf(r);
    expect(ccAt(cc, 200).cwnd / MSS_RFC).toBe(15);
    const fr = ccAt(cc, 300);
    expect([fr.phase, fr.ssthresh! / MSS_RFC, fr.cwnd / MSS_RFC]).toEqual(['fast-recovery', 9, 18]);
    const full = ccAt(cc, 400);
    expect([full.phase, full.cwnd / MSS_RFC]).toEqual(['slow-start', 8]);
    const ca = ccAt(cc, 500);
    expect([ca.phase, ca.cwnd / MSS_RFC]).toEqual(['avoidance', 9]);
    // At 0.4 s: seven duplicate ACKs each let a new segment out, then the full ACK arrives.
    const at400 = r.world.trace.records.filter((x) => x.t === 400);
    const order = at400.flatMap((x) => {
      if (x.kind === 'segment' && x.from === 'client') return ['send'];
      if (x.kind !== 'deliver') return [];
      const s = r.world.trace.segment(x.id);
      return s.from === 'server'
        ? [s.seg.ack === d.find((y) => y.rtx)!.seg.seq ? 'dup' : 'ack']
        : [];
    });
    expect(order.join(' ')).toMatch(/^(dup send ){7}ack send/);
  });

  it('rto-collapse: the fast retransmission is lost; inflation goes on; the timer fires at 1.3 s; slow start from one segment', () => {
    const r = run('rto-collapse.scenario');
    const d = data(r);
    expect(d.filter((s) => s.dropped).map((s) => [s.t, s.rtx])).toEqual([
      [200, false],
      [300, true],
    ]);
    expect(d.filter((s) => s.rtx).map((s) => s.t)).toEqual([300, 1300]);
    const cc = ccOf(r);
    expect(Math.max(...cc.map((s) => s.cwnd)) / MSS_RFC).toBe(48);
    expect(Math.max(...cc.map((s) => s.flight)) / MSS_RFC).toBe(41);
    const rto = ccAt(cc, 1300);
    expect([rto.phase, rto.cwnd / MSS_RFC, rto.ssthresh! / MSS_RFC]).toEqual([
      'rto-recovery',
      1,
      20.5,
    ]);
    expect([1400, 1500, 1600, 1700, 1800].map((t) => ccAt(cc, t).cwnd / MSS_RFC)).toEqual([
      2, 4, 7, 11, 17,
    ]);
    expect(phaseStarts(cc, 'avoidance')).toEqual([1900]);
  });

  it('sack-recovery: three holes resent within 5 ms of each other, one round trip on; one per round trip without SACK', () => {
    const r = run('sack-recovery.scenario');
    const d = data(r);
    const first = d[0]!.seg.seq;
    expect(d.filter((s) => s.dropped).map((s) => (s.seg.seq - first) / MSS_LINUX + 1)).toEqual([
      38, 42, 46,
    ]);
    const rtx = d.filter((s) => s.rtx).map((s) => s.t);
    expect(rtx.map((t) => Math.floor(t))).toEqual([414, 415, 419]);
    const cc = ccOf(r);
    expect(segsOf(ccAt(cc, 415).ssthresh!, MSS_LINUX)).toBe(32);
    expect(phaseStarts(cc, 'avoidance').map((t) => Math.round(t / 10) * 10)).toEqual([530]);
    const off = variant(
      'sack-recovery.scenario',
      'set rcvBuf 1048576',
      'set rcvBuf 1048576\nset sack false',
    );
    expect(
      data(off)
        .filter((s) => s.rtx)
        .map((s) => Math.round(s.t / 10) / 100),
    ).toEqual([0.42, 0.53, 0.63]);
  });

  it('reno-sawtooth: halved at each loss, grown by a segment a round trip; CUBIC cuts to 0.7 of its window and loses at other times', () => {
    const r = run('reno-sawtooth.scenario');
    const cc = ccOf(r);
    const recoveries = phaseStarts(cc, 'fast-recovery');
    expect(recoveries.map((t) => Math.round(t / 10) / 100)).toEqual([0.36, 1.81, 3.56]);
    expect(recoveries.map((t) => segsOf(ccAt(cc, t).ssthresh!, MSS_RFC))).toEqual([37, 30, 30]);
    const drops = data(r).filter((s) => s.dropped);
    expect(drops.filter((s) => s.t < 400)).toHaveLength(15);
    expect(drops.filter((s) => s.t >= 400).map((s) => Math.round(s.t / 10) / 100)).toEqual([
      1.74, 3.49,
    ]);
    const srtts = cc.filter((s) => s.t > 600).map((s) => s.srtt!);
    expect(Math.min(...srtts)).toBeGreaterThan(50);
    expect(Math.max(...srtts)).toBeLessThan(62);
    // Each loss leaves Reno half of what was in flight, and CUBIC 0.7 of its window.
    const cut = (samples: CcSample[], t: number) =>
      ccAt(samples, t).ssthresh! / samples.filter((s) => s.t < t).at(-1)!.cwnd;
    const cubic = ccOf(variant('reno-sawtooth.scenario', 'set cc reno', 'set cc cubic'));
    const cubicLosses = phaseStarts(cubic, 'fast-recovery');
    for (const t of cubicLosses) expect(near(cut(cubic, t), 0.7, 0.01)).toBe(true);
    expect(cubicLosses.map((t) => Math.round(t / 10) / 100)).not.toEqual(
      recoveries.map((t) => Math.round(t / 10) / 100),
    );
  });

  it('bufferbloat: no loss, slow start all along, SRTT past 1.3 s, the send buffer caps the flight; a small queue keeps SRTT low', () => {
    const r = run('bufferbloat.scenario');
    expect(r.world.trace.segments.some((s) => s.dropped)).toBe(false);
    const cc = ccOf(r);
    expect(cc.every((s) => s.phase === 'slow-start')).toBe(true);
    expect(Math.round(cc.at(-1)!.srtt! / 10) * 10).toBe(1360);
    expect(Math.max(...cc.map((s) => s.flight)) / MSS_LINUX).toBe(181);
    let q = 0;
    for (let i = 0; i < r.world.trace.queueCount; i++)
      q = Math.max(q, r.world.trace.queueSample(i).packets);
    expect(q).toBe(173);
    const small = variant('bufferbloat.scenario', 'queue 1000', 'queue 10');
    expect(small.world.trace.segments.find((s) => s.dropped)!.t).toBeLessThan(200);
    expect(Math.max(...ccOf(small).map((s) => s.srtt ?? 0))).toBeLessThan(220);
  });

  it('zero-window: a window of 0 at 0.37 s, probes whose waits double, the update at 3 s', () => {
    const f = 'zero-window.scenario';
    const server = segs(f, 'server').filter((s) => !(s.seg.flags & SYN));
    const zero = server.filter((s) => s.seg.window === 0);
    expect(zero[0]!.t).toBe(370);
    const probes = segs(f, 'client').filter(
      (s) => s.seg.payload.length === 0 && s.t > 400 && s.t < 3000,
    );
    expect(probes.map((s) => Math.round(s.t) / 1000)).toEqual([0.734, 1.363, 2.621]);
    const waits = probes.map((s, i) => s.t - (i === 0 ? 420 : probes[i - 1]!.t));
    expect(near(waits[2]! / waits[1]!, 2, 0.01)).toBe(true);
    // Each probe is answered, still with a window of 0.
    expect(zero.filter((s) => s.t > 700 && s.t < 3000)).toHaveLength(3);
    const update = server.find((s) => s.t >= 3000)!;
    expect([update.t, update.seg.window << 7]).toEqual([3000, 8192]);
    expect(segs(f).some((s) => s.rtx)).toBe(false);
  });

  it('window-scaling: no window scale option; the window field caps the flight at 44 segments while cwnd reaches 88', () => {
    const r = run('window-scaling.scenario');
    const syns = r.world.trace.segments.filter((s) => s.seg.flags & SYN);
    expect(syns.map((s) => [s.seg.options.wscale, s.seg.options.ts])).toEqual([
      [undefined, undefined],
      [undefined, undefined],
    ]);
    const cc = ccOf(r);
    expect([0, 450, 650, 850].map((t) => (t ? ccAt(cc, t) : cc[0]!).cwnd / MSS_RFC)).toEqual([
      10, 20, 40, 80,
    ]);
    expect(Math.max(...cc.map((s) => s.flight)) / MSS_RFC).toBe(44);
    expect(Math.max(...cc.map((s) => s.cwnd)) / MSS_RFC).toBe(88);
    expect(cc.filter((s) => s.t > 1000).every((s) => s.flight === 44 * MSS_RFC)).toBe(true);
    expect(r.world.trace.segments.some((s) => s.rtx)).toBe(false);
  });
});
