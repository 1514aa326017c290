/**
 * The theme's colours for the graphs' canvases, read from CSS variables
 * (theme.css, graphs.css) only when the theme or the system's colour scheme
 * changed: getComputedStyle in a frame would recalculate the page's styles.
 */
export interface GraphColours {
  readonly fg: string;
  readonly muted: string;
  readonly grid: string;
  readonly bg: string;
  readonly client: string;
  readonly server: string;
  readonly rtx: string;
  readonly lost: string;
  readonly ack: string;
  readonly win: string;
  readonly sack: string;
  readonly cwnd: string;
  readonly ssthresh: string;
  readonly flight: string;
  readonly srtt: string;
  readonly rto: string;
  readonly queue: string;
  readonly cursor: string;
  readonly focus: string;
  readonly phase: Readonly<
    Record<'slow-start' | 'avoidance' | 'fast-recovery' | 'rto-recovery', string>
  >;
  readonly font: string;
}

let schemeEpoch = 0;
let watched = false;
/** Per element (the two canvases ask in turn): a single entry would be read again at every call. */
const cached = new WeakMap<Element, { key: string; value: GraphColours }>();

export function graphColours(el: Element): GraphColours {
  if (!watched && typeof window.matchMedia === 'function') {
    watched = true;
    window
      .matchMedia('(prefers-color-scheme: dark)')
      .addEventListener('change', () => void schemeEpoch++);
  }
  const key = `${document.documentElement.getAttribute('data-theme') ?? ''}|${schemeEpoch}`;
  const hit = cached.get(el);
  if (hit && hit.key === key) return hit.value;
  const style = getComputedStyle(el);
  const v = (name: string): string => style.getPropertyValue(name).trim() || style.color;
  const value: GraphColours = {
    fg: v('--fg'),
    muted: v('--muted'),
    grid: v('--grid'),
    bg: v('--panel-bg'),
    client: v('--client'),
    server: v('--server'),
    rtx: v('--gr-rtx'),
    lost: v('--danger'),
    ack: v('--gr-ack'),
    win: v('--gr-win'),
    sack: v('--gr-sack'),
    cwnd: v('--gr-cwnd'),
    ssthresh: v('--gr-ssthresh'),
    flight: v('--gr-flight'),
    srtt: v('--gr-srtt'),
    rto: v('--gr-rto'),
    queue: v('--gr-queue'),
    cursor: v('--fg'),
    focus: v('--focus'),
    phase: {
      'slow-start': v('--gr-ph-ss'),
      avoidance: v('--gr-ph-ca'),
      'fast-recovery': v('--gr-ph-fr'),
      'rto-recovery': v('--gr-ph-rto'),
    },
    font: `11px ${style.getPropertyValue('--sans').trim() || 'sans-serif'}`,
  };
  cached.set(el, { key, value });
  return value;
}
