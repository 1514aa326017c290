/**
 * Runs as data: recorded runs survive encode → decode and replay to the very
 * same trace; the text form is deterministic; and broken links of every kind
 * are refused with a message naming the problem and where it is — never a throw.
 */
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Call } from '../sockets/host';
import {
  DEFAULT_REPLAY_STEPS,
  MAX_INPUTS,
  MAX_RUN_TEXT,
  decodeRun,
  encodeRun,
  readLink,
  replayRun,
  runLink,
  type SharedRun,
} from './run-codec';
import { parseIp } from '../tcp/segment';
import {
  bytes,
  connectTo,
  echoServer,
  listenOn,
  makeWorld,
  okRet,
  readAll,
  segmentsFrom,
} from '../testing/test-world';
import { World } from '../sim/world';
import { WORK_BUDGET } from './limits';
import { parseScenario } from './scenario';
import { runScenario } from './scenario-runner';

const b64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
const b64 = (data: Uint8Array): string => Buffer.from(data).toString('base64');

/**
 * PROPERTY_SCALE (default 1) multiplies the runs of each property test:
 * `npm run test:deep` sets it to 10.
 */
const PROPERTY_SCALE = Number(process.env.PROPERTY_SCALE ?? 1);

function shared(w: World, extra: Partial<SharedRun> = {}): SharedRun {
  return { v: 1, options: w.options, inputs: w.inputs, cursor: w.now, ...extra };
}

/** Every byte value, `times` times over. */
function allBytes(times: number): Uint8Array {
  const out = new Uint8Array(256 * times);
  for (let i = 0; i < out.length; i++) out[i] = (i * 7 + (i >> 8)) & 255;
  return out;
}

/** The run's queue samples, as values. */
const queueSamples = (w: World) =>
  Array.from({ length: w.trace.queueCount }, (_, i) => w.trace.queueSample(i));

// ------------------------------------------------------------------ recorded runs

function echoRun(): World {
  const w = makeWorld(7, 10);
  echoServer(w, listenOn(w));
  const { fd, connect } = connectTo(w);
  w.runUntil(100);
  okRet(connect);
  readAll(w, 'client', fd);
  w.call('client', { name: 'send', fd, data: bytes('hello, world') });
  w.runUntil(200);
  w.call('client', { name: 'shutdown', fd, how: 'SHUT_WR' });
  w.runUntilIdle(600_000);
  return w;
}

function allBytesRun(): World {
  const w = makeWorld(12345, 5);
  const lfd = listenOn(w, { reuseAddr: true, backlog: 3 });
  const acc = w.call('server', { name: 'accept', fd: lfd });
  const { fd, connect } = connectTo(w);
  w.runUntil(50);
  okRet(connect);
  const sfd = okRet(acc);
  readAll(w, 'server', sfd, undefined, 700);
  w.call('client', { name: 'send', fd, data: allBytes(1) });
  w.call('client', { name: 'send', fd, data: allBytes(23) }); // several segments
  w.call('client', { name: 'send', fd, data: new Uint8Array(0) });
  w.call('client', { name: 'send', fd, data: allBytes(3).subarray(5, 9) }); // a view
  w.runUntil(400);
  w.call('client', { name: 'setsockopt', fd, opt: 'SO_LINGER', onoff: true, linger: 0 });
  w.call('client', { name: 'close', fd });
  w.runUntilIdle(600_000);
  return w;
}

function faultyLinkRun(): World {
  const w = new World({
    seed: 0xffff_ffff,
    profile: 'rfc',
    overrides: {
      rtoMin: 300,
      rtoInitial: 700.5,
      wscale: null,
      timestamps: true,
      nagle: false,
      ephemeralLow: 40000,
      ephemeralHigh: 40010,
      tcp_retries2: 8,
    },
    link: { client: { delay: 12.25, jitter: 3 }, server: { delay: 20 } },
    clientIp: '10.1.2.3',
    serverIp: '10.9.8.7',
  });
  echoServer(w, listenOn(w));
  const fd = okRet(w.call('client', { name: 'socket' }));
  const connect = w.call('client', { name: 'connect', fd, ip: parseIp('10.9.8.7')!, port: 9821 });
  w.runUntil(300);
  okRet(connect);
  readAll(w, 'client', fd);
  w.act({ kind: 'link', from: 'client', change: { loss: 0.3, duplicate: 0.2 } });
  w.act({ kind: 'link', from: 'server', change: { reorder: 0.4, jitter: 7.5, loss: 0.1 } });
  for (let i = 0; i < 12; i++) {
    w.call('client', { name: 'send', fd, data: bytes(`message ${i} `.repeat(i + 1)) });
    w.runUntil(w.now + 37.125);
  }
  w.act({ kind: 'link', from: 'client', change: { loss: 0, duplicate: 0 } });
  w.act({ kind: 'link', from: 'server', change: { loss: 0, reorder: 0 } });
  w.runUntil(w.now + 5000);
  w.call('client', { name: 'shutdown', fd, how: 'SHUT_WR' });
  w.runUntilIdle(1_000_000);
  return w;
}

function rulesAndDropsRun(): World {
  const w = makeWorld(99, 30);
  w.act({ kind: 'rule', rule: { kind: 'dropNext', from: 'server', flags: 'S.' } });
  w.act({ kind: 'rule', rule: { kind: 'dropNth', from: 'client', n: 4 } });
  w.act({ kind: 'rule', rule: { kind: 'dropNext', from: 'client', flags: 'F.' } });
  const lfd = listenOn(w);
  const acc = w.call('server', { name: 'accept', fd: lfd });
  const { fd, connect } = connectTo(w);
  w.runUntil(3000);
  okRet(connect);
  const sfd = okRet(acc);
  readAll(w, 'server', sfd, undefined, 1);
  w.call('client', { name: 'send', fd, data: bytes('abc') });
  w.runUntil(w.now + 10);
  // Drop what is on the link now, by hand.
  const flying = w.at(w.now).inFlight;
  expect(flying.length).toBeGreaterThan(0);
  for (const s of flying) w.act({ kind: 'drop', id: s.id });
  w.act({ kind: 'drop', id: 9999 }); // not on the link: nothing happens, but it is an input
  w.runUntil(w.now + 2000);
  w.call('server', { name: 'send', fd: sfd, data: bytes('xyz') });
  w.call('client', { name: 'recv', fd, len: 2 });
  w.call('client', { name: 'close', fd });
  w.call('server', { name: 'shutdown', fd: sfd, how: 'SHUT_RDWR' });
  w.call('server', { name: 'close', fd: sfd });
  w.runUntil(w.now + 1234.5);
  return w;
}

