import js from '@eslint/js';
import globals from 'globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * The layers' boundaries, checked on the path an import resolves to (from the project's root), so
 * a rule holds at any depth: src/engine/webgpu/x.ts importing ../../ui/App is the engine importing
 * the UI. Options: `forbidden` folders, with `except` paths inside them; or `within`, the one folder
 * a layer may import from. Package imports are no-restricted-imports' business.
 */
/** The project's root: paths are taken from here, wherever ESLint was started (an editor, a subfolder). */
const ROOT = path.dirname(fileURLToPath(import.meta.url));

const layers = {
  rules: {
    imports: {
      meta: { type: 'problem', schema: [{ type: 'object' }] },
      create(context) {
        const { forbidden = [], except = [], within, message } = context.options[0];
        const inside = (target, folder) => target === folder || target.startsWith(`${folder}/`);
        const check = (node) => {
          const source = node.source?.value;
          if (typeof source !== 'string' || !source.startsWith('.')) return;
          const target = path
            .relative(ROOT, path.resolve(path.dirname(context.filename), source))
            .split(path.sep)
            .join('/');
          const crossing = within
            ? !inside(target, within)
            : forbidden.some((folder) => inside(target, folder)) && !except.some((allowed) => inside(target, allowed));
          if (crossing) context.report({ node: node.source, message: `${message} (${source} is ${target})` });
        };
        return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
      },
    },
  },
};

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'scratch', 'test-results', 'bench-results'] },
  {
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: {
      ecmaVersion: 2022,
      globals: { ...globals.browser, ...globals.node },
    },
    plugins: { 'react-hooks': reactHooks, layers },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The page speaks the protocol's words and talks to the worker through its client: never the engine, never tfjs.
    files: ['src/ui/**/*.{ts,tsx}', 'src/store/**/*.ts'],
    rules: {
      'layers/imports': [
        'error',
        {
          forbidden: ['src/engine', 'src/worker', 'src/data', 'src/node', 'src/cli'],
          except: ['src/worker/client'],
          message: 'ui/ and store/ import only protocol/, store/ and the worker client (never the engine)',
        },
      ],
      'no-restricted-imports': ['error', { patterns: [{ group: ['@tensorflow/*'], message: 'ui/ and store/ never import tfjs.' }] }],
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
              group: ['@tensorflow/*', 'node:*', 'react', 'react-dom', 'recharts'],
              message: 'protocol/ imports nothing but itself.',
            },
          ],
        },
      ],
      'layers/imports': ['error', { within: 'src/protocol', message: 'protocol/ imports nothing but itself' }],
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
              group: ['node:*', 'fs', 'path', 'os', 'react', 'react-dom', 'recharts'],
              message: 'The engine must stay portable: no Node, DOM or UI imports (protocol/ is shared).',
            },
          ],
        },
      ],
      'layers/imports': [
        'error',
        {
          forbidden: ['src/ui', 'src/store', 'src/worker', 'src/cli', 'src/node', 'src/data'],
          message: 'The engine must stay portable: it imports only itself and protocol/',
        },
      ],
      'no-restricted-globals': ['error', 'document', 'window', 'localStorage', 'process'],
    },
  },
);
