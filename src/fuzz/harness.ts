/**
 * A fuzzing campaign: generate inputs of each kind, run each in the worker
 * pool, gather what went wrong, shrink a few inputs per kind of failure to
 * minimal reproducers, and write them out.
 *
 * Outcome classes: `accepted` and `refused` are fine; `hang` (wall-time limit
 * hit), `growth` (heap or memory limit hit), `crash` (an exception that is not
 * a clean refusal; see target.ts), `invariant` (a promise broken without an
 * exception) and `worker-died` are findings.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { b64ToJson, generate } from './gen';
import { Pool, type Result } from './pool';
import { Rng } from './rng';
import { Budget, covers, shrinkInput } from './shrink';
import { KINDS, type FuzzInput, type Kind } from './target';

export type Outcome = Result['outcome'];
export const FINDING_OUTCOMES: readonly Outcome[] = [
  'hang',
  'growth',
  'crash',
  'invariant',
  'worker-died',
];

export interface CampaignOptions {
  readonly seed: number;
  /** Inputs per kind. */
  readonly runs: number;
  readonly kinds?: readonly Kind[];
  readonly workers: number;
  /** Wall-time limit per input (ms). */
  readonly timeoutMs: number;
  /** Heap limit per worker (MB). */
  readonly heapMb: number;
  /** Shrink at most this many inputs per kind of failure (0: no shrinking). */
  readonly maxShrink: number;
  /** Time limit while shrinking (ms): a candidate that runs this long counts as hanging. */
  readonly shrinkTimeoutMs: number;
  /** Tests and wall time one shrink may take. */
  readonly shrinkTests: number;
  readonly shrinkMs: number;
  /** Where reproducers go (null: nowhere). */
  readonly outDir: string | null;
  readonly log?: (line: string) => void;
}

export interface Finding {
  readonly kind: Kind;
  readonly index: number;
  readonly outcome: Outcome;
  /** What groups findings: kind, outcome and (for crashes and invariants) what was thrown or broken. */
  readonly group: string;
  readonly detail: string;
  readonly input: FuzzInput;
  reproducer?: FuzzInput;
  /** How the reproducer ends with the full limits. */
  reproducerOutcome?: Outcome;
  shrinkTests?: number;
  /** Index of the finding whose reproducer this one seems to contain (not shrunk itself). */
  coveredBy?: number;
  file?: string;
}

export interface CampaignReport {
  readonly seed: number;
  readonly runs: number;
  readonly counts: Record<Kind, Partial<Record<Outcome, number>>>;
  readonly findings: Finding[];
  readonly wallMs: number;
  readonly workersStarted: number;
}

/** Findings that are the same failure: crashes and invariants by signature; hangs and growth together. */
function groupOf(kind: Kind, r: Result): string {
  if (r.outcome === 'crash' || r.outcome === 'invariant')
    return `${kind} ${r.outcome}: ${r.signature}`;
  if (r.outcome === 'hang' || r.outcome === 'growth') return `${kind} runaway (hang or growth)`;
  return `${kind} ${r.outcome}`;
}

function detailOf(r: Result): string {
  switch (r.outcome) {
    case 'hang':
      return `no answer within ${r.limitMs} ms`;
    case 'growth':
    case 'worker-died':
    case 'crash':
    case 'invariant':
      return r.detail;
    default:
      return r.note;
  }
}

export const sizeOf = (i: FuzzInput): number =>
  i.kind === 'scenario'
    ? i.text.length
    : i.kind === 'link'
      ? i.link.length
      : (i.current?.length ?? 0) + (i.saved?.length ?? 0);

/** Does `r` fail the way `f` did? */
function sameFailure(f: Finding, r: Result): boolean {
  if (f.outcome === 'hang' || f.outcome === 'growth')
    return r.outcome === 'hang' || r.outcome === 'growth';
  return groupOf(f.kind, r) === f.group;
}

async function mapLimit<T>(n: number, items: readonly T[], f: (x: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, n) }, async () => {
      while (next < items.length) await f(items[next++]!);
    }),
  );
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignReport> {
  const log = o.log ?? (() => {});
  const kinds = o.kinds ?? KINDS;
  const t0 = Date.now();
  const pool = new Pool({
    size: o.workers,
    timeoutMs: o.timeoutMs,
    heapMb: o.heapMb,
    rssLimitMb: o.workers * (o.heapMb + 768) + 1024,
  });
  const counts = Object.fromEntries(KINDS.map((k) => [k, {}])) as CampaignReport['counts'];
  const findings: Finding[] = [];
  try {
    for (const kind of kinds) {
      const tk = Date.now();
      const indices = Array.from({ length: o.runs }, (_, i) => i);
      // A few inputs per worker in flight: the queue stays short, and inputs are
      // made just before they run.
      await mapLimit(o.workers * 2, indices, async (index) => {
        const input = generate(kind, Rng.forInput(o.seed, kind, index));
        const r = await pool.run(input);
        counts[kind][r.outcome] = (counts[kind][r.outcome] ?? 0) + 1;
        if (!FINDING_OUTCOMES.includes(r.outcome)) return;
        const f: Finding = {
          kind,
          index,
          outcome: r.outcome,
          group: groupOf(kind, r),
          detail: detailOf(r),
          input,
        };
        findings.push(f);
        log(`  ${kind} #${index}: ${r.outcome} — ${f.group}`);
      });
      log(
        `${kind}: ${o.runs} inputs in ${((Date.now() - tk) / 1000).toFixed(1)} s: ${JSON.stringify(counts[kind])}`,
      );
    }
    findings.sort((a, b) => a.kind.localeCompare(b.kind) || a.index - b.index);
    if (o.maxShrink > 0) await shrinkAll(o, pool, findings, log);
  } finally {
    await pool.close();
  }
  const report: CampaignReport = {
    seed: o.seed,
    runs: o.runs,
    counts,
    findings,
    wallMs: Date.now() - t0,
    workersStarted: pool.started,
  };
  if (o.outDir !== null) writeReproducers(o.outDir, report);
  return report;
}

