/**
 * The packetdrill runner: one simulated endpoint (the world's server host)
 * is the system under test, and the script plays its peer (the world's
 * client side, scripted: `WorldOptions.scripted`). Inbound lines become
 * segments that arrive at the endpoint at their instant; what the endpoint
 * sends is held and checked against the outbound lines; calls go to its
 * socket table; sockstat and `tcpi_state` lines check its connections' states.
 *
 * Timing: a relative time (`+0.1`) counts from the previous event's actual
 * instant (for an outbound segment, when the model sent it), so a slip within
 * the tolerance does not add up along a script. An outbound segment must come
 * within the tolerance of its time (or of its `~` window); a call must return
 * at once, or, written `start...end`, at `end` — the script goes on meanwhile.
 *
 * Pure: no I/O, no clock, no randomness (the world's seed is fixed).
 */
import { DEFAULT_CLIENT_IP, World, WorkBudgetExceeded } from '../../sim/world';
import type { CallHandle, CallResult } from '../../sockets/host';
import type { Call } from '../../sim/trace';
import { SYN, parseIp, type Segment } from '../../tcp/segment';
import { seqAdd } from '../../tcp/seq';
import type { ProfileName } from '../../tcp/profile';
import { stateOf } from '../../tcp/endpoint-machine';
import { WORK_BUDGET } from '../limits';
import { parsePacketdrill } from './parser';
import {
  PktSyntaxError,
  type PktEvent,
  type PktExpr,
  type PktInstant,
  type PktPacket,
  type PktScript,
  type PktSyscall,
} from './ast';
import { planScript, type PktAssertion, type PktPlan } from './support';
import { flagBits, inboundOptions, level1Differs, level2Differs, segmentText } from './segments';

/** The port a script's `bind(…, ..., ...)` binds and its `connect(…, ..., ...)` reaches (packetdrill's default). */
export const SCRIPT_PORT = 8080;
/** The script's ISN: its relative sequence numbers count from here. */
export const SCRIPT_ISN = 1_000_000;

/** Where a run first went another way than the script. */
export interface PktDivergence {
  readonly line: number;
  /** The script's line. */
  readonly expected: string;
  /** What the model did instead. */
  readonly actual: string;
}

/** How a script that ran came out. */
export type PktRunResult =
  | {
      readonly status: 'pass';
      /** Level 2 (window and options too) held on every outbound line. */
      readonly level2: boolean;
      readonly level2Divergence: PktDivergence | null;
    }
  | {
      readonly status: 'fail';
      readonly divergence: PktDivergence;
      readonly level2: false;
      readonly level2Divergence: PktDivergence | null;
    };

export type PktResult =
  | PktRunResult
  | {
      readonly status: 'skipped';
      readonly reasons: readonly string[];
      /** With `explore`: how the run went when what is unsupported was passed over. */
      readonly explored?: PktRunResult;
    };

export interface PktRunOptions {
  /**
   * Run a script that would be skipped anyway, passing over what the core
   * cannot do: unsupported calls are not made (a non-blocking connect is made
   * as a blocking one, and the script goes on at once), unknown sysctls and
   * shell or Python lines are ignored. Its result is reported beside the skip
   * — never as a pass — to show what stands behind the missing features.
   */
  readonly explore?: boolean;
}

/** Parse and run a script; a script that does not parse fails at its error. */
export function runPacketdrill(
  text: string,
  file: string,
  profile: ProfileName,
  options: PktRunOptions = {},
): PktResult {
  let script: PktScript;
  try {
    script = parsePacketdrill(text, file);
  } catch (e) {
    if (!(e instanceof PktSyntaxError)) throw e;
    return {
      status: 'fail',
      divergence: { line: e.line, expected: 'a script that parses', actual: e.message },
      level2: false,
      level2Divergence: null,
    };
  }
  return runScript(script, profile, options);
}

/** A failure of level 1: ends the run. */
class Diverged extends Error {
  constructor(readonly d: PktDivergence) {
    super(d.actual);
  }
}

interface Pending {
  readonly event: PktSyscall;
  readonly handle: CallHandle;
  /** When it must return, and the tolerance around it (µs). */
  readonly due: number;
  returnedAt: number | null;
}

/** A captured segment and when it was sent (µs). */
interface Sent {
  readonly seg: Segment;
  readonly t: number;
}

export function runScript(
  script: PktScript,
  profileName: ProfileName,
  options: PktRunOptions = {},
): PktResult {
  const plan = planScript(script, profileName);
  if (plan.skip.length === 0) return new Run(script, plan, profileName).go();
  if (!options.explore) return { status: 'skipped', reasons: plan.skip };
  return {
    status: 'skipped',
    reasons: plan.skip,
    explored: new Run(script, plan, profileName).go(),
  };
}

