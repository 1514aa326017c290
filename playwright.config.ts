import { execFileSync } from 'node:child_process';
import { defineConfig, type ReporterDescription } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/find-chromium.mjs';

/**
 * The port the production build is served on: PW_PORT when set, else a port the
 * system reports free. It is put in the environment so that the test workers,
 * which load this file again, use the same one.
 */
function freePort(): number {
  const out = execFileSync(process.execPath, [
    '-e',
    "const s = require('net').createServer(); s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });",
  ]);
  return Number(String(out).trim());
}
process.env.PW_PORT ??= String(freePort());
const PORT = Number(process.env.PW_PORT);
const isCI = Boolean(process.env.CI);

const reporter: ReporterDescription[] = [['list']];
if (process.env.PW_JSON_REPORT) {
  reporter.push(['json', { outputFile: process.env.PW_JSON_REPORT }]);
}

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: true,
  forbidOnly: isCI,
  retries: 0,
  reporter,
  use: {
    baseURL: `http://localhost:${PORT}`,
    screenshot: 'on',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          // undefined => Playwright's own browser (only where `playwright install` worked).
          executablePath: findChromium(),
          args: [...CHROMIUM_ARGS],
        },
      },
    },
  ],
  // Test the production build, since that is what ships.
  webServer: {
    command: `npm run build && npm run preview -- --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}`,
    reuseExistingServer: !isCI,
    timeout: 180_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
