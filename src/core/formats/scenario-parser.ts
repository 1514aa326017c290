/**
 * Scenario files: a small line-oriented language (packetdrill's idea, made
 * simpler) that says how to set up a run and what each side's program does.
 *
 *     # A title, and what happens
 *     seed 42
 *     profile linux
 *     set tcp_syn_retries 2
 *     link both delay 50ms
 *
 *     0     server l = socket()
 *     0     server bind(l, 9821)
 *     0     server listen(l, 64)
 *     0     server c = accept(l)
 *     0.05  client s = socket()
 *     +0    client connect(s, server) => 0
 *     +0    client send(s, "hello\n") => 6
 *     +0    server recv(c, 1024) => "hello\n"
 *     1     link drop next client F.
 *     run until idle
 *
 * `parseScenario` turns the text into a `Scenario` (plain data: every line of
 * the file, comments and blank lines included, so line numbers survive a
 * round trip) or throws a `ScenarioError` naming the line, column and what was
 * expected. `formatScenario` (scenario-format.ts) writes a scenario back as text.
 * docs/scenarios.md is the reference.
 *
 * Pure: no I/O, no clock, no randomness.
 */
import { SHUT_HOWS, type ShutHow } from '../sockets/host';
import { LINUX, RFC, PROFILE_KEYS } from '../tcp/profile';
import { ipToString, parseIp } from '../tcp/segment';
import { STATES, type StateName } from '../tcp/tcb';
import { parseFlagPattern, type QueueLimit } from '../sim/link';
import { CALL_NAMES, type CallName, type Side } from '../sim/trace';
import { DEFAULT_CLIENT_IP, DEFAULT_SERVER_IP } from '../sim/world';
import {
  CALL_LIMITS,
  LINK_LIMITS,
  MAX_INPUTS,
  MAX_RUN_SEND_BYTES,
  PATTERN_LIMIT,
  PROFILE_LIMITS,
  QUEUE_LIMITS,
  RATE_LIMIT,
  SEED_LIMIT,
  TIME_LIMIT,
  WSCALE_LIMIT,
  CC_ALGORITHMS,
  isNumericProfileKey,
  isRate,
  profileProblem,
  withinLimit,
  type NumberLimit,
} from './limits';
import {
  ERRNO_NAMES,
  LINK_KEYS,
  SIDE_NAMES,
  ScenarioError,
  callKey,
  scenarioSettings,
  valueKind,
  type Base,
  type After,
  type Expect,
  type FdRef,
  type LinkAction,
  type LinkDir,
  type LinkKey,
  type LinkSetting,
  type Pattern,
  type PayloadMatch,
  type ProfileKey,
  type Scenario,
  type ScenarioCall,
  type Statement,
  type Target,
  type Time,
  type WaitEvent,
} from './scenario-ast';
import { LineParser, MAX_QUOTED, clip, describeTok, type Tok } from './scenario-lexer';
import {
  RATE_UNITS,
  SIZE_UNITS,
  formatDuration,
  formatQueueLimit,
  formatRate,
  formatTime,
} from './scenario-format';

// ------------------------------------------------------------------ vocabulary

/** Names people reach for that the model spells differently. */
const CALL_ALIASES: Readonly<Record<string, CallName>> = {
  write: 'send',
  sendto: 'send',
  read: 'recv',
  recvfrom: 'recv',
  accept4: 'accept',
};

const HEADERS = ['seed', 'profile', 'set', 'link', 'address', 'run'] as const;
const LINK_DIRS: readonly LinkDir[] = ['client', 'server', 'both'];
const SOCKOPTS = ['SO_REUSEADDR', 'SO_LINGER'] as const;
const RESERVED = new Set<string>(['client', 'server', 'both', 'link', ...HEADERS]);

/** A duration limit as text: `1ms–1h`-style, in the units a scenario uses. */
function durationRange(l: NumberLimit): string {
  return `${formatDuration(l.min)} to ${formatDuration(l.max)}`;
}

// ------------------------------------------------------------------ suggestions

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

const norm = (s: string): string => s.toLowerCase().replace(/[_-]/g, '');

/** Up to three candidates close to `word`, closest first. */
export function closeMatches(word: string, candidates: readonly string[]): string[] {
  // A word this long is close to nothing; do not spend time measuring it.
  if (word.length > 4 * MAX_QUOTED) return [];
  const w = norm(word);
  const limit = Math.max(1, Math.floor(w.length / 3));
  return candidates
    .map((c) => ({ c, d: editDistance(w, norm(c)) }))
    .filter((x) => x.d <= limit)
    .sort((x, y) => x.d - y.d)
    .slice(0, 3)
    .map((x) => x.c);
}

