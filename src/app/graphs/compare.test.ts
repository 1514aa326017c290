import { describe, expect, it } from 'vitest';
import { World } from '../../core';
import { choiceKey, parseChoice, replayAtTimes, variantOptions } from './compare';

function bulk(): World {
  const w = new World({ seed: 3, link: { client: { delay: 20 }, server: { delay: 20 } } });
  w.call('server', { name: 'socket' });
  w.call('server', { name: 'bind', fd: 3, port: 80 });
  w.call('server', { name: 'listen', fd: 3 });
  w.call('server', { name: 'accept', fd: 3 });
  w.call('client', { name: 'socket' });
  w.call('client', { name: 'connect', fd: 3, ip: w.server.ip, port: 80 });
  w.runUntil(100);
  w.call('client', { name: 'send', fd: 3, data: new Uint8Array(50_000) });
  w.runUntil(2000);
  return w;
}

describe('the compared run', () => {
  it('choices round-trip through their keys', () => {
    for (const c of [
      { kind: 'none' },
      { kind: 'beforeFork' },
      { kind: 'cc', cc: 'cubic' },
      { kind: 'profile', profile: 'rfc' },
    ] as const)
      expect(parseChoice(choiceKey(c))).toEqual(c);
    expect(parseChoice('nonsense')).toEqual({ kind: 'none' });
  });

  it('replays the same inputs at their instants: same setting, same run', () => {
    const w = bulk();
    const opts = variantOptions(w.options, { kind: 'profile', profile: 'linux' })!;
    const { world, cut } = replayAtTimes(opts, w.inputs, w.now, 100_000);
    expect(cut).toBe(false);
    expect(world.trace.segmentCount).toBe(w.trace.segmentCount);
    expect(world.trace.sentAt(world.trace.segmentCount - 1)).toBe(
      w.trace.sentAt(w.trace.segmentCount - 1),
    );
  });

  it('under another profile the run differs, and a budget cuts it short', () => {
    const w = bulk();
    const opts = variantOptions(w.options, { kind: 'profile', profile: 'rfc' })!;
    expect(opts.profile).toBe('rfc');
    const cut = replayAtTimes(opts, w.inputs, w.now, 10);
    expect(cut.cut).toBe(true);
    expect(cut.world.trace.segmentCount).toBeLessThanOrEqual(10);
  });

  it('the same run under another congestion control replays under that control', () => {
    const w = bulk();
    expect(w.profile.cc).toBe('cubic');
    const { world, cut } = replayAtTimes(
      variantOptions(w.options, { kind: 'cc', cc: 'reno' })!,
      w.inputs,
      w.now,
      100_000,
    );
    expect(cut).toBe(false);
    expect(world.profile.cc).toBe('reno');
    expect(world.trace.ccCount).toBeGreaterThan(0);
  });

  it('no options for none or the run before a fork', () => {
    expect(variantOptions({ seed: 1 }, { kind: 'none' })).toBeNull();
    expect(variantOptions({ seed: 1 }, { kind: 'beforeFork' })).toBeNull();
    expect(
      variantOptions({ seed: 1, overrides: { mss: 500 } }, { kind: 'cc', cc: 'cubic' }),
    ).toEqual({
      seed: 1,
      overrides: { mss: 500, cc: 'cubic' },
      budget: undefined,
      keepHistory: false,
    });
  });
});
