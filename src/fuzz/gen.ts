/**
 * Input generators, one per kind. Each is a function of an Rng alone, so an
 * input is rebuilt from (seed, kind, index).
 *
 * - scenario text: mutations of the shipped files, and files written from the
 *   grammar (docs/scenarios.md) with random settings, programs, times and
 *   link lines; either may get odd characters (Unicode whitespace, a BOM,
 *   controls, lone surrogates), huge or malformed numbers, long tokens.
 * - share links: real runs (the shipped scenarios') mutated as JSON (values,
 *   types, sizes, bursts of inputs, huge cursors and step counts) and as text
 *   (truncation, base64 damage), as a bare run or inside a URL.
 * - stored sessions: the two localStorage values persist.ts reads, valid or
 *   damaged in their envelope, their items or the runs they carry.
 */
import { Buffer } from 'node:buffer';
import { DURATION_KEYS as DURATION_KEY_SET } from '../core';
import { loadCorpus } from './corpus';
import type { Rng } from './rng';
import type { FuzzInput, Kind } from './target';

// ------------------------------------------------------------------ shared pieces

/** Characters that lexers and validators tend to get wrong. */
export const ODD_CHARS = [
  '\uFEFF', // BOM
  '\u00A0', // no-break space
  '\u000B', // vertical tab
  '\u000C', // form feed
  '\u2028', // line separator
  '\u2029',
  '\u3000', // ideographic space
  '\u0085',
  '\u1680',
  '\u200B', // zero-width space (not \s)
  '\0',
  '\t',
  '\r',
  '\\',
  '"',
  '#',
  '(',
  ')',
  ',',
  '=',
  '=>',
  'é',
  '\u0301',
  '😀',
  '\uD800', // lone surrogate
  '\u202E',
];

const EDGE_NUMBERS = [
  '0',
  '1',
  '-1',
  '-0',
  '12',
  '13',
  '65535',
  '65536',
  '70000',
  '2147483647',
  '4294967295',
  '4294967296',
  '9007199254740993',
  '99999999999999999999999',
  '1e308',
  '1e400',
  '1e-7',
  '0.0000001',
  '0x10',
  '1_000',
  'NaN',
  'Infinity',
  '00001',
  '1.',
  '.5',
  '+5',
];

function numberToken(rng: Rng): string {
  return rng.chance(0.6) ? rng.pick(EDGE_NUMBERS) : String(rng.int(0, 100000));
}

function longToken(rng: Rng): string {
  const n = rng.pick([100, 1000, 5000, 30000, 200000]);
  return rng.pick(['a', '9', 'x', '\u00A0', ' ', '.', '"']).repeat(n);
}

function oddChar(rng: Rng): string {
  return rng.pick(ODD_CHARS);
}

// ------------------------------------------------------------------ scenario text

const DURATION_KEYS = [...DURATION_KEY_SET];
const BOOL_KEYS = [
  'timestamps',
  'quickAck',
  'nagle',
  'linuxSynReceived',
  'synGiveUpByTime',
  'sack',
  'slowStartAfterIdle',
];
const INT_KEYS = [
  'tcp_syn_retries',
  'initCwnd',
  'reordering',
  'tcp_synack_retries',
  'tcp_retries2',
  'tcp_syn_linear_timeouts',
  'rcvBuf',
  'sndBuf',
  'maxQuickAcks',
];

function duration(rng: Rng): string {
  return rng.weighted<() => string>([
    [3, () => rng.pick(['0', '0s', '1ms', '0.001', '0.5ms', '1us'])],
    [4, () => `${rng.int(1, 500)}ms`],
    [3, () => `${rng.int(0, 200)}s`],
    [2, () => String(rng.int(0, 10) / 10)],
    [1, () => rng.pick(['1e9', '9e9', '99999999999', '20000s', '1e308', '-1', '1h', '5m'])],
  ])();
}

function mss(rng: Rng): string {
  return rng.weighted<() => string>([
    [2, () => String(rng.int(1, 12))],
    [2, () => String(rng.int(13, 120))],
    [3, () => rng.pick(['536', '1460', '1448', '88'])],
    [1, () => rng.pick(['65535', '70000', '0', '4294967295', '1e9'])],
  ])();
}

