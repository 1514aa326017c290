import { describe, expect, it } from 'vitest';
import { SYN } from '../../core';
import { format, type Translate } from '../i18n';
import { Session } from '../session';
import {
  LogBuilder,
  bodyText,
  causeOf,
  fmtDuration,
  fmtSeconds,
  lineText,
  linesUntil,
  printableText,
  speedLabel,
  type MsgKey,
} from './log';
import { messages } from './messages';

const tr =
  (lang: 'en' | 'zh'): Translate<MsgKey> =>
  (key, vars) =>
    format(messages[lang][key], vars);
const en = tr('en');

/** The echo lesson: listen, connect, send "hello", recv, close both, past TIME_WAIT. */
function echoRun(): Session {
  const s = new Session();
  s.listen();
  s.connect();
  s.seek(400);
  s.send('client', 'hello');
  s.seek(600);
  s.recv('server');
  s.seek(800);
  s.close('client');
  s.seek(1000);
  s.close('server');
  s.seek(70_000);
  return s;
}

const textOf = (s: Session, lang: 'en' | 'zh' = 'en'): string[] =>
  new LogBuilder(s.world.trace.records).update().map((l) => lineText(l, tr(lang)));

describe('formatting', () => {
  it('shows seconds with three decimals', () => {
    expect(fmtSeconds(0)).toBe('0.000');
    expect(fmtSeconds(150)).toBe('0.150');
    expect(fmtSeconds(61_050.4)).toBe('61.050');
  });

  it('shows durations in ms below a second, in seconds above', () => {
    expect(fmtDuration(40)).toBe('40 ms');
    expect(fmtDuration(0.25)).toBe('0.3 ms');
    expect(fmtDuration(1250)).toBe('1.250 s');
  });

  it('labels the speeds as multiples of real time', () => {
    expect([10, 50, 250, 1000, 10_000].map(speedLabel)).toEqual([
      '0.01×',
      '0.05×',
      '0.25×',
      '1×',
      '10×',
    ]);
  });

  it('makes bytes printable: UTF-8 kept, control characters escaped, long text cut', () => {
    const enc = new TextEncoder();
    expect(printableText(enc.encode('hello'))).toBe('hello');
    expect(printableText(enc.encode('你好'))).toBe('你好');
    expect(printableText(new Uint8Array([0x61, 0x0a, 0x00, 0x7f, 0x09]))).toBe('a\\n\\x00\\x7f\\t');
    expect(printableText(enc.encode('<b>x</b>'))).toBe('<b>x</b>'); // text, never markup
    expect(printableText(enc.encode('abcdef'), 3)).toBe('abc…');
  });

  it('names the causes the core words in English, keeps code as code', () => {
    expect(causeOf({ kind: 'segment', flags: SYN, id: 0 })).toEqual({ code: 'rcv [S]' });
    expect(causeOf({ kind: 'call', call: 'connect' })).toEqual({ code: 'connect()' });
    expect(causeOf({ kind: 'call', call: 'shutdown', how: 'SHUT_WR' })).toEqual({
      code: 'shutdown(SHUT_WR)',
    });
    expect(causeOf({ kind: 'timer', timer: 'timeWait' })).toEqual({
      key: 'causeTimeoutTimeWait',
    });
    expect(causeOf({ kind: 'call', call: 'close', variant: 'linger0' })).toEqual({
      key: 'causeLinger0',
    });
  });
});

