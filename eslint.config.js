// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const CORE_PURITY = 'src/core must stay pure (deterministic, runs in Node)';

export default defineConfig(
  {
    ignores: [
      'tmp/**',
      'dist/',
      'node_modules/',
      'playwright-report/',
      'test-results/',
      'coverage/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['e2e/**', 'scripts/**', 'bench/**', '*.config.{js,ts,mjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // The simulation core (tests included) is UI-free and deterministic.
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'react',
                'react/*',
                'react-dom',
                'react-dom/*',
                '@xstate/react',
                '@xstate/react/*',
              ],
              message: `${CORE_PURITY}: no React in the core.`,
            },
            {
              group: ['d3', 'd3/*', 'd3-*'],
              message: `${CORE_PURITY}: no d3 in the core; rendering belongs to src/app.`,
            },
            {
              regex: '^(\\.{1,2}/)+(.*/)?app(/.*)?$|^(/|.*/)?src/app(/.*)?$',
              message: `${CORE_PURITY}: the core must not depend on the UI (src/app).`,
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'document', message: `${CORE_PURITY}: no DOM access.` },
        { name: 'window', message: `${CORE_PURITY}: no DOM access.` },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: `${CORE_PURITY}: use the seeded PRNG instead of Math.random.`,
        },
        {
          object: 'Date',
          property: 'now',
          message: `${CORE_PURITY}: use the simulated clock instead of Date.now.`,
        },
        {
          object: 'performance',
          property: 'now',
          message: `${CORE_PURITY}: use the simulated clock instead of performance.now.`,
        },
      ],
    },
  },
  {
    // The app sees each core layer through its index only (src/core or src/core/<layer>),
    // so the core's internals (TCB arithmetic, the machine's handlers) stay its own.
    files: ['src/app/**', 'src/main.tsx', 'scripts/**', 'bench/**', 'e2e/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)core/(tcp|sockets|sim|wire|formats|testing)/.+',
              message:
                'Import the core through its index (src/core or src/core/<layer>), not a file inside a layer.',
            },
            {
              regex: '(^|/)core/testing$',
              message: "core/testing is for the core's own tests.",
            },
          ],
        },
      ],
    },
  },
);