function setLine(rng: Rng): string {
  const kind = rng.weighted<string>([
    [3, 'duration'],
    [2, 'bool'],
    [2, 'int'],
    [2, 'mss'],
    [2, 'ephemeral'],
    [1, 'wscale'],
    [1, 'cc'],
    [1, 'unknown'],
  ]);
  switch (kind) {
    case 'duration':
      return `set ${rng.pick(DURATION_KEYS)} ${duration(rng)}`;
    case 'bool':
      return `set ${rng.pick(BOOL_KEYS)} ${rng.pick(['true', 'false', 'on', 'off', '1', '0', 'yes'])}`;
    case 'int':
      return `set ${rng.pick(INT_KEYS)} ${rng.chance(0.5) ? String(rng.int(0, 20)) : numberToken(rng)}`;
    case 'mss':
      return `set mss ${mss(rng)}`;
    case 'ephemeral': {
      const lo = rng.int(1, 65535);
      return rng.chance(0.5)
        ? `set ephemeralLow ${lo}\nset ephemeralHigh ${Math.min(65535, lo + rng.pick([0, 1, 2, 5, 100]))}`
        : `set ${rng.pick(['ephemeralLow', 'ephemeralHigh'])} ${rng.int(0, 70000)}`;
    }
    case 'cc':
      return `set cc ${rng.pick(['reno', 'newreno', 'cubic', 'bbr', 'CUBIC', '1'])}`;
    case 'wscale':
      return `set wscale ${rng.pick(['0', '7', '14', '15', 'none', '-1'])}`;
    default:
      return `set ${rng.pick(['mtu', 'name', 'rto', 'MSS', 'tcp_syn_retry'])} 1`;
  }
}

function linkSettings(rng: Rng): string {
  const parts: string[] = [];
  const n = rng.int(1, 3);
  for (let i = 0; i < n; i++) {
    const key = rng.pick(['delay', 'jitter', 'loss', 'duplicate', 'reorder', 'rate', 'queue']);
    const v =
      key === 'delay' || key === 'jitter'
        ? duration(rng)
        : key === 'rate'
          ? rng.pick([
              '0',
              '1kbit',
              '64kbit',
              '1.5Mbit',
              '10Mbit',
              '100Gbit',
              '999',
              '10mbit',
              '1.5bit',
            ])
          : key === 'queue'
            ? rng.pick([
                '1',
                '4',
                '64',
                'unlimited',
                '1B',
                '1500B',
                '96KB',
                '1GB',
                '0',
                '2GB',
                '1.5',
              ])
            : rng.pick(['0', '0.05', '5%', '0.5', '1', '100%', '1.5', '-0.1', '1e-9']);
    parts.push(`${key} ${v}`);
  }
  return parts.join(' ');
}

function headerLine(rng: Rng): string {
  return rng.weighted<() => string>([
    [1, () => `seed ${rng.chance(0.7) ? String(rng.int(0, 1000)) : numberToken(rng)}`],
    [1, () => `profile ${rng.pick(['linux', 'rfc', 'bsd'])}`],
    [6, () => setLine(rng)],
    [3, () => `link ${rng.pick(['client', 'server', 'both'])} ${linkSettings(rng)}`],
    [
      1,
      () =>
        `address ${rng.pick(['client', 'server'])} ${rng.pick(['192.0.2.10', '192.0.2.1', '10.0.0.1', '256.1.1.1', '1.2.3', '0.0.0.0'])}`,
    ],
    [2, () => `run ${rng.chance(0.5) ? 'until idle' : duration(rng)}`],
  ])();
}

function time(rng: Rng, abs: number): string {
  return rng.weighted<() => string>([
    [5, () => `+${rng.pick(['0', '0.05', '50ms', '1', '0.001', '10s'])}`],
    [3, () => String(abs)],
    [1, () => `${abs * 1000}ms`],
    [1, () => rng.pick(['+1e9', '1e9', '-1', '1..5', '+-1', '9e9'])],
  ])();
}

function payload(rng: Rng): string {
  return rng.weighted<() => string>([
    [3, () => `"${rng.pick(['hello\\n', 'x', '', 'a\\x00b', 'é😀', '\\"q\\"'])}"`],
    [3, () => String(rng.pick([1, 10, 1000, 3000, 65536, 200000]))],
    [1, () => String(rng.pick([16000000, 16777216, 16777217, 0]))],
  ])();
}

/** A segment pattern of a drop rule: flags (exact, masked or malformed) and a payload condition. */
function segPattern(rng: Rng): string {
  const flags = rng.pick([
    '',
    ' S',
    ' S.',
    ' .',
    ' P.',
    ' F.',
    ' +F',
    ' -R',
    ' +S-.',
    ' +.P',
    ' -.+F',
    ' +',
    ' +S+F',
    ' +S-S',
    ' X',
    ' none',
  ]);
  const payload = rng.weighted<() => string>([
    [4, () => ''],
    [2, () => rng.pick([' empty', ' data'])],
    [
      2,
      () =>
        ` containing ${rng.pick(['"hello"', '"\\x00"', '"a"', '""', '0x68656c6c6f', '0x0', '0x', '"é😀"'])}`,
    ],
    [1, () => ` containing "${'z'.repeat(rng.pick([127, 128, 129, 100000]))}"`],
    [1, () => rng.pick([' containing', ' empty data', ' empty S'])],
  ])();
  return flags + payload;
}