const orList = (xs: readonly string[]): string =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]!}`;

function didYouMean(word: string, candidates: readonly string[]): string {
  const m = closeMatches(word, candidates);
  return m.length ? ` (did you mean ${orList(m)}?)` : '';
}

// ------------------------------------------------------------------ numbers

/** Exact decimal to an integer count of 10^-scale units, or undefined. */
function decimalUnits(digits: string, scale: number): number | undefined {
  const m = /^(\d*)(?:\.(\d*))?$/.exec(digits);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined;
  const frac = m[2] ?? '';
  if (frac.replace(/0+$/, '').length > scale) return undefined;
  const units = Number((m[1] || '0') + frac.padEnd(scale, '0'));
  return Number.isSafeInteger(units) ? units : undefined;
}

/**
 * A duration or time: `1.5`, `1.5s`, `1500ms` → ms (bare numbers are seconds),
 * to the microsecond. Undefined when it is not one.
 */
function parseDurationMs(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?|\.\d+)(s|ms)?$/.exec(text);
  if (!m) return undefined;
  const us = decimalUnits(m[1]!, m[2] === 'ms' ? 3 : 6);
  return us === undefined ? undefined : us / 1000;
}

function parseProbability(text: string): number | undefined {
  const m = /^(\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(%)?$/.exec(text);
  if (!m) return undefined;
  const v = Number(m[2] ? text.slice(0, -1) : text) / (m[2] ? 100 : 1);
  return Number.isFinite(v) && v >= 0 && v <= 1 ? v : undefined;
}

const RATE_UNIT_NAMES = ['bit', ...RATE_UNITS.map(([u]) => u).reverse()];
const RATE_EXAMPLES = '10Mbit, 1.5Mbit, 64kbit, 800000bit or 800000';

/**
 * A rate as tc writes it, to bit/s: a decimal number and `bit`, `kbit`,
 * `Mbit` or `Gbit` (powers of 1000), or none (bit/s); a whole number of bit/s
 * in all, 0 (no bottleneck) or within RATE_LIMIT. Or what is wrong with it.
 */
export function parseRate(text: string): number | { readonly error: string } {
  if (text.startsWith('-')) return { error: `rate must not be negative, got '${clip(text)}'` };
  const m = /^(\d+(?:\.\d+)?|\.\d+)([A-Za-z/]*)$/.exec(text);
  if (!m)
    return {
      error: `bad rate '${clip(text)}' (expected bits per second as tc writes them: ${RATE_EXAMPLES}; 0 for no bottleneck)`,
    };
  const unit = m[2]!;
  const exp = unit === '' || unit === 'bit' ? 0 : RATE_UNITS.find(([u]) => u === unit)?.[1];
  if (exp === undefined) {
    const units = orList(RATE_UNIT_NAMES);
    const sameLetters = RATE_UNIT_NAMES.find((u) => u.toLowerCase() === unit.toLowerCase());
    const why = sameLetters
      ? ` (units are written as tc prints them: ${sameLetters}, not ${clip(unit)})`
      : /bps$|\/s$/i.test(unit)
        ? ` (write ${units}, as tc does; in tc, '${clip(unit)}' would be bytes per second)`
        : ` (expected ${units}, as tc writes them)${didYouMean(unit, RATE_UNIT_NAMES)}`;
    return { error: `unknown rate unit '${clip(unit)}' in '${clip(text)}'${why}` };
  }
  const bits = decimalUnits(m[1]!, exp);
  if (bits === undefined)
    return {
      error: `a rate is a whole number of bits per second, got '${clip(text)}'`,
    };
  if (!isRate(bits))
    return {
      error: `rate out of range: ${clip(text)} (0 for no bottleneck, or ${formatRate(RATE_LIMIT.min)} to ${formatRate(RATE_LIMIT.max)})`,
    };
  return bits;
}

const SIZE_UNIT_NAMES = ['B', ...SIZE_UNITS.map(([u]) => u).reverse()];
const QUEUE_EXAMPLES = 'a number of packets (64), bytes with B, KB, MB or GB (96KB), or unlimited';

/**
 * A queue's drop-tail limit: `unlimited`; a whole number of packets (`64`);
 * or of bytes with `B`, `KB`, `MB` or `GB` (powers of 1024, as tc reads
 * sizes: `96KB`); within QUEUE_LIMITS. Or what is wrong with it.
 */
export function parseQueueLimit(text: string): QueueLimit | null | { readonly error: string } {
  if (text === 'unlimited') return null;
  if (text.startsWith('-')) return { error: `queue must not be negative, got '${clip(text)}'` };
  const m = /^(\d+)([A-Za-z]*)$/.exec(text);
  if (!m)
    return {
      error: /^\d*\.\d/.test(text)
        ? `a queue limit is a whole number, got '${clip(text)}'`
        : `bad queue limit '${clip(text)}' (expected ${QUEUE_EXAMPLES})`,
    };
  const unit = m[2]!;
  const n = Number(m[1]!);
  const range = `1 to ${QUEUE_LIMITS.packets.max} packets, or 1B to ${formatQueueLimit({ bytes: QUEUE_LIMITS.bytes.max })}`;
  if (unit === '') {
    if (n === 0)
      return { error: "a queue holds at least 1 packet: write 'queue unlimited' for no limit" };
    if (!withinLimit(n, QUEUE_LIMITS.packets))
      return { error: `queue out of range: ${clip(text)} packets (${range})` };
    return { packets: n };
  }
  const mult = unit === 'B' ? 1 : SIZE_UNITS.find(([u]) => u === unit)?.[1];
  if (mult === undefined) {
    const why = /^(p|pkts?|packets?)$/i.test(unit)
      ? ` (a bare number counts packets: write ${m[1]!})`
      : /bit$/i.test(unit)
        ? ' (a queue holds packets or bytes, not bits)'
        : ` (expected ${QUEUE_EXAMPLES})${didYouMean(unit, SIZE_UNIT_NAMES)}`;
    return { error: `unknown queue unit '${clip(unit)}' in '${clip(text)}'${why}` };
  }
  const bytes = n * mult;
  if (bytes === 0)
    return { error: "a queue holds at least 1 byte: write 'queue unlimited' for no limit" };
  if (!withinLimit(bytes, QUEUE_LIMITS.bytes))
    return { error: `queue out of range: ${clip(text)} (${range})` };
  return { bytes };
}

function parseUint(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

// ------------------------------------------------------------------ parsing

interface ParseState {
  readonly file: string;
  /** Where each `set NAME` value is (to point at when constants disagree). */
  sets: Map<string, { line: number; col: number; src: string }>;
  /** Inputs the run will record (a `link both` change counts twice), and the bytes sent. */
  inputs: number;
  sendBytes: number;
  seen: Map<string, number>;
  /** Variables each side has bound so far, with the line that bound them. */
  vars: Record<Side, Map<string, number>>;
  /** Per thread (client, server, link): the earliest the next line can start. */
  floor: Record<Side | 'link', number>;
  addresses: Partial<Record<Side, { ip: string; line: number; col: number; src: string }>>;
  /** Each side's calls, by name and by name and socket (`callKey`): what a wait may name. */
  calls: Record<Side, Set<string>>;
  /** The waits for a call, checked once every line is read (the call may come later in the file). */
  waits: { event: Extract<WaitEvent, { kind: 'return' }>; at: Where }[];
}

/** A place in the file, for an error found after its line was read. */
interface Where {
  readonly line: number;
  readonly col: number;
  readonly src: string;
}

/**
 * Parse a scenario file. Throws a ScenarioError (with line, column and a
 * message saying what was expected) at the first problem.
 */
export function parseScenario(text: string, fileName = '<scenario>'): Scenario {
  // A UTF-8 byte order mark may start the file (editors on Windows write one).
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  const lines = body.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const st: ParseState = {
    file: fileName,
    sets: new Map(),
    inputs: 0,
    sendBytes: 0,
    seen: new Map(),
    vars: { client: new Map(), server: new Map() },
    floor: { client: 0, server: 0, link: 0 },
    addresses: {},
    calls: { client: new Set(), server: new Set() },
    waits: [],
  };
  const statements = lines.map((src, i) => parseLine(st, new LineParser(fileName, i + 1, src)));
  checkProfile(st, statements);
  checkWaits(st);
  // The two hosts need different addresses (given, or the defaults).
  const { client, server } = st.addresses;
  const ipOf = (side: Side) =>
    st.addresses[side]?.ip ?? (side === 'client' ? DEFAULT_CLIENT_IP : DEFAULT_SERVER_IP);
  if (ipOf('client') === ipOf('server')) {
    const at = [client, server].filter((a) => a !== undefined).sort((a, b) => b.line - a.line)[0]!;
    throw new ScenarioError(
      fileName,
      at.line,
      at.col,
      `the client and the server need different addresses (both would be ${at.ip})`,
      at.src,
    );
  }
  return { statements };
}

/** The profile constants taken together (rtoMin ≤ rtoInitial ≤ rtoMax, a non-empty port range). */
function checkProfile(st: ParseState, statements: readonly Statement[]): void {
  const settings = scenarioSettings({ statements });
  const p = { ...(settings.profile === 'linux' ? LINUX : RFC), ...settings.overrides };
  const problem = profileProblem(p);
  if (problem === null) return;
  // Point at the last line that set one of the constants concerned.
  const keys = problem.includes('ephemeral')
    ? ['ephemeralLow', 'ephemeralHigh']
    : ['rtoMin', 'rtoInitial', 'rtoMax'];
  const at = keys
    .map((k) => st.sets.get(k))
    .filter((x) => x !== undefined)
    .sort((a, b) => b.line - a.line)[0];
  const where = at ?? { line: 1, col: 1, src: '' };
  throw new ScenarioError(st.file, where.line, where.col, problem, where.src);
}

/** Every wait for a call names a call that side makes somewhere in the file. */
function checkWaits(st: ParseState): void {
  for (const { event: e, at } of st.waits) {
    if (st.calls[e.side].has(callKey(e.call, e.fd))) continue;
    const fail = (message: string): never => {
      throw new ScenarioError(st.file, at.line, at.col, message, at.src);
    };
    const what = callKey(e.call, e.fd);
    if (e.fd?.kind === 'var' && !st.vars[e.side].has(e.fd.name))
      fail(
        `the ${e.side} has no socket named '${clip(e.fd.name)}'${didYouMean(e.fd.name, [...st.vars[e.side].keys()])}: it binds its sockets with 'NAME = socket()' or 'NAME = accept(...)'`,
      );
    fail(
      `the ${e.side} has no line that calls ${clip(what, 2 * MAX_QUOTED)}, so this wait would never end`,
    );
  }
}

function parseLine(st: ParseState, p: LineParser): Statement {
  const base = { line: p.lineNo, comment: p.comment };
  const first = p.peek();
  if (!first) return { ...base, kind: 'blank' };
  if (first.type !== 'word')
    p.fail(first.col, `expected a time or a header line, got ${describeTok(first)}`);
  if (/^[-+.\d]/.test(first.text)) return parseTimed(st, p, base);
  const kw = first.text;
  if ((HEADERS as readonly string[]).includes(kw)) {
    p.next();
    return parseHeader(st, p, base, kw as (typeof HEADERS)[number], first);
  }
  if (kw === 'client' || kw === 'server')
    p.fail(
      first.col,
      `missing time: a call line starts with a time, e.g. '0 ${clip(kw)} ...' or '+0 ${clip(kw)} ...'`,
    );
  return p.fail(
    first.col,
    `expected a time or a header (${orList(HEADERS)}), got '${clip(kw)}'${didYouMean(kw, HEADERS)}`,
  );
}

function once(st: ParseState, p: LineParser, key: string, what: string, tok: Tok): void {
  const prev = st.seen.get(key);
  if (prev !== undefined) p.fail(tok.col, `duplicate ${what} (first given on line ${prev})`);
  st.seen.set(key, p.lineNo);
}

function parseSide(p: LineParser, what = 'client or server'): Side {
  const t = p.word(what);
  if (t.text === 'client' || t.text === 'server') return t.text;
  return p.fail(t.col, `expected ${what}, got '${clip(t.text)}'${didYouMean(t.text, SIDE_NAMES)}`);
}

function parseHeader(
  st: ParseState,
  p: LineParser,
  base: Base,
  kw: (typeof HEADERS)[number],
  kwTok: Tok,
): Statement {
  switch (kw) {
    case 'seed': {
      const t = p.word('a seed (a whole number) after seed');
      const seed = parseUint(t.text);
      if (!withinLimit(seed, SEED_LIMIT))
        p.fail(
          t.col,
          `bad seed '${clip(t.text)}': expected a whole number from ${SEED_LIMIT.min} to ${SEED_LIMIT.max}`,
        );
      p.end('the seed');
      once(st, p, 'seed', 'seed', kwTok);
      return { ...base, kind: 'seed', seed };
    }
    case 'profile': {
      const t = p.word('a profile name (linux or rfc) after profile');
      if (t.text !== 'linux' && t.text !== 'rfc')
        p.fail(t.col, `unknown profile '${clip(t.text)}' (expected linux or rfc)`);
      p.end('the profile name');
      once(st, p, 'profile', 'profile', kwTok);
      return { ...base, kind: 'profile', profile: t.text };
    }
    case 'set': {
      const t = p.word('a profile constant after set');
      const keys = PROFILE_KEYS as readonly string[];
      if (!keys.includes(t.text)) {
        if (t.text === 'name')
          p.fail(t.col, `'name' is not a constant: choose the profile with 'profile linux|rfc'`);
        const m = closeMatches(t.text, keys);
        p.fail(
          t.col,
          `unknown profile constant '${clip(t.text)}' ` +
            (m.length ? `(did you mean ${orList(m)}?)` : `(known: ${keys.join(', ')})`),
        );
      }
      const name = t.text as ProfileKey;
      const v = p.peek();
      if (!v) p.fail(p.col, `set ${name} needs a value`);
      st.sets.set(name, { line: p.lineNo, col: v.col, src: p.src });
      const value = parseSetValue(p, name);
      p.end(`the value of ${name}`);
      once(st, p, `set ${name}`, `set ${name}`, kwTok);
      return { ...base, kind: 'set', name, value };
    }
    case 'link': {
      const dirTok = p.word('a link direction (client, server or both) after link');
      const dir = linkDir(p, dirTok);
      const settings = parseLinkSettings(p);
      return { ...base, kind: 'link', dir, settings };
    }
    case 'address': {
      const side = parseSide(p, 'a side (client or server) after address');
      const t = p.word(`an IPv4 address for the ${side}`);
      const ip = parseIp(t.text);
      if (ip === undefined) p.fail(t.col, `bad IPv4 address '${clip(t.text)}'`);
      p.end('the address');
      once(st, p, `address ${side}`, `address for the ${side}`, kwTok);
      const canonical = ipToString(ip);
      st.addresses[side] = { ip: canonical, line: p.lineNo, col: t.col, src: p.src };
      return { ...base, kind: 'address', side, ip: canonical };
    }
    case 'run': {
      const t = p.word("a duration (e.g. '10s') or 'until idle' after run");
      let until: 'idle' | number;
      if (t.text === 'until') {
        const i = p.word("'idle' after 'run until'");
        if (i.text !== 'idle')
          p.fail(i.col, `expected 'idle' after 'run until', got '${clip(i.text)}'`);
        until = 'idle';
      } else {
        until = durationArg(p, t, 'run', TIME_LIMIT);
      }
      p.end('the run length');
      once(st, p, 'run', 'run line', kwTok);
      return { ...base, kind: 'run', until };
    }
  }
}

function durationArg(p: LineParser, t: Tok, what: string, limit: NumberLimit): number {
  if (t.text.startsWith('-')) p.fail(t.col, `${what} must not be negative, got '${clip(t.text)}'`);
  const ms = parseDurationMs(t.text);
  if (ms === undefined)
    p.fail(
      t.col,
      `bad duration '${clip(t.text)}' for ${what} (expected e.g. 30s, 200ms or 1.5 — bare numbers are seconds)`,
    );
  if (!withinLimit(ms, limit))
    p.fail(t.col, `${what} out of range: ${clip(t.text)} (${durationRange(limit)})`);
  return ms;
}

function parseSetValue(p: LineParser, name: ProfileKey): number | boolean | string | null {
  const t = p.word(`a value for ${name}`);
  const x = t.text;
  switch (valueKind(name)) {
    case 'duration':
      return durationArg(p, t, name, isNumericProfileKey(name) ? PROFILE_LIMITS[name] : TIME_LIMIT);
    case 'bool':
      if (x === 'true' || x === 'on' || x === '1') return true;
      if (x === 'false' || x === 'off' || x === '0') return false;
      return p.fail(t.col, `${name} is on or off: expected true or false, got '${clip(x)}'`);
    case 'cc':
      if ((CC_ALGORITHMS as readonly string[]).includes(x)) return x;
      return p.fail(
        t.col,
        `unknown congestion control '${clip(x)}' (expected ${orList(CC_ALGORITHMS)})${didYouMean(x, CC_ALGORITHMS)}`,
      );
    case 'wscale': {
      if (x === 'none') return null;
      const n = parseUint(x);
      if (!withinLimit(n, WSCALE_LIMIT))
        p.fail(
          t.col,
          `wscale is a shift from ${WSCALE_LIMIT.min} to ${WSCALE_LIMIT.max}, or none; got '${clip(x)}'`,
        );
      return n;
    }
    case 'int': {
      const n = parseUint(x);
      const l = isNumericProfileKey(name) ? PROFILE_LIMITS[name] : undefined;
      if (n === undefined) p.fail(t.col, `${name} is a whole number, got '${clip(x)}'`);
      if (l && !withinLimit(n, l))
        p.fail(t.col, `${name} out of range: ${clip(x)} (${l.min}..${l.max})`);
      return n;
    }
  }
}

function linkDir(p: LineParser, t: Tok): LinkDir {
  if ((LINK_DIRS as readonly string[]).includes(t.text)) return t.text as LinkDir;
  return p.fail(
    t.col,
    `unknown link direction '${clip(t.text)}' (expected client, server or both)${didYouMean(t.text, LINK_DIRS)}`,
  );
}

function parseLinkSettings(p: LineParser): LinkSetting[] {
  const settings: LinkSetting[] = [];
  if (!p.peek())
    p.fail(p.col, `expected a link setting (${orList(LINK_KEYS)}) and its value, got end of line`);
  while (p.peek()) {
    const k = p.word(`a link setting (${orList(LINK_KEYS)})`);
    if (!(LINK_KEYS as readonly string[]).includes(k.text))
      p.fail(
        k.col,
        `unknown link setting '${clip(k.text)}' (expected ${orList(LINK_KEYS)})${didYouMean(k.text, LINK_KEYS)}`,
      );
    const key = k.text as LinkKey;
    if (settings.some((s) => s.key === key))
      p.fail(k.col, `link setting '${key}' given twice on one line`);
    const v = p.peek();
    if (v?.type !== 'word') p.fail(p.col, `link setting '${key}' needs a value`);
    p.next();
    if (key === 'queue') {
      const q = parseQueueLimit(v.text);
      if (q !== null && 'error' in q) p.fail(v.col, q.error);
      settings.push({ key, value: q });
      continue;
    }
    let value: number;
    if (key === 'delay' || key === 'jitter') {
      value = durationArg(p, v, key, LINK_LIMITS[key]);
    } else if (key === 'rate') {
      const r = parseRate(v.text);
      if (typeof r !== 'number') p.fail(v.col, r.error);
      value = r;
    } else {
      const prob = parseProbability(v.text);
      if (prob === undefined)
        p.fail(
          v.col,
          `${key} must be a probability between 0 and 1 (or 0% to 100%), got '${clip(v.text)}'`,
        );
      value = prob;
    }
    settings.push({ key, value });
  }
  return settings;
}

// ------------------------------------------------------------------ timed lines

function parseTime(p: LineParser, t: Tok): Time {
  const relative = t.text.startsWith('+');
  const body = relative ? t.text.slice(1) : t.text;
  const ms = parseDurationMs(body);
  if (ms === undefined) {
    const why = t.text.startsWith('-')
      ? 'times cannot be negative'
      : 'expected seconds: 1.5, 1.5s, 1500ms, or +0.05 for 0.05 s after the previous line of the same side';
    p.fail(t.col, `bad time '${clip(t.text)}' (${why})`);
  }
  if (!withinLimit(ms, TIME_LIMIT))
    p.fail(t.col, `time out of range: ${clip(t.text)} (${durationRange(TIME_LIMIT)})`);
  return { relative, ms };
}

function parseTimed(st: ParseState, p: LineParser, base: Base): Statement {
  const timeTok = p.next()!;
  const time = parseTime(p, timeTok);
  const who = p.peek();
  if (who?.type !== 'word')
    p.fail(
      p.col,
      `expected a side (client or server) or link after the time, got ${describeTok(who)}`,
    );
  if ((HEADERS as readonly string[]).includes(who.text) && who.text !== 'link')
    p.fail(
      timeTok.col,
      `'${clip(who.text)}' is a header line and takes no time: write '${clip(who.text)} ...' on a line of its own`,
    );
  if (who.text !== 'client' && who.text !== 'server' && who.text !== 'link')
    p.fail(
      who.col,
      `expected a side (client or server), got '${clip(who.text)}'${didYouMean(who.text, [...SIDE_NAMES, 'link'])}`,
    );
  p.next();
  const thread = who.text;
  // Lines of one thread run in order: an absolute time before what the earlier lines need is a mistake.
  const floor = st.floor[thread];
  if (!time.relative && time.ms < floor)
    p.fail(
      timeTok.col,
      `time ${formatTime(time)} is earlier than the ${thread}'s previous lines (${formatTime({ relative: false, ms: floor })}); lines of one side run in order`,
    );
  const at = time.relative ? floor + time.ms : time.ms;
  if (!withinLimit(at, TIME_LIMIT))
    p.fail(
      timeTok.col,
      `time out of range: this line is due at ${formatTime({ relative: false, ms: at })} s, after the last instant a run may reach (${formatDuration(TIME_LIMIT.max)})`,
    );
  st.floor[thread] = at;
  const isWait = p.peek()?.text === 'wait' && p.peek(1)?.type !== '=';
  const s =
    thread === 'link'
      ? ({ ...base, kind: 'linkAt', time, action: parseLinkAction(p) } as const)
      : isWait
        ? parseWaitLine(st, p, base, time, thread)
        : parseCallLine(st, p, base, time, thread);
  // A wait records no input, but counts here too: it is work for the runner like a call.
  st.inputs += s.kind === 'linkAt' && s.action.kind === 'set' && s.action.dir === 'both' ? 2 : 1;
  if (st.inputs > MAX_INPUTS)
    p.fail(
      timeTok.col,
      `too many timed lines: a run may record at most ${MAX_INPUTS} inputs (calls and link changes; 'link both' counts twice), and a file have as many timed lines, waits included`,
    );
  return s;
}

