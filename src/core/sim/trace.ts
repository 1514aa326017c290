/**
 * The trace: an append-only log of everything that happened in a run. It is
 * the single source the views, the text runner and the exports read. Records
 * are plain data, so a trace serializes to JSON lines and two runs can be
 * compared byte for byte.
 */
import type { Segment } from '../tcp/segment';
import type { StateName, TimerName } from '../tcp/tcb';

export type Side = 'client' | 'server';
export const SIDES: readonly Side[] = ['client', 'server'];
export const peerOf = (s: Side): Side => (s === 'client' ? 'server' : 'client');

export type DropReason = 'loss' | 'rule' | 'user';

export interface SegmentRecord {
  readonly kind: 'segment';
  readonly id: number;
  readonly from: Side;
  /** The connection that sent it ("client:1"), or null for a RST from a closed port. */
  readonly conn: string | null;
  readonly t: number;
  /** When it arrives (or would have, had it not been dropped at once). */
  readonly arriveAt: number;
  /** Dropped on the link as it was sent (loss or a rule); a drop while in flight is a DropRecord. */
  readonly dropped: DropReason | null;
  readonly rtx: boolean;
  /** The id of the segment this is a copy of, when the link duplicated it. */
  readonly dupOf: number | null;
  readonly seg: Segment;
}

export interface DropRecord {
  readonly kind: 'drop';
  readonly t: number;
  readonly id: number;
  readonly reason: DropReason;
}

export interface DeliverRecord {
  readonly kind: 'deliver';
  readonly t: number;
  readonly id: number;
}

/** How close() ended a connection (Linux __tcp_close(), inet_csk_listen_stop()). */
export type CloseVariant =
  /** An orderly close: FIN, or nothing more to send. */
  | 'plain'
  /** Unread data thrown away: RST instead of FIN (RFC 2525 §2.17). */
  | 'unreadData'
  /** SO_LINGER {1, 0}: abort with RST. */
  | 'linger0'
  /** The listener was closed: connections nobody accepted are reset. */
  | 'listener';

/** A socket call that drove a connection's machine. */
export type CallCause =
  | { readonly kind: 'call'; readonly call: 'listen' | 'connect' | 'send' | 'recv' }
  | { readonly kind: 'call'; readonly call: 'close'; readonly variant: CloseVariant }
  | { readonly kind: 'call'; readonly call: 'shutdown'; readonly how: ShutHow };

/** What made a state change happen. Text for people is made where it is shown (`causeText`). */
export type StateCause =
  /** A segment arrived: its flags, and its id in the trace when it came over the link. */
  | { readonly kind: 'segment'; readonly flags: number; readonly id?: number }
  | CallCause
  | { readonly kind: 'timer'; readonly timer: TimerName }
  /** A SYN for a listening socket started a new connection machine (Linux's request socket). */
  | { readonly kind: 'synForListener'; readonly id?: number };

export interface StateRecord {
  readonly kind: 'state';
  readonly t: number;
  readonly side: Side;
  readonly conn: string;
  readonly from: StateName;
  readonly to: StateName;
  readonly cause: StateCause;
}

/** The socket calls the model answers, in the order the tutorial teaches them. */
export const CALL_NAMES = [
  'socket',
  'bind',
  'listen',
  'accept',
  'connect',
  'send',
  'recv',
  'shutdown',
  'close',
  'setsockopt',
] as const;
export type CallName = (typeof CALL_NAMES)[number];

export const SHUT_HOWS = ['SHUT_RD', 'SHUT_WR', 'SHUT_RDWR'] as const;
export type ShutHow = (typeof SHUT_HOWS)[number];

/** A socket call with its arguments as values. */
export type Call =
  | { readonly name: 'socket' }
  | { readonly name: 'bind'; readonly fd: number; readonly port: number }
  | { readonly name: 'listen'; readonly fd: number; readonly backlog?: number }
  | { readonly name: 'accept'; readonly fd: number }
  | { readonly name: 'connect'; readonly fd: number; readonly ip: number; readonly port: number }
  | { readonly name: 'send'; readonly fd: number; readonly data: Uint8Array }
  | { readonly name: 'recv'; readonly fd: number; readonly len?: number }
  | { readonly name: 'shutdown'; readonly fd: number; readonly how: ShutHow }
  | { readonly name: 'close'; readonly fd: number }
  | {
      readonly name: 'setsockopt';
      readonly fd: number;
      readonly opt: 'SO_REUSEADDR';
      readonly value: boolean;
    }
  | {
      readonly name: 'setsockopt';
      readonly fd: number;
      readonly opt: 'SO_LINGER';
      readonly onoff: boolean;
      readonly linger: number;
    };

export interface CallRecord {
  readonly kind: 'call';
  /** When the call returned. */
  readonly t: number;
  /** When it was made (a blocking call returns later). */
  readonly start: number;
  readonly side: Side;
  readonly call: CallName;
  /** The call as it was made: fd and arguments as values (the same object as the run's input). */
  readonly request: Call;
  /** The arguments as C would show them ("3, SHUT_WR"), for text output. */
  readonly args: string;
  readonly ret: number;
  readonly errno: string | null;
  /** For recv: the bytes returned. */
  readonly data: Uint8Array | null;
}

export interface TimerRecord {
  readonly kind: 'timer';
  readonly t: number;
  readonly side: Side;
  readonly conn: string;
  readonly timer: TimerName;
  readonly op: 'armed' | 'fired' | 'cancelled';
  readonly deadline: number;
}

export interface NoteRecord {
  readonly kind: 'note';
  readonly t: number;
  readonly side: Side | null;
  readonly text: string;
}

export type TraceRecord =
  SegmentRecord | DropRecord | DeliverRecord | StateRecord | CallRecord | TimerRecord | NoteRecord;

const hex = (b: Uint8Array): string => {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
};

/** JSON of one record: byte arrays as hex strings, everything else as it is. */
export function recordToJson(r: TraceRecord): string {
  return JSON.stringify(r, (_k, v: unknown) => (v instanceof Uint8Array ? hex(v) : v));
}

export class Trace {
  readonly records: TraceRecord[] = [];
  /** Segment records by id. */
  readonly segments: SegmentRecord[] = [];

  push(r: TraceRecord): void {
    this.records.push(r);
    if (r.kind === 'segment') this.segments[r.id] = r;
  }

  toJsonLines(): string {
    return this.records.map(recordToJson).join('\n') + '\n';
  }
}