/** Drop rules with masks, payload patterns and triggers, on an echo session that sends data both ways. */
function patternRulesRun(): World {
  const w = makeWorld(5, 20);
  // The first pure ACK the client sends after the server's FIN; a data segment holding "lo, w";
  // a FIN-carrying segment of the server once the client has sent a SYN (any SYN, so: at once).
  w.act({
    kind: 'rule',
    rule: {
      kind: 'dropNext',
      from: 'client',
      flags: '.',
      payload: 'empty',
      after: { from: 'server', flags: '+F' },
    },
  });
  w.act({
    kind: 'rule',
    rule: { kind: 'dropNext', from: 'client', flags: null, payload: { contains: bytes('lo, w') } },
  });
  w.act({
    kind: 'rule',
    rule: {
      kind: 'dropNext',
      from: 'server',
      flags: '+F-S',
      payload: 'data',
      after: { from: 'client', flags: '+S', payload: 'empty' },
    },
  });
  echoServer(w, listenOn(w));
  const { fd, connect } = connectTo(w);
  w.runUntil(100);
  okRet(connect);
  readAll(w, 'client', fd);
  w.call('client', { name: 'send', fd, data: bytes('hello, world') });
  w.runUntil(2000);
  w.call('client', { name: 'shutdown', fd, how: 'SHUT_WR' });
  w.runUntilIdle(600_000);
  return w;
}

/**
 * A bulk transfer through bottlenecks both ways: a rate and a queue of packets
 * from the start, a queue of bytes and another rate set mid-run, a segment
 * dropped by hand while it waits in the queue, and loss and jitter besides.
 */
function bottleneckRun(): World {
  const w = new World({
    seed: 77,
    link: {
      client: { delay: 5, jitter: 1, rate: 2_000_000, queue: { packets: 6 } },
      server: { delay: 5, rate: 500_000 },
    },
  });
  echoServer(w, listenOn(w));
  const { fd, connect } = connectTo(w);
  w.runUntil(100);
  okRet(connect);
  readAll(w, 'client', fd);
  w.act({ kind: 'link', from: 'server', change: { queue: { bytes: 6000 }, loss: 0.05 } });
  w.call('client', { name: 'send', fd, data: allBytes(40) });
  w.runUntil(w.now + 200);
  w.call('client', { name: 'send', fd, data: allBytes(20) });
  w.runUntil(w.now + 2);
  // The second of these is still in the client's queue (a segment takes 6 ms at 2 Mbit/s).
  const waiting = w.at(w.now).inFlight.filter((s) => s.from === 'client' && s.seg.payload.length);
  w.act({ kind: 'drop', id: waiting[1]!.id });
  w.act({ kind: 'link', from: 'client', change: { rate: 8_000_000, queue: null } });
  w.call('client', { name: 'send', fd, data: allBytes(20) });
  w.runUntil(w.now + 3000);
  w.call('client', { name: 'shutdown', fd, how: 'SHUT_WR' });
  w.runUntilIdle(600_000);
  return w;
}

const RUNS: readonly [string, () => World][] = [
  ['bottlenecks with queues of packets and bytes, changed mid-run', bottleneckRun],
  ['an echo session', echoRun],
  ['data with every byte value, SO_LINGER abort', allBytesRun],
  ['rfc profile, overrides, addresses, a faulty link changed mid-run', faultyLinkRun],
  ['drop rules and segments dropped in flight', rulesAndDropsRun],
  ['drop rules with masks, payload patterns and triggers', patternRulesRun],
  ['an empty run', () => makeWorld(0)],
];

