/**
 * The virtual link between the two endpoints: per direction, a one-way delay
 * with jitter, probabilities of loss, duplication and reordering, and a
 * bottleneck (a rate and a drop-tail queue); plus rules that drop particular
 * segments. All chance comes from the run's PRNG.
 *
 * A drop rule picks its segment by number (`dropNth`) or by a pattern
 * (`dropNext`): flags exactly or under a mask, and the payload (none, some, or
 * containing given bytes, as `iptables -m string` looks for them). A pattern
 * rule may wait to be armed by a segment one side sends (`after`): it then
 * drops the first match sent after that segment. The link sees every segment
 * either side sends, so arming is decided here, in send order, and replays
 * exactly.
 *
 * A segment sent one way meets, in this order:
 *
 * 1. the drop rules, then random loss (a loss anywhere on the path): a segment
 *    dropped here takes no place in the queue;
 * 2. the bottleneck, when the direction has a rate: a FIFO queue, holding the
 *    segments waiting and the one being serialized (a qdisc and the NIC
 *    together). A segment that finds it full is dropped (`'queue'`, drop-tail,
 *    as Linux's pfifo and bfifo); else it leaves when the segments before it
 *    have, after its serialization time, its IPv4 length × 8 / rate:
 *    `departure = max(now, previous departure) + length × 8 / rate`;
 * 3. the path after it: the delay, jitter, reordering (held back by one more
 *    delay) and duplication. A duplicate is made past the bottleneck, so it
 *    takes no place in the queue: it arrives with the original's departure.
 *
 * Departures are worked out when a segment enters, and recorded as queue
 * samples (`QueueSample`, through `onQueue`) lazily: `settle(t)` records every
 * departure due by `t`, and the link settles before each sample it records, so
 * the samples stay in time order without a scheduler event per departure. The
 * world settles after each of its steps. With no rate and nothing queued, a
 * segment does none of this.
 */
import type { Prng } from './prng';
import { ACK, FIN, PSH, RST, SYN, URG, flagString, type Segment } from '../tcp/segment';
import { ipv4Length } from '../wire/wire';
import type { QueueLevel, QueueSample, Side } from './trace';

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
  /**
   * The bottleneck's rate (bit/s): a segment takes its IPv4 length × 8 / rate
   * seconds to be sent, one after another. 0: unlimited, no queue at all.
   */
  readonly rate: number;
  /** The most the bottleneck's queue holds (the segment being sent included); null: no limit. */
  readonly queue: QueueLimit | null;
}

/**
 * A drop-tail limit: in segments (Linux pfifo: a segment is dropped when that
 * many are queued) or in IPv4 bytes (bfifo: dropped when it would take the
 * queue past that many bytes).
 */
export type QueueLimit = { readonly packets: number } | { readonly bytes: number };

export const DEFAULT_DIRECTION: DirectionConfig = Object.freeze({
  delay: 50,
  jitter: 0,
  loss: 0,
  duplicate: 0,
  reorder: 0,
  rate: 0,
  queue: null,
});

// ------------------------------------------------------------------ patterns

/** The flags a pattern can name, in the order tcpdump prints them ("." is ACK). */
export const FLAG_LETTERS: readonly (readonly [string, number])[] = [
  ['S', SYN],
  ['F', FIN],
  ['R', RST],
  ['P', PSH],
  ['U', URG],
  ['.', ACK],
];
const NAMED_FLAGS = SYN | FIN | RST | PSH | URG | ACK;

/** A segment's flags match when `(flags & mask) === value`. */
export interface FlagTest {
  readonly mask: number;
  readonly value: number;
}

/** The letters of `bits` in tcpdump's order, '' for none. */
function letters(bits: number): string {
  let s = '';
  for (const [l, b] of FLAG_LETTERS) if (bits & b) s += l;
  return s;
}

/**
 * Read a flags pattern, as scenario files and share links write it:
 *
 * - exactly these flags, in tcpdump notation, letters in any order: `S`, `S.`,
 *   `F.`, `.` (ACK and nothing else of S F R P U), or `none`;
 * - a mask: `+` and the flags that must be set, `-` and those that must be
 *   clear, the others free: `+F` (FIN set), `-R` (RST clear), `+S-.` (SYN
 *   set, ACK clear).
 *
 * Returns the test and the pattern's canonical spelling (letters in tcpdump's
 * order; `+` before `-`), or what is wrong with it.
 */
