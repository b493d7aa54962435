// Pure pieces of the Dask core: adaptive policy, credentials discovery, auth headers, client code, small helpers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdaptiveFollower, AdaptivePolicy } from '../../../src/dask/adaptiveFollower';
import { coiledConfigPaths, findCoiledCredentials } from '../../../src/dask/coiled/coiledCredentials';
import { gatewayAuthFromEnv, gatewayAuthHeader, hubServiceGatewayUrl } from '../../../src/dask/gateway/gatewayAuth';
import { pythonClientCode } from '../../../src/dask/clientCode';
import { describeSize, formatAge, formatBytes } from '../../../src/dask/clusterProvider';
import { normalizeDashboardRoot, sizeFromIdentity } from '../../../src/dask/scheduler/schedulerHttp';
import { resolveDaskCommand } from '../../../src/dask/local/daskExecutable';
import { LocalClusterRegistry, localClustersFile } from '../../../src/dask/local/localClusterRegistry';
import { JsonFileStore } from '../../../src/core/keyValueStore';
import { redact } from '../../../src/core/http/redact';

describe('adaptive policy (as distributed Adaptive: up at once, down after 3 votes)', () => {
  it('clamps to the bounds, scales up immediately and down only after three consecutive lower targets', () => {
    const p = new AdaptivePolicy({ minimum: 1, maximum: 4 });
    assert.equal(p.decide(1, 10), 4);
    assert.equal(p.decide(4, 0), undefined);
    assert.equal(p.decide(4, 0), undefined);
    assert.equal(p.decide(4, 0), 1);
    assert.equal(p.decide(1, 0), undefined, 'already at the minimum');
    assert.equal(p.decide(2, 1), undefined);
    assert.equal(p.decide(2, 2), undefined, 'a matching target resets the votes');
    assert.equal(p.decide(2, 1), undefined);
    assert.throws(() => new AdaptivePolicy({ minimum: 3, maximum: 1 }), RangeError);
  });

  it('the follower scales through its source and stops when told the cluster is gone', async () => {
    let current = 0;
    const seen: number[] = [];
    const f = new AdaptiveFollower({
      current: async () => current,
      target: async () => 3,
      scaleTo: async (n) => {
        seen.push(n);
        current = n;
      },
    }, { minimum: 0, maximum: 2 }, { intervalMs: 5 });
    assert.equal(await f.step(), 2);
    assert.equal(await f.step(), undefined);
    assert.deepEqual(seen, [2]);
    let fail = true;
    const g = new AdaptiveFollower({ current: async () => { if (fail) throw new Error('gone'); return 0; }, target: async () => 0, scaleTo: async () => undefined },
      { minimum: 0, maximum: 1 }, { intervalMs: 5, onError: () => false }).start();
    await g.done;
    assert.equal(g.active, false);
    fail = false;
  });
});

describe('Coiled credentials import (pure)', () => {
  const yaml = 'coiled:\n  token: abc-123-token\n  workspace: my-lab\n  server: https://cloud.coiled.io/\n';
  const reader = (files: Record<string, string>) => (p: string) => {
    if (p in files) return files[p]!;
    throw new Error('ENOENT');
  };

  it('reads ~/.config/dask/coiled.yaml; env wins over the file; nothing found → undefined', () => {
    const paths = coiledConfigPaths({}, '/home/u');
    assert.deepEqual(paths, ['/home/u/.config/dask/coiled.yaml']);
    const fromFile = findCoiledCredentials({}, paths, reader({ '/home/u/.config/dask/coiled.yaml': yaml }));
    assert.deepEqual(fromFile, { token: 'abc-123-token', workspace: 'my-lab', server: 'https://cloud.coiled.io', source: '/home/u/.config/dask/coiled.yaml' });
    const fromEnv = findCoiledCredentials({ DASK_COILED__TOKEN: 'env-token-xyz', DASK_COILED__ACCOUNT: 'acct' }, paths, reader({ '/home/u/.config/dask/coiled.yaml': yaml }));
    assert.equal(fromEnv?.token, 'env-token-xyz');
    assert.equal(fromEnv?.workspace, 'acct');
    assert.equal(fromEnv?.source, 'DASK_COILED__TOKEN');
    assert.equal(findCoiledCredentials({}, paths, reader({})), undefined);
    assert.equal(findCoiledCredentials({}, paths, reader({ '/home/u/.config/dask/coiled.yaml': ': not yaml [' })), undefined);
    assert.deepEqual(coiledConfigPaths({ DASK_CONFIG: '/etc/dask' }, '/h'), ['/etc/dask/coiled.yaml', '/h/.config/dask/coiled.yaml']);
  });
});

