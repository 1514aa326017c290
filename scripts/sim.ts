/**
 * Run a scenario file headless and print what happened.
 *
 *     npm run sim -- FILE [--pcap OUT.pcap] [--series OUT.csv] [--json] [--max-events N] [--max-segments N] [--max-scan-bytes N]
 *
 * Prints the trace one line per event (tcpdump style for segments), then the
 * result of each `=> EXPECTED`. With --json the trace is printed as JSON lines
 * instead (the expectation results go to stderr); --pcap also writes the
 * segments as a pcap file, --series the time series behind the graphs (cwnd,
 * ssthresh, in flight, SRTT, RTO, bottleneck queue) as CSV.
 *
 * Exit status: 0 the scenario ran and every expectation held; 1 it ran but
 * an expectation failed; 2 a bad scenario file (FILE:LINE:COL: message on
 * stderr), a missing file or bad arguments; 3 the simulation itself failed;
 * 4 the run needed more work than its budget (--max-events, --max-segments,
 * --max-scan-bytes).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatTrace, seconds } from '../src/core/wire';
import {
  ScenarioError,
  formatDuration,
  parseScenario,
  scenarioSettings,
} from '../src/core/formats';
import {
  DEFAULT_CAP_MS,
  RunBudgetExceeded,
  WORK_BUDGET,
  runScenario,
  type ScenarioRun,
} from '../src/core/formats';
import { recordToJson, type WorkKind } from '../src/core/sim';

export const USAGE =
  'usage: npm run sim -- FILE [--pcap OUT.pcap] [--series OUT.csv] [--json] [--max-events N] [--max-segments N] [--max-scan-bytes N]';

/** Exit statuses (docs/scenarios.md). */
export const EXIT = { ok: 0, expectation: 1, usage: 2, failed: 3, budget: 4 } as const;

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly readFile: (path: string) => string;
  readonly writeFile: (path: string, data: Uint8Array) => void;
}

const nodeIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  readFile: (p) => readFileSync(p, 'utf8'),
  writeFile: (p, d) => writeFileSync(p, d),
};

interface Args {
  readonly file: string;
  readonly pcap: string | null;
  readonly series: string | null;
  readonly json: boolean;
  /** The work budget, where given (else WORK_BUDGET's). */
  readonly maxEvents?: number;
  readonly maxSegments?: number;
  readonly maxScanBytes?: number;
}

const BUDGET_FLAGS = {
  '--max-events': 'maxEvents',
  '--max-segments': 'maxSegments',
  '--max-scan-bytes': 'maxScanBytes',
} as const;

/** The flag that raises each part of the budget. */
const FLAG_OF: Readonly<Record<WorkKind, keyof typeof BUDGET_FLAGS>> = {
  events: '--max-events',
  segments: '--max-segments',
  scanBytes: '--max-scan-bytes',
};

/** The arguments, or a message saying what is wrong with them. */
export function parseArgs(argv: readonly string[]): Args | { readonly error: string } | 'help' {
  let file: string | null = null;
  let pcap: string | null = null;
  let series: string | null = null;
  let json = false;
  const budget: { maxEvents?: number; maxSegments?: number; maxScanBytes?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') return 'help';
    const flag = Object.keys(BUDGET_FLAGS).find((f) => a === f || a.startsWith(`${f}=`)) as
      keyof typeof BUDGET_FLAGS | undefined;
    if (a === '--json') json = true;
    else if (flag !== undefined) {
      const v = a === flag ? argv[++i] : a.slice(flag.length + 1);
      const n = v !== undefined && /^\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isSafeInteger(n) || n < 1)
        return { error: `${flag} needs a whole number of at least 1` };
      budget[BUDGET_FLAGS[flag]] = n;
    } else if (a === '--pcap' || a.startsWith('--pcap=')) {
      const v = a === '--pcap' ? argv[++i] : a.slice('--pcap='.length);
      if (!v) return { error: '--pcap needs a file name' };
      pcap = v;
    } else if (a === '--series' || a.startsWith('--series=')) {
      const v = a === '--series' ? argv[++i] : a.slice('--series='.length);
      if (!v) return { error: '--series needs a file name' };
      series = v;
    } else if (a.startsWith('-') && a !== '-') return { error: `unknown option '${a}'` };
    else if (file !== null)
      return { error: `one scenario file at a time (got '${file}' and '${a}')` };
    else file = a;
  }
  if (file === null) return { error: 'no scenario file given' };
  return { file, pcap, series, json, ...budget };
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The most characters of the offending line shown under an error. */
export const SOURCE_WINDOW = 100;

/**
 * `FILE:LINE:COL: message`, then the line and a caret under the column. A long
 * line is shown as a window of SOURCE_WINDOW characters around the column, so a
 * megabyte-long line does not make a megabyte of output.
 */