export function parseFlagPattern(
  text: string,
): { readonly test: FlagTest; readonly text: string } | { readonly error: string } {
  if (text === 'none') return { test: { mask: NAMED_FLAGS, value: 0 }, text };
  const bitOf = (c: string): number | undefined => FLAG_LETTERS.find(([l]) => l === c)?.[1];
  if (text[0] !== '+' && text[0] !== '-') {
    let bits = 0;
    for (const c of text) {
      const b = bitOf(c);
      if (b === undefined) return { error: notAFlag(c) };
      if (bits & b) return { error: `flag '${c}' is given twice` };
      bits |= b;
    }
    if (bits === 0) return { error: 'no flags given' };
    return { test: { mask: NAMED_FLAGS, value: bits }, text: flagString(bits) };
  }
  const groups: Record<'+' | '-', number | null> = { '+': null, '-': null };
  let sign: '+' | '-' | null = null;
  for (const c of text) {
    if (c === '+' || c === '-') {
      if (sign !== null && groups[sign] === 0) return { error: emptyGroup(sign) };
      if (groups[c] !== null)
        return {
          error: `'${c}' is given twice: write every flag that must be ${c === '+' ? 'set' : 'clear'} after one '${c}'`,
        };
      groups[c] = 0;
      sign = c;
      continue;
    }
    const b = bitOf(c);
    if (b === undefined) return { error: notAFlag(c) };
    if (((groups['+'] ?? 0) | (groups['-'] ?? 0)) & b)
      return { error: `flag '${c}' is given twice` };
    groups[sign!]! |= b;
  }
  if (groups[sign!] === 0) return { error: emptyGroup(sign!) };
  const set = groups['+'] ?? 0;
  const clear = groups['-'] ?? 0;
  return {
    test: { mask: set | clear, value: set },
    text: (set ? `+${letters(set)}` : '') + (clear ? `-${letters(clear)}` : ''),
  };
}

const notAFlag = (c: string): string =>
  c === '+' || c === '-'
    ? `'${c}' may only start a mask or its second half (e.g. +F, -R, +S-.)`
    : `'${c}' is not a flag`;
const emptyGroup = (sign: '+' | '-'): string =>
  `'${sign}' needs the flags that must be ${sign === '+' ? 'set' : 'clear'} after it (e.g. ${sign}F)`;

/**
 * What a pattern asks of the payload: none at all (`empty`), at least one byte
 * (`data`), or these bytes somewhere in it (`contains`, within one segment).
 */
export type PayloadTest = 'empty' | 'data' | { readonly contains: Uint8Array };

/** A segment pattern: its flags (a flags pattern; null for any) and its payload (left out for any). */
export interface SegmentPattern {
  readonly flags: string | null;
  readonly payload?: PayloadTest;
}

/** What arms a rule: the first segment `from` sends, after the rule is set, that matches. */
export interface Trigger extends SegmentPattern {
  readonly from: Side;
}

export type LinkRule =
  /**
   * Drop the next segment sent by `from` that matches the pattern (any segment
   * when it has neither flags nor payload) — once armed, if it has an `after`.
   */
  | ({ readonly kind: 'dropNext'; readonly from: Side; readonly after?: Trigger } & SegmentPattern)
  /** Drop the Nth segment (counting from 1, since the run began) sent by `from`. */
  | { readonly kind: 'dropNth'; readonly from: Side; readonly n: number };

/** A pattern ready to test segments with. */
interface Matcher {
  readonly flags: FlagTest | null;
  readonly payload: 'empty' | 'data' | null;
  readonly needle: Uint8Array | null;
  /** KMP failure function of `needle`. */
  readonly fail: Int32Array | null;
}

function matcher(p: SegmentPattern): Matcher {
  let flags: FlagTest | null = null;
  if (p.flags !== null) {
    const f = parseFlagPattern(p.flags);
    if ('error' in f) throw new Error(`bad flags pattern '${p.flags}': ${f.error}`);
    flags = f.test;
  }
  const pl = p.payload;
  if (pl === undefined || pl === 'empty' || pl === 'data')
    return { flags, payload: pl ?? null, needle: null, fail: null };
  if (pl.contains.length === 0) throw new Error('a payload pattern needs at least one byte');
  return { flags, payload: null, needle: pl.contains, fail: kmpFailure(pl.contains) };
}

