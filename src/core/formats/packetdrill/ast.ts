/**
 * A packetdrill script as data: its header options and its events, each with
 * the line and column it came from. The parser (`parser.ts`) makes it; the
 * runner (`runner.ts`) interprets it against one simulated endpoint.
 *
 * Times are in microseconds, as packetdrill counts them.
 */

/** A `--name=value` line before the first event. */
export interface PktOption {
  readonly name: string;
  /** The text after `=`, or null for a bare `--name`. */
  readonly value: string | null;
  readonly line: number;
}

/** One end of a time: `0.1` (absolute) or `+0.1` (after the previous event). */
export interface PktInstant {
  readonly relative: boolean;
  readonly usecs: number;
}

/**
 * When an event happens. `any` is `*` (whenever it comes). `range` is the
 * end of a `start~end` window. `until` is the end of a `start...end` blocking
 * call: it is made at `start` and returns at `until`.
 */
export interface PktTiming {
  readonly any: boolean;
  readonly start: PktInstant;
  readonly range: PktInstant | null;
  readonly until: PktInstant | null;
}

/** A TCP option as a script writes it, in its order. */
export type PktTcpOption =
  | { readonly kind: 'nop' }
  | { readonly kind: 'eol' }
  | { readonly kind: 'mss'; readonly value: number }
  | { readonly kind: 'wscale'; readonly value: number }
  | { readonly kind: 'sackOK' }
  | { readonly kind: 'sack'; readonly blocks: readonly (readonly [number, number])[] }
  | { readonly kind: 'TS'; readonly val: number; readonly ecr: number };

/** An argument or result of a system call. */
export type PktExpr =
  | { readonly kind: 'ellipsis' }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'string'; readonly value: string }
  /** `A | B`: flags or'ed together. */
  | { readonly kind: 'or'; readonly terms: readonly PktExpr[] }
  /** `[65536]`: a value passed by pointer. */
  | { readonly kind: 'list'; readonly items: readonly PktExpr[] }
  /** `{l_onoff=1, l_linger=0}`: a struct. */
  | {
      readonly kind: 'struct';
      readonly fields: readonly { readonly name: string | null; readonly value: PktExpr }[];
    };

interface EventBase {
  readonly line: number;
  readonly column: number;
  readonly time: PktTiming;
  /** The event's text as written (for reports). */
  readonly text: string;
}

/** `<` (the script sends it to the endpoint) or `>` (the endpoint must send it). */
export interface PktPacket extends EventBase {
  readonly kind: 'packet';
  readonly direction: 'inbound' | 'outbound';
  /** `[ect0]`, `[noecn]`, … before the flags, or null. */
  readonly tos: string | null;
  /** The flag letters as written: `S`, `F`, `R`, `P`, `E`, `W`, `U`, and `.` for ACK. */
  readonly flags: string;
  /** Relative sequence numbers: `seq:end(len)`; null for `...(len)` (any). */
  readonly seq: number | null;
  readonly end: number | null;
  readonly len: number;
  /** The `ack` number, relative, or null when not given. */
  readonly ack: number | null;
  readonly win: number | null;
  /** The options in order; `any` for `<...>`; null when none are written (so none are sent). */
  readonly options: readonly PktTcpOption[] | 'any' | null;
}

/** `name(args) = result [ERRNO (text)]`. */
export interface PktSyscall extends EventBase {
  readonly kind: 'syscall';
  readonly name: string;
  readonly args: readonly PktExpr[];
  readonly result: PktExpr;
  /** The errno name after the result (`EINPROGRESS`), or null. */
  readonly errno: string | null;
  /** The parenthesised note after the result, or null. */
  readonly note: string | null;
}

/** A line in backquotes: a shell command the runner may interpret. */
export interface PktShell extends EventBase {
  readonly kind: 'shell';
  readonly command: string;
}

/** A `%{ … }%` block of Python the runner may interpret. */
export interface PktPython extends EventBase {
  readonly kind: 'python';
  readonly code: string;
}

export type PktEvent = PktPacket | PktSyscall | PktShell | PktPython;

export interface PktScript {
  readonly options: readonly PktOption[];
  readonly events: readonly PktEvent[];
}

/** A script that cannot be read: where and why. */
export class PktSyntaxError extends Error {
  override readonly name = 'PktSyntaxError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
  }
}
