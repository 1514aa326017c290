/**
 * The limits of every setting a run can be given, in one place.
 *
 * The scenario parser, the share-link codec (and so stored sessions, which
 * hold share-link text), the UI's link controls and `makeProfile` all read
 * these, so whatever one of them accepts the others accept too: a run parsed
 * from a file can always be put in a link and saved, and opened again.
 *
 * The limits also keep the work of a run bounded. Buffers are at most a few
 * MiB, so one event emits at most `PROFILE_LIMITS.rcvBuf.max / MSS_MIN`
 * segments; the MSS is at least Linux's TCP_MIN_MSS, so a segment always
 * carries data; and `WORK_BUDGET` bounds the events and segments of a whole
 * run, which virtual time alone does not (a 1 ms RTO probing a zero window
 * forever stays within any virtual time).
 *
 * Pure data and small checks: this module imports nothing at run time, so the
 * TCP layer (`makeProfile`) may use it too.
 */
import type { Profile } from '../tcp/profile';
import type { WorkBudget } from '../sim/world';

/** The values a number may take: min ≤ v ≤ max, whole if `integer`. */
export interface NumberLimit {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
  /** What the number counts, for messages: 'ms', 'bytes', '' for a plain count. */
  readonly unit: string;
}

const whole = (min: number, max: number, unit = ''): NumberLimit => ({
  min,
  max,
  integer: true,
  unit,
});
const ms = (min: number, max: number): NumberLimit => ({ min, max, integer: false, unit: 'ms' });

/** Is `v` a number within `l`? */
export function withinLimit(v: unknown, l: NumberLimit): v is number {
  return (
    typeof v === 'number' &&
    Number.isFinite(v) &&
    v >= l.min &&
    v <= l.max &&
    (!l.integer || Number.isInteger(v))
  );
}

/** `a whole number 88–65495`, `ms 1–3600000`: what `l` allows, for error messages. */
export function limitText(l: NumberLimit): string {
  const range = `${l.min}–${l.max}`;
  if (l.unit === 'ms') return `a number of ms ${range}`;
  const what = l.integer ? 'a whole number' : 'a number';
  return l.unit ? `${what} of ${l.unit} ${range}` : `${what} ${range}`;
}

// ------------------------------------------------------------------ time

/** One hour of virtual time, in ms. */
const HOUR = 3_600_000;

/**
 * Virtual times a run may reach (ms): `run DURATION`, the time of a line (its
 * absolute time, or where relative times add up to), and the instants in a
 * share link (inputs and cursor). 10^9 ms, about 11.6 days: far beyond any
 * lesson, and far below where float ms lose the microsecond.
 */
export const TIME_LIMIT: NumberLimit = ms(0, 1e9);

/** How long `run until idle` goes on at most (virtual ms): one hour. */
export const IDLE_CAP_MS = HOUR;

// ------------------------------------------------------------------ work

/**
 * The most work one run may do: scheduler events run, segments put on the
 * link, and payload bytes searched by drop rules. Scenario runs and share-link replays use the same budget, so a run
 * that one finishes the other replays.
 *
 * Sized by measurement. The gallery's scenarios need at most 40 events; a
 * 1 MiB transfer with a 1460-byte MSS is about 720 data segments and their
 * ACKs. A runaway run (a zero window probed every millisecond, 2 segments
 * per 3 events) reaches the segment budget first: on the core of November
 * 2026 (~14,000 events/s, ~5 KB of history per event) it is stopped after
 * 12.5 s of virtual time, in 2–3 s and about 130 MB of heap, which a browser
 * tab and the CLI survive; the faster core planned makes both smaller.
 */
export const WORK_BUDGET: Required<WorkBudget> = Object.freeze({
  events: 50_000,
  segments: 25_000,
  /**
   * Payload bytes drop rules may search for their bytes (`containing`). A
   * search is linear (KMP, 1–2.5 ns a byte), but every segment is searched by
   * every pending rule of its direction, so a few rules and retransmissions of
   * 64 KB segments could search gigabytes within the segment budget. 128 MiB
   * is a 4 MiB transfer searched by 32 rules, in well under a second.
   */
  scanBytes: 128 * 1024 * 1024,
});