function kmpFailure(p: Uint8Array): Int32Array {
  const f = new Int32Array(p.length);
  let k = 0;
  for (let i = 1; i < p.length; i++) {
    while (k > 0 && p[i] !== p[k]) k = f[k - 1]!;
    if (p[i] === p[k]) k++;
    f[i] = k;
  }
  return f;
}

/** A rule as the link keeps it: compiled, and whether its trigger has been seen. */
interface LiveRule {
  readonly rule: LinkRule;
  readonly match: Matcher | null;
  readonly trigger: Matcher | null;
  armed: boolean;
}

export interface Fate {
  readonly arriveAt: number;
  readonly dropped: 'loss' | 'rule' | 'queue' | null;
  /** Arrival time of a duplicate copy, if the link makes one. */
  readonly dupAt: number | null;
}

/**
 * One direction's bottleneck queue: the segments in it, in FIFO order from
 * `head`, by the instant each leaves (the end of its serialization) and its
 * length. Entries before `head` have left and been recorded.
 */
interface Queue {
  readonly from: Side;
  ends: number[];
  sizes: number[];
  head: number;
  /** What is in it, counting entries not yet settled. */
  packets: number;
  bytes: number;
  /** When the last segment in it leaves (the bottleneck is free from then on). */
  last: number;
}

const emptyQueue = (from: Side): Queue => ({
  from,
  ends: [],
  sizes: [],
  head: 0,
  packets: 0,
  bytes: 0,
  last: 0,
});

export class Link {
  readonly config: Record<Side, DirectionConfig>;
  private queues: Record<Side, Queue> = {
    client: emptyQueue('client'),
    server: emptyQueue('server'),
  };
  /** Segments in both queues, departures not yet settled included: 0 when there is nothing to do. */
  backlog = 0;
  private rules: LiveRule[] = [];
  /** How many of `rules` wait for their trigger. */
  private unarmed = 0;
  private sent: Record<Side, number> = { client: 0, server: 0 };
  /**
   * Payload bytes the rules' `contains` patterns have searched so far: the
   * work of matching, which the world's budget bounds (`scanBytes`).
   */
  scanned = 0;

  constructor(
    private readonly prng: Prng,
    config: Partial<Record<Side, Partial<DirectionConfig>>> = {},
    /** Where queue samples go (the trace's `pushQueue`), in time order. */
    private readonly onQueue: (s: QueueSample) => void = () => {},
  ) {
    this.config = {
      client: { ...DEFAULT_DIRECTION, ...config.client },
      server: { ...DEFAULT_DIRECTION, ...config.server },
    };
  }

  configure(from: Side, change: Partial<DirectionConfig>): void {
    this.config[from] = { ...this.config[from], ...change };
  }

  /** Set a rule. Throws on a malformed pattern (decoders and the parser check them first). */
  addRule(rule: LinkRule): void {
    const match = rule.kind === 'dropNext' ? matcher(rule) : null;
    const trigger = rule.kind === 'dropNext' && rule.after ? matcher(rule.after) : null;
    this.rules.push({ rule, match, trigger, armed: trigger === null });
    if (trigger !== null) this.unarmed++;
  }

  /** The rules that have not dropped a segment yet, armed or not, in the order they were set. */
  get pendingRules(): readonly LinkRule[] {
    return this.rules.map((r) => r.rule);
  }

  /** Decide what happens to a segment `from` puts on the link at `now`. */
  fate(from: Side, seg: Segment, now: number): Fate {
    const n = ++this.sent[from];
    const c = this.config[from];
    const jitter = c.jitter > 0 ? this.prng.float() * c.jitter : 0;
    const arriveAt = now + c.delay + jitter;
    // Rules are tried in the order they were set; a segment that arms a rule is not
    // one that rule can drop, so the drop is decided first.
    const ruleIndex = this.rules.findIndex(
      (r) =>
        r.rule.from === from &&
        (r.rule.kind === 'dropNth' ? r.rule.n === n : r.armed && this.matches(r.match!, seg)),
    );
    if (this.unarmed > 0)
      for (const r of this.rules)
        if (!r.armed && r.rule.kind === 'dropNext' && r.rule.after!.from === from) {
          r.armed = this.matches(r.trigger!, seg);
          if (r.armed) this.unarmed--;
        }
    if (ruleIndex >= 0) {
      this.rules.splice(ruleIndex, 1);
      return { arriveAt, dropped: 'rule', dupAt: null };
    }
    if (this.prng.chance(c.loss)) return { arriveAt, dropped: 'loss', dupAt: null };
    // The bottleneck: when the segment has left it, or -1 if its queue is full.
    const left = c.rate !== 0 || this.backlog !== 0 ? this.enqueue(from, seg, now, c) : now;
    if (left < 0) return { arriveAt, dropped: 'queue', dupAt: null };
    const at = left === now ? arriveAt : left + c.delay + jitter;
    const held = this.prng.chance(c.reorder) ? Math.max(c.delay, 1) : 0;
    const dupAt = this.prng.chance(c.duplicate)
      ? at + held + (c.jitter > 0 ? this.prng.float() * c.jitter : 0) + 0.001
      : null;
    return { arriveAt: at + held, dropped: null, dupAt };
  }

