import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// When VITEST_JSON_REPORT names a file (set by .ci/run), Vitest also writes a JSON
// report there so CI can count passed/failed tests. Plain `npm test` is unaffected.
const vitestJsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
  plugins: [react()],
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