// ------------------------------------------------------------------ the profile

/** Profile constants that are numbers (the rest are switches, and `wscale`). */
export type NumericProfileKey = {
  [K in keyof Profile]: Profile[K] extends number ? (K extends 'name' ? never : K) : never;
}[keyof Profile];

/** Linux TCP_MIN_MSS: the smallest MSS Linux uses. Below it a segment may carry no data. */
export const MSS_MIN = 88;
/** The largest MSS an IPv4 packet can carry (65535 − 20 − 20). */
export const MSS_MAX = 65_495;
/** The largest send and receive buffers (bytes). One event emits at most rcvBuf / MSS_MIN segments. */
export const BUFFER_MAX = 4 * 1024 * 1024;

/** The limits of each numeric profile constant (`set NAME VALUE`, `options.overrides`). */
export const PROFILE_LIMITS: Readonly<Record<NumericProfileKey, NumberLimit>> = Object.freeze({
  rtoInitial: ms(1, HOUR),
  rtoMin: ms(1, HOUR),
  rtoMax: ms(1, HOUR),
  rtoAfterSynLoss: ms(1, HOUR),
  // Linux: tcp_syn_retries ≤ MAX_TCP_SYNCNT (127); the others are u8 in practice.
  tcp_syn_retries: whole(0, 127),
  tcp_syn_linear_timeouts: whole(0, 127),
  tcp_synack_retries: whole(0, 127),
  tcp_retries2: whole(0, 127),
  msl: ms(0, HOUR),
  timeWait: ms(0, HOUR),
  tcp_fin_timeout: ms(0, HOUR),
  mss: whole(MSS_MIN, MSS_MAX, 'bytes'),
  rcvBuf: whole(256, BUFFER_MAX, 'bytes'),
  sndBuf: whole(256, BUFFER_MAX, 'bytes'),
  delAckTimeout: ms(1, 60_000),
  delAckMax: ms(1, 60_000),
  maxQuickAcks: whole(0, 255),
  invalidRateLimit: ms(0, HOUR),
  timerTick: ms(0, 1000),
  initCwnd: whole(1, 1000, 'segments'),
  // Linux net.ipv4.tcp_max_reordering is 300.
  reordering: whole(1, 300),
  ephemeralLow: whole(1, 65_535),
  ephemeralHigh: whole(1, 65_535),
});

/** The congestion control algorithms a profile may name (`set cc cubic`). */
export const CC_ALGORITHMS = ['reno', 'newreno', 'cubic'] as const;

/** `wscale`: a shift 0–14 (RFC 7323 §2.3), or null for no option. */
export const WSCALE_LIMIT: NumberLimit = whole(0, 14);

export const isNumericProfileKey = (k: string): k is NumericProfileKey =>
  Object.prototype.hasOwnProperty.call(PROFILE_LIMITS, k);

/**
 * What is wrong with a whole profile (constants taken together), or null:
 * 0 < rtoMin ≤ rtoInitial ≤ rtoMax, and a non-empty ephemeral port range.
 */
export function profileProblem(
  p: Pick<Profile, 'rtoMin' | 'rtoInitial' | 'rtoMax' | 'ephemeralLow' | 'ephemeralHigh'>,
): string | null {
  if (!(p.rtoMin <= p.rtoInitial && p.rtoInitial <= p.rtoMax))
    return `the RTO bounds must hold 0 < rtoMin ≤ rtoInitial ≤ rtoMax, but rtoMin is ${p.rtoMin} ms, rtoInitial ${p.rtoInitial} ms and rtoMax ${p.rtoMax} ms`;
  if (p.ephemeralLow > p.ephemeralHigh)
    return `the ephemeral port range is empty (ephemeralLow ${p.ephemeralLow} > ephemeralHigh ${p.ephemeralHigh})`;
  return null;
}

// ------------------------------------------------------------------ the link

