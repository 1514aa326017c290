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
 * expected. `formatScenario` writes a scenario back as text. docs/scenarios.md
 * is the reference.
 *
 * Pure: no I/O, no clock, no randomness.
 */
import { SHUT_HOWS, type ShutHow } from '../sockets/host';
import type { DirectionConfig } from '../sim/link';
import {
  LINUX,
  PROFILE_KEYS,
  type Profile,
  type ProfileName,
  type ProfileOverrides,
} from '../tcp/profile';
import { ACK, FIN, PSH, RST, SYN, URG, flagString, ipToString, parseIp } from '../tcp/segment';
import { CALL_NAMES, type CallName, type Side } from '../sim/trace';
import { DEFAULT_CLIENT_IP, DEFAULT_SERVER_IP } from '../sim/world';

// ------------------------------------------------------------------ the data

/** A profile constant a scenario may override (`set NAME VALUE`). */
export type ProfileKey = keyof Omit<Profile, 'name'>;

/** Which segments a link setting applies to: those `client` sends, those `server` sends, or both. */
export type LinkDir = Side | 'both';

export type LinkKey = 'delay' | 'jitter' | 'loss' | 'duplicate' | 'reorder';
export const LINK_KEYS: readonly LinkKey[] = ['delay', 'jitter', 'loss', 'duplicate', 'reorder'];

/** One link setting: delay and jitter in ms, the others probabilities in [0, 1]. */
export interface LinkSetting {
  readonly key: LinkKey;
  readonly value: number;
}

/** When a timed line happens: `ms` after the start, or (relative) after the previous line of its thread. */
export interface Time {
  readonly relative: boolean;
  readonly ms: number;
}

/** A socket in a call: a variable bound by `x = socket()` / `x = accept(l)`, or a literal fd. */
export type FdRef =
  { readonly kind: 'var'; readonly name: string } | { readonly kind: 'fd'; readonly fd: number };

/** Where connect() goes: one of the two hosts by name, or an IPv4 address. */
export type Target =
  { readonly kind: 'side'; readonly side: Side } | { readonly kind: 'ip'; readonly ip: string };

/** What send() writes: these bytes, or `n` filler bytes (`send(s, 3000)`). */
export type Payload =
  | { readonly kind: 'bytes'; readonly bytes: readonly number[] }
  | { readonly kind: 'count'; readonly n: number };

/** A socket call as written in the file. Optional arguments left out are null. */
export type ScenarioCall =
  | { readonly name: 'socket' }
  | { readonly name: 'bind'; readonly fd: FdRef; readonly port: number }
  | { readonly name: 'listen'; readonly fd: FdRef; readonly backlog: number | null }
  | { readonly name: 'accept'; readonly fd: FdRef }
  | {
      readonly name: 'connect';
      readonly fd: FdRef;
      readonly target: Target;
      readonly port: number | null;
    }
  | { readonly name: 'send'; readonly fd: FdRef; readonly payload: Payload }
  | { readonly name: 'recv'; readonly fd: FdRef; readonly len: number | null }
  | { readonly name: 'shutdown'; readonly fd: FdRef; readonly how: ShutHow }
  | { readonly name: 'close'; readonly fd: FdRef }
  | {
      readonly name: 'setsockopt';
      readonly fd: FdRef;
      readonly opt: 'SO_REUSEADDR';
      readonly value: boolean;
    }
  | {
      readonly name: 'setsockopt';
      readonly fd: FdRef;
      readonly opt: 'SO_LINGER';
      readonly onoff: boolean;
      readonly linger: number;
    };

/**
 * What a call should return: a value (with, for -1, the errno, or null for
 * any), or for recv() the bytes it should read.
 */
export type Expect =
  | { readonly kind: 'ret'; readonly ret: number; readonly errno: string | null }
  | { readonly kind: 'data'; readonly bytes: readonly number[] };

/** What a timed `link` line does. */
export type LinkAction =
  | { readonly kind: 'dropNext'; readonly from: Side; readonly flags: string | null }
  | { readonly kind: 'dropNth'; readonly from: Side; readonly n: number }
  /** Drop segment #id (as the trace numbers them) if it is on the link at that instant. */
  | { readonly kind: 'dropSegment'; readonly id: number }
  | { readonly kind: 'set'; readonly dir: LinkDir; readonly settings: readonly LinkSetting[] };

interface Base {
  /** 1-based line number in the file. */
  readonly line: number;
  /** Text after `#` on this line (verbatim), or null. */
  readonly comment: string | null;
}

