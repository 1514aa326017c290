/**
 * Property tests: random socket calls on both ends of one connection, over a
 * random faulty link, checked against RFC 9293 and against the simulator's
 * own promises (determinism, replay, fork).
 *
 * Seeds: FC_SEED (fast-check's seed; default below) and FC_RUNS (runs per
 * property) may be set in the environment; PROPERTY_SCALE (default 1)
 * multiplies the runs and the time limits (`npm run test:deep` sets it to 10). Every failure message names the
 * fast-check seed and the world's seed of the failing scenario.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stateOf } from '../tcp/endpoint-machine';
import type { CallHandle } from '../sockets/host';
import type { DirectionConfig, LinkRule } from './link';
import { RST, SYN } from '../tcp/segment';
import { causeText } from '../wire/format';
import { STATES } from '../tcp/tcb';
import {
  ALLOWED_TRANSITIONS,
  PORT,
  SERVER_IP,
  callRecords,
  concat,
  stateRecords,
  timerRecords,
} from '../testing/test-world';
import type { Side, Trace, TraceRecord } from './trace';
import { recordToJson } from './trace';
import { World, type WorldOptions } from './world';

const FC_SEED = Number(process.env.FC_SEED ?? 20261124);
const PROPERTY_SCALE = Number(process.env.PROPERTY_SCALE ?? 1);
const RUNS = Number(process.env.FC_RUNS ?? 500) * PROPERTY_SCALE;
/** Per-test time limit (ms): each property runs hundreds of simulations. */
const LIMIT = 60_000 * PROPERTY_SCALE;
console.log(`properties.test.ts: fast-check seed ${FC_SEED}, ${RUNS} runs per property`);

/** Virtual time allowed after the scripted actions for everything to close. */
const SETTLE = 20 * 60_000;
/**
 * How long after the script an application waits for the end of the stream
 * before it closes anyway. Linux gives up retransmitting after about 15.4
 * minutes (tcp_retries2 = 15), so a close at this point still ends within SETTLE.
 */
const PATIENCE = 4 * 60_000;

// ------------------------------------------------------------------ scenarios

type Op =
  | { readonly kind: 'send'; readonly side: Side; readonly data: Uint8Array }
  /** send() of `n` bytes of a pattern starting at `b`: enough to fill the peer's window. */
  | { readonly kind: 'bulk'; readonly side: Side; readonly n: number; readonly b: number }
  | { readonly kind: 'recv'; readonly side: Side; readonly len: number }
  | { readonly kind: 'shutdown'; readonly side: Side }
  | { readonly kind: 'close'; readonly side: Side }
  /** SO_LINGER {1, 0}, then close(): an abortive close. */
  | { readonly kind: 'abort'; readonly side: Side }
  | { readonly kind: 'link'; readonly from: Side; readonly change: Partial<DirectionConfig> }
  /**
   * Drop one of the segments in flight (index taken modulo their number); if
   * none is, run the world event by event (at most 100) until one is.
   */
  | { readonly kind: 'dropInFlight'; readonly pick: number }
  | { readonly kind: 'rule'; readonly rule: LinkRule };

interface Step {
  /** Virtual ms to wait before the operation. */
  readonly gap: number;
  readonly op: Op;
}

interface Scenario {
  readonly seed: number;
  readonly link: Record<Side, DirectionConfig>;
  readonly steps: readonly Step[];
}

const side = fc.constantFrom<Side>('client', 'server');

/** A probability in [0, 0.3], in steps of 0.01. */
const chance = fc.integer({ min: 0, max: 30 }).map((p) => p / 100);

