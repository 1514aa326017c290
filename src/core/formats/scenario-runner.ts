/**
 * Runs a parsed scenario: builds the World its header describes, then plays
 * its timed lines. Each side is one thread: its calls run in file order, each
 * starting at max(its time, the moment the side's previous call returned), so
 * a blocking accept(), connect() or recv() holds back the lines after it.
 * Timed `link` lines are a third thread that never blocks. A `wait` line holds
 * its side back until what it waits for has happened (another side's call has
 * returned, a side's connection is in a state): the runner looks after every
 * scheduler step and every input, so the line after a wait runs at the very
 * instant of the event, before any other event due then.
 *
 * Every call and link change goes through `World.act`, between scheduler
 * steps, so it is recorded as an input: `World.replay(world.options,
 * world.inputs)` rebuilds the run exactly, and `fork` works on it. (A line due
 * at the same instant as a pending event runs before that event.)
 *
 * Pure: no I/O, no clock, no randomness beyond the World's seeded PRNG.
 */
import type { Call, CallHandle, CallResult } from '../sockets/host';
import {
  callKey,
  dirSides,
  fillerBytes,
  formatExpect,
  formatTime,
  formatWaitEvent,
  linkChange,
  quoteBytes,
  scenarioSettings,
  type CallStatement,
  type Expect,
  type FdRef,
  type LinkAction,
  type LinkAtStatement,
  type Pattern,
  type Scenario,
  type ScenarioCall,
  type WaitEvent,
  type WaitStatement,
} from './scenario';
import type { LinkRule, SegmentPattern } from '../sim/link';
import { stateOf } from '../tcp/endpoint-machine';
import type { ProfileOverrides } from '../tcp/profile';
import { parseIp } from '../tcp/segment';
import type { CallName, Side } from '../sim/trace';
import {
  DEFAULT_SERVER_PORT,
  World,
  WorkBudgetExceeded,
  workText,
  type WorkBudget,
  type WorkKind,
  type WorldOptions,
  type Watch,
} from '../sim/world';
import { IDLE_CAP_MS, WORK_BUDGET } from './limits';

/** How long `run until idle` may go on before it is stopped (virtual ms): one hour. */
export const DEFAULT_CAP_MS = IDLE_CAP_MS;

/**
 * A scenario run went past its work budget (events run or segments sent):
 * something in it goes on without end in virtual time too short to stop it —
 * a zero window probed every millisecond, say. The run is abandoned.
 */
export class RunBudgetExceeded extends Error {
  override readonly name = 'RunBudgetExceeded';
  constructor(
    /** Which budget ran out. */
    readonly what: WorkKind,
    readonly limit: number,
    /** The virtual time (ms) the run had reached. */
    readonly at: number,
  ) {
    super(
      `the run was stopped at ${(at / 1000).toFixed(6)} s: it needs more than ${workText(what, limit).replace(/ events$/, ' scheduler events')}, the work budget of a scenario run. ` +
        `Stop it sooner (run DURATION, or fewer lines), or raise the ${what} budget (runScenario's budget option; WORK_BUDGET in src/core/formats/limits.ts)`,
    );
  }
}

/**
 * What became of one `=> EXPECTED`, or of one `wait` line (which holds when
 * what it waits for happens).
 */
export interface ExpectationResult {
  readonly line: number;
  readonly side: Side;
  /** The call, or `wait` for a wait line. */
  readonly call: CallName | 'wait';
  /** As written after `=>`: `0`, `-1 ECONNREFUSED`, `"OK!!!"`; for a wait, what it waits for (`client close(s)`). */
  readonly expected: string;
  /**
   * What the call returned, in the same notation, or `(still blocked)` /
   * `(not reached)`; for a wait, `ended at 1.25 s`, `(still waiting)` or `(not reached)`.
   */
  readonly actual: string;
  readonly ok: boolean;
}

export interface ScenarioRun {
  readonly world: World;
  readonly expectations: ExpectationResult[];
  /** `run until idle` was stopped by the safety cap with something still to happen. */
  readonly hitCap: boolean;
}