export type Statement =
  | (Base & { readonly kind: 'blank' })
  | (Base & { readonly kind: 'seed'; readonly seed: number })
  | (Base & { readonly kind: 'profile'; readonly profile: ProfileName })
  | (Base & {
      readonly kind: 'set';
      readonly name: ProfileKey;
      readonly value: number | boolean | null;
    })
  | (Base & {
      readonly kind: 'link';
      readonly dir: LinkDir;
      readonly settings: readonly LinkSetting[];
    })
  | (Base & { readonly kind: 'address'; readonly side: Side; readonly ip: string })
  | (Base & { readonly kind: 'run'; readonly until: 'idle' | number })
  | (Base & {
      readonly kind: 'call';
      readonly time: Time;
      readonly side: Side;
      /** The variable the returned fd is bound to (socket() and accept() only). */
      readonly assign: string | null;
      readonly call: ScenarioCall;
      readonly expect: Expect | null;
    })
  | (Base & { readonly kind: 'linkAt'; readonly time: Time; readonly action: LinkAction });

export type CallStatement = Extract<Statement, { kind: 'call' }>;
export type LinkAtStatement = Extract<Statement, { kind: 'linkAt' }>;

/** A parsed scenario: one statement per line of the file, in order. */
export interface Scenario {
  readonly statements: readonly Statement[];
}

/** The run's setup, gathered from the header lines (defaults filled in). */
export interface ScenarioSettings {
  readonly seed: number;
  readonly profile: ProfileName;
  readonly overrides: ProfileOverrides;
  readonly link: Record<Side, Partial<DirectionConfig>>;
  readonly clientIp: string;
  readonly serverIp: string;
  /** Virtual ms to run for, or until nothing is left to happen. */
  readonly run: 'idle' | number;
}

export const DEFAULT_SEED = 1;

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    message: string,
    /** The text of the offending line. */
    readonly source: string = '',
  ) {
    super(message);
  }

  /** `FILE:LINE:COL: message`. */
  format(): string {
    return `${this.file}:${this.line}:${this.column}: ${this.message}`;
  }

  override toString(): string {
    return this.format();
  }
}

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
const SIDE_NAMES: readonly Side[] = ['client', 'server'];
const LINK_DIRS: readonly LinkDir[] = ['client', 'server', 'both'];
const SOCKOPTS = ['SO_REUSEADDR', 'SO_LINGER'] as const;
const RESERVED = new Set<string>(['client', 'server', 'both', 'link', ...HEADERS]);

/** errno names an expectation may name (those the model returns, and their usual neighbours). */
export const ERRNO_NAMES: readonly string[] = [
  'EADDRINUSE',
  'EADDRNOTAVAIL',
  'EAGAIN',
  'EALREADY',
  'EBADF',
  'ECONNABORTED',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'EINPROGRESS',
  'EINTR',
  'EINVAL',
  'EISCONN',
  'EMFILE',
  'ENETUNREACH',
  'ENOTCONN',
  'ENOTSOCK',
  'EOPNOTSUPP',
  'EPIPE',
  'ETIMEDOUT',
  'EWOULDBLOCK',
];

/** Profile constants given in ms, written as durations (`30s`, `200ms`; bare numbers are seconds). */
export const DURATION_KEYS: ReadonlySet<string> = new Set([
  'rtoInitial',
  'rtoMin',
  'rtoMax',
  'rtoAfterSynLoss',
  'msl',
  'timeWait',
  'tcp_fin_timeout',
  'delAckTimeout',
  'delAckMax',
]);

type ValueKind = 'duration' | 'bool' | 'wscale' | 'int' | 'port' | 'positive';

function valueKind(key: ProfileKey): ValueKind {
  if (DURATION_KEYS.has(key)) return 'duration';
  if (key === 'wscale') return 'wscale';
  if (key === 'ephemeralLow' || key === 'ephemeralHigh') return 'port';
  if (key === 'mss') return 'positive';
  return typeof LINUX[key] === 'boolean' ? 'bool' : 'int';
}

/** The biggest count a scenario may give for send() or recv() (16 MiB). */
const MAX_BYTES = 16 * 1024 * 1024;

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

/** The microseconds of a ms value (a scenario's times are whole microseconds). */
const micros = (ms: number): number => Math.round(ms * 1000);

