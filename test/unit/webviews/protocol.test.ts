import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHostMessage, isWebviewMessage } from '../../../src/shared/protocol/panels';
import { buildSample } from '../../../src/dashboard/metrics/clusterSample';
import { summarize } from '../../../src/shared/dashboard/sampleSummary';
import { SampleSeries } from '../../../src/shared/dashboard/sampleSeries';
import { readCounts, readIdentity } from '../../../src/dask/scheduler/schedulerPayloads';
import { readMetricsPage } from '../../../src/dashboard/metrics/metricsPage';
import { syntheticPayloads } from '../metrics/syntheticScheduler';
import { WorkerSlotsSender } from '../../../src/shared/dashboard/workerSlots';

/** A fresh page's first update of these rows, as the session builds it. */
const slots = (rows: readonly object[], reset = true) => new WorkerSlotsSender().update(reset, rows as never);
const noRows = () => slots([]);

// Built by the host's own code, so every declared field is present.
const payloads = syntheticPayloads({ workers: 1 });
const sample = buildSample(1, readCounts(payloads.counts), readIdentity(payloads.identity), readMetricsPage(payloads.metrics));
const row = sample.workerRows[0]!;
const summary = summarize(sample);
const history = new SampleSeries(4);
history.add(summary);
const series = history.snapshot();

test('well-formed host messages pass', () => {
  assert.ok(isHostMessage({ type: 'dashboard/init', cluster: { id: 'x', name: 'x', dashboardUrl: 'http://h/', canScale: true, canAdapt: false }, series }));
  assert.ok(isHostMessage({ type: 'dashboard/sample', summary, workers: slots([row]) }));
  // As the editor delivers the session's message: the numbers as Float64Arrays (structured clone keeps them typed).
  assert.ok(isHostMessage(structuredClone({ type: 'dashboard/sample', summary, workers: { ...slots([row, { ...row, address: 'tcp://b:1' }], false), remove: [3] } })));
  assert.ok(isHostMessage({ type: 'dashboard/sample', summary, workers: noRows() }));
  // Older editors send JSON: numbers as plain arrays.
  assert.ok(isHostMessage(JSON.parse(JSON.stringify({ type: 'dashboard/sample', summary, workers: slots([row]) }, (_k, v: unknown) => (v instanceof Float64Array ? [...v] : v)))));
  assert.ok(isHostMessage({ type: 'dashboard/state', state: 'stopped', message: 'gone' }));
  assert.ok(isHostMessage({ type: 'dashboard/plots', plots: {}, reason: 'no bokeh', fullDashboard: false }));
  assert.ok(isHostMessage({ type: 'dashboard/gap', time: 1 }));
  assert.ok(isHostMessage({ type: 'dashboard/adaptive', adaptive: { minimum: 1, maximum: 3 } }));
  assert.ok(isHostMessage({ type: 'dashboard/adaptive', adaptive: { minimum: null, maximum: null } }));
  assert.ok(isHostMessage({ type: 'dashboard/adaptive', adaptive: null }));
  assert.ok(isHostMessage({ type: 'dashboard/notice', requestId: 1, message: 'Scaling to 4 instead.' }));
  assert.ok(isHostMessage({ type: 'dashboard/state', state: 'stopped', message: 'The cluster was stopped.', confirmed: true }));
  assert.ok(isHostMessage({ type: 'result', requestId: 3, ok: false, message: 'no' }));
});

