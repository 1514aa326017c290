import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario } from '../../core';
import { buildQuestions, isCorrect, mark, score } from './exercise';

const { world } = runScenario(
  parseScenario(
    `seed 1
profile linux
link both delay 10ms
0    link drop next client P.
0    server l = socket()
0    server bind(l, 9821)
0    server listen(l, 8) => 0
0    server c = accept(l)
0.05 client s = socket()
0.05 client connect(s, server) => 0
0.1  client send(s, "hello") => 5
run 2s
`,
    'exercise.scenario',
  ),
);
const qs = buildQuestions(world.trace.records, (t) => world.at(t));

describe('exercise questions from a run', () => {
  it('one per segment sent, with the handshake numbered as the ladder numbers it', () => {
    const [syn, synAck, ack] = qs;
    expect(syn!.answers).toMatchObject({ seq: '0', ack: null, flags: 'S', state: 'SYN_RECEIVED' });
    expect(synAck!.answers).toMatchObject({
      seq: '0',
      ack: '1',
      flags: 'SA',
      state: 'ESTABLISHED',
    });
    expect(ack!.answers).toMatchObject({ seq: '1', ack: '1', flags: 'A', state: 'ESTABLISHED' });
    expect(synAck!.answers.window).toBe(String(world.trace.segments[1]!.seg.window));
  });

  it('a dropped segment asks no state; its retransmission does', () => {
    const data = qs.filter((q) => q.from === 'client' && q.answers.flags === 'AP');
    expect(data).toHaveLength(2);
    expect(data[0]!.answers.state).toBeNull();
    expect(data[1]!.answers.state).toBe('ESTABLISHED');
  });
});

describe('checking answers', () => {
  it('flags in any order, "." for ACK; numbers exactly; states in any case', () => {
    expect(isCorrect('flags', 'A S', 'SA')).toBe(true);
    expect(isCorrect('flags', 'S.', 'SA')).toBe(true);
    expect(isCorrect('flags', 'S', 'SA')).toBe(false);
    expect(isCorrect('seq', '1', '1')).toBe(true);
    expect(isCorrect('seq', '1.0', '1')).toBe(false);
    expect(isCorrect('seq', '', '0')).toBe(false);
    expect(isCorrect('state', 'syn received', 'SYN_RECEIVED')).toBe(true);
    expect(isCorrect('state', 'LISTEN', 'SYN_RECEIVED')).toBe(false);
  });

  it('marks only the hidden fields that apply, and scores them', () => {
    const syn = qs[0]!;
    const m = mark(syn, ['seq', 'ack', 'flags'], { seq: '0', flags: 'SA' });
    expect(m.map((x) => [x.field, x.right])).toEqual([
      ['seq', true],
      ['flags', false],
    ]);
    expect(score([m, mark(qs[1]!, ['ack'], { ack: '1' })])).toEqual({ right: 2, asked: 3 });
  });
});