/** Exact decimal text of `units` / 10^scale, trailing zeros trimmed. */
function decimalText(units: number, scale: number): string {
  const p = 10 ** scale;
  const whole = Math.floor(units / p);
  const frac = String(units - whole * p)
    .padStart(scale, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/** A time column: bare seconds (`0`, `0.05`, `+1.5`). */
export function formatTime(t: Time): string {
  return (t.relative ? '+' : '') + decimalText(micros(t.ms), 6);
}

/** A duration: whole seconds as `30s`, anything else in ms (`50ms`, `1500ms`, `0.5ms`). */
export function formatDuration(ms: number): string {
  const us = micros(ms);
  return us % 1_000_000 === 0 ? `${us / 1_000_000}s` : `${decimalText(us, 3)}ms`;
}

function parseProbability(text: string): number | undefined {
  const m = /^(\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(%)?$/.exec(text);
  if (!m) return undefined;
  const v = Number(m[2] ? text.slice(0, -1) : text) / (m[2] ? 100 : 1);
  return Number.isFinite(v) && v >= 0 && v <= 1 ? v : undefined;
}

function parseUint(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

// ------------------------------------------------------------------ strings

const ESCAPES: Readonly<Record<string, number>> = {
  n: 10,
  t: 9,
  r: 13,
  '0': 0,
  '\\': 92,
  '"': 34,
};

function utf8(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 63)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
}

/** Bytes as a scenario string literal, quotes included. */
export function quoteBytes(bytes: ArrayLike<number>): string {
  let s = '"';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 10) s += '\\n';
    else if (b === 9) s += '\\t';
    else if (b === 13) s += '\\r';
    else if (b === 92) s += '\\\\';
    else if (b === 34) s += '\\"';
    else if (b >= 32 && b < 127) s += String.fromCharCode(b);
    else s += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return s + '"';
}

/** The bytes `send(s, N)` writes: the alphabet, over and over. */
export function fillerBytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = 97 + (i % 26);
  return b;
}

// ------------------------------------------------------------------ lexing

/** Whitespace as JavaScript's `\s` knows it. Only space, tab, CR (and LF between lines) may be used. */
const WHITESPACE = /\s/;
/** What ends a word: whitespace of any kind (the odd kinds are then refused), or punctuation. */
const WORD_END = /[\s()",=#]/;

/** Names of the whitespace characters other than space, tab, CR and LF. */
const SPACE_NAMES: Readonly<Record<number, string>> = {
  0x0b: 'vertical tab',
  0x0c: 'form feed',
  0xa0: 'no-break space',
  0x1680: 'ogham space mark',
  0x2000: 'en quad',
  0x2001: 'em quad',
  0x2002: 'en space',
  0x2003: 'em space',
  0x2004: 'three-per-em space',
  0x2005: 'four-per-em space',
  0x2006: 'six-per-em space',
  0x2007: 'figure space',
  0x2008: 'punctuation space',
  0x2009: 'thin space',
  0x200a: 'hair space',
  0x2028: 'line separator',
  0x2029: 'paragraph separator',
  0x202f: 'narrow no-break space',
  0x205f: 'medium mathematical space',
  0x3000: 'ideographic space',
  0xfeff: 'byte order mark',
};

/** `U+00A0 no-break space is not allowed here; use a plain space`. */
function oddSpaceMessage(c: string): string {
  const cp = c.codePointAt(0)!;
  const name = SPACE_NAMES[cp] ?? 'whitespace';
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const use =
    cp === 0x2028 || cp === 0x2029 || cp === 0x0b || cp === 0x0c
      ? 'use a plain space, or a line break (LF or CR LF) to end the line'
      : cp === 0xfeff
        ? 'a byte order mark may only start the file'
        : 'use a plain space';
  return `${code} ${name} is not allowed here; ${use}`;
}

type TokType = 'word' | 'string' | '(' | ')' | ',' | '=' | '=>';

interface Tok {
  readonly type: TokType;
  readonly text: string;
  /** 1-based column of the first character. */
  readonly col: number;
  /** 1-based column just past the token. */
  readonly end: number;
  /** The bytes of a string token. */
  readonly bytes?: number[];
}

const describeTok = (t: Tok | undefined): string =>
  t === undefined
    ? 'end of line'
    : t.type === 'string'
      ? `a string`
      : t.type === 'word'
        ? `'${t.text}'`
        : `'${t.type}'`;

class LineParser {
  private toks: Tok[] = [];
  private pos = 0;
  comment: string | null = null;

  constructor(
    private readonly file: string,
    readonly lineNo: number,
    readonly src: string,
  ) {
    this.lex();
  }

  fail(col: number, message: string): never {
    throw new ScenarioError(this.file, this.lineNo, col, message, this.src);
  }

  private lex(): void {
    const s = this.src;
    let i = 0;
    while (i < s.length) {
      const c = s[i]!;
      if (c === ' ' || c === '\t' || c === '\r') {
        i++;
      } else if (WHITESPACE.test(c)) {
        // Any other whitespace would end a word without being skipped: refuse it.
        this.fail(i + 1, oddSpaceMessage(c));
      } else if (c === '#') {
        this.comment = s.slice(i + 1);
        return;
      } else if (c === '"') {
        i = this.lexString(i);
      } else if (c === '(' || c === ')' || c === ',') {
        this.toks.push({ type: c, text: c, col: i + 1, end: i + 2 });
        i++;
      } else if (c === '=') {
        if (s[i + 1] === '>') {
          this.toks.push({ type: '=>', text: '=>', col: i + 1, end: i + 3 });
          i += 2;
        } else {
          this.toks.push({ type: '=', text: '=', col: i + 1, end: i + 2 });
          i++;
        }
      } else {
        let j = i;
        while (j < s.length && !WORD_END.test(s[j]!)) j++;
        this.toks.push({ type: 'word', text: s.slice(i, j), col: i + 1, end: j + 1 });
        i = j;
      }
    }
  }

  private lexString(start: number): number {
    const s = this.src;
    const bytes: number[] = [];
    let i = start + 1;
    while (i < s.length) {
      const c = s[i]!;
      if (c === '"') {
        this.toks.push({
          type: 'string',
          text: s.slice(start, i + 1),
          col: start + 1,
          end: i + 2,
          bytes,
        });
        return i + 1;
      }
      if (c === '\\') {
        const e = s[i + 1];
        if (e === undefined) break;
        if (e === 'x') {
          const hex = s.slice(i + 2, i + 4);
          if (!/^[0-9a-fA-F]{2}$/.test(hex))
            this.fail(i + 1, `bad escape '\\x${hex}' in string: \\x takes two hex digits`);
          bytes.push(parseInt(hex, 16));
          i += 4;
          continue;
        }
        const b = ESCAPES[e];
        if (b === undefined)
          this.fail(
            i + 1,
            `bad escape '\\${e}' in string (use \\n, \\t, \\r, \\0, \\\\, \\" or \\xNN)`,
          );
        bytes.push(b);
        i += 2;
        continue;
      }
      const cp = s.codePointAt(i)!;
      bytes.push(...utf8(cp));
      i += cp > 0xffff ? 2 : 1;
    }
    return this.fail(start + 1, 'unterminated string (a string ends with " on the same line)');
  }

  // ---------------------------------------------------------- cursor

  get empty(): boolean {
    return this.toks.length === 0;
  }

  peek(offset = 0): Tok | undefined {
    return this.toks[this.pos + offset];
  }

  next(): Tok | undefined {
    return this.toks[this.pos++];
  }

  /** Column where the next token is, or just past the last one. */
  get col(): number {
    const t = this.peek();
    if (t) return t.col;
    const last = this.toks[this.toks.length - 1];
    return last ? last.end : 1;
  }

  /** The next token, which must be a word; `what` says what was expected. */
  word(what: string): Tok {
    const t = this.peek();
    if (t?.type !== 'word') this.fail(this.col, `expected ${what}, got ${describeTok(t)}`);
    this.pos++;
    return t;
  }

  /** Nothing may follow. */
  end(after: string): void {
    const t = this.peek();
    if (t) this.fail(t.col, `unexpected ${describeTok(t)} after ${after}`);
  }
}

// ------------------------------------------------------------------ parsing

interface ParseState {
  readonly file: string;
  seen: Map<string, number>;
  /** Variables each side has bound so far, with the line that bound them. */
  vars: Record<Side, Map<string, number>>;
  /** Per thread (client, server, link): the earliest the next line can start. */
  floor: Record<Side | 'link', number>;
  addresses: Partial<Record<Side, { ip: string; line: number; col: number; src: string }>>;
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
    seen: new Map(),
    vars: { client: new Map(), server: new Map() },
    floor: { client: 0, server: 0, link: 0 },
    addresses: {},
  };
  const statements = lines.map((src, i) => parseLine(st, new LineParser(fileName, i + 1, src)));
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
      `missing time: a call line starts with a time, e.g. '0 ${kw} ...' or '+0 ${kw} ...'`,
    );
  return p.fail(
    first.col,
    `expected a time or a header (${orList(HEADERS)}), got '${kw}'${didYouMean(kw, HEADERS)}`,
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
  return p.fail(t.col, `expected ${what}, got '${t.text}'${didYouMean(t.text, SIDE_NAMES)}`);
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
      if (seed === undefined || seed > 0xffffffff)
        p.fail(t.col, `bad seed '${t.text}': expected a whole number from 0 to 4294967295`);
      p.end('the seed');
      once(st, p, 'seed', 'seed', kwTok);
      return { ...base, kind: 'seed', seed };
    }
    case 'profile': {
      const t = p.word('a profile name (linux or rfc) after profile');
      if (t.text !== 'linux' && t.text !== 'rfc')
        p.fail(t.col, `unknown profile '${t.text}' (expected linux or rfc)`);
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
          `unknown profile constant '${t.text}' ` +
            (m.length ? `(did you mean ${orList(m)}?)` : `(known: ${keys.join(', ')})`),
        );
      }
      const name = t.text as ProfileKey;
      const v = p.peek();
      if (!v) p.fail(p.col, `set ${name} needs a value`);
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
      if (ip === undefined) p.fail(t.col, `bad IPv4 address '${t.text}'`);
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
        if (i.text !== 'idle') p.fail(i.col, `expected 'idle' after 'run until', got '${i.text}'`);
        until = 'idle';
      } else {
        until = durationArg(p, t, 'run');
      }
      p.end('the run length');
      once(st, p, 'run', 'run line', kwTok);
      return { ...base, kind: 'run', until };
    }
  }
}

