/**
 * What of a script the model can run, decided before it runs: the header
 * options, the `sysctl -w` lines (as profile overrides), the shell and Python
 * lines the runner interprets (state assertions), and the calls and segments
 * the core has. Whatever is left over is a reason to skip the script — nothing
 * unsupported is passed over in silence.
 *
 * Pure: no I/O, no clock, no randomness.
 */
import {
  makeProfile,
  type Profile,
  type ProfileName,
  type ProfileOverrides,
} from '../../tcp/profile';
import type { StateName } from '../../tcp/tcb';
import type { PktEvent, PktExpr, PktScript, PktSyscall } from './ast';

/** packetdrill's tolerance when a script names none (its `--tolerance_usecs` default). */
export const DEFAULT_TOLERANCE_USECS = 4000;

/** A state assertion: `sockstat … | grep -c STATE | grep N`, or `tcpi_state == TCPI_…`. */
export type PktAssertion =
  | {
      readonly kind: 'count';
      readonly state: StateName;
      readonly port: number | null;
      readonly n: number;
    }
  | { readonly kind: 'state'; readonly state: StateName };

/** How the runner treats each event it interprets beyond segments and calls. */
export type PktDirective =
  { readonly kind: 'sysctl' } | { readonly kind: 'assert'; readonly assertion: PktAssertion };

export interface PktPlan {
  readonly profile: Profile;
  /** What the header options and sysctls change in the profile. */
  readonly overrides: ProfileOverrides;
  readonly toleranceUsecs: number;
  /** Reasons to skip, in script order, each once. Empty: the script runs. */
  readonly skip: readonly string[];
  /** What each shell or Python event does, by its index in `events`. */
  readonly directives: ReadonlyMap<number, PktDirective>;
  /** The calls the core cannot make, by index in `events` (an exploring run passes over them). */
  readonly unsupported: ReadonlySet<number>;
}

/** FreeBSD's sockstat names and packetdrill's TCPI_ names, as the model's states. */
const STATE_NAMES: Readonly<Record<string, StateName>> = {
  CLOSED: 'CLOSED',
  CLOSE: 'CLOSED',
  LISTEN: 'LISTEN',
  SYN_SENT: 'SYN_SENT',
  SYN_RCVD: 'SYN_RECEIVED',
  SYN_RECV: 'SYN_RECEIVED',
  SYN_RECEIVED: 'SYN_RECEIVED',
  ESTABLISHED: 'ESTABLISHED',
  FIN_WAIT_1: 'FIN_WAIT_1',
  FIN_WAIT1: 'FIN_WAIT_1',
  FIN_WAIT_2: 'FIN_WAIT_2',
  FIN_WAIT2: 'FIN_WAIT_2',
  CLOSE_WAIT: 'CLOSE_WAIT',
  CLOSING: 'CLOSING',
  LAST_ACK: 'LAST_ACK',
  TIME_WAIT: 'TIME_WAIT',
};

/**
 * A sysctl the model has an equivalent for: the overrides its value means, or
 * a reason to skip. `base` is the profile before any sysctl.
 */
type SysctlRule = (value: string, base: Profile) => ProfileOverrides | string;

const whole = (v: string): number | null => (/^\d{1,10}$/.test(v) ? Number(v) : null);
const flag =
  (f: (on: boolean, base: Profile) => ProfileOverrides): SysctlRule =>
  (v, base) =>
    v === '0' || v === '1' ? f(v === '1', base) : `value ${v} is not 0 or 1`;
const bytes =
  (key: 'rcvBuf' | 'sndBuf'): SysctlRule =>
  (v) => {
    const n = whole(v);
    return n === null ? `value ${v} is not a number of bytes` : { [key]: n };
  };
/** Accepted only at the value that is the model's own behaviour. */
const onlyAt =
  (value: string, why: string): SysctlRule =>
  (v) =>
    v === value ? {} : why;
const noEquivalent =
  (why: string): SysctlRule =>
  () =>
    why;

/** The smallest window-scale shift that lets `buf` be advertised (RFC 7323 §2.3). */
function shiftFor(buf: number): number {
  let s = 0;
  while (s < 14 && 0xffff * 2 ** s < buf) s++;
  return s;
}