function parseLinkAction(p: LineParser): LinkAction {
  const t = p.word("'drop' or a link direction (client, server or both) after link");
  if (t.text === 'drop') {
    const which = p.word("'next', 'nth' or 'segment' after drop");
    if (which.text === 'segment') {
      const n = p.word("a segment number: 'drop segment N' drops segment #N if it is in flight");
      const k = parseUint(n.text);
      if (k === undefined) p.fail(n.col, `expected a segment number, got '${clip(n.text)}'`);
      p.end('the segment number');
      return { kind: 'dropSegment', id: k };
    }
    if (which.text !== 'next' && which.text !== 'nth')
      p.fail(
        which.col,
        `expected 'next', 'nth' or 'segment' after drop, got '${clip(which.text)}'`,
      );
    const from = dropSide(p, 'a direction (client or server): whose segments to drop');
    if (which.text === 'nth') {
      const n = p.word(
        `which segment: 'drop nth ${from} N' drops the Nth segment the ${from} sends`,
      );
      const k = parseUint(n.text);
      if (k === undefined || k < 1)
        p.fail(n.col, `expected a segment number of at least 1, got '${clip(n.text)}'`);
      p.end('the segment number');
      return { kind: 'dropNth', from, n: k };
    }
    const pattern = parsePattern(p);
    let after: After | null = null;
    const a = p.peek();
    if (a?.type === 'word' && a.text === 'after') {
      p.next();
      const by = dropSide(p, "whose segment arms the rule (client or server) after 'after'");
      after = { from: by, ...parsePattern(p) };
      const again = p.peek();
      if (again?.type === 'word' && again.text === 'after')
        p.fail(again.col, "a drop rule is armed by one segment: 'after' may be given once");
      p.end("the pattern after 'after'");
    } else if (a) {
      p.fail(
        a.col,
        `unexpected ${describeTok(a)} in the drop rule: a pattern is flags (S., +F), then empty, data or containing BYTES, each if wanted; then 'after', a side and a pattern, if wanted`,
      );
    }
    return { kind: 'dropNext', from, ...pattern, after };
  }
  const dir = linkDir(p, t);
  return { kind: 'set', dir, settings: parseLinkSettings(p) };
}

