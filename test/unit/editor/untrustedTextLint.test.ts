// The lint rules that keep server text inert must really fire: a MarkdownString made anywhere but
// src/editor/untrustedMarkdown.ts, one made trusted, HTML- or icon-drawing, or a notification or progress message built
// from values without notificationText fails `npm run lint`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const root = join(__dirname, '../../..');
// The probe files exist only in memory, outside the TypeScript project: lint them without type information.
const eslint = new ESLint({ cwd: root, overrideConfig: { ...tseslint.configs.disableTypeChecked, files: ['**/*.ts'] } });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

const header = "import type * as vscode from 'vscode';\n";

test('new MarkdownString is refused outside src/editor/untrustedMarkdown.ts', async () => {
  const made = `${header}export const f = (vs: typeof vscode, name: string) => new vs.MarkdownString(\`**\${name}**\`);\n`;
  assert.deepEqual(await ruleIds(made, 'src/hubs/editor/probe.ts'), ['no-restricted-syntax']);
  assert.deepEqual(await ruleIds(made, 'src/extension.ts'), ['no-restricted-syntax']);
  const imported = `import { MarkdownString } from 'vscode';\nexport const f = (name: string) => new MarkdownString(name);\n`;
  assert.deepEqual(await ruleIds(imported, 'src/dask/editor/probe.ts'), ['no-restricted-syntax']);
  assert.deepEqual(await ruleIds(made, 'src/editor/untrustedMarkdown.ts'), []);
});

test('isTrusted, supportHtml and supportThemeIcons are set nowhere but the adapter', async () => {
  const assigned = `${header}export const f = (md: vscode.MarkdownString) => { md.isTrusted = true; md.supportHtml = true; };\n`;
  assert.deepEqual(await ruleIds(assigned, 'src/cost/editor/probe.ts'), ['no-restricted-syntax', 'no-restricted-syntax']);
  const literal = `${header}export const o: Partial<vscode.MarkdownString> = { isTrusted: { enabledCommands: ['x'] }, supportThemeIcons: true };\n`;
  assert.deepEqual(await ruleIds(literal, 'src/kernels/editor/probe.ts'), ['no-restricted-syntax', 'no-restricted-syntax']);
  assert.deepEqual(await ruleIds(assigned, 'src/editor/untrustedMarkdown.ts'), []);
  // Reading is fine.
  assert.deepEqual(await ruleIds(`${header}export const f = (md: vscode.MarkdownString) => md.isTrusted;\n`, 'src/cost/editor/probe.ts'), []);
});

test('a notification or progress message built from values must pass notificationText', async () => {
  const templated = `${header}export const f = (vs: typeof vscode, name: string) => vs.window.showErrorMessage(\`\${name} failed\`, 'Retry');\n`;
  assert.deepEqual(await ruleIds(templated, 'src/hubs/editor/probe.ts'), ['no-restricted-syntax']);
  const variable = `${header}export const f = (vs: typeof vscode, message: string) => vs.window.showWarningMessage(message);\n`;
  assert.deepEqual(await ruleIds(variable, 'src/dask/editor/probe.ts'), ['no-restricted-syntax']);
  const progress = `${header}export const f = (vs: typeof vscode, m: string) => vs.window.withProgress({ location: 15, title: \`Starting \${m}\` }, async (p) => p.report({ message: m }));\n`;
  assert.deepEqual(await ruleIds(progress, 'src/hubs/editor/probe.ts'), ['no-restricted-syntax', 'no-restricted-syntax']);
  const inert = `${header}import { notificationText } from '../../shared/text/untrustedText';\n` +
    `export const f = (vs: typeof vscode, m: string) => { void vs.window.showInformationMessage('Done.'); void vs.window.showErrorMessage(notificationText(\`\${m} failed\`).text);\n` +
    `  return vs.window.withProgress({ location: 15, title: notificationText(m).text }, async (p) => p.report({ message: notificationText(m).text })); };\n`;
  assert.deepEqual(await ruleIds(inert, 'src/hubs/editor/probe.ts'), []);
});
