import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ACK,
  FIN,
  LINUX,
  PSH,
  RFC,
  RST,
  SYN,
  causeText,
  parseScenario,
  runScenario,
  type StateCause,
  type StateRecord,
} from '../../core';
import { machineTransitions } from '../diagram/graph';
import { whatOf } from '../diagram/descriptions';
import type { Lang } from '../i18n';
import { explain, fmtTime, spaceOut } from './explain';
import { buildSteps, type CallStep, type StateStep, type Step } from './steps';

const dir = join(__dirname, '..', '..', '..', 'public', 'scenarios');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.scenario'))
  .sort();
const LANGS: readonly Lang[] = ['en', 'zh'];
const HAN = /[\u4e00-\u9fff]/;

function describeStep(s: Step): string {
  switch (s.kind) {
    case 'state':
      return `${s.side} ${s.state.from}->${s.state.to} (${causeText(s.state.cause)})`;
    case 'error':
    case 'eof':
      return `${s.side} ${s.call.call} ${s.call.ret} ${s.call.errno ?? ''}`;
    case 'retransmit':
    case 'drop':
      return `${s.kind} ${s.side} flags ${s.segment.seg.flags}`;
    case 'timer':
      return `timer ${s.timer.timer}`;
    case 'cc':
      return `cc ${s.side} ${s.from}>${s.to}`;
    case 'window':
      return `window ${s.side} ${s.change}`;
  }
}

/** A well-formed explanation: filled in, in the right language, with sources. */
function checkText(text: string, lang: Lang, what: string): void {
  expect(text.length, what).toBeGreaterThan(40);
  expect(text, what).not.toMatch(/\{\w+\}|undefined|NaN|null/);
  if (lang === 'zh') expect(HAN.test(text), what).toBe(true);
  else expect(HAN.test(text), what).toBe(false);
}