const usToMs = (us: number) => us / 1000;
const msToUs = (ms: number) => Math.round(ms * 1000);

class Run {
  private readonly world: World;
  private readonly sent: Sent[] = [];
  private readonly space: { script: number; sut: number; sutKnown: boolean } = {
    script: SCRIPT_ISN,
    sut: 0,
    sutKnown: false,
  };
  private sutPort: number | null = null;
  /** Script fd → the model's fd. */
  private readonly fds = new Map<number, number>();
  private readonly pending: Pending[] = [];
  /** The endpoint's TS values, by the value the script wrote for them (to map inbound echo replies). */
  private readonly tsVals = new Map<number, number>();
  private lastTsVal = 0;
  /** The previous event's actual instant (µs). */
  private last = 0;
  private level2: PktDivergence | null = null;
  /** The event being run (a work budget that runs out is reported at it). */
  private current: PktEvent | null = null;
  private readonly tol: number;
  private readonly scriptIp = parseIp(DEFAULT_CLIENT_IP)!;

  constructor(
    private readonly script: PktScript,
    private readonly plan: PktPlan,
    profile: ProfileName,
  ) {
    this.tol = plan.toleranceUsecs;
    this.world = new World({
      seed: 1,
      profile,
      overrides: plan.overrides,
      budget: WORK_BUDGET,
      scripted: {
        side: 'client',
        receive: (seg) => this.sent.push({ seg, t: msToUs(this.world.now) }),
      },
    });
  }

  private get now(): number {
    return msToUs(this.world.now);
  }

  go(): PktRunResult {
    try {
      this.script.events.forEach((e, i) => {
        this.current = e;
        this.event(e, i);
      });
      // Calls still blocked at the end must return by their time.
      for (const p of [...this.pending]) {
        this.advanceWhile(() => p.returnedAt === null, p.due + this.tol);
        this.settlePending(p.event);
      }
    } catch (e) {
      let d: PktDivergence;
      if (e instanceof Diverged) d = e.d;
      else if (e instanceof WorkBudgetExceeded) {
        const at = this.current;
        d = { line: at?.line ?? 0, expected: at?.text ?? '', actual: e.message };
      } else throw e;
      return { status: 'fail', divergence: d, level2: false, level2Divergence: this.level2 };
    }
    return { status: 'pass', level2: this.level2 === null, level2Divergence: this.level2 };
  }

  private diverge(e: PktEvent, actual: string): never {
    throw new Diverged({ line: e.line, expected: e.text, actual });
  }

  /** An instant of the script in µs. */
  private resolve(i: PktInstant): number {
    return i.relative ? this.last + i.usecs : i.usecs;
  }

  /** Run the world up to `t` (µs); a segment the model sends on the way that no line expects is a divergence. */
  private advanceTo(t: number, e: PktEvent): void {
    if (t > this.now) this.world.runUntil(usToMs(t));
    this.checkPending(e);
    const s = this.sent[0];
    if (s) {
      // A SYN before the endpoint's ISN is known starts its sequence space.
      const space =
        !this.space.sutKnown && s.seg.flags & SYN ? { ...this.space, sut: s.seg.seq } : this.space;
      this.diverge(
        e,
        `the model sent an unexpected segment at ${secs(s.t)}: ${segmentText(s.seg, space)}`,
      );
    }
  }

  /** Run the world, one step at a time, while `cond` holds and until `limit` (µs). */
  private advanceWhile(cond: () => boolean, limit: number): void {
    for (;;) {
      if (!cond()) return;
      const next = this.world.sched.peekTime();
      if (next === undefined || msToUs(next) > limit) {
        if (limit > this.now) this.world.runUntil(usToMs(limit));
        return;
      }
      this.world.step();
    }
  }

  private event(e: PktEvent, index: number): void {
    switch (e.kind) {
      case 'packet':
        return e.direction === 'inbound' ? this.inbound(e) : this.outbound(e);
      case 'syscall':
        return this.plan.unsupported.has(index) ? this.passOver(e) : this.syscall(e);
      case 'shell':
      case 'python': {
        const at = this.resolve(e.time.start);
        this.advanceTo(at, e);
        this.last = at;
        const d = this.plan.directives.get(index);
        if (d?.kind === 'assert') this.assert(e, d.assertion);
        return;
      }
    }
  }

  // ------------------------------------------------------------ segments

