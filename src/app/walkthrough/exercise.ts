/**
 * Trace exercises: the fields of a run's segments that a learner fills in,
 * step by step, and checks against the model.
 *
 * Each segment put on the link is one question. The fields that can be hidden:
 * the relative sequence and acknowledgment numbers (as the ladder numbers them,
 * from each side's first sequence number), the flags, the window field, and the
 * state the receiver is in once the segment has arrived. A field that does not
 * apply (the ack of a segment without ACK, the state after a segment the link
 * dropped) is not asked. Pure: no DOM, no React.
 */
import {
  STATES,
  wireLines,
  type SegmentRecord,
  type Side,
  type StateName,
  type TraceRecord,
  type WorldView,
} from '../../core';

export const EX_FIELDS = ['seq', 'ack', 'flags', 'window', 'state'] as const;
export type ExField = (typeof EX_FIELDS)[number];

export interface Question {
  /** The segment's trace id. */
  readonly id: number;
  /** When it was sent (virtual ms). */
  readonly t: number;
  readonly from: Side;
  /** The model's answer for each field; null where the field does not apply. */
  readonly answers: Readonly<Record<ExField, string | null>>;
}

/**
 * One question per segment put on the link (duplicates made by the link are not
 * questions), in the order sent. `viewAt` gives the world at an instant (World.at),
 * for the receiver's state after each arrival.
 */
export function buildQuestions(
  records: readonly TraceRecord[],
  viewAt: (t: number) => WorldView,
): Question[] {
  const segs = records.filter((r): r is SegmentRecord => r.kind === 'segment' && r.dupOf === null);
  const wire = wireLines(records);
  const delivered = new Set<number>();
  for (const r of records) if (r.kind === 'deliver') delivered.add(r.id);
  return segs.map((r, i) => {
    const w = wire[i]!;
    const to: Side = r.from === 'client' ? 'server' : 'client';
    let state: string | null = null;
    if (delivered.has(r.id)) {
      const s = r.seg;
      // The connection it reached; else the listener it came to; else none (CLOSED).
      const conns = viewAt(r.arriveAt).conns.filter(
        (c) => c.side === to && c.tcb.local.port === s.dstPort,
      );
      const conn =
        conns.find((c) => c.state !== 'LISTEN' && c.tcb.remote.port === s.srcPort) ??
        conns.find((c) => c.state === 'LISTEN');
      state = conn?.state ?? 'CLOSED';
    }
    return {
      id: r.id,
      t: r.t,
      from: r.from,
      answers: {
        seq: String(w.seq),
        ack: w.flags.includes('A') ? String(w.ack) : null,
        flags: w.flags,
        window: String(r.seg.window),
        state,
      },
    };
  });
}

/** Flags as a set of letters in a fixed order; "." (tcpdump's ACK) counts as A. */
function normFlags(s: string): string {
  const letters = new Set(
    s
      .toUpperCase()
      .replace(/\./g, 'A')
      .replace(/[^SAPRF]/g, '')
      .split(''),
  );
  return ['S', 'A', 'P', 'R', 'F'].filter((l) => letters.has(l)).join('');
}

const normState = (s: string): string =>
  s
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');

/** Does the learner's `given` answer for `field` match the model's `answer`? */
export function isCorrect(field: ExField, given: string, answer: string): boolean {
  const g = given.trim();
  if (g === '') return false;
  switch (field) {
    case 'flags':
      return normFlags(g) === normFlags(answer);
    case 'state':
      return normState(g) === answer;
    default:
      return /^\d+$/.test(g) && Number(g) === Number(answer);
  }
}

/** The states a learner may choose from. */
export const STATE_CHOICES: readonly StateName[] = STATES;

export interface Marked {
  readonly field: ExField;
  readonly given: string;
  readonly answer: string;
  readonly right: boolean;
}

/** Check one question's answers: one mark per hidden field that applies. */
export function mark(
  q: Question,
  hidden: readonly ExField[],
  given: Partial<Record<ExField, string>>,
): Marked[] {
  const out: Marked[] = [];
  for (const f of hidden) {
    const answer = q.answers[f];
    if (answer === null) continue;
    const g = given[f] ?? '';
    out.push({ field: f, given: g, answer, right: isCorrect(f, g, answer) });
  }
  return out;
}

/** The score so far: right answers out of fields asked. */
export function score(marks: readonly (readonly Marked[])[]): { right: number; asked: number } {
  let right = 0;
  let asked = 0;
  for (const m of marks)
    for (const x of m) {
      asked++;
      if (x.right) right++;
    }
  return { right, asked };
}
