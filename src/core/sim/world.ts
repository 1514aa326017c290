/**
 * The world: two hosts joined by a link, one scheduler, one PRNG, one trace.
 *
 * Everything that changes the world from outside (a socket call, a link
 * setting, a click that drops a segment) goes through `act`, which records it
 * with the instant it happened. Since the seed and those inputs determine the
 * run, `replay` rebuilds any prefix of it exactly, and `fork` rebuilds it up
 * to an earlier instant and lets a new future start there. `at(t)` reads the
 * state of the world at any instant from the recorded history, without
 * re-running anything.
 */
import { stateOf } from '../tcp/endpoint-machine';
import { Host, type Call, type CallHandle, type Conn, type SocketView } from '../sockets/host';
import { Link, type DirectionConfig, type LinkRule } from './link';
import { Prng } from './prng';
import { makeProfile, type Profile, type ProfileName, type ProfileOverrides } from '../tcp/profile';
import { Scheduler } from './scheduler';
import { parseIp, type Segment } from '../tcp/segment';
import { TIMER_NAMES, type StateName, type Tcb, type TimerName } from '../tcp/tcb';
import { Trace, type QueueLevel, type SegmentRecord, type Side } from './trace';

export interface WorldOptions {
  readonly seed: number;
  readonly profile?: ProfileName;
  readonly overrides?: ProfileOverrides;
  readonly link?: Partial<Record<Side, Partial<DirectionConfig>>>;
  readonly clientIp?: string;
  readonly serverIp?: string;
  /** Keep every machine snapshot for `at(t)` (default true). */
  readonly keepHistory?: boolean;
  /**
   * The most work this world may do: scheduler events run, segments put on
   * the link, payload bytes searched by drop rules. Past any of them, the world
   * throws `WorkBudgetExceeded` — from inside the step that went over, so one
   * event that would emit segments without end is stopped too. A world that
   * threw is unfinished; throw it away.
   */
  readonly budget?: WorkBudget;
  /**
   * A script plays this side instead of its host (the packetdrill runner):
   * every segment sent toward it is recorded as sent and arrived at once and
   * handed to `receive` instead of crossing the link, and the script's own
   * segments arrive at the other host through `inject`. Its host stays idle.
   * A scripted run is rebuilt from its script, not from `inputs`.
   */
  readonly scripted?: ScriptedSide;
}

/** The side a script plays, and where the segments sent to it go. */
export interface ScriptedSide {
  readonly side: Side;
  readonly receive: (seg: Segment, id: number) => void;
}

export interface WorkBudget {
  readonly events?: number;
  readonly segments?: number;
  /** Payload bytes the link's drop rules may search for their patterns (`Link.scanned`). */
  readonly scanBytes?: number;
}

/** The parts of a work budget. */
export type WorkKind = keyof WorkBudget;

/** What a budget part counts, for messages: `50,000 events`. */
export function workText(what: WorkKind, n: number): string {
  const unit =
    what === 'events'
      ? 'events'
      : what === 'segments'
        ? 'segments'
        : 'bytes of payload searched by drop rules';
  return `${n.toLocaleString('en-US')} ${unit}`;
}

/** A world ran past its `WorkBudget`. */
export class WorkBudgetExceeded extends Error {
  constructor(
    readonly what: WorkKind,
    readonly limit: number,
  ) {
    super(`the run needs more than ${workText(what, limit)}`);
    this.name = 'WorkBudgetExceeded';
  }
}

export const DEFAULT_CLIENT_IP = '192.0.2.10';
export const DEFAULT_SERVER_IP = '192.0.2.1';
/** The port the tutorial's echo server listens on. */
export const DEFAULT_SERVER_PORT = 9821;

export type Action =
  | { readonly kind: 'call'; readonly side: Side; readonly call: Call }
  | { readonly kind: 'link'; readonly from: Side; readonly change: Partial<DirectionConfig> }
  | { readonly kind: 'rule'; readonly rule: LinkRule }
  | { readonly kind: 'drop'; readonly id: number };

/** An action as it happened: at time `t`, after `steps` scheduler events had run. */
export interface Input {
  readonly t: number;
  readonly steps: number;
  readonly action: Action;
}

/** What a connection looked like at some instant. */
export interface ConnView {
  readonly id: string;
  readonly side: Side;
  readonly state: StateName;
  readonly tcb: Tcb;
}

