import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Accrual } from '../../../src/cost/accrual';

const MIN = 60_000;
const HOUR = 60 * MIN;
// A UTC day function and midnight, so the test does not depend on the machine's time zone.
const utc = { dayOf: (t: number) => new Date(t).toISOString().slice(0, 10), nextDayStart: (t: number) => (Math.floor(t / 86_400_000) + 1) * 86_400_000 };
const T0 = Date.UTC(2026, 0, 10, 10, 0, 0);
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} ≈ ${b}`);

test('a steady rate integrates to rate × observed time (the first sample starts the clock)', () => {
  const a = new Accrual({ maxGapMs: 5 * MIN, ...utc });
  assert.equal(a.observe(T0, 2).skipped, 'first');
  for (let i = 1; i <= 60; i++) a.observe(T0 + i * MIN, 2);
  close(a.totalUsd, 2);
  assert.equal(a.coveredMs, HOUR);
  assert.equal(a.estimated, true);
});

test('the rate of the previous sample holds until the next one', () => {
  const a = new Accrual(utc);
  a.observe(T0, 1);
  close(a.observe(T0 + 30 * 1000, 10).usd, 30 / 3600);
  close(a.observe(T0 + 60 * 1000, 0).usd, (30 / 3600) * 10);
  close(a.observe(T0 + 90 * 1000, 0).usd, 0);
});

test('no sample, no charge: gaps over the limit and interrupted segments are not billed', () => {
  const a = new Accrual({ maxGapMs: 5 * MIN, ...utc });
  a.observe(T0, 6);
  close(a.observe(T0 + 5 * MIN, 6).usd, 0.5);
  const gap = a.observe(T0 + 65 * MIN, 6);
  assert.equal(gap.skipped, 'gap');
  assert.equal(gap.usd, 0);
  assert.equal(a.uncoveredMs, 60 * MIN);
  a.interrupt();
  assert.equal(a.observe(T0 + 66 * MIN, 6).skipped, 'first');
  close(a.observe(T0 + 67 * MIN, 6).usd, 0.1);
  close(a.totalUsd, 0.6);
});

test('restarts (new epoch) and clocks going back are not billed', () => {
  const a = new Accrual(utc);
  a.observe(T0, 60, 'scheduler-A');
  close(a.observe(T0 + MIN, 60, 'scheduler-A').usd, 1);
  assert.equal(a.observe(T0 + 2 * MIN, 60, 'scheduler-B').skipped, 'restart');
  close(a.observe(T0 + 3 * MIN, 60, 'scheduler-B').usd, 1);
  assert.equal(a.observe(T0 + 2 * MIN, 60, 'scheduler-B').skipped, 'clock');
  close(a.totalUsd, 2);
});

test('an interval across midnight is split between the two days', () => {
  const a = new Accrual({ maxGapMs: HOUR, ...utc });
  const beforeMidnight = Date.UTC(2026, 0, 10, 23, 45);
  a.observe(beforeMidnight, 4);
  const step = a.observe(beforeMidnight + 30 * MIN, 4);
  assert.deepEqual(step.byDay.map((d) => d.day), ['2026-01-10', '2026-01-11']);
  close(step.byDay[0]!.usd, 1);
  close(step.byDay[1]!.usd, 1);
});