function durationArg(p: LineParser, t: Tok, what: string): number {
  if (t.text.startsWith('-')) p.fail(t.col, `${what} must not be negative, got '${t.text}'`);
  const ms = parseDurationMs(t.text);
  if (ms === undefined)
    p.fail(
      t.col,
      `bad duration '${t.text}' for ${what} (expected e.g. 30s, 200ms or 1.5 — bare numbers are seconds)`,
    );
  return ms;
}

function parseSetValue(p: LineParser, name: ProfileKey): number | boolean | null {
  const t = p.word(`a value for ${name}`);
  const x = t.text;
  switch (valueKind(name)) {
    case 'duration':
      return durationArg(p, t, name);
    case 'bool':
      if (x === 'true' || x === 'on' || x === '1') return true;
      if (x === 'false' || x === 'off' || x === '0') return false;
      return p.fail(t.col, `${name} is on or off: expected true or false, got '${x}'`);
    case 'wscale': {
      if (x === 'none') return null;
      const n = parseUint(x);
      if (n === undefined || n > 14)
        p.fail(t.col, `wscale is a shift from 0 to 14, or none; got '${x}'`);
      return n;
    }
    case 'port': {
      const n = parseUint(x);
      if (n === undefined || n < 1 || n > 65535)
        p.fail(t.col, `${name} is a port from 1 to 65535, got '${x}'`);
      return n;
    }
    case 'positive':
    case 'int': {
      const n = parseUint(x);
      const min = valueKind(name) === 'positive' ? 1 : 0;
      if (n === undefined || n < min)
        p.fail(t.col, `${name} is a whole number${min ? ' of at least 1' : ''}, got '${x}'`);
      return n;
    }
  }
}

