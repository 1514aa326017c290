/**
 * The event log's lines, built from trace records. Pure: no React, no DOM.
 *
 * A line keeps what is code (a C call with its result, a state name, tcpdump
 * flags) as code, and names what is prose by a message key, so the view can
 * put it in the reader's language. `lineText` joins a line into one string,
 * the same text the view shows.
 */
import {
  RelativeSeq,
  causeText,
  describeSegment,
  type CloseVariant,
  type DropReason,
  type SegmentRecord,
  type Side,
  type StateCause,
  type StateName,
  type TimerName,
  type TraceRecord,
} from '../../core';
import type { Translate } from '../i18n';
import type { messages } from './messages';

export type MsgKey = keyof typeof messages.en;

/** A piece of prose: a message key and the values to fill in. */
export interface Msg {
  readonly key: MsgKey;
  readonly vars?: Readonly<Record<string, string | number>>;
}

export type LogBody =
  | {
      readonly kind: 'call';
      /** "connect(3, 192.0.2.1:9821) = 0", "bind(3, 9821) = -1 EADDRINUSE". */
      readonly code: string;
      readonly failed: boolean;
      /** recv(): the bytes returned, as printable text; null for other calls. */
      readonly data: string | null;
    }
  | {
      readonly kind: 'state';
      readonly from: StateName;
      readonly to: StateName;
      /** "rcv [S]", "connect()", or prose for the causes the core words in English. */
      readonly cause: { readonly code: string } | Msg;
    }
  | { readonly kind: 'timer'; readonly timer: TimerName }
  | {
      readonly kind: 'drop';
      readonly id: number;
      /** "[P.] seq 1:6". */
      readonly what: string;
      readonly reason: DropReason;
    }
  | { readonly kind: 'note'; readonly text: string };

export interface LogLine {
  /** Index of the record in the trace (a stable key). */
  readonly index: number;
  readonly t: number;
  /** Who it concerns: the caller, the machine's side, the sender of a dropped segment. */
  readonly side: Side | null;
  readonly body: LogBody;
}

// ---------------------------------------------------------------- formatting

/** Virtual milliseconds as seconds with three decimals: 150 → "0.150". */
export const fmtSeconds = (ms: number): string => (ms / 1000).toFixed(3);

/** A duration for people: "40 ms", "0.6 ms", "1.250 s". */
export function fmtDuration(ms: number): string {
  if (ms < 1) return `${Math.max(0, Math.round(ms * 10) / 10)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${fmtSeconds(ms)} s`;
}

/** A playback speed (virtual ms per real second) as a multiple of real time: 10 → "0.01×", 1000 → "1×". */
export const speedLabel = (speed: number): string => `${speed / 1000}×`;

const DECODER = new TextDecoder('utf-8');

/**
 * Bytes as text a person can read: UTF-8, with control characters written
 * as escapes (\n, \r, \t, \xNN), at most `max` characters then "…". The result
 * is only ever put in a React text node.
 */
export function printableText(bytes: Uint8Array, max = 120): string {
  const text = DECODER.decode(bytes);
  let out = '';
  let n = 0;
  for (const ch of text) {
    if (n >= max) return out + '…';
    const c = ch.codePointAt(0)!;
    if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0))
      out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
    n++;
  }
  return out;
}

/** The C view of a call's result: "0", "5", "-1 ECONNREFUSED". */
export const callResult = (ret: number, errno: string | null): string =>
  errno ? `-1 ${errno}` : String(ret);

// ---------------------------------------------------------------- causes

const TIMER_CAUSES: Readonly<Record<TimerName, MsgKey>> = {
  rtx: 'causeTimeoutRtx',
  delack: 'causeTimeoutDelack',
  finWait2: 'causeTimeoutFinWait2',
  timeWait: 'causeTimeoutTimeWait',
};

const CLOSE_CAUSES: Readonly<Partial<Record<CloseVariant, MsgKey>>> = {
  listener: 'causeCloseListener',
  unreadData: 'causeCloseUnread',
  linger0: 'causeLinger0',
};

/** A state change's cause: segments and plain calls as code ("rcv [S]"), the rest as message keys. */
export function causeOf(cause: StateCause): { readonly code: string } | Msg {
  let key: MsgKey | undefined;
  if (cause.kind === 'timer') key = TIMER_CAUSES[cause.timer];
  else if (cause.kind === 'synForListener') key = 'causeNewConn';
  else if (cause.kind === 'call' && cause.call === 'close') key = CLOSE_CAUSES[cause.variant];
  return key ? { key } : { code: causeText(cause) };
}

