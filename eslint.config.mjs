// The linter every `npm test` runs (typescript-eslint's recommended rules, syntax only, so it
// stays fast). Formatting is prettier's job (`npm run format`), not the linter's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', '**/*.cjs', '**/*.mjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // A variable read by a closure before its one assignment (a server handler) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Services hold the product's logic: no escape hatch from the type system there.
    files: ['services/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
);
