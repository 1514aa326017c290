import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROFILE_KEYS } from '../tcp/profile';
import {
  ScenarioError,
  formatDuration,
  formatScenario,
  formatTime,
  parseScenario,
  scenarioSettings,
  type CallStatement,
  type Scenario,
  type Statement,
} from './scenario';
import { DEFAULT_CLIENT_IP, DEFAULT_SERVER_IP } from '../sim/world';
import { LINK_LIMITS } from './limits';

const SCENARIO_DIR = join(import.meta.dirname, '../../../public/scenarios');
const KERNEL_DIR = join(import.meta.dirname, '../../../conformance/linux');
/** Every shipped scenario file: the gallery's and the kernel references beside their captures. */
const shippedScenarios = (): string[] =>
  [SCENARIO_DIR, KERNEL_DIR].flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith('.scenario'))
      .map((f) => join(d, f)),
  );

/**
 * PROPERTY_SCALE (default 1) multiplies the runs of each property test:
 * `npm run test:deep` sets it to 10.
 */
const PROPERTY_SCALE = Number(process.env.PROPERTY_SCALE ?? 1);

/** Parse, expecting a ScenarioError; return it. */
function parseError(text: string): ScenarioError {
  try {
    parseScenario(text, 'bad.scenario');
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw new Error(`expected a ScenarioError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected a ScenarioError, but the text parsed');
}

const calls = (sc: Scenario): CallStatement[] =>
  sc.statements.filter((s): s is CallStatement => s.kind === 'call');

const SERVER = [
  '0 server l = socket()',
  '0 server bind(l, 9821)',
  '0 server listen(l, 64)',
  '0 server c = accept(l)',
].join('\n');
const CLIENT = '0.05 client s = socket()';

/**
 * Broken scenarios. `at` is the text the error's column points at on the
 * failing (last) line, or '$' for the end of that line.
 */
const BROKEN: readonly { name: string; text: string; at: string; message: string }[] = [
  {
    name: 'unknown call',
    text: `${CLIENT}\n+0 client conect(s, server)`,
    at: 'conect',
    message: "unknown call 'conect' (did you mean connect?)",
  },
  {
    name: 'unknown call with a familiar name',
    text: `${CLIENT}\n+0 client write(s, "x")`,
    at: 'write',
    message: "unknown call 'write' (did you mean send?)",
  },
  { name: 'bad time', text: '1..5 client s = socket()', at: '1..5', message: "bad time '1..5'" },
  {
    name: 'negative time',
    text: '-1 client s = socket()',
    at: '-1',
    message: 'times cannot be negative',
  },
  {
    name: 'time finer than a microsecond',
    text: '0.0000001 client s = socket()',
    at: '0.0000001',
    message: "bad time '0.0000001'",
  },
  {
    name: 'unknown side',
    text: '0 clint s = socket()',
    at: 'clint',
    message: "expected a side (client or server), got 'clint' (did you mean client?)",
  },
  {
    name: 'missing time',
    text: 'client s = socket()',
    at: 'client',
    message: 'missing time',
  },
  {
    name: 'unknown header',
    text: 'sed 42',
    at: 'sed',
    message: "got 'sed' (did you mean seed",
  },
  {
    name: 'too many arguments',
    text: `${SERVER}\n+0 server recv(c, 1024, 0)`,
    at: '0)',
    message: 'recv() takes 1 or 2 arguments, got 3',
  },
  {
    name: 'too few arguments',
    text: `${SERVER}\n+0 server bind(l)`,
    at: ')',
    message: 'bind() takes 2 arguments, got 1',
  },
  {
    name: 'arguments to socket()',
    text: '0 client s = socket(AF_INET, SOCK_STREAM, 0)',
    at: 'AF_INET',
    message: 'socket() takes no arguments, got 3',
  },
  {
    name: 'unterminated string',
    text: `${CLIENT}\n+0 client send(s, "hello)`,
    at: '"hello',
    message: 'unterminated string',
  },
  {
    name: 'string ending in a backslash',
    text: `${CLIENT}\n+0 client send(s, "hello\\`,
    at: '"hello',
    message: 'unterminated string',
  },
  {
    name: 'bad escape',
    text: `${CLIENT}\n+0 client send(s, "a\\qb")`,
    at: '\\q',
    message: "bad escape '\\q'",
  },
  {
    name: 'bad hex escape',
    text: `${CLIENT}\n+0 client send(s, "a\\xZ1")`,
    at: '\\x',
    message: '\\x takes two hex digits',
  },
  {
    name: 'drop rule for a direction that does not exist',
    text: '0 link drop next middle S',
    at: 'middle',
    message: "unknown link direction 'middle'",
  },
  {
    name: 'drop rule for both directions',
    text: '0 link drop nth both 3',
    at: 'both',
    message: 'not both',
  },
  {
    name: 'drop nth zero',
    text: '0 link drop nth server 0',
    at: '0$',
    message: 'expected a segment number of at least 1',
  },
  {
    name: 'bad drop flags',
    text: '0 link drop next client SYN',
    at: 'SYN',
    message: "bad flags 'SYN'",
  },
  {
    name: 'drop without next, nth or segment',
    text: '0 link drop later client',
    at: 'later',
    message: "expected 'next', 'nth' or 'segment' after drop",
  },
  {
    name: 'drop segment without a number',
    text: '0 link drop segment first',
    at: 'first',
    message: 'expected a segment number',
  },
  {
    name: 'link header with an unknown direction',
    text: 'link middle delay 10ms',
    at: 'middle',
    message: "unknown link direction 'middle'",
  },
  {
    name: 'unknown link setting',
    text: 'link both latency 10ms',
    at: 'latency',
    message: "unknown link setting 'latency'",
  },
  {
    name: 'link setting without a value',
    text: 'link both delay',
    at: '$',
    message: "link setting 'delay' needs a value",
  },
  {
    name: 'probability above 1',
    text: 'link client loss 1.5',
    at: '1.5',
    message: "loss must be a probability between 0 and 1 (or 0% to 100%), got '1.5'",
  },
  {
    name: 'rate unit in the wrong case',
    text: 'link client rate 10mbit',
    at: '10mbit',
    message:
      "unknown rate unit 'mbit' in '10mbit' (units are written as tc prints them: Mbit, not mbit)",
  },
  {
    name: 'rate in bytes per second',
    text: 'link client rate 10Mbps',
    at: '10Mbps',
    message: "in tc, 'Mbps' would be bytes per second",
  },
  {
    name: 'rate below 1 kbit/s',
    text: 'link both rate 999bit',
    at: '999bit',
    message: 'rate out of range: 999bit (0 for no bottleneck, or 1kbit to 100Gbit)',
  },
  {
    name: 'rate above 100 Gbit/s',
    text: 'link both rate 101Gbit',
    at: '101Gbit',
    message: 'rate out of range',
  },
  {
    name: 'rate with a fraction of a bit',
    text: 'link server rate 1.2345kbit',
    at: '1.2345kbit',
    message: "a rate is a whole number of bits per second, got '1.2345kbit'",
  },
  {
    name: 'queue of zero packets',
    text: 'link server queue 0',
    at: '0',
    message: "a queue holds at least 1 packet: write 'queue unlimited' for no limit",
  },
  {
    name: 'queue in an unknown unit',
    text: 'link server rate 1Mbit queue 96kb',
    at: '96kb',
    message: "unknown queue unit 'kb' in '96kb'",
  },
  {
    name: 'queue counted in packets with a unit',
    text: 'link server queue 64p',
    at: '64p',
    message: 'a bare number counts packets: write 64',
  },
  {
    name: 'queue of more than 100000 packets',
    text: 'link client queue 100001',
    at: '100001',
    message: 'queue out of range: 100001 packets (1 to 100000 packets, or 1B to 1GB)',
  },
  {
    name: 'queue of more than 1 GB',
    text: 'link client queue 2GB',
    at: '2GB',
    message: 'queue out of range: 2GB',
  },
  {
    name: 'percentage above 100',
    text: 'link both duplicate 150%',
    at: '150%',
    message: "duplicate must be a probability between 0 and 1 (or 0% to 100%), got '150%'",
  },
  {
    name: 'negative delay',
    text: 'link server delay -10ms',
    at: '-10ms',
    message: "delay must not be negative, got '-10ms'",
  },
  {
    name: 'timed link change with a bad probability',
    text: '1 link client reorder -0.5',
    at: '-0.5',
    message: 'reorder must be a probability',
  },
  { name: 'unknown profile', text: 'profile bsd', at: 'bsd', message: "unknown profile 'bsd'" },
  {
    name: 'unknown set name with close matches',
    text: 'set tcp_syn_retry 2',
    at: 'tcp_syn_retry',
    message: "unknown profile constant 'tcp_syn_retry' (did you mean tcp_syn_retries",
  },
  {
    name: 'unknown set name written in snake case',
    text: 'set rto_min 200ms',
    at: 'rto_min',
    message: 'did you mean rtoMin',
  },
  {
    name: 'unknown set name, nothing close',
    text: 'set frobnicate 3',
    at: 'frobnicate',
    message: 'known: rtoInitial,',
  },
  {
    name: 'set without a value',
    text: 'set msl',
    at: '$',
    message: 'set msl needs a value',
  },
  {
    name: 'bad duration for a set',
    text: 'set msl 30min',
    at: '30min',
    message: "bad duration '30min' for msl",
  },
  {
    name: 'count given as a duration',
    text: 'set tcp_syn_retries 2s',
    at: '2s',
    message: "tcp_syn_retries is a whole number, got '2s'",
  },
  {
    name: 'bad switch value',
    text: 'set nagle maybe',
    at: 'maybe',
    message: 'nagle is on or off',
  },
  {
    name: 'wscale too big',
    text: 'set wscale 15',
    at: '15',
    message: 'wscale is a shift from 0 to 14',
  },
  {
    name: 'duplicate set',
    text: 'set msl 10s\nset msl 20s',
    at: 'set',
    message: 'duplicate set msl (first given on line 1)',
  },
  {
    name: 'duplicate seed',
    text: 'seed 1\n\nseed 2',
    at: 'seed',
    message: 'duplicate seed (first given on line 1)',
  },
  { name: 'bad seed', text: 'seed -3', at: '-3', message: "bad seed '-3'" },
  {
    name: 'seed followed by more',
    text: 'seed 3 4',
    at: '4',
    message: "unexpected '4' after the seed",
  },
  {
    name: 'relative time on a header line',
    text: '+0 seed 42',
    at: '+0',
    message: "'seed' is a header line and takes no time",
  },
  {
    name: 'absolute time on a run line',
    text: '5 run 10s',
    at: '5',
    message: "'run' is a header line and takes no time",
  },
  {
    name: 'run until something else',
    text: 'run until forever',
    at: 'forever',
    message: "expected 'idle' after 'run until'",
  },
  { name: 'duplicate run', text: 'run 1s\nrun 2s', at: 'run', message: 'duplicate run line' },
  {
    name: 'bad IP address',
    text: 'address client 192.0.2.300',
    at: '192.0.2.300',
    message: "bad IPv4 address '192.0.2.300'",
  },
  {
    name: 'address for a side that does not exist',
    text: 'address router 10.0.0.1',
    at: 'router',
    message: "expected a side (client or server) after address, got 'router'",
  },
  {
    name: 'client given the server address',
    text: `address client ${DEFAULT_SERVER_IP}`,
    at: DEFAULT_SERVER_IP,
    message: 'the client and the server need different addresses',
  },
  {
    name: 'bad IP address in connect',
    text: `${CLIENT}\n+0 client connect(s, 10.0.0.999)`,
    at: '10.0.0.999',
    message: "bad IPv4 address '10.0.0.999'",
  },
  {
    name: 'unknown endpoint in connect',
    text: `${CLIENT}\n+0 client connect(s, sever)`,
    at: 'sever',
    message: "got 'sever' (did you mean server?)",
  },
  {
    name: 'port out of range',
    text: '0 server l = socket()\n0 server bind(l, 70000)',
    at: '70000',
    message: 'a port out of range: 70000 (0..65535)',
  },
  {
    name: 'undefined variable',
    text: '0 client close(s)',
    at: 's)',
    message: "undefined variable 's'",
  },
  {
    name: "the other side's variable",
    text: `${SERVER}\n0.05 client close(c)`,
    at: 'c)',
    message: "'c' is a server socket (line 4); the client has no socket by that name",
  },
  {
    name: 'variable used on the line that binds it',
    text: '0 server l = accept(l)',
    at: 'l)',
    message: "undefined variable 'l'",
  },
  {
    name: 'assigning a call that returns no socket',
    text: `${CLIENT}\n+0 client x = close(s)`,
    at: 'x',
    message: 'only socket() and accept() return a socket to name',
  },
  {
    name: 'reserved word as a variable',
    text: '0 client server = socket()',
    at: 'server',
    message: "'server' is a reserved word",
  },
  {
    name: 'garbage after the call',
    text: '0 client s = socket() now',
    at: 'now',
    message: "unexpected 'now' after socket() (expected '=>' or end of line)",
  },
  {
    name: 'missing closing parenthesis',
    text: `${SERVER}\n+0 server recv(c, 1024`,
    at: '$',
    message: "missing ')' to close recv(",
  },
  {
    name: 'missing opening parenthesis',
    text: '0 client s = socket',
    at: '$',
    message: "expected '(' after socket, got end of line",
  },
  {
    name: 'empty argument',
    text: '0 server l = socket()\n0 server bind(l, , 9821)',
    at: ', 9821',
    message: "expected an argument of bind(), got ','",
  },
  {
    name: '=> without a value',
    text: '0 client s = socket() =>',
    at: '$',
    message: "expected a value after '=>'",
  },
  {
    name: 'unknown errno name',
    text: `${CLIENT}\n+0 client connect(s, server) => -1 ECONNREFUSD`,
    at: 'ECONNREFUSD',
    message: "unknown errno 'ECONNREFUSD' (did you mean ECONNREFUSED?)",
  },
  {
    name: 'errno after a success value',
    text: `${CLIENT}\n+0 client connect(s, server) => 0 EPIPE`,
    at: 'EPIPE',
    message: 'an errno only follows -1',
  },
  {
    name: 'return value below -1',
    text: `${CLIENT}\n+0 client connect(s, server) => -2`,
    at: '-2',
    message: 'a call returns -1 (an error) or a number from 0 up',
  },
  {
    name: 'expected data from a call that returns none',
    text: `${CLIENT}\n+0 client send(s, "x") => "x"`,
    at: '"x"$',
    message: 'only recv() returns data',
  },
  {
    name: 'unknown shutdown mode',
    text: `${CLIENT}\n+0 client shutdown(s, SHUT_WRITE)`,
    at: 'SHUT_WRITE',
    message: "got 'SHUT_WRITE' (did you mean SHUT_WR",
  },
  {
    name: 'unknown socket option',
    text: `${CLIENT}\n+0 client setsockopt(s, SO_KEEPALIVE, 1)`,
    at: 'SO_KEEPALIVE',
    message: "unknown socket option 'SO_KEEPALIVE'",
  },
  {
    name: 'SO_LINGER with too few arguments',
    text: `${CLIENT}\n+0 client setsockopt(s, SO_LINGER, 1)`,
    at: ')',
    message: 'setsockopt(SO_LINGER) takes 4 arguments',
  },
  {
    name: 'SO_REUSEADDR with a value other than 0 or 1',
    text: `${CLIENT}\n+0 client setsockopt(s, SO_REUSEADDR, 2)`,
    at: '2)',
    message: "expected SO_REUSEADDR on or off (0 or 1), got '2'",
  },
  {
    name: 'send with neither a string nor a count',
    text: `${CLIENT}\n+0 client send(s, hello)`,
    at: 'hello',
    message: 'expected the data to send (a string, or a byte count)',
  },
  {
    name: 'recv of zero bytes',
    text: `${SERVER}\n+0 server recv(c, 0)`,
    at: '0)',
    message: 'a length out of range: 0',
  },
  {
    name: 'string where a socket belongs',
    text: '0 client close("s")',
    at: '"s"',
    message: 'expected a socket (a variable or an fd number), got a string',
  },
  {
    name: 'time going backwards on one side',
    text: '1 client s = socket()\n0.5 client close(s)',
    at: '0.5',
    message: "time 0.5 is earlier than the client's previous lines (1)",
  },
  {
    name: 'side without a call',
    text: '0 client',
    at: '$',
    message: 'expected a socket call',
  },
  {
    name: 'link line without an action',
    text: '0 link',
    at: '$',
    message: "expected 'drop' or a link direction",
  },
  {
    name: 'a mask with a letter that is not a flag',
    text: '0 link drop next client +FX',
    at: '+FX',
    message: "bad flags '+FX': 'X' is not a flag",
  },
  {
    name: 'a flag both set and clear',
    text: '0 link drop next client +S-S',
    at: '+S-S',
    message: "flag 'S' is given twice",
  },
  {
    name: 'a mask sign with no flags',
    text: '0 link drop next server +-R',
    at: '+-R',
    message: "'+' needs the flags that must be set after it",
  },
  {
    name: 'a mask sign in the middle of exact flags',
    text: '0 link drop next server S+F',
    at: 'S+F',
    message: "'+' may only start a mask",
  },
  {
    name: 'containing without bytes',
    text: '0 link drop next client P. containing',
    at: '$',
    message: "expected the bytes to look for after 'containing'",
  },
  {
    name: 'containing an empty string',
    text: '0 link drop next client containing ""',
    at: '""',
    message: "'containing' needs at least one byte to look for",
  },
  {
    name: 'a payload pattern longer than iptables takes',
    text: `0 link drop next client containing "${'x'.repeat(129)}"`,
    at: '"x',
    message: 'a payload pattern is at most 128 bytes (as in iptables -m string), got 129',
  },
  {
    name: 'hex bytes with an odd number of digits',
    text: '0 link drop next client containing 0x160',
    at: '0x160',
    message: 'hex bytes come in pairs of digits',
  },
  {
    name: 'two payload conditions',
    text: '0 link drop next client . empty data',
    at: 'data',
    message: 'one payload condition per pattern',
  },
  {
    name: 'flags after the payload condition',
    text: '0 link drop next client empty .',
    at: '.',
    message: "flags come before 'empty'",
  },
  {
    name: 'a word a drop rule does not know',
    text: '0 link drop next client F. later',
    at: 'later',
    message: "unexpected 'later' in the drop rule",
  },
  {
    name: 'after without a side',
    text: '0 link drop next client . after',
    at: '$',
    message: "whose segment arms the rule (client or server) after 'after'",
  },
  {
    name: 'after both',
    text: '0 link drop next client . after both +F',
    at: 'both',
    message: 'a drop rule watches one direction',
  },
  {
    name: 'after twice',
    text: '0 link drop next client . after server +F after client S',
    at: 'after client',
    message: "'after' may be given once",
  },
  {
    name: 'bad flags after after',
    text: '0 link drop next client . after server FIN',
    at: 'FIN',
    message: "bad flags 'FIN': 'I' is not a flag",
  },
  {
    name: 'wait without a side',
    text: '0 server wait close(s)',
    at: 'close',
    message: "expected whose event to wait for (client or server) after wait, got 'close'",
  },
  {
    name: 'wait for nothing',
    text: '0 server wait client',
    at: '$',
    message: "what to wait for after 'wait client'",
  },
  {
    name: 'wait for a call that does not exist',
    text: '0 server wait client clos(s)',
    at: 'clos',
    message: "unknown call 'clos' (did you mean close?)",
  },
  {
    name: 'wait for its own call',
    text: '0 client s = socket()\n+0 client close(s)\n+0 client wait client close(s)',
    at: 'client close',
    message: 'the client cannot wait for its own calls',
  },
  {
    name: 'wait for a call with all its arguments',
    text: '0 client s = socket()\n0 client send(s, "x")\n0 server wait client send(s, "x")',
    at: ', "x")',
    message: 'a wait names the call and its socket only, not the other arguments: write send(s)',
  },
  {
    name: 'wait for a call no line of that side makes',
    text: '0 client s = socket()\n+0 client close(s)\n0 server wait client shutdown(s)',
    at: 'shutdown',
    message: 'the client has no line that calls shutdown(s), so this wait would never end',
  },
  {
    name: 'wait for a socket that side never names',
    text: '0 client s = socket()\n+0 client close(s)\n0 server wait client close(sock)',
    at: 'close',
    message: "the client has no socket named 'sock'",
  },
  {
    name: 'wait for an unknown state',
    text: '0 server wait client state TIMEWAIT',
    at: 'TIMEWAIT',
    message: "unknown state 'TIMEWAIT' (did you mean TIME_WAIT?)",
  },
  {
    name: 'wait with an expectation',
    text: '0 server wait client state TIME_WAIT => 0',
    at: '=>',
    message: 'a wait returns nothing to expect',
  },
  {
    name: 'a wait assigned to a variable',
    text: '0 server x = wait client state TIME_WAIT',
    at: 'x',
    message: "a wait returns nothing: it cannot be assigned to 'x'",
  },
  {
    name: 'something after the state',
    text: '0 server wait client state TIME_WAIT soon',
    at: 'soon',
    message: "unexpected 'soon' after what the wait waits for",
  },
];

describe('parseScenario: broken scenarios', () => {
  it('has a corpus of at least 30 broken scenarios', () => {
    expect(BROKEN.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of BROKEN) {
    it(c.name, () => {
      const e = parseError(c.text);
      const lines = c.text.split('\n');
      const last = lines[lines.length - 1]!;
      let col: number;
      if (c.at === '$') col = last.length + 1;
      else if (c.at.endsWith('$') && c.at.length > 1) col = last.lastIndexOf(c.at.slice(0, -1)) + 1;
      else col = last.indexOf(c.at) + 1;
      expect(col, `marker '${c.at}' not on the last line`).toBeGreaterThan(0);
      expect(e.message).toContain(c.message);
      expect({ line: e.line, column: e.column }).toEqual({ line: lines.length, column: col });
      expect(e.file).toBe('bad.scenario');
      expect(e.format()).toBe(`bad.scenario:${e.line}:${e.column}: ${e.message}`);
      expect(String(e)).toBe(e.format());
      expect(e.source).toBe(last);
    });
  }

  it('names the file it was given, or <scenario>', () => {
    expect(() => parseScenario('0 clint socket()')).toThrow(ScenarioError);
    try {
      parseScenario('0 clint socket()');
    } catch (e) {
      expect((e as ScenarioError).format()).toMatch(/^<scenario>:1:3: /);
    }
  });

  it('reports the first problem in the file', () => {
    const e = parseError('seed 1\nprofile bsd\n0 clint socket()');
    expect(e.line).toBe(2);
  });
});

describe('parseScenario: good scenarios', () => {
  it('parses headers', () => {
    const sc = parseScenario(
      [
        'seed 42',
        'profile rfc',
        'set tcp_syn_retries 2',
        'set msl 30s',
        'set rtoMin 0.2',
        'set delAckTimeout 40ms',
        'set timestamps off',
        'set wscale none',
        'link both delay 10ms jitter 1.5ms',
        'link client loss 5% duplicate 0.01',
        'address client 10.0.0.2',
        'address server 10.0.0.1',
        'run 10s',
      ].join('\n'),
    );
    const s = scenarioSettings(sc);
    expect(s).toEqual({
      seed: 42,
      profile: 'rfc',
      overrides: {
        tcp_syn_retries: 2,
        msl: 30_000,
        rtoMin: 200,
        delAckTimeout: 40,
        timestamps: false,
        wscale: null,
      },
      link: {
        client: { delay: 10, jitter: 1.5, loss: 0.05, duplicate: 0.01 },
        server: { delay: 10, jitter: 1.5 },
      },
      clientIp: '10.0.0.2',
      serverIp: '10.0.0.1',
      run: 10_000,
    });
  });

  it('fills in defaults', () => {
    expect(scenarioSettings(parseScenario(''))).toEqual({
      seed: 1,
      profile: 'linux',
      overrides: {},
      link: { client: {}, server: {} },
      clientIp: DEFAULT_CLIENT_IP,
      serverIp: DEFAULT_SERVER_IP,
      run: 'idle',
    });
  });

  it('accepts every profile constant by name', () => {
    for (const k of PROFILE_KEYS) {
      // 1000 for the ports and byte counts, whose limits start above 1; the
      // port range must not end below its start (32768).
      const v =
        k === 'cc'
          ? 'reno'
          : k === 'ephemeralHigh'
            ? '65535'
            : ['ephemeralLow', 'mss', 'rcvBuf', 'sndBuf'].includes(k)
              ? '1000'
              : '1';
      expect(() => parseScenario(`set ${k} ${v}`), k).not.toThrow();
    }
  });

  it('reads times: absolute seconds, s and ms suffixes, relative', () => {
    const sc = parseScenario(
      [
        '0 client a = socket()',
        '1.5 client b = socket()',
        '1500ms client c = socket()',
        '1.5s client d = socket()',
        '+0.05 client e = socket()',
        '+50ms client f = socket()',
        '.25 server g = socket()',
        '0.000001 link client delay 0',
      ].join('\n'),
    );
    expect(sc.statements.map((s) => ('time' in s ? s.time : null))).toEqual([
      { relative: false, ms: 0 },
      { relative: false, ms: 1500 },
      { relative: false, ms: 1500 },
      { relative: false, ms: 1500 },
      { relative: true, ms: 50 },
      { relative: true, ms: 50 },
      { relative: false, ms: 250 },
      { relative: false, ms: 0.001 },
    ]);
  });

  it('reads calls, variables and expectations', () => {
    const sc = parseScenario(
      [
        '0 server l = socket()',
        '0 server setsockopt(l, SO_REUSEADDR, 1)',
        '0 server bind(l, 9821)',
        '0 server listen(l)',
        '0 server c = accept(l) => 4',
        '+0 server recv(c) => "OK\\x21\\\\\\"\\t\\n"',
        '+0 server recv(c, 10) => 0',
        '0.05 client s = socket()',
        '+0 client connect(s, server)',
        '+0 client connect(s, 192.0.2.1, 9821) => -1 EISCONN',
        '+0 client connect(s, client, 80) => -1',
        '+0 client send(s, "hé") => 3',
        '+0 client send(s, 3000)',
        '+0 client shutdown(s, SHUT_WR)',
        '+0 client setsockopt(s, SO_LINGER, 1, 0)',
        '+0 client close(s)',
        '+0 client close(7) => -1 EBADF',
      ].join('\n'),
    );
    const cs = calls(sc);
    expect(cs.map((c) => c.call)).toEqual([
      { name: 'socket' },
      { name: 'setsockopt', fd: { kind: 'var', name: 'l' }, opt: 'SO_REUSEADDR', value: true },
      { name: 'bind', fd: { kind: 'var', name: 'l' }, port: 9821 },
      { name: 'listen', fd: { kind: 'var', name: 'l' }, backlog: null },
      { name: 'accept', fd: { kind: 'var', name: 'l' } },
      { name: 'recv', fd: { kind: 'var', name: 'c' }, len: null },
      { name: 'recv', fd: { kind: 'var', name: 'c' }, len: 10 },
      { name: 'socket' },
      {
        name: 'connect',
        fd: { kind: 'var', name: 's' },
        target: { kind: 'side', side: 'server' },
        port: null,
      },
      {
        name: 'connect',
        fd: { kind: 'var', name: 's' },
        target: { kind: 'ip', ip: '192.0.2.1' },
        port: 9821,
      },
      {
        name: 'connect',
        fd: { kind: 'var', name: 's' },
        target: { kind: 'side', side: 'client' },
        port: 80,
      },
      {
        name: 'send',
        fd: { kind: 'var', name: 's' },
        payload: { kind: 'bytes', bytes: [0x68, 0xc3, 0xa9] },
      },
      { name: 'send', fd: { kind: 'var', name: 's' }, payload: { kind: 'count', n: 3000 } },
      { name: 'shutdown', fd: { kind: 'var', name: 's' }, how: 'SHUT_WR' },
      {
        name: 'setsockopt',
        fd: { kind: 'var', name: 's' },
        opt: 'SO_LINGER',
        onoff: true,
        linger: 0,
      },
      { name: 'close', fd: { kind: 'var', name: 's' } },
      { name: 'close', fd: { kind: 'fd', fd: 7 } },
    ]);
    expect(cs.map((c) => c.assign)).toEqual([
      'l',
      null,
      null,
      null,
      'c',
      null,
      null,
      's',
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(cs.map((c) => c.expect).filter((e) => e !== null)).toEqual([
      { kind: 'ret', ret: 4, errno: null },
      { kind: 'data', bytes: [...Buffer.from('OK!\\"\t\n', 'latin1')] },
      { kind: 'ret', ret: 0, errno: null },
      { kind: 'ret', ret: -1, errno: 'EISCONN' },
      { kind: 'ret', ret: -1, errno: null },
      { kind: 'ret', ret: 3, errno: null },
      { kind: 'ret', ret: -1, errno: 'EBADF' },
    ]);
  });

  it('reads timed link lines', () => {
    const sc = parseScenario(
      [
        '0 link drop next client S',
        '0 link drop next server .S',
        '0 link drop next client',
        '1 link drop nth server 3',
        '+1 link client loss 0.5 delay 20ms',
        '+0 link both reorder 10%',
      ].join('\n'),
    );
    expect(sc.statements.map((s) => (s.kind === 'linkAt' ? s.action : null))).toEqual([
      { kind: 'dropNext', from: 'client', flags: 'S', payload: null, after: null },
      { kind: 'dropNext', from: 'server', flags: 'S.', payload: null, after: null },
      { kind: 'dropNext', from: 'client', flags: null, payload: null, after: null },
      { kind: 'dropNth', from: 'server', n: 3 },
      {
        kind: 'set',
        dir: 'client',
        settings: [
          { key: 'loss', value: 0.5 },
          { key: 'delay', value: 20 },
        ],
      },
      { kind: 'set', dir: 'both', settings: [{ key: 'reorder', value: 0.1 }] },
    ]);
  });

  it('keeps comments and blank lines, so line numbers match the file', () => {
    const sc = parseScenario('# title\n\nseed 3  # why 3\r\n   \n0 client s = socket() # go\n');
    expect(sc.statements).toEqual([
      { line: 1, comment: ' title', kind: 'blank' },
      { line: 2, comment: null, kind: 'blank' },
      { line: 3, comment: ' why 3', kind: 'seed', seed: 3 },
      { line: 4, comment: null, kind: 'blank' },
      {
        line: 5,
        comment: ' go',
        kind: 'call',
        time: { relative: false, ms: 0 },
        side: 'client',
        assign: 's',
        call: { name: 'socket' },
        expect: null,
      },
    ]);
  });

  it('allows # inside strings and a second socket on one side', () => {
    const sc = parseScenario(
      [
        `${SERVER}`,
        '0.05 client s1 = socket()',
        '+0 client s2 = socket()',
        '+0 client connect(s1, server)',
        '+0 client connect(s2, server)',
        '+0 client send(s2, "#1")',
      ].join('\n'),
    );
    const last = calls(sc).at(-1)!;
    expect(last.call).toEqual({
      name: 'send',
      fd: { kind: 'var', name: 's2' },
      payload: { kind: 'bytes', bytes: [35, 49] },
    });
    expect(last.comment).toBeNull();
  });

  it('parses the example scenarios', () => {
    const files = shippedScenarios();
    expect(files.map((f) => f.split(/[\\/]/).pop())).toEqual(
      expect.arrayContaining([
        'handshake.scenario',
        'teardown-client.scenario',
        'lost-syn.scenario',
      ]),
    );
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      if (['handshake.scenario', 'teardown-client.scenario', 'lost-syn.scenario'].includes(f))
        expect(text.startsWith('# '), f).toBe(true);
      expect(() => parseScenario(text, f), f).not.toThrow();
    }
  });
});

describe('formatScenario', () => {
  const RICH = [
    '# A scenario with one of everything',
    '',
    'seed 42',
    'profile rfc',
    'set tcp_syn_retries 2  # fewer retries',
    'set msl 1500ms',
    'set rtoMin 0.2',
    'set nagle off',
    'set wscale none',
    'set ephemeralLow 40000',
    'link both delay 50ms jitter 0.5ms',
    'link client loss 5% reorder 0.125',
    'link client rate 10Mbit queue 64',
    'link server rate 1.5Mbit queue 96KB',
    'address client 192.0.2.10',
    'address server 192.0.2.1',
    `${SERVER}`,
    '+0 server recv(c, 1024) => "OK\\x00\\xff \\"q\\" \\\\ \\t\\n"',
    '+0.0005 server recv(c) => ""',
    '+1 server close(c) => 0',
    '0.05 client s = socket()',
    '+0 client setsockopt(s, SO_LINGER, 1, 0)',
    '+0 client connect(s, 192.0.2.1, 9821) => -1 ECONNREFUSED',
    '+0 client connect(s, server)',
    '+0 client send(s, "hé\\r") => 4',
    '+0 client send(s, 100000)',
    '+50ms client shutdown(s, SHUT_RDWR)',
    '2.5 client close(s) => -1',
    '0 link drop next client S',
    '0 link drop next server',
    '+1 link drop nth server 3',
    '3 link both loss 0 duplicate 1e-7',
    '+0 link server rate 0 queue unlimited',
    '+0 link client queue 100000B rate 64000',
    '+0 link drop next client . empty after server +F',
    '+0 link drop next server -.+S data',
    '+0 link drop next client containing 0x00ff after client containing "\\n"',
    '+0.5 server wait client close(s)',
    '+0 server wait client state TIME_WAIT',
    'run until idle',
  ].join('\n');

  it('round-trips: parse(format(x)) equals x', () => {
    const sc = parseScenario(RICH);
    const text = formatScenario(sc);
    expect(parseScenario(text)).toEqual(sc);
    expect(formatScenario(parseScenario(text))).toBe(text);
  });

  it('keeps the line numbers and comments', () => {
    const text = formatScenario(parseScenario(RICH));
    expect(text.split('\n')[0]).toBe('# A scenario with one of everything');
    expect(text.split('\n')[4]).toBe('set tcp_syn_retries 2  # fewer retries');
    expect(text.endsWith('run until idle\n')).toBe(true);
  });

  it('writes durations and times canonically', () => {
    expect(formatDuration(30_000)).toBe('30s');
    expect(formatDuration(1500)).toBe('1500ms');
    expect(formatDuration(0.5)).toBe('0.5ms');
    expect(formatDuration(0)).toBe('0s');
    expect(formatTime({ relative: true, ms: 50 })).toBe('+0.05');
    expect(formatTime({ relative: false, ms: 70 })).toBe('0.07');
    expect(formatTime({ relative: false, ms: 123456.789 })).toBe('123.456789');
  });

  it('round-trips the example scenarios', () => {
    for (const f of shippedScenarios()) {
      const sc = parseScenario(readFileSync(f, 'utf8'), f);
      expect(parseScenario(formatScenario(sc), f), f).toEqual(sc);
    }
  });

  it('round-trips generated scenarios', () => {
    const time = fc.record({
      relative: fc.boolean(),
      ms: fc.integer({ min: 0, max: 10_000_000_000 }).map((us) => us / 1000),
    });
    // Link delays within their limit (60 s), to the microsecond.
    const dur = fc.integer({ min: 0, max: LINK_LIMITS.delay.max * 1000 }).map((us) => us / 1000);
    const prob = fc.double({ min: 0, max: 1, noNaN: true });
    const bytes = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 20 });
    const comment = fc.option(
      fc.string({ maxLength: 12 }).filter((s) => !/[\r\n]/.test(s)),
      { nil: null },
    );
    const fd = fc.constantFrom('s', '3');
    const side = fc.constantFrom('client', 'server');
    const callLine = fc.oneof(
      fc
        .tuple(side, fd, fc.integer({ min: 0, max: 65535 }))
        .map(([sd, f, p]) => `${sd} bind(${f}, ${p})`),
      fc
        .tuple(side, fd, bytes)
        .map(
          ([sd, f, b]) =>
            `${sd} send(${f}, "${b.map((x) => `\\x${x.toString(16).padStart(2, '0')}`).join('')}")`,
        ),
      fc
        .tuple(side, fd, bytes)
        .map(
          ([sd, f, b]) =>
            `${sd} recv(${f}, 5) => "${b.map((x) => `\\x${x.toString(16).padStart(2, '0')}`).join('')}"`,
        ),
      fc
        .tuple(side, fd, fc.constantFrom('0', '-1', '-1 EPIPE', '17'))
        .map(([sd, f, e]) => `${sd} close(${f}) => ${e}`),
    );
    // A segment pattern: flags exact or masked, written in any order, and a payload condition.
    const flagChars = fc.subarray(['S', 'F', 'R', 'P', 'U', '.']);
    const flags = fc.oneof(
      fc.constant(''),
      flagChars.filter((f) => f.length > 0).map((f) => ` ${f.reverse().join('')}`),
      fc
        .tuple(flagChars, flagChars)
        .map(([a, b]) => [a, b.filter((x) => !a.includes(x))] as const)
        .filter(([a, b]) => a.length + b.length > 0)
        .map(
          ([a, b]) =>
            ` ${a.length ? `+${a.join('')}` : ''}${b.length ? `-${[...b].reverse().join('')}` : ''}`,
        ),
    );
    const payload = fc.oneof(
      fc.constant(''),
      fc.constantFrom(' empty', ' data'),
      fc
        .array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 128 })
        .chain((b) =>
          fc.constantFrom(
            ` containing "${b.map((x) => `\\x${x.toString(16).padStart(2, '0')}`).join('')}"`,
            ` containing 0x${b.map((x) => x.toString(16).padStart(2, '0')).join('')}`,
          ),
        ),
    );
    const pattern = fc.tuple(flags, payload).map(([f, p]) => (f === '' ? p : f + p));
    const side1 = fc.constantFrom('client', 'server');
    const linkLine = fc.oneof(
      fc
        .tuple(fc.constantFrom('client', 'server', 'both'), dur, prob)
        .map(([d, ms, p]) => `link ${d} delay ${ms}ms loss ${p}`),
      fc
        .tuple(
          fc.constantFrom('client', 'server', 'both'),
          fc.oneof(
            fc.constant('0'),
            fc.integer({ min: 1000, max: 100_000_000_000 }).map(String),
            // 1kbit to 100000kbit, 0.001Mbit to 100000Mbit, to the bit.
            fc.integer({ min: 1_000, max: 100_000_000 }).map((n) => `${n / 1000}kbit`),
            fc.integer({ min: 1, max: 100_000_000 }).map((n) => `${n / 1000}Mbit`),
          ),
          fc.oneof(
            fc.constant('unlimited'),
            fc.integer({ min: 1, max: 100_000 }).map(String),
            fc.integer({ min: 1, max: 1024 ** 3 }).map((n) => `${n}B`),
            fc.integer({ min: 1, max: 1024 }).map((n) => `${n}MB`),
          ),
        )
        .map(([d, r, q]) => `link ${d} rate ${r} queue ${q}`),
      fc
        .tuple(fc.constantFrom('client', 'server'), fc.constantFrom('', ' S', ' F.', ' .', ' R'))
        .map(([d, f]) => `link drop next ${d}${f}`),
      fc
        .tuple(side1, pattern, fc.option(fc.tuple(side1, pattern), { nil: null }))
        .map(([d, p, a]) => `link drop next ${d}${p}${a === null ? '' : ` after ${a[0]}${a[1]}`}`),
    );
    // Waits: for a call the other side makes (bind, close and recv are made on s below), or a state.
    const waitLine = fc.oneof(
      fc
        .tuple(side1, fc.constantFrom('close', 'close(s)', 'bind(s)', 'socket()', 'socket'))
        .map(([sd, c]) => `${sd} wait ${sd === 'client' ? 'server' : 'client'} ${c}`),
      fc
        .tuple(side1, side1, fc.constantFrom('CLOSED', 'LISTEN', 'TIME_WAIT', 'FIN_WAIT_2'))
        .map(([sd, of, st]) => `${sd} wait ${of} state ${st}`),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(time, fc.oneof(callLine, linkLine, waitLine), comment), {
          maxLength: 12,
        }),
        fc.option(dur, { nil: null }),
        (lines, run) => {
          const text = [
            '0 client s = socket()',
            '0 server s = socket()',
            // What the waits name, on both sides.
            '0 client bind(s, 0)',
            '0 server bind(s, 0)',
            '0 client close(s)',
            '0 server close(s)',
            // Absolute times that go backwards are rejected: keep generated ones relative.
            ...lines.map(
              ([t, l, c]) =>
                `+${formatTime({ ...t, relative: false })} ${l}${c === null ? '' : ` #${c}`}`,
            ),
            run === null ? 'run until idle' : `run ${run}ms`,
          ].join('\n');
          const sc = parseScenario(text);
          expect(parseScenario(formatScenario(sc))).toEqual(sc);
        },
      ),
      { numRuns: 300 * PROPERTY_SCALE },
    );
  });

  it('formats statements built by hand', () => {
    const statements: Statement[] = [
      { line: 1, comment: null, kind: 'seed', seed: 7 },
      {
        line: 2,
        comment: ' hi',
        kind: 'call',
        time: { relative: false, ms: 0 },
        side: 'client',
        assign: 's',
        call: { name: 'socket' },
        expect: { kind: 'ret', ret: 3, errno: null },
      },
    ];
    expect(formatScenario({ statements })).toBe('seed 7\n0 client s = socket() => 3  # hi\n');
    expect(parseScenario(formatScenario({ statements }))).toEqual({ statements });
  });
});

