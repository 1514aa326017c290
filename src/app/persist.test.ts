/**
 * Runs kept in browser storage, against an in-memory Storage: round trips,
 * the order of saved sessions, renaming and deleting, full and unavailable
 * storage, and damaged stored values — each reported with what is wrong,
 * never thrown, and never written over.
 */
import { Buffer } from 'node:buffer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeRun, parseScenario, worldOptions, type SharedRun } from '../core';
import { World } from '../core';
import {
  CURRENT_KEY,
  SAVED_KEY,
  clearCurrent,
  clearSaved,
  deleteSaved,
  listSaved,
  loadCurrent,
  loadSaved,
  renameSaved,
  saveAs,
  saveCurrent,
  type StorageLike,
} from './persist';

/** localStorage in memory: a quota (characters of keys and values), and failures on demand. */
class MemoryStorage implements StorageLike {
  readonly data = new Map<string, string>();
  writes = 0;
  constructor(
    public quota = Number.POSITIVE_INFINITY,
    public denied = false,
  ) {}
  get length(): number {
    return this.data.size;
  }
  key(i: number): string | null {
    return [...this.data.keys()][i] ?? null;
  }
  getItem(k: string): string | null {
    if (this.denied) throw new DOMException('The operation is insecure.', 'SecurityError');
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    if (this.denied) throw new DOMException('The operation is insecure.', 'SecurityError');
    let size = k.length + v.length;
    for (const [kk, vv] of this.data) if (kk !== k) size += kk.length + vv.length;
    if (size > this.quota)
      throw new DOMException("Setting the value of 'x' exceeded the quota.", 'QuotaExceededError');
    this.data.set(k, v);
    this.writes++;
  }
  removeItem(k: string): void {
    if (this.denied) throw new DOMException('The operation is insecure.', 'SecurityError');
    this.data.delete(k);
  }
}

const AT = '2025-06-01T10:00:00.000Z';
const AT2 = '2025-06-02T11:30:00.000Z';

/** A short run that did something: a listener, a connection, a few bytes. */
function recordedRun(seed = 3): SharedRun {
  const w = new World({ seed, link: { client: { delay: 5 }, server: { delay: 5 } } });
  const l = w.call('server', { name: 'socket' }).result!.ret;
  w.call('server', { name: 'bind', fd: l, port: 9821 });
  w.call('server', { name: 'listen', fd: l });
  const fd = w.call('client', { name: 'socket' }).result!.ret;
  w.call('client', { name: 'connect', fd, ip: 0xc0000201, port: 9821 });
  w.runUntil(20);
  w.call('client', { name: 'send', fd, data: new Uint8Array([0, 1, 2, 255]) });
  w.runUntil(100);
  return { v: 1, options: w.options, inputs: w.inputs, cursor: 42, scenario: 'handshake' };
}

const RUN = recordedRun();
const OTHER: SharedRun = { v: 1, options: { seed: 8, profile: 'rfc' }, inputs: [], cursor: 0 };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the current run', () => {
  it('is null before anything was saved', () => {
    expect(loadCurrent(new MemoryStorage())).toEqual({ ok: true, run: null });
  });

  it('round-trips, send data included', () => {
    const s = new MemoryStorage();
    expect(saveCurrent(s, RUN)).toEqual({ ok: true });
    expect(s.data.get(CURRENT_KEY)).toBe(JSON.stringify({ v: 1, run: encodeRun(RUN) }));
    const r = loadCurrent(s);
    expect(r).toEqual({ ok: true, run: RUN });
    const send =
      r.ok && r.run?.inputs.find((i) => i.action.kind === 'call' && i.action.call.name === 'send');
    expect(send && send.action.kind === 'call' && send.action.call).toEqual({
      name: 'send',
      fd: 3,
      data: new Uint8Array([0, 1, 2, 255]),
    });
  });

  it('is replaced by the next save, and not written again when unchanged', () => {
    const s = new MemoryStorage();
    saveCurrent(s, RUN);
    expect(saveCurrent(s, OTHER)).toEqual({ ok: true });
    expect(loadCurrent(s)).toEqual({ ok: true, run: OTHER });
    const writes = s.writes;
    expect(saveCurrent(s, OTHER)).toEqual({ ok: true });
    expect(s.writes).toBe(writes);
  });

  it('is replaced when another tab wrote a valid one in between', () => {
    const s = new MemoryStorage();
    saveCurrent(s, RUN);
    s.data.set(CURRENT_KEY, JSON.stringify({ v: 1, run: encodeRun(OTHER) }));
    expect(saveCurrent(s, RUN)).toEqual({ ok: true });
    expect(loadCurrent(s)).toEqual({ ok: true, run: RUN });
  });

  it('is cleared', () => {
    const s = new MemoryStorage();
    saveCurrent(s, RUN);
    expect(clearCurrent(s)).toEqual({ ok: true });
    expect(loadCurrent(s)).toEqual({ ok: true, run: null });
  });

  it('is not saved when it would not load again', () => {
    const s = new MemoryStorage();
    const r = saveCurrent(s, { ...RUN, cursor: Number.NaN });
    expect(r).toMatchObject({ ok: false });
    if (!r.ok)
      expect(r.error).toContain('this run cannot be saved: cursor: expected a finite number ≥ 0');
    expect(s.data.size).toBe(0);
  });
});

