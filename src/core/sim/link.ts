/**
 * The virtual link between the two endpoints: per direction, a one-way delay
 * with jitter, and probabilities of loss, duplication and reordering; plus
 * rules that drop particular segments. All chance comes from the run's PRNG.
 */
import type { Prng } from './prng';
import { flagString, type Segment } from '../tcp/segment';
import type { Side } from './trace';

export interface DirectionConfig {
  /** One-way delay (ms). */
  readonly delay: number;
  /** Extra delay, uniform in [0, jitter] (ms). */
  readonly jitter: number;
  /** Probability that a segment is lost. */
  readonly loss: number;
  /** Probability that a segment arrives twice. */
  readonly duplicate: number;
  /** Probability that a segment is held back (by one more delay) so later ones overtake it. */
  readonly reorder: number;
}

export const DEFAULT_DIRECTION: DirectionConfig = Object.freeze({
  delay: 50,
  jitter: 0,
  loss: 0,
  duplicate: 0,
  reorder: 0,
});

export type LinkRule =
  /** Drop the next segment sent by `from` whose flags (tcpdump notation, "S", "S.", "F.", "." …) match; any flags when null. */
  | { readonly kind: 'dropNext'; readonly from: Side; readonly flags: string | null }
  /** Drop the Nth segment (counting from 1, since the run began) sent by `from`. */
  | { readonly kind: 'dropNth'; readonly from: Side; readonly n: number };

export interface Fate {
  readonly arriveAt: number;
  readonly dropped: 'loss' | 'rule' | null;
  /** Arrival time of a duplicate copy, if the link makes one. */
  readonly dupAt: number | null;
}

export class Link {
  readonly config: Record<Side, DirectionConfig>;
  private rules: LinkRule[] = [];
  private sent: Record<Side, number> = { client: 0, server: 0 };

  constructor(
    private readonly prng: Prng,
    config: Partial<Record<Side, Partial<DirectionConfig>>> = {},
  ) {
    this.config = {
      client: { ...DEFAULT_DIRECTION, ...config.client },
      server: { ...DEFAULT_DIRECTION, ...config.server },
    };
  }

  configure(from: Side, change: Partial<DirectionConfig>): void {
    this.config[from] = { ...this.config[from], ...change };
  }

  addRule(rule: LinkRule): void {
    this.rules.push(rule);
  }

  get pendingRules(): readonly LinkRule[] {
    return this.rules;
  }

  /** Decide what happens to a segment `from` puts on the link at `now`. */
  fate(from: Side, seg: Segment, now: number): Fate {
    const n = ++this.sent[from];
    const c = this.config[from];
    const arriveAt = now + c.delay + (c.jitter > 0 ? this.prng.float() * c.jitter : 0);
    const ruleIndex = this.rules.findIndex(
      (r) =>
        r.from === from &&
        (r.kind === 'dropNth' ? r.n === n : r.flags === null || r.flags === flagString(seg.flags)),
    );
    if (ruleIndex >= 0) {
      this.rules.splice(ruleIndex, 1);
      return { arriveAt, dropped: 'rule', dupAt: null };
    }
    if (this.prng.chance(c.loss)) return { arriveAt, dropped: 'loss', dupAt: null };
    const held = this.prng.chance(c.reorder) ? Math.max(c.delay, 1) : 0;
    const dupAt = this.prng.chance(c.duplicate)
      ? arriveAt + held + (c.jitter > 0 ? this.prng.float() * c.jitter : 0) + 0.001
      : null;
    return { arriveAt: arriveAt + held, dropped: null, dupAt };
  }
}
