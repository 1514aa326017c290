/**
 * The scenario file format as data: the statements a file is made of (one per
 * line, comments and blank lines included), what each call and link line
 * says, the run's settings gathered from the header lines, and ScenarioError.
 * The lexer, parser and formatter (scenario-lexer.ts, scenario-parser.ts,
 * scenario-format.ts) all work on these; docs/scenarios.md is the reference.
 *
 * Pure: no I/O, no clock, no randomness.
 */
import type { DirectionConfig, QueueLimit } from '../sim/link';
import type { ShutHow } from '../sockets/host';
import { LINUX, type Profile, type ProfileName, type ProfileOverrides } from '../tcp/profile';
import type { CallName, Side } from '../sim/trace';
import type { StateName } from '../tcp/tcb';
import { DEFAULT_CLIENT_IP, DEFAULT_SERVER_IP } from '../sim/world';

// ------------------------------------------------------------------ the data

/** A profile constant a scenario may override (`set NAME VALUE`). */
export type ProfileKey = keyof Omit<Profile, 'name'>;

/** Which segments a link setting applies to: those `client` sends, those `server` sends, or both. */
export type LinkDir = Side | 'both';

export type LinkKey = 'delay' | 'jitter' | 'loss' | 'duplicate' | 'reorder' | 'rate' | 'queue';
export const LINK_KEYS: readonly LinkKey[] = [
  'delay',
  'jitter',
  'loss',
  'duplicate',
  'reorder',
  'rate',
  'queue',
];

/**
 * One link setting: delay and jitter in ms, loss, duplicate and reorder
 * probabilities in [0, 1], the rate in bit/s (0: none), the queue's limit
 * (null: none).
 */
export type LinkSetting =
  | { readonly key: Exclude<LinkKey, 'queue'>; readonly value: number }
  | { readonly key: 'queue'; readonly value: QueueLimit | null };

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

/**
 * What a drop rule's pattern asks of a segment's payload: none (`empty`), at
 * least one byte (`data`), or these bytes somewhere in it (`containing`).
 */
export type PayloadMatch = 'empty' | 'data' | { readonly contains: readonly number[] };

/**
 * A segment pattern as written: its flags (a flags pattern in its canonical
 * spelling, `S.` or `+F` or `+S-.`, as `parseFlagPattern` in sim/link.ts
 * reads them; null for any flags) and what it asks of the payload (null: anything).
 */
export interface Pattern {
  readonly flags: string | null;
  readonly payload: PayloadMatch | null;
}

/** What arms a drop rule: the first segment `from` sends, after the rule is set, that matches. */
export interface After extends Pattern {
  readonly from: Side;
}

/** What a timed `link` line does. */
export type LinkAction =
  /** Drop the next segment `from` sends that matches the pattern — after `after`'s segment, when given. */
  | ({
      readonly kind: 'dropNext';
      readonly from: Side;
      readonly after: After | null;
    } & Pattern)
  | { readonly kind: 'dropNth'; readonly from: Side; readonly n: number }
  /** Drop segment #id (as the trace numbers them) if it is on the link at that instant. */
  | { readonly kind: 'dropSegment'; readonly id: number }
  | { readonly kind: 'set'; readonly dir: LinkDir; readonly settings: readonly LinkSetting[] };

/** What a `wait` line waits for. */
export type WaitEvent =
  /**
   * A line of `side` that calls `call` — on the socket `fd`, written the
   * same way (the same variable, or the same fd number), when it is given —
   * has returned.
   */
  | {
      readonly kind: 'return';
      readonly side: Side;
      readonly call: CallName;
      readonly fd: FdRef | null;
    }
  /** A connection machine of `side` has entered `state`. */
  | { readonly kind: 'state'; readonly side: Side; readonly state: StateName };

export interface Base {
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
      readonly value: number | boolean | string | null;
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
  | (Base & { readonly kind: 'linkAt'; readonly time: Time; readonly action: LinkAction })
  /**
   * A side waits until something has happened (at once if it already has):
   * its later lines run after this one, as after a call that returns then.
   */
  | (Base & {
      readonly kind: 'wait';
      readonly time: Time;
      readonly side: Side;
      readonly event: WaitEvent;
    });

export type CallStatement = Extract<Statement, { kind: 'call' }>;
export type WaitStatement = Extract<Statement, { kind: 'wait' }>;
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

/** The two sides, in the order lines and messages name them. */
export const SIDE_NAMES: readonly Side[] = ['client', 'server'];

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
  'invalidRateLimit',
  'timerTick',
]);

/** How a profile constant's value is written. */
export type ValueKind = 'duration' | 'bool' | 'wscale' | 'int' | 'cc';

export function valueKind(key: ProfileKey): ValueKind {
  if (DURATION_KEYS.has(key)) return 'duration';
  if (key === 'wscale') return 'wscale';
  if (key === 'cc') return 'cc';
  return typeof LINUX[key] === 'boolean' ? 'bool' : 'int';
}

/** The bytes `send(s, N)` writes: the alphabet, over and over. */
export function fillerBytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = 97 + (i % 26);
  return b;
}

// ------------------------------------------------------------------ settings

/** The run's setup from the header lines, with the defaults for what they leave out. */
export function scenarioSettings(sc: Scenario): ScenarioSettings {
  let seed = DEFAULT_SEED;
  let profile: ProfileName = 'linux';
  const overrides: Record<string, unknown> = {};
  const link: Record<Side, Record<string, unknown>> = { client: {}, server: {} };
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

/**
 * A key for a call by name and, when given, its socket as written (`close`,
 * `close(s)`, `close(3)`): how a wait for a call finds the lines it means.
 */
export function callKey(call: CallName, fd: FdRef | null): string {
  return fd === null ? call : `${call}(${fd.kind === 'var' ? fd.name : String(fd.fd)})`;
}

/** The sides a link direction covers. */
export const dirSides = (d: LinkDir): readonly Side[] => (d === 'both' ? SIDE_NAMES : [d]);

/** A link direction's settings as a DirectionConfig change. */
export function linkChange(settings: readonly LinkSetting[]): Partial<DirectionConfig> {
  const c: Record<string, unknown> = {};
  for (const s of settings) c[s.key] = s.value;
  return c;
}