/** The side a drop rule watches, or whose segment arms it: one direction, never both. */
function dropSide(p: LineParser, what: string): Side {
  const d = p.word(what);
  if (d.text === 'both')
    p.fail(d.col, 'a drop rule watches one direction: write client or server, not both');
  if (d.text !== 'client' && d.text !== 'server')
    p.fail(
      d.col,
      `unknown link direction '${clip(d.text)}' (expected client or server)${didYouMean(d.text, SIDE_NAMES)}`,
    );
  return d.text;
}

/** Words that go in a pattern after its flags. */
const PAYLOAD_WORDS = ['empty', 'data', 'containing'] as const;
const isPayloadWord = (t: Tok | undefined): boolean =>
  t?.type === 'word' && (PAYLOAD_WORDS as readonly string[]).includes(t.text);

/**
 * A segment pattern: optional flags (exact, `S.`, or a mask, `+F`), then
 * optional `empty`, `data` or `containing BYTES`. Stops before `after` or the
 * end of the line.
 */
function parsePattern(p: LineParser): Pattern {
  let flags: string | null = null;
  let payload: PayloadMatch | null = null;
  const f = p.peek();
  if (f && !isPayloadWord(f) && !(f.type === 'word' && f.text === 'after')) {
    p.next();
    if (f.type !== 'word')
      p.fail(
        f.col,
        f.type === 'string'
          ? `expected flags before a string; to match payload bytes, write containing ${clip(f.text)}`
          : `unexpected ${describeTok(f)} in the drop rule`,
      );
    const parsed = parseFlagPattern(f.text);
    if ('error' in parsed)
      p.fail(
        f.col,
        `bad flags '${clip(f.text)}': ${parsed.error}; write them as tcpdump does, from S F R P U and . for ACK (e.g. S, S., F., R, .), or as a mask: +F (FIN set), -R (RST clear), +S-. (SYN set, ACK clear)`,
      );
    flags = parsed.text;
  }
  const w = p.peek();
  if (isPayloadWord(w)) {
    p.next();
    if (w!.text === 'containing') payload = { contains: parseNeedle(p, w!) };
    else payload = w!.text as 'empty' | 'data';
    const again = p.peek();
    if (isPayloadWord(again))
      p.fail(
        again!.col,
        `one payload condition per pattern: '${w!.text}' is already given (empty, data or containing)`,
      );
    if (again?.type === 'word' && again.text !== 'after' && flags === null)
      p.fail(again.col, `flags come before '${w!.text}': write them first, e.g. '. ${w!.text}'`);
  }
  return { flags, payload };
}

