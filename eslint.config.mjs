// Lint rules the layout depends on: the import directions between layers, `vscode` only in editor adapters, no cycles,
// server text only through src/shared/text/untrustedText.ts.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// THE layers, bottom to top (README "Layout"). A folder may import folders of lower layers only: never one above it,
// never another folder of its own layer. Webviews may import src/shared alone.
export const LAYERS = [
  ['src/shared', 'src/chunks'], // contracts both worlds share (checks, data declarations, webview protocols); lazy chunks
  ['src/core'], // HTTP, errors, logging, lifetimes
  ['src/editor', 'src/jupyterServer'], // the editor edge's helpers; the Jupyter server's REST/kernel client
  ['src/hubs', 'src/dask', 'src/aws'], // protocol clients and models of each service, with their editor adapters
  ['src/jupyter', 'src/files', 'src/dashboard'], // what runs on a hub server or reads a scheduler over time
  ['src/kernels', 'src/terminals', 'src/cost'],
  ['src/presets', 'src/agents'], // applies steps of every area; the agent tools over every area
  ['src/cli', 'src/extension.ts'], // composition: the CLI and the extension
];

const above = (i) => LAYERS.slice(i + 1).flat();
const zones = [
  ...LAYERS.flatMap((layer, i) => layer.map((target) => ({
    target,
    from: [...above(i), ...layer.filter((f) => f !== target)],
    message: `${target} sits on layer ${i} of eslint.config.mjs LAYERS: it may import only lower layers.`,
  }))),
  { target: 'webviews', from: LAYERS.flat().filter((f) => f !== 'src/shared'), message: 'Webviews import only src/shared and their own files.' },
  { target: 'src', from: 'webviews', message: 'The extension never imports webview code: share it through src/shared.' },
];

const noVscode = {
  paths: [{ name: 'vscode', message: 'Only editor adapters (files under an editor/ folder, and src/extension.ts) may import vscode.' }],
};
// `typeof import('…')` is invisible to the zones above: only the lazy chunks and packages may be named that way.
const noHiddenImports = [
  { selector: "TSImportType[argument.literal.value='vscode']", message: 'Only editor adapters may use vscode types.' },
  { selector: "TSImportType[argument.literal.value=/^\\.(?!.*\\/chunks\\/)/]", message: 'Import the type with `import type` so the layer rules see it.' },
];

// Webview text goes through webviews/shared/dom.ts (el, setText, setTitle, textNode, drawText): hidden characters in a
// server's names show as markers, and nothing a server sends becomes HTML.
const webviewText = [
  { selector: "AssignmentExpression[left.property.name=/^(textContent|innerText|innerHTML|outerHTML|title)$/]", message: 'Set text with setText/setTitle from webviews/shared/dom.ts: server text shows its hidden characters there.' },
  { selector: "CallExpression[callee.property.name=/^(createTextNode|insertAdjacentHTML|fillText)$/]", message: 'Use textNode/drawText from webviews/shared/dom.ts: server text shows its hidden characters there.' },
];

// The CLI writes only through the writers runCli hands its commands (src/cli/terminalOutput.ts): server text never reaches a terminal raw.
const cliOutput = [
  { selector: "MemberExpression[object.name='process'][property.name=/^std(out|err)$/]", message: 'Write through ctx.io, ctx.print, ctx.printJsonLine or ctx.writeBytes: src/cli/terminalOutput.ts makes server text terminal-safe.' },
  { selector: "MemberExpression[object.name='console']", message: 'Write through ctx.io or ctx.note: src/cli/terminalOutput.ts makes server text terminal-safe.' },
];

// One way per mechanism: settings go through src/editor/settings.ts, commands through src/editor/command.ts.
const oneWay = [
  { selector: "CallExpression[callee.property.name='getConfiguration']", message: 'Read and write settings through src/editor/settings.ts (declared in src/core/settings.ts).' },
  { selector: "CallExpression[callee.property.name='registerCommand']", message: 'Register commands with registerCommand from src/editor/command.ts.' },
];