async function shrinkAll(
  o: CampaignOptions,
  pool: Pool,
  findings: Finding[],
  log: (line: string) => void,
): Promise<void> {
  // Smallest inputs first. An input that holds a reproducer already found in its
  // group is taken to be the same bug and not shrunk. A hang or runaway memory says
  // nothing about its cause, so those groups get more shrinks than crashes, whose
  // signature already tells them apart.
  const todo = [...findings].sort(
    (a, b) => a.group.localeCompare(b.group) || sizeOf(a.input) - sizeOf(b.input),
  );
  const done = new Map<string, Finding[]>();
  const limit = (f: Finding) =>
    f.outcome === 'hang' || f.outcome === 'growth' ? o.maxShrink * 3 : o.maxShrink;
  await mapLimit(o.workers, todo, async (f) => {
    const mine = done.get(f.group) ?? [];
    done.set(f.group, mine);
    const cover = mine.find((d) => d.reproducer && covers(d.reproducer, f.input));
    if (cover) {
      f.coveredBy = cover.index;
      return;
    }
    if (mine.length >= limit(f)) return;
    mine.push(f);
    const budget = new Budget(o.shrinkTests, o.shrinkMs);
    const rep = await shrinkInput(
      f.input,
      async (cand) => sameFailure(f, await pool.run(cand, o.shrinkTimeoutMs)),
      budget,
    );
    // Check it with the full limits.
    const check = await pool.run(rep);
    f.reproducer = sameFailure(f, check) ? rep : f.input;
    f.reproducerOutcome = sameFailure(f, check) ? check.outcome : f.outcome;
    f.shrinkTests = budget.tests;
    log(
      `  shrunk ${f.kind} #${f.index} (${f.group}): ${sizeOf(f.input)} → ${sizeOf(f.reproducer)} characters in ${budget.tests} tests`,
    );
  });
}

/** A run's JSON with long arrays cut to their ends, and long strings to their start. */
function abridge(v: unknown): unknown {
  if (Array.isArray(v))
    return v.length > 8
      ? [...v.slice(0, 4).map(abridge), `… ${v.length - 6} more …`, ...v.slice(-2).map(abridge)]
      : v.map(abridge);
  if (typeof v === 'string' && v.length > 60) return `${v.slice(0, 40)}… (${v.length} characters)`;
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, abridge(x)]));
  return v;
}

/** An input for a terminal: escapes for anything not printable ASCII, long runs of one character abbreviated. */
export function show(i: FuzzInput, max = 600): string {
  const esc = (s: string) =>
    JSON.stringify(s)
      .replace(/(.)\1{23,}/gsu, (m, c: string) => `${c}‹×${[...m].length}›`)
      .replace(/[^\x20-\x7e]/gu, (c) =>
        [...c].length === 1 && c.length === 2
          ? `\\u{${c.codePointAt(0)!.toString(16)}}`
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      );
  const cut = (s: string) => (s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s);
  switch (i.kind) {
    case 'scenario':
      return `scenario text ${cut(esc(i.text))}`;
    case 'link': {
      const m = /^(?:[^#]*#(?:[^&]*&)*run=)?([^&]*)(.*)$/s.exec(i.link)!;
      const run = b64ToJson(m[1]!);
      if (run === undefined || m[2] !== '') return `link ${cut(esc(i.link))}`;
      const at = i.link.length - m[1]!.length;
      return `link ${at > 0 ? `${esc(i.link.slice(0, at))} + ` : ''}base64url of ${cut(esc(JSON.stringify(abridge(run))))}`;
    }
    case 'session':
      return `stored current=${i.current === null ? 'null' : cut(esc(i.current))} saved=${i.saved === null ? 'null' : cut(esc(i.saved))}`;
  }
}

function writeReproducers(dir: string, r: CampaignReport): void {
  mkdirSync(dir, { recursive: true });
  for (const f of r.findings) {
    if (!f.reproducer) continue;
    const base = join(dir, `${f.kind}-${f.index}-${f.outcome}`);
    const rep = f.reproducer;
    if (rep.kind === 'scenario') writeFileSync(`${base}.scenario`, rep.text);
    else if (rep.kind === 'link') writeFileSync(`${base}.link.txt`, rep.link + '\n');
    else
      writeFileSync(
        `${base}.storage.json`,
        JSON.stringify({ current: rep.current, saved: rep.saved }, null, 2),
      );
    f.file = base;
  }
  writeFileSync(
    join(dir, 'report.json'),
    JSON.stringify(
      {
        ...r,
        findings: r.findings.map((f) => ({
          ...f,
          input: f.reproducer ? undefined : show(f.input, 2000),
        })),
      },
      null,
      1,
    ),
  );
}
