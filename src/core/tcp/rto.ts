/**
 * The retransmission timeout estimator of RFC 6298, as pure functions over a
 * small immutable record.
 */
export interface RtoState {
  /** Smoothed round-trip time (ms); undefined before the first measurement. */
  readonly srtt: number | undefined;
  readonly rttvar: number | undefined;
  /** The current RTO (ms), before any backoff. */
  readonly base: number;
  /** How many times the timer has been backed off since the last new ACK. */
  readonly backoff: number;
}

export interface RtoLimits {
  readonly rtoInitial: number;
  readonly rtoMin: number;
  readonly rtoMax: number;
  /**
   * Linux's form: RTO = SRTT + max(4·RTTVAR, rto_min), the variance term never below
   * rto_min (tcp_rtt_estimator() keeps rttvar_us ≥ tcp_rto_min, __tcp_set_rto() adds
   * it to SRTT). Otherwise RFC 6298's: max(rto_min, SRTT + max(G, 4·RTTVAR)).
   */
  readonly rtoMinOnVariance?: boolean;
}

const ALPHA = 1 / 8;
const BETA = 1 / 4;
const K = 4;
/** Clock granularity G of RFC 6298 §2: the model's clock is exact, Linux's is 1 ms. */
const G = 1;

/** RFC 6298 §2.1: until a measurement is made, RTO is the initial value. */
export const initialRto = (limits: RtoLimits): RtoState => ({
  srtt: undefined,
  rttvar: undefined,
  base: limits.rtoInitial,
  backoff: 0,
});

const clamp = (v: number, limits: RtoLimits): number =>
  Math.min(limits.rtoMax, Math.max(limits.rtoMin, v));

/** RFC 6298 §2.2 and §2.3: fold one RTT measurement R (ms) into the estimator. */
export function sampleRtt(s: RtoState, r: number, limits: RtoLimits): RtoState {
  let srtt: number;
  let rttvar: number;
  if (s.srtt === undefined || s.rttvar === undefined) {
    srtt = r;
    rttvar = r / 2;
  } else {
    rttvar = (1 - BETA) * s.rttvar + BETA * Math.abs(s.srtt - r);
    srtt = (1 - ALPHA) * s.srtt + ALPHA * r;
  }
  const base = limits.rtoMinOnVariance
    ? Math.min(limits.rtoMax, srtt + Math.max(G, K * rttvar, limits.rtoMin))
    : clamp(srtt + Math.max(G, K * rttvar), limits);
  return { srtt, rttvar, base, backoff: s.backoff };
}

/** The timeout to arm now: the base doubled once per backoff (§5.5), capped at the maximum (§2.5). */
export const currentRto = (s: RtoState, limits: RtoLimits): number =>
  Math.min(limits.rtoMax, s.base * 2 ** s.backoff);

/** §5.5: back off the timer after it expires. */
export const backOff = (s: RtoState): RtoState => ({ ...s, backoff: s.backoff + 1 });

/** §5.7 note: a new ACK ends the backoff (the next RTO is computed afresh). */
export const resetBackoff = (s: RtoState): RtoState => (s.backoff === 0 ? s : { ...s, backoff: 0 });
