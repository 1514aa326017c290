/**
 * A run as data: the options and recorded inputs that rebuild it exactly
 * (`World.replay`), plus where the cursor stood — so a run can be put in a
 * link, saved in the browser, and opened again.
 *
 * The text form is the run as compact JSON (byte arrays as base64 strings,
 * addresses as dotted quads, keys in a fixed order), its UTF-8 bytes written
 * in base64url without padding. Encoding is deterministic: the same run gives
 * the same text, whatever order its objects' keys were built in.
 *
 * Decoding never throws and trusts nothing: a link may come from anyone, so
 * every field is checked for type and range before a World sees it, and the
 * first problem found is reported with where it is
 * ("inputs[3].action.call.port: expected an integer 0–65535, got 70000").
 */
import { SHUT_HOWS, type Call } from '../sockets/host';
import {
  parseFlagPattern,
  type DirectionConfig,
  type LinkRule,
  type PayloadTest,
  type QueueLimit,
  type Trigger,
} from '../sim/link';
import { LINUX, PROFILE_KEYS, RFC, type ProfileOverrides } from '../tcp/profile';
import { ipToString, parseIp } from '../tcp/segment';
import { CALL_NAMES, type Side } from '../sim/trace';
import {
  World,
  WorkBudgetExceeded,
  type Action,
  type Input,
  type WorkBudget,
  type WorkKind,
  type WorldOptions,
} from '../sim/world';
import {
  ShapeError,
  bool,
  expected,
  fail,
  integer,
  keyPath,
  object,
  oneOf,
  real,
  show,
} from './json-shape';
import {
  CALL_LIMITS,
  LINK_LIMITS,
  MAX_INPUTS,
  MAX_RUN_SEND_BYTES,
  MAX_RUN_TEXT,
  MAX_SCENARIO_ID,
  MAX_SEND_BYTES,
  PATTERN_LIMIT,
  PROFILE_LIMITS,
  QUEUE_LIMITS,
  RATE_LIMIT,
  SEED_LIMIT,
  TIME_LIMIT,
  WORK_BUDGET,
  WSCALE_LIMIT,
  CC_ALGORITHMS,
  isNumericProfileKey,
  isRate,
  limitText,
  profileProblem,
  withinLimit,
  type NumberLimit,
} from './limits';

// The limits live in limits.ts; these names were first exported from here.
export { MAX_INPUTS, MAX_RUN_TEXT, MAX_SCENARIO_ID, MAX_SEND_BYTES } from './limits';

export interface SharedRun {
  readonly v: 1;
  readonly options: WorldOptions;
  readonly inputs: Input[];
  /** The instant on screen (virtual ms). */
  readonly cursor: number;
  /** The gallery scenario the run started from, if any. */
  readonly scenario?: string;
}

export type DecodeResult = { ok: true; run: SharedRun } | { ok: false; error: string };

/** The format version this code writes and reads. */
export const RUN_FORMAT_VERSION = 1;
/** recv() lengths accepted: 1 … MAX_RECV_LEN. */
export const MAX_RECV_LEN = CALL_LIMITS.recvLen.max;
/** Link delay and jitter accepted: 0 … MAX_LINK_MS. */
export const MAX_LINK_MS = LINK_LIMITS.delay.max;

// ------------------------------------------------------------------ base64

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function table(alphabet: string): Int16Array {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
}
const STD_TABLE = table(STD);
const URL_TABLE = table(URL_SAFE);

function toBase64(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  const codes: number[] = [];
  for (let i = 0; i < 64; i++) codes.push(alphabet.charCodeAt(i));
  const n = bytes.length;
  const outLen = pad ? Math.ceil(n / 3) * 4 : Math.ceil((n * 4) / 3);
  const out = new Uint8Array(outLen);
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const x = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = codes[x >>> 18]!;
    out[o++] = codes[(x >>> 12) & 63]!;
    out[o++] = codes[(x >>> 6) & 63]!;
    out[o++] = codes[x & 63]!;
  }
  const rest = n - i;
  if (rest > 0) {
    const x = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    out[o++] = codes[x >>> 18]!;
    out[o++] = codes[(x >>> 12) & 63]!;
    if (rest === 2) out[o] = codes[(x >>> 6) & 63]!;
    else if (pad) out[o] = 61;
    if (pad) out[o + 1] = 61;
  }
  // The characters are ASCII, which is UTF-8.
  return new TextDecoder().decode(out);
}