describe('encodeRun → decodeRun → World.replay', () => {
  for (const [name, build] of RUNS) {
    it(`rebuilds ${name} with a byte-identical trace`, () => {
      const w = build();
      const run = shared(w);
      const text = encodeRun(run);
      const d = decodeRun(text);
      if (!d.ok) throw new Error(d.error);
      expect(d.run.inputs.length).toBe(w.inputs.length);
      expect(d.run.cursor).toBe(w.now);
      const again = World.replay(d.run.options, d.run.inputs, d.run.cursor);
      expect(again.trace.toJsonLines()).toBe(w.trace.toJsonLines());
      expect(queueSamples(again)).toEqual(queueSamples(w));
      expect(again.now).toBe(w.now);
      // The text form is canonical: decoding and encoding again changes nothing.
      expect(encodeRun(d.run)).toBe(text);
    });
  }

  it('covers what it claims: queue drops both ways, a segment dropped while it waits', () => {
    const w = bottleneckRun();
    const drops = w.trace.segments.filter((s) => s.dropped === 'queue');
    expect(new Set(drops.map((s) => s.from))).toEqual(new Set(['client', 'server']));
    expect(w.trace.records.some((r) => r.kind === 'drop' && r.reason === 'user')).toBe(true);
    expect(w.options.link?.client?.queue).toEqual({ packets: 6 });
    const d = decodeRun(encodeRun(shared(w)));
    if (!d.ok) throw new Error(d.error);
    expect(d.run.options.link).toEqual(w.options.link);
    // The segment dropped by hand was still waiting: it kept its place in the queue.
    const user = w.trace.records.find((r) => r.kind === 'drop' && r.reason === 'user')!;
    expect(w.trace.queueAt(user.t).client.packets).toBeGreaterThan(1);
    expect(d.run.inputs.map((i) => i.action).filter((a) => a.kind === 'link')).toEqual([
      { kind: 'link', from: 'server', change: { queue: { bytes: 6000 }, loss: 0.05 } },
      { kind: 'link', from: 'client', change: { rate: 8_000_000, queue: null } },
    ]);
  });

  it('covers what it claims: drops by rule and by hand, a faulty link, every byte value', () => {
    const rd = rulesAndDropsRun();
    expect(rd.trace.records.some((r) => r.kind === 'segment' && r.dropped === 'rule')).toBe(true);
    expect(rd.trace.records.some((r) => r.kind === 'drop' && r.reason === 'user')).toBe(true);
    const fl = faultyLinkRun();
    const segs = segmentsFrom(fl, 'client');
    expect(segs.some((s) => s.dropped === 'loss')).toBe(true);
    expect(fl.trace.records.some((r) => r.kind === 'segment' && r.dupOf !== null)).toBe(true);
    const ab = allBytesRun();
    const sends = ab.inputs.flatMap((i) =>
      i.action.kind === 'call' && i.action.call.name === 'send' ? [i.action.call.data] : [],
    );
    const d = decodeRun(encodeRun(shared(ab)));
    if (!d.ok) throw new Error(d.error);
    const decoded = d.run.inputs.flatMap((i) =>
      i.action.kind === 'call' && i.action.call.name === 'send' ? [i.action.call.data] : [],
    );
    expect(decoded).toEqual(sends);
    expect(new Set(decoded[0])).toEqual(new Set(Array.from({ length: 256 }, (_, i) => i)));
    expect(decoded[3]).toEqual(allBytes(3).subarray(5, 9));
  });

  it('drops by pattern: the segment with the bytes, and the pure ACK after the FIN', () => {
    const w = patternRulesRun();
    const dropped = w.trace.segments.filter((r) => r.dropped === 'rule');
    const text = (p: Uint8Array) => new TextDecoder().decode(p);
    expect(dropped.map((r) => [r.from, r.seg.flags, text(r.seg.payload)])).toEqual([
      ['client', 0x18, 'hello, world'],
      ['client', 0x10, ''],
    ]);
    // The ACK dropped is the first pure ACK of the client after the server's first FIN.
    const finAt = w.trace.segments.find((r) => r.from === 'server' && r.seg.flags & 1)!;
    const ack = w.trace.segments.find(
      (r) =>
        r.from === 'client' &&
        r.id > finAt.id &&
        r.seg.flags === 0x10 &&
        r.seg.payload.length === 0,
    )!;
    expect(ack.dropped).toBe('rule');
    // The third rule is armed but never matches: the server sends no FIN with data.
    expect(w.link.pendingRules).toHaveLength(1);
  });

  it('writes pattern rules as JSON: payloads in base64, optional fields only when given', () => {
    const w = patternRulesRun();
    const json = JSON.parse(Buffer.from(encodeRun(shared(w)), 'base64url').toString('utf8')) as {
      inputs: { action: { rule?: unknown } }[];
    };
    expect(json.inputs.slice(0, 3).map((i) => i.action.rule)).toEqual([
      {
        kind: 'dropNext',
        from: 'client',
        flags: '.',
        payload: 'empty',
        after: { from: 'server', flags: '+F' },
      },
      { kind: 'dropNext', from: 'client', flags: null, payload: { contains: b64(bytes('lo, w')) } },
      {
        kind: 'dropNext',
        from: 'server',
        flags: '+F-S',
        payload: 'data',
        after: { from: 'client', flags: '+S', payload: 'empty' },
      },
    ]);
    // A rule of flags alone keeps the form links had before patterns: old links still read.
    const old = JSON.parse(
      Buffer.from(encodeRun(shared(rulesAndDropsRun())), 'base64url').toString('utf8'),
    ) as { inputs: { action: { rule?: unknown } }[] };
    expect(old.inputs[0]!.action.rule).toEqual({ kind: 'dropNext', from: 'server', flags: 'S.' });
  });

  it('keeps the scenario id and the cursor', () => {
    const w = echoRun();
    const d = decodeRun(encodeRun(shared(w, { cursor: 123.456, scenario: 'echo' })));
    expect(d.ok && d.run.scenario).toBe('echo');
    expect(d.ok && d.run.cursor).toBe(123.456);
  });
});

