import { describe, expect, it } from 'vitest';
import { ZH_DESCRIPTIONS, describeIn } from './descriptions';
import { machineTransitions } from './graph';

describe('transition labels in Chinese', () => {
  it('has a translation for every label the machine uses', () => {
    const labels = new Set(machineTransitions().map((t) => t.label));
    const missing = [...labels].filter((l) => !(l in ZH_DESCRIPTIONS));
    expect(missing).toEqual([]);
  });

  it('translates in Chinese and leaves English as it is', () => {
    expect(describeIn('zh', 'rcv SYN / snd SYN,ACK')).toBe('收 SYN / 发 SYN,ACK');
    expect(describeIn('en', 'rcv SYN / snd SYN,ACK')).toBe('rcv SYN / snd SYN,ACK');
  });
});