/** Base64 text to bytes, or an error saying where it stops being base64. Canonical text only. */
function fromBase64(
  text: string,
  padded: boolean,
): { ok: true; bytes: Uint8Array } | { ok: false; error: string } {
  const name = padded ? 'base64' : 'base64url';
  const t = padded ? STD_TABLE : URL_TABLE;
  let end = text.length;
  if (padded) {
    if (text.length % 4 !== 0)
      return { ok: false, error: `not ${name}: length ${text.length} is not a multiple of 4` };
    if (text.endsWith('==')) end -= 2;
    else if (text.endsWith('=')) end -= 1;
  }
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || t[c]! < 0)
      return { ok: false, error: `not ${name} at character ${i} (${JSON.stringify(text[i])})` };
  }
  if (end % 4 === 1) return { ok: false, error: `not ${name}: truncated (length ${end})` };
  const n = Math.floor((end * 3) / 4);
  const out = new Uint8Array(n);
  let o = 0;
  let i = 0;
  for (; i + 3 < end; i += 4) {
    const x =
      (t[text.charCodeAt(i)]! << 18) |
      (t[text.charCodeAt(i + 1)]! << 12) |
      (t[text.charCodeAt(i + 2)]! << 6) |
      t[text.charCodeAt(i + 3)]!;
    out[o++] = x >>> 16;
    out[o++] = (x >>> 8) & 255;
    out[o++] = x & 255;
  }
  const rest = end - i;
  if (rest > 0) {
    const a = t[text.charCodeAt(i)]!;
    const b = t[text.charCodeAt(i + 1)]!;
    const c = rest === 3 ? t[text.charCodeAt(i + 2)]! : 0;
    // The bits past the last whole byte must be zero, so one byte string has one text.
    if ((rest === 2 && (b & 15) !== 0) || (rest === 3 && (c & 3) !== 0))
      return { ok: false, error: `not ${name}: stray bits in its last character` };
    out[o] = (a << 2) | (b >>> 4);
    if (rest === 3) out[o + 1] = ((b & 15) << 4) | (c >>> 2);
  }
  return { ok: true, bytes: out };
}

// ------------------------------------------------------------------ encoding

const SIDES: readonly Side[] = ['client', 'server'];
const DIRECTION_KEYS = [
  'delay',
  'jitter',
  'loss',
  'duplicate',
  'reorder',
  'rate',
  'queue',
] as const;

/** A direction's settings as JSON; a queue limit as `{ packets: N }`, `{ bytes: N }` or null. */
function directionJson(d: Partial<DirectionConfig>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const k of DIRECTION_KEYS) {
    const v = d[k];
    if (v === undefined) continue;
    o[k] = v === null || typeof v === 'number' ? v : queueJson(v);
  }
  return o;
}

function queueJson(q: QueueLimit): Record<string, number> {
  return 'packets' in q ? { packets: q.packets } : { bytes: q.bytes };
}

function optionsJson(o: WorldOptions): Record<string, unknown> {
  const j: Record<string, unknown> = { seed: o.seed };
  if (o.profile !== undefined) j.profile = o.profile;
  if (o.overrides !== undefined) {
    const ov: Record<string, unknown> = {};
    for (const k of PROFILE_KEYS) if (o.overrides[k] !== undefined) ov[k] = o.overrides[k];
    j.overrides = ov;
  }
  if (o.link !== undefined) {
    const l: Record<string, unknown> = {};
    for (const s of SIDES) {
      const d = o.link[s];
      if (d !== undefined) l[s] = directionJson(d);
    }
    j.link = l;
  }
  if (o.clientIp !== undefined) j.clientIp = o.clientIp;
  if (o.serverIp !== undefined) j.serverIp = o.serverIp;
  if (o.keepHistory !== undefined) j.keepHistory = o.keepHistory;
  return j;
}