  private inbound(e: PktPacket): void {
    const at = this.resolve(e.time.start);
    this.advanceTo(at, e);
    this.last = at;
    if (e.seq === null) this.diverge(e, 'an inbound segment needs its sequence numbers');
    const seg: Segment = {
      srcIp: this.scriptIp,
      dstIp: this.world.server.ip,
      srcPort: SCRIPT_PORT,
      dstPort: this.sutPort ?? SCRIPT_PORT,
      seq: seqAdd(this.space.script, e.seq),
      ack: e.ack === null ? 0 : seqAdd(this.space.sut, e.ack),
      flags: flagBits(e.flags),
      window: e.win ?? 0,
      options:
        e.options === null || e.options === 'any'
          ? {}
          : inboundOptions(e.options, this.space, (ecr) =>
              ecr === 0 ? 0 : (this.tsVals.get(ecr) ?? this.lastTsVal),
            ),
      payload: new Uint8Array(e.len),
    };
    this.world.inject(seg);
  }

  private outbound(e: PktPacket): void {
    const t = e.time;
    const start = t.any ? 0 : this.resolve(t.start);
    const end = t.any ? Number.POSITIVE_INFINITY : t.range ? this.resolve(t.range) : start;
    // Wait for the segment: at most to the end of the window, plus the tolerance.
    const limit = t.any ? this.now + HOUR_US : end + this.tol;
    this.advanceWhile(() => this.sent.length === 0, limit);
    this.checkPending(e);
    const s = this.sent.shift();
    if (!s) this.diverge(e, `the model sent nothing by ${secs(Math.max(limit, this.now))}`);
    const seg = s.seg;
    // The endpoint's ISN and port come from its first SYN.
    if (!this.space.sutKnown && seg.flags & SYN && e.seq !== null) {
      this.space.sut = (seg.seq - e.seq) >>> 0;
      this.space.sutKnown = true;
    }
    this.sutPort ??= seg.srcPort;
    const what = `${segmentText(seg, this.space)} at ${secs(s.t)}`;
    const l1 = level1Differs(e, seg, this.space);
    if (l1) this.diverge(e, `${what} (${l1})`);
    if (!t.any && (s.t < start - this.tol || s.t > end + this.tol))
      this.diverge(e, `${what} (${timingText(s.t - (s.t < start ? start : end))})`);
    if (seg.options.ts) {
      this.lastTsVal = seg.options.ts.val;
      const val = seg.options.ts.val;
      if (e.options !== null && e.options !== 'any')
        for (const o of e.options) if (o.kind === 'TS') this.tsVals.set(o.val, val);
    }
    const l2 = level2Differs(e, seg, this.space);
    if (l2 && !this.level2)
      this.level2 = { line: e.line, expected: e.text, actual: `${what} (${l2})` };
    this.last = s.t;
  }

  // ------------------------------------------------------------ calls

  /** An unsupported call, while exploring: not made, except a non-blocking connect, made blocking. */
  private passOver(e: PktSyscall): void {
    const at = this.resolve(e.time.start);
    this.advanceTo(at, e);
    this.last = at;
    if (e.name === 'connect' && e.errno === 'EINPROGRESS')
      this.world.call('server', this.toCall(e));
  }

  private syscall(e: PktSyscall): void {
    const at = this.resolve(e.time.start);
    this.advanceTo(at, e);
    this.last = at;
    const call = this.toCall(e);
    const handle = this.world.call('server', call);
    if (e.time.until) {
      const p: Pending = { event: e, handle, due: this.resolve(e.time.until), returnedAt: null };
      handle.onDone(() => (p.returnedAt = this.now));
      this.pending.push(p);
      if (handle.done) p.returnedAt = this.now;
      return;
    }
    // Let whatever the call set going at this instant run (its completion is an event of its own).
    this.advanceWhile(() => !handle.done, this.now);
    if (!handle.result)
      this.diverge(e, 'the call blocked; the script expects it to return at once');
    this.checkResult(e, handle.result);
  }

  /** Check blocked calls: one that returned is checked now; one past its time is a divergence. */
  private checkPending(current: PktEvent): void {
    for (const p of [...this.pending]) {
      if (p.returnedAt !== null) this.settlePending(p.event);
      else if (this.now > p.due + this.tol)
        this.diverge(
          p.event,
          `the call had not returned by ${secs(this.now)} (checking line ${current.line})`,
        );
    }
  }

  private settlePending(e: PktSyscall): void {
    const k = this.pending.findIndex((p) => p.event === e);
    if (k < 0) return;
    const p = this.pending[k]!;
    this.pending.splice(k, 1);
    if (p.returnedAt === null || !p.handle.result) this.diverge(e, 'the call did not return');
    if (Math.abs(p.returnedAt - p.due) > this.tol)
      this.diverge(
        e,
        `the call returned at ${secs(p.returnedAt)} (${timingText(p.returnedAt - p.due)})`,
      );
    this.checkResult(e, p.handle.result);
  }