export interface RunOptions {
  /** The safety cap for `run until idle` (virtual ms); DEFAULT_CAP_MS by default. */
  readonly capMs?: number;
  /** The most work the run may do; WORK_BUDGET by default, each part of it replaced when given. */
  readonly budget?: WorkBudget;
  /** Looks at the world every WATCH_EVERY steps (progress of a long run). */
  readonly watch?: Watch;
  /**
   * Profile constants of the environment the scenario runs in (a capture's sysctls);
   * the scenario's own `set` lines are applied on top.
   */
  readonly overrides?: ProfileOverrides;
}

export const STILL_BLOCKED = '(still blocked)';
export const STILL_WAITING = '(still waiting)';
export const NOT_REACHED = '(not reached)';

/** The World a scenario's header lines describe. */
export function worldOptions(sc: Scenario): WorldOptions {
  const s = scenarioSettings(sc);
  return {
    seed: s.seed,
    profile: s.profile,
    overrides: s.overrides,
    link: s.link,
    clientIp: s.clientIp,
    serverIp: s.serverIp,
  };
}

interface Thread {
  readonly side: Side;
  readonly lines: readonly (CallStatement | WaitStatement)[];
  next: number;
  busy: CallHandle | null;
  /** The wait line it is held at, until what it waits for happens. */
  waiting: WaitStatement | null;
  /** When the side's previous call returned. */
  readyAt: number;
  readonly vars: Map<string, number>;
}

interface Due {
  readonly due: number;
  readonly line: number;
  readonly run: () => void;
}

/**
 * Build the world and play the scenario to its end (`run DURATION`, or until
 * idle). Throws RunBudgetExceeded when the run needs more work than its budget.
 */
export function runScenario(sc: Scenario, opts: RunOptions = {}): ScenarioRun {
  const budget = { ...WORK_BUDGET, ...opts.budget };
  const base = worldOptions(sc);
  const overrides = opts.overrides ? { ...opts.overrides, ...base.overrides } : base.overrides;
  const world = new World({ ...base, overrides, budget });
  if (opts.watch) world.watch(opts.watch);
  try {
    return play(sc, world, opts);
  } catch (e) {
    if (e instanceof WorkBudgetExceeded) throw new RunBudgetExceeded(e.what, e.limit, world.now);
    throw e;
  }
}

