// The demo's Ctrl-C: processes carrying its run id (as clusters created in its editor do, detached in their own process
// group) are stopped; Pangeo Compute clusters of other runs or the CLI are listed, never stopped. Real processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { DEMO_RUN_ENV, demoProcesses, otherPangeoClusters, stopDemoLeftovers, stopProcesses } from '../../../scripts/demo/leftovers';
import { CLUSTER_MARKER_ENV } from '../../../src/dask/local/localProcesses';

const linux = existsSync('/proc/self/environ');

/** A detached `sleep` (and a child of it, as a nanny has its worker) with these variables. */
function detachedSleeper(env: Record<string, string>): number {
  const child = spawn('/bin/sh', ['-c', 'sleep 300 & sleep 300'], { env: { ...process.env, ...env }, detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid!;
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !cond();) {
    if (Date.now() > end) assert.fail('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('stopDemoLeftovers stops every process of the run (children too) and nothing of another run or the CLI', { skip: !linux && 'needs /proc' }, async (t) => {
  const run = randomBytes(4).toString('hex');
  const other = randomBytes(4).toString('hex');
  const cluster = `local-${randomBytes(3).toString('hex')}`;
  const cliCluster = `local-${randomBytes(3).toString('hex')}`;
  detachedSleeper({ [DEMO_RUN_ENV]: run, [CLUSTER_MARKER_ENV]: cluster }); // made in the demo's editor
  const foreign = detachedSleeper({ [DEMO_RUN_ENV]: other, [CLUSTER_MARKER_ENV]: cliCluster }); // another run, or the CLI
  t.after(async () => {
    await stopProcesses([...demoProcesses(run), ...demoProcesses(other)].map((p) => p.pid), 100);
  });
  await until(() => demoProcesses(run).length === 3 && demoProcesses(other).length === 3); // sh + 2 × sleep each

  assert.deepEqual([...otherPangeoClusters(run).keys()].filter((id) => id === cliCluster || id === cluster), [cliCluster]);
  assert.equal(otherPangeoClusters(run).get(cliCluster)!.length, 3);

  const stopped = await stopDemoLeftovers(run);
  assert.equal(stopped.length, 3);
  assert.deepEqual(demoProcesses(run), []);
  assert.equal(demoProcesses(other).length, 3, 'another run\'s processes are left alone');
  assert.ok(demoProcesses(other).some((p) => p.pid === foreign));
});