/** `:not(…)` filters for a node at `path` that is neither a string literal nor notificationText(…).text. */
const notLiteralOrInert = (path) => `:not([${path}.type='Literal']):not([${path}.object.callee.name='notificationText'])`;

// Server text is only ever text (src/shared/text/untrustedText.ts): Markdown is made in src/editor/untrustedMarkdown.ts alone,
// from markdown`…` whose values are escaped, and nothing may turn a MarkdownString trusted, HTML or icon-drawing.
const untrustedUi = [
  { selector: "NewExpression[callee.property.name='MarkdownString'], NewExpression[callee.name='MarkdownString']", message: 'Build Markdown with markdown`…` (src/shared/text/untrustedText.ts) and toMarkdownString (src/editor/untrustedMarkdown.ts).' },
  { selector: ":matches(Property, AssignmentExpression > MemberExpression.left) > Identifier[name=/^(isTrusted|supportHtml|supportThemeIcons)$/]", message: 'Only src/editor/untrustedMarkdown.ts sets isTrusted, supportHtml or supportThemeIcons (always off).' },
  // Notifications and their progress draw [x](command:…) as links: a message is a string literal or passes notificationText.
  {
    selector: `CallExpression[callee.property.name=/^show(Information|Warning|Error)Message$/]${notLiteralOrInert('arguments.0')}`,
    message: 'A notification message is a string literal or notificationText(…).text (src/shared/text/untrustedText.ts), or use showUntrustedMessage.',
  },
  {
    selector: `CallExpression[callee.property.name=/^(withProgress|report)$/] > ObjectExpression.arguments > Property[key.name=/^(title|message)$/]${notLiteralOrInert('value')}`,
    message: 'A progress title or message is a string literal or notificationText(…).text (src/shared/text/untrustedText.ts).',
  },
];

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
  // typescript-eslint's recommended type-checked rules; the project service reads tsconfig.json (src, webviews, test, bench, scripts).
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's runner itself awaits what test(), it(), describe() and suite() return.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', name: ['test', 'it', 'describe', 'suite'], package: 'node:test' }],
      }],
      // `async` without `await` still turns a throw into a rejection, which the interfaces those methods implement promise.
      '@typescript-eslint/require-await': 'off',
      // String() is how values read as `unknown` (JSON, form values, ws frames) are coerced; the rule takes each `{}` for an object.
      '@typescript-eslint/no-base-to-string': 'off',
      // A leading underscore names a binding left unused on purpose (a required parameter, a key a rest pattern drops).
      '@typescript-eslint/no-unused-vars': ['error', {
        argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_',
      }],
    },
  },
  {
    files: ['src/**/*.ts', 'webviews/**/*.ts'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones }], 'no-restricted-syntax': ['error', noHiddenImports[1]] },
  },
  {
    // Shipped code: the editor-free core, the CLI and the webviews (tests of editor adapters may use vscode's types).
    files: ['src/**/*.ts', 'webviews/**/*.ts'],
    ignores: ['src/**/editor/**', 'src/extension.ts'],
    rules: { 'no-restricted-imports': ['error', noVscode], 'no-restricted-syntax': ['error', ...noHiddenImports, ...oneWay] },
  },
  {
    files: ['webviews/**/*.ts'],
    ignores: ['webviews/shared/dom.ts', 'webviews/shared/hostBridge.ts'],
    rules: { 'no-restricted-syntax': ['error', ...noHiddenImports, ...oneWay, ...webviewText] },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...noHiddenImports, ...oneWay, ...cliOutput] },
  },
  {
    // Editor adapters: the same, but vscode is theirs; the settings and command modules are the one way themselves.
    files: ['src/**/editor/**/*.ts', 'src/extension.ts'],
    ignores: ['src/editor/settings.ts', 'src/editor/command.ts'],
    rules: { 'no-restricted-syntax': ['error', noHiddenImports[1], ...oneWay, ...untrustedUi] },
  },
  {
    // The one place a MarkdownString is made, untrusted.
    files: ['src/editor/untrustedMarkdown.ts'],
    rules: { 'no-restricted-syntax': ['error', noHiddenImports[1], ...oneWay] },
  },
);