const SYSCTLS: Readonly<Record<string, SysctlRule>> = {
  // FreeBSD (net.inet.tcp.*, kern.ipc.*), as the tcp-testsuite sets them.
  'net.inet.tcp.rfc1323': flag((on, base) =>
    on
      ? { timestamps: true, wscale: base.wscale ?? shiftFor(base.rcvBuf) }
      : { timestamps: false, wscale: null },
  ),
  'net.inet.tcp.sack.enable': flag((on) => ({ sack: on })),
  'net.inet.tcp.recvspace': bytes('rcvBuf'),
  'net.inet.tcp.sendspace': bytes('sndBuf'),
  'net.inet.tcp.rexmit_initial': (v) => {
    const n = whole(v);
    return n === null ? `value ${v} is not milliseconds` : { rtoInitial: n };
  },
  'net.inet.tcp.blackhole': onlyAt('0', 'blackhole (no RST for closed ports) is not modelled'),
  // The model has no ECN: segments with ECN marks or flags are skipped on their own.
  'net.inet.tcp.ecn.enable': () => ({}),
  // No host cache in the model: there is nothing to flush.
  'net.inet.tcp.hostcache.purgenow': () => ({}),
  'net.inet.tcp.insecure_rst': onlyAt('0', 'insecure_rst=1: the model always applies RFC 5961 §3'),
  'net.inet.tcp.insecure_syn': onlyAt('0', 'insecure_syn=1: the model always applies RFC 5961 §4'),
  'net.inet.tcp.drop_synfin': onlyAt('0', 'drop_synfin=1 is not modelled'),
  'net.inet.tcp.rexmit_slop': noEquivalent('rexmit_slop has no equivalent in the model'),
  'net.inet.tcp.rexmit_drop_options': onlyAt('0', 'rexmit_drop_options=1 is not modelled'),
  'net.inet.tcp.keepinit': noEquivalent(
    'keepinit (connection-establishment timeout) is not modelled',
  ),
  'net.inet.tcp.syncookies': onlyAt('0', 'SYN cookies are not modelled'),
  'net.inet.tcp.syncookies_only': onlyAt('0', 'SYN cookies are not modelled'),
  'net.inet.tcp.tolerate_missing_ts': noEquivalent('tolerate_missing_ts is not modelled'),
  'net.inet.tcp.ecn.maxretries': noEquivalent('ECN is not modelled'),
  // Linux (net.ipv4.*), for scripts written for the linux profile.
  'net.ipv4.tcp_sack': flag((on) => ({ sack: on })),
  'net.ipv4.tcp_timestamps': flag((on) => ({ timestamps: on })),
};

/** The socket buffers' ceiling: accepted while it is above the profile's buffers, which it then does not touch. */
const MAXSOCKBUF = 'kern.ipc.maxsockbuf';

/** The calls the runner maps to the core's socket calls. */
export const SUPPORTED_CALLS: ReadonlySet<string> = new Set([
  'socket',
  'bind',
  'listen',
  'accept',
  'connect',
  'close',
  'shutdown',
  'read',
  'write',
  'recv',
  'send',
  'setsockopt',
]);

/** What only a non-blocking socket answers. */
const NON_BLOCKING_ERRNOS: ReadonlySet<string> = new Set([
  'EINPROGRESS',
  'EALREADY',
  'EAGAIN',
  'EWOULDBLOCK',
]);

const isName = (e: PktExpr | undefined, name: string) => e?.kind === 'name' && e.name === name;
const orNames = (e: PktExpr | undefined): string[] =>
  e?.kind === 'name' ? [e.name] : e?.kind === 'or' ? e.terms.flatMap(orNames) : [];

/** Why the core cannot make this call, or null. */
function callProblem(c: PktSyscall): string | null {
  const [, a1, a2] = c.args;
  if (c.errno !== null && NON_BLOCKING_ERRNOS.has(c.errno))
    return `${c.name} returning ${c.errno} (non-blocking sockets)`;
  switch (c.name) {
    case 'fcntl':
      return orNames(a2).includes('O_NONBLOCK') || isName(a1, 'F_GETFL')
        ? 'fcntl O_NONBLOCK (non-blocking sockets)'
        : 'fcntl';
    case 'getsockopt':
      return `getsockopt ${a2?.kind === 'name' ? a2.name : '…'}`;
    case 'setsockopt':
      if (isName(a2, 'SO_REUSEADDR') || isName(a2, 'SO_LINGER')) return null;
      return `setsockopt ${a2?.kind === 'name' ? a2.name : '…'}`;
    case 'send':
    case 'recv': {
      const flags = c.args[3];
      return flags && !(flags.kind === 'int' && flags.value === 0) ? `${c.name} with flags` : null;
    }
    default:
      return SUPPORTED_CALLS.has(c.name) ? null : c.name;
  }
}

/** `sockstat -4 -P tcp [-p PORT] -s | grep … | grep -c STATE | grep N`. */
function sockstat(cmd: string): PktAssertion | null {
  const parts = cmd.split('|').map((p) => p.trim());
  if (parts.length < 3 || !parts[0]!.startsWith('sockstat')) return null;
  const port = /(?:^|\s)-p\s+(\d{1,5})(?:\s|$)/.exec(parts[0]!);
  const count = /^grep -c ([A-Z_0-9]+)$/.exec(parts[parts.length - 2]!);
  const n = /^grep (\d{1,4})$/.exec(parts[parts.length - 1]!);
  const state = count ? STATE_NAMES[count[1]!] : undefined;
  if (!state || !n) return null;
  // The filters between (grep packetdril: this process's sockets) are the only ones we know.
  for (const p of parts.slice(1, -2)) if (!/^grep packetdril/.test(p)) return null;
  return { kind: 'count', state, port: port ? Number(port[1]) : null, n: Number(n[1]) };
}