describe('explanations of the shipped scenarios', () => {
  it('finds the scenarios', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)('%s: every step has a specific explanation in both languages', (file) => {
    const run = runScenario(parseScenario(readFileSync(join(dir, file), 'utf8'), file));
    const steps = buildSteps(run.world.trace.records, run.world.trace);
    expect(steps.length).toBeGreaterThan(0);
    const fallbacks: string[] = [];
    for (const s of steps)
      for (const lang of LANGS) {
        const e = explain(s, lang, run.world.profile);
        const what = `${file} ${lang}: ${describeStep(s)}`;
        if (e.fallback) fallbacks.push(what);
        checkText(e.text, lang, what);
        expect(e.cites.length, what).toBeGreaterThan(0);
      }
    expect(fallbacks).toEqual([]);
  });

  it('explains the lost SYN, its retransmission and the 3 s RTO that follows', () => {
    const run = runScenario(
      parseScenario(readFileSync(join(dir, 'lost-syn.scenario'), 'utf8'), 'lost-syn.scenario'),
    );
    const steps = buildSteps(run.world.trace.records, run.world.trace);
    const drop = explain(steps[2]!, 'en');
    expect(drop.key).toBe('drop:send:rule:syn');
    expect(drop.text).toContain('due at 1.05 s');
    const rtx = explain(steps[3]!, 'en');
    expect(rtx.key).toBe('retransmit:timer:syn');
    expect(rtx.text).toContain('initial RTO, 1 s');
    expect(rtx.text).toContain('3 s');
    expect(rtx.cites).toEqual(expect.arrayContaining(['RFC 6298 §2.1', 'RFC 6298 §5.7']));
    const zh = explain(steps[3]!, 'zh');
    expect(zh.text).toContain('第 1 次重传');
  });

  it('explains a segment dropped at a full bottleneck queue, in both languages', () => {
    const sc = [
      'link both delay 50ms',
      'link client rate 64kbit queue 1',
      '0 server l = socket()',
      '0 server bind(l, 9821)',
      '0 server listen(l, 8)',
      '0 server c = accept(l)',
      '0 client s = socket()',
      '0 client connect(s, server)',
      '+0.2 client send(s, 3000)',
    ].join('\n');
    const run = runScenario(parseScenario(sc, 'queue.scenario'));
    const steps = buildSteps(run.world.trace.records);
    const drop = steps.find((s) => s.kind === 'drop');
    expect(drop).toBeDefined();
    const en = explain(drop!, 'en', run.world.profile);
    expect(en.key).toMatch(/^drop:send:queue:data/);
    expect(en.text).toContain('bottleneck');
    expect(en.fallback).toBe(false);
    const zh = explain(drop!, 'zh', run.world.profile);
    checkText(zh.text, 'zh', 'queue drop zh');
    expect(zh.text).toContain('队列已满');
  });

  it('tells linear SYN retries from backed-off ones', () => {
    const run = (file: string) =>
      runScenario(parseScenario(readFileSync(join(dir, file), 'utf8'), file));
    const linear = run('../../conformance/linux/syn-timeout.scenario');
    const texts = buildSteps(linear.world.trace.records, linear.world.trace)
      .filter((s) => s.kind === 'retransmit')
      .map((s) => explain(s, 'en', linear.world.profile));
    expect(texts[1]!.text).toContain('tcp_syn_linear_timeouts = 4');
    const expo = run('../../conformance/linux/syn-timeout-exponential.scenario');
    const doubled = buildSteps(expo.world.trace.records, expo.world.trace)
      .filter((s) => s.kind === 'retransmit')
      .map((s) => explain(s, 'en', expo.world.profile));
    expect(doubled[1]!.text).toContain('doubled (1 s → 2 s)');
    expect(doubled[1]!.cites).toContain('RFC 6298 §5.5');
  });

  it('says how long TIME_WAIT lasted and cites its sources', () => {
    const run = runScenario(
      parseScenario(
        readFileSync(join(dir, 'teardown-client.scenario'), 'utf8'),
        'teardown-client.scenario',
      ),
    );
    const steps = buildSteps(run.world.trace.records, run.world.trace);
    const last = explain(steps[steps.length - 1]!, 'en');
    expect(last.text).toContain('60 s later');
    expect(last.cites).toEqual(
      expect.arrayContaining(['RFC 9293 §3.6.1', 'Linux TCP_TIMEWAIT_LEN = 60 s']),
    );
    const zh = explain(steps[steps.length - 1]!, 'zh');
    expect(zh.text).toContain('60 秒');
  });

  it('counts the SYNs of a connect() that timed out', () => {
    const run = runScenario(
      parseScenario(
        readFileSync(join(dir, '../../conformance/linux/syn-timeout.scenario'), 'utf8'),
        '../../conformance/linux/syn-timeout.scenario',
      ),
    );
    const err = buildSteps(run.world.trace.records, run.world.trace).find(
      (s) => s.kind === 'error',
    )!;
    expect(explain(err, 'en', run.world.profile).text).toContain('6 SYNs went out over 7 s');
    expect(explain(err, 'zh', run.world.profile).text).toContain('共发出 6 个 SYN');
  });
});

// ------------------------------------------------------------------ every transition of the machine

const rcv = (flags: number): StateCause => ({ kind: 'segment', flags });

/**
 * The flags of the segment each kind of received-segment transition stands
 * for, by what the transition is (its id after the slash, 'rcv-fin').
 */
const SEGMENT_FLAGS: Readonly<Record<string, number>> = {
  'rcv-any': ACK,
  rcv: ACK,
  'rcv-ack': ACK,
  'rcv-ack-of-fin': ACK,
  'rcv-ack-of-unsent': ACK,
  'rcv-bad-ack': ACK,
  'rcv-no-ack': ACK,
  'rcv-unacceptable': ACK,
  'rcv-data-after-close': PSH | ACK,
  'rcv-fin': FIN | ACK,
  'rcv-fin-ack': FIN | ACK,
  'rcv-fin-again': FIN | ACK,
  'rcv-ack-fin': FIN | ACK,
  'rcv-syn': SYN,
  'rcv-syn-again': SYN,
  'rcv-syn-passive': SYN,
  'rcv-syn-ack': SYN | ACK,
  'rcv-syn-ack-fin': SYN | FIN | ACK,
  'rcv-rst': RST | ACK,
  'rcv-rst-ack': RST | ACK,
  'rcv-rst-active': RST | ACK,
  'rcv-rst-passive': RST | ACK,
  'rcv-rst-in-window': RST | ACK,
  'rcv-rst-outside': RST | ACK,
};

