// Loads the payloads recorded from a real Dask 2022.12 scheduler under load (test/fixtures/scheduler/README.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MetricsPage, readMetricsPage } from '../../../src/dashboard/metrics/metricsPage';
import { IdentityWorkerEntry, readIdentityWorkers } from '../../../src/dask/scheduler/identityWorkers';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'scheduler');
export type Phase = 'start' | 'middle' | 'end' | 'released';

export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

export function metricsAt(phase: Phase): MetricsPage {
  return readMetricsPage(fixtureText(`metrics-${phase}.txt`));
}

export function identityAt(phase: Phase): unknown {
  return JSON.parse(fixtureText(`identity-${phase}.json`));
}

export function workersAt(phase: Phase): IdentityWorkerEntry[] {
  const r = readIdentityWorkers(identityAt(phase));
  if (r.kind !== 'ok') throw new Error(`fixture identity-${phase}.json: ${r.reason}`);
  return r.value;
}
