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