// ---------------------------------------------------------------- building

function segmentWhat(r: SegmentRecord, rel: RelativeSeq): string {
  // "Flags [P.], seq 1:6, ack 1, win 501, …" → "[P.] seq 1:6".
  const d = describeSegment(r.seg, rel.relative(r.seg));
  const m = /^Flags (\[[^\]]*\]), (seq [^,]+)/.exec(d);
  return m ? `${m[1]} ${m[2]}` : d;
}

/**
 * Builds the log lines of one trace, incrementally: the trace only grows, so
 * each `update` reads the records it has not seen yet. A new trace (after a
 * fork or a reset) needs a new builder.
 */
export class LogBuilder {
  private seen = 0;
  private readonly rel = new RelativeSeq();
  /** Per segment id: who sent it and how it reads, for a later in-flight drop. */
  private readonly segs = new Map<number, { from: Side; what: string }>();
  private readonly all: LogLine[] = [];

  constructor(readonly records: readonly TraceRecord[]) {}

  /** Read what was appended since the last call; returns every line so far (do not mutate). */
  update(): readonly LogLine[] {
    const rs = this.records;
    for (; this.seen < rs.length; this.seen++) {
      const line = this.lineOf(rs[this.seen]!, this.seen);
      if (line) this.all.push(line);
    }
    return this.all;
  }

  private lineOf(r: TraceRecord, index: number): LogLine | null {
    switch (r.kind) {
      case 'call': {
        const data =
          r.call === 'recv' && r.data && r.data.length > 0 ? printableText(r.data) : null;
        return {
          index,
          t: r.t,
          side: r.side,
          body: {
            kind: 'call',
            code: `${r.call}(${r.args}) = ${callResult(r.ret, r.errno)}`,
            failed: r.errno !== null,
            data,
          },
        };
      }
      case 'state':
        return {
          index,
          t: r.t,
          side: r.side,
          body: { kind: 'state', from: r.from, to: r.to, cause: causeOf(r.cause) },
        };
      case 'timer':
        if (r.op !== 'fired') return null;
        return { index, t: r.t, side: r.side, body: { kind: 'timer', timer: r.timer } };
      case 'segment': {
        this.rel.see(r.seg);
        const what = segmentWhat(r, this.rel);
        this.segs.set(r.id, { from: r.from, what });
        if (!r.dropped) return null;
        return {
          index,
          t: r.t,
          side: r.from,
          body: { kind: 'drop', id: r.id, what, reason: r.dropped },
        };
      }
      case 'drop': {
        const seg = this.segs.get(r.id);
        return {
          index,
          t: r.t,
          side: seg?.from ?? null,
          body: { kind: 'drop', id: r.id, what: seg?.what ?? '', reason: r.reason },
        };
      }
      case 'note':
        return { index, t: r.t, side: r.side, body: { kind: 'note', text: r.text } };
      case 'deliver':
        return null;
    }
  }
}

/** Index of the first line after instant `t` (lines are in time order). */
export function linesUntil(lines: readonly LogLine[], t: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid]!.t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const DROP_KEYS: Readonly<Record<DropReason, MsgKey>> = {
  loss: 'dropLoss',
  rule: 'dropRule',
  user: 'dropUser',
  queue: 'dropQueue',
};

const TIMER_KEYS: Readonly<Record<TimerName, MsgKey>> = {
  rtx: 'firedRtx',
  delack: 'firedDelack',
  finWait2: 'firedFinWait2',
  timeWait: 'firedTimeWait',
};

/** What a line says, without its time and side. */
export function bodyText(body: LogBody, t: Translate<MsgKey>): string {
  switch (body.kind) {
    case 'call':
      return body.data === null ? body.code : `${body.code}  "${body.data}"`;
    case 'state': {
      const c = 'code' in body.cause ? body.cause.code : t(body.cause.key, body.cause.vars);
      return `${body.from} → ${body.to} (${c})`;
    }
    case 'timer':
      return t(TIMER_KEYS[body.timer]);
    case 'drop':
      return t(DROP_KEYS[body.reason], { id: body.id, what: body.what });
    case 'note':
      return body.text;
  }
}

/** The whole line as one string: "0.150 server recv(4, 1024) = 5". */
export function lineText(line: LogLine, t: Translate<MsgKey>): string {
  const side =
    line.side === null ? t('sideSim') : t(line.side === 'client' ? 'sideClient' : 'sideServer');
  return `${fmtSeconds(line.t)} ${side} ${bodyText(line.body, t)}`;
}
