/**
 * Profiles: named sets of the constants that decide timing and defaults.
 *
 * `linux` follows the Linux stack (include/net/tcp.h and the net.ipv4 sysctls
 * at their defaults); `rfc` follows the RFCs' own numbers. A run chooses one
 * and may override single constants.
 */
import {
  CC_ALGORITHMS,
  PROFILE_LIMITS,
  WSCALE_LIMIT,
  isNumericProfileKey,
  limitText,
  profileProblem,
  withinLimit,
} from '../formats/limits';

export type ProfileName = 'linux' | 'rfc';
export type CcAlgorithm = (typeof CC_ALGORITHMS)[number];

export interface Profile {
  readonly name: ProfileName;
  /** RFC 6298 §2.1 initial RTO (ms). Linux TCP_TIMEOUT_INIT = 1 s. */
  readonly rtoInitial: number;
  /** Lower bound on the RTO (ms). Linux TCP_RTO_MIN = 200 ms; RFC 6298 §2.4: 1 s. */
  readonly rtoMin: number;
  /** Upper bound on the RTO (ms). Linux TCP_RTO_MAX = 120 s. */
  readonly rtoMax: number;
  /** RFC 6298 §5.7: RTO once data flows after a retransmitted SYN (ms). Linux TCP_TIMEOUT_FALLBACK = 3 s. */
  readonly rtoAfterSynLoss: number;
  /** net.ipv4.tcp_syn_retries. */
  readonly tcp_syn_retries: number;
  /** net.ipv4.tcp_syn_linear_timeouts: SYN retransmissions before the backoff starts doubling. */
  readonly tcp_syn_linear_timeouts: number;
  /**
   * Linux also gives up on a SYN once the time since the first one reaches what
   * `tcp_syn_retries` exponential retries would take (tcp_model_timeout).
   */
  readonly synGiveUpByTime: boolean;
  /** net.ipv4.tcp_synack_retries. */
  readonly tcp_synack_retries: number;
  /** net.ipv4.tcp_retries2: how long data retransmission goes on, as a number of exponential retries. */
  readonly tcp_retries2: number;
  /** Maximum segment lifetime (ms); TIME_WAIT is 2×MSL unless `timeWait` fixes it. */
  readonly msl: number;
  /** TIME_WAIT length (ms). Linux TCP_TIMEWAIT_LEN = 60 s, whatever the MSL. */
  readonly timeWait: number;
  /** net.ipv4.tcp_fin_timeout: FIN_WAIT_2 lifetime of an orphaned socket (ms). */
  readonly tcp_fin_timeout: number;
  /** MSS we announce (Ethernet MTU 1500 − 40). */
  readonly mss: number;
  /** Receive buffer (bytes): the most we ever advertise. */
  readonly rcvBuf: number;
  /** Send buffer (bytes): how much unsent and unacknowledged data `send` may queue. */
  readonly sndBuf: number;
  /** Window scale shift we offer (RFC 7323), or null to send no window scale option. */
  readonly wscale: number | null;
  /** Send and accept RFC 7323 timestamps. */
  readonly timestamps: boolean;
  /** Linux quick-ACK mode and ping-pong (interactive) detection; false: plain RFC 1122 delayed ACKs. */
  readonly quickAck: boolean;
  /** Delayed-ACK timeout (ms). Linux TCP_ATO_MIN = 40 ms; RFC 1122 allows up to 500 ms. */
  readonly delAckTimeout: number;
  /** Upper bound for Linux's adaptive ACK timeout (TCP_DELACK_MAX = 200 ms). */
  readonly delAckMax: number;
  /** Linux TCP_MAX_QUICKACKS. */
  readonly maxQuickAcks: number;
  /**
   * Answers to out-of-window segments without data, and challenge ACKs, are sent at most
   * once per this many ms (Linux net.ipv4.tcp_invalid_ratelimit, 500 ms); 0: no limit.
   */
  readonly invalidRateLimit: number;
  /**
   * The kernel timer tick (ms): Linux runs its timers on jiffies, 4 ms at HZ=250. A
   * delayed ACK due "now" (ATO 0) goes at the next tick. 0: timers are exact.
   */
  readonly timerTick: number;
  /** Nagle's algorithm (RFC 1122 §4.2.3.4), on by default in Linux. */
  readonly nagle: boolean;
  /**
   * Linux answers a retransmitted SYN in SYN_RECEIVED with the SYN,ACK again and
   * accepts the peer's SYN,ACK there during a simultaneous open; RFC 9293 treats
   * both as unacceptable segments and answers with a bare ACK.
   */
  readonly linuxSynReceived: boolean;
  /**
   * The RTO is SRTT plus a variance term never below rtoMin (Linux tcp_rtt_estimator(),
   * __tcp_set_rto()), rather than RFC 6298's max(rtoMin, SRTT + 4·RTTVAR).
   */
  readonly rtoMinOnVariance: boolean;
  /**
   * Congestion control: `reno` (RFC 5681 fast recovery), `newreno` (RFC 6582, and RFC 6675
   * when SACK is on), `cubic` (RFC 9438; Linux's default, net.ipv4.tcp_congestion_control).
   */
  readonly cc: CcAlgorithm;
  /** Offer and use SACK (RFC 2018, with D-SACK, RFC 2883): net.ipv4.tcp_sack, on in Linux. */
  readonly sack: boolean;
  /** Initial congestion window in segments: Linux TCP_INIT_CWND 10; RFC 6928 allows 10. */
  readonly initCwnd: number;
  /** Restart from the initial window after an idle RTO (RFC 5681 §4.1; net.ipv4.tcp_slow_start_after_idle = 1). */
  readonly slowStartAfterIdle: boolean;
  /** Duplicate ACKs (or SACKed segments) that mean a loss: net.ipv4.tcp_reordering 3; RFC 5681's DupThresh 3. */
  readonly reordering: number;
  /** Ephemeral port range (net.ipv4.ip_local_port_range). */
  readonly ephemeralLow: number;
  readonly ephemeralHigh: number;
}

