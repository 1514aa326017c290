/**
 * Core benchmark (npm run bench): the simulation with the XState machines in
 * the loop, in Node. Ends with one JSON line:
 *   {"lifecycles_per_s", "segments_per_s", "seek_ms", ...}
 * (a) 10,000 connection lifecycles: handshake, 1 KB each way, teardown, TIME_WAIT expiry;
 * (b) one bulk transfer of about 10,000 segments (data and ACKs alike) at 5% loss;
 * (c) 100 MB over a 100 Mbit/s bottleneck, 20 ms each way, 0.1% loss (issue 12's transfer);
 * seek: rebuilding the state of the world at random instants of (b).
 */
import { performance } from 'node:perf_hooks';
import { assign, createActor, emit, setup } from 'xstate';
import {
  DEFAULT_SERVER_IP,
  DEFAULT_SERVER_PORT,
  Prng,
  World,
  parseIp,
  type CallHandle,
} from '../src/core';

const SERVER = parseIp(DEFAULT_SERVER_IP)!;
const KB = new Uint8Array(1024).fill(0x61);

function listen(w: World): number {
  const l = w.call('server', { name: 'socket' }).result!.ret;
  w.call('server', { name: 'setsockopt', fd: l, opt: 'SO_REUSEADDR', value: true });
  w.call('server', { name: 'bind', fd: l, port: DEFAULT_SERVER_PORT });
  w.call('server', { name: 'listen', fd: l, backlog: 1024 });
  return l;
}

/** recv() until `want` bytes (or EOF), then `then`. */
function recvAll(
  w: World,
  side: 'client' | 'server',
  fd: number,
  want: number,
  then: () => void,
): void {
  let got = 0;
  const loop = (): void => {
    w.call(side, { name: 'recv', fd, len: 65536 }).onDone((r) => {
      if (r.ret > 0) got += r.ret;
      if (r.ret <= 0 || got >= want) then();
      else loop();
    });
  };
  loop();
}

function lifecycles(n: number): { seconds: number; segments: number; done: number } {
  const w = new World({ seed: 1, link: { client: { delay: 0.1 }, server: { delay: 0.1 } } });
  const l = listen(w);
  let done = 0;
  const serve = (): void => {
    w.call('server', { name: 'accept', fd: l }).onDone((a) => {
      serve();
      const fd = a.ret;
      recvAll(w, 'server', fd, 1024, () => {
        w.call('server', { name: 'send', fd, data: KB });
        recvAll(w, 'server', fd, Infinity, () => w.call('server', { name: 'close', fd }));
      });
    });
  };
  serve();
  const client = (): void => {
    const fd = w.call('client', { name: 'socket' }).result!.ret;
    const c: CallHandle = w.call('client', {
      name: 'connect',
      fd,
      ip: SERVER,
      port: DEFAULT_SERVER_PORT,
    });
    c.onDone(() => {
      w.call('client', { name: 'send', fd, data: KB });
      recvAll(w, 'client', fd, 1024, () => {
        w.call('client', { name: 'close', fd });
        if (++done < n) client();
      });
    });
  };
  const t0 = performance.now();
  client();
  w.runUntilIdle();
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, segments: w.trace.segmentCount, done };
}

function bulk(targetSegments: number): {
  seconds: number;
  segments: number;
  world: World;
  bytes: number;
} {
  const w = new World({
    seed: 2,
    link: { client: { delay: 5, loss: 0.05 }, server: { delay: 5, loss: 0.05 } },
  });
  const l = listen(w);
  // About 1.5 segments per MSS of data (data plus every-other ACK, plus losses).
  const bytes = Math.round((targetSegments / 1.5) * 1448);
  const data = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) data[i] = i & 0xff;
  w.call('server', { name: 'accept', fd: l }).onDone((a) => {
    recvAll(w, 'server', a.ret, Infinity, () => w.call('server', { name: 'close', fd: a.ret }));
  });
  const fd = w.call('client', { name: 'socket' }).result!.ret;
  w.call('client', { name: 'connect', fd, ip: SERVER, port: DEFAULT_SERVER_PORT }).onDone(() => {
    w.call('client', { name: 'send', fd, data }).onDone(() =>
      w.call('client', { name: 'close', fd }),
    );
  });
  const t0 = performance.now();
  w.runUntilIdle();
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, segments: w.trace.segmentCount, world: w, bytes };
}

