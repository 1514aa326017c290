import { defineConfig, type ReporterDescription } from '@playwright/test';
import { findChromium } from './scripts/find-chromium.mjs';

const PORT = 4173;
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
          // Playwright adds --headless itself. The network flags stop Chromium from
          // phoning home, which fails noisily on machines without internet access.
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
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
