/**
 * npm run test:fuzz [-- --seed N --runs N --kinds scenario,link,session
 *                       --timeout MS --heap MB --workers N --max-shrink N --out DIR]
 *
 * Generates --runs inputs of each kind (default 1,000), runs each in a worker
 * thread under a time and heap limit, and prints every hang, crash, runaway
 * memory and broken invariant, with a shrunk reproducer for a few of each
 * kind (also written to --out, default tmp/fuzz/seed-N/). Exit status 0:
 * nothing found; 1: something found; 2: bad arguments.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCampaign, show, type CampaignOptions } from './harness';
import { KINDS, type Kind } from './target';

export const DEFAULT_SEED = 20261129;
export const USAGE =
  'usage: npm run test:fuzz -- [--seed N] [--runs N] [--kinds scenario,link,session] [--timeout MS] [--heap MB] [--workers N] [--max-shrink N] [--out DIR]';

export function parseArgs(argv: readonly string[]): CampaignOptions | { error: string } {
  const o = {
    seed: DEFAULT_SEED,
    runs: 1000,
    kinds: KINDS,
    workers: Math.max(1, Math.min(availableParallelism(), 4)),
    timeoutMs: 3000,
    heapMb: 512,
    maxShrink: 2,
    shrinkTimeoutMs: 600,
    shrinkTests: 200,
    shrinkMs: 30_000,
    outDir: null as string | null,
  };
  const num = (name: string, v: string | undefined, lo: number): number | { error: string } => {
    const n = Number(v);
    return v !== undefined && /^\d+$/.test(v) && n >= lo && Number.isSafeInteger(n)
      ? n
      : { error: `${name} needs a whole number ≥ ${lo}, got ${v ?? 'nothing'}` };
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? a.split(/=(.*)/s, 2) : [a, undefined];
    const value = () => inline ?? argv[++i];
    const numeric: Record<string, [keyof typeof o, number]> = {
      '--seed': ['seed', 0],
      '--runs': ['runs', 1],
      '--timeout': ['timeoutMs', 100],
      '--heap': ['heapMb', 32],
      '--workers': ['workers', 1],
      '--max-shrink': ['maxShrink', 0],
    };
    if (flag in numeric) {
      const [key, lo] = numeric[flag]!;
      const n = num(flag, value(), lo);
      if (typeof n !== 'number') return n;
      (o as Record<string, unknown>)[key] = n;
    } else if (flag === '--kinds') {
      const ks = (value() ?? '').split(',');
      const bad = ks.find((k) => !(KINDS as readonly string[]).includes(k));
      if (bad !== undefined)
        return { error: `unknown kind '${bad}' (expected ${KINDS.join(', ')})` };
      o.kinds = ks as Kind[];
    } else if (flag === '--out') {
      const v = value();
      if (!v) return { error: '--out needs a directory' };
      o.outDir = v;
    } else return { error: `unknown argument '${a}'` };
  }
  o.shrinkTimeoutMs = Math.min(o.shrinkTimeoutMs, o.timeoutMs);
  return { ...o, outDir: o.outDir ?? `tmp/fuzz/seed-${o.seed}` };
}

export async function main(argv: readonly string[]): Promise<number> {
  const o = parseArgs(argv);
  if ('error' in o) {
    process.stderr.write(`fuzz: ${o.error}\n${USAGE}\n`);
    return 2;
  }
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(
    `fuzz: seed ${o.seed}, ${o.runs} inputs per kind (${(o.kinds ?? KINDS).join(', ')}), ${o.workers} workers, limits ${o.timeoutMs} ms and ${o.heapMb} MB per input`,
  );
  out(`fuzz: to run this again: npm run test:fuzz -- --seed ${o.seed} --runs ${o.runs}`);
  const r = await runCampaign({ ...o, log: out });
  out('');
  out(`fuzz: ${(r.wallMs / 1000).toFixed(1)} s, ${r.workersStarted} workers started`);
  for (const k of o.kinds ?? KINDS) out(`  ${k}: ${JSON.stringify(r.counts[k])}`);
  const groups = new Map<string, typeof r.findings>();
  for (const f of r.findings) groups.set(f.group, [...(groups.get(f.group) ?? []), f]);
  if (groups.size === 0) {
    out('fuzz: nothing found');
    return 0;
  }
  out(`fuzz: ${r.findings.length} findings in ${groups.size} groups`);
  for (const [g, fs] of groups) {
    out('');
    out(
      `${g} — ${fs.length} inputs (#${fs
        .slice(0, 12)
        .map((f) => f.index)
        .join(', #')}${fs.length > 12 ? ', …' : ''})`,
    );
    for (const f of fs.filter((x) => x.reproducer)) {
      out(
        `  #${f.index} shrunk (${f.shrinkTests} tests), ends in ${f.reproducerOutcome}: ${show(f.reproducer!)}`,
      );
      out(`    ${f.detail.split('\n').slice(0, 3).join('\n    ')}`);
      if (f.file) out(`    written to ${f.file}.*`);
    }
    const covered = fs.filter((x) => x.coveredBy !== undefined).length;
    if (covered) out(`  ${covered} more contain one of these reproducers`);
  }
  if (o.outDir) out(`\nfuzz: reproducers and report.json in ${o.outDir}`);
  return 1;
}

const entry = process.argv[1];
if (entry !== undefined && pathToFileURL(resolve(entry)).href === import.meta.url) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`fuzz: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
