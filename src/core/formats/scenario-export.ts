/**
 * A run as a scenario file: what the app offers to download. Every input of
 * the run (calls, link changes, drop rules, drops of segments in flight)
 * becomes a timed line at its absolute time, with sockets named by their
 * descriptor numbers, after a header that fixes the seed, the profile and the
 * link. Opening the file again runs the same calls at the same instants.
 *
 * Two differences remain, and the file says so. In a scenario each side runs
 * its calls one after another, while in the app a button can make a call while
 * an earlier one of the same side is still blocked. And an input made in the
 * middle of an instant — after some of the events due then, as the line after
 * a `wait` is — becomes a line at that instant, which a scenario runs before
 * any event due then. Such runs replay exactly from a share link, not always
 * from the file.
 */
import type { Call } from '../sockets/host';
import {
  DEFAULT_DIRECTION,
  type DirectionConfig,
  type LinkRule,
  type SegmentPattern,
} from '../sim/link';
import {
  DURATION_KEYS,
  LINK_KEYS,
  formatDuration,
  formatLinkAction,
  formatSettings,
  quoteBytes,
  type LinkAction,
  type LinkSetting,
  type Pattern,
} from './scenario';
import { ipToString, parseIp } from '../tcp/segment';
import type { Side } from '../sim/trace';
import { DEFAULT_CLIENT_IP, DEFAULT_SERVER_IP, type World } from '../sim/world';

const secs = (ms: number): string => {
  const s = (ms / 1000).toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
  return s === '' ? '0' : s;
};

function callText(c: Call, serverIp: number, clientIp: number): string {
  switch (c.name) {
    case 'socket':
      return 'socket()';
    case 'bind':
      return `bind(${c.fd}, ${c.port})`;
    case 'listen':
      return `listen(${c.fd}, ${c.backlog ?? 128})`;
    case 'accept':
      return `accept(${c.fd})`;
    case 'connect': {
      const host = c.ip === serverIp ? 'server' : c.ip === clientIp ? 'client' : ipToString(c.ip);
      return `connect(${c.fd}, ${host}, ${c.port})`;
    }
    case 'send':
      return `send(${c.fd}, ${quoteBytes(c.data)})`;
    case 'recv':
      return `recv(${c.fd}, ${c.len ?? 1024})`;
    case 'shutdown':
      return `shutdown(${c.fd}, ${c.how})`;
    case 'close':
      return `close(${c.fd})`;
    case 'setsockopt':
      return c.opt === 'SO_REUSEADDR'
        ? `setsockopt(${c.fd}, SO_REUSEADDR, ${c.value ? 1 : 0})`
        : `setsockopt(${c.fd}, SO_LINGER, ${c.onoff ? 1 : 0}, ${c.linger})`;
  }
}

function pattern(p: SegmentPattern): Pattern {
  const pl = p.payload;
  return {
    flags: p.flags,
    payload: pl === undefined ? null : typeof pl === 'string' ? pl : { contains: [...pl.contains] },
  };
}

/** A link rule as the `link` line that sets it. */
export function ruleAction(r: LinkRule): LinkAction {
  if (r.kind === 'dropNth') return { kind: 'dropNth', from: r.from, n: r.n };
  return {
    kind: 'dropNext',
    from: r.from,
    ...pattern(r),
    after: r.after === undefined ? null : { from: r.after.from, ...pattern(r.after) },
  };
}

/** The settings a direction's config (or a change to it) gives, in the order of LINK_KEYS. */
function linkSettings(c: Partial<DirectionConfig>): LinkSetting[] {
  const out: LinkSetting[] = [];
  for (const key of LINK_KEYS) {
    const value = c[key];
    if (value !== undefined) out.push({ key, value } as LinkSetting);
  }
  return out;
}

/** The run so far as the text of a scenario file. */
export function scenarioFromRun(
  world: World,
  title = 'A session saved from TCP Playground',
): string {
  const o = world.options;
  const serverIp = parseIp(o.serverIp ?? DEFAULT_SERVER_IP)!;
  const clientIp = parseIp(o.clientIp ?? DEFAULT_CLIENT_IP)!;
  const lines: string[] = [
    `# ${title}`,
    '#',
    '# Every call, link change and drop of this session, at the instant it was made.',
    '# Here each side runs its calls one after another; in the app a call can be',
    '# made while another of the same side is still blocked. And a line runs before',
    '# the events due at its instant, while a call that waited for one of them came',
    '# after it. A share link is the exact record of such a session.',
    '',
    `seed ${o.seed}`,
    `profile ${o.profile ?? 'linux'}`,
  ];
  for (const [k, v] of Object.entries(o.overrides ?? {})) {
    if (v === undefined) continue;
    const text =
      typeof v === 'number' && DURATION_KEYS.has(k)
        ? formatDuration(v)
        : v === null
          ? 'none'
          : String(v);
    lines.push(`set ${k} ${text}`);
  }
  for (const side of ['client', 'server'] as const) {
    const { rate, queue, ...c } = { ...DEFAULT_DIRECTION, ...o.link?.[side] };
    // A bottleneck is written only when there is one, so files of runs without stay as they were.
    lines.push(
      `link ${side} ${formatSettings(linkSettings({ ...c, ...(rate === 0 ? {} : { rate }), ...(queue === null ? {} : { queue }) }))}`,
    );
  }
  if (o.clientIp) lines.push(`address client ${o.clientIp}`);
  if (o.serverIp) lines.push(`address server ${o.serverIp}`);
  lines.push('');
  for (const i of world.inputs) {
    const a = i.action;
    const t = secs(i.t);
    if (a.kind === 'call') lines.push(`${t} ${a.side} ${callText(a.call, serverIp, clientIp)}`);
    else if (a.kind === 'link') {
      const settings = linkSettings(a.change);
      if (settings.length) lines.push(`${t} link ${a.from} ${formatSettings(settings)}`);
    } else if (a.kind === 'rule') lines.push(`${t} link ${formatLinkAction(ruleAction(a.rule))}`);
    else lines.push(`${t} link drop segment ${a.id}`);
  }
  lines.push('', `run ${formatDuration(Math.max(world.now, 1))}`, '');
  return lines.join('\n');
}

export type { Side };
