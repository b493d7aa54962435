// The lint rule that keeps webview text on one way (webviews/shared/dom.ts, issue #23) must really fire.
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

test('webviews set text, titles and canvas text only through webviews/shared/dom.ts', async () => {
  for (const code of [
    'export const f = (e: HTMLElement, t: string) => { e.textContent = t; };\n',
    'export const f = (e: HTMLElement, t: string) => { e.innerHTML = t; };\n',
    'export const f = (e: HTMLElement, t: string) => { e.title = t; };\n',
    'export const f = (t: string) => document.createTextNode(t);\n',
    'export const f = (c: CanvasRenderingContext2D, t: string) => c.fillText(t, 0, 0);\n',
    "export const f = (e: HTMLElement, t: string) => e.insertAdjacentHTML('beforeend', t);\n",
  ]) assert.deepEqual(await ruleIds(code, 'webviews/dashboard/probe.ts'), ['no-restricted-syntax'], code);
  assert.deepEqual(await ruleIds('export const f = (e: HTMLElement, t: string) => { e.textContent = t; };\n', 'webviews/shared/dom.ts'), []);
});