/** The cause the host would record for a machine transition, chosen by its event and id. */
function causeFor(t: { readonly event: string; readonly id: string }): StateCause {
  const what = whatOf(t.id);
  if (t.event === 'PASSIVE_OPEN') return { kind: 'call', call: 'listen' };
  if (t.event === 'ACTIVE_OPEN') return { kind: 'call', call: 'connect' };
  if (t.event === 'CLOSE') return { kind: 'call', call: 'close', variant: 'plain' };
  if (t.event === 'ABORT')
    return {
      kind: 'call',
      call: 'close',
      variant: what === 'abort-unread' ? 'unreadData' : 'linger0',
    };
  if (t.event === 'RTX_TIMEOUT') return { kind: 'timer', timer: 'rtx' };
  if (t.event === 'FIN_WAIT_2_TIMEOUT') return { kind: 'timer', timer: 'finWait2' };
  if (t.event === 'TIME_WAIT_TIMEOUT') return { kind: 'timer', timer: 'timeWait' };
  const flags = SEGMENT_FLAGS[what];
  if (flags === undefined) throw new Error(`no segment for ${t.id}`);
  return rcv(flags);
}

function stateStep(from: StateRecord['from'], to: StateRecord['to'], cause: StateCause): StateStep {
  const state: StateRecord = {
    kind: 'state',
    t: 1000,
    side: 'client',
    conn: 'client:1',
    from,
    to,
    cause,
  };
  return {
    kind: 'state',
    t: 1000,
    side: 'client',
    records: [state],
    state,
    timer: null,
    armedAt: null,
    retransmissions: 3,
    firstSentAt: 0,
  };
}

describe('explanations of the machine', () => {
  const changes = machineTransitions().filter((t) => t.from !== t.to);

  it('knows the segment of every kind of received-segment transition, and no other', () => {
    const whats = new Set(
      machineTransitions()
        .filter((t) => t.event === 'SEGMENT')
        .map((t) => whatOf(t.id)),
    );
    expect(Object.keys(SEGMENT_FLAGS).sort()).toEqual([...whats].sort());
  });

  it.each(LANGS)('covers every transition that changes state (%s), under both profiles', (lang) => {
    const missing: string[] = [];
    for (const p of [LINUX, RFC])
      for (const t of changes) {
        const cause = causeFor(t);
        const e = explain(stateStep(t.from, t.to, cause), lang, p);
        const what = `${p.name} ${t.id} ${t.from}->${t.to} (${causeText(cause)})`;
        if (e.fallback) missing.push(what);
        checkText(e.text, lang, what);
      }
    expect(missing).toEqual([]);
  });

  it('falls back to the record itself for a cause it does not know', () => {
    // No entry explains a send() that takes a connection to CLOSE_WAIT.
    const odd: StateCause = { kind: 'call', call: 'send' };
    const e = explain(stateStep('ESTABLISHED', 'CLOSE_WAIT', odd), 'en');
    expect(e.fallback).toBe(true);
    expect(e.text).toBe('The client went from ESTABLISHED to CLOSE_WAIT (send()).');
    expect(explain(stateStep('ESTABLISHED', 'CLOSE_WAIT', odd), 'zh').text).toBe(
      '客户端从 ESTABLISHED 变为 CLOSE_WAIT（send()）。',
    );
  });

  it('explains the errors a socket call can return, and falls back for others', () => {
    const call = (name: CallStep['call']['call'], errno: string): CallStep => {
      const r = {
        kind: 'call',
        t: 5,
        start: 1,
        side: 'server',
        call: name,
        request: { name: 'close', fd: 3 },
        args: '3',
        ret: -1,
        errno,
        data: null,
      } as const;
      return { kind: 'error', t: 5, side: 'server', records: [r], call: r, synsSent: 0 };
    };
    for (const [name, errno] of [
      ['connect', 'ECONNREFUSED'],
      ['send', 'ECONNRESET'],
      ['recv', 'ECONNRESET'],
      ['send', 'EPIPE'],
      ['send', 'ETIMEDOUT'],
      ['recv', 'ENOTCONN'],
      ['shutdown', 'ENOTCONN'],
      ['recv', 'EBADF'],
      ['bind', 'EADDRINUSE'],
      ['listen', 'EADDRINUSE'],
      ['bind', 'EINVAL'],
      ['accept', 'EINVAL'],
      ['connect', 'EISCONN'],
      ['connect', 'EALREADY'],
      ['connect', 'EADDRNOTAVAIL'],
    ] as const)
      for (const lang of LANGS) {
        const e = explain(call(name, errno), lang);
        expect(e.fallback, `${name} ${errno}`).toBe(false);
        checkText(e.text, lang, `${name} ${errno}`);
        expect(e.text).toContain(errno);
      }
    const odd = explain(call('send', 'EMSGSIZE'), 'en');
    expect(odd).toMatchObject({ fallback: true, text: 'send() returned -1 with errno EMSGSIZE.' });
  });
});