export const LINUX: Profile = Object.freeze({
  name: 'linux',
  rtoInitial: 1000,
  rtoMin: 200,
  rtoMax: 120_000,
  rtoAfterSynLoss: 3000,
  tcp_syn_retries: 6,
  tcp_syn_linear_timeouts: 4,
  synGiveUpByTime: true,
  tcp_synack_retries: 5,
  tcp_retries2: 15,
  msl: 30_000,
  timeWait: 60_000,
  tcp_fin_timeout: 60_000,
  mss: 1460,
  rcvBuf: 64_240,
  sndBuf: 262_144,
  wscale: 7,
  timestamps: true,
  quickAck: true,
  delAckTimeout: 40,
  delAckMax: 200,
  maxQuickAcks: 16,
  invalidRateLimit: 500,
  timerTick: 4,
  nagle: true,
  linuxSynReceived: true,
  rtoMinOnVariance: true,
  cc: 'cubic',
  sack: true,
  initCwnd: 10,
  slowStartAfterIdle: true,
  reordering: 3,
  ephemeralLow: 32768,
  ephemeralHigh: 60999,
});

export const RFC: Profile = Object.freeze({
  name: 'rfc',
  rtoInitial: 1000,
  rtoMin: 1000,
  rtoMax: 120_000,
  rtoAfterSynLoss: 3000,
  tcp_syn_retries: 6,
  tcp_syn_linear_timeouts: 0,
  synGiveUpByTime: false,
  tcp_synack_retries: 5,
  tcp_retries2: 15,
  msl: 30_000,
  timeWait: 60_000,
  tcp_fin_timeout: 60_000,
  mss: 1460,
  rcvBuf: 65_535,
  sndBuf: 262_144,
  wscale: null,
  timestamps: false,
  quickAck: false,
  delAckTimeout: 200,
  delAckMax: 200,
  maxQuickAcks: 0,
  invalidRateLimit: 0,
  timerTick: 0,
  nagle: true,
  linuxSynReceived: false,
  rtoMinOnVariance: false,
  cc: 'newreno',
  sack: false,
  initCwnd: 10,
  slowStartAfterIdle: true,
  reordering: 3,
  ephemeralLow: 49152,
  ephemeralHigh: 65535,
});

export type ProfileOverrides = Partial<Omit<Profile, 'name'>>;

/**
 * The profile named, with overrides applied. For `rfc`, TIME_WAIT follows the
 * MSL (2×MSL) unless `timeWait` itself is overridden; Linux's is fixed.
 */
export function makeProfile(name: ProfileName, overrides: ProfileOverrides = {}): Profile {
  const base = name === 'linux' ? LINUX : RFC;
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) continue;
    const problem = overrideProblem(k, v);
    if (problem) throw new RangeError(`profile ${name}: ${k} ${problem}`);
  }
  const p = { ...base, ...overrides };
  if (name === 'rfc' && overrides.timeWait === undefined) p.timeWait = 2 * p.msl;
  const problem = profileProblem(p);
  if (problem) throw new RangeError(`profile ${name}: ${problem}`);
  return Object.freeze(p);
}

/** What is wrong with one override (the limits in formats/limits.ts), or null. */
function overrideProblem(k: string, v: unknown): string | null {
  const shown = JSON.stringify(v) ?? typeof v;
  if (!(k in LINUX) || k === 'name') return 'is not a profile constant';
  if (isNumericProfileKey(k)) {
    const l = PROFILE_LIMITS[k];
    return withinLimit(v, l) ? null : `must be ${limitText(l)}, not ${shown}`;
  }
  if (k === 'cc')
    return (CC_ALGORITHMS as readonly unknown[]).includes(v)
      ? null
      : `must be one of ${CC_ALGORITHMS.join(', ')}, not ${shown}`;
  if (k === 'wscale')
    return v === null || withinLimit(v, WSCALE_LIMIT)
      ? null
      : `must be ${limitText(WSCALE_LIMIT)} or null, not ${shown}`;
  return typeof v === 'boolean' ? null : `must be true or false, not ${shown}`;
}

/** The names of the numeric constants a scenario may override. */
export const PROFILE_KEYS = Object.keys(LINUX).filter((k) => k !== 'name') as (keyof Omit<
  Profile,
  'name'
>)[];

/**
 * Linux's tcp_model_timeout(): how long `boundary` exponential retries starting
 * from `rtoBase` take, the RTO capped at rtoMax. Used to give up on SYNs and data.
 */
export function modelTimeout(boundary: number, rtoBase: number, rtoMax: number): number {
  const thresh = Math.floor(Math.log2(rtoMax / rtoBase));
  if (boundary <= thresh) return (2 ** (boundary + 1) - 1) * rtoBase;
  return (2 ** (thresh + 1) - 1) * rtoBase + (boundary - thresh) * rtoMax;
}
