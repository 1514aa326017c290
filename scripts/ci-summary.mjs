// Sums the results of a .ci/run pipeline into one line: "N passed, M failed".
//
// Usage: node scripts/ci-summary.mjs REPORT_DIR
//
// REPORT_DIR holds steps.tsv (one "<step>\t<exit code>" line per pipeline step, in order)
// and, per step, optional JSON reports named <step>.vitest.json (Vitest's json reporter)
// and <step>.playwright.json (Playwright's json reporter). Passed/failed are test totals
// from those reports. A step that exited non-zero without reporting any failed test
// (typecheck, lint, a crashed runner, Vitest finding no test files...) counts as 1 failed.
// Exit code: 0 when nothing failed, 1 otherwise.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** @typedef {{ passed: number, failed: number }} Counts */

/**
 * @param {unknown} value
 * @returns {number}
 */
function num(value) {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * @param {string} file
 * @returns {Record<string, unknown> | undefined}
 */
function readJson(file) {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = /** @type {unknown} */ (JSON.parse(readFileSync(file, 'utf8')));
    return parsed !== null && typeof parsed === 'object'
      ? /** @type {Record<string, unknown>} */ (parsed)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Counts from a Vitest JSON report (Jest-compatible shape). A test file that failed
 * without any failed test (e.g. an import error) counts as one failure.
 * @param {Record<string, unknown>} report
 * @returns {Counts}
 */
export function vitestCounts(report) {
  let failed = num(report.numFailedTests);
  const files = Array.isArray(report.testResults) ? report.testResults : [];
  for (const file of /** @type {unknown[]} */ (files)) {
    if (file === null || typeof file !== 'object') continue;
    const { status, assertionResults } = /** @type {Record<string, unknown>} */ (file);
    const assertions = Array.isArray(assertionResults)
      ? /** @type {unknown[]} */ (assertionResults)
      : [];
    const anyFailedTest = assertions.some(
      (a) => a !== null && typeof a === 'object' && 'status' in a && a.status === 'failed',
    );
    if (status === 'failed' && !anyFailedTest) failed += 1;
  }
  return { passed: num(report.numPassedTests), failed };
}

/**
 * Counts from a Playwright JSON report: flaky tests passed on retry, so they count as passed.
 * @param {Record<string, unknown>} report
 * @returns {Counts}
 */
export function playwrightCounts(report) {
  const stats =
    report.stats !== null && typeof report.stats === 'object'
      ? /** @type {Record<string, unknown>} */ (report.stats)
      : {};
  return {
    passed: num(stats.expected) + num(stats.flaky),
    failed: num(stats.unexpected),
  };
}

/**
 * @param {string} dir
 * @returns {Counts & { steps: { name: string, code: number, passed: number, failed: number }[] }}
 */
export function summarize(dir) {
  const stepsFile = join(dir, 'steps.tsv');
  const lines = existsSync(stepsFile) ? readFileSync(stepsFile, 'utf8').split('\n') : [];
  const steps = [];
  let passed = 0;
  let failed = 0;
  for (const line of lines) {
    if (!line.trim()) continue;
    const [name = '', codeText = ''] = line.split('\t');
    const code = Number.parseInt(codeText, 10);
    const exitCode = Number.isNaN(code) ? 1 : code;
    const counts = { passed: 0, failed: 0 };
    const vitest = readJson(join(dir, `${name}.vitest.json`));
    const playwright = readJson(join(dir, `${name}.playwright.json`));
    for (const c of [
      vitest ? vitestCounts(vitest) : undefined,
      playwright ? playwrightCounts(playwright) : undefined,
    ]) {
      if (!c) continue;
      counts.passed += c.passed;
      counts.failed += c.failed;
    }
    if (exitCode !== 0 && counts.failed === 0) counts.failed = 1;
    steps.push({ name, code: exitCode, ...counts });
    passed += counts.passed;
    failed += counts.failed;
  }
  if (steps.length === 0) failed += 1; // nothing ran at all: that is a failure too
  return { passed, failed, steps };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node scripts/ci-summary.mjs REPORT_DIR');
    process.exit(2);
  }
  const { passed, failed, steps } = summarize(dir);
  // Per-step detail, deliberately not in the "N passed, M failed" shape of the last line.
  for (const s of steps) {
    console.log(`  step ${s.name}: exit=${s.code} passed=${s.passed} failed=${s.failed}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}
