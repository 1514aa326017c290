/**
 * Run packetdrill scripts against one simulated endpoint.
 *
 *     npm run packetdrill -- FILE.pkt|DIR... [--profile linux|freebsd|rfc] [--json] [--explore]
 *
 * A directory is searched for `.pkt` files, recursively, in name order. Each
 * script is reported as pass (with whether level 2 — window and options —
 * held too), fail (the first divergence: its line, the script's line, what the
 * model did) or skipped (why). With --json, one JSON object per script, then
 * the summary `{"scripts":…,"passed":…,"failed":…,"skipped":…,"level2_passed":…}`.
 * --explore also runs the skipped scripts, passing over what the core cannot
 * do, and reports how far each got beside its skip (never as a pass).
 *
 * Exit status: 0 no script failed; 1 some script failed; 2 bad arguments, a
 * missing file, or a profile the model does not have.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runPacketdrill, type PktResult } from '../src/core/formats';
import type { ProfileName } from '../src/core/tcp';

export const USAGE =
  'usage: npm run packetdrill -- FILE.pkt|DIR... [--profile linux|freebsd|rfc] [--json] [--explore]';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const nodeIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** One script's outcome, as --json prints it. */
export interface ScriptReport {
  readonly file: string;
  readonly status: PktResult['status'];
  /** Level 2 held (null when the script did not run to the end). */
  readonly level2: boolean | null;
  readonly reasons?: readonly string[];
  readonly divergence?: { line: number; expected: string; actual: string };
  readonly level2_divergence?: { line: number; expected: string; actual: string };
  /** With --explore: how a skipped script ran when what is unsupported was passed over. */
  readonly explored?: ScriptReport;
}

export interface Summary {
  readonly scripts: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly level2_passed: number;
  /** With --explore: skipped scripts that ran through when what is unsupported was passed over. */
  readonly explored_passed?: number;
}

/** Every `.pkt` file named or under a directory named, in order. */
export function collect(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) walk(join(p, name));
    } else if (p.endsWith('.pkt')) out.push(p);
  };
  for (const p of paths) {
    if (!statSync(p, { throwIfNoEntry: false })) throw new Error(`no such file or directory: ${p}`);
    if (statSync(p).isDirectory()) walk(p);
    else out.push(p);
  }
  return out;
}

export function report(file: string, r: PktResult): ScriptReport {
  switch (r.status) {
    case 'skipped':
      return {
        file,
        status: 'skipped',
        level2: null,
        reasons: r.reasons,
        ...(r.explored ? { explored: report(file, r.explored) } : {}),
      };
    case 'fail':
      return {
        file,
        status: 'fail',
        level2: null,
        divergence: r.divergence,
        ...(r.level2Divergence ? { level2_divergence: r.level2Divergence } : {}),
      };
    case 'pass':
      return {
        file,
        status: 'pass',
        level2: r.level2,
        ...(r.level2Divergence ? { level2_divergence: r.level2Divergence } : {}),
      };
  }
}

/** Run every script under `profile` and summarise. */
export function runAll(
  files: readonly string[],
  profile: ProfileName,
  options: { explore?: boolean } = {},
  readFile: (p: string) => string = (p) => readFileSync(p, 'utf8'),
): { reports: ScriptReport[]; summary: Summary } {
  const reports = files.map((f) => report(f, runPacketdrill(readFile(f), f, profile, options)));
  const count = (s: PktResult['status']) => reports.filter((r) => r.status === s).length;
  return {
    reports,
    summary: {
      scripts: reports.length,
      passed: count('pass'),
      failed: count('fail'),
      skipped: count('skipped'),
      level2_passed: reports.filter((r) => r.status === 'pass' && r.level2).length,
      ...(options.explore
        ? { explored_passed: reports.filter((r) => r.explored?.status === 'pass').length }
        : {}),
    },
  };
}

function textLine(r: ScriptReport): string {
  const name = relative(process.cwd(), r.file) || r.file;
  switch (r.status) {
    case 'pass':
      return r.level2
        ? `pass     ${name}\n`
        : `pass     ${name} (level 1; level 2 differs at line ${r.level2_divergence!.line}: ${r.level2_divergence!.actual})\n`;
    case 'skipped': {
      const x = r.explored;
      const explored = !x
        ? ''
        : x.status === 'pass'
          ? '         explored: runs through\n'
          : `         explored: diverges at line ${x.divergence!.line}\n         expected: ${x.divergence!.expected}\n         model:    ${x.divergence!.actual}\n`;
      return `skipped  ${name}: ${r.reasons!.join('; ')}\n${explored}`;
    }
    case 'fail': {
      const d = r.divergence!;
      return `FAIL     ${name}:${d.line}\n         expected: ${d.expected}\n         model:    ${d.actual}\n`;
    }
  }
}

export function main(argv: readonly string[], io: Io = nodeIo): number {
  const paths: string[] = [];
  let profile = 'linux';
  let json = false;
  let explore = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--explore') explore = true;
    else if (a === '--profile') {
      const v = argv[++i];
      if (v === undefined) {
        io.err(`--profile needs a value\n${USAGE}\n`);
        return EXIT.usage;
      }
      profile = v;
    } else if (a.startsWith('--')) {
      io.err(`unknown option ${a}\n${USAGE}\n`);
      return EXIT.usage;
    } else paths.push(a);
  }
  if (paths.length === 0) {
    io.err(`${USAGE}\n`);
    return EXIT.usage;
  }
  if (profile === 'freebsd') {
    io.err(
      'the freebsd profile does not exist yet (issue 13): run with --profile linux or --profile rfc\n',
    );
    return EXIT.usage;
  }
  if (profile !== 'linux' && profile !== 'rfc') {
    io.err(`unknown profile ${profile}\n${USAGE}\n`);
    return EXIT.usage;
  }
  let files: string[];
  try {
    files = collect(paths.map((p) => resolve(p)));
  } catch (e) {
    io.err(`${(e as Error).message}\n`);
    return EXIT.usage;
  }
  const { reports, summary } = runAll(files, profile, { explore });
  for (const r of reports) io.out(json ? `${JSON.stringify(r)}\n` : textLine(r));
  if (json) io.out(`${JSON.stringify(summary)}\n`);
  else
    io.out(
      `\n${summary.scripts} scripts under ${profile}: ${summary.passed} passed (${summary.level2_passed} at level 2), ${summary.failed} failed, ${summary.skipped} skipped${explore ? ` (${summary.explored_passed} of them run through when explored)` : ''}\n`,
    );
  return summary.failed > 0 ? EXIT.failed : EXIT.ok;
}

const entry = process.argv[1];
if (entry !== undefined && pathToFileURL(resolve(entry)).href === import.meta.url) {
  process.exitCode = main(process.argv.slice(2));
}
