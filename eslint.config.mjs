// One lint configuration for the repository. Type-aware rules catch promises that are
// neither awaited nor handled: a test or a cleanup that silently never runs.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // test/typings holds apps' uses of the element's typings, wrong ones on purpose, checked by typings.test.ts.
    ignores: ['**/dist/**', '**/node_modules/**', '**/*.d.ts', 'coverage/**', '**/*.mjs', '**/*.js', 'packages/element/test/typings/**'],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test awaits what describe/it return; everything else must be handled.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'before', 'after', 'beforeEach', 'afterEach', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // The element's tests live beside its sources, outside its build tsconfig.
    files: ['packages/element/src/**/*.test.ts', 'packages/element/src/test/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: false, project: './packages/element/tsconfig.test.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['**/test/**/*.ts', '**/*.test.ts', '**/cli/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
