/**
 * Text of structured records: each cause reads exactly as the text output
 * always wrote it, and the records themselves carry values, not text.
 */
import { describe, expect, it } from 'vitest';
import { causeText, formatTrace } from './format';
import { ACK, FIN, PSH, RST, SYN } from '../tcp/segment';
import type { CallRecord, StateRecord } from '../sim/trace';
import { SERVER_IP, connectTo, listenOn, makeWorld, okRet } from '../testing/test-world';

describe('causeText', () => {
  it('writes every kind of cause as the CLI and event log show it', () => {
    expect(causeText({ kind: 'segment', flags: SYN })).toBe('rcv [S]');
    expect(causeText({ kind: 'segment', flags: SYN | ACK, id: 1 })).toBe('rcv [S.]');
    expect(causeText({ kind: 'segment', flags: FIN | PSH | ACK, id: 9 })).toBe('rcv [FP.]');
    expect(causeText({ kind: 'segment', flags: RST })).toBe('rcv [R]');
    expect(causeText({ kind: 'call', call: 'listen' })).toBe('listen()');
    expect(causeText({ kind: 'call', call: 'connect' })).toBe('connect()');
    expect(causeText({ kind: 'call', call: 'send' })).toBe('send()');
    expect(causeText({ kind: 'call', call: 'recv' })).toBe('recv()');
    expect(causeText({ kind: 'call', call: 'shutdown', how: 'SHUT_RDWR' })).toBe(
      'shutdown(SHUT_RDWR)',
    );
    expect(causeText({ kind: 'call', call: 'close', variant: 'plain' })).toBe('close()');
    expect(causeText({ kind: 'call', call: 'close', variant: 'unreadData' })).toBe(
      'close() with unread data',
    );
    expect(causeText({ kind: 'call', call: 'close', variant: 'linger0' })).toBe(
      'close() with SO_LINGER 0',
    );
    expect(causeText({ kind: 'call', call: 'close', variant: 'listener' })).toBe(
      'close() of listener',
    );
    expect(causeText({ kind: 'timer', timer: 'timeWait' })).toBe('timeout timeWait');
    expect(causeText({ kind: 'synForListener' })).toBe('SYN for a listening socket');
  });
});

describe('structured records of a run', () => {
  it('a state change names the segment that caused it by flags and trace id; a call record keeps its call', () => {
    const w = makeWorld(5, 10);
    listenOn(w);
    const { fd, connect } = connectTo(w);
    w.runUntil(100);
    okRet(connect);
    const est = w.trace.records.find(
      (r): r is StateRecord =>
        r.kind === 'state' && r.conn === 'client:1' && r.to === 'ESTABLISHED',
    )!;
    const synAck = w.trace.segments.find((s) => s.from === 'server')!;
    expect(est.cause).toEqual({ kind: 'segment', flags: SYN | ACK, id: synAck.id });
    const rec = w.trace.records.find(
      (r): r is CallRecord => r.kind === 'call' && r.call === 'connect',
    )!;
    expect(rec.request).toEqual({ name: 'connect', fd, ip: SERVER_IP, port: 9821 });
    // The very call of the run's input, not a copy or a text.
    expect(w.inputs.some((i) => i.action.kind === 'call' && i.action.call === rec.request)).toBe(
      true,
    );
    expect(formatTrace([est])[0]).toBe(
      '0.020000 client SYN_SENT -> ESTABLISHED  (rcv [S.]) client:1',
    );
  });
});