function callJson(c: Call): Record<string, unknown> {
  switch (c.name) {
    case 'socket':
      return { name: c.name };
    case 'bind':
      return { name: c.name, fd: c.fd, port: c.port };
    case 'listen':
      return c.backlog === undefined
        ? { name: c.name, fd: c.fd }
        : { name: c.name, fd: c.fd, backlog: c.backlog };
    case 'accept':
    case 'close':
      return { name: c.name, fd: c.fd };
    case 'connect':
      return { name: c.name, fd: c.fd, ip: ipToString(c.ip), port: c.port };
    case 'send':
      return { name: c.name, fd: c.fd, data: toBase64(c.data, STD, true) };
    case 'recv':
      return c.len === undefined
        ? { name: c.name, fd: c.fd }
        : { name: c.name, fd: c.fd, len: c.len };
    case 'shutdown':
      return { name: c.name, fd: c.fd, how: c.how };
    case 'setsockopt':
      return c.opt === 'SO_REUSEADDR'
        ? { name: c.name, fd: c.fd, opt: c.opt, value: c.value }
        : { name: c.name, fd: c.fd, opt: c.opt, onoff: c.onoff, linger: c.linger };
  }
}

/** A payload test as JSON: 'empty', 'data', or `{ contains: BASE64 }`. */
function payloadJson(p: PayloadTest): unknown {
  return typeof p === 'string' ? p : { contains: toBase64(p.contains, STD, true) };
}

/** A rule as JSON. A rule of flags alone is written as before patterns had more to them. */
function ruleJson(r: LinkRule): Record<string, unknown> {
  if (r.kind === 'dropNth') return { kind: r.kind, from: r.from, n: r.n };
  const j: Record<string, unknown> = { kind: r.kind, from: r.from, flags: r.flags };
  if (r.payload !== undefined) j.payload = payloadJson(r.payload);
  if (r.after !== undefined) {
    const a: Record<string, unknown> = { from: r.after.from, flags: r.after.flags };
    if (r.after.payload !== undefined) a.payload = payloadJson(r.after.payload);
    j.after = a;
  }
  return j;
}

function actionJson(a: Action): Record<string, unknown> {
  switch (a.kind) {
    case 'call':
      return { kind: a.kind, side: a.side, call: callJson(a.call) };
    case 'link':
      return { kind: a.kind, from: a.from, change: directionJson(a.change) };
    case 'rule':
      return { kind: a.kind, rule: ruleJson(a.rule) };
    case 'drop':
      return { kind: a.kind, id: a.id };
  }
}

/** The run as the JSON value the text form carries, keys in a fixed order. */
function runJson(run: SharedRun): Record<string, unknown> {
  const j: Record<string, unknown> = {
    v: run.v,
    options: optionsJson(run.options),
    inputs: run.inputs.map((i) => ({ t: i.t, steps: i.steps, action: actionJson(i.action) })),
    cursor: run.cursor,
  };
  if (run.scenario !== undefined) j.scenario = run.scenario;
  return j;
}

/**
 * The run as text: compact JSON in base64url, no padding. Deterministic. It
 * does not check the run; `decodeRun` does (a run recorded by a World passes).
 */
export function encodeRun(run: SharedRun): string {
  return toBase64(new TextEncoder().encode(JSON.stringify(runJson(run))), URL_SAFE, false);
}

/** `base` (any fragment it had dropped) with the run in its `#run=` fragment. */
export function runLink(run: SharedRun, base: string): string {
  const hash = base.indexOf('#');
  return `${hash < 0 ? base : base.slice(0, hash)}#run=${encodeRun(run)}`;
}

// ------------------------------------------------------------------ decoding

function count(path: string, v: unknown, lo = 0): number {
  return integer(path, v, lo, Number.MAX_SAFE_INTEGER, `a whole number ≥ ${lo}`);
}

/** A number within `l`, or an error saying what it should be. */
function limited(path: string, v: unknown, l: NumberLimit, what = limitText(l)): number {
  if (!withinLimit(v, l)) expected(path, what, v);
  return v;
}