/** The bytes after `containing`: a string, or hex digits after 0x. */
function parseNeedle(p: LineParser, kw: Tok): number[] {
  const t = p.peek();
  const what =
    'the bytes to look for after \'containing\': a string ("msg2", "\\x16\\x03") or hex (0x1603)';
  if (!t || (t.type !== 'string' && t.type !== 'word'))
    p.fail(t ? t.col : p.col, `expected ${what}, got ${describeTok(t)}`);
  p.next();
  let bytes: number[];
  if (t.type === 'string') bytes = t.bytes ?? [];
  else {
    const m = /^0x([0-9a-fA-F]*)$/.exec(t.text);
    if (!m) p.fail(t.col, `expected ${what}, got '${clip(t.text)}'`);
    if (m[1]!.length % 2 === 1)
      p.fail(t.col, `hex bytes come in pairs of digits: '${clip(t.text)}' has an odd number`);
    bytes = [];
    for (let i = 0; i < m[1]!.length; i += 2) bytes.push(parseInt(m[1]!.slice(i, i + 2), 16));
  }
  if (bytes.length < PATTERN_LIMIT.min)
    p.fail(t.col, `'${kw.text}' needs at least one byte to look for`);
  if (bytes.length > PATTERN_LIMIT.max)
    p.fail(
      t.col,
      `a payload pattern is at most ${PATTERN_LIMIT.max} bytes (as in iptables -m string), got ${bytes.length}`,
    );
  return bytes;
}

