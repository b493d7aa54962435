// The lint rule that keeps one way per mechanism must really fire: settings and commands outside their modules fail.
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

test('getConfiguration and registerCommand are refused outside the settings and command modules', async () => {
  const settings = "import type * as vscode from 'vscode';\nexport const f = (vs: typeof vscode) => vs.workspace.getConfiguration('pangeo.cost').get('idleMinutes');\n";
  const command = "import type * as vscode from 'vscode';\nexport const f = (vs: typeof vscode) => vs.commands.registerCommand('pangeo.x', () => undefined);\n";
  assert.deepEqual(await ruleIds(settings, 'src/cost/editor/probe.ts'), ['no-restricted-syntax']);
  assert.deepEqual(await ruleIds(command, 'src/extension.ts'), ['no-restricted-syntax']);
  assert.deepEqual(await ruleIds(settings, 'src/editor/settings.ts'), []);
  assert.deepEqual(await ruleIds(command, 'src/editor/command.ts'), []);
});
