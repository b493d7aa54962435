// Lint rules the layout depends on: `vscode` only in editor adapters, and no import cycles.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const noVscode = {
  paths: [{ name: 'vscode', message: 'Only editor adapters (files under an editor/ folder, and src/extension.ts) may import vscode.' }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test/e2e/jupyterStub/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaVersion: 2022, sourceType: 'module' } },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    settings: {
      // import-x parses each imported file itself to follow cycles: it must know .ts files and their parser.
      'import-x/extensions': ['.ts'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // Shipped code: the editor-free core, the CLI and the webviews (tests of editor adapters may use vscode's types).
    files: ['src/**/*.ts', 'webviews/**/*.ts'],
    ignores: ['src/**/editor/**', 'src/extension.ts'],
    rules: { 'no-restricted-imports': ['error', noVscode] },
  },
  {
    // One way per mechanism: settings go through src/editor/settings.ts, commands through src/editor/command.ts.
    files: ['src/**/*.ts'],
    ignores: ['src/editor/settings.ts', 'src/editor/command.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.property.name='getConfiguration']", message: 'Read and write settings through src/editor/settings.ts (declared in src/core/settings.ts).' },
        { selector: "CallExpression[callee.property.name='registerCommand']", message: 'Register commands with registerCommand from src/editor/command.ts.' }],
    },
  },
);
