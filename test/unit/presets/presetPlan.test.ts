// What applying would do: the right steps, in dependency order, with every fact the review page must show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describePresetPlan, planText, startUserOptions, STEP_ORDER } from '../../../src/presets/presetPlan';
import { validatePreset } from '../../../src/presets/validatePreset';
import type { Preset } from '../../../src/presets/presetTypes';
import { PROVIDER_KINDS } from '../../../src/dask/clusterProvider';

function load(name: string): Preset {
  const v = validatePreset(readFileSync(join(__dirname, '../../fixtures/presets/good', name)), { now: new Date('2026-06-01T00:00:00Z') });
  assert.ok(v.ok, name);
  return v.preset;
}

test('a full preset plans every step, in order, settings last', () => {
  const plan = describePresetPlan(load('full-course.pangeo.json'));
  assert.deepEqual(plan.steps.map((s) => s.kind), [
    'sign-in', 'start-server', 'get-content', 'open-files', 'select-kernel',
    'assume-aws-role', 'create-dask-cluster', 'set-budget', 'recommend-extensions', 'apply-settings',
  ]);
  assert.deepEqual(plan.steps.map((s) => s.kind), [...plan.steps.map((s) => s.kind)].sort((a, b) => STEP_ORDER[a] - STEP_ORDER[b]));
  assert.equal(new Set(plan.steps.map((s) => s.id)).size, plan.steps.length, 'ids are unique');
  assert.equal(plan.instructor, 'Dr. Ada Marin <ada.marin@example.edu>');
});

test('step data carries what the implementations need', () => {
  const plan = describePresetPlan(load('full-course.pangeo.json'));
  const start = plan.steps.find((s) => s.kind === 'start-server');
  assert.ok(start && start.kind === 'start-server');
  assert.equal(start.serverName, 'week3');
  // KubeSpawner reads the profile slug from user_options["profile"].
  assert.deepEqual(startUserOptions(start), { profile: 'medium', image: 'pangeo/pangeo-notebook:2024.11.11', 'image--unlisted-choice': '', gpu: false, cores: 4 });
  const dask = plan.steps.find((s) => s.kind === 'create-dask-cluster');
  assert.ok(dask && dask.kind === 'create-dask-cluster');
  assert.deepEqual(dask.adapt, { minimum: 0, maximum: 10 });
  assert.equal(dask.workers, undefined);
  const aws = plan.steps.find((s) => s.kind === 'assume-aws-role');
  assert.ok(aws && aws.kind === 'assume-aws-role');
  assert.deepEqual([aws.identity, aws.durationSeconds, aws.sessionName], ['web-identity', 3600, 'ods101']);
});

test('the text names the source and every hub, repo, setting, budget and role', () => {
  const text = planText(describePresetPlan(load('full-course.pangeo.json')), 'https://example.edu/week3.pangeo.json');
  for (const fact of [
    'Source: https://example.edu/week3.pangeo.json', 'https://hub.example.edu/jhub/', 'Profile: medium',
    'Option image: "pangeo/pangeo-notebook:2024.11.11"', 'https://github.com/example-edu/ods101.git', 'Branch: week-3',
    'File: notebooks/01-sst.ipynb', 'Kernelspec: python3', 'Role: arn:aws:iam::123456789012:role/ods101-students',
    'adaptive, 0–10 workers', 'Budget: 25 USD per month', 'scale Dask clusters to zero workers', 'Price of aws m5.large: $0.096/h',
    'Price of aws m5.xlarge in us-west-2: $0.192/h', 'Spot price on aws: 0.4 × on-demand', 'Price per core-hour: $0.024',
    'Setting editor.fontSize = 15', 'Extension: ms-toolsai.jupyter', 'Expires: 2099-12-31',
  ]) assert.ok(text.includes(fact), `missing "${fact}" in:\n${text}`);
  assert.match(text, /^1\. Sign in to the hub/m);
  assert.match(text, /^10\. Change 6 workspace settings/m);
});

test('small presets plan only what they contain', () => {
  assert.deepEqual(describePresetPlan(load('minimal.pangeo.json')).steps, []);
  assert.match(planText(describePresetPlan(load('minimal.pangeo.json'))), /does nothing/);
  assert.deepEqual(describePresetPlan(load('settings-only.pangeo.json')).steps.map((s) => s.kind), ['apply-settings']);
  const scheduler = describePresetPlan(load('scheduler.pangeo.json')).steps;
  assert.deepEqual(scheduler.map((s) => s.kind), ['create-dask-cluster']);
  assert.match(scheduler[0]!.title, /Connect to the Dask scheduler at http:\/\/localhost:8787\//);
  const local = describePresetPlan(load('local-dask.pangeo.json')).steps;
  assert.deepEqual(local.map((s) => s.kind), ['sign-in', 'start-server', 'create-dask-cluster', 'set-budget']);
  assert.match(local[1]!.title, /default server/);
});

test('the preset schema names exactly the cluster model’s provider kinds', () => {
  const schema = JSON.parse(readFileSync(join(__dirname, '../../../schemas/preset.schema.json'), 'utf8')) as { properties: { dask: { properties: { provider: { enum: string[] } } } } };
  assert.deepEqual([...schema.properties.dask.properties.provider.enum].sort(), [...PROVIDER_KINDS].sort());
});
