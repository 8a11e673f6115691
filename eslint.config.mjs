// walt-bench lint: typescript-eslint's recommended rules, the local layer rules (tools/eslint-rules/layers.mjs),
// and no default exports in the app's sources.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './tools/eslint-rules/layers.mjs';

const sources = ['src-main/**/*.ts', 'src-renderer/**/*.{ts,tsx}'];
const linted = [...sources, 'test/**/*.{ts,tsx,mts}', 'tools/**/*.{mjs,ts}'];

export default defineConfig(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-output/**', '**/*.d.ts'] },
  {
    files: linted,
    extends: [tseslint.configs.recommended],
    plugins: { layers: layersPlugin },
    rules: {
      'layers/boundaries': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: sources,
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'no default exports: name what you export' },
        {
          selector: 'ExportNamedDeclaration > ExportSpecifier[exported.name="default"]',
          message: 'no default exports: name what you export',
        },
      ],
    },
  },
);
