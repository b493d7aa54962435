// The CPU chart groups neighbouring workers once their bars would be thinner than ~2 px, showing each group's busiest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuBars } from '../../../webviews/dashboard/cpuBars';

const rows = (n: number, cpu: (i: number) => number) => Array.from({ length: n }, (_, i) => ({ address: `tcp://w${i}:1`, name: `w${i}`, cpuPercent: cpu(i) }));

test('one bar per worker while they fit, labelled and picked as the table names them', () => {
  const b = cpuBars(rows(12, (i) => i * 10), 300);
  assert.equal(b.group, 1);
  assert.deepEqual(b.x, [...Array(12).keys()]);
  assert.deepEqual(b.cpu, rows(12, (i) => i * 10).map((r) => r.cpuPercent));
  assert.deepEqual(b.names, rows(12, () => 0).map((r) => r.name));
  assert.equal(cpuBars([{ address: 'tcp://a:1', name: '', cpuPercent: 5 }], 10).names[0], 'tcp://a:1', 'a worker without a name goes by its address');
});

test('5,000 workers in 300 bars: each bar is the busiest of its neighbours, none is lost', () => {
  // One hot worker in the middle of idle ones.
  const b = cpuBars(rows(5000, (i) => (i === 2345 ? 400 : i % 7)), 300);
  assert.equal(b.group, 17);
  assert.equal(b.x.length, Math.ceil(5000 / 17));
  assert.ok(b.x.length <= 300);
  const hot = b.addresses.indexOf('tcp://w2345:1');
  assert.equal(hot, Math.floor(2345 / 17));
  assert.equal(b.cpu[hot], 400);
  assert.equal(b.names[hot], 'w2345');
  assert.equal(Math.max(...b.cpu.filter((_, i) => i !== hot)), 6);
  assert.deepEqual(cpuBars([], 300), { x: [], cpu: [], names: [], addresses: [], group: 1 });
});