/** A wait line's event: a call of the other side, or a state, sometimes wrong. */
function waitEvent(rng: Rng, side: 'client' | 'server'): string {
  const other = side === 'client' ? 'server' : 'client';
  return rng.weighted<() => string>([
    [
      4,
      () =>
        `${other} ${rng.pick(side === 'client' ? ['accept(l)', 'close(c)', 'recv(c)', 'listen', 'close', 'socket()'] : ['connect(s)', 'close(s)', 'send(s)', 'close', 'socket'])}`,
    ],
    [
      3,
      () =>
        `${rng.pick(['client', 'server'])} state ${rng.pick(['ESTABLISHED', 'TIME_WAIT', 'CLOSED', 'LISTEN', 'CLOSE_WAIT', 'FIN_WAIT_2', 'TIMEWAIT'])}`,
    ],
    [
      1,
      () =>
        rng.pick([`${side} close(s)`, `${other} frob(s)`, `${other} send(s, 1)`, 'both close', '']),
    ],
  ])();
}

/** A program for both sides, plausible enough to get past the parser often. */
function program(rng: Rng): string[] {
  const lines: string[] = [];
  const port = rng.chance(0.8) ? 9821 : rng.int(0, 65535);
  let t = 0;
  const srv = (call: string) => lines.push(`${time(rng, t)} server ${call}`);
  srv('l = socket()');
  if (rng.chance(0.2)) srv('setsockopt(l, SO_REUSEADDR, 1)');
  srv(`bind(l, ${port})`);
  srv(`listen(l${rng.chance(0.5) ? `, ${rng.pick([0, 1, 64, 2147483647])}` : ''})`);
  srv('c = accept(l)');
  const recvLen = () => (rng.chance(0.2) ? String(rng.pick([1, 16000000, 0, 10000001])) : '1024');
  for (let i = rng.int(0, 3); i > 0; i--)
    srv(
      rng.pick([
        `recv(c, ${recvLen()})`,
        `send(c, ${payload(rng)})`,
        `shutdown(c, ${rng.pick(['SHUT_RD', 'SHUT_WR', 'SHUT_RDWR'])})`,
        'close(c)',
        'setsockopt(c, SO_LINGER, 1, 0)',
      ]),
    );
  if (rng.chance(0.5)) srv('close(c)');
  if (rng.chance(0.3)) {
    srv(`wait ${waitEvent(rng, 'server')}`);
    if (rng.chance(0.5)) srv(`n = socket()`);
    if (rng.chance(0.5)) srv(`bind(${rng.pick(['n', 'l'])}, ${port})`);
  }
  t = rng.pick([0, 0.05, 1]);
  const burst = rng.chance(0.25) ? rng.int(2, 60) : 1;
  for (let k = 0; k < burst; k++) {
    const v = burst === 1 ? 's' : `s${k}`;
    lines.push(`${time(rng, t)} client ${v} = socket()`);
    if (rng.chance(burst > 1 ? 0.5 : 0.1)) lines.push(`+0 client bind(${v}, 0)`);
    if (rng.chance(0.9))
      lines.push(
        `+0 client connect(${v}, ${rng.pick(['server', 'server', '192.0.2.1', '10.9.9.9', 'client'])}${rng.chance(0.2) ? `, ${rng.pick([port, 80, 0, 65535])}` : ''})`,
      );
  }
  for (let i = rng.int(0, 4); i > 0; i--)
    lines.push(
      `${time(rng, t)} client ${rng.pick([
        `send(s, ${payload(rng)})`,
        `recv(s${rng.chance(0.5) ? `, ${recvLen()}` : ''})`,
        `shutdown(s, ${rng.pick(['SHUT_RD', 'SHUT_WR', 'SHUT_RDWR'])})`,
        'close(s)',
        'close(3)',
        `wait ${waitEvent(rng, 'client')}`,
      ])}`,
    );
  for (let i = rng.chance(0.3) ? rng.int(1, 3) : 0; i > 0; i--)
    lines.push(
      `${time(rng, t)} link ${rng.pick([
        `drop next ${rng.pick(['client', 'server'])} ${rng.pick(['S', 'S.', '.', 'P.', 'F.', 'R', 'X', ''])}`,
        `drop next ${rng.pick(['client', 'server', 'both'])}${segPattern(rng)}${rng.chance(0.5) ? ` after ${rng.pick(['client', 'server', 'both', ''])}${segPattern(rng)}` : ''}`,
        `drop nth ${rng.pick(['client', 'server'])} ${rng.int(0, 5)}`,
        `drop segment ${rng.int(0, 10)}`,
        `${rng.pick(['client', 'server', 'both'])} ${linkSettings(rng)}`,
      ])}`,
    );
  return lines;
}

