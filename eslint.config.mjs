import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const SERVER_ONLY = ['pg', 'express', 'socket.io', 'mediasoup', 'pino', 'pino-http', 'helmet', '@electric-sql/*', 'node:*'];
const serverPatterns = SERVER_ONLY.map((name) => ({
  group: [name, `${name}/*`],
  message: 'browser code and contracts must not depend on server packages',
}));

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'test-output/', '.data/', 'coverage/'] },
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
    },
  },
);