const direction: fc.Arbitrary<DirectionConfig> = fc.record({
  delay: fc.integer({ min: 1, max: 120 }),
  jitter: fc.integer({ min: 0, max: 60 }),
  loss: chance,
  duplicate: chance,
  reorder: chance,
  // Half the time a bottleneck: 64 kbit/s to 100 Mbit/s, with no limit or a small drop-tail
  // queue. A queue of bytes holds at least one full segment (1500 bytes with timestamps),
  // or no data would ever pass and the graceful runs could not deliver.
  rate: fc.oneof(fc.constant(0), fc.integer({ min: 64_000, max: 100_000_000 })),
  queue: fc.oneof(
    fc.constant(null),
    fc.integer({ min: 1, max: 20 }).map((packets) => ({ packets })),
    fc.integer({ min: 1500, max: 30_000 }).map((bytes) => ({ bytes })),
  ),
});

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      side,
      data: fc.uint8Array({ minLength: 1, maxLength: 3000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('bulk' as const),
      side,
      n: fc.integer({ min: 10_000, max: 100_000 }),
      b: fc.integer({ min: 0, max: 255 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('recv' as const),
      side,
      len: fc.integer({ min: 1, max: 4096 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('shutdown' as const), side }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), side }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), side }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('link' as const),
      from: side,
      change: direction.map((d): Partial<DirectionConfig> => d),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('dropInFlight' as const), pick: fc.nat(50) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('rule' as const),
      rule: fc.oneof(
        fc.record({
          kind: fc.constant('dropNext' as const),
          from: side,
          flags: fc.constantFrom<string | null>('S', 'S.', '.', 'P.', 'F.', 'R.', null),
        }),
        fc.record({
          kind: fc.constant('dropNth' as const),
          from: side,
          n: fc.integer({ min: 1, max: 30 }),
        }),
      ),
    }),
  },
);

const scenario: fc.Arbitrary<Scenario> = fc.record({
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
  link: fc.record({ client: direction, server: direction }),
  steps: fc.array(fc.record({ gap: fc.integer({ min: 0, max: 1500 }), op }), { maxLength: 20 }),
});

// ------------------------------------------------------------------ running one

/** One end's application. All its calls are made between scheduler steps (never from callbacks). */
interface App {
  readonly side: Side;
  fd: number | null;
  shut: boolean;
  closed: boolean;
  aborted: boolean;
  /** It closed its socket without reading to the end, after the connection had already closed. */
  discarded: boolean;
  readonly recvs: CallHandle[];
  readonly sends: { readonly handle: CallHandle; readonly data: Uint8Array }[];
}

interface Run {
  readonly options: WorldOptions;
  readonly w: World;
  /** Virtual time when the scripted actions ended. */
  readonly scriptEnd: number;
  /** The world went idle (nothing scheduled) within SETTLE of the script's end. */
  readonly idle: boolean;
  readonly apps: Record<Side, App>;
}

/** Most bytes one application sends in a run (below Linux's 256 KiB send buffer). */
const SEND_BUDGET = 200_000;

/** `n` bytes counting up from `b`, modulo 256. */
function pattern(n: number, b: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (b + i) & 255;
  return out;
}

function newApp(side: Side): App {
  return {
    side,
    fd: null,
    shut: false,
    closed: false,
    aborted: false,
    discarded: false,
    recvs: [],
    sends: [],
  };
}

/** The application read to the end of the stream: a recv() returned 0. */
const sawEof = (a: App): boolean => a.recvs.some((h) => h.result?.ret === 0);

/**
 * Run a scenario. With `reactive`, each application's final reading loop is
 * driven from CallHandle.onDone (the next recv() or the close() is made inside
 * the completion of the previous recv()), as an event-driven application
 * would; otherwise every call is made between scheduler steps.
 */