describe('Dask Gateway auth', () => {
  it('builds jupyterhub and Basic headers, and finds credentials in the environment like the Python client', async () => {
    assert.equal(await gatewayAuthHeader({ type: 'jupyterhub', token: () => 'hub-token-1234' }), 'jupyterhub hub-token-1234');
    assert.equal(await gatewayAuthHeader({ type: 'basic', username: 'ann', password: 'pw-secret-9' }), `Basic ${Buffer.from('ann:pw-secret-9').toString('base64')}`);
    assert.ok(!redact('password pw-secret-9').includes('pw-secret-9'), 'a used password is registered as a secret');
    await assert.rejects(gatewayAuthHeader({ type: 'jupyterhub', token: () => undefined }), /No JupyterHub API token/);
    assert.equal(gatewayAuthFromEnv({ JUPYTERHUB_API_TOKEN: 't' }).type, 'jupyterhub');
    assert.deepEqual(gatewayAuthFromEnv({ DASK_GATEWAY__AUTH__TYPE: 'basic', DASK_GATEWAY__AUTH__KWARGS__USERNAME: 'u', DASK_GATEWAY__AUTH__KWARGS__PASSWORD: 'p' }),
      { type: 'basic', username: 'u', password: 'p' });
    assert.equal(gatewayAuthFromEnv({}).type, 'none');
    assert.throws(() => gatewayAuthFromEnv({ DASK_GATEWAY__AUTH__TYPE: 'kerberos' }), /Unsupported/);
    assert.equal(hubServiceGatewayUrl('https://hub.example.org/jhub'), 'https://hub.example.org/jhub/services/dask-gateway/');
  });
});

describe('client code and small helpers', () => {
  it('writes Python that connects without carrying secrets', () => {
    assert.equal(pythonClientCode({ kind: 'address', address: 'tcp://127.0.0.1:8786' }), 'from dask.distributed import Client\nclient = Client("tcp://127.0.0.1:8786")\nclient');
    const gw = pythonClientCode({ kind: 'gateway', gatewayUrl: 'https://h/services/dask-gateway', clusterName: 'ns.abc', auth: 'jupyterhub' });
    assert.match(gw, /Gateway\("https:\/\/h\/services\/dask-gateway", auth="jupyterhub"\)\ncluster = gateway\.connect\("ns\.abc"\)/);
    assert.match(pythonClientCode({ kind: 'coiled', clusterName: 'c"1' }), /name="c\\"1"/, 'names are quoted safely');
  });

  it('formats sizes and ages; normalizes dashboard URLs; sums identity workers', () => {
    assert.equal(formatBytes(3 * 2 ** 30), '3.0 GiB');
    assert.equal(describeSize({ workers: 1, threads: 2, memory: 512 * 2 ** 20 }), '1 worker · 2 threads · 512 MiB');
    assert.equal(formatAge(1000, 1000 + 125 * 60_000), '2 h 5 min');
    assert.equal(normalizeDashboardRoot('http://h:8787/status'), 'http://h:8787/');
    assert.equal(normalizeDashboardRoot('https://g/services/dask-gateway/clusters/x/status?x=1'), 'https://g/services/dask-gateway/clusters/x/');
    assert.equal(normalizeDashboardRoot('http://h:8787'), 'http://h:8787/');
    const size = sizeFromIdentity({ type: 'Scheduler', id: 's', address: 'tcp://a', started: 10.5, workers: {
      'tcp://w1': { name: 'w1', nthreads: 2, memory_limit: 100, metrics: {} }, 'tcp://w2': { name: 2, nthreads: 1, memory_limit: 50, metrics: {} } } });
    assert.deepEqual(size, { workers: 2, threads: 3, memory: 150, startedAt: 10500 });
  });

  it('picks the dask command: configured, /usr/bin/dask, PATH, or bare', () => {
    assert.equal(resolveDaskCommand('/opt/env/bin/dask', {}, () => true), '/opt/env/bin/dask');
    assert.equal(resolveDaskCommand(undefined, { PATH: '/a:/b' }, (p) => p === '/usr/bin/dask'), '/usr/bin/dask');
    assert.equal(resolveDaskCommand(undefined, { PATH: '/a:/b' }, (p) => p === '/b/dask'), '/b/dask');
    assert.equal(resolveDaskCommand(undefined, { PATH: '/a' }, () => false), 'dask');
  });

  it('keeps the local cluster registry in a JSON state file (XDG_STATE_HOME) that another process can read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pangeo-state-'));
    try {
      const file = localClustersFile({ XDG_STATE_HOME: dir });
      assert.equal(file, join(dir, 'pangeo-compute', 'local-clusters.json'));
      const a = new LocalClusterRegistry(new JsonFileStore(file));
      const rec = { id: 'local-1', name: 'local-1', daskCommand: 'dask', host: '127.0.0.1', schedulerPort: 1, dashboardPort: 2, schedulerPid: 3,
        workers: [], nextWorkerIndex: 1, threadsPerWorker: 1, memoryLimit: 'auto', createdAt: 0, dir: '/tmp/x' };
      await a.put(rec);
      const b = new LocalClusterRegistry(new JsonFileStore(file));
      assert.deepEqual(b.list(), [rec]);
      await b.modify('local-1', (r) => (r.workers = [{ name: 'w', pid: 9 }]));
      assert.equal(a.get('local-1')!.workers.length, 1);
      await a.remove('local-1');
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { 'pangeo.dask.localClusters': [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