/** An instant of the run (virtual ms). */
function instant(path: string, v: unknown): number {
  const t = real(path, v, 0, Number.MAX_VALUE, 'a finite number ≥ 0');
  if (t > TIME_LIMIT.max)
    fail(path, `${t} ms is later than the last instant a run may reach (${TIME_LIMIT.max} ms)`);
  return t;
}

const side = (path: string, v: unknown): Side => oneOf(path, v, SIDES);

/** A dotted quad in its usual form (no leading zeros). */
function ipText(path: string, v: unknown): string {
  const ip = typeof v === 'string' ? parseIp(v) : undefined;
  if (ip === undefined || ipToString(ip) !== v)
    expected(path, 'an IPv4 address as a dotted quad (e.g. 192.0.2.10)', v);
  return ipToString(ip);
}

/** A queue limit: null, `{ packets: N }` or `{ bytes: N }` within QUEUE_LIMITS. */
function queueLimit(path: string, v: unknown): QueueLimit | null {
  if (v === null) return null;
  const what = `null, { packets: ${QUEUE_LIMITS.packets.min}–${QUEUE_LIMITS.packets.max} } or { bytes: ${QUEUE_LIMITS.bytes.min}–${QUEUE_LIMITS.bytes.max} }`;
  if (typeof v !== 'object' || Array.isArray(v)) expected(path, what, v);
  const o = object(path, v, ['packets', 'bytes'], what);
  if ((o.packets === undefined) === (o.bytes === undefined))
    fail(path, `expected one of packets or bytes (${what})`);
  return o.packets !== undefined
    ? { packets: limited(keyPath(path, 'packets'), o.packets, QUEUE_LIMITS.packets) }
    : { bytes: limited(keyPath(path, 'bytes'), o.bytes, QUEUE_LIMITS.bytes) };
}

function direction(path: string, v: unknown): Partial<DirectionConfig> {
  const o = object(path, v, DIRECTION_KEYS);
  const d: { -readonly [K in keyof DirectionConfig]?: DirectionConfig[K] } = {};
  if (o.rate !== undefined) {
    if (!isRate(o.rate))
      expected(keyPath(path, 'rate'), `0 (no bottleneck) or ${limitText(RATE_LIMIT)}`, o.rate);
    d.rate = o.rate;
  }
  if (o.queue !== undefined) d.queue = queueLimit(keyPath(path, 'queue'), o.queue);
  for (const k of DIRECTION_KEYS) {
    const x = o[k];
    if (x === undefined || k === 'rate' || k === 'queue') continue;
    d[k] = limited(
      keyPath(path, k),
      x,
      LINK_LIMITS[k],
      k === 'delay' || k === 'jitter' ? undefined : 'a probability 0–1',
    );
  }
  return d;
}

type OverrideKey = (typeof PROFILE_KEYS)[number];

function overrideValue(path: string, k: OverrideKey, v: unknown): number | boolean | string | null {
  if (typeof LINUX[k] === 'boolean') return bool(path, v);
  if (k === 'cc')
    return typeof v === 'string' && (CC_ALGORITHMS as readonly string[]).includes(v)
      ? v
      : fail(path, `one of ${CC_ALGORITHMS.join(', ')}`);
  if (k === 'wscale')
    return v === null
      ? null
      : limited(
          path,
          v,
          WSCALE_LIMIT,
          `an integer ${WSCALE_LIMIT.min}–${WSCALE_LIMIT.max} or null`,
        );
  if (isNumericProfileKey(k)) return limited(path, v, PROFILE_LIMITS[k]);
  return fail(path, 'not a constant this version knows');
}

function overrides(path: string, v: unknown, profile: 'linux' | 'rfc'): ProfileOverrides {
  const o = object(path, v, PROFILE_KEYS, 'an object of profile constants');
  const out: Record<string, unknown> = {};
  for (const k of PROFILE_KEYS) {
    if (o[k] === undefined) continue;
    out[k] = overrideValue(keyPath(path, k), k, o[k]);
  }
  const ov = out as ProfileOverrides;
  const base = profile === 'linux' ? LINUX : RFC;
  const problem = profileProblem({ ...base, ...ov });
  if (problem) fail(path, problem);
  return ov;
}