describe('replayRun', () => {
  for (const [name, build] of RUNS) {
    it(`rebuilds ${name} as World.replay does`, () => {
      const w = build();
      const d = decodeRun(encodeRun(shared(w)));
      if (!d.ok) throw new Error(d.error);
      const r = replayRun(d.run);
      if (!r.ok) throw new Error(r.error);
      expect(r.world.trace.toJsonLines()).toBe(w.trace.toJsonLines());
      expect(r.world.now).toBe(w.now);
      expect(r.world.stepsRun).toBe(World.replay(w.options, w.inputs, w.now).stepsRun);
    });
  }

  it('stands at the cursor, or after the last input when the cursor is earlier', () => {
    const w = echoRun();
    const early = replayRun(shared(w, { cursor: 0 }));
    expect(early.ok && early.world.now).toBe(w.inputs[w.inputs.length - 1]!.t);
    const late = replayRun(shared(w, { cursor: w.now + 5000 }));
    expect(late.ok && late.world.now).toBe(w.now + 5000);
  });

  it('gives up on a run that would take too many steps, without running them', () => {
    const w = faultyLinkRun();
    const steps = w.stepsRun;
    expect(replayRun(shared(w), steps).ok).toBe(true);
    expect(replayRun(shared(w), steps - 1)).toEqual({
      ok: false,
      error: `the run takes more than ${steps - 1} steps to replay`,
    });
    // An input that asks for a billion steps is refused at once.
    const huge: SharedRun = {
      v: 1,
      options: { seed: 1 },
      inputs: [{ t: 0, steps: 1e9, action: { kind: 'drop', id: 0 } }],
      cursor: 0,
    };
    expect(replayRun(huge)).toEqual({
      ok: false,
      error: `the run takes more than ${DEFAULT_REPLAY_STEPS} steps to replay`,
    });
  });

  it('replays within the work budget of a scenario run, by events or by segments', () => {
    expect(DEFAULT_REPLAY_STEPS).toBe(WORK_BUDGET.events);
    // A zero window probed every millisecond, for 2 s: thousands of events and segments.
    const sc = parseScenario(
      [
        'set rtoMin 1ms',
        'set rtoInitial 1ms',
        'set rtoMax 1ms',
        'set rcvBuf 256',
        'link both delay 0.1ms',
        '0 server l = socket()',
        '0 server bind(l, 9821)',
        '0 server listen(l)',
        '0 server c = accept(l)',
        '0 client s = socket()',
        '+0 client connect(s, server)',
        '+0 client send(s, 100000)',
        'run 2s',
      ].join('\n'),
    );
    const w = runScenario(sc).world;
    const segments = w.trace.segments.length;
    expect(segments).toBeGreaterThan(1000);
    const d = decodeRun(encodeRun(shared(w)));
    if (!d.ok) throw new Error(d.error);
    // What a scenario run recorded, the default budget replays.
    const r = replayRun(d.run);
    if (!r.ok) throw new Error(r.error);
    expect(r.world.trace.toJsonLines()).toBe(w.trace.toJsonLines());
    expect(r.world.options.budget).toEqual(WORK_BUDGET);
    expect(replayRun(d.run, { segments: segments - 1 })).toEqual({
      ok: false,
      error: `the run sends more than ${segments - 1} segments when replayed`,
    });
    expect(replayRun(d.run, { segments })).toMatchObject({ ok: true });
    expect(replayRun(d.run, { events: 1000 })).toEqual({
      ok: false,
      error: 'the run takes more than 1000 steps to replay',
    });
  });

  it('reports a run the World refuses, without throwing', () => {
    const r = replayRun({ v: 1, options: { seed: 1, clientIp: 'nowhere' }, inputs: [], cursor: 0 });
    expect(r).toEqual({ ok: false, error: 'cannot replay the run: not an IPv4 address: nowhere' });
  });
});

describe('the text form', () => {
  it('is base64url of compact JSON, without padding', () => {
    const run: SharedRun = { v: 1, options: { seed: 5 }, inputs: [], cursor: 0 };
    const text = encodeRun(run);
    expect(text).toBe(b64url('{"v":1,"options":{"seed":5},"inputs":[],"cursor":0}'));
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('writes bytes as base64, the server address as a dotted quad', () => {
    const data = allBytes(1);
    const run: SharedRun = {
      v: 1,
      options: { seed: 1 },
      inputs: [
        {
          t: 0,
          steps: 0,
          action: { kind: 'call', side: 'client', call: { name: 'send', fd: 3, data } },
        },
        {
          t: 0,
          steps: 0,
          action: {
            kind: 'call',
            side: 'client',
            call: { name: 'connect', fd: 3, ip: parseIp('192.0.2.1')!, port: 80 },
          },
        },
      ],
      cursor: 0,
    };
    const json = Buffer.from(encodeRun(run), 'base64url').toString('utf8');
    expect(json).toContain(`"data":"${b64(data)}"`);
    expect(json).toContain('"ip":"192.0.2.1"');
  });

  it('is deterministic: the same run in any key order gives the same text', () => {
    const a: SharedRun = {
      v: 1,
      options: {
        seed: 3,
        profile: 'rfc',
        overrides: { rtoMin: 5, nagle: false },
        link: { server: { loss: 0.5, delay: 3 }, client: { jitter: 1 } },
        serverIp: '10.0.0.2',
        clientIp: '10.0.0.1',
      },
      inputs: [
        {
          t: 1,
          steps: 2,
          action: { kind: 'rule', rule: { kind: 'dropNth', from: 'client', n: 3 } },
        },
      ],
      cursor: 4,
      scenario: 'x',
    };
    const b = {
      scenario: 'x',
      cursor: 4,
      inputs: [
        {
          action: { rule: { n: 3, from: 'client', kind: 'dropNth' }, kind: 'rule' },
          steps: 2,
          t: 1,
        },
      ],
      options: {
        clientIp: '10.0.0.1',
        serverIp: '10.0.0.2',
        link: { client: { jitter: 1 }, server: { delay: 3, loss: 0.5 } },
        overrides: { nagle: false, rtoMin: 5 },
        profile: 'rfc',
        seed: 3,
      },
      v: 1,
    } as const satisfies SharedRun;
    expect(encodeRun(b)).toBe(encodeRun(a));
    expect(encodeRun(a)).toBe(encodeRun(a));
  });

  it('survives any send data and any valid numbers (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (data, t, seed, loss) => {
          const run: SharedRun = {
            v: 1,
            options: { seed, link: { client: { loss } } },
            inputs: [
              {
                t,
                steps: 1,
                action: { kind: 'call', side: 'server', call: { name: 'send', fd: 4, data } },
              },
            ],
            cursor: t,
          };
          const d = decodeRun(encodeRun(run));
          if (!d.ok) throw new Error(d.error);
          // -0 comes back as 0, which replays the same.
          expect(d.run).toEqual({
            ...run,
            inputs: [{ ...run.inputs[0], t: t + 0 }],
            cursor: t + 0,
          });
        },
      ),
      { seed: 20260101, numRuns: 300 * PROPERTY_SCALE },
    );
  });

  it('never throws on garbage or on a damaged link (property)', () => {
    const good = encodeRun(shared(rulesAndDropsRun()));
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = decodeRun(s);
        expect(typeof r.ok).toBe('boolean');
        expect(readLink(`https://x/#run=${s}`).ok).toBe(r.ok);
      }),
      { seed: 1, numRuns: 500 * PROPERTY_SCALE },
    );
    fc.assert(
      fc.property(
        fc.nat({ max: good.length - 1 }),
        fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
        (i, ch) => {
          const r = decodeRun(good.slice(0, i) + ch + good.slice(i + 1));
          expect(r.ok || r.error.length > 0).toBe(true);
        },
      ),
      { seed: 2, numRuns: 500 * PROPERTY_SCALE },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = decodeRun(b64url(JSON.stringify(v) ?? 'null'));
        expect(r.ok).toBe(false);
      }),
      { seed: 3, numRuns: 300 * PROPERTY_SCALE },
    );
  });
});