function linkDir(p: LineParser, t: Tok): LinkDir {
  if ((LINK_DIRS as readonly string[]).includes(t.text)) return t.text as LinkDir;
  return p.fail(
    t.col,
    `unknown link direction '${t.text}' (expected client, server or both)${didYouMean(t.text, LINK_DIRS)}`,
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
        `unknown link setting '${k.text}' (expected ${orList(LINK_KEYS)})${didYouMean(k.text, LINK_KEYS)}`,
      );
    const key = k.text as LinkKey;
    if (settings.some((s) => s.key === key))
      p.fail(k.col, `link setting '${key}' given twice on one line`);
    const v = p.peek();
    if (v?.type !== 'word') p.fail(p.col, `link setting '${key}' needs a value`);
    p.next();
    let value: number;
    if (key === 'delay' || key === 'jitter') {
      value = durationArg(p, v, key);
    } else {
      const prob = parseProbability(v.text);
      if (prob === undefined)
        p.fail(
          v.col,
          `${key} must be a probability between 0 and 1 (or 0% to 100%), got '${v.text}'`,
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
    p.fail(t.col, `bad time '${t.text}' (${why})`);
  }
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
      `'${who.text}' is a header line and takes no time: write '${who.text} ...' on a line of its own`,
    );
  if (who.text !== 'client' && who.text !== 'server' && who.text !== 'link')
    p.fail(
      who.col,
      `expected a side (client or server), got '${who.text}'${didYouMean(who.text, [...SIDE_NAMES, 'link'])}`,
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
  st.floor[thread] = time.relative ? floor + time.ms : time.ms;
  if (thread === 'link') return { ...base, kind: 'linkAt', time, action: parseLinkAction(p) };
  return parseCallLine(st, p, base, time, thread);
}

const FLAG_BITS: Readonly<Record<string, number>> = {
  S: SYN,
  F: FIN,
  R: RST,
  P: PSH,
  U: URG,
  '.': ACK,
};

function parseLinkAction(p: LineParser): LinkAction {
  const t = p.word("'drop' or a link direction (client, server or both) after link");
  if (t.text === 'drop') {
    const which = p.word("'next', 'nth' or 'segment' after drop");
    if (which.text === 'segment') {
      const n = p.word("a segment number: 'drop segment N' drops segment #N if it is in flight");
      const k = parseUint(n.text);
      if (k === undefined) p.fail(n.col, `expected a segment number, got '${n.text}'`);
      p.end('the segment number');
      return { kind: 'dropSegment', id: k };
    }
    if (which.text !== 'next' && which.text !== 'nth')
      p.fail(which.col, `expected 'next', 'nth' or 'segment' after drop, got '${which.text}'`);
    const d = p.word('a direction (client or server): whose segments to drop');
    if (d.text === 'both')
      p.fail(d.col, 'a drop rule watches one direction: write client or server, not both');
    if (d.text !== 'client' && d.text !== 'server')
      p.fail(
        d.col,
        `unknown link direction '${d.text}' (expected client or server)${didYouMean(d.text, SIDE_NAMES)}`,
      );
    const from: Side = d.text;
    if (which.text === 'nth') {
      const n = p.word(
        `which segment: 'drop nth ${from} N' drops the Nth segment the ${from} sends`,
      );
      const k = parseUint(n.text);
      if (k === undefined || k < 1)
        p.fail(n.col, `expected a segment number of at least 1, got '${n.text}'`);
      p.end('the segment number');
      return { kind: 'dropNth', from, n: k };
    }
    const f = p.peek();
    if (!f) return { kind: 'dropNext', from, flags: null };
    p.next();
    let bits = 0;
    for (const ch of f.type === 'word' ? f.text : '?') {
      const b = FLAG_BITS[ch];
      if (b === undefined || bits & b)
        p.fail(
          f.col,
          `bad flags ${describeTok(f)}: write them as tcpdump does, from S F R P U and . for ACK (e.g. S, S., F., R, .)`,
        );
      bits |= b;
    }
    p.end('the flags');
    return { kind: 'dropNext', from, flags: flagString(bits) };
  }
  const dir = linkDir(p, t);
  return { kind: 'set', dir, settings: parseLinkSettings(p) };
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
        `bad variable name '${v.text}' (letters, digits and _, not starting with a digit)`,
      );
    if (RESERVED.has(v.text) || v.text.startsWith('SO_') || v.text.startsWith('SHUT_'))
      p.fail(v.col, `'${v.text}' is a reserved word and cannot name a socket`);
    assign = v.text;
    assignTok = v;
    p.next();
  }
  const nameTok = p.word('a socket call (socket, bind, listen, accept, connect, send, recv, ...)');
  const raw = nameTok.text;
  if (!(CALL_NAMES as readonly string[]).includes(raw)) {
    const alias = CALL_ALIASES[raw];
    const hint = alias ? ` (did you mean ${alias}?)` : didYouMean(raw, CALL_NAMES);
    p.fail(nameTok.col, `unknown call '${raw}'${hint}`);
  }
  const name = raw as CallName;
  if (assign !== null && name !== 'socket' && name !== 'accept')
    p.fail(
      assignTok!.col,
      `only socket() and accept() return a socket to name; ${name}() cannot be assigned to '${assign}'`,
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
  return { ...base, kind: 'call', time, side, assign, call, expect };
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
    p.fail(v.col, `a call returns -1 (an error) or a number from 0 up, not ${v.text}`);
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
    const fd = parseUint(t.text);
    if (fd !== undefined) return { kind: 'fd', fd };
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(t.text))
      p.fail(t.col, `expected a socket (a variable or an fd number), got '${t.text}'`);
    if (!st.vars[side].has(t.text)) {
      const other: Side = side === 'client' ? 'server' : 'client';
      const there = st.vars[other].get(t.text);
      if (there !== undefined)
        p.fail(
          t.col,
          `'${t.text}' is a ${other} socket (line ${there}); the ${side} has no socket by that name`,
        );
      p.fail(
        t.col,
        `undefined variable '${t.text}': no earlier '${t.text} = socket()' or '${t.text} = accept(...)' on the ${side}${didYouMean(t.text, [...st.vars[side].keys()])}`,
      );
    }
    return { kind: 'var', name: t.text };
  };
  const word = (i: number, what: string): Tok => {
    const t = args[i]!.tok;
    if (t.type !== 'word') p.fail(t.col, `expected ${what}, got a string`);
    return t;
  };
  const uintArg = (i: number, what: string, lo: number, hi: number): number => {
    const t = word(i, what);
    const n = parseUint(t.text);
    if (n === undefined) p.fail(t.col, `expected ${what}, got '${t.text}'`);
    if (n < lo || n > hi) p.fail(t.col, `${what} out of range: ${t.text} (${lo}..${hi})`);
    return n;
  };
  const portArg = (i: number): number => uintArg(i, 'a port', 0, 65535);
  const boolArg = (i: number, what: string): boolean => {
    const t = word(i, what);
    if (t.text !== '0' && t.text !== '1')
      p.fail(t.col, `expected ${what} (0 or 1), got '${t.text}'`);
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
        backlog: args.length > 1 ? uintArg(1, 'a backlog', 0, 65535) : null,
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
          if (/^[\d.]+$/.test(t.text)) p.fail(t.col, `bad IPv4 address '${t.text}'`);
          p.fail(
            t.col,
            `expected where to connect (server, client or an IPv4 address), got '${t.text}'${didYouMean(t.text, SIDE_NAMES)}`,
          );
        }
        target = { kind: 'ip', ip: ipToString(ip) };
      }
      return { name, fd, target, port: args.length > 2 ? portArg(2) : null };
    }
    case 'send': {
      const fd = fdArg(0);
      const t = args[1]!.tok;
      if (t.type === 'string')
        return { name, fd, payload: { kind: 'bytes', bytes: t.bytes ?? [] } };
      const n = parseUint(t.text);
      if (n === undefined)
        p.fail(t.col, `expected the data to send (a string, or a byte count), got '${t.text}'`);
      if (n > MAX_BYTES) p.fail(t.col, `byte count out of range: ${t.text} (0..${MAX_BYTES})`);
      return { name, fd, payload: { kind: 'count', n } };
    }
    case 'recv':
      return {
        name,
        fd: fdArg(0),
        len: args.length > 1 ? uintArg(1, 'a length', 1, MAX_BYTES) : null,
      };
    case 'shutdown': {
      const fd = fdArg(0);
      const t = word(1, 'SHUT_RD, SHUT_WR or SHUT_RDWR');
      if (!(SHUT_HOWS as readonly string[]).includes(t.text))
        p.fail(
          t.col,
          `expected SHUT_RD, SHUT_WR or SHUT_RDWR, got '${t.text}'${didYouMean(t.text, SHUT_HOWS)}`,
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
          linger: uintArg(3, 'a linger time in seconds', 0, 65535),
        };
      }
      return p.fail(
        t.col,
        `unknown socket option '${t.text}' (expected SO_REUSEADDR or SO_LINGER)${didYouMean(t.text, SOCKOPTS)}`,
      );
    }
  }
}