  private checkResult(e: PktSyscall, r: CallResult): void {
    const want = e.result;
    const got = r.errno ? `${r.ret} ${r.errno}` : `${r.ret}`;
    if (want.kind === 'ellipsis') return;
    if (want.kind !== 'int')
      this.diverge(e, `the expected result is not a number (the call returned ${got})`);
    // A new descriptor: the script's number stands for whatever the model gave.
    if ((e.name === 'socket' || e.name === 'accept') && want.value >= 0 && r.ret >= 0) {
      this.fds.set(want.value, r.ret);
      return;
    }
    if (
      r.ret !== want.value ||
      (e.errno !== null && r.errno !== e.errno) ||
      (e.errno === null && r.errno)
    )
      this.diverge(e, `the call returned ${got}`);
  }

  private fd(e: PktSyscall, x: PktExpr | undefined): number {
    if (x?.kind !== 'int') this.diverge(e, 'the first argument must be a descriptor');
    return this.fds.get(x.value) ?? x.value;
  }

  private count(e: PktSyscall, x: PktExpr | undefined): number {
    if (x?.kind !== 'int' || x.value < 0 || x.value > 1 << 24)
      this.diverge(e, 'expected a byte count in the call');
    return x.value;
  }

  /** The core's call for a line (the support check has let only these through). */
  private toCall(e: PktSyscall): Call {
    const a = e.args;
    switch (e.name) {
      case 'socket':
        return { name: 'socket' };
      case 'bind':
        return { name: 'bind', fd: this.fd(e, a[0]), port: SCRIPT_PORT };
      case 'listen':
        return {
          name: 'listen',
          fd: this.fd(e, a[0]),
          backlog: a[1]?.kind === 'int' ? a[1].value : undefined,
        };
      case 'accept':
        return { name: 'accept', fd: this.fd(e, a[0]) };
      case 'connect':
        return { name: 'connect', fd: this.fd(e, a[0]), ip: this.scriptIp, port: SCRIPT_PORT };
      case 'write':
      case 'send':
        return { name: 'send', fd: this.fd(e, a[0]), data: new Uint8Array(this.count(e, a[2])) };
      case 'read':
      case 'recv':
        return { name: 'recv', fd: this.fd(e, a[0]), len: this.count(e, a[2]) };
      case 'shutdown': {
        const how = a[1]?.kind === 'name' ? a[1].name : '';
        if (how !== 'SHUT_RD' && how !== 'SHUT_WR' && how !== 'SHUT_RDWR')
          this.diverge(e, 'expected SHUT_RD, SHUT_WR or SHUT_RDWR');
        return { name: 'shutdown', fd: this.fd(e, a[0]), how };
      }
      case 'close':
        return { name: 'close', fd: this.fd(e, a[0]) };
      case 'setsockopt': {
        const fd = this.fd(e, a[0]);
        const v = a[3];
        if (a[2]?.kind === 'name' && a[2].name === 'SO_LINGER') {
          const fields = v?.kind === 'struct' ? v.fields : [];
          const num = (k: number) => {
            const f = fields[k]?.value;
            return f?.kind === 'int' ? f.value : 0;
          };
          return { name: 'setsockopt', fd, opt: 'SO_LINGER', onoff: num(0) !== 0, linger: num(1) };
        }
        const inner = v?.kind === 'list' ? v.items[0] : v;
        return {
          name: 'setsockopt',
          fd,
          opt: 'SO_REUSEADDR',
          value: inner?.kind === 'int' && inner.value !== 0,
        };
      }
      default:
        return this.diverge(e, `the call ${e.name} is not supported`);
    }
  }

  // ------------------------------------------------------------ state assertions

  private assert(e: PktEvent, a: PktAssertion): void {
    const host = this.world.server;
    if (a.kind === 'state') {
      const newest = host.conns[host.conns.length - 1];
      const st = newest ? stateOf(newest.snap) : 'CLOSED';
      if (st !== a.state) this.diverge(e, `the connection is in ${st}`);
      return;
    }
    let n = 0;
    for (const c of host.conns) {
      const st = stateOf(c.snap);
      // A closed connection shows in sockstat only while a socket holds it.
      if (st !== a.state || (st === 'CLOSED' && !c.sock)) continue;
      if (a.port !== null && c.localPort !== a.port && c.snap.context.tcb.remote?.port !== a.port)
        continue;
      n++;
    }
    if (n !== a.n) this.diverge(e, `${n} connection${n === 1 ? '' : 's'} in ${a.state}`);
  }
}

const HOUR_US = 3600 * 1_000_000;

/** An instant in seconds, as scripts write it. */
function secs(us: number): string {
  return `${(us / 1_000_000).toFixed(6)} s`;
}

function timingText(off: number): string {
  return `${Math.abs(off) / 1000} ms ${off < 0 ? 'early' : 'late'}, beyond the tolerance`;
}