describe('links', () => {
  const run: SharedRun = { v: 1, options: { seed: 9 }, inputs: [], cursor: 10, scenario: 'echo' };

  it('carry the run in the #run= fragment', () => {
    const link = runLink(run, 'https://example.org/tcp/');
    expect(link).toBe(`https://example.org/tcp/#run=${encodeRun(run)}`);
    expect(readLink(link)).toEqual({ ok: true, run });
  });

  it('replace a fragment the base had', () => {
    const link = runLink(run, 'https://example.org/tcp/#run=old');
    expect(link).toBe(`https://example.org/tcp/#run=${encodeRun(run)}`);
  });

  it('are read among other fragment parameters and with stray whitespace', () => {
    expect(readLink(`  https://e/?a=1#x=2&run=${encodeRun(run)}&y=3 \n`)).toEqual({
      ok: true,
      run,
    });
  });

  it.each([
    ['https://example.org/tcp/', 'no #run= fragment'],
    ['https://example.org/tcp/#', 'no #run= fragment'],
    ['https://example.org/tcp/#step=4', 'no #run= fragment'],
    ['https://example.org/tcp/#run=', '#run= fragment is empty'],
    ['https://example.org/tcp/#run=&x=1', '#run= fragment is empty'],
    ['https://example.org/tcp/#run=a*b', 'not base64url at character 1'],
  ])('refuse %j: %s', (url, message) => {
    const r = readLink(url);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });
});

// ------------------------------------------------------------------ broken links

type Json = Record<string, unknown>;

/** A small valid run as JSON, with one input of each kind. */
function validJson(): Json {
  return {
    v: 1,
    options: {
      seed: 1,
      profile: 'linux',
      overrides: { rtoMin: 100, nagle: false, wscale: 7 },
      link: { client: { delay: 10, loss: 0 }, server: { jitter: 2 } },
      clientIp: '192.0.2.10',
      serverIp: '192.0.2.1',
    },
    inputs: [
      { t: 0, steps: 0, action: { kind: 'call', side: 'server', call: { name: 'socket' } } },
      {
        t: 0,
        steps: 0,
        action: { kind: 'call', side: 'server', call: { name: 'bind', fd: 3, port: 9821 } },
      },
      {
        t: 0,
        steps: 0,
        action: { kind: 'call', side: 'server', call: { name: 'listen', fd: 3, backlog: 5 } },
      },
      {
        t: 0,
        steps: 0,
        action: { kind: 'call', side: 'client', call: { name: 'socket' } },
      },
      {
        t: 0,
        steps: 0,
        action: {
          kind: 'call',
          side: 'client',
          call: { name: 'connect', fd: 3, ip: '192.0.2.1', port: 9821 },
        },
      },
      {
        t: 5,
        steps: 2,
        action: { kind: 'call', side: 'client', call: { name: 'send', fd: 3, data: 'aGk=' } },
      },
      { t: 5, steps: 2, action: { kind: 'link', from: 'client', change: { loss: 0.5 } } },
      {
        t: 6,
        steps: 3,
        action: { kind: 'rule', rule: { kind: 'dropNext', from: 'server', flags: 'S.' } },
      },
      { t: 7, steps: 3, action: { kind: 'drop', id: 2 } },
      {
        t: 8,
        steps: 4,
        action: {
          kind: 'call',
          side: 'client',
          call: { name: 'setsockopt', fd: 3, opt: 'SO_LINGER', onoff: true, linger: 0 },
        },
      },
    ],
    cursor: 100,
  };
}

/** The valid run with one change made to its JSON. */
function broken(change: (j: Json) => void): string {
  const j = validJson();
  change(j);
  return b64url(JSON.stringify(j));
}

const opts = (j: Json): Json => j.options as Json;
const input = (j: Json, n: number): Json => (j.inputs as Json[])[n]!;
const act = (j: Json, n: number): Json => input(j, n).action as Json;
const callOf = (j: Json, n: number): Json => act(j, n).call as Json;

