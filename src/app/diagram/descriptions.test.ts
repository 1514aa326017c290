import { describe, expect, it } from 'vitest';
import { ZH_BY_ID, ZH_BY_WHAT, describeIn, labelsIn, whatOf, zhLabel } from './descriptions';
import { machineTransitions } from './graph';

const ALL = machineTransitions();

describe('transition labels in Chinese', () => {
  it('has a label for every transition id of the machine', () => {
    const missing = ALL.filter((t) => zhLabel(t.id) === undefined).map((t) => t.id);
    expect(missing).toEqual([]);
  });

  it('has no entry that no transition uses', () => {
    const ids = new Set(ALL.map((t) => t.id));
    expect(Object.keys(ZH_BY_ID).filter((id) => !ids.has(id))).toEqual([]);
    // A `what` entry is used by some transition that has no per-id entry of its own.
    const used = new Set(ALL.filter((t) => !(t.id in ZH_BY_ID)).map((t) => whatOf(t.id)));
    expect(Object.keys(ZH_BY_WHAT).filter((w) => !used.has(w))).toEqual([]);
  });

  it('has no per-id entry that only repeats its `what` entry', () => {
    const same = Object.entries(ZH_BY_ID)
      .filter(([id, zh]) => ZH_BY_WHAT[whatOf(id)] === zh)
      .map(([id]) => id);
    expect(same).toEqual([]);
  });

  it('gives transitions the same Chinese label exactly when their English labels are the same', () => {
    const zhOf = new Map<string, string>();
    const enOf = new Map<string, string>();
    const clashes: string[] = [];
    for (const t of ALL) {
      const zh = zhLabel(t.id)!;
      const z = zhOf.get(t.label) ?? zh;
      const e = enOf.get(zh) ?? t.label;
      if (z !== zh) clashes.push(`${t.id}: "${t.label}" is "${z}" elsewhere, "${zh}" here`);
      if (e !== t.label) clashes.push(`${t.id}: "${zh}" is "${e}" elsewhere, "${t.label}" here`);
      zhOf.set(t.label, z);
      enOf.set(zh, e);
    }
    expect(clashes).toEqual([]);
  });

  it('translates by id in Chinese and leaves English as the machine has it', () => {
    const listen = ALL.find((t) => t.id === 'LISTEN/rcv-syn')!;
    expect(describeIn('zh', listen)).toBe('收 SYN / 发 SYN,ACK');
    expect(describeIn('en', listen)).toBe('rcv SYN / snd SYN,ACK');
    // The id decides, not the English text.
    expect(describeIn('zh', { id: 'ESTABLISHED/rcv-fin', label: 'anything' })).toBe(
      '收 FIN / 发 ACK',
    );
    expect(describeIn('zh', { id: 'FIN_WAIT_1/rcv-fin', label: 'anything' })).toBe(
      '收 FIN / 发 ACK',
    );
    expect(describeIn('zh', { id: 'SYN_RECEIVED/give-up', label: 'x' })).toBe('超时且重试用尽');
    expect(describeIn('zh', { id: 'ESTABLISHED/give-up', label: 'x' })).toBe(
      '超时且重试用尽 / ETIMEDOUT',
    );
    // An id it does not know keeps the English label.
    expect(describeIn('zh', { id: 'NOWHERE/toString', label: 'odd' })).toBe('odd');
  });

  it('lists the labels of several transitions once each, in order', () => {
    const closing = ALL.filter((t) => t.from === 'CLOSING' && t.to === 'CLOSING');
    const zh = labelsIn('zh', closing);
    const en = labelsIn('en', closing);
    expect(zh.length).toBe(en.length);
    expect(new Set(zh).size).toBe(zh.length);
    expect(zh).toContain('收到窗口外的 RST /（丢弃）');
    expect(en).toContain('rcv RST out of window / (drop)');
    expect(en).toEqual([...new Set(closing.map((t) => t.label))]);
  });
});
