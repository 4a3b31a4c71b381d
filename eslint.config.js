// Lint config. The import-boundary rule enforces docs/architecture.md: a folder under src/
// imports only folders listed before it (main wires everything).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layers = [
  'lib', 'config', 'storage', 'barrier', 'framework', 'policy', 'audit', 'engines', 'auth',
  'core', 'sys', 'http', 'client', 'scanner', 'cli', 'main',
];

const boundaryBlocks = layers.map((layer, i) => ({
  files: [`src/${layer}/**/*.ts`],
  ignores: ['src/**/*.test.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: layers.slice(i + 1).map((later) => ({
          group: [`**/${later}/*`, `**/${later}/**`, `../${later}`],
          message: `src/${layer} may not import src/${later}: layers import only downward (docs/architecture.md).`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bin/**', 'scripts/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  ...boundaryBlocks,
);
