import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { noProcessEnvToChildren } from './eslint/child-env-rules.mjs';
import { layering } from './eslint/layering-rule.mjs';

const electronOnlyInShell = {
  name: 'electron',
  message: 'Only src/main/shell and src/preload may import electron (the core must run in plain Node).',
};

const childProcessOnlyInLauncher = ['child_process', 'node:child_process'].map((name) => ({
  name,
  message: 'Start workers through the WorkerLauncher (src/main/core/speech/local/worker-launcher.ts).',
}));

const yazlThroughNativeCrc = {
  name: 'yazl',
  message: "Import yazl from src/main/core/reports/zip-crc.ts: it gives yazl Node's native CRC-32.",
};

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-artifacts/**',
      '.electron-native/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    plugins: { calldeck: { rules: { layering } } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'calldeck/layering': 'error',
      'no-restricted-imports': ['error', { paths: [electronOnlyInShell] }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: { 'no-restricted-syntax': ['error', ...noProcessEnvToChildren] },
  },
  {
    files: ['src/main/core/**/*.ts', 'src/main/server/**/*.ts', 'src/shared/**/*.ts'],
    // The worker launcher, and the PDF printer that runs an installed Chromium (allow-listed env).
    ignores: [
      'src/main/core/speech/local/worker-launcher.ts',
      'src/main/core/reports/pdf/chromium-printer.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [electronOnlyInShell, ...childProcessOnlyInLauncher, yazlThroughNativeCrc] },
      ],
    },
  },
  {
    files: ['src/main/core/reports/zip-crc.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronOnlyInShell, ...childProcessOnlyInLauncher] }],
    },
  },
  {
    // The Electron host: electron allowed, but raw ipcMain only in the IPC bridge helper.
    files: ['src/main/shell/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: ['ipcMain'],
              message: 'Register IPC only in src/main/shell/ipc.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/shell/ipc.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: ['ipcRenderer'],
              message: 'Use ipcRenderer only in src/preload/ipc-transport.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/preload/ipc-transport.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell],
          patterns: [
            {
              group: ['**/main/**'],
              message: 'The renderer talks to the core only through window.calldeck.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
