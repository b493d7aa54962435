// Worker rows cross to the webview at slots, with only the text that changed (workerSlots.ts): whatever the sequence of
// updates, the page holds exactly the host's rows, and no unchanged text is written (the 5,000-worker budget rests on it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWorkerSlotsUpdate, readSlotColumns, slotColumns, TEXT_WORKER_FIELDS, WorkerSlotsReceiver, WorkerSlotsSender, type WorkerSlotsUpdate } from '../../../src/shared/dashboard/workerSlots';
import { NUMERIC_WORKER_FIELDS } from '../../../src/shared/dashboard/workerColumns';
import { WORKER_FIELD_NAMES, WORKER_FIELDS, type WorkerRow } from '../../../src/shared/dashboard/workerFields';

/** A row whose every field holds a value no other field or row holds: a value copied into another field's place shows. */
const distinctRow = (i: number, version = 0): WorkerRow =>
  Object.fromEntries(WORKER_FIELD_NAMES.map((f, k) => [f, WORKER_FIELDS[f] === 'number' ? i * 100 + k + version / 1000 + 0.25 : `${f} ${i}${f === 'address' ? '' : ` v${version}`}`])) as unknown as WorkerRow;

/** As the page gets it: structured clone (typed arrays stay typed), checked as the protocol does. */
function delivered(u: WorkerSlotsUpdate): WorkerSlotsUpdate {
  const copy = structuredClone(u);
  assert.ok(isWorkerSlotsUpdate(copy), 'a valid update');
  return copy;
}

const byAddress = (rows: readonly WorkerRow[]) => [...rows].sort((a, b) => (a.address < b.address ? -1 : 1));

test('every field reaches the page: numbers at their slots, text the first time', () => {
  const rows = [0, 1, 2, 3].map((i) => distinctRow(i));
  const update = new WorkerSlotsSender().update(true, rows);
  assert.deepEqual([...update.upsert.slot], [0, 1, 2, 3]);
  for (const f of NUMERIC_WORKER_FIELDS) assert.deepEqual([...update.upsert[f]], rows.map((r) => r[f]), f);
  for (const f of TEXT_WORKER_FIELDS) assert.deepEqual(update.upsert.text[f], { at: [0, 1, 2, 3], value: rows.map((r) => r[f]) }, f);
  assert.equal(new Set([...NUMERIC_WORKER_FIELDS, 'slot' as const].map((f) => update.upsert[f].buffer)).size, 1, 'one buffer');
  assert.equal(update.upsert.slot.buffer.byteLength, (NUMERIC_WORKER_FIELDS.length + 1) * 4 * 8, 'no bytes beyond the columns');
  const page = new WorkerSlotsReceiver();
  assert.deepEqual(page.apply(delivered(update)), { reset: true, rows, removed: [] });
});

test('an unchanged text field is not sent again; a changed one is, for that row only', () => {
  const sender = new WorkerSlotsSender();
  const page = new WorkerSlotsReceiver();
  const rows = [0, 1, 2].map((i) => distinctRow(i));
  page.apply(delivered(sender.update(true, rows)));
  // New objects with equal text (as a fresh read gives them), new numbers.
  const next = rows.map((r) => ({ ...r, name: `${r.name}`.slice(0), cpuPercent: r.cpuPercent + 1 }));
  const quiet = sender.update(false, next);
  for (const f of TEXT_WORKER_FIELDS) assert.deepEqual(quiet.upsert.text[f], { at: [], value: [] }, `${f} is not resent`);
  assert.deepEqual(page.apply(delivered(quiet))!.rows, next);
  // (A changed address is another worker: a new slot, all its text; the sequence test below covers those.)
  for (const f of TEXT_WORKER_FIELDS.filter((g) => g !== 'address')) {
    const changed = next.map((r, i) => (i === 1 ? { ...r, [f]: `${r[f]} changed` } : r));
    const update = sender.update(false, [changed[1]!, changed[2]!]);
    for (const g of TEXT_WORKER_FIELDS) {
      assert.deepEqual(update.upsert.text[g], g === f ? { at: [0], value: [`${next[1]![f]} changed`] } : { at: [], value: [] }, `${f} changed: ${g}`);
    }
    assert.deepEqual(page.apply(delivered(update))!.rows, [changed[1], changed[2]]);
    // Back as it was, for the next field.
    page.apply(delivered(sender.update(false, [next[1]!])));
  }
  assert.deepEqual(byAddress(page.rows()), byAddress(next));
});