describe('formatting', () => {
  it('writes times for people', () => {
    expect(fmtTime(50.019999999999996, 'en')).toBe('50.02 ms');
    expect(fmtTime(1050, 'en')).toBe('1.05 s');
    expect(fmtTime(60_000, 'zh')).toBe('60 秒');
    expect(fmtTime(0.5, 'zh')).toBe('0.5 毫秒');
  });

  it('spaces Latin words out of Chinese text', () => {
    expect(spaceOut('客户端发出的SYN在链路上丢失了')).toBe('客户端发出的 SYN 在链路上丢失了');
    expect(spaceOut('connect()返回')).toBe('connect() 返回');
    expect(spaceOut('（60 秒）')).toBe('（60 秒）');
  });
});

describe('retransmissions that no timer of their own sent', () => {
  const SERVER = `0 server l = socket()
0 server bind(l, 9821)
0 server listen(l, 8) => 0
0 server c = accept(l)
+0 server recv(c, 1000000) => 14480
0 client s = socket()
0 client connect(s, server) => 0
0.1 client send(s, 14480) => 14480
run 5s`;
  const rtxSteps = (text: string) => {
    const run = runScenario(parseScenario(`seed 1\n${text}`, 't.scenario'));
    const steps = buildSteps(run.world.trace.records, run.world.trace);
    return {
      steps: steps.filter((s) => s.kind === 'retransmit'),
      profile: run.world.profile,
    };
  };

  it('linux with SACK: the first is RACK’s, the others of the same recovery are recovery’s', () => {
    // Two holes in the first flight.
    const { steps, profile } = rtxSteps(`profile linux
link both delay 10ms
set rcvBuf 1000000
0 link drop nth client 4
0 link drop nth client 7
${SERVER}`);
    expect(steps.map((s) => s.kind === 'retransmit' && s.cause)).toEqual(['sack', 'recovery']);
    expect(explain(steps[0]!, 'en', profile).key).toBe('retransmit:rack:data');
    expect(explain(steps[0]!, 'en', profile).text).toMatch(/RACK/);
    expect(explain(steps[1]!, 'zh', profile).key).toBe('retransmit:recovery:data');
  });

  it('rfc without SACK: three duplicate ACKs', () => {
    const { steps, profile } = rtxSteps(`profile rfc
link both delay 10ms
set rcvBuf 1000000
0 link drop nth client 4
${SERVER}`);
    expect(steps.map((s) => s.kind === 'retransmit' && s.cause)).toEqual(['dupacks']);
    expect(explain(steps[0]!, 'en', profile).text).toMatch(/Three duplicate ACKs/);
  });

  it('after a timeout, the segments resent as ACKs open the window are slow start’s', () => {
    // The first three data segments are lost (the client's 3rd to 5th segments, after SYN
    // and ACK), and so is the fast retransmission of the first (its 12th): the timer fires
    // and resends the first; the other two follow as ACKs open the window again.
    const { steps, profile } = rtxSteps(`profile rfc
link both delay 10ms
set rcvBuf 1000000
0 link drop nth client 3
0 link drop nth client 4
0 link drop nth client 5
0 link drop nth client 12
${SERVER}`);
    const causes = steps.map((s) => (s.kind === 'retransmit' ? (s.timer ? 'timer' : s.cause) : ''));
    expect(causes).toContain('timer');
    expect(causes.slice(causes.indexOf('timer') + 1)).toContain('after-timeout');
    const later = steps[causes.lastIndexOf('after-timeout')]!;
    expect(explain(later, 'en', profile).key).toBe('retransmit:slowstart:data');
  });
});