/** The state of the world at an instant. */
export interface WorldView {
  readonly t: number;
  readonly conns: readonly ConnView[];
  readonly inFlight: readonly SegmentRecord[];
  readonly timers: readonly { conn: string; side: Side; timer: TimerName; deadline: number }[];
  /** Each host's socket table: its open descriptors in fd order. */
  readonly sockets: Readonly<Record<Side, readonly SocketView[]>>;
  /** Each direction's bottleneck queue (segments waiting and the one being sent), by sender. */
  readonly queues: Readonly<Record<Side, QueueLevel>>;
}

/** Something that looks at a world as it runs (reads only). */
export type Watch = (w: World) => void;
/** How often (in scheduler steps) a watcher is called. */
export const WATCH_EVERY = 256;

export class World {
  readonly sched = new Scheduler();
  readonly trace = new Trace();
  readonly prng: Prng;
  readonly profile: Profile;
  readonly link: Link;
  readonly client: Host;
  readonly server: Host;
  readonly inputs: Input[] = [];
  private steps = 0;
  private watcher: Watch | null = null;
  /** Set when the work budget ran out inside an event; thrown at the end of it. */
  private exceeded: WorkBudgetExceeded | null = null;
  private nextSegId = 0;
  /** Scheduled arrivals of segments still in flight, by segment id. */
  private arrivals = new Map<number, number>();
  /** Segment ids dropped while in flight. */
  private droppedInFlight = new Map<number, number>();

  constructor(readonly options: WorldOptions) {
    this.prng = new Prng(options.seed);
    this.profile = makeProfile(options.profile ?? 'linux', options.overrides);
    this.link = new Link(this.prng, options.link, (q) => this.trace.pushQueue(q));
    const keepHistory = options.keepHistory ?? true;
    const env = (side: Side, ip: string) => ({
      side,
      ip: mustIp(ip),
      profile: this.profile,
      sched: this.sched,
      prng: this.prng,
      trace: this.trace,
      keepHistory,
      transmit: (from: Side, conn: string | null, seg: Segment, rtx: boolean) =>
        this.transmit(from, conn, seg, rtx),
    });
    this.client = new Host(env('client', options.clientIp ?? DEFAULT_CLIENT_IP));
    this.server = new Host(env('server', options.serverIp ?? DEFAULT_SERVER_IP));
  }

  /** Call `fn` every WATCH_EVERY steps (progress reports of a long run); null to stop. */
  watch(fn: Watch | null): void {
    this.watcher = fn;
  }

  host(side: Side): Host {
    return side === 'client' ? this.client : this.server;
  }

  get now(): number {
    return this.sched.now;
  }

  // ------------------------------------------------------------ acting

  /** Apply an action now, and record it as an input of the run. */
  act(action: Action): CallHandle | undefined {
    this.inputs.push({ t: this.sched.now, steps: this.steps, action });
    switch (action.kind) {
      case 'call': {
        const h = this.host(action.side).call(action.call);
        if (this.exceeded) throw this.exceeded;
        return h;
      }
      case 'link':
        this.link.configure(action.from, action.change);
        return undefined;
      case 'rule':
        this.link.addRule(action.rule);
        return undefined;
      case 'drop':
        this.dropInFlight(action.id);
        return undefined;
    }
  }

  /** A socket call on one side, now. */
  call(side: Side, call: Call): CallHandle {
    return this.act({ kind: 'call', side, call })!;
  }

  /** Is segment `id` on the link now (sent, not yet arrived, not dropped)? */
  isInFlight(id: number): boolean {
    return this.arrivals.has(id);
  }

  private dropInFlight(id: number): void {
    const timer = this.arrivals.get(id);
    if (timer === undefined) return;
    this.sched.cancel(timer);
    this.arrivals.delete(id);
    this.droppedInFlight.set(id, this.sched.now);
    this.trace.push({ kind: 'drop', t: this.sched.now, id, reason: 'user' });
  }

  // ------------------------------------------------------------ the link