// ------------------------------------------------------------------ settings

/** The run's setup from the header lines, with the defaults for what they leave out. */
export function scenarioSettings(sc: Scenario): ScenarioSettings {
  let seed = DEFAULT_SEED;
  let profile: ProfileName = 'linux';
  const overrides: Record<string, unknown> = {};
  const link: Record<Side, Record<string, number>> = { client: {}, server: {} };
  let clientIp = DEFAULT_CLIENT_IP;
  let serverIp = DEFAULT_SERVER_IP;
  let run: 'idle' | number = 'idle';
  for (const s of sc.statements) {
    switch (s.kind) {
      case 'seed':
        seed = s.seed;
        break;
      case 'profile':
        profile = s.profile;
        break;
      case 'set':
        overrides[s.name] = s.value;
        break;
      case 'link':
        for (const side of dirSides(s.dir)) for (const x of s.settings) link[side][x.key] = x.value;
        break;
      case 'address':
        if (s.side === 'client') clientIp = s.ip;
        else serverIp = s.ip;
        break;
      case 'run':
        run = s.until;
        break;
      default:
        break;
    }
  }
  return {
    seed,
    profile,
    overrides,
    link,
    clientIp,
    serverIp,
    run,
  };
}

/** The sides a link direction covers. */
export const dirSides = (d: LinkDir): readonly Side[] => (d === 'both' ? SIDE_NAMES : [d]);