describe('explanations of data transfer', () => {
  const walks = new Map<string, ReturnType<typeof walkOf>>();
  const walkOf = (file: string) => {
    const run = runScenario(parseScenario(readFileSync(join(dir, file), 'utf8'), file));
    const steps = buildSteps(run.world.trace.records, run.world.trace);
    const ex = (s: Step, lang: Lang = 'en') => explain(s, lang, run.world.profile);
    return { steps, ex };
  };
  const walk = (file: string) => {
    let w = walks.get(file);
    if (!w) walks.set(file, (w = walkOf(file)));
    return w;
  };
  /** The fast-recovery lesson with SACK on and plain Reno: RFC 6675's recovery, and cheap. */
  const renoSack = () => {
    const file = 'fast-recovery.scenario';
    const text = readFileSync(join(dir, file), 'utf8').replace(
      'profile rfc',
      'profile rfc\nset sack on\nset cc reno',
    );
    const run = runScenario(parseScenario(text, file));
    const steps = buildSteps(run.world.trace.records, run.world.trace);
    return steps.map((s) => explain(s, 'en', run.world.profile));
  };

  it('says how a lost segment will be found: its timer, three duplicate ACKs, a SACK, or the same recovery', () => {
    const key = (file: string) => {
      const { steps, ex } = walk(file);
      return steps.filter((s) => s.kind === 'drop').map((s) => ex(s).key);
    };
    expect(key('lost-data.scenario')).toEqual(['drop:send:rule:data']);
    expect(key('fast-recovery.scenario')).toEqual(['drop:send:rule:data:dupacks']);
    expect(key('sack-recovery.scenario')).toEqual([
      'drop:send:rule:data:sack:linux',
      'drop:send:rule:data:recovery:linux',
      'drop:send:rule:data:recovery:linux',
    ]);
    expect(renoSack().find((e) => e.key.startsWith('drop:'))!.key).toBe(
      'drop:send:rule:data:sack:rfc',
    );
    const { steps, ex } = walk('fast-recovery.scenario');
    const drop = steps.find((s) => s.kind === 'drop')!;
    expect(ex(drop).text).toContain('third such duplicate ACK');
    expect(ex(drop).text).toContain('at 0.3 s');
    expect(ex(drop, 'zh').text).toContain('在 0.3 秒');
  });

  it('gives NewReno’s numbers at a fast retransmit: ssthresh, and cwnd = ssthresh + 3·SMSS', () => {
    const { steps, ex } = walk('fast-recovery.scenario');
    const rtx = steps.find((s) => s.kind === 'retransmit')!;
    const en = ex(rtx);
    expect(en.key).toBe('retransmit:fast:data');
    expect(en.text).toContain('= 9 segments');
    expect(en.text).toContain('ssthresh + 3·SMSS = 12 segments');
    expect(en.cites).toContain('RFC 6582 §3.2');
    expect(ex(rtx, 'zh').text).toContain('窗口膨胀');
  });

  it('after a timeout: the timer’s first wait when a fast retransmission went before, and the collapse to one segment', () => {
    const { steps, ex } = walk('rto-collapse.scenario');
    const rto = steps.find((s) => s.kind === 'retransmit' && s.timer)!;
    const en = ex(rto).text;
    expect(en).toContain('The wait was the current RTO');
    expect(en).not.toContain('the one before it');
    expect(en).toContain('ssthresh becomes 20.5 segments, cwnd goes down to one segment');
    expect(ex(rto).cites).toContain('RFC 5681 §3.1');
    expect(ex(rto, 'zh').text).toContain('丢失窗口');
  });

  it('explains the ends of recovery and of slow start, with the run’s numbers and its congestion control', () => {
    const cc = (file: string) => {
      const { steps, ex } = walk(file);
      return steps.filter((s) => s.kind === 'cc').map((s) => ex(s));
    };
    const [deflate, ca] = cc('fast-recovery.scenario');
    expect(deflate!.key).toBe('cc:fast-recovery>slow-start');
    expect(deflate!.text).toContain('min(ssthresh, FlightSize + SMSS)');
    expect(deflate!.text).toContain('8 segments, below ssthresh (9)');
    expect(ca!.key).toBe('cc:slow-start>avoidance');
    expect(ca!.text).toContain('about one segment per round trip');
    const [prr] = cc('sack-recovery.scenario');
    expect(prr!.key).toBe('cc:fast-recovery>avoidance');
    expect(prr!.text).toContain('PRR');
    expect(prr!.text).toContain('CUBIC');
    expect(prr!.cites).toEqual(expect.arrayContaining(['RFC 6937', 'RFC 9438 §4']));
    const reno = renoSack().filter((e) => e.key.startsWith('cc:'));
    expect(reno[0]!.key).toBe('cc:fast-recovery>avoidance');
    expect(reno[0]!.text).toContain('RFC 6675');
    expect(reno[0]!.text).not.toContain('CUBIC');
    const [rto, back] = cc('rto-collapse.scenario');
    expect(rto!.key).toBe('cc:rto-recovery>slow-start');
    expect(rto!.text).toContain('below ssthresh (20.5)');
    expect(back!.text).toContain('cwnd (21 segments) has reached ssthresh (20.5)');
  });

  it('falls back to the record for a phase change it does not know', () => {
    const { steps } = walk('fast-recovery.scenario');
    const s = steps.find((x) => x.kind === 'cc')!;
    if (s.kind !== 'cc') return;
    // Avoidance back to slow start with the window growing: not a restart after idle.
    const odd = { ...s, from: 'avoidance' as const, to: 'slow-start' as const };
    const e = explain({ ...odd, before: s.after, after: s.after }, 'en', RFC);
    expect(e.fallback).toBe(true);
    expect(e.key).toBe('fallback:cc');
    expect(e.text).toContain('avoidance');
  });

  it('explains a zero window, the probes’ backoff, and the window update when the application reads', () => {
    const { steps, ex } = walk('zero-window.scenario');
    const [closed, opened] = steps.filter((s) => s.kind === 'window').map((s) => ex(s));
    expect(closed!.key).toBe('window:closed');
    expect(closed!.text).toContain('window of 0');
    expect(opened!.key).toBe('window:opened');
    expect(opened!.text).toContain('The application read 8392 bytes');
    expect(opened!.text).toContain('offering 8192 bytes');
    expect(opened!.cites).toContain('Linux tcp_cleanup_rbuf()');
    const probes = steps.filter((s) => s.kind === 'timer').map((s) => ex(s).text);
    expect(probes[1]).toContain('This wait was 628.75 ms');
    const zh = steps.filter((s) => s.kind === 'window').map((s) => ex(s, 'zh').text);
    expect(zh[0]).toContain('通告的窗口为 0');
    expect(zh[1]).toContain('应用读取了 8392 字节');
  });
});