function generatedScenario(rng: Rng): string {
  const head: string[] = [];
  for (let i = rng.int(0, 6); i > 0; i--) head.push(headerLine(rng));
  const body = program(rng);
  const all = [...head, '', ...body];
  if (rng.chance(0.3)) all.push(`run ${rng.chance(0.5) ? 'until idle' : duration(rng)}`);
  return all.join('\n') + '\n';
}

/** One random edit of scenario text. */
function mutateText(rng: Rng, text: string): string {
  const lines = text.split('\n');
  const at = rng.int(0, Math.max(0, lines.length - 1));
  // Characters go where the parser looks: mostly into lines that are not comments.
  const code = lines.flatMap((l, i) => (/^\s*(#|$)/.test(l) ? [] : [i]));
  const codeAt = (): number => {
    if (code.length === 0 || rng.chance(0.1)) return rng.int(0, text.length);
    const i = rng.pick(code);
    const start = lines.slice(0, i).reduce((n, l) => n + l.length + 1, 0);
    return start + rng.int(0, lines[i]!.length);
  };
  const op = rng.weighted<string>([
    [6, 'number'],
    [4, 'insertLine'],
    [4, 'deleteLine'],
    [2, 'dupLine'],
    [2, 'swap'],
    [2, 'oddChar'],
    [1, 'whitespace'],
    [0.5, 'bom'],
    [1, 'crlf'],
    [2, 'truncate'],
    [1, 'long'],
  ]);
  switch (op) {
    case 'number': {
      const nums = [...text.matchAll(/\d+(\.\d+)?(ms|s)?/g)];
      if (nums.length === 0) return text;
      const m = rng.pick(nums);
      const rep = m[2] && rng.chance(0.5) ? duration(rng) : numberToken(rng);
      return text.slice(0, m.index) + rep + text.slice(m.index + m[0].length);
    }
    case 'insertLine':
      lines.splice(at, 0, rng.chance(0.6) ? headerLine(rng) : rng.pick(program(rng)));
      return lines.join('\n');
    case 'deleteLine':
      lines.splice(at, 1);
      return lines.join('\n');
    case 'dupLine':
      lines.splice(at, 0, lines[at] ?? '');
      return lines.join('\n');
    case 'swap': {
      const b = rng.int(0, lines.length - 1);
      [lines[at], lines[b]] = [lines[b]!, lines[at]!];
      return lines.join('\n');
    }
    case 'oddChar': {
      const i = codeAt();
      return text.slice(0, i) + oddChar(rng) + text.slice(i);
    }
    case 'whitespace': {
      const spaces = [...text.matchAll(/ /g)].filter(
        (m) => !/#/.test(text.slice(text.lastIndexOf('\n', m.index) + 1, m.index)),
      );
      if (spaces.length === 0) return text;
      const i = rng.pick(spaces).index;
      const ws = rng.pick(['\u00A0', '\u000B', '\u000C', '\u2028', '\u3000', '\t', '\u1680']);
      return text.slice(0, i) + ws + text.slice(i + 1);
    }
    case 'bom':
      return '\uFEFF' + text;
    case 'crlf':
      return text.replace(/\n/g, rng.pick(['\r\n', '\r', '\n\n']));
    case 'truncate':
      return text.slice(0, rng.int(0, text.length));
    default: {
      const i = codeAt();
      return text.slice(0, i) + longToken(rng) + text.slice(i);
    }
  }
}

/**
 * A file the parser accepts: every setting within its documented range (a
 * tiny MSS, 1 ms timers, a receive buffer of a few bytes, a narrow ephemeral
 * range, a run of up to 10^10 s), so what the run does with them is tested,
 * not the parser's refusal.
 */
function validScenario(rng: Rng): string {
  const lines: string[] = [`seed ${rng.int(0, 1000)}`];
  if (rng.chance(0.5)) lines.push(`set mss ${rng.pick([1, 8, 12, 13, 88, 536, 1460, 65535])}`);
  if (rng.chance(0.3)) lines.push(`set timestamps ${rng.pick(['on', 'off'])}`);
  for (const k of ['rtoMin', 'rtoInitial', 'rtoMax'])
    if (rng.chance(0.3)) lines.push(`set ${k} ${rng.pick(['1ms', '200ms', '1s', '120s'])}`);
  if (rng.chance(0.3)) lines.push(`set rcvBuf ${rng.pick([1, 10, 100, 1000, 65535])}`);
  if (rng.chance(0.2)) lines.push(`set sndBuf ${rng.pick([1, 100, 65535])}`);
  if (rng.chance(0.3)) {
    const lo = rng.int(1024, 60000);
    lines.push(`set ephemeralLow ${lo}`, `set ephemeralHigh ${lo + rng.pick([0, 1, 3, 100])}`);
  }
  if (rng.chance(0.3)) lines.push(`link both loss ${rng.pick(['0.1', '50%', '1'])}`);
  lines.push(
    '0 server l = socket()',
    '0 server bind(l, 9821)',
    '0 server listen(l)',
    '0 server c = accept(l)',
  );
  if (rng.chance(0.5)) lines.push(`+0 server recv(c, ${rng.pick([1, 1024])})`);
  const n = rng.chance(0.3) ? rng.int(2, 40) : 1;
  for (let k = 0; k < n; k++) {
    lines.push(`0.05 client s${k} = socket()`);
    if (rng.chance(0.3)) lines.push(`+0 client bind(s${k}, 0)`);
    lines.push(`+0 client connect(s${k}, server)`);
  }
  if (rng.chance(0.7)) lines.push(`+0 client send(s0, ${rng.pick([1, 100, 5000, 100000])})`);
  if (rng.chance(0.3)) lines.push('+1 client close(s0)');
  if (rng.chance(0.3))
    lines.push(
      `0 link drop next ${rng.pick(['client', 'server'])} ${rng.pick(['+F', '.', '+P', '-S'])} ${rng.pick(['empty', 'data', 'containing "abc"', 'containing 0x61'])}${rng.chance(0.5) ? ` after ${rng.pick(['client', 'server'])} ${rng.pick(['+F', '+S', '+P'])}` : ''}`,
    );
  if (rng.chance(0.3))
    lines.push(
      `+0 server wait ${rng.pick(['client state ESTABLISHED', 'client state CLOSED', 'server state CLOSE_WAIT', 'client connect(s0)'])}`,
      '+0 server close(c)',
    );
  lines.push(
    rng.chance(0.5)
      ? 'run until idle'
      : `run ${rng.pick(['10s', '1000s', '1000000', '9000000000'])}`,
  );
  return lines.join('\n') + '\n';
}

export function genScenario(rng: Rng): string {
  const { scenarios } = loadCorpus();
  const source = rng.weighted<string>([
    [4, 'file'],
    [4, 'grammar'],
    [2, 'valid'],
  ]);
  if (source === 'valid') return validScenario(rng);
  const fromFile = source === 'file';
  let text = fromFile ? rng.pick(scenarios).text : generatedScenario(rng);
  const edits = fromFile ? rng.int(1, 4) : rng.chance(0.3) ? rng.int(1, 2) : 0;
  for (let i = 0; i < edits; i++) text = mutateText(rng, text);
  return text;
}

// ------------------------------------------------------------------ share links

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export const jsonToB64 = (v: Json): string =>
  Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

export function b64ToJson(text: string): Json | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Json;
    return typeof v === 'object' && v !== null ? v : undefined;
  } catch {
    return undefined;
  }
}

function randomJson(rng: Rng, depth = 0): Json {
  return rng.weighted<() => Json>([
    [2, () => null],
    [1, () => rng.chance(0.5)],
    [4, () => Number(rng.pick(EDGE_NUMBERS.filter((x) => Number.isFinite(Number(x)))))],
    [1, () => rng.pick([1.5, -0.5, 1e21, 2 ** 53, -(2 ** 31), 0.1])],
    [2, () => rng.pick(['', 'x', '1', 'client', 'SHUT_WR', 'é\u0000', '\uFEFF1', 'a'.repeat(500)])],
    [1, () => (depth < 2 ? [randomJson(rng, depth + 1)] : [])],
    [1, (): Json => (depth < 2 ? { x: randomJson(rng, depth + 1) } : {})],
  ])();
}

/** Every path to a value inside `v`. */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object')
    for (const k of Object.keys(v)) paths(v[k]!, [...at, k], out);
  return out;
}

