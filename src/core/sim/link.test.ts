import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACK, FIN, PSH, RST, SYN, URG, type Segment } from '../tcp/segment';
import { Link, parseFlagPattern, type LinkRule } from './link';
import { Prng } from './prng';
import type { Side } from './trace';
import { WorkBudgetExceeded } from './world';
import { bytes, makeWorld } from '../testing/test-world';

const PROPERTY_SCALE = Number(process.env.PROPERTY_SCALE ?? 1);

function seg(flags: number, payload: Uint8Array | string = new Uint8Array(0)): Segment {
  return {
    srcIp: 1,
    dstIp: 2,
    srcPort: 1000,
    dstPort: 2000,
    seq: 0,
    ack: 0,
    flags,
    window: 1000,
    options: {},
    payload: typeof payload === 'string' ? bytes(payload) : payload,
  };
}

/** Which of `segs` (side and segment, in send order) a link with `rules` drops by rule: their indexes. */
function dropped(
  rules: readonly LinkRule[],
  segs: readonly (readonly [Side, Segment])[],
): number[] {
  const link = new Link(new Prng(1));
  for (const r of rules) link.addRule(r);
  const out: number[] = [];
  segs.forEach(([from, s], i) => {
    if (link.fate(from, s, i).dropped === 'rule') out.push(i);
  });
  return out;
}

describe('parseFlagPattern', () => {
  it('reads exact flags in any order and spells them as tcpdump does', () => {
    expect(parseFlagPattern('.S')).toEqual({ test: { mask: 0x3f, value: SYN | ACK }, text: 'S.' });
    expect(parseFlagPattern('F.')).toEqual({ test: { mask: 0x3f, value: FIN | ACK }, text: 'F.' });
    expect(parseFlagPattern('none')).toEqual({ test: { mask: 0x3f, value: 0 }, text: 'none' });
  });

  it('reads masks: + flags that must be set, - flags that must be clear', () => {
    expect(parseFlagPattern('+F')).toEqual({ test: { mask: FIN, value: FIN }, text: '+F' });
    expect(parseFlagPattern('-R')).toEqual({ test: { mask: RST, value: 0 }, text: '-R' });
    expect(parseFlagPattern('-.+S')).toEqual({
      test: { mask: SYN | ACK, value: SYN },
      text: '+S-.',
    });
    expect(parseFlagPattern('+.P-UR')).toEqual({
      test: { mask: ACK | PSH | URG | RST, value: ACK | PSH },
      text: '+P.-RU',
    });
  });

  it('says what is wrong with a bad pattern', () => {
    const err = (t: string) => {
      const p = parseFlagPattern(t);
      return 'error' in p ? p.error : null;
    };
    expect(err('SYN')).toBe("'Y' is not a flag");
    expect(err('SS')).toBe("flag 'S' is given twice");
    expect(err('+S-S')).toBe("flag 'S' is given twice");
    expect(err('+F+S')).toMatch(/^'\+' is given twice/);
    expect(err('+')).toMatch(/^'\+' needs the flags that must be set/);
    expect(err('+S-')).toMatch(/^'-' needs the flags that must be clear/);
    expect(err('S-F')).toMatch(/^'-' may only start a mask/);
    expect(err('')).toBe('no flags given');
  });

  it('the canonical spelling reads back to itself and the same test', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 }), (a, b) => {
        const set = a & ~b;
        const clear = b & ~a;
        const letters = (bits: number) =>
          ['S', 'F', 'R', 'P', 'U', '.'].filter(
            (_, i) => bits & [SYN, FIN, RST, PSH, URG, ACK][i]!,
          );
        const text =
          (set ? `+${letters(set).reverse().join('')}` : '') +
          (clear ? `-${letters(clear).join('')}` : '');
        if (text === '') return;
        const p = parseFlagPattern(text);
        if ('error' in p) throw new Error(p.error);
        expect(p.test).toEqual({ mask: set | clear, value: set });
        expect(parseFlagPattern(p.text)).toEqual(p);
      }),
      { numRuns: 200 * PROPERTY_SCALE },
    );
  });
});