/**
 * (c) Data transfer as issue 12 sizes it: 100 MB over a 100 Mbit/s bottleneck with
 * 20 ms each way and 0.1% loss, congestion control and SACK as the linux profile has them.
 */
function transfer(): { seconds: number; segments: number; virtual: number } {
  const w = new World({
    seed: 3,
    overrides: { rcvBuf: 4 * 1024 * 1024, sndBuf: 4 * 1024 * 1024 },
    link: {
      // A queue of about one bandwidth-delay product (100 Mbit/s × 40 ms ≈ 333 packets).
      client: { delay: 20, loss: 0.001, rate: 100_000_000, queue: { packets: 333 } },
      server: { delay: 20, loss: 0.001 },
    },
  });
  const l = listen(w);
  const bytes = 100 * 1000 * 1000;
  w.call('server', { name: 'accept', fd: l }).onDone((a) => {
    recvAll(w, 'server', a.ret, Infinity, () => w.call('server', { name: 'close', fd: a.ret }));
  });
  const fd = w.call('client', { name: 'socket' }).result!.ret;
  // The send buffer takes 4 MB at a time: write in pieces as room frees.
  const piece = new Uint8Array(1024 * 1024);
  let left = bytes;
  const write = (): void => {
    if (left <= 0) {
      w.call('client', { name: 'close', fd });
      return;
    }
    const n = Math.min(left, piece.length);
    left -= n;
    w.call('client', {
      name: 'send',
      fd,
      data: n === piece.length ? piece : piece.subarray(0, n),
    }).onDone(write);
  };
  w.call('client', { name: 'connect', fd, ip: SERVER, port: DEFAULT_SERVER_PORT }).onDone(write);
  const t0 = performance.now();
  w.runUntilIdle();
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, segments: w.trace.segmentCount, virtual: w.now / 1000 };
}

function seek(w: World, samples: number): { mean: number; max: number } {
  const prng = new Prng(3);
  const end = w.now;
  let total = 0;
  let max = 0;
  for (let i = 0; i < samples; i++) {
    const t = prng.float() * end;
    const t0 = performance.now();
    const view = w.at(t);
    const dt = performance.now() - t0;
    if (view.conns.length === 0 && t > 1) throw new Error('seek found no connection');
    total += dt;
    max = Math.max(max, dt);
  }
  return { mean: total / samples, max };
}

/**
 * The ceiling: a trivial XState v5 machine (one guarded transition with an
 * assign and an emit) driven as fast as it goes, in this same process. The
 * ratio of the core's speed to it holds across machines where absolute figures
 * do not.
 */
function xstateCeiling(events: number): number {
  const m = setup({
    types: {
      context: {} as { n: number },
      events: {} as { type: 'E'; v: number },
      emitted: {} as { type: 'out'; v: number },
    },
  }).createMachine({
    context: { n: 0 },
    initial: 'a',
    states: {
      a: {
        on: {
          E: {
            guard: ({ event }) => event.v >= 0,
            actions: [
              assign({ n: ({ context, event }) => context.n + event.v }),
              emit(({ event }) => ({ type: 'out' as const, v: event.v })),
            ],
          },
        },
      },
    },
  });
  const actor = createActor(m);
  let heard = 0;
  actor.on('out', () => heard++);
  actor.start();
  const t0 = performance.now();
  for (let i = 0; i < events; i++) actor.send({ type: 'E', v: i & 7 });
  const seconds = (performance.now() - t0) / 1000;
  if (heard !== events) throw new Error('ceiling machine lost events');
  return events / seconds;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Heap retained by a finished bulk run with its history, per segment (payload bytes live outside the JS heap). */
function heapPerSegment(): { bytes: number; segments: number } | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return null;
  gc();
  const before = process.memoryUsage().heapUsed;
  const b = bulk(10_000);
  gc();
  const after = process.memoryUsage().heapUsed;
  const bytes = (after - before) / b.segments;
  if (b.world.trace.segmentCount === 0) throw new Error('no segments');
  return { bytes, segments: b.segments };
}

