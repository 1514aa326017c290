/**
 * The session: what the browser app holds between the simulation core and the
 * views. It owns the World, a cursor (the instant on screen), playback, the
 * selected segment, and the few sockets the buttons act on. Views read it
 * through `useSession()` and re-render when `version` changes.
 *
 * Time travel: the cursor may stand anywhere in [0, world.now]. The views read
 * the world *at the cursor* (`view`), from its recorded history. Acting while
 * the cursor is in the past forks a new world from that instant (the recorded
 * future is discarded), then acts.
 */
import {
  DEFAULT_SERVER_IP,
  type SharedRun,
  DEFAULT_SERVER_PORT,
  World,
  WorkBudgetExceeded,
  parseIp,
  type Call,
  type CallHandle,
  type DirectionConfig,
  type SocketView,
  type Side,
  type WorldOptions,
  type WorldView,
} from '../core';

/** The sockets a side's buttons act on, at the cursor. */
export interface SideSockets {
  /** The listening socket (server). */
  readonly listenFd: number | null;
  /** The connected socket: the client's, or the server's accepted one. */
  readonly connFd: number | null;
  /** An accept() is blocked on the listening socket. */
  readonly acceptWaiting: boolean;
  /** setsockopt(SO_REUSEADDR, 1) on the sockets this side makes from now on. */
  readonly reuseAddr: boolean;
}

/** Playback speeds: virtual milliseconds per wall-clock second. */
export const SPEEDS = [10, 50, 250, 1000, 10_000] as const;
export const DEFAULT_SPEED = 50;
/** Wall-clock time after an action during which idle stretches are not skipped. */
export const SKIP_GRACE_MS = 3000;

export const DEFAULT_OPTIONS: WorldOptions = {
  seed: 1,
  profile: 'linux',
  link: { client: { delay: 50 }, server: { delay: 50 } },
};

type Listener = () => void;

/** Where a run came from: a scenario file (its text), or a gallery entry by id. */
export interface RunSource {
  readonly text: string;
  readonly name: string;
  readonly id?: string;
  /** Inputs the run had when opened: more means someone has acted on it since. */
  readonly inputs: number;
}

export class Session {
  /** The world the views show: the run, or a prefix of it (`showBefore`). */
  world: World;
  /** The whole run while the views show a prefix of it; null otherwise. */
  private full: World | null = null;
  /**
   * The run as it was before the last time acting in the past forked it (the
   * graphs can overlay it); null when the run has not been forked since it was
   * started, opened or reset.
   */
  beforeFork: World | null = null;
  cursor = 0;
  playing = false;
  /**
   * The person has stopped time (Pause, a step, a seek, scrubbing): acting then
   * does not start playback, so every click happens at the cursor's instant,
   * however long the person (or a slow machine) takes between clicks. Play
   * lets go. Until the first pause, acting starts playback, so a newcomer who
   * presses connect() sees the SYN travel.
   */
  held = false;
  /**
   * Exercise mode: the fields the learner fills in, hidden by the views on the
   * segment asked (`fromId`) and on every later one. Null when no exercise runs.
   */
  exercise: { readonly fromId: number; readonly fields: readonly string[] } | null = null;
  speed: number = DEFAULT_SPEED;
  /** Jump over stretches where nothing is on the link (TIME_WAIT's 60 s). */
  skipIdle = true;
  selected: number | null = null;
  /** The scenario file this run was opened from (with the number of inputs it had then). */
  source: RunSource | null = null;
  /**
   * Set when the run reached its World's work budget (an opened file or link
   * carries one, see lessons/opener.ts): playback stopped there. What was
   * recorded can still be scrubbed, and acting at an earlier instant forks.
   */
  limit: string | null = null;
  /** Bumped on every change; views subscribe to it. */
  version = 0;
  private reuse: Record<Side, boolean> = { client: false, server: false };
  private listeners = new Set<Listener>();
  /** Wall-clock ms of playback since the user last acted: no idle skipping right after an action. */
  private sinceAction = Number.POSITIVE_INFINITY;
  private cachedView: { t: number; version: number; view: WorldView } | null = null;

  constructor(readonly options: WorldOptions = DEFAULT_OPTIONS) {
    this.world = new World(options);
  }

  // ------------------------------------------------------------ subscription

