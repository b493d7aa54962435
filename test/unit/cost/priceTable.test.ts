import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coreMemoryPrice, defaultPriceTable, lookupInstance, mergePrices, validateOverrides } from '../../../src/cost/priceTable';

const table = defaultPriceTable();

test('the bundled table is versioned and dated, with a source per cloud', () => {
  assert.equal(table.version, 1);
  assert.match(table.asOf, /^\d{4}-\d{2}-\d{2}$/);
  for (const cloud of ['aws', 'gcp', 'azure'] as const) {
    const c = table.clouds[cloud]!;
    assert.match(c.source, /^https:\/\//);
    assert.ok(c.regions[c.defaultRegion], `${cloud} default region has prices`);
    // Every priced type has a known shape, so per-core fallbacks and tooltips can describe it.
    for (const prices of Object.values(c.regions)) for (const type of Object.keys(prices)) assert.ok(c.instances[type], `${cloud} ${type} spec`);
  }
});

test('instance lookups: exact region, default-region fallback, case-insensitive, spot', () => {
  const m5 = lookupInstance(table, 'aws', 'us-east-1', 'm5.large')!;
  assert.equal(m5.usdPerHour, 0.096);
  assert.equal(m5.exactRegion, true);
  assert.deepEqual(m5.spec, { vcpu: 2, memoryGiB: 8 });
  const eu = lookupInstance(table, 'aws', 'eu-west-1', 'm5.large')!;
  assert.ok(eu.usdPerHour > m5.usdPerHour, 'Ireland costs more than Virginia');
  const far = lookupInstance(table, 'aws', 'ap-south-2', 'm5.large')!;
  assert.equal(far.exactRegion, false);
  assert.equal(far.region, 'us-east-1');
  const az = lookupInstance(table, 'azure', 'EastUS', 'standard_d4s_v3')!;
  assert.equal(az.instanceType, 'Standard_D4s_v3');
  assert.equal(az.exactRegion, true);
  const spot = lookupInstance(table, 'gcp', 'us-central1', 'n2-standard-4', true)!;
  assert.equal(spot.onDemandUsdPerHour, 0.194236);
  assert.ok(Math.abs(spot.usdPerHour - 0.194236 * table.clouds.gcp!.spotMultiplier!) < 1e-12);
  assert.equal(lookupInstance(table, 'aws', 'us-east-1', 'nonexistent.type'), undefined);
});

test('per-core and per-GiB fallback reproduces a GCP n2 list price', () => {
  assert.ok(Math.abs(coreMemoryPrice(table, 'gcp', 2, 8) - 0.097118) < 1e-6);
  assert.equal(coreMemoryPrice(table, undefined, 1, 1), table.fallback.perCoreHour + table.fallback.perGiBHour);
});

test('overrides merge field by field and are validated', () => {
  const merged = mergePrices(table, {
    asOf: '2025-01-01', source: 'my negotiated prices',
    clouds: { aws: { regions: { 'us-east-1': { 'm5.large': 0.05 }, 'eu-north-1': { 'm5.large': 0.09 } }, spotMultiplier: 0.5 } },
  });
  assert.equal(lookupInstance(merged, 'aws', 'us-east-1', 'm5.large')!.usdPerHour, 0.05);
  assert.equal(lookupInstance(merged, 'aws', 'us-east-1', 'm5.xlarge')!.usdPerHour, 0.192, 'other prices kept');
  assert.equal(lookupInstance(merged, 'aws', 'eu-north-1', 'm5.large')!.exactRegion, true);
  assert.equal(lookupInstance(merged, 'aws', 'us-east-1', 'm5.large', true)!.usdPerHour, 0.025);
  assert.equal(merged.asOf, '2025-01-01');
  assert.match(merged.clouds.aws!.source, /negotiated/);
  assert.equal(table.clouds.aws!.regions['us-east-1']!['m5.large'], 0.096, 'base table untouched');
  const custom = mergePrices(table, { clouds: { aws: { instances: { 'x9.huge': { vcpu: 10, memoryGiB: 10 } } } } });
  assert.ok(Math.abs(lookupInstance(custom, 'aws', 'us-east-1', 'x9.huge')!.usdPerHour - (10 * 0.024 + 10 * 0.006)) < 1e-12);
  assert.deepEqual(validateOverrides({}), []);
  assert.ok(validateOverrides({ clouds: { oracle: {} } }).some((p) => /unknown cloud/.test(p)));
  assert.ok(validateOverrides({ clouds: { aws: { regions: { r: { t: -1 } } } } }).some((p) => /≥ 0/.test(p)));
  assert.ok(validateOverrides({ fallback: { perCoreHour: 'cheap' } }).length > 0);
  assert.deepEqual(validateOverrides('x'), ['overrides must be an object']);
  assert.throws(() => mergePrices(table, { clouds: { aws: { perCoreHour: Number.NaN } } }));
});