  private transmit(from: Side, conn: string | null, seg: Segment, rtx: boolean): void {
    const maxSegments = this.options.budget?.segments;
    if (maxSegments !== undefined && this.nextSegId >= maxSegments) {
      // A machine's emit cannot throw through XState: note it, and step() throws.
      this.exceeded ??= new WorkBudgetExceeded('segments', maxSegments);
      return;
    }
    if (this.exceeded) return;
    const now = this.sched.now;
    const scripted = this.options.scripted;
    if (scripted && scripted.side !== from) {
      const id = this.nextSegId++;
      this.trace.pushSegment(id, from, conn, now, now, null, rtx, null, seg);
      this.trace.pushDeliver(now, id);
      scripted.receive(seg, id);
      return;
    }
    const fate = this.link.fate(from, seg, now);
    const maxScan = this.options.budget?.scanBytes;
    // The search that went over has finished; no segment after it is searched.
    if (maxScan !== undefined && this.link.scanned > maxScan)
      this.exceeded ??= new WorkBudgetExceeded('scanBytes', maxScan);
    const id = this.nextSegId++;
    this.trace.pushSegment(id, from, conn, now, fate.arriveAt, fate.dropped, rtx, null, seg);
    if (fate.dropped) return;
    const to = from === 'client' ? this.server : this.client;
    this.scheduleArrival(id, fate.arriveAt, to, seg);
    if (fate.dupAt !== null) {
      const dupId = this.nextSegId++;
      this.trace.pushSegment(dupId, from, conn, now, fate.dupAt, null, rtx, id, seg);
      this.scheduleArrival(dupId, fate.dupAt, to, seg);
    }
  }

  /**
   * A segment of the scripted side (`WorldOptions.scripted`) arrives at the other
   * host now, without crossing the link; recorded as sent and delivered now.
   * Returns its id in the trace.
   */
  inject(seg: Segment): number {
    const scripted = this.options.scripted;
    if (!scripted) throw new Error('inject() needs a world with a scripted side');
    const maxSegments = this.options.budget?.segments;
    if (maxSegments !== undefined && this.nextSegId >= maxSegments)
      throw new WorkBudgetExceeded('segments', maxSegments);
    const to = scripted.side === 'client' ? this.server : this.client;
    const id = this.nextSegId++;
    const now = this.sched.now;
    this.trace.pushSegment(id, scripted.side, null, now, now, null, false, null, seg);
    this.trace.pushDeliver(now, id);
    to.receive(seg, id);
    if (this.exceeded) throw this.exceeded;
    return id;
  }

  /** The longest time any segment was (to be) in flight: bounds the in-flight scan of `at`. */
  private longestFlight = 0;

  private scheduleArrival(id: number, at: number, to: Host, seg: Segment): void {
    this.longestFlight = Math.max(this.longestFlight, at - this.sched.now);
    const timer = this.sched.at(at, () => {
      this.arrivals.delete(id);
      this.trace.pushDeliver(this.sched.now, id);
      to.receive(seg, id);
    });
    this.arrivals.set(id, timer);
  }

  // ------------------------------------------------------------ time

  /** Run the next event. */
  step(): boolean {
    if (this.sched.peekTime() === undefined) return false;
    // Count the step before running it: an action taken inside it (an application
    // reacting to a call that just returned) is replayed right after it.
    const maxEvents = this.options.budget?.events;
    if (maxEvents !== undefined && this.steps >= maxEvents)
      throw new WorkBudgetExceeded('events', maxEvents);
    this.steps++;
    const ran = this.sched.step();
    // Departures from the bottleneck due by now are recorded now (the link records them lazily).
    if (this.link.backlog !== 0) this.link.settle(this.sched.now);
    if (this.exceeded) throw this.exceeded;
    if (this.watcher && this.steps % WATCH_EVERY === 0) this.watcher(this);
    return ran;
  }

  /** Run every event up to and including `t`. */
  runUntil(t: number): void {
    for (;;) {
      const next = this.sched.peekTime();
      if (next === undefined || next > t) break;
      this.step();
    }
    if (t > this.sched.now) {
      this.sched.now = t;
      this.link.settle(t);
    }
  }

  /** Run until nothing is left to happen, or `limit` (virtual ms) is reached. True if it went idle. */
  runUntilIdle(limit = Number.POSITIVE_INFINITY): boolean {
    for (;;) {
      const next = this.sched.peekTime();
      if (next === undefined) return true;
      if (next > limit) {
        this.runUntil(limit);
        return false;
      }
      this.step();
    }
  }

  get stepsRun(): number {
    return this.steps;
  }

  // ------------------------------------------------------------ time travel

  /** Every connection machine of both hosts. */
  allConns(): Conn[] {
    return [...this.client.conns, ...this.server.conns];
  }

