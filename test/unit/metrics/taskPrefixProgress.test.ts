import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readMetricsPage } from '../../../src/dashboard/metrics/metricsPage';
import { isSettled, PrefixRunTracker, progressOf, readPrefixStateTotals, taskPrefixProgress } from '../../../src/dashboard/metrics/taskPrefixProgress';
import { metricsAt } from './schedulerFixtures';

const byPrefix = <T extends { prefix: string }>(rows: T[]) => Object.fromEntries(rows.map((r) => [r.prefix, r]));

test('real 2022.12 /metrics at the start: the family is declared, no prefixes yet (not "not served")', () => {
  const r = taskPrefixProgress(metricsAt('start'));
  assert.deepEqual(r, { kind: 'ok', value: [] });
});

test('real 2022.12 /metrics mid-computation: bars per prefix add up and show work in flight', () => {
  const r = taskPrefixProgress(metricsAt('middle'));
  assert.equal(r.kind, 'ok');
  const p = byPrefix(r.kind === 'ok' ? r.value : []);
  assert.deepEqual(Object.keys(p).sort(), ['check', 'combine', 'load', 'measure', 'total']);
  for (const bar of Object.values(p)) {
    assert.equal(bar.waiting + bar.processing + bar.memory + bar.released + bar.erred, bar.total, bar.prefix);
  }
  // Recorded: load entered waiting 24×, processing 8×, memory 6× → 2 running, 16 still to start.
  assert.deepEqual(p.load, { prefix: 'load', total: 24, waiting: 16, processing: 2, memory: 6, released: 0, erred: 0 });
  assert.deepEqual(p.measure, { prefix: 'measure', total: 24, waiting: 18, processing: 2, memory: 4, released: 0, erred: 0 });
  assert.equal(p.combine!.processing, 0);
  assert.equal(p.combine!.waiting, 12);
  assert.ok(Object.values(p).some((b) => !isSettled(b)));
});

test('real 2022.12 /metrics at the end and after release: everything settled, then released', () => {
  const end = taskPrefixProgress(metricsAt('end'));
  assert.equal(end.kind, 'ok');
  for (const bar of end.kind === 'ok' ? end.value : []) {
    assert.ok(isSettled(bar), `${bar.prefix} settled`);
    assert.equal(bar.memory + bar.erred, bar.total, `${bar.prefix}: all held or erred`);
  }
  const atEnd = byPrefix(end.kind === 'ok' ? end.value : []);
  assert.deepEqual(atEnd.check, { prefix: 'check', total: 8, waiting: 0, processing: 0, memory: 6, released: 0, erred: 2 });
  const released = taskPrefixProgress(metricsAt('released'));
  const p = byPrefix(released.kind === 'ok' ? released.value : []);
  // The recorder ran 6 more `measure` tasks after the end: 30 in all, none held after release.
  assert.deepEqual(p.measure, { prefix: 'measure', total: 30, waiting: 0, processing: 0, memory: 0, released: 30, erred: 0 });
  assert.deepEqual(p.check, { prefix: 'check', total: 8, waiting: 0, processing: 0, memory: 0, released: 6, erred: 2 });
});

test('not served and malformed are explicit results, never an empty list or a throw', () => {
  assert.equal(taskPrefixProgress(undefined).kind, 'notServed');
  assert.equal(taskPrefixProgress(readMetricsPage('python_info{version="3.11"} 1\n')).kind, 'malformed');
  const old = taskPrefixProgress(readMetricsPage('# TYPE dask_scheduler_tasks gauge\ndask_scheduler_tasks{state="memory"} 3\n'));
  assert.equal(old.kind, 'notServed');
  assert.match(old.kind === 'notServed' ? old.reason : '', /prefix/);
  assert.equal(taskPrefixProgress(readMetricsPage('')).kind, 'malformed');
});

test('the family without prometheus_client\'s _total suffix is read too; junk labels are skipped', () => {
  const r = readPrefixStateTotals(readMetricsPage([
    'dask_scheduler_prefix_state_totals{task_prefix_name="x",state="waiting"} 2',
    'dask_scheduler_prefix_state_totals{state="memory"} 9',
    'dask_scheduler_prefix_state_totals{task_prefix_name="x",state="memory"} 1',
  ].join('\n')));
  assert.deepEqual(r, { kind: 'ok', value: [{ prefix: 'x', entered: { waiting: 2, memory: 1 } }] });
});

test('cancelled tasks (forgotten without finishing) do not stay "waiting" forever', () => {
  const p = progressOf({ prefix: 'x', entered: { waiting: 10, processing: 4, memory: 4, released: 10, forgotten: 10 } });
  assert.deepEqual(p, { prefix: 'x', total: 10, waiting: 0, processing: 0, memory: 0, released: 4, erred: 0 });
});

test('the run tracker shows a second run of a prefix on its own, and keeps the finished run visible', () => {
  const tracker = new PrefixRunTracker();
  const t = (waiting: number, processing: number, memory: number) => [{ prefix: 'inc', entered: { waiting, processing, memory } }];
  assert.equal(tracker.update(t(10, 10, 10))[0]!.total, 10, 'first sight: everything so far');
  assert.equal(tracker.update(t(10, 10, 10))[0]!.total, 10, 'still the finished run');
  const running = tracker.update(t(15, 12, 11))[0]!;
  assert.deepEqual(running, { prefix: 'inc', total: 5, waiting: 3, processing: 1, memory: 1, released: 0, erred: 0 });
  assert.deepEqual(tracker.update(t(15, 15, 15))[0], { prefix: 'inc', total: 5, waiting: 0, processing: 0, memory: 5, released: 0, erred: 0 });
  assert.equal(tracker.update(t(15, 15, 15))[0]!.total, 5, 'the finished run stays');
  assert.equal(tracker.update(t(18, 18, 18))[0]!.total, 3, 'a run that started and ended between polls');
});