test('any sequence of joins, leaves and changes leaves the page with exactly the host\'s rows', () => {
  // A small deterministic generator: the same sequence every run.
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const sender = new WorkerSlotsSender();
  const page = new WorkerSlotsReceiver();
  let host = new Map<string, WorkerRow>();
  let nextId = 0;
  let textSent = 0;
  for (let step = 0; step < 300; step++) {
    const reset = step === 0 || random() < 0.03;
    const remove = [...host.keys()].filter(() => random() < 0.1);
    for (const a of remove) host.delete(a);
    const upsert: WorkerRow[] = [];
    for (const row of host.values()) if (random() < 0.5) upsert.push({ ...row, cpuPercent: step, status: random() < 0.1 ? `status ${step}` : row.status });
    for (let j = Math.floor(random() * 4); j > 0; j--) upsert.push(distinctRow(nextId++, step));
    // Now and then a worker leaves and comes back at its address in the same update (a new slot, all its text).
    if (remove.length > 0 && random() < 0.3) {
      upsert.unshift({ ...distinctRow(nextId++, step), address: remove[0]! });
    }
    if (reset) {
      for (const row of upsert) host.set(row.address, row);
      const all = [...host.values()];
      page.apply(delivered(sender.update(true, all)));
      host = new Map(all.map((r) => [r.address, r]));
    } else {
      for (const row of upsert) host.set(row.address, row);
      const update = sender.update(false, upsert, remove);
      textSent += update.upsert.text.name.value.length;
      const got = page.apply(delivered(update));
      assert.ok(got, `step ${step} fits`);
      assert.deepEqual(got.rows, upsert);
      assert.deepEqual(got.removed.sort(), [...remove].sort());
    }
    assert.deepEqual(byAddress(page.rows()), byAddress([...host.values()]), `step ${step}`);
  }
  assert.ok(textSent <= nextId, `names sent ${textSent} times for ${nextId} workers (once each, at most)`);
});

test('numbers as plain arrays (JSON) read the same', () => {
  const rows = [0, 1].map((i) => distinctRow(i));
  const update = new WorkerSlotsSender().update(true, rows);
  const json: unknown = JSON.parse(JSON.stringify(update, (_k, v: unknown) => (v instanceof Float64Array ? [...v] : v)));
  assert.ok(isWorkerSlotsUpdate(json));
  assert.deepEqual(new WorkerSlotsReceiver().apply(json)!.rows, rows);
});

test('updates that do not fit the rows held are refused whole, and change nothing', () => {
  const sender = new WorkerSlotsSender();
  const page = new WorkerSlotsReceiver();
  const rows = [0, 1].map((i) => distinctRow(i));
  page.apply(delivered(sender.update(true, rows)));
  const good = sender.update(false, [{ ...rows[0]!, cpuPercent: 1 }]);
  const slotOf = (u: WorkerSlotsUpdate, slot: number[]) => ({ ...u, upsert: { ...u.upsert, slot } });
  const misfits: WorkerSlotsUpdate[] = [
    { ...good, remove: [5] }, // nothing there
    { ...good, remove: [1, 1] },
    slotOf(good, [7]), // a new worker without its text
    { ...good, remove: [0] }, // its slot emptied, and the row has no text to fill it again
    slotOf(new WorkerSlotsSender().update(true, [rows[0]!, rows[1]!]), [0, 0]),
  ];
  for (const m of misfits) {
    assert.equal(page.apply(m), undefined, JSON.stringify(m).slice(0, 120));
    assert.deepEqual(page.rows(), rows, 'nothing changed');
  }
});

test('malformed updates are refused by the protocol check', () => {
  const good = new WorkerSlotsSender().update(true, [distinctRow(0), distinctRow(1)]);
  const text = (f: string, changes: unknown) => ({ ...good, upsert: { ...good.upsert, text: { ...good.upsert.text, [f]: changes } } });
  const column = (f: string, v: unknown) => ({ ...good, upsert: { ...good.upsert, [f]: v } });
  const bad: unknown[] = [
    null, {}, { ...good, reset: 1 }, { ...good, remove: ['tcp://a:1'] }, { ...good, remove: [-1] }, { ...good, upsert: [] },
    column('slot', Float64Array.of(0, 1.5)), column('slot', Float64Array.of(0, -1)), column('slot', Float64Array.of(0, 2 ** 30)),
    column('threads', new Float64Array(3)), column('cpuPercent', Float64Array.of(1, Number.NaN)), column('memoryBytes', new Float32Array(2)),
    column('lastSeen', [0, Infinity]), column('ready', [0, '1']), (({ executing: _e, ...rest }) => ({ ...good, upsert: rest }))(good.upsert),
    column('text', undefined), text('name', undefined), text('name', { at: [0], value: [] }), text('name', { at: [2], value: ['x'] }),
    text('status', { at: [0], value: [3] }), text('address', { at: [0.5], value: ['x'] }),
  ];
  for (const b of bad) assert.equal(isWorkerSlotsUpdate(b), false, JSON.stringify(b, (_k, v: unknown) => (ArrayBuffer.isView(v) ? `${v.constructor.name}` : v))?.slice(0, 160));
  assert.ok(isWorkerSlotsUpdate(good));
});

test('between threads: rows at their indexes read back with the held rows\' own strings', () => {
  const held = [0, 1, 2].map((i) => distinctRow(i));
  const next = held.map((r) => ({ ...r, name: `${r.name}`, memoryBytes: r.memoryBytes + 1 }));
  const c = structuredClone(slotColumns([next[2]!, next[0]!], [2, 0], held));
  assert.equal(c.text.name.value.length, 0);
  const rows = readSlotColumns(c, held)!;
  assert.deepEqual(rows, [next[2], next[0]]);
  assert.ok(rows[0]!.name === held[2]!.name && rows[1]!.address === held[0]!.address, 'the same strings');
  assert.equal(readSlotColumns(structuredClone(slotColumns([next[0]!], [5], held)), held)?.length, 1, 'an empty slot with all its text');
  assert.equal(readSlotColumns({ ...c, slot: Float64Array.of(7, 0) }, held), undefined, 'an empty slot without text');
});