function options(path: string, v: unknown): WorldOptions {
  const o = object(path, v, [
    'seed',
    'profile',
    'overrides',
    'link',
    'clientIp',
    'serverIp',
    'keepHistory',
  ]);
  const seed = integer(keyPath(path, 'seed'), o.seed, SEED_LIMIT.min, SEED_LIMIT.max);
  const out: {
    -readonly [K in keyof WorldOptions]: WorldOptions[K];
  } = { seed };
  const profile =
    o.profile === undefined
      ? 'linux'
      : oneOf(keyPath(path, 'profile'), o.profile, ['linux', 'rfc']);
  if (o.profile !== undefined) out.profile = profile;
  if (o.overrides !== undefined)
    out.overrides = overrides(keyPath(path, 'overrides'), o.overrides, profile);
  if (o.link !== undefined) {
    const lp = keyPath(path, 'link');
    const l = object(lp, o.link, SIDES);
    const link: Partial<Record<Side, Partial<DirectionConfig>>> = {};
    for (const s of SIDES) if (l[s] !== undefined) link[s] = direction(keyPath(lp, s), l[s]);
    out.link = link;
  }
  if (o.clientIp !== undefined) out.clientIp = ipText(keyPath(path, 'clientIp'), o.clientIp);
  if (o.serverIp !== undefined) out.serverIp = ipText(keyPath(path, 'serverIp'), o.serverIp);
  if (o.keepHistory !== undefined)
    out.keepHistory = bool(keyPath(path, 'keepHistory'), o.keepHistory);
  return out;
}

const MAX_SEND_TEXT = Math.ceil(MAX_SEND_BYTES / 3) * 4;

function sendData(path: string, v: unknown): Uint8Array {
  if (typeof v !== 'string') expected(path, 'the bytes as a base64 string', v);
  if (v.length > MAX_SEND_TEXT)
    fail(
      path,
      `about ${Math.floor((v.length * 3) / 4)} bytes, more than the ${MAX_SEND_BYTES} one send may carry`,
    );
  const r = fromBase64(v, true);
  if (!r.ok) fail(path, r.error);
  if (r.bytes.length > MAX_SEND_BYTES)
    fail(path, `${r.bytes.length} bytes, more than the ${MAX_SEND_BYTES} one send may carry`);
  return r.bytes;
}

function call(path: string, v: unknown): Call {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) expected(path, 'a socket call', v);
  const name = oneOf(keyPath(path, 'name'), (v as Record<string, unknown>).name, CALL_NAMES);
  const int = (o: Record<string, unknown>, key: string, l: NumberLimit): number =>
    integer(keyPath(path, key), o[key], l.min, l.max);
  const fdOf = (o: Record<string, unknown>): number => int(o, 'fd', CALL_LIMITS.fd);
  const port = (o: Record<string, unknown>): number => int(o, 'port', CALL_LIMITS.port);
  switch (name) {
    case 'socket':
      object(path, v, ['name']);
      return { name };
    case 'bind': {
      const o = object(path, v, ['name', 'fd', 'port']);
      return { name, fd: fdOf(o), port: port(o) };
    }
    case 'listen': {
      const o = object(path, v, ['name', 'fd', 'backlog']);
      const fd = fdOf(o);
      return o.backlog === undefined
        ? { name, fd }
        : { name, fd, backlog: int(o, 'backlog', CALL_LIMITS.backlog) };
    }
    case 'accept':
    case 'close': {
      const o = object(path, v, ['name', 'fd']);
      return { name, fd: fdOf(o) };
    }
    case 'connect': {
      const o = object(path, v, ['name', 'fd', 'ip', 'port']);
      const fd = fdOf(o);
      const ip = parseIp(ipText(keyPath(path, 'ip'), o.ip))!;
      return { name, fd, ip, port: port(o) };
    }
    case 'send': {
      const o = object(path, v, ['name', 'fd', 'data']);
      const fd = fdOf(o);
      return { name, fd, data: sendData(keyPath(path, 'data'), o.data) };
    }
    case 'recv': {
      const o = object(path, v, ['name', 'fd', 'len']);
      const fd = fdOf(o);
      return o.len === undefined
        ? { name, fd }
        : { name, fd, len: int(o, 'len', CALL_LIMITS.recvLen) };
    }
    case 'shutdown': {
      const o = object(path, v, ['name', 'fd', 'how']);
      const fd = fdOf(o);
      return { name, fd, how: oneOf(keyPath(path, 'how'), o.how, SHUT_HOWS) };
    }
    case 'setsockopt': {
      const opt = oneOf(keyPath(path, 'opt'), (v as Record<string, unknown>).opt, [
        'SO_REUSEADDR',
        'SO_LINGER',
      ]);
      if (opt === 'SO_REUSEADDR') {
        const o = object(path, v, ['name', 'fd', 'opt', 'value']);
        const fd = fdOf(o);
        return { name, fd, opt, value: bool(keyPath(path, 'value'), o.value) };
      }
      const o = object(path, v, ['name', 'fd', 'opt', 'onoff', 'linger']);
      const fd = fdOf(o);
      const onoff = bool(keyPath(path, 'onoff'), o.onoff);
      return {
        name,
        fd,
        opt,
        onoff,
        linger: int(o, 'linger', CALL_LIMITS.linger),
      };
    }
  }
}

