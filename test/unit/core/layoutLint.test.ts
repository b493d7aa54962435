// The lint rules that keep the layout: they must really fire (a config typo would silently pass `npm run lint`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(__dirname, '../../..');
const eslint = new ESLint({ cwd: root });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result.messages.map((m) => m.ruleId ?? m.message);
}

test('vscode is refused outside editor adapters and allowed inside them', async () => {
  const code = "import type * as vscode from 'vscode';\nexport type T = vscode.Uri;\n";
  assert.deepEqual(await ruleIds(code, 'src/dask/metrics/probe.ts'), ['no-restricted-imports']);
  assert.deepEqual(await ruleIds(code, 'webviews/dashboard/probe.ts'), ['no-restricted-imports']);
  assert.deepEqual(await ruleIds(code, 'src/dask/editor/probe.ts'), []);
  assert.deepEqual(await ruleIds(code, 'src/extension.ts'), []);
});

test('an import cycle is an error', async () => {
  const dir = mkdtempSync(join(root, 'test/unit/core/.cycle-'));
  try {
    writeFileSync(join(dir, 'a.ts'), "import { b } from './b';\nexport const a = (): unknown => b;\n");
    writeFileSync(join(dir, 'b.ts'), "import { a } from './a';\nexport const b = (): unknown => a;\n");
    const results = await new ESLint({ cwd: root, ignore: false }).lintFiles([join(dir, 'a.ts')]);
    assert.deepEqual(results[0].messages.map((m) => m.ruleId), ['import-x/no-cycle']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
