// Typed lint rules for the server: promises are awaited or handled, and code crosses package lines
// only through a package's public entry (apps -> libs -> core).
import tseslint from 'typescript-eslint';

const DEEP_IMPORTS = [
  { group: ['@app/*/**'], message: 'Import a lib through its entry (@app/<lib>), not its files.' },
  { regex: '(^|/)libs/[^/]+/src/.+', message: 'Import a lib through its entry (@app/<lib>), not its files.' },
];
const APP_IMPORTS = { regex: '(^|/)apps/', message: 'Libraries do not depend on the apps.' };
const LIB_IMPORTS = {
  group: ['@app/*', '!@app/core'],
  message: 'The core library depends on no other library.',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'dashboard/**',
      'bench/**',
      '.cache/**',
      'libs/core/src/prisma/generated/**',
    ],
  },
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      'no-restricted-imports': ['error', { patterns: DEEP_IMPORTS }],
    },
  },
  {
    // Build and maintenance scripts run outside Nest and load single files of a lib on purpose.
    files: ['scripts/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['libs/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...DEEP_IMPORTS, APP_IMPORTS] }] },
  },
  {
    files: ['libs/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...DEEP_IMPORTS, APP_IMPORTS, LIB_IMPORTS] }] },
  },
);