/** A link direction's settings as a DirectionConfig change. */
export function linkChange(settings: readonly LinkSetting[]): Partial<DirectionConfig> {
  const c: Record<string, number> = {};
  for (const s of settings) c[s.key] = s.value;
  return c;
}

// ------------------------------------------------------------------ formatting

function formatFd(f: FdRef): string {
  return f.kind === 'var' ? f.name : String(f.fd);
}

function formatSetValue(name: ProfileKey, v: number | boolean | null): string {
  if (v === null) return 'none';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return valueKind(name) === 'duration' ? formatDuration(v) : String(v);
}

function formatSettings(settings: readonly LinkSetting[]): string {
  return settings
    .map(
      (s) =>
        `${s.key} ${s.key === 'delay' || s.key === 'jitter' ? formatDuration(s.value) : String(s.value)}`,
    )
    .join(' ');
}

/** A call as it is written in a scenario: `connect(s, server, 80)`. */
export function formatCall(c: ScenarioCall): string {
  const args: string[] = [];
  switch (c.name) {
    case 'socket':
      break;
    case 'bind':
      args.push(formatFd(c.fd), String(c.port));
      break;
    case 'listen':
      args.push(formatFd(c.fd));
      if (c.backlog !== null) args.push(String(c.backlog));
      break;
    case 'accept':
    case 'close':
      args.push(formatFd(c.fd));
      break;
    case 'connect':
      args.push(formatFd(c.fd), c.target.kind === 'side' ? c.target.side : c.target.ip);
      if (c.port !== null) args.push(String(c.port));
      break;
    case 'send':
      args.push(
        formatFd(c.fd),
        c.payload.kind === 'bytes' ? quoteBytes(c.payload.bytes) : String(c.payload.n),
      );
      break;
    case 'recv':
      args.push(formatFd(c.fd));
      if (c.len !== null) args.push(String(c.len));
      break;
    case 'shutdown':
      args.push(formatFd(c.fd), c.how);
      break;
    case 'setsockopt':
      args.push(formatFd(c.fd), c.opt);
      if (c.opt === 'SO_REUSEADDR') args.push(c.value ? '1' : '0');
      else args.push(c.onoff ? '1' : '0', String(c.linger));
      break;
  }
  return `${c.name}(${args.join(', ')})`;
}

