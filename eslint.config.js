// Flat config: typed linting so promise misuse is caught, a hard wall between pure domain
// logic and the cloud clients, and another between the deployed code and the local stack.
import tseslint from 'typescript-eslint';

// The code that is deployed. It never imports shared/local/** or shared/adapters/local/**: the
// local stack injects its store, clock and auth client through the composition root instead.
export const PRODUCTION_CODE = [
  'functions/**/*.ts',
  'shared/events/**/*.ts',
  'shared/domain/**/*.ts',
  'shared/ports/**/*.ts',
  'shared/runtime/**/*.ts',
  'shared/flows/**/*.ts',
  'shared/adapters/gcp/**/*.ts',
];
// Any import path with a `local` directory in it: shared/local/… and shared/adapters/local/….
const LOCAL_PATH = '(^|/)local/';
const LOCAL_CODE_MESSAGE = 'production code must not import local code (shared/local/**, shared/adapters/local/**): inject it through the composition root (shared/runtime/container.ts).';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', '.tmp/**', 'coverage/**', 'terraform/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: PRODUCTION_CODE,
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: LOCAL_PATH, message: LOCAL_CODE_MESSAGE }] }],
      // no-restricted-imports does not see import(): a lazy import of local code is caught here
      // (esquery's regex literal cannot hold a '/', hence \x2F).
      'no-restricted-syntax': ['error', { selector: `ImportExpression[source.value=/${LOCAL_PATH.replaceAll('/', '\\x2F')}/]`, message: LOCAL_CODE_MESSAGE }],
    },
  },
  {
    // Flat config replaces a rule's options for matching files, so the domain's list repeats the local-code wall.
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: LOCAL_PATH, message: LOCAL_CODE_MESSAGE },
          { group: ['@google-cloud/*'], message: 'shared/domain is pure: act through shared/ports instead.' },
          { group: ['node:fs', 'node:http', 'node:net', 'fs', 'http', 'net'], message: 'shared/domain does no I/O.' },
        ],
      }],
    },
  },
);
