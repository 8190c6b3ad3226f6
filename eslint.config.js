// Flat config: typed linting so promise misuse is caught, and a hard wall
// between pure domain logic and the cloud clients.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-cli/**', '.data/**', '.tmp/**', 'coverage/**', 'terraform/**'] },
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
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@google-cloud/*'], message: 'shared/domain is pure: act through shared/ports instead.' },
          { group: ['node:fs', 'node:http', 'node:net', 'fs', 'http', 'net'], message: 'shared/domain does no I/O.' },
        ],
      }],
    },
  },
);