  subscribe = (fn: Listener): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getVersion = (): number => this.version;

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }

  // ------------------------------------------------------------ reading

  /** The state of the world at the cursor. */
  get view(): WorldView {
    const c = this.cachedView;
    if (c && c.t === this.cursor && c.version === this.version) return c.view;
    const view = this.world.at(this.cursor);
    this.cachedView = { t: this.cursor, version: this.version, view };
    return view;
  }

  /** The cursor stands at the newest instant of the run (acting does not fork). */
  get live(): boolean {
    return this.cursor >= this.world.now;
  }

  /**
   * The sockets a side's buttons act on, read from the socket table at the
   * cursor (`World.at`): the newest listening socket, and the newest connected
   * or accepted one.
   */
  socketsOf(side: Side): SideSockets {
    let listen: SocketView | null = null;
    let conn: SocketView | null = null;
    for (const s of this.view.sockets[side]) {
      if (s.role === 'listening') listen = s;
      else if (s.role === 'connected' || s.role === 'accepted') conn = s;
    }
    return {
      listenFd: listen?.fd ?? null,
      connFd: conn?.fd ?? null,
      acceptWaiting: listen?.blocked.some((b) => b.call.name === 'accept') ?? false,
      reuseAddr: this.reuse[side],
    };
  }

  /**
   * The connection machine a side's panel shows: the one behind the side's
   * connected socket; else the newest live connection (an old one may linger in
   * TIME_WAIT beside it); else the listener; else the last one there was.
   */
  connOf(side: Side): WorldView['conns'][number] | undefined {
    const conns = this.view.conns.filter((c) => c.side === side);
    const fd = this.socketsOf(side).connFd;
    const id =
      fd === null
        ? undefined
        : (this.view.sockets[side].find((s) => s.fd === fd)?.conn ?? undefined);
    const mine = id === undefined ? undefined : conns.find((c) => c.id === id);
    if (mine) return mine;
    const live = conns.filter((c) => c.state !== 'CLOSED');
    for (let i = live.length - 1; i >= 0; i--) if (live[i]!.state !== 'LISTEN') return live[i];
    return live.find((c) => c.state === 'LISTEN') ?? conns[conns.length - 1];
  }

  // ------------------------------------------------------------ acting

  /** The run itself, also while the views show a prefix of it. */
  get baseWorld(): World {
    return this.full ?? this.world;
  }

  /**
   * Show the run as it stood partway through instant `t`: with only its first `n`
   * trace records (`World.prefix`), so that the views stand between two things
   * that happened at the same instant. Moving the cursor shows the whole run again;
   * acting carries on from the prefix, as acting in the past does.
   */
  showBefore(n: number, t: number): void {
    const base = this.baseWorld;
    this.full = base;
    this.world = base.prefix(n);
    this.cursor = t;
    this.held = true;
    this.playing = false;
    this.changed();
  }

  /** Back to the whole run after `showBefore`. */
  private showAll(): void {
    if (!this.full) return;
    this.world = this.full;
    this.full = null;
  }

  /** Bring the world to the cursor before acting: fork if the cursor is in the past. */
  private prepareToAct(): void {
    const whole = this.full ?? this.world;
    // Acting on a prefix carries on from it: it becomes the run.
    this.full = null;
    // Act on whole microseconds, the resolution of scenario files, so a session
    // saved as a file replays at the same instants.
    this.cursor = Math.round(this.cursor * 1000) / 1000;
    if (this.cursor < this.world.now) {
      const t = this.cursor;
      this.beforeFork = whole;
      this.world = this.world.fork(t);
    } else {
      this.run(this.cursor);
    }
  }

  /**
   * Run the world up to `t`; past its work budget, stop playing and say so
   * instead of throwing into a click handler or an animation frame.
   */
  private run(t: number): boolean {
    try {
      this.world.runUntil(t);
      return true;
    } catch (e) {
      if (!(e instanceof WorkBudgetExceeded)) throw e;
      this.limit = e.message;
      this.playing = false;
      return false;
    }
  }

  /** Make one socket call now, as the event log will show it. */
  call(side: Side, call: Call): CallHandle {
    this.prepareToAct();
    const h = this.world.call(side, call);
    this.startPlaying();
    return h;
  }

  /** socket(), with SO_REUSEADDR when the side asked for it. */
  private newSocket(side: Side): number {
    const fd = this.world.call(side, { name: 'socket' }).result!.ret;
    if (this.reuse[side])
      this.world.call(side, { name: 'setsockopt', fd, opt: 'SO_REUSEADDR', value: true });
    return fd;
  }

  /** The server's listen(): socket, bind to 9821, listen, then block in accept() as the tutorial's server does. */
  listen(): void {
    this.prepareToAct();
    const fd = this.newSocket('server');
    const b = this.world.call('server', { name: 'bind', fd, port: DEFAULT_SERVER_PORT });
    if (b.result?.ret !== 0) {
      this.world.call('server', { name: 'close', fd });
      return this.startPlaying();
    }
    this.world.call('server', { name: 'listen', fd, backlog: 128 });
    this.acceptOn(fd);
    this.startPlaying();
  }

  /** accept() on the listening socket; the connection it returns becomes the server's. */
  accept(): void {
    const l = this.socketsOf('server').listenFd;
    if (l === null) return;
    this.prepareToAct();
    this.acceptOn(l);
    this.startPlaying();
  }

  private acceptOn(fd: number): void {
    const world = this.world;
    world.call('server', { name: 'accept', fd }).onDone((r) => {
      if (this.world !== world || r.ret < 0) return;
      this.changed();
    });
  }

  /** The client's connect(): socket, then connect to the server's port 9821. */
  connect(): void {
    this.prepareToAct();
    const fd = this.newSocket('client');
    this.world.call('client', {
      name: 'connect',
      fd,
      ip: parseIp(DEFAULT_SERVER_IP)!,
      port: DEFAULT_SERVER_PORT,
    });
    this.startPlaying();
  }

  send(side: Side, text: string): void {
    const fd = this.socketsOf(side).connFd;
    if (fd === null) return;
    this.call(side, { name: 'send', fd, data: new TextEncoder().encode(text) });
  }

  recv(side: Side): void {
    const fd = this.socketsOf(side).connFd;
    if (fd === null) return;
    this.call(side, { name: 'recv', fd, len: 1024 });
  }

  shutdown(side: Side): void {
    const fd = this.socketsOf(side).connFd;
    if (fd === null) return;
    this.call(side, { name: 'shutdown', fd, how: 'SHUT_WR' });
  }

  /** close() the connected socket; with none, the listener. */
  close(side: Side): void {
    const s = this.socketsOf(side);
    const fd = s.connFd ?? s.listenFd;
    if (fd === null) return;
    this.call(side, { name: 'close', fd });
  }

  /** Abort: SO_LINGER {1, 0} and close(), which resets the connection. */
  abort(side: Side): void {
    const fd = this.socketsOf(side).connFd;
    if (fd === null) return;
    this.prepareToAct();
    this.world.call(side, { name: 'setsockopt', fd, opt: 'SO_LINGER', onoff: true, linger: 0 });
    this.world.call(side, { name: 'close', fd });
    this.startPlaying();
  }

  setReuseAddr(side: Side, on: boolean): void {
    this.reuse[side] = on;
    this.changed();
  }

  setLink(from: Side, change: Partial<DirectionConfig>): void {
    this.prepareToAct();
    this.world.act({ kind: 'link', from, change });
    this.changed();
  }

  /** Drop the next segment `from` sends. */
  dropNext(from: Side): void {
    this.prepareToAct();
    this.world.act({ kind: 'rule', rule: { kind: 'dropNext', from, flags: null } });
    this.changed();
  }

  /** Drop a segment that is on the link at the cursor. */
  dropSegment(id: number): void {
    const inFlight = this.view.inFlight.some((s) => s.id === id);
    if (!inFlight) return;
    this.prepareToAct();
    this.world.act({ kind: 'drop', id });
    this.startPlaying();
  }

  setExercise(x: { fromId: number; fields: readonly string[] } | null): void {
    const cur = this.exercise;
    if (cur === x) return;
    if (cur && x && cur.fromId === x.fromId && cur.fields.join() === x.fields.join()) return;
    this.exercise = x;
    this.changed();
  }

  /** The fields to show as "?" for segment `id` (exercise mode), or null. */
  hiddenFor(id: number): readonly string[] | null {
    const x = this.exercise;
    return x && id >= x.fromId ? x.fields : null;
  }

  select(id: number | null): void {
    this.selected = id;
    this.changed();
  }

  /**
   * Show another run: a scenario run to its end, a share link or a saved
   * session replayed (lessons/actions.ts builds them). The cursor goes to
   * `cursor`; playing from there replays what was recorded, then goes on live.
   */
  adopt(world: World, cursor: number, source: RunSource | null): void {
    this.world = world;
    this.full = null;
    this.beforeFork = null;
    this.source = source;
    this.cursor = Math.min(cursor, world.now);
    this.playing = false;
    this.selected = null;
    this.limit = null;
    this.changed();
  }

  /** The run as data, for a share link or a saved session. */
  exportRun(): SharedRun {
    const world = this.baseWorld;
    return {
      v: 1,
      options: world.options,
      inputs: [...world.inputs],
      cursor: this.cursor,
      ...(this.source?.id ? { scenario: this.source.id } : {}),
    };
  }

  /** Start over with two CLOSED endpoints. */
  reset(options: WorldOptions = this.options): void {
    this.world = new World(options);
    this.full = null;
    this.beforeFork = null;
    this.source = null;
    this.limit = null;
    this.cursor = 0;
    this.playing = false;
    this.selected = null;
    this.changed();
  }

  // ------------------------------------------------------------ time

  /** Something will still happen: events are queued. */
  get busy(): boolean {
    return this.world.sched.peekTime() !== undefined;
  }

  private startPlaying(): void {
    this.sinceAction = 0;
    if (!this.held) this.playing = true;
    this.changed();
  }

  play(): void {
    this.showAll();
    this.held = false;
    this.playing = true;
    this.changed();
  }

  pause(): void {
    this.held = true;
    this.playing = false;
    this.changed();
  }

  setSpeed(speed: number): void {
    this.speed = speed;
    this.changed();
  }

  setSkipIdle(on: boolean): void {
    this.skipIdle = on;
    this.changed();
  }

  /** Move the cursor to `t` (running the world forward when `t` is past its newest instant). */
  seek(t: number): void {
    this.showAll();
    const target = Math.max(0, t);
    if (target > this.world.now) this.run(target);
    this.cursor = Math.min(target, this.world.now);
    this.changed();
  }

  /** Instants at which something happened (or is scheduled), sorted. */
  private eventTimes(): number[] {
    const ts: number[] = [];
    for (const r of this.world.trace.records) {
      if (r.kind === 'segment') ts.push(r.t, r.arriveAt);
      else ts.push(r.t);
    }
    return ts;
  }

  /** Step to the next instant at which something happens. */
  stepForward(): void {
    this.showAll();
    const recorded = this.eventTimes().filter((x) => x > this.cursor);
    const next = recorded.length ? Math.min(...recorded) : this.world.sched.peekTime();
    if (next === undefined) return;
    this.held = true;
    this.playing = false;
    this.seek(next);
  }

  /** Step back to the previous instant at which something happened. */
  stepBack(): void {
    this.showAll();
    const prev = this.eventTimes().filter((x) => x < this.cursor);
    this.held = true;
    this.playing = false;
    this.seek(prev.length ? Math.max(...prev) : 0);
  }

  /**
   * Advance playback by `wallMs` of wall-clock time. Returns false when there
   * is nothing left to play (and stops playing).
   */
  tick(wallMs: number): boolean {
    if (!this.playing) return false;
    this.sinceAction += wallMs;
    let target = this.cursor + (wallMs / 1000) * this.speed;
    if (this.live) {
      const next = this.world.sched.peekTime();
      if (next === undefined) {
        this.playing = false;
        this.changed();
        return false;
      }
      // Nothing on the link and the next event far away: jump to just before it.
      const lead = Math.max(this.speed * 0.5, 1);
      // Not right after the user acted, though: they may be about to act again.
      if (
        this.skipIdle &&
        this.sinceAction > SKIP_GRACE_MS &&
        this.view.inFlight.length === 0 &&
        next - target > lead
      )
        target = next - lead;
      if (!this.run(target)) {
        this.cursor = this.world.now;
        this.changed();
        return false;
      }
    }
    this.cursor = Math.min(target, this.world.now);
    this.changed();
    return true;
  }
}