/** An expectation as written after `=>`. */
export function formatExpect(e: Expect): string {
  if (e.kind === 'data') return quoteBytes(e.bytes);
  return e.errno ? `${e.ret} ${e.errno}` : String(e.ret);
}

function formatLinkAction(a: LinkAction): string {
  switch (a.kind) {
    case 'dropNext':
      return `drop next ${a.from}${a.flags === null ? '' : ` ${a.flags}`}`;
    case 'dropNth':
      return `drop nth ${a.from} ${a.n}`;
    case 'dropSegment':
      return `drop segment ${a.id}`;
    case 'set':
      return `${a.dir} ${formatSettings(a.settings)}`;
  }
}

/** One statement as a line of text, without its comment. */
export function formatStatement(s: Statement): string {
  switch (s.kind) {
    case 'blank':
      return '';
    case 'seed':
      return `seed ${s.seed}`;
    case 'profile':
      return `profile ${s.profile}`;
    case 'set':
      return `set ${s.name} ${formatSetValue(s.name, s.value)}`;
    case 'link':
      return `link ${s.dir} ${formatSettings(s.settings)}`;
    case 'address':
      return `address ${s.side} ${s.ip}`;
    case 'run':
      return s.until === 'idle' ? 'run until idle' : `run ${formatDuration(s.until)}`;
    case 'call': {
      const lhs = s.assign === null ? '' : `${s.assign} = `;
      const rhs = s.expect === null ? '' : ` => ${formatExpect(s.expect)}`;
      return `${formatTime(s.time)} ${s.side} ${lhs}${formatCall(s.call)}${rhs}`;
    }
    case 'linkAt':
      return `${formatTime(s.time)} link ${formatLinkAction(s.action)}`;
  }
}

/**
 * The scenario as text, one line per statement, comments kept: parsing the
 * result gives back an equal scenario (with the same line numbers).
 */
export function formatScenario(sc: Scenario): string {
  return sc.statements
    .map((s) => {
      const text = formatStatement(s);
      if (s.comment === null) return text;
      return text === '' ? `#${s.comment}` : `${text}  #${s.comment}`;
    })
    .map((l) => l + '\n')
    .join('');
}