const quick = process.argv.includes('--quick');
const ROUNDS = 3;

const L = quick ? 1000 : 10_000;
// Each figure is the median of ROUNDS runs in fresh worlds, the ceiling's
// measured between them, so that all of them see the same machine load. The
// first run of each warms the JIT; before each timed run the last world is let
// go and, with --expose-gc, collected, so no run pays for another's garbage.
const ceilings: number[] = [];
const lifeRates: number[] = [];
const segRates: number[] = [];
const collect = (): void => (globalThis as { gc?: () => void }).gc?.();
let a = lifecycles(L);
/** The last bulk run (seek and fork read its world); let go before each timed run. */
const last: { b: ReturnType<typeof bulk> | null } = { b: bulk(10_000) };
for (let r = 0; r < ROUNDS; r++) {
  collect();
  ceilings.push(xstateCeiling(200_000));
  last.b = null;
  collect();
  a = lifecycles(L);
  lifeRates.push(a.done / a.seconds);
  console.log(`(a) ${a.done} lifecycles, ${a.segments} segments in ${a.seconds.toFixed(2)} s`);
  collect();
  const b = bulk(10_000);
  last.b = b;
  segRates.push(b.segments / b.seconds);
  console.log(
    `(b) bulk ${b.bytes} bytes at 5% loss: ${b.segments} segments in ${b.seconds.toFixed(2)} s, virtual ${(b.world.now / 1000).toFixed(1)} s`,
  );
}
const ceiling = median(ceilings);
const segmentsPerS = median(segRates);
console.log(`xstate ceiling (guard + assign + emit): ${Math.round(ceiling)} events/s`);
const b = last.b;
if (!b) throw new Error('no bulk run');
const s = seek(b.world, 200);
console.log(
  `seek: mean ${s.mean.toFixed(3)} ms, max ${s.max.toFixed(3)} ms over 200 random instants`,
);
// The middle of (b) in virtual time; the median of three forks (the first warms up).
const forks: number[] = [];
for (let i = 0; i < 3; i++) {
  collect();
  const f0 = performance.now();
  b.world.fork(b.world.now / 2);
  forks.push(performance.now() - f0);
}
const forkMs = median(forks);
console.log(
  `fork at the middle of (b): ${forkMs.toFixed(1)} ms (median of ${forks.map((f) => f.toFixed(0)).join(', ')})`,
);
collect();
last.b = null;
const c = transfer();
const transferRate = c.segments / c.seconds;
console.log(
  `(c) 100 MB over 100 Mbit/s × 20 ms at 0.1% loss: ${c.segments} segments in ${c.seconds.toFixed(2)} s, virtual ${c.virtual.toFixed(1)} s`,
);
const heap = heapPerSegment();
console.log(
  heap
    ? `heap retained by a bulk run with its history: ${Math.round(heap.bytes)} bytes per segment (${heap.segments} segments)`
    : 'heap per segment: run with --expose-gc to measure',
);
console.log(
  JSON.stringify({
    lifecycles_per_s: Math.round(median(lifeRates)),
    segments_per_s: Math.round(segmentsPerS),
    xstate_ceiling_events_per_s: Math.round(ceiling),
    ceiling_ratio: Number((segmentsPerS / ceiling).toFixed(3)),
    seek_ms: Number(s.mean.toFixed(3)),
    seek_max_ms: Number(s.max.toFixed(3)),
    lifecycle_segments_per_s: Math.round(a.segments / a.seconds),
    fork_ms: Number(forkMs.toFixed(1)),
    heap_bytes_per_segment: heap ? Math.round(heap.bytes) : null,
    transfer_segments_per_s: Math.round(transferRate),
  }),
);