/**
 * A flags pattern in its canonical spelling (what the parser and the link
 * write): exact flags as `flagString` writes them ("S", "S.", "F.", ".",
 * "none"), or a mask ("+F", "-R", "+S-."); or null for any flags.
 */
function flagsPattern(path: string, f: unknown): string | null {
  if (f === null) return null;
  const what =
    'null, flags in tcpdump notation (S F R P U in that order, then . for ACK: "S", "S.", "F.", "R", "."), or a mask ("+F", "-R", "+S-.")';
  if (typeof f !== 'string') expected(path, what, f);
  const p = parseFlagPattern(f);
  if ('error' in p) expected(path, what, f);
  if (p.text !== f)
    fail(
      path,
      `expected the flags written as ${JSON.stringify(p.text)} (letters in tcpdump's order, + before -), got ${show(f)}`,
    );
  return f;
}

const MAX_PATTERN_TEXT = Math.ceil(PATTERN_LIMIT.max / 3) * 4;

/** 'empty', 'data', or `{ contains: BASE64 }` of 1–PATTERN_LIMIT.max bytes. */
function payloadTest(path: string, v: unknown): PayloadTest {
  if (v === 'empty' || v === 'data') return v;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    expected(path, "'empty', 'data' or { contains: the bytes in base64 }", v);
  const o = object(path, v, ['contains']);
  const cp = keyPath(path, 'contains');
  const c = o.contains;
  if (typeof c !== 'string') expected(cp, 'the bytes to look for, in base64', c);
  if (c.length > MAX_PATTERN_TEXT)
    fail(cp, `more than the ${PATTERN_LIMIT.max} bytes a payload pattern may have`);
  const r = fromBase64(c, true);
  if (!r.ok) fail(cp, r.error);
  const n = r.bytes.length;
  if (n < PATTERN_LIMIT.min || n > PATTERN_LIMIT.max)
    fail(cp, `${n} bytes; a payload pattern has ${PATTERN_LIMIT.min} to ${PATTERN_LIMIT.max}`);
  return { contains: r.bytes };
}

/** What arms a rule: a side and a pattern. */
function trigger(path: string, v: unknown): Trigger {
  const a = object(path, v, ['from', 'flags', 'payload'], 'what arms the rule');
  const from = side(keyPath(path, 'from'), a.from);
  const flags = flagsPattern(keyPath(path, 'flags'), a.flags);
  if (a.payload === undefined) return { from, flags };
  return { from, flags, payload: payloadTest(keyPath(path, 'payload'), a.payload) };
}