  /** The state of the world at instant `t` (after every event at `t`), from the recorded history. */
  at(t: number): WorldView {
    const conns: ConnView[] = [];
    const timers: { conn: string; side: Side; timer: TimerName; deadline: number }[] = [];
    for (const c of this.allConns()) {
      const snap = c.history?.at(t);
      if (!snap) continue;
      const tcb = snap.context.tcb;
      conns.push({ id: c.id, side: c.side, state: stateOf(snap), tcb });
      for (const timer of TIMER_NAMES) {
        const d = tcb.timers[timer];
        if (d !== null && d > t) timers.push({ conn: c.id, side: c.side, timer, deadline: d });
      }
    }
    // Segments are in send order, and none is in flight longer than the longest
    // flight so far: start the scan that long before t, found by binary search.
    const trace = this.trace;
    const n = trace.segmentCount;
    let lo = 0;
    let hi = n;
    const from = t - this.longestFlight;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (trace.sentAt(mid) < from) lo = mid + 1;
      else hi = mid;
    }
    const inFlight: SegmentRecord[] = [];
    for (let id = lo; id < n; id++) {
      if (trace.sentAt(id) > t) break;
      if (trace.droppedAtSend(id) || trace.arrivesAt(id) <= t) continue;
      const dropT = this.droppedInFlight.get(id);
      if (dropT !== undefined && dropT <= t) continue;
      inFlight.push(trace.segment(id));
    }
    // ---- socket tables (from each host's own history; kept apart from the machines' above)
    const sockets = { client: this.client.socketsAt(t), server: this.server.socketsAt(t) };
    // ---- end of socket tables
    return { t, conns, inFlight, timers, sockets, queues: this.queuesAt(t) };
  }

  /**
   * Each direction's queue at `t`, from the trace's queue samples; past the
   * present, less the departures already known to come by then.
   */
  private queuesAt(t: number): Record<Side, QueueLevel> {
    const link = this.link;
    link.settle(this.sched.now);
    const q = this.trace.queueAt(t);
    if (link.backlog === 0 || t <= this.sched.now) return q;
    const less = (side: Side): QueueLevel => {
      const gone = link.leavingBy(side, t);
      return { packets: q[side].packets - gone.packets, bytes: q[side].bytes - gone.bytes };
    };
    return { client: less('client'), server: less('server') };
  }

  /** A new world that replays this one's inputs up to instant `t` (inclusive) and stands at `t`. */
  fork(t: number): World {
    return World.replay(
      this.options,
      this.inputs.filter((i) => i.t <= t),
      t,
    );
  }

  /**
   * This run as it stood partway through an instant: replayed from its inputs up
   * to the first point — between two scheduler steps, or between an input and
   * what follows it — at which its trace holds at least `n` records (all of them
   * if it never does). The views show a prefix to stand between two things that
   * happened at one instant (the walkthrough's question about the second of two
   * state changes at the same time). Two replays: one to find the point, one to
   * stop there.
   */
  prefix(n: number): World {
    const inputs = this.inputs;
    // Pass 1: how many inputs and steps it takes for the trace to reach n records.
    const probe = new World(this.options);
    const reached = () => probe.trace.length >= n;
    let applied = 0;
    run: {
      if (reached()) break run;
      for (const i of inputs) {
        while (probe.steps < i.steps && probe.step()) if (reached()) break run;
        if (probe.sched.now < i.t) probe.sched.now = i.t;
        probe.act(i.action);
        applied++;
        if (reached()) break run;
      }
      while (probe.step()) if (reached()) break;
    }
    const stop = { inputs: applied, steps: probe.steps };
    // Pass 2: replay exactly that far.
    const w = new World(this.options);
    for (let k = 0; k < stop.inputs; k++) {
      const i = inputs[k]!;
      while (w.steps < i.steps && w.step());
      if (w.sched.now < i.t) w.sched.now = i.t;
      w.act(i.action);
    }
    while (w.steps < stop.steps && w.step());
    return w;
  }

  /** Rebuild a run from its options and inputs, standing at `until` (or after the last input). */
  static replay(
    options: WorldOptions,
    inputs: readonly Input[],
    until?: number,
    watch?: Watch,
  ): World {
    const w = new World(options);
    if (watch) w.watch(watch);
    for (const i of inputs) {
      while (w.steps < i.steps && w.step());
      if (w.sched.now < i.t) w.sched.now = i.t;
      w.act(i.action);
    }
    if (until !== undefined) w.runUntil(until);
    return w;
  }
}

function mustIp(text: string): number {
  const ip = parseIp(text);
  if (ip === undefined) throw new Error(`not an IPv4 address: ${text}`);
  return ip;
}