interface Arg {
  readonly tok: Tok;
}

const ARITY: Readonly<Record<CallName, readonly [number, number]>> = {
  socket: [0, 0],
  bind: [2, 2],
  listen: [1, 2],
  accept: [1, 1],
  connect: [2, 3],
  send: [2, 2],
  recv: [1, 2],
  shutdown: [2, 2],
  close: [1, 1],
  setsockopt: [3, 4],
};

function arityText(name: CallName, [lo, hi]: readonly [number, number]): string {
  const n = (k: number) => `${k} argument${k === 1 ? '' : 's'}`;
  if (hi === 0) return `${name}() takes no arguments`;
  if (lo === hi) return `${name}() takes ${n(lo)}`;
  return `${name}() takes ${lo} or ${n(hi)}`;
}

function parseCallLine(
  st: ParseState,
  p: LineParser,
  base: Base,
  time: Time,
  side: Side,
): Statement {
  let assign: string | null = null;
  let assignTok: Tok | null = null;
  if (p.peek(1)?.type === '=') {
    const v = p.word('a variable name');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.text))
      p.fail(
        v.col,
        `bad variable name '${clip(v.text)}' (letters, digits and _, not starting with a digit)`,
      );
    if (RESERVED.has(v.text) || v.text.startsWith('SO_') || v.text.startsWith('SHUT_'))
      p.fail(v.col, `'${clip(v.text)}' is a reserved word and cannot name a socket`);
    assign = v.text;
    assignTok = v;
    p.next();
  }
  const nameTok = p.word('a socket call (socket, bind, listen, accept, connect, send, recv, ...)');
  const raw = nameTok.text;
  if (raw === 'wait' && assign !== null)
    p.fail(assignTok!.col, `a wait returns nothing: it cannot be assigned to '${clip(assign)}'`);
  if (!(CALL_NAMES as readonly string[]).includes(raw)) {
    const alias = CALL_ALIASES[raw];
    const hint = alias ? ` (did you mean ${alias}?)` : didYouMean(raw, CALL_NAMES);
    p.fail(nameTok.col, `unknown call '${clip(raw)}'${hint}`);
  }
  const name = raw as CallName;
  if (assign !== null && name !== 'socket' && name !== 'accept')
    p.fail(
      assignTok!.col,
      `only socket() and accept() return a socket to name; ${name}() cannot be assigned to '${clip(assign)}'`,
    );
  const open = p.peek();
  if (open?.type !== '(') p.fail(p.col, `expected '(' after ${name}, got ${describeTok(open)}`);
  p.next();
  const args: Arg[] = [];
  let closeCol = p.col;
  if (p.peek()?.type === ')') {
    p.next();
  } else {
    for (;;) {
      const a = p.peek();
      if (!a) p.fail(p.col, `missing ')' to close ${name}(`);
      if (a.type !== 'word' && a.type !== 'string')
        p.fail(a.col, `expected an argument of ${name}(), got ${describeTok(a)}`);
      p.next();
      args.push({ tok: a });
      const sep = p.peek();
      if (sep?.type === ',') {
        p.next();
        continue;
      }
      if (sep?.type === ')') {
        closeCol = sep.col;
        p.next();
        break;
      }
      if (!sep) p.fail(p.col, `missing ')' to close ${name}(`);
      p.fail(sep.col, `expected ',' or ')' in the arguments of ${name}(), got ${describeTok(sep)}`);
    }
  }
  const [lo, hi] = ARITY[name];
  if (args.length > hi)
    p.fail(args[hi]!.tok.col, `${arityText(name, [lo, hi])}, got ${args.length}`);
  if (args.length < lo) p.fail(closeCol, `${arityText(name, [lo, hi])}, got ${args.length}`);
  const call = buildCall(st, p, side, name, args, closeCol);
  let expect: Expect | null = null;
  const arrow = p.peek();
  if (arrow) {
    if (arrow.type !== '=>')
      p.fail(
        arrow.col,
        `unexpected ${describeTok(arrow)} after ${name}() (expected '=>' or end of line)`,
      );
    p.next();
    expect = parseExpect(p, name);
  }
  if (assign !== null) st.vars[side].set(assign, p.lineNo);
  st.calls[side].add(callKey(name, null));
  if ('fd' in call) st.calls[side].add(callKey(name, call.fd));
  return { ...base, kind: 'call', time, side, assign, call, expect };
}

