// Applying a preset for real: a JupyterHub (Debian's, started for the test) gets a named server with the preset's
// profile and options, a local Dask cluster of the preset's size starts, the budget and settings are written.
// A preset whose hub is unreachable changes nothing: no server, no cluster, no settings file.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPreset, type StepImplementations } from '../../../src/presets/applyPreset';
import { hubSteps, daskClusterStep, CLUSTER_KEY, SERVER_KEY, SERVER_REF_KEY } from '../../../src/presets/hubAndDaskSteps';
import { budgetStep } from '../../../src/presets/budgetStep';
import { JsonFileSettingsWriter, settingsStep } from '../../../src/presets/settingsWriter';
import { HubClient } from '../../../src/hubs/hubClient';
import type { HubServer } from '../../../src/hubs/hubModels';
import { LocalClusterProvider } from '../../../src/dask/local/localProvider';
import { LocalClusterRegistry } from '../../../src/dask/local/localClusterRegistry';
import { MemoryStore } from '../../../src/core/keyValueStore';
import type { ClusterSummary } from '../../../src/dask/clusterProvider';
import { startTestHub, type TestHub } from '../../support/jupyterhub';
import { daskAvailable, schedulerWorkerCount } from '../../support/dask';
import { freePort } from '../../support/freePort';

const JUPYTERHUB = '/usr/bin/jupyterhub';
const missing = !existsSync(JUPYTERHUB) ? `${JUPYTERHUB} is not installed` : !daskAvailable() ? 'dask (python3-distributed) is not installed' : undefined;

describe('apply a preset against a real JupyterHub and a local Dask cluster', { skip: missing ?? false }, () => {
  let hub: TestHub;
  let dir: string;
  let provider: LocalClusterProvider;
  let aliceToken: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pangeo-apply-'));
    hub = await startTestHub({ users: ['alice'] });
    const admin = new HubClient(hub.url, { token: hub.adminToken });
    aliceToken = (await admin.createToken('alice', { note: 'preset test', expiresInSeconds: 3600 })).token;
    provider = new LocalClusterProvider({ registry: new LocalClusterRegistry(new MemoryStore()), clustersDir: join(dir, 'clusters'), startTimeoutMs: 60_000 });
  });

  after(async () => {
    if (provider) {
      for (const c of await provider.list().catch(() => [])) await provider.stop(c.id).catch(() => undefined);
      provider.dispose?.();
    }
    await hub?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function steps(settingsFile: string): StepImplementations {
    const writer = new JsonFileSettingsWriter(settingsFile);
    return {
      ...hubSteps({ session: async (hubUrl) => ({ client: new HubClient(hubUrl, { token: aliceToken, timeoutMs: 5000, retries: 0 }), user: 'alice' }), spawnTimeoutMs: 60_000 }),
      'create-dask-cluster': daskClusterStep({ provider: async () => provider }),
      'set-budget': budgetStep(writer),
      'apply-settings': settingsStep(writer),
    };
  }

  test('the server runs with the preset\'s user_options, the cluster has its size, budget and settings are set', async () => {
    const settingsFile = join(dir, 'ok', 'settings.json');
    const preset = JSON.stringify({
      version: 1, name: 'Real apply',
      hub: { url: hub.url, serverName: 'course', profile: 'small', userOptions: { image: 'pangeo/pangeo-notebook:2024.11.11', cores: 2 } },
      dask: { provider: 'local', workers: 2, options: { threads_per_worker: 1, memory_limit: '512MiB' } },
      cost: { budget: { amount: 10, period: 'day' }, atLimit: 'stopAll' },
      settings: { 'editor.fontSize': 16 },
    });
    const progress: string[] = [];
    const outcome = await applyPreset(preset, steps(settingsFile), { onProgress: (e) => { if (e.type === 'step-progress') progress.push(e.message); } });
    assert.equal(outcome.status, 'done', outcome.status === 'failed' ? `${outcome.failed.step.kind}: ${outcome.failed.message}` : outcome.status);
    assert.ok(outcome.status === 'done');

    const server = outcome.state[SERVER_KEY] as HubServer;
    assert.equal(server.state, 'ready');
    assert.deepEqual(outcome.state[SERVER_REF_KEY], { kind: 'server', hubId: new HubClient(hub.url).base, serverName: 'course' }, 'later steps find it by hub and name');
    // Read back from the hub itself, not from what the step kept.
    const fromHub = await new HubClient(hub.url, { token: hub.adminToken }).getServer('alice', 'course');
    assert.equal(fromHub.state, 'ready');
    assert.deepEqual(fromHub.userOptions, { profile: 'small', image: 'pangeo/pangeo-notebook:2024.11.11', cores: 2 });
    assert.ok(progress.some((p) => /Signed in as alice/.test(p)));

    const cluster = outcome.state[CLUSTER_KEY] as ClusterSummary;
    assert.ok(cluster.dashboardUrl, 'the cluster has a dashboard');
    assert.equal(await schedulerWorkerCount(`${new URL(cluster.dashboardUrl).origin}/`), 2, 'the scheduler reports the preset\'s worker count');

    const settings: unknown = JSON.parse(readFileSync(settingsFile, 'utf8'));
    assert.deepEqual(settings, { 'pangeo.cost.budget.limitUsd': 10, 'pangeo.cost.budget.period': 'day', 'pangeo.cost.budget.actionAt100': 'stopAll', 'editor.fontSize': 16 });
  });

  test('a preset whose hub is unreachable changes nothing', async () => {
    const settingsFile = join(dir, 'unreachable', 'settings.json');
    const before = (await provider.list()).length;
    const port = await freePort();
    const preset = JSON.stringify({
      version: 1, name: 'Dead hub',
      hub: { url: `http://127.0.0.1:${port}/`, serverName: 'never' },
      dask: { provider: 'local', workers: 1 },
      cost: { budget: { amount: 3, period: 'month' } },
      settings: { 'editor.fontSize': 20 },
    });
    const outcome = await applyPreset(preset, steps(settingsFile));
    assert.ok(outcome.status === 'failed');
    assert.equal(outcome.failed.step.kind, 'sign-in');
    assert.equal(outcome.failed.error && (outcome.failed.error as { kind?: string }).kind, 'Unreachable');
    assert.deepEqual(outcome.completed, []);
    assert.equal((await provider.list()).length, before, 'no cluster was created');
    assert.equal(existsSync(settingsFile), false, 'no settings were written');
  });
});
