import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { playwrightCounts, summarize, vitestCounts } from './ci-summary.mjs';

const dirs: string[] = [];

function reportDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ci-summary-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('ci-summary', () => {
  it('counts an import error in a Vitest file as one failure', () => {
    expect(
      vitestCounts({
        numPassedTests: 4,
        numFailedTests: 1,
        testResults: [
          { status: 'failed', assertionResults: [{ status: 'failed' }, { status: 'passed' }] },
          { status: 'failed', assertionResults: [] },
        ],
      }),
    ).toEqual({ passed: 4, failed: 2 });
  });

  it('counts flaky Playwright tests as passed', () => {
    expect(
      playwrightCounts({ stats: { expected: 3, flaky: 1, unexpected: 2, skipped: 5 } }),
    ).toEqual({ passed: 4, failed: 2 });
  });

  it('sums reports and counts failed steps without test results as one failure', () => {
    const dir = reportDir({
      'steps.tsv': 'typecheck\t2\nlint\t0\ntest-unit\t1\ntest-e2e\t0\n',
      'test-unit.vitest.json': { numPassedTests: 10, numFailedTests: 2, testResults: [] },
      'test-e2e.playwright.json': { stats: { expected: 3, unexpected: 0, flaky: 0 } },
    });
    const { passed, failed } = summarize(dir);
    expect({ passed, failed }).toEqual({ passed: 13, failed: 3 });
  });

  it('treats a missing or unreadable report of a failed step as one failure', () => {
    const dir = reportDir({
      'steps.tsv': 'test-unit\t1\n',
      'test-unit.vitest.json': '{ not json',
    });
    const { passed, failed } = summarize(dir);
    expect({ passed, failed }).toEqual({ passed: 0, failed: 1 });
  });

  it('reports a failure when no step ran at all', () => {
    const { failed } = summarize(reportDir({}));
    expect(failed).toBe(1);
  });
});
