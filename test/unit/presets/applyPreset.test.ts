// The step runner: order, progress, stop at the first failure with retry from it, settings only after
// every earlier step succeeded, and nothing at all for an invalid preset or a missing implementation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPreset, type ApplyEvent, type StepImplementations } from '../../../src/presets/applyPreset';
import { JsonFileSettingsWriter, PREVIOUS_SETTINGS_KEY, settingsStep } from '../../../src/presets/settingsWriter';
import { CancelledError, UnreachableError } from '../../../src/core/http/errors';
import { describePresetPlan, type PlanStepKind } from '../../../src/presets/presetPlan';
import { validatePreset } from '../../../src/presets/validatePreset';
import { budgetStep } from '../../../src/presets/budgetStep';
import { presetSchemaObject } from '../../../src/presets/schemaCheck';

const FULL = readFileSync(join(__dirname, '../../fixtures/presets/good/full-course.pangeo.json'));
const NOW = { validate: { now: new Date('2026-06-01T00:00:00Z') } };

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'pangeo-preset-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Implementations that record their calls; `fail` makes the named kinds throw (once, or always). */
function recorder(settingsFile: string, fail: Partial<Record<PlanStepKind, 'once' | 'always'>> = {}) {
  const calls: string[] = [];
  const failed = new Set<string>();
  const step = (kind: PlanStepKind) => async (_s: unknown, ctx: { state: Record<string, unknown>; report(m: string): void }) => {
    calls.push(kind);
    ctx.report(`working on ${kind}`);
    const mode = fail[kind];
    if (mode === 'always' || (mode === 'once' && !failed.has(kind))) {
      failed.add(kind);
      throw new UnreachableError('https://hub.example.edu/jhub/', 'ECONNREFUSED');
    }
    ctx.state[kind] = `${kind}-result`;
  };
  const impls: StepImplementations = {
    'sign-in': step('sign-in'), 'start-server': step('start-server'), 'get-content': step('get-content'),
    'open-files': step('open-files'), 'select-kernel': step('select-kernel'), 'assume-aws-role': step('assume-aws-role'),
    'create-dask-cluster': step('create-dask-cluster'), 'set-budget': step('set-budget'), 'recommend-extensions': step('recommend-extensions'),
    'apply-settings': settingsStep(new JsonFileSettingsWriter(settingsFile)),
  };
  return { calls, impls };
}

test('all steps run in order with progress, and the settings file gets exactly the preset settings', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, '.vscode', 'settings.json');
  const { calls, impls } = recorder(file);
  const events: ApplyEvent[] = [];
  const outcome = await applyPreset(FULL, impls, { ...NOW, onProgress: (e) => events.push(e) });
  assert.equal(outcome.status, 'done');
  assert.deepEqual(calls, ['sign-in', 'start-server', 'get-content', 'open-files', 'select-kernel', 'assume-aws-role', 'create-dask-cluster', 'set-budget', 'recommend-extensions']);
  const written: unknown = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(written, { 'editor.fontSize': 15, 'editor.wordWrap': 'on', 'notebook.lineNumbers': 'on', 'workbench.colorTheme': 'Default Dark Modern', 'files.autoSave': 'afterDelay', 'pangeo.cost.showInStatusBar': true });
  assert.deepEqual(events.filter((e) => e.type === 'step-succeeded').map((e) => e.index), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.ok(events.some((e) => e.type === 'step-progress' && e.message === 'working on start-server'));
  assert.ok(outcome.status === 'done' && outcome.state['start-server'] === 'start-server-result');
});