function setAt(root: Json, path: readonly (string | number)[], value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = [...root];
    if (value === undefined && rest.length === 0) copy.splice(head as number, 1);
    else copy[head as number] = setAt(copy[head as number] ?? null, rest, value);
    return copy;
  }
  if (root && typeof root === 'object') {
    const copy = { ...root };
    if (value === undefined && rest.length === 0) delete copy[head as string];
    else copy[head as string] = setAt(copy[head as string] ?? null, rest, value);
    return copy;
  }
  return root;
}

type Obj = { [k: string]: Json };
const asObj = (v: Json | undefined): Obj =>
  v && typeof v === 'object' && !Array.isArray(v) ? v : {};

const OVERRIDE_VALUES: Record<string, (rng: Rng) => Json> = {
  mss: (rng) => rng.pick([1, 2, 8, 12, 13, 88, 536, 65535, 70000, 0]),
  rtoMin: (rng) => rng.pick([0, 1, 0.5, 200, 1e9]),
  rtoInitial: (rng) => rng.pick([0, 1, 1000, 1e9]),
  rtoMax: (rng) => rng.pick([0, 1, 120000, 1e12]),
  rcvBuf: (rng) => rng.pick([0, 1, 100, 65535, 2 ** 31]),
  sndBuf: (rng) => rng.pick([0, 1, 100, 65535, 2 ** 31]),
  ephemeralLow: (rng) => rng.pick([1, 40000, 65535]),
  ephemeralHigh: (rng) => rng.pick([1, 40000, 40001, 65535]),
  timestamps: (rng) => rng.chance(0.7),
  wscale: (rng) => rng.pick([null, 0, 14, 15]),
  cc: (rng) => rng.pick(['reno', 'cubic', 'bbr', 1, null]),
  sack: (rng) => rng.chance(0.5),
  initCwnd: (rng) => rng.pick([0, 1, 10, 1000, 1001, 1e9]),
  tcp_retries2: (rng) => rng.pick([0, 15, 1000, 1e9]),
  tcp_syn_retries: (rng) => rng.pick([0, 6, 1000]),
  msl: (rng) => rng.pick([0, 1, 1e12]),
  timeWait: (rng) => rng.pick([0, 1, 1e12]),
  delAckTimeout: (rng) => rng.pick([0, 1, 40]),
};