describe('saved sessions', () => {
  it('are listed most recently saved first, with their dates and sizes', () => {
    const s = new MemoryStorage();
    expect(listSaved(s)).toEqual({ ok: true, items: [] });
    expect(saveAs(s, 'first', RUN, AT)).toEqual({ ok: true, name: 'first', replaced: false });
    expect(saveAs(s, 'second', OTHER, AT2)).toEqual({ ok: true, name: 'second', replaced: false });
    expect(listSaved(s)).toEqual({
      ok: true,
      items: [
        { name: 'second', savedAt: AT2, bytes: encodeRun(OTHER).length },
        { name: 'first', savedAt: AT, bytes: encodeRun(RUN).length },
      ],
    });
    expect(JSON.parse(s.data.get(SAVED_KEY)!)).toEqual({
      v: 1,
      items: [
        { name: 'second', savedAt: AT2, run: encodeRun(OTHER) },
        { name: 'first', savedAt: AT, run: encodeRun(RUN) },
      ],
    });
  });

  it('round-trip', () => {
    const s = new MemoryStorage();
    saveAs(s, 'a', RUN, AT);
    saveAs(s, 'b', OTHER, AT2);
    expect(loadSaved(s, 'a')).toEqual({ ok: true, run: RUN, savedAt: AT });
    expect(loadSaved(s, ' b ')).toEqual({ ok: true, run: OTHER, savedAt: AT2 });
  });

  it('are overwritten by a save under the same (trimmed) name, which moves to the top', () => {
    const s = new MemoryStorage();
    saveAs(s, 'a', RUN, AT);
    saveAs(s, 'b', RUN, AT);
    expect(saveAs(s, '  a  ', OTHER, AT2)).toEqual({ ok: true, name: 'a', replaced: true });
    const l = listSaved(s);
    expect(l.ok && l.items.map((i) => [i.name, i.savedAt])).toEqual([
      ['a', AT2],
      ['b', AT],
    ]);
    expect(loadSaved(s, 'a')).toMatchObject({ ok: true, run: OTHER });
  });

  it('are renamed in place, keeping their date; a rename never overwrites', () => {
    const s = new MemoryStorage();
    saveAs(s, 'a', RUN, AT);
    saveAs(s, 'b', OTHER, AT2);
    saveAs(s, 'c', OTHER, AT2);
    expect(renameSaved(s, 'b', ' B2 ')).toEqual({ ok: true, name: 'B2' });
    const l = listSaved(s);
    expect(l.ok && l.items.map((i) => i.name)).toEqual(['c', 'B2', 'a']);
    expect(loadSaved(s, 'B2')).toEqual({ ok: true, run: OTHER, savedAt: AT2 });
    expect(loadSaved(s, 'b')).toEqual({ ok: false, error: 'there is no saved session named "b"' });
    expect(renameSaved(s, 'B2', 'B2')).toEqual({ ok: true, name: 'B2' });
    const before = s.data.get(SAVED_KEY);
    expect(renameSaved(s, 'B2', 'a')).toEqual({
      ok: false,
      error: 'there is already a saved session named "a"',
    });
    expect(renameSaved(s, 'zz', 'y')).toEqual({
      ok: false,
      error: 'there is no saved session named "zz"',
    });
    expect(renameSaved(s, 'a', '  ')).toEqual({ ok: false, error: 'a name is needed' });
    expect(s.data.get(SAVED_KEY)).toBe(before);
  });

  it('are deleted', () => {
    const s = new MemoryStorage();
    saveAs(s, 'a', RUN, AT);
    saveAs(s, 'b', OTHER, AT2);
    expect(deleteSaved(s, 'a')).toEqual({ ok: true });
    expect(deleteSaved(s, 'a')).toEqual({
      ok: false,
      error: 'there is no saved session named "a"',
    });
    const l = listSaved(s);
    expect(l.ok && l.items.map((i) => i.name)).toEqual(['b']);
    expect(deleteSaved(s, 'b')).toEqual({ ok: true });
    expect(listSaved(s)).toEqual({ ok: true, items: [] });
    saveAs(s, 'c', RUN, AT);
    expect(clearSaved(s)).toEqual({ ok: true });
    expect(s.data.has(SAVED_KEY)).toBe(false);
  });

  it.each([
    ['', 'a name is needed'],
    ['   \t ', 'a name is needed'],
    ['x'.repeat(81), 'names are at most 80 characters; this one has 81'],
    ['a\nb', 'names cannot contain control characters'],
    ['a\u0000b', 'names cannot contain control characters'],
  ])('refuse the name %j', (name, error) => {
    const s = new MemoryStorage();
    expect(saveAs(s, name, RUN, AT)).toEqual({
      ok: false,
      error: expect.stringContaining(error) as string,
    });
    expect(s.data.size).toBe(0);
  });

  it('take names of up to 80 characters, counted as characters, not UTF-16 units', () => {
    const s = new MemoryStorage();
    expect(saveAs(s, 'x'.repeat(80), RUN, AT)).toMatchObject({ ok: true });
    expect(saveAs(s, '🦀'.repeat(80), RUN, AT)).toMatchObject({ ok: true });
    expect(saveAs(s, '名前 with spaces inside', RUN, AT)).toMatchObject({ ok: true });
    const l = listSaved(s);
    expect(l.ok && l.items.length).toBe(3);
  });

  it.each(['yesterday', '2025-06-01', '2025-13-01T00:00:00Z', ''])('refuse the date %j', (at) => {
    const s = new MemoryStorage();
    const r = saveAs(s, 'a', RUN, at);
    expect(r).toMatchObject({ ok: false });
    if (!r.ok) expect(r.error).toContain('savedAt: expected an ISO 8601 date and time');
    expect(s.data.size).toBe(0);
  });

  it('do not take a run that would not load again', () => {
    const s = new MemoryStorage();
    const r = saveAs(s, 'a', { ...RUN, options: { seed: -1 } }, AT);
    expect(r).toEqual({
      ok: false,
      error: 'this run cannot be saved: options.seed: expected an integer 0–4294967295, got -1',
    });
    expect(s.data.size).toBe(0);
  });
});