test('a failing step stops the run, names the step, leaves settings untouched; retry resumes from it', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'settings.json');
  writeFileSync(file, '{\n  // the student\'s own settings\n  "editor.fontSize": 11,\n  "git.enabled": true\n}\n');
  const before = readFileSync(file, 'utf8');
  const { calls, impls } = recorder(file, { 'create-dask-cluster': 'once' });
  const outcome = await applyPreset(FULL, impls, NOW);
  assert.equal(outcome.status, 'failed');
  assert.ok(outcome.status === 'failed');
  assert.equal(outcome.failed.step.kind, 'create-dask-cluster');
  assert.equal(outcome.failed.index, 6);
  assert.match(outcome.failed.message, /Cannot reach https:\/\/hub\.example\.edu\/jhub\//);
  assert.equal(outcome.failed.cancelled, false);
  assert.deepEqual(outcome.completed.map((s) => s.kind), ['sign-in', 'start-server', 'get-content', 'open-files', 'select-kernel', 'assume-aws-role']);
  assert.equal(readFileSync(file, 'utf8'), before, 'settings unchanged after a failure');

  const retried = await outcome.retry();
  assert.equal(retried.status, 'done');
  // Earlier steps are not repeated; the failed one runs again, then the rest.
  assert.deepEqual(calls.slice(6), ['create-dask-cluster', 'create-dask-cluster', 'set-budget', 'recommend-extensions']);
  const after = readFileSync(file, 'utf8');
  assert.match(after, /the student's own settings/, 'comments survive');
  const parsed = JSON.parse(after.replace(/\/\/.*$/m, '')) as Record<string, unknown>;
  assert.equal(parsed['editor.fontSize'], 15);
  assert.equal(parsed['git.enabled'], true);
  assert.ok(retried.status === 'done');
  assert.deepEqual(retried.state[PREVIOUS_SETTINGS_KEY], {
    'editor.fontSize': 11, 'editor.wordWrap': undefined, 'notebook.lineNumbers': undefined, 'workbench.colorTheme': undefined, 'files.autoSave': undefined, 'pangeo.cost.showInStatusBar': undefined,
  });
});

test('an invalid preset runs nothing and says why', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'settings.json');
  const { calls, impls } = recorder(file);
  const bad = readFileSync(join(__dirname, '../../fixtures/presets/bad/forbidden-setting-terminal.json'));
  const outcome = await applyPreset(bad, impls, NOW);
  assert.equal(outcome.status, 'invalid');
  assert.ok(outcome.status === 'invalid' && outcome.problems[0]!.code === 'forbidden-setting');
  assert.deepEqual(calls, []);
  assert.equal(existsSync(file), false);
});

test('an expired preset is refused at apply time even if it was valid at review time', async (t) => {
  const { calls, impls } = recorder(join(tempDir(t), 's.json'));
  const text = JSON.stringify({ version: 1, name: 'x', kernel: { name: 'python3' }, expires: '2026-01-01' });
  const reviewed = validatePreset(text, { now: new Date('2025-12-01T00:00:00Z') });
  assert.ok(reviewed.ok);
  const outcome = await applyPreset(reviewed, impls, { validate: { now: new Date('2026-03-01T00:00:00Z') } });
  assert.equal(outcome.status, 'invalid');
  assert.deepEqual(calls, []);
});

test('a step without an implementation stops everything before the first step', async (t) => {
  const { calls, impls } = recorder(join(tempDir(t), 's.json'));
  delete impls['assume-aws-role'];
  const outcome = await applyPreset(FULL, impls, NOW);
  assert.deepEqual(outcome, { status: 'unsupported', missing: ['assume-aws-role'] });
  assert.deepEqual(calls, []);
});

test('the settings step itself refuses a forbidden key even if handed one directly', async (t) => {
  const file = join(tempDir(t), 's.json');
  const run = settingsStep(new JsonFileSettingsWriter(file));
  await assert.rejects(run({ kind: 'apply-settings', id: 'apply-settings', title: '', details: [], settings: { 'terminal.integrated.shell.linux': '/bin/sh' } },
    { state: {}, report() {}, signal: new AbortController().signal, preset: { version: 1, name: 'x' }, plan: { name: 'x', steps: [] } }), /refused/);
  assert.equal(existsSync(file), false);
});

test('a broken settings file is not overwritten', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'settings.json');
  writeFileSync(file, '{ "editor.fontSize": ');
  const { impls } = recorder(file);
  const outcome = await applyPreset(FULL, impls, NOW);
  assert.ok(outcome.status === 'failed');
  assert.equal(outcome.failed.step.kind, 'apply-settings');
  assert.match(outcome.failed.message, /not a JSON object/);
  assert.equal(readFileSync(file, 'utf8'), '{ "editor.fontSize": ');
});

