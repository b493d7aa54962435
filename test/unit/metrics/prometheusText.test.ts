import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byLabel, parsePrometheusText, single, workerTotal } from '../../../src/dashboard/metrics/prometheusText';
import { syntheticPayloads } from './syntheticScheduler';

test('parses names, labels, values and skips comments and junk', () => {
  const text = '# HELP x y\n# TYPE x gauge\nx 1.5\ny{a="1",b="two"} 2e3\nz{q="with \\"quote\\" and \\\\ and \\n"} 3 1700000000\n' +
    'not a metric line\nbad{a="1" 4\nnan_metric NaN\ninf_metric +Inf\n\n';
  const samples = parsePrometheusText(text);
  assert.deepEqual(samples.slice(0, 3), [
    { name: 'x', labels: {}, value: 1.5 },
    { name: 'y', labels: { a: '1', b: 'two' }, value: 2000 },
    { name: 'z', labels: { q: 'with "quote" and \\ and \n' }, value: 3 },
  ]);
  assert.equal(samples.find((s) => s.name === 'inf_metric')?.value, Infinity);
  assert.ok(Number.isNaN(samples.find((s) => s.name === 'nan_metric')?.value));
  assert.equal(samples.some((s) => s.name === 'bad' || s.name === 'not'), false);
  assert.equal(single(samples, 'x'), 1.5);
});

test('worker total: 2022.12 "connected" is the total, current states are disjoint and summed', () => {
  const old = parsePrometheusText(syntheticPayloads({ workers: 3, flavour: '2022.12' }).metrics);
  const oldStates = byLabel(old, 'dask_scheduler_workers', 'state');
  assert.deepEqual(oldStates, { connected: 3, saturated: 0, idle: 3 });
  assert.equal(workerTotal(oldStates), 3, 'summing 2022.12 labels would double count idle workers');
  const current = parsePrometheusText(syntheticPayloads({ workers: 5, flavour: 'current' }).metrics);
  const states = byLabel(current, 'dask_scheduler_workers', 'state');
  assert.equal(workerTotal(states), 5);
  assert.equal(workerTotal({}), undefined);
});

test('tasks by state come out keyed by state', () => {
  const samples = parsePrometheusText(syntheticPayloads({ workers: 1, processing: 7 }).metrics);
  const tasks = byLabel(samples, 'dask_scheduler_tasks', 'state');
  assert.equal(tasks.processing, 7);
  assert.equal(tasks.memory, 3);
  assert.equal(tasks['no-worker'], 0);
});
