// The worker model and the series are declared once (workerFields.ts, sampleSeries.ts); everything else derives from
// the declaration. These tests fail if someone lists fields by hand again (a field that never reaches the webview).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffWorkers, sameRow } from '../../../src/dashboard/metrics/workerDiff';
import { WORKER_FIELD_NAMES, type WorkerRow } from '../../../src/shared/dashboard/workerFields';
import { workerRows } from '../../../src/dask/scheduler/workerRows';
import { readCounts, readIdentity } from '../../../src/dask/scheduler/schedulerPayloads';
import { buildSample, clusterTotals, SampleContext } from '../../../src/dashboard/metrics/clusterSample';
import { CLUSTER_TOTALS, type ClusterTotal } from '../../../src/shared/dashboard/sampleModel';
import { SampleSeries, SERIES_KEYS } from '../../../src/shared/dashboard/sampleSeries';
import { summarize, SUMMARY_FIELDS } from '../../../src/shared/dashboard/sampleSummary';
import { isHostMessage } from '../../../src/shared/protocol/panels';
import { syntheticPayloads } from './syntheticScheduler';
import { WorkerSlotsReceiver, WorkerSlotsSender } from '../../../src/shared/dashboard/workerSlots';

const rows = () => workerRows(readIdentity(syntheticPayloads({ workers: 2 }).identity));

test('a change in any declared worker field reaches the webview diff, and the protocol checks it', () => {
  const before = rows();
  for (const field of WORKER_FIELD_NAMES) {
    if (field === 'address') continue;
    const after = rows();
    const changed = { ...after[1]!, [field]: typeof after[1]![field] === 'string' ? `${after[1]![field]}-x` : after[1]![field] + 1 } as WorkerRow;
    after[1] = changed;
    const diff = diffWorkers(before, after);
    assert.deepEqual(diff.changed.map((r) => r.address), [changed.address], `a change of ${field} is sent`);
    assert.equal(sameRow(before[1]!, changed), false, field);
    // The webview's check wants the field, with its declared kind.
    const sample = { type: 'dashboard/sample', summary: summarize(buildSample(1, readCounts(syntheticPayloads({ workers: 2 }).counts), readIdentity(syntheticPayloads({ workers: 2 }).identity))), workers: new WorkerSlotsSender().update(true, [changed]) };
    assert.ok(isHostMessage(sample), field);
    // And reads it back in the page.
    assert.deepEqual(new WorkerSlotsReceiver().apply(structuredClone(sample.workers))?.rows, [changed], field);
    const upsert = sample.workers.upsert as unknown as Record<string, unknown> & { text: Record<string, unknown> };
    const { [field]: _number, ...numbersWithout } = upsert;
    const { [field]: _text, ...textWithout } = upsert.text;
    const dropped = field in upsert ? numbersWithout : { ...upsert, text: textWithout };
    assert.equal(isHostMessage({ ...sample, workers: { reset: true, upsert: dropped, remove: [] } }), false, `rows without ${field} are refused`);
  }
});

test('a field added to the declaration is diffed without editing the diff (no hand-kept field list)', () => {
  // Simulates the next field someone declares: the diff must compare it like the others.
  const a = rows().map((r) => ({ ...r, futureField: 1 })) as unknown as WorkerRow[];
  const b = rows().map((r) => ({ ...r, futureField: 2 })) as unknown as WorkerRow[];
  const names = WORKER_FIELD_NAMES as string[];
  names.push('futureField');
  try {
    assert.equal(diffWorkers(a, b).changed.length, 2);
  } finally {
    names.pop();
  }
});

test('every built row carries exactly the declared fields; the summary and series carry theirs', () => {
  const p = syntheticPayloads({ workers: 3, processing: 2 });
  const sample = buildSample(5, readCounts(p.counts), readIdentity(p.identity));
  for (const r of sample.workerRows) assert.deepEqual(Object.keys(r).sort(), [...WORKER_FIELD_NAMES].sort());
  assert.deepEqual(Object.keys(summarize(sample)).sort(), [...SUMMARY_FIELDS].sort());
  const series = new SampleSeries(3);
  series.add(summarize(sample));
  series.addGap(6);
  const snap = series.snapshot();
  assert.deepEqual(Object.keys(snap.values).sort(), [...SERIES_KEYS].sort());
  assert.deepEqual(snap.values['tasks.processing'], [2, null]);
  // The webview's copy loads what the host sent and gives back the same.
  const copy = new SampleSeries(3);
  copy.load(snap);
  assert.deepEqual(copy.snapshot(), snap);
});

test('a worker without a new heartbeat keeps its row (cheap ticks at 1,000 workers); a new heartbeat rebuilds it', () => {
  const context = new SampleContext();
  const p0 = syntheticPayloads({ workers: 3, tick: 0, baseTime: 1_800_000_000 });
  const first = buildSample(1000, readCounts(p0.counts), readIdentity(p0.identity), undefined, context).workerRows;
  const again = buildSample(3000, readCounts(p0.counts), readIdentity(p0.identity), undefined, context).workerRows;
  assert.ok(first.every((r, i) => r === again[i]), 'same heartbeat, same row object');
  assert.deepEqual(diffWorkers(first, again).changed, []);
  const p1 = syntheticPayloads({ workers: 3, tick: 1, baseTime: 1_800_000_000 });
  const next = buildSample(5000, readCounts(p1.counts), readIdentity(p1.identity), undefined, context).workerRows;
  assert.ok(next.every((r, i) => r !== again[i]));
  assert.equal(diffWorkers(again, next).changed.length, 3);
});

test('the cluster totals are the declared fields (CLUSTER_TOTALS) summed over the workers', () => {
  // Every field of every row a distinct number, so a total that reads the wrong field cannot match.
  const many = workerRows(readIdentity(syntheticPayloads({ workers: 7 }).identity)).map((row, i) => {
    const numbered: Record<string, unknown> = { ...row };
    WORKER_FIELD_NAMES.forEach((f, k) => { if (typeof row[f] === 'number') numbered[f] = (i + 1) * 1000 + k; });
    return numbered as unknown as WorkerRow;
  });
  const expected = Object.fromEntries((Object.keys(CLUSTER_TOTALS) as ClusterTotal[]).map((t) => [t, many.reduce((s, r) => s + r[CLUSTER_TOTALS[t]], 0)]));
  assert.deepEqual(clusterTotals(many), expected);
  assert.deepEqual(clusterTotals([]), Object.fromEntries(Object.keys(CLUSTER_TOTALS).map((t) => [t, 0])));
});
