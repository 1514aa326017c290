/**
 * Writing scenarios back as text: times, durations, strings, calls,
 * expectations and whole files. `parseScenario(formatScenario(x))` equals `x`.
 *
 * Pure: no I/O, no clock, no randomness.
 */
import type { QueueLimit } from '../sim/link';
import {
  valueKind,
  type Expect,
  type FdRef,
  type LinkAction,
  type LinkSetting,
  type Pattern,
  type ProfileKey,
  type Scenario,
  type ScenarioCall,
  type Statement,
  type Time,
  type WaitEvent,
} from './scenario-ast';

// ------------------------------------------------------------------ numbers

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

/** Units of rates, as tc writes them (powers of 1000), largest first. */
export const RATE_UNITS: readonly (readonly [string, number])[] = [
  ['Gbit', 9],
  ['Mbit', 6],
  ['kbit', 3],
];

/** A rate in bit/s as tc writes it, in the largest unit it reaches: `10Mbit`, `1.5Mbit`, `64kbit`; 0 as `0`. */
export function formatRate(bits: number): string {
  if (bits === 0) return '0';
  for (const [unit, exp] of RATE_UNITS) if (bits >= 10 ** exp) return decimalText(bits, exp) + unit;
  return `${bits}bit`;
}

/** Units of queue sizes, in bytes as tc reads sizes (powers of 1024), largest first. */
export const SIZE_UNITS: readonly (readonly [string, number])[] = [
  ['GB', 1024 ** 3],
  ['MB', 1024 ** 2],
  ['KB', 1024],
];

/** A queue limit: `64` (packets), `96KB`, `100000B`, or `unlimited`. */
export function formatQueueLimit(q: QueueLimit | null): string {
  if (q === null) return 'unlimited';
  if ('packets' in q) return String(q.packets);
  for (const [unit, n] of SIZE_UNITS) if (q.bytes % n === 0) return `${q.bytes / n}${unit}`;
  return `${q.bytes}B`;
}

/** One link setting's value as a scenario writes it. */
export function formatLinkValue(s: LinkSetting): string {
  switch (s.key) {
    case 'delay':
    case 'jitter':
      return formatDuration(s.value);
    case 'rate':
      return formatRate(s.value);
    case 'queue':
      return formatQueueLimit(s.value);
    default:
      return String(s.value);
  }
}

// ------------------------------------------------------------------ strings

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

// ------------------------------------------------------------------ formatting

function formatFd(f: FdRef): string {
  return f.kind === 'var' ? f.name : String(f.fd);
}

function formatSetValue(name: ProfileKey, v: number | boolean | string | null): string {
  if (v === null) return 'none';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return valueKind(name) === 'duration' ? formatDuration(v) : String(v);
}

/** Link settings as written after the direction: `delay 50ms rate 10Mbit queue 64`. */
export function formatSettings(settings: readonly LinkSetting[]): string {
  return settings.map((s) => `${s.key} ${formatLinkValue(s)}`).join(' ');
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

/** A pattern as written after a side: ` S.`, ` +F containing "x"`, or '' for any segment. */
function formatPattern(p: Pattern): string {
  let s = p.flags === null ? '' : ` ${p.flags}`;
  if (p.payload === null) return s;
  if (typeof p.payload === 'string') return `${s} ${p.payload}`;
  s += ` containing ${quoteBytes(p.payload.contains)}`;
  return s;
}

/** What a wait waits for: `client close(s)`, `server state TIME_WAIT`. */
export function formatWaitEvent(e: WaitEvent): string {
  if (e.kind === 'state') return `${e.side} state ${e.state}`;
  return `${e.side} ${e.call}${e.fd === null ? '' : `(${formatFd(e.fd)})`}`;
}

/** A timed link line's action as written after `link`: `drop next client . empty after server +F`. */
export function formatLinkAction(a: LinkAction): string {
  switch (a.kind) {
    case 'dropNext':
      return (
        `drop next ${a.from}${formatPattern(a)}` +
        (a.after === null ? '' : ` after ${a.after.from}${formatPattern(a.after)}`)
      );
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
    case 'wait':
      return `${formatTime(s.time)} ${s.side} wait ${formatWaitEvent(s.event)}`;
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
