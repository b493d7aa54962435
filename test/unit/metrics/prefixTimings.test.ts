import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readMetricsPage } from '../../../src/dashboard/metrics/metricsPage';
import { prefixTimingsFromBars, readPrefixTimings } from '../../../src/dashboard/metrics/prefixTimings';
import { readEventstreamFrame } from '../../../src/dashboard/metrics/taskStream';
import type { TaskBar } from '../../../src/shared/dashboard/taskStreamModel';
import { fixtureText, metricsAt } from './schedulerFixtures';

test('real 2022.12 /metrics has no per-prefix time: "not served", pointing at the task stream', () => {
  const r = readPrefixTimings(metricsAt('end'));
  assert.equal(r.kind, 'notServed');
  assert.match(r.kind === 'notServed' ? r.reason : '', /2023\.1\.1.*task stream/s);
  assert.equal(readPrefixTimings(undefined).kind, 'notServed');
  assert.equal(readPrefixTimings(readMetricsPage('process_open_fds 3\n')).kind, 'malformed');
});

test('newer /metrics (distributed ≥ 2023.1.1 names, from its prometheus collector) gives seconds and bytes per prefix', () => {
  // The family names and labels of distributed/http/scheduler/prometheus/core.py (tasks_compute, tasks_transfer,
  // tasks_output with unit seconds/bytes) as prometheus_client renders them.
  const page = readMetricsPage([
    '# TYPE dask_scheduler_clients gauge', 'dask_scheduler_clients 1.0',
    '# TYPE dask_scheduler_tasks_compute_seconds counter',
    'dask_scheduler_tasks_compute_seconds_total{task_prefix_name="load"} 3.5',
    'dask_scheduler_tasks_compute_seconds_total{task_prefix_name="sum"} 0.25',
    '# TYPE dask_scheduler_tasks_transfer_seconds counter',
    'dask_scheduler_tasks_transfer_seconds_total{task_prefix_name="load"} 0.5',
    '# TYPE dask_scheduler_tasks_output_bytes gauge',
    'dask_scheduler_tasks_output_bytes{task_prefix_name="load"} 8e6',
  ].join('\n'));
  const r = readPrefixTimings(page);
  assert.deepEqual(r, { kind: 'ok', value: [
    { prefix: 'load', computeSeconds: 3.5, transferSeconds: 0.5, outputBytes: 8e6 },
    { prefix: 'sum', computeSeconds: 0.25 },
  ] });
});

test('from the recorded task stream: compute, transfer and disk seconds per prefix', () => {
  const bars = fixtureText('eventstream.jsonl').trim().split('\n').map(readEventstreamFrame)
    .flatMap((e) => (e.kind === 'task' ? [e.bar] : [] as TaskBar[]));
  const t = Object.fromEntries(prefixTimingsFromBars(bars).map((p) => [p.prefix, p]));
  // 24 loads of ≥ 0.15 s each (time.sleep in the recorder).
  assert.ok(t.load!.computeSeconds >= 24 * 0.15, `load compute ${t.load!.computeSeconds}`);
  assert.ok(t.load!.computeSeconds < 24 * 1.5);
  assert.ok(t.measure!.computeSeconds >= 24 * 0.1);
  // The workers spilled blobs to make room and read some back for `measure`/`combine`: disk time on those prefixes.
  assert.ok(bars.some((b) => b.action === 'disk-write') && bars.some((b) => b.action === 'disk-read'));
  const disk = Object.values(t).reduce((s, p) => s + (p.diskSeconds ?? 0), 0);
  assert.ok(disk > 0, 'some time waited on disk');
  // Some tasks needed results held by the other worker: transfer bars name that worker as the source.
  const transfers = bars.filter((b) => b.action === 'transfer');
  assert.ok(transfers.length > 0);
  assert.ok(transfers.every((b) => b.source && b.source !== b.worker));
  const transferSeconds = transfers.reduce((sum, b) => sum + (b.stop - b.start) / 1000, 0);
  const summed = Object.values(t).reduce((sum, p) => sum + (p.transferSeconds ?? 0), 0);
  assert.ok(transferSeconds > 0 && Math.abs(summed - transferSeconds) < 1e-9, 'transfer time lands on the prefix that waited');
});