function rule(path: string, v: unknown): LinkRule {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) expected(path, 'a link rule', v);
  const kind = oneOf(keyPath(path, 'kind'), (v as Record<string, unknown>).kind, [
    'dropNext',
    'dropNth',
  ]);
  if (kind === 'dropNext') {
    const o = object(path, v, ['kind', 'from', 'flags', 'payload', 'after']);
    const from = side(keyPath(path, 'from'), o.from);
    const flags = flagsPattern(keyPath(path, 'flags'), o.flags);
    const payload =
      o.payload === undefined ? undefined : payloadTest(keyPath(path, 'payload'), o.payload);
    const after = o.after === undefined ? undefined : trigger(keyPath(path, 'after'), o.after);
    return {
      kind,
      from,
      flags,
      ...(payload === undefined ? {} : { payload }),
      ...(after === undefined ? {} : { after }),
    };
  }
  const o = object(path, v, ['kind', 'from', 'n']);
  const from = side(keyPath(path, 'from'), o.from);
  return { kind, from, n: count(keyPath(path, 'n'), o.n, 1) };
}

function action(path: string, v: unknown): Action {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) expected(path, 'an action', v);
  const kind = oneOf(keyPath(path, 'kind'), (v as Record<string, unknown>).kind, [
    'call',
    'link',
    'rule',
    'drop',
  ]);
  switch (kind) {
    case 'call': {
      const o = object(path, v, ['kind', 'side', 'call']);
      const s = side(keyPath(path, 'side'), o.side);
      return { kind, side: s, call: call(keyPath(path, 'call'), o.call) };
    }
    case 'link': {
      const o = object(path, v, ['kind', 'from', 'change']);
      const from = side(keyPath(path, 'from'), o.from);
      return { kind, from, change: direction(keyPath(path, 'change'), o.change) };
    }
    case 'rule': {
      const o = object(path, v, ['kind', 'rule']);
      return { kind, rule: rule(keyPath(path, 'rule'), o.rule) };
    }
    case 'drop': {
      const o = object(path, v, ['kind', 'id']);
      return { kind, id: count(keyPath(path, 'id'), o.id) };
    }
  }
}

function readInputs(path: string, v: unknown): Input[] {
  if (!Array.isArray(v)) expected(path, 'an array of inputs', v);
  if (v.length > MAX_INPUTS)
    fail(path, `${v.length} inputs, more than the ${MAX_INPUTS} a run may have`);
  const out: Input[] = [];
  let prev: Input | undefined;
  let sent = 0;
  v.forEach((x: unknown, n) => {
    const p = `${path}[${n}]`;
    const o = object(p, x, ['t', 'steps', 'action'], 'an input');
    const t = instant(keyPath(p, 't'), o.t);
    const steps = count(keyPath(p, 'steps'), o.steps);
    // Both only ever grow in a recorded run.
    if (prev && steps < prev.steps)
      fail(keyPath(p, 'steps'), `inputs out of order: ${steps} after ${prev.steps}`);
    if (prev && t < prev.t) fail(keyPath(p, 't'), `inputs out of order: ${t} after ${prev.t}`);
    const input = { t, steps, action: action(keyPath(p, 'action'), o.action) };
    if (input.action.kind === 'call' && input.action.call.name === 'send') {
      sent += input.action.call.data.length;
      if (sent > MAX_RUN_SEND_BYTES)
        fail(
          keyPath(p, 'action'),
          `the sends of the run carry ${sent} bytes so far, more than the ${MAX_RUN_SEND_BYTES} a run may carry`,
        );
    }
    out.push(input);
    prev = input;
  });
  return out;
}

/** Does `s` hold a C0 control character or DEL? */
export function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function scenarioId(path: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_SCENARIO_ID || hasControlChar(v))
    expected(path, `a scenario id of 1–${MAX_SCENARIO_ID} printable characters`, v);
  return v;
}

function readRun(v: unknown): SharedRun {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) expected('run', 'an object', v);
  const ver = (v as Record<string, unknown>).v;
  if (ver === undefined) fail('v', `missing (expected the format version ${RUN_FORMAT_VERSION})`);
  if (ver !== RUN_FORMAT_VERSION)
    fail(
      'v',
      typeof ver === 'number'
        ? `unsupported version ${ver} (this version of the app reads version ${RUN_FORMAT_VERSION})`
        : `expected the format version ${RUN_FORMAT_VERSION}, got ${show(ver)}`,
    );
  const o = object('run', v, ['v', 'options', 'inputs', 'cursor', 'scenario']);
  const opts = options('options', o.options);
  const ins = readInputs('inputs', o.inputs);
  const cursor = instant('cursor', o.cursor);
  return o.scenario === undefined
    ? { v: RUN_FORMAT_VERSION, options: opts, inputs: ins, cursor }
    : {
        v: RUN_FORMAT_VERSION,
        options: opts,
        inputs: ins,
        cursor,
        scenario: scenarioId('scenario', o.scenario),
      };
}

