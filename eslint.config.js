import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', '.bench/**', 'bench-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The headless core runs under plain Node: it must never reach for Electron.
    files: ['main/core/**/*.ts', 'main/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'main/core and main/cli run under plain Node; keep Electron in main/electron.' }] }] },
  },
  {
    // The renderer reaches the ledger only through the API (renderer/src/api.ts): types from main/ are fine, values never.
    files: ['renderer/src/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/main/**', 'better-sqlite3', 'electron', 'node:*'], allowTypeImports: true, message: 'The renderer runs in a browser: call the API instead (type-only imports from main/ are fine).' }] },
      ],
    },
  },
  {
    // The web host and the desktop shell's testable modules run without Electron; only the entry
    // (main/electron/main.ts) and the preload import it, and hand it on as a dependency.
    files: ['main/web/**/*.ts', 'main/electron/**/*.ts'],
    ignores: ['main/electron/main.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Take the Electron API as a dependency (main/electron/electron-api.ts); only main/electron/main.ts imports it.' }] }] },
  },
  {
    // One guarded door to the system browser: main/electron/external.ts (https, allow-listed hosts).
    files: ['**/*.{ts,tsx,js,mjs,cjs}'],
    ignores: ['main/electron/external.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='openExternal']", message: 'Use safeOpenExternal() from main/electron/external.ts, never shell.openExternal.' },
        { selector: "MemberExpression[property.value='openExternal']", message: 'Use safeOpenExternal() from main/electron/external.ts, never shell.openExternal.' },
        { selector: "ObjectPattern > Property[key.name='openExternal']", message: 'Use safeOpenExternal() from main/electron/external.ts, never shell.openExternal.' },
      ],
    },
  },
);