export function describeScenarioError(e: ScenarioError): string {
  const lines = [e.format()];
  if (e.source.trim() !== '') {
    const src = e.source.replace(/\t/g, ' ');
    const at = Math.max(0, e.column - 1);
    let from = 0;
    let to = src.length;
    if (src.length > SOURCE_WINDOW) {
      from = Math.max(0, Math.min(at - SOURCE_WINDOW / 2, src.length - SOURCE_WINDOW));
      to = from + SOURCE_WINDOW;
    }
    const pre = from > 0 ? '…' : '';
    const post = to < src.length ? '…' : '';
    lines.push(
      `    ${pre}${src.slice(from, to)}${post}`,
      `    ${' '.repeat(pre.length + at - from)}^`,
    );
  }
  return lines.join('\n') + '\n';
}

function expectationLines(run: ScenarioRun): { lines: string[]; failed: number } {
  const lines: string[] = [];
  let failed = 0;
  for (const x of run.expectations) {
    if (x.call === 'wait') {
      if (x.ok) lines.push(`line ${x.line}: wait for ${x.expected} ${x.actual}`);
      else {
        failed++;
        lines.push(`line ${x.line}: wait for ${x.expected} never ended ${x.actual}`);
      }
    } else if (x.ok) lines.push(`line ${x.line}: ${x.call} returned ${x.actual} as expected`);
    else {
      failed++;
      lines.push(`line ${x.line}: ${x.call} expected ${x.expected}, got ${x.actual}`);
    }
  }
  const n = run.expectations.length;
  if (n === 0) lines.push('no expectations');
  else if (failed === 0) lines.push(n === 1 ? '1 expectation held' : `all ${n} expectations held`);
  else lines.push(`FAILED: ${failed} of ${n} expectation${n === 1 ? '' : 's'} did not hold`);
  return { lines, failed };
}

/** Run the CLI; resolves to the exit status. */
export async function main(argv: readonly string[], io: Io = nodeIo): Promise<number> {
  const args = parseArgs(argv);
  if (args === 'help') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  if ('error' in args) {
    io.err(`sim: ${args.error}\n${USAGE}\n`);
    return 2;
  }
  let text: string;
  try {
    text = io.readFile(args.file);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'no such file' : errorText(e);
    io.err(`sim: cannot read '${args.file}': ${why}\n${USAGE}\n`);
    return 2;
  }

  let run: ScenarioRun;
  let endNote: string;
  try {
    const sc = parseScenario(text, args.file);
    run = runScenario(sc, {
      budget: {
        events: args.maxEvents ?? WORK_BUDGET.events,
        segments: args.maxSegments ?? WORK_BUDGET.segments,
        scanBytes: args.maxScanBytes ?? WORK_BUDGET.scanBytes,
      },
    });
    const until = scenarioSettings(sc).run;
    endNote =
      until !== 'idle'
        ? `run ended at ${seconds(run.world.now)} (run ${formatDuration(until)})`
        : run.hitCap
          ? `run stopped at ${seconds(run.world.now)}: the safety cap of ${DEFAULT_CAP_MS / 3_600_000} h was reached before the run went idle`
          : `run ended at ${seconds(run.world.now)} (idle: nothing left to happen)`;
  } catch (e) {
    if (e instanceof ScenarioError) {
      io.err(describeScenarioError(e));
      return 2;
    }
    if (e instanceof RunBudgetExceeded) {
      const what =
        e.what === 'events'
          ? 'scheduler events'
          : e.what === 'segments'
            ? 'segments'
            : 'bytes of payload searched by drop rules';
      io.err(
        `sim: ${args.file}: the run was stopped at ${seconds(e.at)} s: it needs more than ${e.limit} ${what}, the work budget of a run.\n` +
          `Stop it sooner (run DURATION), or raise the budget with ${FLAG_OF[e.what]} N.\n`,
      );
      return EXIT.budget;
    }
    io.err(`sim: the simulation failed: ${errorText(e)}\n`);
    return 3;
  }

  const records = run.world.trace.records;
  const { lines, failed } = expectationLines(run);
  if (args.json) {
    io.out(records.map((r) => recordToJson(r) + '\n').join(''));
    io.err([endNote, ...lines].join('\n') + '\n');
  } else {
    io.out([...formatTrace(records), '', endNote, ...lines].join('\n') + '\n');
  }

  if (args.pcap !== null) {
    try {
      const { writePcap } = await import('../src/core/wire');
      const bytes = writePcap(records);
      io.writeFile(args.pcap, bytes);
      io.err(`wrote ${bytes.length} bytes to ${args.pcap}\n`);
    } catch (e) {
      io.err(`sim: cannot write '${args.pcap}': ${errorText(e)}\n`);
      return 2;
    }
  }
  if (args.series !== null) {
    try {
      const { seriesCsv } = await import('../src/core/wire');
      const text = seriesCsv(run.world.trace);
      io.writeFile(args.series, new TextEncoder().encode(text));
      io.err(`wrote ${text.split('\n').length - 2} samples to ${args.series}\n`);
    } catch (e) {
      io.err(`sim: cannot write '${args.series}': ${errorText(e)}\n`);
      return 2;
    }
  }
  return failed > 0 ? 1 : 0;
}

const entry = process.argv[1];
if (entry !== undefined && pathToFileURL(resolve(entry)).href === import.meta.url) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`sim: ${errorText(e)}\n`);
      process.exitCode = 3;
    },
  );
}
