// The lint rules that keep the layout: they must really fire (a config typo would silently pass `npm run lint`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const root = join(__dirname, '../../..');
// The probes below exist only in memory or outside tsconfig.json, so the project's type-aware rules cannot read them.
const untyped = { ...tseslint.configs.disableTypeChecked, files: ['**/*.ts'] };
const eslint = new ESLint({ cwd: root, overrideConfig: untyped });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

test('vscode is refused outside editor adapters and allowed inside them', async () => {
  const code = "import type * as vscode from 'vscode';\nexport type T = vscode.Uri;\n";
  assert.deepEqual(await ruleIds(code, 'src/dashboard/metrics/probe.ts'), ['no-restricted-imports']);
  assert.deepEqual(await ruleIds(code, 'webviews/dashboard/probe.ts'), ['no-restricted-imports']);
  assert.deepEqual(await ruleIds(code, 'src/dask/editor/probe.ts'), []);
  assert.deepEqual(await ruleIds(code, 'src/extension.ts'), []);
});

test('an import from a higher layer, or from a folder of the same layer, is an error (type imports included)', async () => {
  // src/core (layer 1) must not reach the hubs (layer 3), even for a type.
  assert.deepEqual(await ruleIds("import type { HubClient } from '../hubs/hubClient';\nexport type T = HubClient;\n", 'src/core/probe.ts'), ['import-x/no-restricted-paths']);
  // The contract layer imports no feature.
  assert.deepEqual(await ruleIds("import type { CostMeter } from '../cost/costMeter';\nexport type T = CostMeter;\n", 'src/shared/probe.ts'), ['import-x/no-restricted-paths']);
  // Same layer: dask and hubs stay independent.
  assert.deepEqual(await ruleIds("import { HubClient } from '../hubs/hubClient';\nexport const T = HubClient;\n", 'src/dask/probe.ts'), ['import-x/no-restricted-paths']);
  // Downward is fine.
  assert.deepEqual(await ruleIds("import { PangeoError } from '../core/http/errors';\nexport const T = PangeoError;\n", 'src/hubs/probe.ts'), []);
});

test('webviews import only src/shared, and src never imports webviews', async () => {
  assert.deepEqual(await ruleIds("import { PollLoop } from '../../src/core/pollLoop';\nexport const T = PollLoop;\n", 'webviews/dashboard/probe.ts'), ['import-x/no-restricted-paths']);
  assert.deepEqual(await ruleIds("import { isObj } from '../../src/shared/validate';\nexport const T = isObj;\n", 'webviews/dashboard/probe.ts'), []);
  assert.deepEqual(await ruleIds("import { el } from '../../webviews/shared/dom';\nexport const T = el;\n", 'src/shared/probe.ts'), ['import-x/no-restricted-paths']);
});

test('typeof import(…) cannot hide vscode or a project file from the layer rules', async () => {
  assert.deepEqual(await ruleIds("export type T = import('vscode').Uri;\n", 'src/core/probe.ts'), ['no-restricted-syntax']);
  assert.deepEqual(await ruleIds("export type T = typeof import('../hubs/hubClient');\n", 'src/editor/probe.ts'), ['no-restricted-syntax']);
  assert.deepEqual(await ruleIds("export type T = typeof import('../chunks/yaml');\n", 'src/core/probe.ts'), []);
});

test('an import cycle is an error', async () => {
  const dir = mkdtempSync(join(root, 'test/unit/core/.cycle-'));
  try {
    writeFileSync(join(dir, 'a.ts'), "import { b } from './b';\nexport const a = (): unknown => b;\n");
    writeFileSync(join(dir, 'b.ts'), "import { a } from './a';\nexport const b = (): unknown => a;\n");
    const results = await new ESLint({ cwd: root, ignore: false, overrideConfig: untyped }).lintFiles([join(dir, 'a.ts')]);
    assert.deepEqual(results[0]!.messages.map((m) => m.ruleId), ['import-x/no-cycle']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the type-checked rules run: a forgotten promise is an error, node:test\'s test() is not', async () => {
  const dir = mkdtempSync(join(root, 'test/unit/core/.typed-'));
  try {
    // A project of one file, so the check builds a small program instead of the whole tree's.
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../../../tsconfig.json', include: ['*.ts'] }));
    writeFileSync(join(dir, 'probe.ts'), "import { test } from 'node:test';\nexport async function later(): Promise<void> {}\nlater();\ntest('runs', async () => {});\n");
    const results = await new ESLint({ cwd: root, ignore: false }).lintFiles([join(dir, 'probe.ts')]);
    assert.deepEqual(results[0]!.messages.map((m) => `${m.line} ${m.ruleId ?? m.message}`), ['3 @typescript-eslint/no-floating-promises']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every folder of src/ stands on a layer, and the README map lists the same layers', async () => {
  const { LAYERS } = (await import(pathToFileURL(join(root, 'eslint.config.mjs')).href)) as { LAYERS: string[][] };
  const placed = LAYERS.flat();
  const folders = readdirSync(join(root, 'src'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `src/${d.name}`);
  assert.deepEqual(folders.filter((f) => !placed.includes(f)), [], 'a new folder must be placed on a layer (eslint.config.mjs LAYERS)');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const rows = [...readme.matchAll(/^\| (\d+) \| ([^|]+) \|/gm)].map((m) => [Number(m[1]), [...m[2]!.matchAll(/`([^`]+)`/g)].map((x) => x[1]!)] as const);
  const fromReadme = LAYERS.map((_, i) => rows.filter(([n]) => n === i).flatMap(([, f]) => f).sort());
  assert.deepEqual(fromReadme, LAYERS.map((l) => [...l].sort()), 'README "Layout" table and LAYERS agree');
});