function parseWaitLine(
  st: ParseState,
  p: LineParser,
  base: Base,
  time: Time,
  side: Side,
): Statement {
  p.next(); // wait
  const who = p.peek();
  if (who?.type !== 'word' || (who.text !== 'client' && who.text !== 'server'))
    p.fail(
      who ? who.col : p.col,
      `expected whose event to wait for (client or server) after wait, got ${describeTok(who)}${who?.type === 'word' ? didYouMean(who.text, SIDE_NAMES) : ''}`,
    );
  p.next();
  const of: Side = who.text;
  const t = p.word(
    `what to wait for after 'wait ${of}': a call of the ${of} (close(s)) or 'state' and a state (state TIME_WAIT)`,
  );
  let event: WaitEvent;
  if (t.text === 'state') {
    const s = p.word(`a state after 'state' (${STATES.join(', ')})`);
    if (!(STATES as readonly string[]).includes(s.text))
      p.fail(
        s.col,
        `unknown state '${clip(s.text)}'${didYouMean(s.text, STATES)}; the states are ${STATES.join(', ')}`,
      );
    event = { kind: 'state', side: of, state: s.text as StateName };
  } else {
    const raw = t.text;
    if (!(CALL_NAMES as readonly string[]).includes(raw)) {
      const alias = CALL_ALIASES[raw];
      const hint = alias ? ` (did you mean ${alias}?)` : didYouMean(raw, [...CALL_NAMES, 'state']);
      p.fail(
        t.col,
        `unknown call '${clip(raw)}'${hint}; a wait names a call, or 'state' and a state`,
      );
    }
    const call = raw as CallName;
    if (of === side)
      p.fail(
        who.col,
        `the ${side} cannot wait for its own calls: they run one after another, so every earlier one has returned already (to wait for its own connection, write 'wait ${side} state STATE')`,
      );
    let fd: FdRef | null = null;
    if (p.peek()?.type === '(') {
      p.next();
      const a = p.peek();
      if (a?.type === ')') p.next();
      else {
        if (a?.type !== 'word')
          p.fail(
            a ? a.col : p.col,
            `expected the socket of ${call}() to wait for, got ${describeTok(a)}`,
          );
        p.next();
        fd = sockRef(p, a);
        if (call === 'socket')
          p.fail(a.col, `socket() takes no socket: write 'wait ${of} socket()'`);
        const c = p.peek();
        if (c?.type === ',')
          p.fail(
            c.col,
            `a wait names the call and its socket only, not the other arguments: write ${call}(${clip(a.text)})`,
          );
        if (c?.type !== ')') p.fail(c ? c.col : p.col, `missing ')' to close ${call}(`);
        p.next();
      }
    }
    event = { kind: 'return', side: of, call, fd };
    st.waits.push({ event, at: { line: p.lineNo, col: t.col, src: p.src } });
  }
  const rest = p.peek();
  if (rest?.type === '=>')
    p.fail(
      rest.col,
      'a wait returns nothing to expect: it holds when what it waits for happens, and the run reports it if that never happens',
    );
  p.end(`what the wait waits for`);
  return { ...base, kind: 'wait', time, side, event };
}

/** A socket as a wait names it: a variable or an fd number (checked against the whole file later). */
function sockRef(p: LineParser, t: Tok): FdRef {
  const fd = t.text === '-1' ? -1 : parseUint(t.text);
  if (fd !== undefined) {
    if (!withinLimit(fd, CALL_LIMITS.fd))
      p.fail(
        t.col,
        `fd out of range: ${clip(t.text)} (${CALL_LIMITS.fd.min}..${CALL_LIMITS.fd.max})`,
      );
    return { kind: 'fd', fd };
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(t.text))
    p.fail(t.col, `expected a socket (a variable or an fd number), got '${clip(t.text)}'`);
  return { kind: 'var', name: t.text };
}

function parseExpect(p: LineParser, name: CallName): Expect {
  const v = p.peek();
  if (!v)
    p.fail(
      p.col,
      `expected a value after '=>' (a number, -1 and an errno name, or a string for recv)`,
    );
  p.next();
  if (v.type === 'string') {
    if (name !== 'recv') p.fail(v.col, `only recv() returns data; expect a number from ${name}()`);
    p.end('the expected data');
    return { kind: 'data', bytes: v.bytes ?? [] };
  }
  if (v.type !== 'word' || !/^-?\d+$/.test(v.text))
    p.fail(
      v.col,
      `expected a value after '=>' (a number, -1 and an errno name, or a string for recv), got ${describeTok(v)}`,
    );
  const ret = Number(v.text);
  if (ret < -1 || !Number.isSafeInteger(ret))
    p.fail(v.col, `a call returns -1 (an error) or a number from 0 up, not ${clip(v.text)}`);
  if (ret !== -1) {
    p.end('the expected value (an errno only follows -1)');
    return { kind: 'ret', ret, errno: null };
  }
  const e = p.peek();
  if (!e) return { kind: 'ret', ret, errno: null };
  p.next();
  if (e.type !== 'word' || !ERRNO_NAMES.includes(e.text))
    p.fail(
      e.col,
      `unknown errno ${describeTok(e)}${e.type === 'word' ? didYouMean(e.text, ERRNO_NAMES) : ''}`,
    );
  p.end('the errno');
  return { kind: 'ret', ret, errno: e.text };
}