describe('storage that is full or unavailable', () => {
  it('reports a full storage and leaves what was stored', () => {
    const s = new MemoryStorage();
    saveAs(s, 'a', OTHER, AT);
    saveCurrent(s, OTHER);
    const saved = s.data.get(SAVED_KEY);
    const current = s.data.get(CURRENT_KEY);
    s.quota = 400;
    for (const r of [saveAs(s, 'big', RUN, AT), saveCurrent(s, RUN)]) {
      expect(r).toMatchObject({ ok: false });
      if (!r.ok) expect(r.error).toMatch(/^browser storage is full: could not save \d+ characters/);
    }
    expect(s.data.get(SAVED_KEY)).toBe(saved);
    expect(s.data.get(CURRENT_KEY)).toBe(current);
    expect(loadSaved(s, 'a')).toMatchObject({ ok: true, run: OTHER });
  });

  it('reports a storage that refuses access, without throwing', () => {
    const s = new MemoryStorage(Number.POSITIVE_INFINITY, true);
    const results = [
      loadCurrent(s),
      saveCurrent(s, RUN),
      clearCurrent(s),
      listSaved(s),
      saveAs(s, 'a', RUN, AT),
      loadSaved(s, 'a'),
      deleteSaved(s, 'a'),
      renameSaved(s, 'a', 'b'),
      clearSaved(s),
    ];
    for (const r of results) {
      expect(r.ok).toBe(false);
      if (!r.ok)
        expect(r.error).toMatch(/^cannot (read|write) browser storage: The operation is insecure/);
    }
  });

  it('uses localStorage by default, and says so when there is none', () => {
    vi.stubGlobal('localStorage', undefined);
    expect(loadCurrent()).toEqual({ ok: false, error: 'browser storage is unavailable' });
    expect(saveAs(undefined, 'a', RUN, AT)).toEqual({
      ok: false,
      error: 'browser storage is unavailable',
    });
    const s = new MemoryStorage();
    vi.stubGlobal('localStorage', s);
    expect(saveCurrent(undefined, RUN)).toEqual({ ok: true });
    expect(saveAs(undefined, 'a', RUN, AT)).toMatchObject({ ok: true });
    expect(loadCurrent()).toEqual({ ok: true, run: RUN });
    expect(s.data.has(CURRENT_KEY) && s.data.has(SAVED_KEY)).toBe(true);
  });

  it('says so when touching localStorage throws', () => {
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException('Access is denied for this document.', 'SecurityError');
      },
    });
    try {
      expect(listSaved()).toEqual({
        ok: false,
        error: 'browser storage is unavailable: Access is denied for this document.',
      });
    } finally {
      delete (globalThis as { localStorage?: unknown }).localStorage;
    }
  });
});

