// One linter (ESLint with typescript-eslint); Prettier formats. The kernel and the model stay pure: no Node.js
// modules and no console there (see ../shared/STYLE.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  { files: ['bin/*.js', 'stryker.config.mjs'], languageOptions: { globals: { process: 'readonly' } } },
  {
    files: ['sim/kernel/**/*.ts', 'sim/model/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'os', 'child_process'],
              message: 'The kernel and the model are pure: no Node.js modules here.',
            },
          ],
        },
      ],
    },
  },
);
