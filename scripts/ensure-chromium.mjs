// Makes sure a Chromium exists for the e2e tests. Exit 0 if one is found (or installed),
// exit 1 with a single explanatory line otherwise. `npx playwright install` cannot
// download browsers on machines without general internet access, so on Debian/Ubuntu
// as root we prefer the distribution's `chromium` package.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChromium } from './find-chromium.mjs';

/**
 * Runs a command; its output goes to stderr, or nowhere when `quiet` is set.
 * @param {string} command
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, quiet?: boolean }} [options]
 * @returns {boolean}
 */
function run(command, args, { env = process.env, quiet = false } = {}) {
  /** @type {import('node:child_process').StdioOptions} */
  const stdio = quiet ? 'ignore' : ['ignore', 2, 2];
  const result = spawnSync(command, args, { stdio, env });
  return result.status === 0;
}

function canUseApt() {
  return (
    process.platform === 'linux' &&
    typeof process.getuid === 'function' &&
    process.getuid() === 0 &&
    (existsSync('/usr/bin/apt-get') || existsSync('/bin/apt-get'))
  );
}

if (findChromium()) process.exit(0);

if (canUseApt()) {
  console.error('ensure-chromium: no Chromium found, installing Debian package "chromium"...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (run('apt-get', ['update'], { env })) {
    run('apt-get', ['install', '-y', 'chromium'], { env });
  }
  if (findChromium()) process.exit(0);
}

// Only works where the network allows browser downloads; its error output is not useful here.
if (run('npx', ['--no-install', 'playwright', 'install', 'chromium'], { quiet: true })) {
  // Playwright's own browser is used when findChromium() returns undefined.
  process.exit(0);
}

console.error(
  "No Chromium found: install Debian's 'chromium' package (apt-get install chromium) or set CHROMIUM_PATH.",
);
process.exit(1);