function play(sc: Scenario, world: World, opts: RunOptions): ScenarioRun {
  const settings = scenarioSettings(sc);
  const ips: Record<Side, number> = {
    client: parseIp(settings.clientIp)!,
    server: parseIp(settings.serverIp)!,
  };
  const cap = opts.capMs ?? DEFAULT_CAP_MS;
  const end = settings.run === 'idle' ? cap : settings.run;

  const calls = sc.statements.filter((s): s is CallStatement => s.kind === 'call');
  const waits = sc.statements.filter((s): s is WaitStatement => s.kind === 'wait');
  const threads: Thread[] = (['client', 'server'] as const).map((side) => ({
    side,
    lines: sc.statements.filter(
      (s): s is CallStatement | WaitStatement =>
        (s.kind === 'call' || s.kind === 'wait') && s.side === side,
    ),
    next: 0,
    busy: null,
    waiting: null,
    readyAt: 0,
    vars: new Map(),
  }));
  const links = sc.statements.filter((s): s is LinkAtStatement => s.kind === 'linkAt');
  const linkTimes: number[] = [];
  for (const l of links) {
    const prev = linkTimes[linkTimes.length - 1] ?? 0;
    linkTimes.push(l.time.relative ? prev + l.time.ms : l.time.ms);
  }
  let nextLink = 0;

  const results = new Map<number, CallResult>();
  const started = new Set<number>();
  /** When each wait line ended. */
  const waited = new Map<number, number>();

  // Calls that have returned, per side, by callKey: what a wait for a call asks.
  const returned: Record<Side, Set<string>> = { client: new Set(), server: new Set() };
  /**
   * Has what `e` waits for happened? A call: some line of that side making it
   * has returned (at any time before). A state: the side's newest connection
   * machine (the one `@final` names) is in it.
   */
  const happened = (e: WaitEvent): boolean => {
    if (e.kind === 'return') return returned[e.side].has(callKey(e.call, e.fd));
    const conns = world.host(e.side).conns;
    const newest = conns[conns.length - 1];
    return newest !== undefined && stateOf(newest.snap) === e.state;
  };
  const endWait = (th: Thread, s: WaitStatement): void => {
    th.waiting = null;
    th.readyAt = world.now;
    waited.set(s.line, world.now);
  };
  /** Release every side whose wait is over. */
  const settleWaits = (): void => {
    for (const th of threads) if (th.waiting && happened(th.waiting.event)) endWait(th, th.waiting);
  };

  const fd = (th: Thread, f: FdRef): number =>
    f.kind === 'fd' ? f.fd : (th.vars.get(f.name) ?? -1);

  const startCall = (th: Thread, s: CallStatement): void => {
    th.next++;
    started.add(s.line);
    const h = world.call(
      th.side,
      toCall(s.call, (f) => fd(th, f), ips),
    );
    th.busy = h;
    h.onDone((r) => {
      th.busy = null;
      th.readyAt = world.now;
      results.set(s.line, r);
      if (s.assign !== null) th.vars.set(s.assign, r.ret);
      returned[th.side].add(callKey(s.call.name, null));
      if ('fd' in s.call) returned[th.side].add(callKey(s.call.name, s.call.fd));
    });
  };

  const startWait = (th: Thread, s: WaitStatement): void => {
    th.next++;
    started.add(s.line);
    if (happened(s.event)) endWait(th, s);
    else th.waiting = s;
  };

  const applyLink = (l: LinkAtStatement): void => {
    const a = l.action;
    if (a.kind === 'dropNext') world.act({ kind: 'rule', rule: linkRule(a) });
    else if (a.kind === 'dropNth')
      world.act({ kind: 'rule', rule: { kind: 'dropNth', from: a.from, n: a.n } });
    else if (a.kind === 'dropSegment') world.act({ kind: 'drop', id: a.id });
    else
      for (const from of dirSides(a.dir))
        world.act({ kind: 'link', from, change: linkChange(a.settings) });
  };

  const nextDue = (): Due | null => {
    let best: Due | null = null;
    const consider = (d: Due) => {
      if (!best || d.due < best.due || (d.due === best.due && d.line < best.line)) best = d;
    };
    for (const th of threads) {
      const s = th.lines[th.next];
      if (th.busy || th.waiting || !s) continue;
      const due = s.time.relative ? th.readyAt + s.time.ms : Math.max(s.time.ms, th.readyAt);
      consider({
        due,
        line: s.line,
        run: () => (s.kind === 'call' ? startCall(th, s) : startWait(th, s)),
      });
    }
    const l = links[nextLink];
    if (l)
      consider({
        due: linkTimes[nextLink]!,
        line: l.line,
        run: () => {
          nextLink++;
          applyLink(l);
        },
      });
    return best;
  };

  let hitCap = false;
  for (;;) {
    // A wait ends at the instant of its event: after the step or input that made it happen.
    settleWaits();
    const d = nextDue();
    const ev = world.sched.peekTime();
    if (d && d.due <= end && (ev === undefined || d.due <= ev)) {
      if (d.due > world.sched.now) world.sched.now = d.due;
      d.run();
    } else if (ev !== undefined && ev <= end) {
      world.step();
    } else {
      if (settings.run === 'idle') hitCap = d !== null || ev !== undefined;
      if (settings.run !== 'idle' || hitCap) world.runUntil(end);
      break;
    }
  }

  const expectations: ExpectationResult[] = [];
  for (const s of calls) {
    if (!s.expect) continue;
    const r = results.get(s.line);
    const actual = r ? actualText(s.expect, r) : started.has(s.line) ? STILL_BLOCKED : NOT_REACHED;
    expectations.push({
      line: s.line,
      side: s.side,
      call: s.call.name,
      expected: formatExpect(s.expect),
      actual,
      ok: r !== undefined && holds(s.expect, r),
    });
  }
  for (const s of waits) {
    const at = waited.get(s.line);
    expectations.push({
      line: s.line,
      side: s.side,
      call: 'wait',
      expected: formatWaitEvent(s.event),
      actual:
        at !== undefined
          ? `ended at ${formatTime({ relative: false, ms: at })} s`
          : started.has(s.line)
            ? STILL_WAITING
            : NOT_REACHED,
      ok: at !== undefined,
    });
  }
  expectations.sort((a, b) => a.line - b.line);
  return { world, expectations, hitCap };
}