// ------------------------------------------------------------------ damaged stored values

/** An encoded run whose first input binds port 70000. */
const BAD_PORT_RUN = Buffer.from(
  JSON.stringify({
    v: 1,
    options: { seed: 1 },
    inputs: [
      {
        t: 0,
        steps: 0,
        action: { kind: 'call', side: 'server', call: { name: 'bind', fd: 3, port: 70000 } },
      },
    ],
    cursor: 0,
  }),
).toString('base64url');
const V2_RUN = Buffer.from('{"v":2}').toString('base64url');
const GOOD = encodeRun(OTHER);

const cur = (o: unknown): string => JSON.stringify(o);
const PREFIX_CURRENT = 'the run saved for the next visit (tcp-playground.current) is damaged: ';

const DAMAGED_CURRENT: readonly [string, string, string][] = [
  ['not JSON', '{"v":1,', 'JSON: '],
  ['an empty string', '', 'JSON: '],
  ['an array', '[]', 'value: expected an object {v, run}, got an array'],
  ['null', 'null', 'value: expected an object {v, run}, got null'],
  ['a JSON string', '"abc"', 'value: expected an object {v, run}, got "abc"'],
  ['no version', cur({ run: GOOD }), 'v: missing'],
  ['a later version', cur({ v: 2, run: GOOD }), 'v: unsupported version 2'],
  ['a version as text', cur({ v: '1', run: GOOD }), 'v: expected the format version 1, got "1"'],
  ['an unknown field', cur({ v: 1, run: GOOD, extra: 1 }), 'extra: unknown field'],
  ['no run', cur({ v: 1 }), 'run: missing (expected an encoded run (text))'],
  ['a run as a number', cur({ v: 1, run: 5 }), 'run: expected an encoded run (text), got 5'],
  [
    'a run as an object',
    cur({ v: 1, run: OTHER }),
    'run: expected an encoded run (text), got an object',
  ],
  ['an empty run', cur({ v: 1, run: '' }), 'run: empty'],
  ['a run that is not base64url', cur({ v: 1, run: 'a*b' }), 'run: not base64url at character 1'],
  ['a run of a later version', cur({ v: 1, run: V2_RUN }), 'run: v: unsupported version 2'],
  [
    'a run with a bad port',
    cur({ v: 1, run: BAD_PORT_RUN }),
    'run: inputs[0].action.call.port: expected an integer 0–65535, got 70000',
  ],
];

