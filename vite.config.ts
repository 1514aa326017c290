import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * The production page's Content-Security-Policy: scripts, styles, images and
 * connections from its own origin only — no inline script, no other host. Only
 * in the build: the dev server injects inline scripts for hot reloading.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'tcp-playground-csp',
    apply: 'build',
    transformIndexHtml(html) {
      return html.replace(
        '<meta charset="UTF-8" />',
        `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`,
      );
    },
  };
}

// When VITEST_JSON_REPORT names a file (set by .ci/run), Vitest also writes a JSON
// report there so CI can count passed/failed tests. Plain `npm test` is unaffected.
const vitestJsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  // The opening worker (src/app/lessons/open.worker.ts) is built as an ES module,
  // its own file on this origin, so `script-src 'self'` (the CSP's fallback for
  // workers) allows it; it loads only when something is first opened.
  worker: { format: 'es' },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'scripts/**/*.test.ts'],
    exclude: ['e2e/**', 'node_modules/**', 'dist/**'],
    passWithNoTests: false,
    ...(vitestJsonReport
      ? { reporters: ['default', 'json'], outputFile: { json: vitestJsonReport } }
      : {}),
  },
});