function segmentPattern(p: Pattern): SegmentPattern {
  if (p.payload === null) return { flags: p.flags };
  return {
    flags: p.flags,
    payload:
      typeof p.payload === 'string' ? p.payload : { contains: Uint8Array.from(p.payload.contains) },
  };
}

/** The link's rule for a `drop next` line. */
export function linkRule(a: Extract<LinkAction, { kind: 'dropNext' }>): LinkRule {
  const rule: LinkRule = { kind: 'dropNext', from: a.from, ...segmentPattern(a) };
  return a.after === null
    ? rule
    : { ...rule, after: { from: a.after.from, ...segmentPattern(a.after) } };
}

/** The core's Call for a scenario call, with fds and addresses resolved. */
export function toCall(
  c: ScenarioCall,
  fd: (f: FdRef) => number,
  ips: Readonly<Record<Side, number>>,
): Call {
  switch (c.name) {
    case 'socket':
      return { name: 'socket' };
    case 'bind':
      return { name: 'bind', fd: fd(c.fd), port: c.port };
    case 'listen':
      return c.backlog === null
        ? { name: 'listen', fd: fd(c.fd) }
        : { name: 'listen', fd: fd(c.fd), backlog: c.backlog };
    case 'accept':
      return { name: 'accept', fd: fd(c.fd) };
    case 'connect':
      return {
        name: 'connect',
        fd: fd(c.fd),
        ip: c.target.kind === 'side' ? ips[c.target.side] : parseIp(c.target.ip)!,
        port: c.port ?? DEFAULT_SERVER_PORT,
      };
    case 'send':
      return {
        name: 'send',
        fd: fd(c.fd),
        data:
          c.payload.kind === 'bytes' ? Uint8Array.from(c.payload.bytes) : fillerBytes(c.payload.n),
      };
    case 'recv':
      return c.len === null
        ? { name: 'recv', fd: fd(c.fd) }
        : { name: 'recv', fd: fd(c.fd), len: c.len };
    case 'shutdown':
      return { name: 'shutdown', fd: fd(c.fd), how: c.how };
    case 'close':
      return { name: 'close', fd: fd(c.fd) };
    case 'setsockopt':
      return c.opt === 'SO_REUSEADDR'
        ? { name: 'setsockopt', fd: fd(c.fd), opt: 'SO_REUSEADDR', value: c.value }
        : {
            name: 'setsockopt',
            fd: fd(c.fd),
            opt: 'SO_LINGER',
            onoff: c.onoff,
            linger: c.linger,
          };
  }
}

function actualText(e: Expect, r: CallResult): string {
  if (r.errno !== null) return `-1 ${r.errno}`;
  if (e.kind === 'data') return quoteBytes(r.data ?? []);
  return String(r.ret);
}

function holds(e: Expect, r: CallResult): boolean {
  if (e.kind === 'ret') return r.ret === e.ret && (e.errno === null || r.errno === e.errno);
  if (r.errno !== null) return false;
  const got = r.data ?? new Uint8Array(0);
  return got.length === e.bytes.length && e.bytes.every((b, i) => got[i] === b);
}