describe('parseScenario: whitespace', () => {
  const ECHO = [SERVER, CLIENT, '+0 client connect(s, server) => 0', 'run until idle', ''].join(
    '\n',
  );

  it('accepts a leading UTF-8 byte order mark: the file parses as it does without one', () => {
    expect(parseScenario('\ufeff' + ECHO, 'bom.scenario')).toEqual(
      parseScenario(ECHO, 'bom.scenario'),
    );
    // A BOM before a line with an error does not shift its columns.
    const e = parseError('\ufeff0 clint s = socket()');
    expect([e.line, e.column]).toEqual([1, 3]);
  });

  it.each([
    ['\u00a0', 'U+00A0 no-break space'],
    ['\u000b', 'U+000B vertical tab'],
    ['\u000c', 'U+000C form feed'],
    ['\u2028', 'U+2028 line separator'],
    ['\u3000', 'U+3000 ideographic space'],
    ['\ufeff', 'U+FEFF byte order mark'],
  ])('refuses %j with its line, column and name', (ch, name) => {
    // Between tokens, inside a word, and at the end of a line.
    const cases: [string, number][] = [
      [`0 server${ch}l = socket()`, 9],
      [`0 server l${ch}= socket()`, 11],
      [`0 server l = socket()${ch}`, 22],
      [`${ch}seed 1`, 1],
    ];
    for (const [line, col] of cases) {
      const e = parseError(`seed 7\n${line}\n`);
      expect([e.line, e.column], JSON.stringify(line)).toEqual([2, col]);
      expect(e.message).toContain(`${name} is not allowed here`);
    }
  });

  it('says to use a plain space for a no-break space', () => {
    expect(parseError('seed\u00a01').message).toBe(
      'U+00A0 no-break space is not allowed here; use a plain space',
    );
  });

  it('keeps odd whitespace that is data: inside strings and comments', () => {
    const sc = parseScenario(
      `${SERVER}\n+0 server recv(c, 10) => "a\u00a0b"  # no\u00a0break\u3000here\n`,
    );
    const last = sc.statements.at(-1)!;
    expect(last.comment).toBe(' no\u00a0break\u3000here');
    expect(last.kind === 'call' && last.expect).toEqual({
      kind: 'data',
      bytes: [97, 0xc2, 0xa0, 98],
    });
  });
});

describe('parseScenario: long tokens in errors', () => {
  const MB = 1 << 20;
  it.each([
    ['a side', (w: string) => `0 ${w} s = socket()`],
    ['a header', (w: string) => w],
    ['a seed', (w: string) => `seed ${w}`],
    ['a time', (w: string) => `1${w} client s = socket()`],
    ['a call', (w: string) => `0 client ${w}()`],
    [
      'a number',
      (w: string) => `0 client s = socket()\n+0 client recv(s, 9${w.replace(/x/g, '9')})`,
    ],
    ['an expectation', (w: string) => `0 client s = socket() => 9${w.replace(/x/g, '9')}`],
    ['a link setting', (w: string) => `link both ${w} 1`],
    ['a variable', (w: string) => `0 client close(${w})`],
  ])('cuts %s of 1 MB to 40 characters and its length', (_, make) => {
    const e = parseError(make('x'.repeat(MB)));
    expect(e.message.length).toBeLessThan(400);
    expect(e.message).toMatch(/…\(1,048,57\d characters\)/);
  });

  it('leaves short tokens whole', () => {
    expect(parseError('0 clint s = socket()').message).toBe(
      "expected a side (client or server), got 'clint' (did you mean client?)",
    );
  });
});