function run(sc: Scenario, reactive = false): Run {
  const options: WorldOptions = { seed: sc.seed, link: sc.link };
  const w = new World(options);
  const apps: Record<Side, App> = { client: newApp('client'), server: newApp('server') };

  const lfd = w.call('server', { name: 'socket' }).result!.ret;
  w.call('server', { name: 'bind', fd: lfd, port: PORT });
  w.call('server', { name: 'listen', fd: lfd, backlog: 8 });
  const accept = w.call('server', { name: 'accept', fd: lfd });
  apps.client.fd = w.call('client', { name: 'socket' }).result!.ret;
  const connect = w.call('client', {
    name: 'connect',
    fd: apps.client.fd,
    ip: SERVER_IP,
    port: PORT,
  });

  const adopt = (): void => {
    if (apps.server.fd === null && accept.result && accept.result.ret >= 0)
      apps.server.fd = accept.result.ret;
  };
  const close = (a: App): void => {
    if (a.fd === null || a.closed) return;
    // Linux: once in TIME_WAIT the socket itself is closed (a timewait socket
    // carries on), so close() then throws unread data away silently too.
    const conn = w.host(a.side).sockets.get(a.fd)?.conn;
    if (!sawEof(a) && conn && (conn.done || stateOf(conn.snap) === 'TIME_WAIT')) a.discarded = true;
    a.closed = true; // first: close() may complete a pending recv() whose callback looks
    w.call(a.side, { name: 'close', fd: a.fd });
  };

  const apply = (o: Op): void => {
    switch (o.kind) {
      case 'link':
        w.act({ kind: 'link', from: o.from, change: o.change });
        return;
      case 'rule':
        w.act({ kind: 'rule', rule: o.rule });
        return;
      case 'dropInFlight': {
        const flying = () => w.at(w.now).inFlight.filter((s) => w.isInFlight(s.id));
        for (let k = 0; k < 100 && flying().length === 0 && w.now < 600_000; k++)
          if (!w.step()) break;
        const f = flying();
        if (f.length > 0) w.act({ kind: 'drop', id: f[o.pick % f.length]!.id });
        return;
      }
      default:
        break;
    }
    const a = apps[o.side];
    if (a.fd === null) return; // the server has not accepted yet
    const fd = a.fd;
    switch (o.kind) {
      case 'send':
      case 'bulk': {
        const data = o.kind === 'send' ? o.data : pattern(o.n, o.b);
        // Stay within the send buffer (256 KiB) so that a send() never writes part of
        // its data and then fails, which would leave `written` unknown.
        if (a.sends.reduce((n, x) => n + x.data.length, 0) + data.length > SEND_BUDGET) return;
        a.sends.push({ handle: w.call(a.side, { name: 'send', fd, data }), data });
        return;
      }
      case 'recv':
        a.recvs.push(w.call(a.side, { name: 'recv', fd, len: o.len }));
        return;
      case 'shutdown':
        w.call(a.side, { name: 'shutdown', fd, how: 'SHUT_WR' });
        a.shut = true;
        return;
      case 'close':
        close(a);
        return;
      case 'abort':
        w.call(a.side, { name: 'setsockopt', fd, opt: 'SO_LINGER', onoff: true, linger: 0 });
        if (!a.closed) a.aborted = true;
        close(a);
        return;
    }
  };

  // The script.
  let t = 0;
  for (const s of sc.steps) {
    t = Math.max(t + s.gap, w.now);
    w.runUntil(t);
    adopt();
    apply(s.op);
  }
  const scriptEnd = w.now;
  const deadline = scriptEnd + SETTLE;

  // Then each application ends politely: shutdown(SHUT_WR), read until recv()
  // returns 0 or fails, close(). Polled every 100 ms of virtual time. An
  // application does not wait for the end of the stream forever: a peer can
  // vanish without a trace (its RST lost), leaving a half-closed connection
  // that only the application can end, as in Linux without keepalive.
  const patience = scriptEnd + PATIENCE;
  const finished = (a: App): boolean => a.recvs.some((h) => h.result !== null && h.result.ret <= 0);
  // Reading more than the peer wrote means recv() returns bytes never sent
  // (the prefix property reports it): stop reading rather than loop forever.
  const overread = (a: App): boolean =>
    a.recvs.reduce((n, h) => n + Math.max(0, h.result?.ret ?? 0), 0) >
    written(apps[a.side === 'client' ? 'server' : 'client']).length;
  const endStep = (a: App): void => {
    if (a.fd === null || a.closed) return;
    if (a.side === 'client' && !connect.done && w.now < patience) return;
    if (!a.shut) {
      w.call(a.side, { name: 'shutdown', fd: a.fd, how: 'SHUT_WR' });
      a.shut = true;
    }
    if (finished(a) || w.now >= patience || overread(a)) return close(a);
    if (a.recvs.every((h) => h.done)) {
      const fd = a.fd;
      const next = (): void => {
        const h = w.call(a.side, { name: 'recv', fd });
        a.recvs.push(h);
        if (reactive)
          h.onDone((r) => {
            if (a.closed) return;
            if (r.ret > 0 && !overread(a)) next();
            else close(a);
          });
      };
      next();
    }
  };
  while (w.now < deadline) {
    adopt();
    endStep(apps.client);
    endStep(apps.server);
    if (apps.client.closed && (apps.server.closed || apps.server.fd === null)) break;
    w.runUntil(Math.min(deadline, w.now + 100));
  }
  w.call('server', { name: 'close', fd: lfd });
  const idle = w.runUntilIdle(deadline);
  return { options, w, scriptEnd, idle, apps };
}

