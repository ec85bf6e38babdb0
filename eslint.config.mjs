import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const SERVER_ONLY = ['pg', 'express', 'socket.io', 'mediasoup', 'pino', 'pino-http', 'helmet', '@electric-sql/*', 'node:*'];
const serverPatterns = SERVER_ONLY.map((name) => ({
  group: [name, `${name}/*`],
  message: 'browser code and contracts must not depend on server packages',
}));
// Node.js globals. Some browser libraries' type declarations pull @types/node into the browser program
// (tsconfig.web.json), so the compiler alone would not catch them there.
const NODE_GLOBALS = ['process', 'Buffer', 'global', '__dirname', '__filename', 'require', 'module', 'setImmediate'].map(
  (name) => ({ name, message: 'a Node.js global: browser code and contracts run in the browser' }),
);

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'test-output/', '.data/', 'coverage/', 'reports/', '.stryker-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
    },
  },
  // Rules that need the types: a promise nobody awaits or catches, a promise where a callback's result is ignored
  // (an async Express handler or event listener), a switch over a union that misses a member.
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
    },
  },
  {
    files: ['**/*.tsx', 'web/src/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      // A warning in the editor; `npm run lint` allows no warnings, so each one is fixed or its line says why not.
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  { files: ['*.config.mjs'], languageOptions: { globals: { process: 'readonly' } } },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // The browser boundary: contracts/ and web/src may import only each other and browser libraries.
  {
    files: ['contracts/**/*.ts', 'web/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...serverPatterns,
            {
              group: ['**/gateway/**', '**/geo/**', '**/media/**', '**/scripts/**'],
              message: 'browser code may import only contracts/ from the server side',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...NODE_GLOBALS],
    },
  },
);