const item = (name: unknown, extra: Record<string, unknown> = {}) => ({
  name,
  savedAt: AT,
  run: GOOD,
  ...extra,
});
const saved = (items: unknown, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ v: 1, items, ...extra });

const DAMAGED_SAVED: readonly [string, string, string][] = [
  ['not JSON', '{"v":1,"items":[', 'JSON: '],
  ['an empty string', '', 'JSON: '],
  ['an array', '[]', 'value: expected an object {v, items}, got an array'],
  ['null', 'null', 'value: expected an object {v, items}, got null'],
  ['a number', '42', 'value: expected an object {v, items}, got 42'],
  ['no version', JSON.stringify({ items: [] }), 'v: missing'],
  ['a later version', JSON.stringify({ v: 2, items: [] }), 'v: unsupported version 2'],
  [
    'a version as text',
    JSON.stringify({ v: '1', items: [] }),
    'v: expected the format version 1, got "1"',
  ],
  ['an unknown field', saved([], { extra: true }), 'extra: unknown field'],
  ['no items', JSON.stringify({ v: 1 }), 'items: missing (expected an array of saved sessions)'],
  [
    'items not an array',
    saved({ a: 1 }),
    'items: expected an array of saved sessions, got an object',
  ],
  ['items as text', saved('a'), 'items: expected an array of saved sessions, got "a"'],
  ['an item that is a number', saved([5]), 'items[0]: expected a saved session (an object), got 5'],
  [
    'an item that is null',
    saved([item('a'), null]),
    'items[1]: expected a saved session (an object), got null',
  ],
  ['an item missing its name', saved([{ savedAt: AT, run: GOOD }]), 'items[0].name: missing'],
  ['a name as a number', saved([item(7)]), 'items[0].name: expected a name (text), got 7'],
  ['an empty name', saved([item('')]), 'items[0].name: a name is needed'],
  [
    'a name too long',
    saved([item('n'.repeat(81))]),
    'items[0].name: names are at most 80 characters; this one has 81',
  ],
  ['a name with spaces around it', saved([item(' a')]), 'items[0].name: " a" has spaces around it'],
  [
    'a name with a line break',
    saved([item('a\nb')]),
    'items[0].name: names cannot contain control characters',
  ],
  [
    'duplicate names',
    saved([item('a'), item('b'), item('a')]),
    'items[2].name: "a" is also the name of items[0]',
  ],
  ['an unknown item field', saved([item('a', { pinned: true })]), 'items[0].pinned: unknown field'],
  ['no date', saved([{ name: 'a', run: GOOD }]), 'items[0].savedAt: missing'],
  [
    'a date in words',
    saved([item('a', { savedAt: 'yesterday' })]),
    'items[0].savedAt: expected an ISO 8601 date and time (e.g. 2025-01-31T12:00:00.000Z), got "yesterday"',
  ],
  [
    'a date as a number',
    saved([item('a', { savedAt: 1717236000000 })]),
    'items[0].savedAt: expected an ISO 8601 date and time (e.g. 2025-01-31T12:00:00.000Z), got 1717236000000',
  ],
  [
    'no run',
    saved([{ name: 'a', savedAt: AT }]),
    'items[0].run: missing (expected an encoded run (text))',
  ],
  [
    'a run that is not a string',
    saved([item('a', { run: 12 })]),
    'items[0].run: expected an encoded run (text), got 12',
  ],
  [
    'a run as an object',
    saved([item('a', { run: OTHER })]),
    'items[0].run: expected an encoded run (text), got an object',
  ],
  [
    'a run that is not base64url',
    saved([item('a'), item('b', { run: 'ab+c' })]),
    'items[1].run: not base64url at character 2 ("+")',
  ],
  [
    'a run of a later version',
    saved([item('a', { run: V2_RUN })]),
    'items[0].run: v: unsupported version 2',
  ],
  [
    'a run with a bad port',
    saved([item('a'), item('b', { run: BAD_PORT_RUN })]),
    'items[1].run: inputs[0].action.call.port: expected an integer 0–65535, got 70000',
  ],
  ['an empty run', saved([item('a', { run: '' })]), 'items[0].run: empty'],
];