function buildCall(
  st: ParseState,
  p: LineParser,
  side: Side,
  name: CallName,
  args: readonly Arg[],
  closeCol: number,
): ScenarioCall {
  const fdArg = (i: number): FdRef => {
    const t = args[i]!.tok;
    if (t.type === 'string')
      p.fail(t.col, `expected a socket (a variable or an fd number), got a string`);
    // -1 is what a failed socket() or accept() returned: a program may pass it on (EBADF).
    const fd = t.text === '-1' ? -1 : parseUint(t.text);
    if (fd !== undefined) {
      if (!withinLimit(fd, CALL_LIMITS.fd))
        p.fail(
          t.col,
          `fd out of range: ${clip(t.text)} (${CALL_LIMITS.fd.min}..${CALL_LIMITS.fd.max})`,
        );
      return { kind: 'fd', fd };
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(t.text))
      p.fail(t.col, `expected a socket (a variable or an fd number), got '${clip(t.text)}'`);
    if (!st.vars[side].has(t.text)) {
      const other: Side = side === 'client' ? 'server' : 'client';
      const there = st.vars[other].get(t.text);
      if (there !== undefined)
        p.fail(
          t.col,
          `'${clip(t.text)}' is a ${other} socket (line ${there}); the ${side} has no socket by that name`,
        );
      p.fail(
        t.col,
        `undefined variable '${clip(t.text)}': no earlier '${clip(t.text)} = socket()' or '${clip(t.text)} = accept(...)' on the ${side}${didYouMean(t.text, [...st.vars[side].keys()])}`,
      );
    }
    return { kind: 'var', name: t.text };
  };
  const word = (i: number, what: string): Tok => {
    const t = args[i]!.tok;
    if (t.type !== 'word') p.fail(t.col, `expected ${what}, got a string`);
    return t;
  };
  const uintArg = (i: number, what: string, l: NumberLimit): number => {
    const t = word(i, what);
    const n = parseUint(t.text);
    if (n === undefined) p.fail(t.col, `expected ${what}, got '${clip(t.text)}'`);
    if (!withinLimit(n, l))
      p.fail(t.col, `${what} out of range: ${clip(t.text)} (${l.min}..${l.max})`);
    return n;
  };
  const portArg = (i: number): number => uintArg(i, 'a port', CALL_LIMITS.port);
  const sent = (col: number, n: number): void => {
    if (n > CALL_LIMITS.sendBytes.max)
      p.fail(col, `byte count out of range: ${n} (0..${CALL_LIMITS.sendBytes.max})`);
    st.sendBytes += n;
    if (st.sendBytes > MAX_RUN_SEND_BYTES)
      p.fail(
        col,
        `too much data: the sends of a run may carry at most ${MAX_RUN_SEND_BYTES} bytes together (${st.sendBytes} so far)`,
      );
  };
  const boolArg = (i: number, what: string): boolean => {
    const t = word(i, what);
    if (t.text !== '0' && t.text !== '1')
      p.fail(t.col, `expected ${what} (0 or 1), got '${clip(t.text)}'`);
    return t.text === '1';
  };
  switch (name) {
    case 'socket':
      return { name };
    case 'bind':
      return { name, fd: fdArg(0), port: portArg(1) };
    case 'listen':
      return {
        name,
        fd: fdArg(0),
        backlog: args.length > 1 ? uintArg(1, 'a backlog', CALL_LIMITS.backlog) : null,
      };
    case 'accept':
    case 'close':
      return { name, fd: fdArg(0) };
    case 'connect': {
      const fd = fdArg(0);
      const t = word(1, 'where to connect (server, client or an IPv4 address)');
      let target: Target;
      if (t.text === 'server' || t.text === 'client') target = { kind: 'side', side: t.text };
      else {
        const ip = parseIp(t.text);
        if (ip === undefined) {
          if (/^[\d.]+$/.test(t.text)) p.fail(t.col, `bad IPv4 address '${clip(t.text)}'`);
          p.fail(
            t.col,
            `expected where to connect (server, client or an IPv4 address), got '${clip(t.text)}'${didYouMean(t.text, SIDE_NAMES)}`,
          );
        }
        target = { kind: 'ip', ip: ipToString(ip) };
      }
      return { name, fd, target, port: args.length > 2 ? portArg(2) : null };
    }
    case 'send': {
      const fd = fdArg(0);
      const t = args[1]!.tok;
      if (t.type === 'string') {
        const bytes = t.bytes ?? [];
        sent(t.col, bytes.length);
        return { name, fd, payload: { kind: 'bytes', bytes } };
      }
      const n = parseUint(t.text);
      if (n === undefined)
        p.fail(
          t.col,
          `expected the data to send (a string, or a byte count), got '${clip(t.text)}'`,
        );
      sent(t.col, n);
      return { name, fd, payload: { kind: 'count', n } };
    }
    case 'recv':
      return {
        name,
        fd: fdArg(0),
        len: args.length > 1 ? uintArg(1, 'a length', CALL_LIMITS.recvLen) : null,
      };
    case 'shutdown': {
      const fd = fdArg(0);
      const t = word(1, 'SHUT_RD, SHUT_WR or SHUT_RDWR');
      if (!(SHUT_HOWS as readonly string[]).includes(t.text))
        p.fail(
          t.col,
          `expected SHUT_RD, SHUT_WR or SHUT_RDWR, got '${clip(t.text)}'${didYouMean(t.text, SHUT_HOWS)}`,
        );
      return { name, fd, how: t.text as ShutHow };
    }
    case 'setsockopt': {
      const fd = fdArg(0);
      const t = word(1, 'a socket option (SO_REUSEADDR or SO_LINGER)');
      if (t.text === 'SO_REUSEADDR') {
        if (args.length !== 3)
          p.fail(
            args[3]!.tok.col,
            `setsockopt(SO_REUSEADDR) takes 3 arguments (fd, SO_REUSEADDR, 0|1), got ${args.length}`,
          );
        return { name, fd, opt: 'SO_REUSEADDR', value: boolArg(2, 'SO_REUSEADDR on or off') };
      }
      if (t.text === 'SO_LINGER') {
        if (args.length !== 4)
          p.fail(
            closeCol,
            `setsockopt(SO_LINGER) takes 4 arguments (fd, SO_LINGER, onoff, seconds), got ${args.length}`,
          );
        return {
          name,
          fd,
          opt: 'SO_LINGER',
          onoff: boolArg(2, 'the SO_LINGER switch'),
          linger: uintArg(3, 'a linger time in seconds', CALL_LIMITS.linger),
        };
      }
      return p.fail(
        t.col,
        `unknown socket option '${clip(t.text)}' (expected SO_REUSEADDR or SO_LINGER)${didYouMean(t.text, SOCKOPTS)}`,
      );
    }
  }
}
