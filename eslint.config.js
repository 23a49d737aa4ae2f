// Type-checked lint over the whole tree: typescript-eslint's strict set, whose promise rules
// (no-floating-promises, no-misused-promises) catch a queued write outliving its transaction.
// Deliberate departures, each for a reason:
// - numbers in template literals are fine (they print one way);
// - an arrow that returns a void call (`() => child.kill()`) is a common, harmless shorthand, and
//   so is `return next(error)` / `return refuse(...)` as an early exit from a function typed void
//   (Express middleware, event listeners);
// - `while (true)` is how the parsers and retry loops say "until a break": a literal true is no
//   forgotten check;
// - require-await is off: `async` is how the tree writes a function that must return a promise
//   but has nothing to wait for (Apollo Server's plugin hooks, ImportClaims' process-local
//   methods, shutdown steps), and async generators are how it writes a stream (upload bodies in
//   tests, generated CSV) with nothing to await. The rules that catch real faults with promises
//   (no-floating-promises, no-misused-promises, await-thenable, return-await) stay on;
// - no-control-regex is off: matching control characters is what the patterns that keep them out
//   of text and terminals are for (graphql-kit's control-character check, the CLI's untrusted text);
// - a rest sibling is how a property is left out of a copy (`const { http, ...rest } = ...`);
// - tests read JSON answers of real servers, whose shape the assertions check, so the no-unsafe-*
//   rules and non-null assertions on those answers are allowed there, and in @trialgraph/testing,
//   the helpers those tests share (its GraphQL client hands them such answers), and in bench/,
//   which drives the real stack the same way to measure it;
// - tests assign their servers and databases in beforeAll, typed as always set, yet afterAll
//   must survive a beforeAll that failed half-way: its `stack?.stop()` guards are needed, so
//   no-unnecessary-condition is off in tests;
// - the CSV row reader throws RowRefused, a plain object, to leave a row's parse on the hot
//   path: a refusal is an outcome, not a fault, and needs no stack captured per bad row.
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/__generated__/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: 'only-allowed-literals' }],
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      '@typescript-eslint/require-await': 'off',
      'no-control-regex': 'off',
      '@typescript-eslint/only-throw-error': ['error', { allow: [{ from: 'file', name: 'RowRefused', path: 'packages/csv/src/vitals-row-reader.ts' }] }],
    },
  },
  {
    files: ['**/test/**/*.ts', '**/*.test.ts', 'packages/testing/src/**/*.ts', 'bench/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/test/**/*.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
  prettier,
);