test('malformed host messages are rejected', () => {
  const bad: unknown[] = [
    null, 'ready', [], {}, { type: 'nope' }, { type: '__proto__' }, { type: 'toString' },
    // The rows as objects, or as plain columns of every field (the update is numbers at slots and the text that changed).
    { type: 'dashboard/sample', summary, workers: { reset: true, upsert: [row], remove: [] } },
    { type: 'dashboard/sample', summary, workers: { reset: true, upsert: Object.fromEntries(Object.entries(row).map(([k, v]) => [k, [v]])), remove: [] } },
    // A missing column, a number that is not one, a column of another length, another kind of typed array.
    { type: 'dashboard/sample', summary, workers: { ...slots([row]), upsert: (({ cpuPercent: _c, ...rest }) => rest)(slots([row]).upsert) } },
    { type: 'dashboard/sample', summary, workers: { ...slots([row]), upsert: { ...slots([row]).upsert, cpuPercent: Float64Array.of(Number.NaN) } } },
    { type: 'dashboard/sample', summary, workers: { ...slots([row]), upsert: { ...slots([row]).upsert, memoryBytes: [null] } } },
    { type: 'dashboard/sample', summary, workers: { ...slots([row]), upsert: { ...slots([row]).upsert, threads: new Float64Array(2) } } },
    { type: 'dashboard/sample', summary, workers: { ...slots([row]), upsert: { ...slots([row]).upsert, executing: new Uint8Array(1) } } },
    { type: 'dashboard/sample', summary, workers: slots([{ ...row, status: 1 }]) },
    { type: 'dashboard/sample', summary: { ...summary, workers: -1 }, workers: noRows() },
    { type: 'dashboard/sample', summary: { ...summary, memoryUsedBytes: Number.NaN }, workers: noRows() },
    { type: 'dashboard/sample', summary: { ...summary, tasks: { processing: 'many' } }, workers: noRows() },
    { type: 'dashboard/sample', summary, workers: { reset: true, upsert: noRows().upsert, remove: ['tcp://a:1'] } },
    { type: 'dashboard/state', state: 'exploded' },
    { type: 'dashboard/init', cluster: { id: 'x', name: 'x', dashboardUrl: 'http://h/', canScale: 'yes', canAdapt: false }, series },
    { type: 'dashboard/init', cluster: { id: 'x', name: 'x', dashboardUrl: 'http://h/', canScale: true, canAdapt: false }, series: { ...series, time: [Infinity] } },
    { type: 'dashboard/init', cluster: { id: 'x', name: 'x', dashboardUrl: 'http://h/', canScale: true, canAdapt: false }, series: { ...series, values: { ...series.values, workers: ['1'] } } },
    { type: 'dashboard/sample', summary: { ...summary, prefixes: { rows: [{ prefix: 'x', waiting: 'none' }] } }, workers: noRows() },
    { type: 'dashboard/plots', plots: { a: 1 }, fullDashboard: true },
    { type: 'dashboard/plots', plots: {} },
    { type: 'dashboard/adaptive', adaptive: { minimum: -1, maximum: 3 } },
    { type: 'result', requestId: -1, ok: true, message: '' },
    { type: 'cost/snapshot', snapshot: { time: 1 } },
  ];
  for (const m of bad) assert.equal(isHostMessage(m), false, JSON.stringify(m));
});

test('webview messages: valid ones pass, malformed ones are rejected', () => {
  assert.ok(isWebviewMessage({ type: 'ready', view: 'dashboard' }));
  assert.ok(isWebviewMessage({ type: 'dashboard/scale', requestId: 1, workers: 0 }));
  assert.ok(isWebviewMessage({ type: 'dashboard/adapt', requestId: 1, minimum: 0, maximum: 4 }));
  assert.ok(isWebviewMessage({ type: 'dashboard/openBrowser' }));
  assert.ok(isWebviewMessage({ type: 'cost/setBudget', requestId: 2, limitUsd: 50, period: 'month' }));
  const bad: unknown[] = [
    undefined, { type: 'ready' }, { type: 'ready', view: 'other' },
    { type: 'dashboard/scale', requestId: 1, workers: -1 },
    { type: 'dashboard/scale', requestId: 1, workers: 2.5 },
    { type: 'dashboard/scale', requestId: 1, workers: '3' },
    { type: 'dashboard/scale', workers: 3 },
    { type: 'dashboard/scale', requestId: 1, workers: 1e9 },
    { type: 'dashboard/adapt', requestId: 1, minimum: 5, maximum: 2 },
    { type: 'cost/setBudget', requestId: 2, limitUsd: -5, period: 'month' },
    { type: 'cost/setBudget', requestId: 2, limitUsd: 5, period: 'year' },
    { type: 'hasOwnProperty' },
  ];
  for (const m of bad) assert.equal(isWebviewMessage(m), false, JSON.stringify(m));
});