describe('drop rules with patterns', () => {
  const FA = FIN | ACK;
  it('exact flags match only those flags; a mask matches whatever else is set', () => {
    const segs = [
      ['server', seg(ACK)],
      ['server', seg(FA)],
      ['server', seg(FIN | PSH | ACK, 'bye')],
      ['server', seg(FIN)],
    ] as const;
    expect(dropped([{ kind: 'dropNext', from: 'server', flags: 'F' }], segs)).toEqual([3]);
    expect(dropped([{ kind: 'dropNext', from: 'server', flags: '+F' }], segs)).toEqual([1]);
    // Two rules, each drops one: the first FIN, then the next one.
    expect(
      dropped(
        [
          { kind: 'dropNext', from: 'server', flags: '+F' },
          { kind: 'dropNext', from: 'server', flags: '+F' },
        ],
        segs,
      ),
    ).toEqual([1, 2]);
    expect(dropped([{ kind: 'dropNext', from: 'server', flags: '+F-.' }], segs)).toEqual([3]);
    // A rule watches one direction.
    expect(dropped([{ kind: 'dropNext', from: 'client', flags: '+F' }], segs)).toEqual([]);
  });

  it('matches the payload: none, some, or containing bytes anywhere in one segment', () => {
    const segs = [
      ['client', seg(PSH | ACK, 'msg1')],
      ['client', seg(ACK)],
      ['client', seg(ACK, 'xxmsg2yy')],
      ['client', seg(PSH | ACK, 'msg2')],
    ] as const;
    expect(
      dropped([{ kind: 'dropNext', from: 'client', flags: '.', payload: 'empty' }], segs),
    ).toEqual([1]);
    expect(dropped([{ kind: 'dropNext', from: 'client', flags: '.' }], segs)).toEqual([1]);
    expect(
      dropped([{ kind: 'dropNext', from: 'client', flags: null, payload: 'data' }], segs),
    ).toEqual([0]);
    expect(
      dropped(
        [{ kind: 'dropNext', from: 'client', flags: null, payload: { contains: bytes('msg2') } }],
        segs,
      ),
    ).toEqual([2]);
    expect(
      dropped(
        [{ kind: 'dropNext', from: 'client', flags: '+P', payload: { contains: bytes('msg2') } }],
        segs,
      ),
    ).toEqual([3]);
    // Not across segments: "1xx" is in no one payload.
    expect(
      dropped(
        [{ kind: 'dropNext', from: 'client', flags: null, payload: { contains: bytes('1xx') } }],
        segs,
      ),
    ).toEqual([]);
  });

  it('an armed rule drops the first match sent after the segment that armed it', () => {
    const rule: LinkRule = {
      kind: 'dropNext',
      from: 'client',
      flags: '.',
      payload: 'empty',
      after: { from: 'server', flags: '+F' },
    };
    const segs = [
      ['client', seg(ACK)], // 0: a pure ACK before the server's FIN: kept
      ['server', seg(ACK, 'data')], // 1
      ['client', seg(ACK)], // 2: kept, the rule is not armed yet
      ['server', seg(FA)], // 3: arms it
      ['client', seg(PSH | ACK, 'late data')], // 4: not a pure ACK
      ['client', seg(ACK)], // 5: dropped
      ['client', seg(ACK)], // 6: kept, the rule is spent
    ] as const;
    expect(dropped([rule], segs)).toEqual([5]);
  });

  it('the segment that arms a rule is not one it drops, even in the same direction', () => {
    const rule: LinkRule = {
      kind: 'dropNext',
      from: 'client',
      flags: '+F',
      after: { from: 'client', flags: '+F' },
    };
    const segs = [
      ['client', seg(FA)],
      ['client', seg(FA)],
    ] as const;
    expect(dropped([rule], segs)).toEqual([1]);
  });

  it('a segment dropped by one rule still arms another', () => {
    const segs = [
      ['server', seg(FA)],
      ['client', seg(ACK)],
    ] as const;
    expect(
      dropped(
        [
          { kind: 'dropNext', from: 'server', flags: '+F' },
          { kind: 'dropNext', from: 'client', flags: '.', after: { from: 'server', flags: '+F' } },
        ],
        segs,
      ),
    ).toEqual([0, 1]);
  });

  it('pendingRules lists rules not yet spent, armed or not', () => {
    const link = new Link(new Prng(1));
    const armed: LinkRule = { kind: 'dropNext', from: 'client', flags: null };
    const waiting: LinkRule = {
      kind: 'dropNext',
      from: 'client',
      flags: null,
      after: { from: 'server', flags: 'R' },
    };
    link.addRule(armed);
    link.addRule(waiting);
    link.fate('client', seg(ACK), 0);
    expect(link.pendingRules).toEqual([waiting]);
  });

  it('refuses a malformed pattern when the rule is set', () => {
    const link = new Link(new Prng(1));
    expect(() => link.addRule({ kind: 'dropNext', from: 'client', flags: 'X' })).toThrow(
      /bad flags pattern 'X'/,
    );
    expect(() =>
      link.addRule({
        kind: 'dropNext',
        from: 'client',
        flags: null,
        payload: { contains: new Uint8Array(0) },
      }),
    ).toThrow(/at least one byte/);
  });

  it('finds a pattern exactly where a naive search does (KMP)', () => {
    const alphabet = fc.integer({ min: 97, max: 99 });
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 60 }).map((a) => a.map((x) => 97 + (x % 3))),
        fc.array(alphabet, { minLength: 1, maxLength: 6 }),
        (hay, needle) => {
          const naive = (() => {
            outer: for (let i = 0; i + needle.length <= hay.length; i++) {
              for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
              return true;
            }
            return false;
          })();
          const got = dropped(
            [
              {
                kind: 'dropNext',
                from: 'client',
                flags: null,
                payload: { contains: Uint8Array.from(needle) },
              },
            ],
            [['client', seg(ACK, hay)]],
          );
          expect(got.length === 1).toBe(naive);
        },
      ),
      { numRuns: 500 * PROPERTY_SCALE },
    );
  });

  it('counts the payload bytes it searches', () => {
    const link = new Link(new Prng(1));
    link.addRule({
      kind: 'dropNext',
      from: 'client',
      flags: null,
      payload: { contains: bytes('zz') },
    });
    link.addRule({
      kind: 'dropNext',
      from: 'client',
      flags: '+S',
      payload: { contains: bytes('a') },
    });
    link.fate('client', seg(ACK, 'abcdefgh'), 0); // the first rule searches all 8 bytes; the second skips on flags
    expect(link.scanned).toBe(8);
    link.fate('client', seg(ACK, 'xxzz'), 0); // found after 4
    expect(link.scanned).toBe(12);
    link.fate('server', seg(ACK, 'zzzz'), 0); // the other direction: not searched
    expect(link.scanned).toBe(12);
  });
});