test('cancelling stops before the next step and reports it as cancelled', async (t) => {
  const file = join(tempDir(t), 's.json');
  const { calls, impls } = recorder(file);
  const controller = new AbortController();
  const inner = impls['start-server']!;
  impls['start-server'] = async (s, ctx) => {
    await inner(s, ctx);
    controller.abort();
  };
  const outcome = await applyPreset(FULL, impls, { ...NOW, signal: controller.signal });
  assert.ok(outcome.status === 'failed');
  assert.equal(outcome.failed.cancelled, true);
  assert.ok(outcome.failed.error instanceof CancelledError);
  assert.deepEqual(calls, ['sign-in', 'start-server']);
  assert.equal(existsSync(file), false);
});

test('the budget step writes the preset budget as the cost meter\'s settings', async (t) => {
  const file = join(tempDir(t), 'settings.json');
  const { impls } = recorder(file);
  impls['set-budget'] = budgetStep(new JsonFileSettingsWriter(file));
  const outcome = await applyPreset(FULL, impls, NOW);
  assert.equal(outcome.status, 'done');
  const written = JSON.parse(readFileSync(file, 'utf8')) as {
    'pangeo.cost.budget.limitUsd': number; 'pangeo.cost.budget.period': string; 'pangeo.cost.budget.actionAt100': string;
    'pangeo.cost.priceOverrides': { clouds: { aws: { instances: unknown } } };
  };
  assert.equal(written['pangeo.cost.budget.limitUsd'], 25);
  assert.equal(written['pangeo.cost.budget.period'], 'month');
  assert.equal(written['pangeo.cost.budget.actionAt100'], 'scaleClustersToZero');
  assert.deepEqual(written['pangeo.cost.priceOverrides'].clouds.aws.instances, { 'm5.large': 0.096, 'r5.xlarge': 0.252 });
  // The values are the ones the cost settings accept (package.json is the contract).
  const props = (JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { enum?: string[] }> } } }).contributes.configuration.properties;
  assert.ok(props['pangeo.cost.budget.period']!.enum?.includes(written['pangeo.cost.budget.period']));
  assert.ok(props['pangeo.cost.budget.actionAt100']!.enum?.includes(written['pangeo.cost.budget.actionAt100']));
  assert.ok(props['pangeo.cost.priceOverrides'], 'pangeo.cost.priceOverrides exists');
  const schema = presetSchemaObject() as { properties: { cost: { properties: { atLimit: { enum: string[] }; budget: { properties: { period: { enum: string[] } } } } } } };
  assert.deepEqual([...schema.properties.cost.properties.budget.properties.period.enum].sort(), [...props['pangeo.cost.budget.period']!.enum!].sort());
  assert.deepEqual([...schema.properties.cost.properties.atLimit.enum].sort(), [...props['pangeo.cost.budget.actionAt100']!.enum!].sort());
});

test('a preset\'s hub profile prices are merged into pangeo.cost.hubProfilePrices for its hub', async (t) => {
  const file = join(tempDir(t), 'settings.json');
  writeFileSync(file, JSON.stringify({ 'pangeo.cost.hubProfilePrices': { 'https://other.example.org/': { big: 2 }, 'https://hub.example.org': { small: 0.1 } } }));
  const preset = { version: 1, name: 'Priced profiles', hub: { url: 'https://hub.example.org/', profile: 'large' }, cost: { hubProfilePrices: { large: 0.77 } } };
  const plan = describePresetPlan(preset as never);
  const step = plan.steps.find((s) => s.kind === 'set-budget')!;
  assert.ok(step.details.includes('Price of a server with the profile "large" on https://hub.example.org/: $0.77/h'), step.details.join('\n'));
  const outcome = await applyPreset(JSON.stringify(preset), { 'sign-in': async () => undefined, 'start-server': async () => undefined, 'set-budget': budgetStep(new JsonFileSettingsWriter(file)) }, NOW);
  assert.equal(outcome.status, 'done');
  assert.deepEqual((JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)['pangeo.cost.hubProfilePrices'], {
    'https://other.example.org/': { big: 2 }, 'https://hub.example.org': { small: 0.1, large: 0.77 },
  });
  const noHub = validatePreset(JSON.stringify({ version: 1, name: 'x', cost: { hubProfilePrices: { large: 1 } } }));
  assert.deepEqual(noHub.problems.map((p) => [p.path, p.code]), [['$.cost.hubProfilePrices', 'conflict']]);
});
