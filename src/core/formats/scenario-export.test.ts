import { describe, expect, it } from 'vitest';
import { parseIp } from '../tcp/segment';
import { parseScenario } from './scenario';
import { runScenario } from './scenario-runner';
import { scenarioFromRun } from './scenario-export';
import { World } from '../sim/world';

const SERVER = parseIp('192.0.2.1')!;

/** A session as the app's buttons make it: calls at instants, link changes, a drop in flight. */
function clickSession(): World {
  const w = new World({
    seed: 9,
    profile: 'rfc',
    overrides: { msl: 10_000, tcp_syn_retries: 3 },
    link: { client: { delay: 50 }, server: { delay: 50 } },
  });
  const l = w.call('server', { name: 'socket' }).result!.ret;
  w.call('server', { name: 'setsockopt', fd: l, opt: 'SO_REUSEADDR', value: true });
  w.call('server', { name: 'bind', fd: l, port: 9821 });
  w.call('server', { name: 'listen', fd: l, backlog: 128 });
  w.call('server', { name: 'accept', fd: l });
  w.runUntil(100);
  const c = w.call('client', { name: 'socket' }).result!.ret;
  w.call('client', { name: 'connect', fd: c, ip: SERVER, port: 9821 });
  w.runUntil(120.5);
  w.act({ kind: 'drop', id: 0 });
  w.runUntil(1500);
  w.act({ kind: 'link', from: 'server', change: { loss: 0.25, delay: 20 } });
  w.call('client', { name: 'send', fd: c, data: new Uint8Array([104, 105, 0, 10, 255, 34]) });
  w.runUntil(2000);
  w.act({ kind: 'rule', rule: { kind: 'dropNext', from: 'client', flags: 'F.' } });
  w.call('client', { name: 'close', fd: c });
  w.runUntil(40_000);
  return w;
}

describe('a session as a scenario file', () => {
  it('parses, and running it gives the same trace as the session', () => {
    const w = clickSession();
    const text = scenarioFromRun(w);
    const run = runScenario(parseScenario(text, 'saved.scenario'));
    run.world.runUntil(w.now);
    expect(run.world.trace.toJsonLines()).toBe(w.trace.toJsonLines());
  });

  it('writes the drop of a segment in flight, the link change and the profile overrides', () => {
    const text = scenarioFromRun(clickSession());
    expect(text).toContain('link drop segment 0');
    expect(text).toContain('link server ');
    expect(text).toContain('set msl 10s');
    expect(text).toContain('set tcp_syn_retries 3');
    expect(text).toContain('profile rfc');
    expect(text).toContain('send(3, "hi\\x00\\n\\xff\\"")');
  });

  it('writes bottlenecks: in the header only when there is one, and as link changes', () => {
    const plain = scenarioFromRun(clickSession());
    expect(plain).not.toContain('rate');
    expect(plain).not.toContain('queue');
    const w = new World({
      seed: 4,
      link: { client: { rate: 1_500_000, queue: { bytes: 98_304 } }, server: { rate: 64_000 } },
    });
    const l = w.call('server', { name: 'socket' }).result!.ret;
    w.call('server', { name: 'bind', fd: l, port: 9821 });
    w.call('server', { name: 'listen', fd: l, backlog: 8 });
    w.call('server', { name: 'accept', fd: l });
    w.runUntil(100);
    const c = w.call('client', { name: 'socket' }).result!.ret;
    w.call('client', { name: 'connect', fd: c, ip: SERVER, port: 9821 });
    w.runUntil(300);
    w.call('client', { name: 'send', fd: c, data: new Uint8Array(20_000) });
    w.act({ kind: 'link', from: 'client', change: { queue: { packets: 3 } } });
    w.runUntil(400);
    w.act({ kind: 'link', from: 'server', change: { rate: 0, queue: null } });
    w.runUntil(3000);
    const text = scenarioFromRun(w);
    expect(text).toContain(
      'link client delay 50ms jitter 0s loss 0 duplicate 0 reorder 0 rate 1.5Mbit queue 96KB',
    );
    expect(text).toContain(
      'link server delay 50ms jitter 0s loss 0 duplicate 0 reorder 0 rate 64kbit\n',
    );
    expect(text).toContain('0.3 link client queue 3\n');
    expect(text).toContain('0.4 link server rate 0 queue unlimited\n');
    const run = runScenario(parseScenario(text, 'saved.scenario'));
    run.world.runUntil(w.now);
    expect(run.world.trace.toJsonLines()).toBe(w.trace.toJsonLines());
    expect(run.world.trace.queueCount).toBe(w.trace.queueCount);
  });
});