/** Decide what of `script` runs under `profileName`, and with which profile. */
export function planScript(script: PktScript, profileName: ProfileName): PktPlan {
  const skip = new Set<string>();
  const directives = new Map<number, PktDirective>();
  const unsupported = new Set<number>();
  let overrides: ProfileOverrides = {};
  let toleranceUsecs = DEFAULT_TOLERANCE_USECS;
  for (const o of script.options) {
    if (o.name === 'ip_version') {
      if (o.value !== 'ipv4') skip.add(`--ip_version=${o.value ?? ''} (only IPv4 is modelled)`);
    } else if (o.name === 'tolerance_usecs' && o.value !== null && /^\d{1,9}$/.test(o.value)) {
      toleranceUsecs = Number(o.value);
    } else if (o.name === 'mtu' && o.value !== null && /^\d{1,6}$/.test(o.value)) {
      const mss = { mss: Number(o.value) - 40 };
      const p = tryProfile(profileName, { ...overrides, ...mss });
      if (typeof p === 'string') skip.add(`--mtu=${o.value}: ${p}`);
      else overrides = { ...overrides, ...mss };
    } else skip.add(`--${o.name} (header option)`);
  }
  // The last event that is a segment or a call: sysctls after it only restore defaults.
  let lastAction = -1;
  script.events.forEach((e, i) => {
    if (e.kind === 'packet' || e.kind === 'syscall') lastAction = i;
  });
  let started = false;
  let maxSockBuf: number | null = null;
  script.events.forEach((e: PktEvent, i) => {
    switch (e.kind) {
      case 'packet':
        started = true;
        if (e.tos !== null) skip.add('ECN marks on segments (not modelled)');
        if (/[EW]/.test(e.flags)) skip.add('ECN flags E/W (not modelled)');
        if (e.flags.includes('U')) skip.add('urgent data (not modelled)');
        return;
      case 'syscall': {
        started = true;
        const p = callProblem(e);
        if (p) {
          skip.add(p);
          unsupported.add(i);
        }
        return;
      }
      case 'python': {
        const m = /^\s*assert\s+tcpi_state\s*==\s*TCPI_([A-Z_0-9]+)\s*$/.exec(e.code);
        const state = m ? STATE_NAMES[m[1]!] : undefined;
        if (state) directives.set(i, { kind: 'assert', assertion: { kind: 'state', state } });
        else skip.add(`Python: ${pythonSubject(e.code)}`);
        return;
      }
      case 'shell': {
        const cmd = e.command.trim();
        const sys = /^sysctl -w ([A-Za-z0-9_.]+)=(\S+)$/.exec(cmd);
        if (sys) {
          const [, key, value] = sys as unknown as [string, string, string];
          directives.set(i, { kind: 'sysctl' });
          if (i > lastAction) return; // cleanup after the run
          if (started) {
            skip.add(`sysctl ${key} changed during the run`);
            return;
          }
          if (key === MAXSOCKBUF) {
            maxSockBuf = whole(value);
            return;
          }
          const rule = SYSCTLS[key];
          if (!rule) {
            skip.add(`sysctl ${key} (no equivalent in the model)`);
            return;
          }
          const r = rule(value, makeProfile(profileName, overrides));
          const p = typeof r === 'string' ? r : tryProfile(profileName, { ...overrides, ...r });
          if (typeof p === 'string') skip.add(`sysctl ${key}: ${p}`);
          else overrides = { ...overrides, ...(r as ProfileOverrides) };
          return;
        }
        const count = sockstat(cmd);
        if (count) {
          directives.set(i, { kind: 'assert', assertion: count });
          return;
        }
        if (cmd.startsWith('tcpdrop'))
          skip.add('tcpdrop (the core cannot abort a connection from outside yet)');
        else skip.add(`shell command: ${cmd.split(/\s/)[0]}`);
        return;
      }
    }
  });
  // Every override was checked as it was added.
  const profile = makeProfile(profileName, overrides);
  if (maxSockBuf !== null && (maxSockBuf < profile.rcvBuf || maxSockBuf < profile.sndBuf))
    skip.add(`${MAXSOCKBUF} below the socket buffers (not modelled)`);
  return { profile, overrides, toleranceUsecs, skip: [...skip], directives, unsupported };
}

/** The profile with these overrides, or what is wrong with them (outside the model's limits). */
function tryProfile(name: ProfileName, overrides: ProfileOverrides): Profile | string {
  try {
    return makeProfile(name, overrides);
  } catch (err) {
    if (err instanceof RangeError) return err.message.replace(/^profile \w+: /, '');
    throw err;
  }
}

/** What a Python line is about, for a skip reason: its first name (`tcpi_options`). */
function pythonSubject(code: string): string {
  const m = /[A-Za-z_][A-Za-z_0-9]*/g;
  for (const w of code.match(m) ?? []) if (w !== 'assert') return w;
  return 'code';
}