describe('damaged stored values', () => {
  it('are many', () => {
    expect(DAMAGED_CURRENT.length + DAMAGED_SAVED.length).toBeGreaterThanOrEqual(30);
  });

  it.each(DAMAGED_CURRENT)(
    'current run, %s: reported, and not written over',
    (_n, raw, problem) => {
      const s = new MemoryStorage();
      s.data.set(CURRENT_KEY, raw);
      const load = loadCurrent(s);
      expect(load.ok).toBe(false);
      if (!load.ok) {
        expect(load.error.startsWith(PREFIX_CURRENT)).toBe(true);
        expect(load.error).toContain(problem);
      }
      const save = saveCurrent(s, RUN);
      expect(save.ok).toBe(false);
      if (!save.ok) {
        expect(save.error).toContain(problem);
        expect(save.error).toContain('not overwriting it');
      }
      expect(s.data.get(CURRENT_KEY)).toBe(raw);
      expect(s.writes).toBe(0);
      // Saved sessions are another matter: they still work.
      expect(saveAs(s, 'a', RUN, AT)).toMatchObject({ ok: true });
      // Discarding it is deliberate.
      expect(clearCurrent(s)).toEqual({ ok: true });
      expect(saveCurrent(s, RUN)).toEqual({ ok: true });
    },
  );

  it.each(DAMAGED_SAVED)(
    'saved sessions, %s: reported, and not written over',
    (_n, raw, problem) => {
      const s = new MemoryStorage();
      s.data.set(SAVED_KEY, raw);
      const prefix = 'the saved sessions (tcp-playground.saved) are damaged: ';
      const results = [
        listSaved(s),
        loadSaved(s, 'a'),
        saveAs(s, 'new', RUN, AT),
        saveAs(s, 'a', RUN, AT),
        deleteSaved(s, 'a'),
        renameSaved(s, 'a', 'z'),
      ];
      for (const r of results) {
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.error.startsWith(prefix)).toBe(true);
          expect(r.error).toContain(problem);
        }
      }
      const [, , save] = results;
      if (save && !save.ok) expect(save.error).toContain('not overwriting them');
      expect(s.data.get(SAVED_KEY)).toBe(raw);
      expect(s.writes).toBe(0);
      // The current run is another matter: it still works.
      expect(saveCurrent(s, RUN)).toEqual({ ok: true });
      // Discarding them is deliberate.
      expect(clearSaved(s)).toEqual({ ok: true });
      expect(saveAs(s, 'new', RUN, AT)).toMatchObject({ ok: true });
    },
  );

  it('are noticed when changed behind our back after a good read', () => {
    const s = new MemoryStorage();
    saveAs(s, 'a', RUN, AT);
    expect(listSaved(s).ok).toBe(true);
    const raw = saved([item('a', { run: BAD_PORT_RUN })]);
    s.data.set(SAVED_KEY, raw);
    const r = saveAs(s, 'b', RUN, AT);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain('items[0].run: inputs[0].action.call.port');
    expect(s.data.get(SAVED_KEY)).toBe(raw);
  });
});

describe('the limits of a run, as the scenario parser has them', () => {
  it('saves and loads a run that a scenario file may describe at its limits', () => {
    const sc = parseScenario(
      'set mss 88\nset rcvBuf 4194304\nlink both delay 60s\nset ephemeralLow 65535\nset ephemeralHigh 65535\n',
    );
    const run: SharedRun = { v: 1, options: worldOptions(sc), inputs: [], cursor: 1e9 };
    const store = new MemoryStorage();
    expect(saveAs(store, 'edge', run, '2026-01-01T00:00:00.000Z')).toMatchObject({ ok: true });
    expect(loadSaved(store, 'edge')).toEqual({
      ok: true,
      run,
      savedAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('refuses to store a run the parser would refuse (an MSS below 88), saying why', () => {
    const run: SharedRun = {
      v: 1,
      options: { seed: 1, overrides: { mss: 87 } },
      inputs: [],
      cursor: 0,
    };
    expect(saveCurrent(new MemoryStorage(), run)).toEqual({
      ok: false,
      error:
        'this run cannot be saved: options.overrides.mss: expected a whole number of bytes 88–65495, got 87',
    });
  });
});
