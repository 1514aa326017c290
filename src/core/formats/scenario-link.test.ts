/**
 * The bottleneck's settings in scenario files: `rate` as tc writes rates,
 * `queue` in packets or bytes, their canonical spelling, and the run they set up.
 */
import { describe, expect, it } from 'vitest';
import {
  formatQueueLimit,
  formatRate,
  formatScenario,
  parseScenario,
  scenarioSettings,
} from './scenario';
import { parseQueueLimit, parseRate } from './scenario-parser';
import { runScenario } from './scenario-runner';
import { QUEUE_LIMITS, RATE_LIMIT } from './limits';

describe('rate', () => {
  it.each([
    ['0', 0],
    ['800000', 800_000],
    ['800000bit', 800_000],
    ['64kbit', 64_000],
    ['1.5Mbit', 1_500_000],
    ['10Mbit', 10_000_000],
    ['.5Mbit', 500_000],
    ['1.000001Mbit', 1_000_001],
    ['2.5Gbit', 2_500_000_000],
    ['100Gbit', 100_000_000_000],
    ['1kbit', 1_000],
  ])('%s is %d bit/s', (text, bits) => {
    expect(parseRate(text)).toBe(bits);
  });

  it('is written in the largest unit it reaches, exactly', () => {
    expect(formatRate(0)).toBe('0');
    expect(formatRate(1_000)).toBe('1kbit');
    expect(formatRate(64_000)).toBe('64kbit');
    expect(formatRate(1_500_000)).toBe('1.5Mbit');
    expect(formatRate(1_000_001)).toBe('1.000001Mbit');
    expect(formatRate(10_000_000)).toBe('10Mbit');
    expect(formatRate(999_999_999)).toBe('999.999999Mbit');
    expect(formatRate(100_000_000_000)).toBe('100Gbit');
    for (const bits of [1_000, 1_234, 999_999, 1_000_001, 123_456_789_012 % 100_000_000_000])
      expect(parseRate(formatRate(bits))).toBe(bits);
  });

  it.each([
    ['-1Mbit', 'rate must not be negative'],
    ['fast', "bad rate 'fast'"],
    ['10 Mbit', "bad rate '10 Mbit'"],
    ['1e6', "bad rate '1e6' (expected bits per second as tc writes them"],
    ['10MBit', 'units are written as tc prints them: Mbit, not MBit'],
    ['10kbps', "in tc, 'kbps' would be bytes per second"],
    ['10Mb/s', "in tc, 'Mb/s' would be bytes per second"],
    ['10Tbit', "unknown rate unit 'Tbit' in '10Tbit' (expected bit, kbit, Mbit or Gbit"],
    ['1.5bit', 'a rate is a whole number of bits per second'],
    ['999', 'rate out of range: 999 (0 for no bottleneck, or 1kbit to 100Gbit)'],
    ['100.000000001Gbit', 'rate out of range'],
  ])('refuses %s', (text, message) => {
    const r = parseRate(text);
    expect(typeof r === 'number' ? r : r.error).toContain(message);
  });

  it('has the limits of limits.ts', () => {
    expect(parseRate(formatRate(RATE_LIMIT.min))).toBe(RATE_LIMIT.min);
    expect(parseRate(formatRate(RATE_LIMIT.max))).toBe(RATE_LIMIT.max);
    expect(typeof parseRate(`${RATE_LIMIT.min - 1}`)).toBe('object');
    expect(typeof parseRate(`${RATE_LIMIT.max + 1}`)).toBe('object');
  });
});

describe('queue', () => {
  it.each([
    ['unlimited', null],
    ['1', { packets: 1 }],
    ['64', { packets: 64 }],
    ['100000', { packets: 100_000 }],
    ['1B', { bytes: 1 }],
    ['100000B', { bytes: 100_000 }],
    ['96KB', { bytes: 96 * 1024 }],
    ['2MB', { bytes: 2 * 1024 * 1024 }],
    ['1GB', { bytes: 1024 ** 3 }],
  ])('%s', (text, limit) => {
    expect(parseQueueLimit(text)).toEqual(limit);
  });

  it('is written in packets, or bytes in the largest unit that divides them', () => {
    expect(formatQueueLimit(null)).toBe('unlimited');
    expect(formatQueueLimit({ packets: 64 })).toBe('64');
    expect(formatQueueLimit({ bytes: 98_304 })).toBe('96KB');
    expect(formatQueueLimit({ bytes: 100_000 })).toBe('100000B');
    expect(formatQueueLimit({ bytes: 3 * 1024 * 1024 })).toBe('3MB');
    expect(formatQueueLimit({ bytes: QUEUE_LIMITS.bytes.max })).toBe('1GB');
  });

  it.each([
    ['0', 'at least 1 packet'],
    ['0KB', 'at least 1 byte'],
    ['-5', 'queue must not be negative'],
    ['1.5MB', "a queue limit is a whole number, got '1.5MB'"],
    ['lots', "bad queue limit 'lots'"],
    ['64packets', 'a bare number counts packets: write 64'],
    ['8Mbit', 'a queue holds packets or bytes, not bits'],
    ['96kB', "unknown queue unit 'kB' in '96kB'"],
    ['100001', 'queue out of range: 100001 packets'],
    ['1073741825B', 'queue out of range: 1073741825B'],
  ])('refuses %s', (text, message) => {
    const q = parseQueueLimit(text);
    expect(q !== null && 'error' in q ? q.error : q).toContain(message);
  });
});

describe('link lines with a bottleneck', () => {
  it('set the rate and queue of each direction, later lines over earlier ones', () => {
    const sc = parseScenario(
      ['link both rate 1.5Mbit', 'link client rate 10Mbit queue 64', 'link server queue 96KB'].join(
        '\n',
      ),
    );
    expect(scenarioSettings(sc).link).toEqual({
      client: { rate: 10_000_000, queue: { packets: 64 } },
      server: { rate: 1_500_000, queue: { bytes: 98_304 } },
    });
  });

  it('round-trip through the formatter in their canonical spelling', () => {
    const text = [
      'link client rate 10000000 queue 98304B',
      'link server rate 0.5Mbit queue unlimited',
      '1 link both rate 0',
      '+0.5 link client queue 1024KB',
    ].join('\n');
    const sc = parseScenario(text);
    const out = formatScenario(sc);
    expect(out).toBe(
      [
        'link client rate 10Mbit queue 96KB',
        'link server rate 500kbit queue unlimited',
        '1 link both rate 0',
        '+0.5 link client queue 1MB',
        '',
      ].join('\n'),
    );
    expect(parseScenario(out)).toEqual(sc);
  });

  it('run: a timed line changes the rate from its instant on', () => {
    const sc = parseScenario(
      [
        'link both delay 10ms',
        '0 server l = socket()',
        '0 server bind(l, 9821)',
        '0 server listen(l, 8)',
        '0 server c = accept(l)',
        '+0 server recv(c, 100000)',
        '0 client s = socket()',
        '0 client connect(s, server)',
        '0.5 link client rate 1Mbit queue 4',
        '0.5 client send(s, 20000)',
      ].join('\n'),
    );
    const { world } = runScenario(sc);
    expect(world.link.config.client).toMatchObject({ rate: 1_000_000, queue: { packets: 4 } });
    const data = world.trace.segments.filter((s) => s.from === 'client' && s.seg.payload.length);
    expect(data.some((s) => s.dropped === 'queue')).toBe(true);
    expect(world.trace.queueCount).toBeGreaterThan(0);
    expect(world.trace.queueTime(0)).toBe(500);
  });
});
