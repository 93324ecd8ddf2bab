import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'scratch', 'test-results', 'bench-results'] },
  {
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: {
      ecmaVersion: 2022,
      globals: { ...globals.browser, ...globals.node },
    },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The page speaks the protocol's words and talks to the worker through its client: never the engine, never tfjs.
    files: ['src/ui/**/*.{ts,tsx}', 'src/store/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/engine', '**/engine/*'], message: 'ui/ and store/ take their words from protocol/, not from the engine.' },
            { group: ['**/worker/*', '!**/worker/client'], message: 'ui/ and store/ reach the worker only through worker/client.' },
            {
              group: ['@tensorflow/*', '**/data/*', '**/node/*', '**/cli/*'],
              message: 'ui/ and store/ import only protocol/, store/ and the worker client.',
            },
          ],
        },
      ],
    },
  },
  {
    // The vocabulary is shared by every layer, the page's main thread included: plain TypeScript only.
    files: ['src/protocol/**/*.ts'],
    ignores: ['src/protocol/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@tensorflow/*', 'node:*', 'react', 'react-dom', 'recharts', '../*'],
              message: 'protocol/ imports nothing but itself.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'document', 'window', 'localStorage', 'process'],
    },
  },
  {
    // The engine runs unchanged in Node, a Web Worker and tests: no DOM, no React, no Node built-ins.
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'node:*',
                'fs',
                'path',
                'os',
                'react',
                'react-dom',
                'recharts',
                '../ui/*',
                '../store/*',
                '../worker/*',
                '../cli/*',
                '../node/*',
                '../data/*',
              ],
              message: 'The engine must stay portable: no Node, DOM or UI imports (protocol/ is shared).',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'document', 'window', 'localStorage', 'process'],
    },
  },
);