type Input = { t: Json; steps: Json; action: Json };

function lastInput(run: Obj): Input {
  const ins = Array.isArray(run.inputs) ? run.inputs : [];
  const last = asObj(ins[ins.length - 1]);
  return {
    t: typeof last.t === 'number' ? last.t : 0,
    steps: typeof last.steps === 'number' ? last.steps : 0,
    action: null,
  };
}

function burst(rng: Rng, run: Obj): Json {
  const { t, steps } = lastInput(run);
  const n = rng.pick([10, 100, 1000, 3000, 20000]);
  const side = rng.pick(['client', 'server']);
  const kind = rng.pick(['bind0', 'connect', 'socket', 'send']);
  const out: Json[] = Array.isArray(run.inputs) ? [...run.inputs] : [];
  for (let i = 0; i < n; i++) {
    const fd = 3 + i;
    const call: Json =
      kind === 'socket'
        ? { name: 'socket' }
        : kind === 'bind0'
          ? { name: 'bind', fd, port: 0 }
          : kind === 'connect'
            ? { name: 'connect', fd, ip: '192.0.2.1', port: 9821 }
            : { name: 'send', fd: 3, data: Buffer.alloc(rng.int(0, 3000), 97).toString('base64') };
    if (kind === 'bind0' || kind === 'connect')
      out.push({ t, steps, action: { kind: 'call', side, call: { name: 'socket' } } });
    out.push({ t, steps, action: { kind: 'call', side, call } });
  }
  return out;
}