/** The limits of each link setting: delay and jitter in ms, the others probabilities. */
export const LINK_LIMITS = Object.freeze({
  delay: ms(0, 60_000),
  jitter: ms(0, 60_000),
  loss: { min: 0, max: 1, integer: false, unit: '' },
  duplicate: { min: 0, max: 1, integer: false, unit: '' },
  reorder: { min: 0, max: 1, integer: false, unit: '' },
} as const satisfies Record<string, NumberLimit>);

/**
 * A bottleneck's rate (bit/s), when it has one (0 is no bottleneck): 1 kbit/s
 * to 100 Gbit/s. Below, a full 64 KB packet would take minutes to send. Above,
 * the smallest packet (40 bytes, 3.2 ns at 100 Gbit/s) would take too little
 * time to stay exact in float ms at the last instant a run may reach (10⁹ ms,
 * where a float step is about 10⁻⁷ ms). The rate costs no work: departures are
 * worked out as segments enter, and the work budget bounds those.
 */
export const RATE_LIMIT: NumberLimit = whole(1_000, 100_000_000_000, 'bit/s');

/** Is `v` a rate a direction may have: 0 (none) or within RATE_LIMIT? */
export const isRate = (v: unknown): v is number => v === 0 || withinLimit(v, RATE_LIMIT);

/**
 * A bottleneck queue's drop-tail limit: 1 to 100,000 segments, or 1 byte to
 * 1 GiB. The queue holds segments sent and not yet serialized, so the
 * segment budget (WORK_BUDGET) bounds its memory whatever the limit.
 */
export const QUEUE_LIMITS = Object.freeze({
  packets: whole(1, 100_000, 'packets'),
  bytes: whole(1, 1024 * 1024 * 1024, 'bytes'),
} as const satisfies Record<string, NumberLimit>);

// ------------------------------------------------------------------ calls and the run

/** The most bytes one send() may carry. */
export const MAX_SEND_BYTES = 1024 * 1024;
/** The most bytes all the send() calls of one run may carry together. */
export const MAX_RUN_SEND_BYTES = 4 * 1024 * 1024;

/** The limits of socket-call arguments. */
export const CALL_LIMITS = Object.freeze({
  /**
   * A descriptor, or -1: what a failed socket() or accept() returned, which a
   * program may go on to use (the call then fails with EBADF, as in C).
   */
  fd: whole(-1, 65_535),
  port: whole(0, 65_535),
  backlog: whole(0, 65_535),
  /** recv(fd, LEN). */
  recvLen: whole(1, 16 * 1024 * 1024, 'bytes'),
  /** send(fd, N): N filler bytes, or the bytes of a string. */
  sendBytes: whole(0, MAX_SEND_BYTES, 'bytes'),
  /** SO_LINGER's time, in seconds. */
  linger: whole(0, 65_535),
} as const);

/** The seed of the run's PRNG. */
export const SEED_LIMIT: NumberLimit = whole(0, 0xffff_ffff);

// ------------------------------------------------------------------ drop rules

/**
 * The bytes a drop rule's payload pattern (`containing "..."`) may look for:
 * 1 to 128, the most `iptables -m string` takes (XT_STRING_MAX_PATTERN_SIZE).
 */
export const PATTERN_LIMIT: NumberLimit = whole(1, 128, 'bytes');

/** The most inputs (calls, link changes, drops) a run may have. */
export const MAX_INPUTS = 100_000;

/** The longest scenario id a share link may carry. */
export const MAX_SCENARIO_ID = 200;

/**
 * The longest share-link text accepted (characters). Big enough for any run
 * within the limits above: MAX_RUN_SEND_BYTES of data as base64 plus
 * MAX_INPUTS inputs of up to 640 characters of JSON each (a drop rule with
 * two payload patterns of PATTERN_LIMIT.max bytes is about 560, a link change
 * with every setting at full precision about 340), all in base64url.
 */
export const MAX_RUN_TEXT = Math.ceil(
  (((MAX_RUN_SEND_BYTES + 3 * MAX_INPUTS) * 4) / 3 + MAX_INPUTS * 640 + 4096) * (4 / 3),
);