// ------------------------------------------------------------------ reading a run

/** The bytes an application got from recv(), in order. */
const received = (w: World, s: Side): Uint8Array =>
  concat(
    callRecords(w, s, 'recv')
      .filter((r) => r.ret > 0 && r.data)
      .map((r) => r.data!),
  );

/** The bytes an application's completed send() calls wrote, in order. */
const written = (a: App): Uint8Array =>
  concat(a.sends.filter((s) => s.handle.result?.ret === s.data.length).map((s) => s.data));

const isPrefix = (p: Uint8Array, of: Uint8Array): boolean =>
  p.length <= of.length && p.every((b, i) => b === of[i]);

const hex = (b: Uint8Array): string =>
  b.length > 24 ? `${b.length} bytes` : [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

/**
 * Both ends closed gracefully: no RST was sent and no application aborted.
 * Closing with data unread, or data arriving after close(), draws a RST
 * (RFC 1122 §4.2.2.13), so such runs are not graceful either; the one silent
 * way to throw data away is to close() without reading to the end once the
 * connection is already CLOSED or in TIME_WAIT (Linux tcp_close() sends
 * nothing then), which the application chose: such runs are left out too.
 */
const graceful = (r: Run): boolean =>
  !r.apps.client.aborted &&
  !r.apps.server.aborted &&
  !r.apps.client.discarded &&
  !r.apps.server.discarded &&
  !r.w.trace.segments.some((s) => s.seg.flags & RST);

const jsonLines = (records: readonly TraceRecord[]): string[] => records.map(recordToJson);

/** The queue samples up to `until`, as lines; they must be in time order. */
function queueLines(trace: Trace, until = Infinity): string[] {
  const out: string[] = [];
  for (let i = 0; i < trace.queueCount; i++) {
    const q = trace.queueSample(i);
    if (i > 0 && q.t < trace.queueTime(i - 1)) throw new Error(`queue sample ${i} out of order`);
    if (q.t <= until) out.push(`${q.t} ${q.from} ${q.packets} ${q.bytes}`);
  }
  return out;
}

const where = (sc: Scenario): string => `fast-check seed ${FC_SEED}, world seed ${sc.seed}`;

function check(prop: (sc: Scenario) => void, runs = RUNS): void {
  fc.assert(fc.property(scenario, prop), { seed: FC_SEED, numRuns: runs });
}

// ------------------------------------------------------------------ properties

describe('random calls over a faulty link', () => {
  it(
    'only the eleven states appear, and every change of state is one RFC 9293 allows',
    () => {
      check((sc) => {
        const { w } = run(sc);
        const at = where(sc);
        const last = new Map<string, string>();
        for (const r of stateRecords(w)) {
          expect(STATES, at).toContain(r.from);
          expect(STATES, at).toContain(r.to);
          expect(r.from, `${at}: ${r.conn} at ${r.t} (${causeText(r.cause)})`).not.toBe(r.to);
          expect(
            ALLOWED_TRANSITIONS.has(`${r.from}>${r.to}`),
            `${at}: ${r.conn} ${r.from} -> ${r.to} at ${r.t} (${causeText(r.cause)}) is not in RFC 9293`,
          ).toBe(true);
          // Records of one connection chain up, starting from CLOSED — or from LISTEN for a
          // connection a listener started for a SYN (it begins as a copy of the listener).
          const start =
            r.from === 'LISTEN' && r.cause.kind === 'segment' && r.cause.flags === SYN
              ? 'LISTEN'
              : 'CLOSED';
          expect(r.from, `${at}: ${r.conn} at ${r.t}`).toBe(last.get(r.conn) ?? start);
          last.set(r.conn, r.to);
        }
      });
    },
    LIMIT,
  );

  it(
    'each application receives a prefix of what the other sent',
    () => {
      check((sc) => {
        const r = run(sc);
        const at = where(sc);
        for (const s of ['client', 'server'] as const) {
          const peer = s === 'client' ? 'server' : 'client';
          const got = received(r.w, s);
          const sent = written(r.apps[peer]);
          expect(
            isPrefix(got, sent),
            `${at}: ${s} got ${hex(got)}, ${peer} sent ${hex(sent)}`,
          ).toBe(true);
        }
      });
    },
    LIMIT,
  );

  it(
    'when both ends close gracefully (no RST, no abort), each receives all the other sent',
    () => {
      check((sc) => {
        const r = run(sc);
        if (!graceful(r)) return;
        const at = where(sc);
        for (const s of ['client', 'server'] as const) {
          const peer = s === 'client' ? 'server' : 'client';
          const got = received(r.w, s);
          const sent = written(r.apps[peer]);
          expect(
            got.length === sent.length && isPrefix(got, sent),
            `${at}: graceful run, ${s} got ${got.length} of the ${sent.length} bytes ${peer} sent`,
          ).toBe(true);
        }
      });
    },
    LIMIT,
  );

  it(
    'after the script, every connection reaches CLOSED within 20 minutes and no timer stays armed',
    () => {
      check((sc) => {
        const { w, idle, scriptEnd } = run(sc);
        const at = where(sc);
        expect(idle, `${at}: still busy ${SETTLE} ms after the script ended at ${scriptEnd}`).toBe(
          true,
        );
        for (const c of w.allConns()) {
          const path = stateRecords(w).filter((r) => r.conn === c.id);
          const lastRec = path.at(-1);
          // A half-open connection forgotten in SYN_RECEIVED (RST or SYN after a passive open) returns to LISTEN and is gone.
          const forgotten = lastRec?.from === 'SYN_RECEIVED' && lastRec.to === 'LISTEN';
          expect(c.done, `${at}: ${c.id} still alive`).toBe(true);
          if (!forgotten)
            expect(w.at(w.now).conns.find((v) => v.id === c.id)?.state, `${at}: ${c.id}`).toBe(
              'CLOSED',
            );
        }
        // Timer records: per connection and timer, armed is always followed by fired or cancelled.
        const open = new Map<string, number>();
        for (const r of timerRecords(w)) {
          const key = `${r.conn}/${r.timer}`;
          const armed = open.get(key);
          if (r.op === 'armed') {
            expect(armed, `${at}: ${key} armed twice at ${r.t}`).toBeUndefined();
            open.set(key, r.deadline);
          } else {
            expect(armed, `${at}: ${key} ${r.op} at ${r.t} but not armed`).toBe(r.deadline);
            if (r.op === 'fired')
              expect(Math.abs(r.t - r.deadline), `${at}: ${key} fired at ${r.t}`).toBeLessThan(
                1e-6,
              );
            open.delete(key);
          }
        }
        expect([...open.keys()], `${at}: timers left armed`).toEqual([]);
        expect(w.at(w.now).timers, at).toEqual([]);
      });
    },
    LIMIT,
  );

  it(
    'two runs of one scenario give byte-identical traces',
    () => {
      check(
        (sc) => {
          const x = run(sc).w.trace;
          const y = run(sc).w.trace;
          expect(x.toJsonLines() === y.toJsonLines(), where(sc)).toBe(true);
          expect(queueLines(x), where(sc)).toEqual(queueLines(y));
        },
        Math.ceil(RUNS / 2),
      );
    },
    LIMIT,
  );

  it(
    'World.replay(options, inputs) reproduces the trace',
    () => {
      check(
        (sc) => {
          const r = run(sc);
          const again = World.replay(r.options, r.w.inputs);
          again.runUntilIdle(r.scriptEnd + SETTLE);
          const a = jsonLines(r.w.trace.records);
          const b = jsonLines(again.trace.records);
          const i = a.findIndex((l, k) => l !== b[k]);
          expect(
            i === -1 && a.length === b.length,
            `${where(sc)}: first difference at record ${i}`,
          ).toBe(true);
          expect(queueLines(again.trace), where(sc)).toEqual(queueLines(r.w.trace));
        },
        Math.ceil(RUNS / 2),
      );
    },
    LIMIT,
  );

  it(
    'w.fork(t) rebuilds the trace up to t',
    () => {
      fc.assert(
        fc.property(scenario, fc.double({ min: 0, max: 1, noNaN: true }), (sc, f) => {
          const r = run(sc);
          const t = f * r.w.now;
          const fork = r.w.fork(t);
          const a = jsonLines(r.w.trace.records.filter((x) => x.t <= t));
          const b = jsonLines(fork.trace.records);
          const i = a.findIndex((l, k) => l !== b[k]);
          expect(
            i === -1 && a.length === b.length,
            `${where(sc)}: fork at ${t}, first difference at record ${i} (${a.length} vs ${b.length} records)`,
          ).toBe(true);
          expect(fork.now, where(sc)).toBe(t);
          expect(queueLines(fork.trace), where(sc)).toEqual(queueLines(r.w.trace, t));
          expect(fork.at(t).queues, where(sc)).toEqual(r.w.at(t).queues);
        }),
        { seed: FC_SEED, numRuns: Math.ceil(RUNS / 2) },
      );
    },
    LIMIT,
  );
  it(
    'World.replay reproduces runs whose applications react in onDone callbacks',
    () => {
      check(
        (sc) => {
          const r = run(sc, true);
          const again = World.replay(r.options, r.w.inputs);
          again.runUntilIdle(r.scriptEnd + SETTLE);
          const a = jsonLines(r.w.trace.records);
          const b = jsonLines(again.trace.records);
          const i = a.findIndex((l, k) => l !== b[k]);
          expect(
            i === -1 && a.length === b.length,
            `${where(sc)}: first difference at record ${i}: ${a[i]} | ${b[i]}`,
          ).toBe(true);
        },
        Math.ceil(RUNS / 4),
      );
    },
    LIMIT,
  );

  it(
    'w.fork(t) rebuilds runs whose applications react in onDone callbacks',
    () => {
      fc.assert(
        fc.property(scenario, fc.double({ min: 0, max: 1, noNaN: true }), (sc, f) => {
          const r = run(sc, true);
          const t = f * r.w.now;
          const fork = r.w.fork(t);
          const a = jsonLines(r.w.trace.records.filter((x) => x.t <= t));
          const b = jsonLines(fork.trace.records);
          const i = a.findIndex((l, k) => l !== b[k]);
          expect(
            i === -1 && a.length === b.length,
            `${where(sc)}: fork at ${t}, first difference at record ${i}: ${a[i]} | ${b[i]}`,
          ).toBe(true);
        }),
        { seed: FC_SEED, numRuns: Math.ceil(RUNS / 4) },
      );
    },
    LIMIT,
  );
});