const BROKEN: readonly [string, string, string][] = [
  // The text itself.
  ['empty text', '', 'empty'],
  ['a character outside base64url', 'eyJ2IjoxfQ*', 'not base64url at character 10 ("*")'],
  ['padding', `${b64url('{"v":1}')}=`, 'not base64url at character 10 ("=")'],
  ['base64 instead of base64url', 'ab+c', 'not base64url at character 2 ("+")'],
  ['cut short by one character', 'eyJ2I', 'not base64url: truncated'],
  ['stray bits in the last character', 'QR', 'stray bits'],
  ['too long', 'A'.repeat(MAX_RUN_TEXT + 1), 'too long'],
  ['not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64url'), 'not UTF-8'],
  ['not JSON', b64url('{"v":1,}'), 'JSON: '],
  ['JSON with trailing text', b64url('{"v":1} x'), 'JSON: '],
  ['an array', b64url('[1,2]'), 'run: expected an object, got an array'],
  ['null', b64url('null'), 'run: expected an object, got null'],
  // The envelope.
  ['no version', broken((j) => delete j.v), 'v: missing'],
  ['a later version', broken((j) => (j.v = 2)), 'unsupported version 2'],
  ['a version as text', broken((j) => (j.v = '1')), 'v: expected the format version 1, got "1"'],
  ['an unknown field', broken((j) => (j.extra = true)), 'run.extra: unknown field'],
  ['an unknown field with an odd name', broken((j) => (j['a b'] = 1)), 'run["a b"]: unknown field'],
  ['no options', broken((j) => delete j.options), 'options: missing'],
  ['no cursor', broken((j) => delete j.cursor), 'cursor: missing'],
  [
    'a negative cursor',
    broken((j) => (j.cursor = -1)),
    'cursor: expected a finite number ≥ 0, got -1',
  ],
  [
    'a cursor as text',
    broken((j) => (j.cursor = '5')),
    'cursor: expected a finite number ≥ 0, got "5"',
  ],
  ['an empty scenario id', broken((j) => (j.scenario = '')), 'scenario: expected a scenario id'],
  [
    'a scenario id as a number',
    broken((j) => (j.scenario = 4)),
    'scenario: expected a scenario id',
  ],
  // Options.
  [
    'a negative seed',
    broken((j) => (opts(j).seed = -1)),
    'options.seed: expected an integer 0–4294967295, got -1',
  ],
  [
    'a fractional seed',
    broken((j) => (opts(j).seed = 1.5)),
    'options.seed: expected an integer 0–4294967295, got 1.5',
  ],
  [
    'a seed over 32 bits',
    broken((j) => (opts(j).seed = 2 ** 32)),
    'options.seed: expected an integer 0–4294967295, got 4294967296',
  ],
  [
    'an unknown profile',
    broken((j) => (opts(j).profile = 'bsd')),
    `options.profile: expected 'linux' or 'rfc', got "bsd"`,
  ],
  [
    'an unknown profile constant',
    broken((j) => ((opts(j).overrides as Json).rto = 1)),
    'options.overrides.rto: unknown field',
  ],
  [
    'a negative duration',
    broken((j) => ((opts(j).overrides as Json).rtoMin = -5)),
    'options.overrides.rtoMin: expected a number of ms 1–3600000, got -5',
  ],
  [
    'a switch as text',
    broken((j) => ((opts(j).overrides as Json).nagle = 'yes')),
    'options.overrides.nagle: expected true or false, got "yes"',
  ],
  [
    'a window scale over 14',
    broken((j) => ((opts(j).overrides as Json).wscale = 15)),
    'options.overrides.wscale: expected an integer 0–14 or null, got 15',
  ],
  [
    'an MSS of 0',
    broken((j) => ((opts(j).overrides as Json).mss = 0)),
    'options.overrides.mss: expected a whole number of bytes 88–65495, got 0',
  ],
  [
    'a fractional retry count',
    broken((j) => ((opts(j).overrides as Json).tcp_syn_retries = 2.5)),
    'options.overrides.tcp_syn_retries: expected a whole number 0–127, got 2.5',
  ],
  [
    'an empty ephemeral port range',
    broken((j) => ((opts(j).overrides as Json).ephemeralLow = 61000)),
    'options.overrides: the ephemeral port range is empty (ephemeralLow 61000 > ephemeralHigh 60999)',
  ],
  [
    'a __proto__ key',
    b64url(JSON.stringify(validJson()).replace('"rtoMin":100', '"__proto__":{"x":1}')),
    'options.overrides.__proto__: unknown field',
  ],
  [
    'a third link direction',
    broken((j) => ((opts(j).link as Json).both = {})),
    'options.link.both: unknown field (expected client or server)',
  ],
  [
    'a negative delay',
    broken((j) => (((opts(j).link as Json).client as Json).delay = -1)),
    'options.link.client.delay: expected a number of ms 0–60000, got -1',
  ],
  [
    'a delay over 60 s',
    broken((j) => (((opts(j).link as Json).client as Json).delay = 60_001)),
    'options.link.client.delay: expected a number of ms 0–60000, got 60001',
  ],
  [
    'a loss over 1',
    broken((j) => (((opts(j).link as Json).server as Json).loss = 1.5)),
    'options.link.server.loss: expected a probability 0–1, got 1.5',
  ],
  [
    'an unknown link setting',
    broken((j) => (((opts(j).link as Json).server as Json).bandwidth = 1)),
    'options.link.server.bandwidth: unknown field',
  ],
  [
    'a rate below 1 kbit/s',
    broken((j) => (((opts(j).link as Json).client as Json).rate = 999)),
    'options.link.client.rate: expected 0 (no bottleneck) or a whole number of bit/s 1000–100000000000, got 999',
  ],
  [
    'a rate with a fraction of a bit',
    broken((j) => (((opts(j).link as Json).client as Json).rate = 1500.5)),
    'options.link.client.rate: expected 0 (no bottleneck)',
  ],
  [
    'a rate as text',
    broken((j) => (((opts(j).link as Json).client as Json).rate = '10Mbit')),
    'options.link.client.rate: expected 0 (no bottleneck)',
  ],
  [
    'a queue as a bare number',
    broken((j) => (((opts(j).link as Json).server as Json).queue = 64)),
    'options.link.server.queue: expected null, { packets: 1–100000 } or { bytes: 1–1073741824 }, got 64',
  ],
  [
    'a queue of 0 packets',
    broken((j) => (((opts(j).link as Json).server as Json).queue = { packets: 0 })),
    'options.link.server.queue.packets: expected a whole number of packets 1–100000, got 0',
  ],
  [
    'a queue of both packets and bytes',
    broken((j) => (((opts(j).link as Json).server as Json).queue = { packets: 5, bytes: 5 })),
    'options.link.server.queue: expected one of packets or bytes',
  ],
  [
    'a queue over 1 GiB',
    broken((j) => (((opts(j).link as Json).server as Json).queue = { bytes: 2 ** 30 + 1 })),
    'options.link.server.queue.bytes: expected a whole number of bytes 1–1073741824',
  ],
  [
    'a queue in another unit',
    broken((j) => (((opts(j).link as Json).server as Json).queue = { segments: 5 })),
    'options.link.server.queue.segments: unknown field (expected packets or bytes)',
  ],
  [
    'a link change to a bad queue',
    broken((j) => (act(j, 6).change = { queue: { bytes: -1 } })),
    'inputs[6].action.change.queue.bytes: expected a whole number of bytes',
  ],
  [
    'an address out of range',
    broken((j) => (opts(j).clientIp = '256.0.0.1')),
    'options.clientIp: expected an IPv4 address as a dotted quad',
  ],
  [
    'an address with leading zeros',
    broken((j) => (opts(j).serverIp = '010.0.0.1')),
    'options.serverIp: expected an IPv4 address',
  ],
  [
    'keepHistory as text',
    broken((j) => (opts(j).keepHistory = 'yes')),
    'options.keepHistory: expected true or false',
  ],
  // Inputs.
  [
    'inputs as an object',
    broken((j) => (j.inputs = {})),
    'inputs: expected an array of inputs, got an object',
  ],
  [
    'too many inputs',
    b64url(`{"v":1,"options":{"seed":1},"inputs":[${'0,'.repeat(MAX_INPUTS)}0],"cursor":0}`),
    `inputs: ${MAX_INPUTS + 1} inputs, more than the ${MAX_INPUTS}`,
  ],
  [
    'an input that is a number',
    broken((j) => ((j.inputs as unknown[])[2] = 7)),
    'inputs[2]: expected an input, got 7',
  ],
  [
    'a negative time',
    broken((j) => (input(j, 0).t = -1)),
    'inputs[0].t: expected a finite number ≥ 0, got -1',
  ],
  [
    'no time',
    broken((j) => delete input(j, 1).t),
    'inputs[1].t: missing (expected a finite number ≥ 0)',
  ],
  [
    'an infinite time',
    b64url(JSON.stringify(validJson()).replace('"t":8', '"t":1e400')),
    'inputs[9].t: expected a finite number ≥ 0, got Infinity',
  ],
  [
    'a fractional step count',
    broken((j) => (input(j, 1).steps = 0.5)),
    'inputs[1].steps: expected a whole number ≥ 0, got 0.5',
  ],
  [
    'steps going back',
    broken((j) => (input(j, 6).steps = 1)),
    'inputs[6].steps: inputs out of order: 1 after 2',
  ],
  [
    'time going back',
    broken((j) => (input(j, 8).t = 5.5)),
    'inputs[8].t: inputs out of order: 5.5 after 6',
  ],
  [
    'an unknown action',
    broken((j) => (act(j, 0).kind = 'teleport')),
    `inputs[0].action.kind: expected 'call', 'link', 'rule' or 'drop', got "teleport"`,
  ],
  [
    'an action on a third side',
    broken((j) => (act(j, 0).side = 'router')),
    `inputs[0].action.side: expected 'client' or 'server', got "router"`,
  ],
  [
    'an unknown call',
    broken((j) => (callOf(j, 0).name = 'ioctl')),
    'inputs[0].action.call.name: expected ',
  ],
  [
    'a port over 65535',
    broken((j) => (callOf(j, 1).port = 70000)),
    'inputs[1].action.call.port: expected an integer 0–65535, got 70000',
  ],
  [
    'an fd of 65536',
    broken((j) => (callOf(j, 1).fd = 65536)),
    'inputs[1].action.call.fd: expected an integer -1–65535, got 65536',
  ],
  ['no fd', broken((j) => delete callOf(j, 2).fd), 'inputs[2].action.call.fd: missing'],
  [
    'a negative backlog',
    broken((j) => (callOf(j, 2).backlog = -1)),
    'inputs[2].action.call.backlog: expected an integer 0–65535, got -1',
  ],
  [
    'an extra argument',
    broken((j) => (callOf(j, 3).fd = 3)),
    'inputs[3].action.call.fd: unknown field (expected name)',
  ],
  [
    'an address as a number',
    broken((j) => (callOf(j, 4).ip = 3221225985)),
    'inputs[4].action.call.ip: expected an IPv4 address as a dotted quad (e.g. 192.0.2.10), got 3221225985',
  ],
  [
    'data that is not base64',
    broken((j) => (callOf(j, 5).data = 'hello!!!')),
    'inputs[5].action.call.data: not base64 at character 5 ("!")',
  ],
  [
    'data not padded',
    broken((j) => (callOf(j, 5).data = 'aGk')),
    'inputs[5].action.call.data: not base64: length 3 is not a multiple of 4',
  ],
  [
    'data as a byte array',
    broken((j) => (callOf(j, 5).data = [104, 105])),
    'inputs[5].action.call.data: expected the bytes as a base64 string, got an array',
  ],
  [
    'a zero-length recv',
    broken(
      (j) =>
        (input(j, 5).action = {
          kind: 'call',
          side: 'client',
          call: { name: 'recv', fd: 3, len: 0 },
        }),
    ),
    'inputs[5].action.call.len: expected an integer 1–16777216, got 0',
  ],
  [
    'a recv over 16 MiB',
    broken(
      (j) =>
        (input(j, 5).action = {
          kind: 'call',
          side: 'client',
          call: { name: 'recv', fd: 3, len: 16 * 1024 * 1024 + 1 },
        }),
    ),
    'inputs[5].action.call.len: expected an integer 1–16777216, got 16777217',
  ],
  [
    'an unknown shutdown',
    broken(
      (j) =>
        (input(j, 5).action = {
          kind: 'call',
          side: 'client',
          call: { name: 'shutdown', fd: 3, how: 'SHUT_BOTH' },
        }),
    ),
    `inputs[5].action.call.how: expected 'SHUT_RD', 'SHUT_WR' or 'SHUT_RDWR', got "SHUT_BOTH"`,
  ],
  [
    'an unknown socket option',
    broken((j) => (callOf(j, 9).opt = 'SO_KEEPALIVE')),
    `inputs[9].action.call.opt: expected 'SO_REUSEADDR' or 'SO_LINGER', got "SO_KEEPALIVE"`,
  ],
  [
    'a negative linger time',
    broken((j) => (callOf(j, 9).linger = -1)),
    'inputs[9].action.call.linger: expected an integer 0–65535, got -1',
  ],
  [
    'SO_REUSEADDR with a number',
    broken(
      (j) =>
        (input(j, 9).action = {
          kind: 'call',
          side: 'client',
          call: { name: 'setsockopt', fd: 3, opt: 'SO_REUSEADDR', value: 1 },
        }),
    ),
    'inputs[9].action.call.value: expected true or false, got 1',
  ],
  [
    'a link change over 1',
    broken((j) => ((act(j, 6).change as Json).loss = 2)),
    'inputs[6].action.change.loss: expected a probability 0–1, got 2',
  ],
  [
    'a link change for a third side',
    broken((j) => (act(j, 6).from = 'both')),
    `inputs[6].action.from: expected 'client' or 'server'`,
  ],
  [
    'flags spelled out',
    broken((j) => ((act(j, 7).rule as Json).flags = 'SYN')),
    'inputs[7].action.rule.flags: expected null, flags in tcpdump notation',
  ],
  [
    'flags out of order',
    broken((j) => ((act(j, 7).rule as Json).flags = '.S')),
    'inputs[7].action.rule.flags: expected the flags written as "S." (letters in tcpdump\'s order, + before -), got ".S"',
  ],
  [
    'empty flags',
    broken((j) => ((act(j, 7).rule as Json).flags = '')),
    'inputs[7].action.rule.flags: expected null, flags in tcpdump notation (S F R P U in that order, then . for ACK: "S", "S.", "F.", "R", "."), or a mask ("+F", "-R", "+S-."), got an empty string',
  ],
  [
    'a mask written out of order',
    broken((j) => ((act(j, 7).rule as Json).flags = '-.+S')),
    'inputs[7].action.rule.flags: expected the flags written as "+S-."',
  ],
  [
    'an unknown payload test',
    broken((j) => ((act(j, 7).rule as Json).payload = 'full')),
    `inputs[7].action.rule.payload: expected 'empty', 'data' or { contains: the bytes in base64 }, got "full"`,
  ],
  [
    'an empty payload pattern',
    broken((j) => ((act(j, 7).rule as Json).payload = { contains: '' })),
    'inputs[7].action.rule.payload.contains: 0 bytes; a payload pattern has 1 to 128',
  ],
  [
    'a payload pattern longer than 128 bytes',
    broken(
      (j) => ((act(j, 7).rule as Json).payload = { contains: b64(new Uint8Array(129).fill(7)) }),
    ),
    'inputs[7].action.rule.payload.contains: 129 bytes; a payload pattern has 1 to 128',
  ],
  [
    'a huge payload pattern',
    broken((j) => ((act(j, 7).rule as Json).payload = { contains: 'A'.repeat(1e6) })),
    'inputs[7].action.rule.payload.contains: more than the 128 bytes a payload pattern may have',
  ],
  [
    'a payload pattern that is not base64',
    broken((j) => ((act(j, 7).rule as Json).payload = { contains: 'a b=' })),
    'inputs[7].action.rule.payload.contains: not base64 at character 1',
  ],
  [
    'a payload test with an unknown field',
    broken((j) => ((act(j, 7).rule as Json).payload = { contains: 'aGk=', at: 3 })),
    'inputs[7].action.rule.payload.at: unknown field (expected contains)',
  ],
  [
    'a trigger for both sides',
    broken((j) => ((act(j, 7).rule as Json).after = { from: 'both', flags: '+F' })),
    `inputs[7].action.rule.after.from: expected 'client' or 'server', got "both"`,
  ],
  [
    'a trigger without flags',
    broken((j) => ((act(j, 7).rule as Json).after = { from: 'server' })),
    'inputs[7].action.rule.after.flags: missing',
  ],
  [
    'a trigger with bad flags',
    broken((j) => ((act(j, 7).rule as Json).after = { from: 'server', flags: 'FIN' })),
    'inputs[7].action.rule.after.flags: expected null, flags in tcpdump notation',
  ],
  [
    'a trigger of a rule by number',
    broken(
      (j) =>
        (act(j, 7).rule = {
          kind: 'dropNth',
          from: 'client',
          n: 2,
          after: { from: 'server', flags: null },
        }),
    ),
    'inputs[7].action.rule.after: unknown field (expected kind, from or n)',
  ],
  [
    'the 0th segment',
    broken((j) => (act(j, 7).rule = { kind: 'dropNth', from: 'client', n: 0 })),
    'inputs[7].action.rule.n: expected a whole number ≥ 1, got 0',
  ],
  [
    'an unknown rule',
    broken((j) => ((act(j, 7).rule as Json).kind = 'dropAll')),
    `inputs[7].action.rule.kind: expected 'dropNext' or 'dropNth', got "dropAll"`,
  ],
  [
    'a negative segment id',
    broken((j) => (act(j, 8).id = -1)),
    'inputs[8].action.id: expected a whole number ≥ 0, got -1',
  ],
  [
    'a segment id as text',
    broken((j) => (act(j, 8).id = '2')),
    'inputs[8].action.id: expected a whole number ≥ 0, got "2"',
  ],
];

describe('broken links', () => {
  it('the unbroken run is valid, so each case below fails for its one change', () => {
    const r = decodeRun(b64url(JSON.stringify(validJson())));
    if (!r.ok) throw new Error(r.error);
    expect(r.run.inputs).toHaveLength(10);
    const send = r.run.inputs[5]!.action as { call: Call };
    expect(send.call).toEqual({ name: 'send', fd: 3, data: bytes('hi') });
  });

  it('are many', () => expect(BROKEN.length).toBeGreaterThanOrEqual(30));

  it.each(BROKEN)('refuses %s', (_name, text, message) => {
    let r: ReturnType<typeof decodeRun> | undefined;
    expect(() => (r = decodeRun(text))).not.toThrow();
    expect(r?.ok).toBe(false);
    if (r && !r.ok) expect(r.error).toContain(message);
  });

  it('refuses what is not text at all, without throwing', () => {
    const values: unknown[] = [undefined, null, 5, {}, []];
    for (const v of values) expect(decodeRun(v as string)).toMatchObject({ ok: false });
    expect(readLink(5 as unknown as string)).toMatchObject({ ok: false });
  });
});
