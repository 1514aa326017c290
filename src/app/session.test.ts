import { describe, expect, it } from 'vitest';
import { World } from '../core';
import { Session } from './session';

describe('a session whose run has a work budget', () => {
  it('stops playing at the budget and says so, instead of throwing', () => {
    const s = new Session();
    s.adopt(new World({ seed: 1, budget: { events: 5 } }), 0, null);
    s.listen();
    s.connect();
    // Play on: the handshake alone needs more than 5 events.
    for (let i = 0; i < 100 && s.playing; i++) expect(() => s.tick(1000)).not.toThrow();
    expect(s.playing).toBe(false);
    expect(s.limit).toBe('the run needs more than 5 events');
    expect(s.cursor).toBe(s.world.now);
    // Seeking past it does not throw either; opening another run clears the message.
    expect(() => s.seek(s.world.now + 1000)).not.toThrow();
    s.adopt(new World({ seed: 1 }), 0, null);
    expect(s.limit).toBeNull();
  });
});

describe('when virtual time moves', () => {
  it('acting starts playback until the person pauses; after that every click happens at the cursor', () => {
    const s = new Session();
    s.listen();
    expect(s.playing).toBe(true); // a newcomer's click sets things going
    s.connect();
    s.pause();
    s.seek(1000);
    expect(s.cursor).toBe(1000);
    s.close('client');
    expect(s.playing).toBe(false);
    // However much wall-clock time passes before the next click, virtual time stays.
    for (let i = 0; i < 10; i++) s.tick(5000);
    expect(s.cursor).toBe(1000);
    s.close('server');
    const closes = s.world.inputs.filter(
      (i) => i.action.kind === 'call' && i.action.call.name === 'close',
    );
    expect(closes.map((i) => i.t)).toEqual([1000, 1000]);
    // Play lets time go again, and acting then keeps it going.
    s.play();
    s.tick(100);
    expect(s.cursor).toBeGreaterThan(1000);
    s.pause();
    s.stepForward();
    expect(s.held).toBe(true);
  });
});