/** One edit of a run's JSON. */
function mutateRun(rng: Rng, run: Json): Json {
  const r = asObj(run);
  const op = rng.weighted<string>([
    [4, 'leaf'],
    [2, 'delete'],
    [1, 'unknownKey'],
    [4, 'override'],
    [1, 'linkCfg'],
    [2, 'burst'],
    [2, 'cursor'],
    [2, 'steps'],
    [1, 'bigSend'],
    [2, 'rule'],
    [1, 'version'],
  ]);
  switch (op) {
    case 'leaf': {
      const p = rng.pick(paths(run).slice(1));
      return p ? setAt(run, p, randomJson(rng)) : run;
    }
    case 'delete': {
      const p = rng.pick(paths(run).slice(1));
      return p ? setAt(run, p, undefined) : run;
    }
    case 'unknownKey': {
      const objs = paths(run).filter((p) => {
        let v: Json = run;
        for (const k of p) v = (v as Obj)[k as string] ?? null;
        return v !== null && typeof v === 'object' && !Array.isArray(v);
      });
      const p = rng.pick(objs);
      return setAt(
        run,
        [...p, rng.pick(['__proto__', 'constructor', 'x', 'budget'])],
        randomJson(rng),
      );
    }
    case 'override': {
      const opts = asObj(r.options);
      const ov = { ...asObj(opts.overrides) };
      for (let i = rng.int(1, 3); i > 0; i--) {
        const k = rng.pick(Object.keys(OVERRIDE_VALUES));
        ov[k] = OVERRIDE_VALUES[k]!(rng);
      }
      return { ...r, options: { ...opts, overrides: ov } };
    }
    case 'linkCfg': {
      const opts = asObj(r.options);
      const dir = rng.pick(['client', 'server']);
      const key = rng.pick(['delay', 'jitter', 'loss', 'duplicate', 'reorder', 'rate', 'queue']);
      const cfg = {
        [key]:
          key === 'queue'
            ? rng.pick<Json>([null, { packets: 1 }, { bytes: 1 }, { packets: 0 }, 5, {}])
            : rng.pick([0, 1, 0.5, 1000, 1e7, 2e7, 1e11, 1e308]),
      };
      return { ...r, options: { ...opts, link: { ...asObj(opts.link), [dir]: cfg } } };
    }
    case 'burst':
      return { ...r, inputs: burst(rng, r) };
    case 'cursor':
      return { ...r, cursor: rng.pick([1e6, 1e7, 1e9, 1e12, 2 ** 53, 1e308, -1, 0.5]) };
    case 'steps': {
      const ins = Array.isArray(r.inputs) ? [...r.inputs] : [];
      if (ins.length === 0) return run;
      const last = asObj(ins[ins.length - 1]);
      ins[ins.length - 1] = { ...last, steps: rng.pick([1e5, 1e6, 2e6, 2e6 + 1, 1e9, 2 ** 53]) };
      return { ...r, inputs: ins };
    }
    case 'rule': {
      // A drop rule with a pattern and maybe a trigger: valid, or odd in one field.
      const { t, steps } = lastInput(r);
      const ins = Array.isArray(r.inputs) ? [...r.inputs] : [];
      const flags = (): Json =>
        rng.pick([null, 'S', 'F.', '.', '+F', '-R', '+S-.', '.S', '+', 'SYN', '', 7]);
      const payload = (): Json =>
        rng.pick<Json>([
          'empty',
          'data',
          { contains: Buffer.from('hello').toString('base64') },
          { contains: Buffer.alloc(rng.pick([1, 128, 129, 10000]), 0x61).toString('base64') },
          { contains: '' },
          { contains: '!!' },
          'full',
          null,
        ]);
      const rule: { [k: string]: Json } = {
        kind: 'dropNext',
        from: rng.pick(['client', 'server']),
        flags: flags(),
      };
      if (rng.chance(0.6)) rule.payload = payload();
      if (rng.chance(0.6)) {
        const after: { [k: string]: Json } = {
          from: rng.pick(['client', 'server', 'both']),
          flags: flags(),
        };
        if (rng.chance(0.5)) after.payload = payload();
        rule.after = after;
      }
      for (let n = rng.pick([1, 1, 1, 50, 2000]); n > 0; n--)
        ins.unshift({ t: 0, steps: 0, action: { kind: 'rule', rule } });
      return {
        ...r,
        inputs: rng.chance(0.5)
          ? ins
          : [...ins.slice(1), { t, steps, action: { kind: 'rule', rule } }],
      };
    }
    case 'bigSend': {
      const { t, steps } = lastInput(r);
      const ins = Array.isArray(r.inputs) ? [...r.inputs] : [];
      const size = rng.pick([1e4, 1e5, 1e6, 4e6]);
      ins.push({
        t,
        steps,
        action: {
          kind: 'call',
          side: rng.pick(['client', 'server']),
          call: {
            name: 'send',
            fd: rng.pick([3, 4]),
            data: Buffer.alloc(size, 120).toString('base64'),
          },
        },
      });
      return { ...r, inputs: ins };
    }
    default:
      return { ...r, v: rng.pick([2, 0, '1', null, 1.0]) };
  }
}