  /**
   * Put a segment in `from`'s bottleneck queue at `now`: when it has left
   * (after the segments before it and its own serialization), or -1 if the
   * queue is full and it is dropped. A direction without a rate whose queue
   * has emptied passes it at once (`now`) and records nothing.
   */
  private enqueue(from: Side, seg: Segment, now: number, c: DirectionConfig): number {
    this.settle(now);
    const q = this.queues[from];
    if (c.rate === 0 && q.packets === 0) return now;
    const size = ipv4Length(seg);
    const limit = c.queue;
    if (limit !== null) {
      const full = 'packets' in limit ? q.packets >= limit.packets : q.bytes + size > limit.bytes;
      if (full) return -1;
    }
    // With no rate (set to 0 while segments wait), a segment still leaves after them.
    const end = Math.max(now, q.last) + (c.rate === 0 ? 0 : (size * 8000) / c.rate);
    q.ends.push(end);
    q.sizes.push(size);
    q.packets++;
    q.bytes += size;
    q.last = end;
    this.backlog++;
    this.onQueue({ t: now, from, packets: q.packets, bytes: q.bytes });
    return end;
  }

  /**
   * Record every departure due by `t`, both directions merged in time order
   * (the client's first at the same instant). A departure at an instant comes
   * before a segment entering at it: the bottleneck is free again by then.
   */
  settle(t: number): void {
    if (this.backlog === 0) return;
    const c = this.queues.client;
    const s = this.queues.server;
    for (;;) {
      const tc = c.head < c.ends.length ? c.ends[c.head]! : Infinity;
      const ts = s.head < s.ends.length ? s.ends[s.head]! : Infinity;
      const q = tc <= ts ? c : s;
      const end = tc <= ts ? tc : ts;
      if (!(end <= t)) break;
      q.packets--;
      q.bytes -= q.sizes[q.head]!;
      q.head++;
      this.backlog--;
      if (q.packets === 0) {
        q.ends.length = 0;
        q.sizes.length = 0;
        q.head = 0;
      } else if (q.head >= 1024 && q.head * 2 >= q.ends.length) {
        q.ends = q.ends.slice(q.head);
        q.sizes = q.sizes.slice(q.head);
        q.head = 0;
      }
      this.onQueue({ t: end, from: q.from, packets: q.packets, bytes: q.bytes });
    }
  }

  /**
   * What the departures not yet settled will have taken out of `from`'s queue
   * by `t`: for reading the queue past the last settled instant.
   */
  leavingBy(from: Side, t: number): QueueLevel {
    const q = this.queues[from];
    let packets = 0;
    let bytes = 0;
    for (let i = q.head; i < q.ends.length && q.ends[i]! <= t; i++) {
      packets++;
      bytes += q.sizes[i]!;
    }
    return { packets, bytes };
  }

  /** Does `seg` match? Cheap tests first; a byte search last, counted in `scanned`. */
  private matches(m: Matcher, seg: Segment): boolean {
    if (m.flags !== null && (seg.flags & m.flags.mask) !== m.flags.value) return false;
    const len = seg.payload.length;
    if (m.payload === 'empty') return len === 0;
    if (m.payload === 'data') return len > 0;
    if (m.needle === null) return true;
    const hay = seg.payload;
    const needle = m.needle;
    const fail = m.fail!;
    let k = 0;
    for (let i = 0; i < len; i++) {
      const b = hay[i];
      while (k > 0 && b !== needle[k]) k = fail[k - 1]!;
      if (b === needle[k] && ++k === needle.length) {
        this.scanned += i + 1;
        return true;
      }
    }
    this.scanned += len;
    return false;
  }
}