/**
 * Read a run from its text form. Never throws: any problem — not base64url
 * (character positions count from 0), not UTF-8, not JSON, another version,
 * a field of the wrong type or out of range, inputs out of order, too big —
 * comes back as `{ ok: false, error }` naming the problem and where it is.
 */
export function decodeRun(text: string): DecodeResult {
  try {
    if (typeof text !== 'string') return { ok: false, error: `expected text, got ${show(text)}` };
    if (text.length === 0) return { ok: false, error: 'empty: there is no run in it' };
    if (text.length > MAX_RUN_TEXT)
      return {
        ok: false,
        error: `too long: ${text.length} characters, more than the ${MAX_RUN_TEXT} a run may have`,
      };
    const b = fromBase64(text, false);
    if (!b.ok) return { ok: false, error: b.error };
    let json: string;
    try {
      json = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b.bytes);
    } catch {
      return { ok: false, error: 'not a run: its bytes are not UTF-8 text' };
    }
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (e) {
      return { ok: false, error: `JSON: ${e instanceof Error ? e.message : String(e)}` };
    }
    return { ok: true, run: readRun(value) };
  } catch (e) {
    if (e instanceof ShapeError) return { ok: false, error: e.message };
    return {
      ok: false,
      error: `cannot read the run: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}

/** The run in a link's `#run=` fragment (other `&`-separated fragment parameters are ignored). */
export function readLink(url: string): DecodeResult {
  if (typeof url !== 'string') return { ok: false, error: `expected a link, got ${show(url)}` };
  const u = url.trim();
  const hash = u.indexOf('#');
  if (hash < 0) return { ok: false, error: 'the link has no #run= fragment' };
  const param = u
    .slice(hash + 1)
    .split('&')
    .find((p) => p.startsWith('run='));
  if (param === undefined) return { ok: false, error: 'the link has no #run= fragment' };
  const text = param.slice(4);
  if (text === '') return { ok: false, error: 'the link’s #run= fragment is empty' };
  return decodeRun(text);
}

// ------------------------------------------------------------------ replaying

/** Scheduler steps (events) `replayRun` allows by default: the work budget of any run. */
export const DEFAULT_REPLAY_STEPS = WORK_BUDGET.events;

/**
 * `World.replay(run.options, run.inputs, run.cursor)`, within a work budget: a
 * link from anyone may ask for a run that would take hours to rebuild (a
 * billion retransmissions…). `budget` is the most events (a number), or a
 * WorkBudget; by default WORK_BUDGET, the budget scenario runs have, so a run
 * recorded from a scenario replays. The world it returns keeps that budget.
 * Never throws.
 */
export function replayRun(
  run: SharedRun,
  budget: number | WorkBudget = WORK_BUDGET,
): { ok: true; world: World } | { ok: false; error: string } {
  const b: Required<WorkBudget> =
    typeof budget === 'number' ? { ...WORK_BUDGET, events: budget } : { ...WORK_BUDGET, ...budget };
  const tooLong = (what: WorkKind, limit: number): { ok: false; error: string } => ({
    ok: false,
    error:
      what === 'events'
        ? `the run takes more than ${limit} steps to replay`
        : what === 'segments'
          ? `the run sends more than ${limit} segments when replayed`
          : `its drop rules search more than ${limit} bytes of payload when the run is replayed`,
  });
  // An input recorded after more steps than the budget allows cannot be reached: refuse it
  // at once (replaying would stop there only after running every one of those steps).
  for (const i of run.inputs) if (i.steps > b.events) return tooLong('events', b.events);
  try {
    return { ok: true, world: World.replay({ ...run.options, budget: b }, run.inputs, run.cursor) };
  } catch (e) {
    if (e instanceof WorkBudgetExceeded) return tooLong(e.what, e.limit);
    return {
      ok: false,
      error: `cannot replay the run: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}