describe('the work budget bounds payload searches', () => {
  it('a world whose rules search more payload than its budget stops with WorkBudgetExceeded', () => {
    const w = makeWorld(1, 10, { budget: { scanBytes: 10_000 } });
    // A rule that never matches searches every byte the client sends.
    w.act({
      kind: 'rule',
      rule: { kind: 'dropNext', from: 'client', flags: null, payload: { contains: bytes('#') } },
    });
    const l = w.call('server', { name: 'socket' }).result!.ret;
    w.call('server', { name: 'bind', fd: l, port: 9821 });
    w.call('server', { name: 'listen', fd: l });
    w.call('server', { name: 'accept', fd: l });
    const s = w.call('client', { name: 'socket' }).result!.ret;
    w.call('client', { name: 'connect', fd: s, ip: 0xc0000201, port: 9821 });
    w.runUntil(100);
    let err: unknown;
    try {
      // The send puts its segments on the link at once: the act itself goes over.
      w.call('client', { name: 'send', fd: s, data: new Uint8Array(30_000).fill(97) });
      w.runUntilIdle(10_000);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WorkBudgetExceeded);
    expect((err as WorkBudgetExceeded).what).toBe('scanBytes');
    expect((err as WorkBudgetExceeded).message).toBe(
      'the run needs more than 10,000 bytes of payload searched by drop rules',
    );
    // It stopped at the first segment past the budget: no more than one MSS over.
    expect(w.link.scanned).toBeGreaterThan(10_000);
    expect(w.link.scanned).toBeLessThanOrEqual(10_000 + 1460);
  });
});
