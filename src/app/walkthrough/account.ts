/**
 * The account of the step at the cursor, always on beside the ladder: what
 * happened at the last instant at or before the cursor, in a few sentences,
 * and what it changed in each connection's TCB (before → after).
 *
 * Where the walkthrough has a step at that instant (a state change, a drop, a
 * retransmission, an error, end of stream, a timer), its explanation is used,
 * so the two never disagree. Otherwise — data arriving, an ACK, a call
 * returning — the account is put together here from the records of the
 * instant. Pure: no DOM, no React.
 */
import {
  ACK,
  FIN,
  RST,
  SYN,
  TIMER_NAMES,
  currentRto,
  seqDiff,
  type Profile,
  type SegmentRecord,
  type Side,
  type Tcb,
  type TraceRecord,
  type WorldView,
} from '../../core';
import type { Lang } from '../i18n';
import { explain, fmtInstant, fmtTime, segmentLabel, spaceOut } from './explain';
import type { Step } from './steps';

export interface Account {
  /** The instant described (virtual ms), or null before anything happened. */
  readonly t: number | null;
  /** A few sentences. */
  readonly text: string;
  /** Where the rules come from, when a walkthrough step explained it. */
  readonly cites: readonly string[];
}

/** The index of the last record at or before `t` (records are in time order), or -1. */
export function lastAtOrBefore(records: readonly TraceRecord[], t: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (records[mid]!.t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The records of the last instant at or before `cursor`. */
export function instantAt(
  records: readonly TraceRecord[],
  cursor: number,
): { t: number; records: readonly TraceRecord[] } | null {
  const last = lastAtOrBefore(records, cursor);
  if (last < 0) return null;
  const t = records[last]!.t;
  let first = last;
  while (first > 0 && records[first - 1]!.t === t) first--;
  return { t, records: records.slice(first, last + 1) };
}

/** The walkthrough steps at instant `t` (steps are sorted by time). */
export function stepsAt(steps: readonly Step[], t: number): Step[] {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  const out: Step[] = [];
  for (let i = lo; i < steps.length && steps[i]!.t === t; i++) out.push(steps[i]!);
  return out;
}

const WORD: Readonly<Record<Lang, Record<Side, string>>> = {
  en: { client: 'client', server: 'server' },
  zh: { client: '客户端', server: '服务器' },
};
const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const other = (s: Side): Side => (s === 'client' ? 'server' : 'client');

function segWords(r: SegmentRecord, lang: Lang): string {
  const s = r.seg;
  const n = s.payload.length;
  const label = segmentLabel(s, lang);
  const pureAck = (s.flags & ACK) !== 0 && n === 0 && !(s.flags & (SYN | FIN | RST));
  // A pure ACK names what it acknowledges.
  if (pureAck) return lang === 'zh' ? 'ACK' : 'an ACK';
  return lang === 'zh' ? label : `${/^[AEIOU]/.test(label) ? 'an' : 'a'} ${label}`;
}

function callWords(r: Extract<TraceRecord, { kind: 'call' }>, lang: Lang): string {
  const who = WORD[lang][r.side];
  const ret = r.errno ? `-1 ${r.errno}` : String(r.ret);
  const call = `${r.call}(${r.args})`;
  return lang === 'zh' ? `${who}的 ${call} 返回 ${ret}。` : `The ${who}'s ${call} returns ${ret}.`;
}

/** Sentences for an instant no walkthrough step covers: arrivals, sends, calls. */
function compose(
  records: readonly TraceRecord[],
  segById: (id: number) => SegmentRecord | undefined,
  lang: Lang,
): string {
  const parts: string[] = [];
  for (const r of records) {
    if (r.kind === 'deliver') {
      const s = segById(r.id);
      if (!s) continue;
      const to = WORD[lang][other(s.from)];
      const from = WORD[lang][s.from];
      parts.push(
        lang === 'zh'
          ? `${from}发出的${segWords(s, lang)}到达${to}。`
          : `${cap(segWords(s, lang))} from the ${from} arrives at the ${to}.`,
      );
    } else if (r.kind === 'segment' && r.dupOf === null) {
      const who = WORD[lang][r.from];
      const again = r.rtx ? (lang === 'zh' ? '重新' : ' again') : '';
      const lost = r.dropped
        ? lang === 'zh'
          ? '，但链路把它丢弃了'
          : ', and the link drops it'
        : '';
      parts.push(
        lang === 'zh'
          ? `${who}${again}发送${segWords(r, lang)}${lost}。`
          : `The ${who} sends ${segWords(r, lang)}${again}${lost}.`,
      );
    } else if (r.kind === 'call') {
      parts.push(callWords(r, lang));
    } else if (r.kind === 'drop') {
      const s = segById(r.id);
      if (s)
        parts.push(
          lang === 'zh'
            ? `链路丢弃了${WORD[lang][s.from]}发出的${segWords(s, lang)}。`
            : `The link drops ${segWords(s, lang)} from the ${WORD[lang][s.from]}.`,
        );
    }
  }
  return parts.join(' ');
}

/** The account of the instant at or before `cursor`. */
export function accountAt(
  records: readonly TraceRecord[],
  steps: readonly Step[],
  segById: (id: number) => SegmentRecord | undefined,
  cursor: number,
  lang: Lang,
  profile: Profile,
): Account {
  const at = instantAt(records, cursor);
  if (!at)
    return {
      t: null,
      text:
        lang === 'zh'
          ? '还什么都没有发生。先在服务器上按 listen()，再在客户端上按 connect()。'
          : 'Nothing has happened yet. Press listen() on the server, then connect() on the client.',
      cites: [],
    };
  const here = stepsAt(steps, at.t);
  const when = fmtInstant(at.t, lang);
  if (here.length > 0) {
    const ex = here.map((s) => explain(s, lang, profile));
    const cites = [...new Set(ex.flatMap((e) => e.cites))];
    // Calls and arrivals the steps do not speak of are told after them.
    const rest = compose(
      at.records.filter((r) => r.kind === 'call' && !r.errno && r.ret !== 0),
      segById,
      lang,
    );
    const text = [ex.map((e) => e.text).join(' '), rest].filter(Boolean).join(' ');
    return { t: at.t, text: lang === 'zh' ? `${when}：${text}` : `${when}: ${text}`, cites };
  }
  const text = compose(at.records, segById, lang);
  const fallback =
    lang === 'zh'
      ? '（计时器在此刻更新；没有报文段或调用。）'
      : '(Timers change here; no segment or call.)';
  const body = text || fallback;
  return {
    t: at.t,
    text: lang === 'zh' ? spaceOut(`${when}：${body}`) : `${when}: ${body}`,
    cites: [],
  };
}

// ------------------------------------------------------------------ TCB changes

export interface FieldChange {
  /** SND.UNA, SND.NXT, RCV.NXT, SND.WND, RCV.WND, RTO, a timer's name, or "state". */
  readonly field: string;
  readonly before: string;
  readonly after: string;
}

export interface ConnChange {
  readonly conn: string;
  readonly side: Side;
  readonly changes: readonly FieldChange[];
}

type ConnView = WorldView['conns'][number];

function fields(c: ConnView, t: number, lang: Lang): Map<string, string> {
  const x: Tcb = c.tcb;
  const m = new Map<string, string>();
  m.set('state', c.state);
  const sent = c.state !== 'LISTEN' && c.state !== 'CLOSED' && seqDiff(x.sndNxt, x.iss) > 0;
  const synced = seqDiff(x.rcvNxt, x.irs) > 0;
  m.set('SND.UNA', sent ? String(seqDiff(x.sndUna, x.iss) >>> 0) : '—');
  m.set('SND.NXT', sent ? String(seqDiff(x.sndNxt, x.iss) >>> 0) : '—');
  m.set('RCV.NXT', synced ? String(seqDiff(x.rcvNxt, x.irs) >>> 0) : '—');
  m.set('SND.WND', String(x.sndWnd));
  m.set('RCV.WND', String(x.rcvWnd));
  m.set('RTO', fmtTime(currentRto(x.rto, x.profile), lang));
  for (const name of TIMER_NAMES) {
    const d = x.timers[name];
    m.set(`timer:${name}`, d === null || d <= t ? '—' : fmtInstant(d, lang));
  }
  return m;
}

/**
 * What changed in each connection between `before` (just before the instant)
 * and `after` (at it), field by field. Sequence numbers are relative to ISS
 * (send side) and IRS (receive side), as the panels show them.
 */
export function tcbChanges(before: WorldView, after: WorldView, lang: Lang): ConnChange[] {
  const out: ConnChange[] = [];
  for (const a of after.conns) {
    const b = before.conns.find((c) => c.id === a.id);
    const fa = fields(a, after.t, lang);
    const fb = b ? fields(b, before.t, lang) : null;
    const changes: FieldChange[] = [];
    for (const [k, v] of fa) {
      const was = fb ? (fb.get(k) ?? '—') : '—';
      if (was !== v) changes.push({ field: k, before: was, after: v });
    }
    if (changes.length) out.push({ conn: a.id, side: a.side, changes });
  }
  return out;
}
