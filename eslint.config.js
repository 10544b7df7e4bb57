// One linter (ESLint with typescript-eslint); Prettier formats. Guards against regrowth (docs/where-changes-go.md):
// - type-aware rules for promises (a forgotten `await` is a silent bug in the CLI and the workers);
// - the I/O fence: only `sim/cli` and `sim/bench` (the edges) touch files, processes and the console; the fleet's
//   worker runtime is the one named exception; the kernel and the model stay pure;
// - a warning for a function over 120 lines (a reader should hold a function in their head).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Files outside the edges that may use Node.js modules, and why. */
const WORKER_RUNTIME = [
  // The fleet's worker threads: spawning them (runFleet) and their entry point (fleetWorker).
  'sim/fleet/run/runFleet.ts',
  'sim/fleet/run/fleetWorker.ts',
  // The library's entry point, an edge like the CLI: `loadScenarioFile` reads the file it is given.
  'sim/index.ts',
  // A shard report's digest: SHA-256 from node:crypto, a pure function (no file, process or console).
  'sim/shard/digest.ts',
];

const NODE_MODULES = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'url', 'crypto'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'reports/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['sim/**/*.ts', 'test/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['sim/**/*.ts'],
    rules: {
      'max-lines-per-function': ['warn', { max: 120, skipBlankLines: true, skipComments: true }],
    },
  },
  { files: ['bin/*.js', 'stryker.config.mjs'], languageOptions: { globals: { process: 'readonly' } } },
  {
    files: ['sim/**/*.ts'],
    ignores: ['sim/cli/**', 'sim/bench/**', ...WORKER_RUNTIME],
    rules: {
      'no-console': 'error',
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Only sim/cli (and sim/bench) touch the process: pass what you need in.' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: NODE_MODULES,
              message:
                'Only sim/cli (and sim/bench, and the worker runtime named in eslint.config.js) use Node.js modules.',
            },
          ],
        },
      ],
    },
  },
);