/** One edit of a link's text. */
function damageText(rng: Rng, text: string): string {
  const i = rng.int(0, text.length);
  return rng.weighted<() => string>([
    [2, () => text.slice(0, i)],
    [2, () => text.slice(0, i) + text.slice(i + 1)],
    [
      2,
      () =>
        text.slice(0, i) +
        rng.pick(['=', '+', '/', ' ', '%', '.', '\u00A0', '😀', 'A', '\n']) +
        text.slice(i),
    ],
    [1, () => text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1)],
    [1, () => text.toUpperCase()],
    [1, () => text + rng.pick(['==', '=', 'A', 'AA'])],
    [1, () => text.repeat(2)],
    [1, () => ''],
  ])();
}

function genLinkText(rng: Rng): string {
  const { links } = loadCorpus();
  const base = rng.pick(links);
  let json = b64ToJson(base) ?? null;
  const mode = rng.weighted<string>([
    [7, 'json'],
    [2, 'text'],
    [1, 'both'],
  ]);
  if (mode !== 'text') for (let n = rng.int(1, 4); n > 0; n--) json = mutateRun(rng, json);
  let text = jsonToB64(json);
  if (mode !== 'json') for (let n = rng.int(1, 2); n > 0; n--) text = damageText(rng, text);
  return text;
}

export function genLink(rng: Rng): string {
  const text = genLinkText(rng);
  return rng.weighted<() => string>([
    [6, () => text],
    [3, () => `https://tcp-playground.example/#run=${text}`],
    [
      1,
      () => `https://tcp-playground.example/?a=1#x=1&run=${text}&y=${rng.pick(['', '#', 'run='])}`,
    ],
  ])();
}

// ------------------------------------------------------------------ stored sessions

function savedName(rng: Rng): string {
  return rng.weighted<() => string>([
    [6, () => `session ${rng.int(1, 5)}`],
    [1, () => ' padded '],
    [1, () => 'line\nbreak'],
    [1, () => 'x'.repeat(rng.pick([80, 81, 5000]))],
    [1, () => rng.pick(['', '\u00A0', '会话', '😀'.repeat(80), '\uD800'])],
  ])();
}

function savedAt(rng: Rng): Json {
  return rng.weighted<() => Json>([
    [6, () => '2026-01-01T12:00:00.000Z'],
    [1, () => rng.pick(['2026-13-45T99:99:99Z', 'yesterday', '', '2026-01-01'])],
    [1, () => rng.pick([0, null, 1.5])],
  ])();
}

function storedRun(rng: Rng): Json {
  const { links } = loadCorpus();
  return rng.weighted<() => Json>([
    [5, () => rng.pick(links)],
    [4, () => genLinkText(rng)],
    [1, () => randomJson(rng)],
  ])();
}

function damageJsonText(rng: Rng, raw: string): string {
  return rng.weighted<() => string>([
    [3, () => raw.slice(0, rng.int(0, raw.length))],
    [1, () => '\uFEFF' + raw],
    [1, () => rng.pick(['', 'null', '[]', '{}', '"x"', 'undefined', '{"v":1}', '1e999'])],
    [1, () => raw + rng.pick([',', '}', ' ', '\u0000'])],
    [1, () => `{"v":1,"run":${JSON.stringify(longToken(rng))}}`],
  ])();
}

function genCurrent(rng: Rng): string | null {
  const kind = rng.weighted<string>([
    [2, 'none'],
    [5, 'envelope'],
    [2, 'damaged'],
  ]);
  if (kind === 'none') return null;
  let env: Json = { v: 1, run: storedRun(rng) };
  if (rng.chance(0.3)) env = mutateRun(rng, env);
  const raw = JSON.stringify(env);
  return kind === 'damaged' ? damageJsonText(rng, raw) : raw;
}

function genSaved(rng: Rng): string | null {
  const kind = rng.weighted<string>([
    [2, 'none'],
    [5, 'envelope'],
    [2, 'damaged'],
  ]);
  if (kind === 'none') return null;
  const items: Json[] = [];
  for (let n = rng.int(0, 4); n > 0; n--)
    items.push({ name: savedName(rng), savedAt: savedAt(rng), run: storedRun(rng) });
  let env: Json = { v: 1, items };
  if (rng.chance(0.3)) env = mutateRun(rng, env);
  const raw = JSON.stringify(env);
  return kind === 'damaged' ? damageJsonText(rng, raw) : raw;
}

export function genSession(rng: Rng): { current: string | null; saved: string | null } {
  return { current: genCurrent(rng), saved: genSaved(rng) };
}

/** Input #index of `kind` for `seed`. */
export function generate(kind: Kind, rng: Rng): FuzzInput {
  switch (kind) {
    case 'scenario':
      return { kind, text: genScenario(rng) };
    case 'link':
      return { kind, link: genLink(rng) };
    case 'session':
      return { kind, ...genSession(rng) };
  }
}
