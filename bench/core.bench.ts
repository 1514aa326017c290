/**
 * Core benchmark (npm run bench): the simulation with the XState machines in
 * the loop, in Node. Ends with one JSON line:
 *   {"lifecycles_per_s", "segments_per_s", "seek_ms", ...}
 * (a) 10,000 connection lifecycles: handshake, 1 KB each way, teardown, TIME_WAIT expiry;
 * (b) one bulk transfer of about 10,000 segments (data and ACKs alike) at 5% loss;
 * seek: rebuilding the state of the world at random instants of (b).
 */
import { performance } from 'node:perf_hooks';
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
  return { seconds, segments: w.trace.segments.length, done };
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
  return { seconds, segments: w.trace.segments.length, world: w, bytes };
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

const quick = process.argv.includes('--quick');
const L = quick ? 1000 : 10_000;
const a = lifecycles(L);
console.log(`(a) ${a.done} lifecycles, ${a.segments} segments in ${a.seconds.toFixed(2)} s`);
const b = bulk(10_000);
console.log(
  `(b) bulk ${b.bytes} bytes at 5% loss: ${b.segments} segments in ${b.seconds.toFixed(2)} s, virtual ${(b.world.now / 1000).toFixed(1)} s`,
);
const s = seek(b.world, 200);
console.log(
  `seek: mean ${s.mean.toFixed(3)} ms, max ${s.max.toFixed(3)} ms over 200 random instants`,
);
const f0 = performance.now();
b.world.fork(b.world.now / 2);
const forkMs = performance.now() - f0;
console.log(`fork at the middle of (b): ${forkMs.toFixed(1)} ms`);
console.log(
  JSON.stringify({
    lifecycles_per_s: Math.round(a.done / a.seconds),
    segments_per_s: Math.round(b.segments / b.seconds),
    seek_ms: Number(s.mean.toFixed(3)),
    seek_max_ms: Number(s.max.toFixed(3)),
    lifecycle_segments_per_s: Math.round(a.segments / a.seconds),
    fork_ms: Number(forkMs.toFixed(1)),
  }),
);
