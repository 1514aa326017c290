// Locates a Chromium/Chrome binary for Playwright. Shared by playwright.config.ts and
// scripts/ensure-chromium.mjs. Order: $CHROMIUM_PATH, $PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH,
// then well-known system paths. Returns undefined when none exists, which makes
// Playwright fall back to its own downloaded browser (if any).
import { accessSync, constants, statSync } from 'node:fs';

export const CHROMIUM_CANDIDATES = Object.freeze([
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/snap/bin/chromium',
]);

/**
 * @param {string} path
 * @returns {boolean}
 */
function isExecutableFile(path) {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string | undefined}
 */
/**
 * Flags for a headless Chromium here: no sandbox (we run as root), no GPU, and
 * no phoning home, which fails noisily on machines without internet access.
 * Playwright adds --headless itself.
 */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]);

export function findChromium(env = process.env) {
  const fromEnv = [env.CHROMIUM_PATH, env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH];
  for (const candidate of fromEnv) {
    if (candidate && isExecutableFile(candidate)) return candidate;
  }
  return CHROMIUM_CANDIDATES.find(isExecutableFile);
}