describe('LogBuilder', () => {
  it('writes calls C-style, state changes with their cause, and fired timers', () => {
    const lines = textOf(echoRun());
    expect(lines).toContain('0.000 server socket(AF_INET, SOCK_STREAM, 0) = 3');
    expect(lines).toContain('0.000 server bind(3, 9821) = 0');
    expect(lines).toContain('0.000 client CLOSED → SYN_SENT (connect())');
    expect(lines).toContain('0.050 server LISTEN → SYN_RECEIVED (rcv [S])');
    expect(lines).toContain('0.100 client connect(3, 192.0.2.1:9821) = 0');
    expect(lines).toContain('0.150 server accept(3) = 4');
    expect(lines).toContain('0.400 client send(3, 5 bytes) = 5');
    expect(lines).toContain('0.600 server recv(4, 1024) = 5  "hello"');
    expect(lines).toContain('0.890 server delayed-ACK timer expired: ACK now');
    expect(lines).toContain('61.050 client TIME_WAIT expired');
    expect(lines).toContain('61.050 client TIME_WAIT → CLOSED (TIME_WAIT over)');
    // Armed and cancelled timers, segments sent and deliveries are the timeline's business.
    expect(lines.some((l) => l.includes('armed') || l.includes('Flags'))).toBe(false);
  });

  it('keeps lines in time order', () => {
    const lines = new LogBuilder(echoRun().world.trace.records).update();
    for (let i = 1; i < lines.length; i++)
      expect(lines[i]!.t).toBeGreaterThanOrEqual(lines[i - 1]!.t);
  });

  it('shows a failed call with -1 and its errno', () => {
    const s = echoRun();
    s.listen(); // the first listener is still open: the port is taken
    const lines = textOf(s);
    expect(lines).toContain('70.000 server bind(5, 9821) = -1 EADDRINUSE');
    const bind = new LogBuilder(s.world.trace.records)
      .update()
      .find((l) => l.body.kind === 'call' && l.body.code.startsWith('bind(5'));
    expect(bind?.body).toMatchObject({ kind: 'call', failed: true });
  });

  it('shows drops: by rule as sent, by the user in flight, lost on the link', () => {
    const s = new Session();
    s.dropNext('client');
    s.listen();
    s.connect();
    s.seek(1030); // the first retransmitted SYN is on the link
    const inFlight = s.view.inFlight[0];
    expect(inFlight).toBeDefined();
    s.dropSegment(inFlight!.id);
    s.seek(3000);
    const lines = textOf(s);
    expect(lines).toContain('0.000 client #0 [S] seq 0 dropped ("drop the next segment")');
    expect(lines).toContain('1.030 client #1 [S] seq 0 dropped in flight by you');
    expect(lines).toContain('1.000 client RTO expired: retransmit');

    const lossy = new Session();
    lossy.setLink('client', { loss: 1 });
    lossy.listen();
    lossy.connect();
    lossy.seek(10);
    expect(textOf(lossy)).toContain('0.000 client #0 [S] seq 0 lost on the link');
  });

  it('names a drop at a full bottleneck queue, in both languages', () => {
    const s = new Session();
    s.setLink('client', { rate: 64_000, queue: { packets: 1 } });
    s.listen();
    s.connect();
    s.seek(400);
    s.send('client', 'x'.repeat(3000)); // two full segments at once: room for one
    s.seek(1000);
    const queued = (lang: 'en' | 'zh') =>
      textOf(s, lang).filter((l) => l.includes(lang === 'en' ? 'queue' : '队列'));
    expect(queued('en')).toEqual([
      '0.400 client #4 [.] seq 1449:2897 dropped: the bottleneck queue is full',
    ]);
    expect(queued('zh')).toEqual(['0.400 客户端 #4 [.] seq 1449:2897 被丢弃：瓶颈队列已满']);
  });

  it('reads only what is new on each update, with the same result as one pass', () => {
    const s = new Session();
    const b = new LogBuilder(s.world.trace.records);
    s.listen();
    s.connect();
    const first = b.update().length;
    s.seek(400);
    s.send('client', 'hi');
    s.seek(1000);
    const after = b.update().map((l) => lineText(l, en));
    expect(after.length).toBeGreaterThan(first);
    expect(after).toEqual(textOf(s));
  });

  it('speaks Chinese where the text is prose, and keeps the code', () => {
    const lines = textOf(echoRun(), 'zh');
    expect(lines).toContain('0.100 客户端 connect(3, 192.0.2.1:9821) = 0');
    expect(lines).toContain('61.050 客户端 TIME_WAIT 到期');
    expect(lines).toContain('61.050 客户端 TIME_WAIT → CLOSED (TIME_WAIT 结束)');
  });
});

describe('linesUntil', () => {
  it('finds the first line after an instant', () => {
    const lines = new LogBuilder(echoRun().world.trace.records).update();
    expect(linesUntil(lines, -1)).toBe(0);
    expect(linesUntil(lines, Number.POSITIVE_INFINITY)).toBe(lines.length);
    const k = linesUntil(lines, 100);
    expect(lines.slice(0, k).every((l) => l.t <= 100)).toBe(true);
    expect(lines.slice(k).every((l) => l.t > 100)).toBe(true);
    expect(bodyText(lines[k - 1]!.body, en)).toBe('connect(3, 192.0.2.1:9821) = 0');
  });
});

describe('messages', () => {
  it('has every key in both languages, none empty', () => {
    expect(Object.keys(messages.zh).sort()).toEqual(Object.keys(messages.en).sort());
    for (const lang of ['en', 'zh'] as const)
      for (const [k, v] of Object.entries(messages[lang])) expect(v, `${lang}.${k}`).not.toBe('');
  });

  it('uses the same placeholders in both languages', () => {
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const k of Object.keys(messages.en) as MsgKey[])
      expect(holes(messages.zh[k]), k).toEqual(holes(messages.en[k]));
  });

  it('names the buttons by their calls in both languages', () => {
    for (const k of ['btnListen', 'btnConnect', 'btnSend', 'btnReuseAddr'] as const)
      expect(messages.zh[k]).toBe(messages.en[k]);
  });
});
