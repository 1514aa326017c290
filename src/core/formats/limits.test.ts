/**
 * One definition of every limit: the scenario parser, the share-link codec
 * and makeProfile accept and refuse the same values, on each side of each
 * limit, and what the parser accepts round-trips through the codec.
 */
import { describe, expect, it } from 'vitest';
import { LINUX, PROFILE_KEYS, makeProfile, type ProfileOverrides } from '../tcp/profile';
import type { Side } from '../sim/trace';
import type { Input, WorldOptions } from '../sim/world';
import {
  CALL_LIMITS,
  LINK_LIMITS,
  MAX_INPUTS,
  MAX_RUN_SEND_BYTES,
  MAX_RUN_TEXT,
  MAX_SEND_BYTES,
  PATTERN_LIMIT,
  PROFILE_LIMITS,
  QUEUE_LIMITS,
  RATE_LIMIT,
  SEED_LIMIT,
  TIME_LIMIT,
  WSCALE_LIMIT,
  type NumberLimit,
  type NumericProfileKey,
} from './limits';
import { decodeRun, encodeRun, type SharedRun } from './run-codec';
import { DURATION_KEYS, ScenarioError, parseScenario, type Scenario } from './scenario';
import { runScenario, toCall, worldOptions } from './scenario-runner';

/** Parse, returning the scenario or the error's message. */
function parse(text: string): Scenario | string {
  try {
    return parseScenario(text, 'limits.scenario');
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
}

/** Decode the JSON of a run, returning the run or the error. */
function decodeJson(json: unknown): SharedRun | string {
  const d = decodeRun(Buffer.from(JSON.stringify(json), 'utf8').toString('base64url'));
  return d.ok ? d.run : d.error;
}

const run = (options: WorldOptions, inputs: Input[] = [], cursor = 0): SharedRun => ({
  v: 1,
  options,
  inputs,
  cursor,
});

/** The values just outside and just inside each end of a limit. */
function edges(l: NumberLimit): { inside: number[]; outside: number[] } {
  const step = l.integer ? 1 : l.unit === 'ms' ? 0.001 : 0.0001;
  return { inside: [l.min, l.max], outside: [l.min - step, l.max + step] };
}

/** A number as scenario text (durations in ms, to the microsecond). */
const text = (v: number, ms: boolean): string => (ms ? `${+v.toFixed(3)}ms` : String(v));

/** Other constants set with `k` so that the profile stays consistent (RTO order, port range). */
function companions(k: NumericProfileKey, v: number): ProfileOverrides {
  if (k === 'rtoMin' || k === 'rtoInitial' || k === 'rtoMax')
    return { rtoMin: v, rtoInitial: v, rtoMax: v };
  if (k === 'ephemeralLow') return { ephemeralLow: v, ephemeralHigh: 65_535 };
  if (k === 'ephemeralHigh') return { ephemeralLow: 1, ephemeralHigh: v };
  return { [k]: v };
}

const setLines = (o: ProfileOverrides): string =>
  Object.entries(o)
    .map(([k, v]) => `set ${k} ${text(v as number, DURATION_KEYS.has(k))}`)
    .join('\n');

describe('limits: profile constants', () => {
  const keys = Object.keys(PROFILE_LIMITS) as NumericProfileKey[];

  it('cover every numeric constant of the profile', () => {
    expect(keys.sort()).toEqual(
      PROFILE_KEYS.filter((k) => typeof LINUX[k] === 'number' && k !== 'wscale').sort(),
    );
  });

  for (const k of keys) {
    const l = PROFILE_LIMITS[k];
    const { inside, outside } = edges(l);
    it.each(inside)(`${k} = %d is accepted by the parser, the codec and makeProfile`, (v) => {
      const o = companions(k, v);
      const sc = parse(setLines(o));
      expect(sc, typeof sc === 'string' ? sc : '').not.toBeTypeOf('string');
      expect((sc as Scenario).statements.length).toBe(Object.keys(o).length);
      const opts = worldOptions(sc as Scenario);
      expect(opts.overrides?.[k]).toBe(v);
      // What the parser accepted, the codec carries unchanged.
      const d = decodeJson(JSON.parse(Buffer.from(encodeRun(run(opts)), 'base64url').toString()));
      expect(d, typeof d === 'string' ? d : '').toEqual(run(opts));
      expect(makeProfile('linux', o)[k]).toBe(v);
    });
    it.each(outside)(`${k} = %d is refused by the parser, the codec and makeProfile`, (v) => {
      const o = { [k]: v };
      if (v >= 0) expect(parse(setLines(o))).toMatch(new RegExp(`^${k} out of range`));
      else expect(parse(setLines(o))).toBeTypeOf('string');
      expect(decodeJson({ v: 1, options: { seed: 1, overrides: o }, inputs: [], cursor: 0 })).toBe(
        `options.overrides.${k}: expected ${
          l.unit === 'ms'
            ? `a number of ms ${l.min}–${l.max}`
            : `a whole number${l.unit ? ` of ${l.unit}` : ''} ${l.min}–${l.max}`
        }, got ${v}`,
      );
      expect(() => makeProfile('linux', o)).toThrow(RangeError);
    });
  }

  it('wscale: 0–14 or none, in both', () => {
    for (const v of [WSCALE_LIMIT.min, WSCALE_LIMIT.max]) {
      expect(parse(`set wscale ${v}`)).not.toBeTypeOf('string');
      expect(
        decodeJson({ v: 1, options: { seed: 1, overrides: { wscale: v } }, inputs: [], cursor: 0 }),
      ).not.toBeTypeOf('string');
    }
    expect(parse('set wscale 15')).toMatch(/wscale is a shift from 0 to 14/);
    expect(
      decodeJson({ v: 1, options: { seed: 1, overrides: { wscale: 15 } }, inputs: [], cursor: 0 }),
    ).toMatch(/wscale: expected an integer 0–14 or null/);
    expect(() => makeProfile('linux', { wscale: 15 })).toThrow(RangeError);
  });
});

describe('limits: the constants taken together', () => {
  const CASES: readonly [string, ProfileOverrides, RegExp][] = [
    ['rtoMin above rtoInitial', { rtoMin: 2000 }, /0 < rtoMin ≤ rtoInitial ≤ rtoMax/],
    ['rtoInitial above rtoMax', { rtoMax: 500 }, /0 < rtoMin ≤ rtoInitial ≤ rtoMax/],
    [
      'an inverted ephemeral range',
      { ephemeralLow: 40_000, ephemeralHigh: 39_999 },
      /the ephemeral port range is empty \(ephemeralLow 40000 > ephemeralHigh 39999\)/,
    ],
    [
      'a range that ends below the default start',
      { ephemeralHigh: 1000 },
      /the ephemeral port range is empty/,
    ],
  ];
  it.each(CASES)('%s is refused by the parser, the codec and makeProfile', (_, o, message) => {
    const e = parse(`seed 1\n${setLines(o)}\nrun 1s`);
    expect(e).toMatch(message);
    expect(decodeJson({ v: 1, options: { seed: 1, overrides: o }, inputs: [], cursor: 0 })).toMatch(
      message,
    );
    expect(() => makeProfile('linux', o)).toThrow(message);
  });

  it('points at the last set line of the constants concerned', () => {
    try {
      parseScenario('set rtoMax 500ms\nseed 1\nset rtoMin 100ms\n', 'x.scenario');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      expect((e as ScenarioError).format()).toBe(
        'x.scenario:3:12: the RTO bounds must hold 0 < rtoMin ≤ rtoInitial ≤ rtoMax, but rtoMin is 100 ms, rtoInitial 1000 ms and rtoMax 500 ms',
      );
    }
  });

  it('the rfc profile is checked with its own defaults', () => {
    // rfc's rtoMin is 1 s: an rtoInitial of 500 ms is below it there, not in linux.
    expect(parse('profile rfc\nset rtoInitial 500ms')).toMatch(/rtoMin ≤ rtoInitial/);
    expect(parse('profile linux\nset rtoInitial 500ms')).not.toBeTypeOf('string');
    expect(() => makeProfile('rfc', { rtoInitial: 500 })).toThrow(RangeError);
  });
});

describe('limits: what issue 9 found accepted by the parser and refused by the codec', () => {
  it('set rtoMax 0 is refused, saying why', () => {
    expect(parse('set rtoMax 0')).toBe('rtoMax out of range: 0 (1ms to 3600s)');
    expect(() => makeProfile('linux', { rtoMax: 0 })).toThrow(
      'profile linux: rtoMax must be a number of ms 1–3600000, not 0',
    );
  });
  it('mss 70000 and mss 87 are refused in both', () => {
    for (const v of [70_000, 87]) {
      expect(parse(`set mss ${v}`)).toBe(`mss out of range: ${v} (88..65495)`);
      expect(
        decodeJson({ v: 1, options: { seed: 1, overrides: { mss: v } }, inputs: [], cursor: 0 }),
      ).toMatch(/^options\.overrides\.mss: expected a whole number of bytes 88–65495/);
    }
  });
  it('a link delay of 20,000 s is refused in both', () => {
    expect(parse('link both delay 20000s')).toMatch(/^delay out of range: 20000s/);
    expect(
      decodeJson({
        v: 1,
        options: { seed: 1, link: { client: { delay: 20_000_000 } } },
        inputs: [],
        cursor: 0,
      }),
    ).toMatch(/^options\.link\.client\.delay: expected a number of ms 0–60000/);
  });
  it('recv(c, 16000000) is accepted in both', () => {
    const sc = parse('0 server c = socket()\n0 server recv(c, 16000000)');
    expect(sc).not.toBeTypeOf('string');
    const input: Input = {
      t: 0,
      steps: 0,
      action: { kind: 'call', side: 'server', call: { name: 'recv', fd: 3, len: 16_000_000 } },
    };
    expect(decodeRun(encodeRun(run({ seed: 1 }, [input])))).toEqual({
      ok: true,
      run: run({ seed: 1 }, [input]),
    });
  });
  it('run 9e9 s is refused', () => {
    expect(parse('run 9000000000s')).toMatch(/^run out of range: 9000000000s \(0s to 1000000s\)/);
  });
});

/** A call line of the client after `s = socket()`, and what the core makes of it. */
const CALL_CASES: readonly {
  name: string;
  limit: NumberLimit;
  line: (v: number) => string;
}[] = [
  { name: 'port', limit: CALL_LIMITS.port, line: (v) => `bind(s, ${v})` },
  { name: 'backlog', limit: CALL_LIMITS.backlog, line: (v) => `listen(s, ${v})` },
  { name: 'fd', limit: CALL_LIMITS.fd, line: (v) => `close(${v})` },
  { name: 'recvLen', limit: CALL_LIMITS.recvLen, line: (v) => `recv(s, ${v})` },
  { name: 'sendBytes', limit: CALL_LIMITS.sendBytes, line: (v) => `send(s, ${v})` },
  { name: 'linger', limit: CALL_LIMITS.linger, line: (v) => `setsockopt(s, SO_LINGER, 1, ${v})` },
];

describe('limits: call arguments', () => {
  const IPS: Record<Side, number> = { client: 0xc000020a, server: 0xc0000201 };
  for (const c of CALL_CASES) {
    const { inside, outside } = edges(c.limit);
    it.each(inside)(`${c.name} = %d is accepted by the parser and round-trips the codec`, (v) => {
      const sc = parse(`0 client s = socket()\n+0 client ${c.line(v)}`);
      expect(sc, typeof sc === 'string' ? sc : '').not.toBeTypeOf('string');
      const st = (sc as Scenario).statements[1]!;
      if (st.kind !== 'call') throw new Error('expected a call');
      const call = toCall(st.call, () => 3, IPS);
      const r = run({ seed: 1 }, [
        { t: 0, steps: 0, action: { kind: 'call', side: 'client', call } },
      ]);
      // The encoding is deterministic: a run that decodes to an equal run encodes the same.
      const d = decodeRun(encodeRun(r));
      if (!d.ok) throw new Error(d.error);
      expect(encodeRun(d.run)).toBe(encodeRun(r));
      expect(d.run.inputs[0]!.action).toMatchObject({ kind: 'call', call: { name: call.name } });
    });
    it.each(outside.filter((v) => v >= 0))(
      `${c.name} = %d is refused by the parser and the codec`,
      (v) => {
        expect(parse(`0 client s = socket()\n+0 client ${c.line(v)}`)).toMatch(/out of range/);
        const call =
          c.name === 'sendBytes'
            ? { name: 'send', fd: 3, data: Buffer.alloc(v).toString('base64') }
            : c.name === 'port'
              ? { name: 'bind', fd: 3, port: v }
              : c.name === 'backlog'
                ? { name: 'listen', fd: 3, backlog: v }
                : c.name === 'fd'
                  ? { name: 'close', fd: v }
                  : c.name === 'recvLen'
                    ? { name: 'recv', fd: 3, len: v }
                    : { name: 'setsockopt', fd: 3, opt: 'SO_LINGER', onoff: true, linger: v };
        const action = { kind: 'call', side: 'client', call };
        const d = decodeJson({
          v: 1,
          options: { seed: 1 },
          inputs: [{ t: 0, steps: 0, action }],
          cursor: 0,
        });
        expect(d).toMatch(/^inputs\[0\]\.action\.call\.\w+: /);
      },
    );
  }

  it('a string send is held to the same limit as a byte count', () => {
    const big = `"${'a'.repeat(MAX_SEND_BYTES + 1)}"`;
    expect(parse(`0 client s = socket()\n+0 client send(s, ${big})`)).toMatch(
      /^byte count out of range/,
    );
  });

  it('the sends of one run are limited together, in both', () => {
    const n = MAX_RUN_SEND_BYTES / MAX_SEND_BYTES;
    const lines = Array.from({ length: n + 1 }, () => `+0 client send(s, ${MAX_SEND_BYTES})`);
    const ok = parse(['0 client s = socket()', ...lines.slice(0, n)].join('\n'));
    expect(ok).not.toBeTypeOf('string');
    expect(parse(['0 client s = socket()', ...lines].join('\n'))).toMatch(/^too much data/);
    const send = (bytes: number) => ({
      t: 0,
      steps: 0,
      action: {
        kind: 'call',
        side: 'client',
        call: { name: 'send', fd: 3, data: Buffer.alloc(bytes).toString('base64') },
      },
    });
    const inputs = Array.from({ length: n }, () => send(MAX_SEND_BYTES));
    expect(decodeJson({ v: 1, options: { seed: 1 }, inputs, cursor: 0 })).not.toBeTypeOf('string');
    expect(
      decodeJson({ v: 1, options: { seed: 1 }, inputs: [...inputs, send(1)], cursor: 0 }),
    ).toMatch(/^inputs\[4\]\.action: the sends of the run carry/);
  });
});

describe('limits: link settings, seed and times', () => {
  for (const key of ['delay', 'jitter', 'loss', 'duplicate', 'reorder'] as const) {
    const l = LINK_LIMITS[key];
    const ms = key === 'delay' || key === 'jitter';
    const { inside, outside } = edges(l);
    it.each(inside)(`link ${key} = %d is accepted by the parser and round-trips the codec`, (v) => {
      const sc = parse(`link client ${key} ${text(v, ms)}`);
      expect(sc, typeof sc === 'string' ? sc : '').not.toBeTypeOf('string');
      const opts = worldOptions(sc as Scenario);
      expect(opts.link?.client?.[key]).toBe(v);
      expect(decodeRun(encodeRun(run(opts)))).toEqual({ ok: true, run: run(opts) });
    });
    it.each(outside)(`link ${key} = %d is refused by the parser and the codec`, (v) => {
      expect(parse(`link client ${key} ${text(v, ms)}`)).toBeTypeOf('string');
      expect(
        decodeJson({
          v: 1,
          options: { seed: 1, link: { client: { [key]: v } } },
          inputs: [],
          cursor: 0,
        }),
      ).toMatch(new RegExp(`^options\\.link\\.client\\.${key}: expected`));
    });
  }

  /** The parser and the codec on a bottleneck setting: the value the parser gives, or its error. */
  const bothWays = (
    line: string,
    json: Record<string, unknown>,
  ): { parsed: unknown; decoded: unknown } => {
    const sc = parse(`link client ${line}`);
    const d = decodeJson({
      v: 1,
      options: { seed: 1, link: { client: json } },
      inputs: [],
      cursor: 0,
    });
    return {
      parsed: typeof sc === 'string' ? 'refused' : worldOptions(sc).link?.client,
      decoded: typeof d === 'string' ? 'refused' : d.options.link?.client,
    };
  };

  it('rate: 0, or RATE_LIMIT, in both', () => {
    for (const rate of [0, RATE_LIMIT.min, RATE_LIMIT.max])
      expect(bothWays(`rate ${rate}`, { rate })).toEqual({ parsed: { rate }, decoded: { rate } });
    for (const rate of [1, RATE_LIMIT.min - 1, RATE_LIMIT.max + 1, 1500.5])
      expect(bothWays(`rate ${rate}`, { rate })).toEqual({ parsed: 'refused', decoded: 'refused' });
  });

  it('queue: QUEUE_LIMITS in packets or bytes, in both', () => {
    for (const [text, queue] of [
      [String(QUEUE_LIMITS.packets.min), { packets: QUEUE_LIMITS.packets.min }],
      [String(QUEUE_LIMITS.packets.max), { packets: QUEUE_LIMITS.packets.max }],
      [`${QUEUE_LIMITS.bytes.min}B`, { bytes: QUEUE_LIMITS.bytes.min }],
      [`${QUEUE_LIMITS.bytes.max}B`, { bytes: QUEUE_LIMITS.bytes.max }],
      ['unlimited', null],
    ] as const)
      expect(bothWays(`queue ${text}`, { queue })).toEqual({
        parsed: { queue },
        decoded: { queue },
      });
    for (const [text, queue] of [
      ['0', { packets: 0 }],
      [String(QUEUE_LIMITS.packets.max + 1), { packets: QUEUE_LIMITS.packets.max + 1 }],
      ['0B', { bytes: 0 }],
      [`${QUEUE_LIMITS.bytes.max + 1}B`, { bytes: QUEUE_LIMITS.bytes.max + 1 }],
    ] as const)
      expect(bothWays(`queue ${text}`, { queue })).toEqual({
        parsed: 'refused',
        decoded: 'refused',
      });
  });

  it('seed: 0 to 2^32 − 1 in both', () => {
    for (const v of [SEED_LIMIT.min, SEED_LIMIT.max]) {
      const sc = parse(`seed ${v}`);
      expect(sc).not.toBeTypeOf('string');
      const opts = worldOptions(sc as Scenario);
      expect(decodeRun(encodeRun(run(opts)))).toEqual({ ok: true, run: run(opts) });
    }
    expect(parse(`seed ${SEED_LIMIT.max + 1}`)).toMatch(/^bad seed/);
    expect(
      decodeJson({ v: 1, options: { seed: SEED_LIMIT.max + 1 }, inputs: [], cursor: 0 }),
    ).toMatch(/^options\.seed: expected an integer/);
  });

  it('times: a run, a line and a share link reach at most TIME_LIMIT.max', () => {
    const max = TIME_LIMIT.max;
    expect(parse(`run ${max}ms`)).not.toBeTypeOf('string');
    expect(parse(`run ${max + 0.001}ms`)).toMatch(/^run out of range/);
    expect(parse(`${max / 1000} client s = socket()`)).not.toBeTypeOf('string');
    expect(parse(`${max / 1000 + 0.000001} client s = socket()`)).toMatch(/^time out of range/);
    // Relative times add up.
    expect(parse(`${max / 1000} client s = socket()\n+0.000001 client close(s)`)).toMatch(
      /^time out of range: this line is due at 1000000.000001 s/,
    );
    expect(decodeRun(encodeRun(run({ seed: 1 }, [], max)))).toEqual({
      ok: true,
      run: run({ seed: 1 }, [], max),
    });
    expect(decodeJson({ v: 1, options: { seed: 1 }, inputs: [], cursor: max + 0.001 })).toMatch(
      /^cursor: .* later than the last instant a run may reach/,
    );
  });

  it('a file may not record more inputs than a share link carries', () => {
    const line = '+0 link both delay 1ms';
    const half = MAX_INPUTS / 2;
    expect(parse(Array.from({ length: half }, () => line).join('\n'))).not.toBeTypeOf('string');
    expect(parse(Array.from({ length: half + 1 }, () => line).join('\n'))).toMatch(
      /^too many timed lines/,
    );
  });

  it('waits record no input, but count as timed lines all the same', () => {
    const head = '0 server s = socket()\n';
    const wait = '+0 client wait server socket()';
    const lines = (n: number) => head + Array.from({ length: n }, () => wait).join('\n');
    expect(parse(lines(MAX_INPUTS - 1))).not.toBeTypeOf('string');
    expect(parse(lines(MAX_INPUTS))).toMatch(/^too many timed lines: .* waits included$/);
  });

  it('the longest share link the codec reads holds the biggest run within the limits', () => {
    // All the data a run may send, and every other input a large link change.
    const sends = MAX_RUN_SEND_BYTES / MAX_SEND_BYTES;
    const data = new Uint8Array(MAX_SEND_BYTES).map((_, i) => (i * 131) & 255);
    const inputs: Input[] = [];
    for (let i = 0; i < sends; i++)
      inputs.push({
        t: TIME_LIMIT.max,
        steps: Number.MAX_SAFE_INTEGER,
        action: { kind: 'call', side: 'server', call: { name: 'send', fd: 65_535, data } },
      });
    while (inputs.length < MAX_INPUTS)
      inputs.push({
        t: TIME_LIMIT.max,
        steps: Number.MAX_SAFE_INTEGER,
        action: {
          kind: 'link',
          from: 'client',
          change: {
            delay: 59_999.123456789,
            jitter: 59_999.123456789,
            loss: 0.123456789012345,
            duplicate: 0.123456789012345,
            reorder: 0.123456789012345,
            rate: 99_999_999_999,
            queue: { bytes: 1_073_741_823 },
          },
        },
      });
    const text = encodeRun(run({ seed: 1 }, inputs, TIME_LIMIT.max));
    expect(text.length).toBeLessThanOrEqual(MAX_RUN_TEXT);
  });

  it('... and the biggest drop rules: two payload patterns of the longest length each', () => {
    const pattern = new Uint8Array(PATTERN_LIMIT.max).map((_, i) => (i * 37) & 255);
    const sends = MAX_RUN_SEND_BYTES / MAX_SEND_BYTES;
    const data = new Uint8Array(MAX_SEND_BYTES).map((_, i) => (i * 131) & 255);
    const inputs: Input[] = [];
    for (let i = 0; i < sends; i++)
      inputs.push({
        t: TIME_LIMIT.max,
        steps: Number.MAX_SAFE_INTEGER,
        action: { kind: 'call', side: 'server', call: { name: 'send', fd: 65_535, data } },
      });
    while (inputs.length < MAX_INPUTS)
      inputs.push({
        t: TIME_LIMIT.max,
        steps: Number.MAX_SAFE_INTEGER,
        action: {
          kind: 'rule',
          rule: {
            kind: 'dropNext',
            from: 'client',
            flags: '+SFRPU.',
            payload: { contains: pattern },
            after: { from: 'server', flags: '+SFRPU.', payload: { contains: pattern } },
          },
        },
      });
    const text = encodeRun(run({ seed: 1 }, inputs, TIME_LIMIT.max));
    expect(text.length).toBeLessThanOrEqual(MAX_RUN_TEXT);
    // It is not far from the bound: the bound is not loose enough to let much else through.
    expect(text.length).toBeGreaterThan(MAX_RUN_TEXT * 0.8);
    expect(decodeRun(text).ok).toBe(true);
  });
});

describe('a failed call’s -1 passed on (found by the fuzz suite)', () => {
  it('a scenario that closes what a failed accept() returned runs, and its run can be shared', () => {
    const { world } = runScenario(
      parseScenario('0 server l=socket()\n0 server c=accept(l)\n+0 server close(c)\n', 'f'),
    );
    const closes = world.inputs.filter(
      (i) => i.action.kind === 'call' && i.action.call.name === 'close',
    );
    expect(closes).toHaveLength(1);
    const text = encodeRun({ v: 1, options: world.options, inputs: world.inputs, cursor: 0 });
    const back = decodeRun(text);
    expect(back.ok).toBe(true);
    expect(back.ok && back.run.inputs).toEqual(world.inputs);
  });
});
