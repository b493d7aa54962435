// The editor's provider list: configs in a key/value store, secrets apart, Gateway auth reusing the hub sign-in.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderStore, secretKey } from '../../../src/dask/editor/providerStore';
import { hubOfGateway } from '../../../src/dask/gateway/gatewayAuth';
import { MemoryStore } from '../../../src/core/keyValueStore';
import type { GatewayProvider } from '../../../src/dask/gateway/gatewayProvider';
import { silentLogger } from '../../../src/core/log';
import { daskDashboardSources } from '../../../src/dashboard/editor/daskDashboardSources';
import { encodeResourceId } from '../../../src/shared/resourceIds';
import { ClusterService } from '../../../src/dask/editor/clusterService';

function secrets() {
  const m = new Map<string, string>();
  return {
    map: m,
    get: async (k: string) => m.get(k),
    store: async (k: string, v: string) => void m.set(k, v),
    delete: async (k: string) => void m.delete(k),
  };
}

describe('Dask provider store', () => {
  it('keeps configs and secrets apart, reuses the hub token for a hub-service Gateway, merges scheduler addresses', async () => {
    const s = secrets();
    const hubCalls: string[] = [];
    let hubToken: string | undefined = 'hub-token-abcdef';
    const state = new MemoryStore();
    const store = new ProviderStore({
      state, secrets: s, logger: silentLogger, clustersDir: mkdtempSync(join(tmpdir(), 'pangeo-ps-')), daskCommand: () => undefined,
      hubTokenFor: async (gateway, hub) => {
        hubCalls.push(`${gateway} ${hub}`);
        return hubToken;
      },
    });
    assert.deepEqual(store.providers().map((p) => p.id), ['local']);

    const url = 'https://hub.example.org/jhub/services/dask-gateway/';
    await store.add({ kind: 'gateway', url, auth: 'jupyterhub', hubUrl: hubOfGateway(url) }, 'pasted-token-123456');
    await store.add({ kind: 'gateway', url: 'https://gw.example.org/', auth: 'basic', username: 'ann' }, 'pw-123456');
    await store.add({ kind: 'scheduler', url: 'http://10.0.0.1:8787/' });
    await store.add({ kind: 'scheduler', url: 'http://10.0.0.2:8787/' });
    // The same scheduler by another form of its address is one entry, and is known as attached.
    await store.add({ kind: 'scheduler', url: 'http://10.0.0.2:8787/status' });
    await store.add({ kind: 'scheduler', url: 'http://10.0.0.2:8787' });
    assert.deepEqual(store.schedulerAddresses(), ['http://10.0.0.1:8787/', 'http://10.0.0.2:8787/']);
    assert.equal(store.configs().filter((c) => c.kind === 'scheduler').length, 2);
    assert.ok(store.hasSchedulerAddress('http://10.0.0.2:8787/status'));
    assert.deepEqual(store.providers().map((p) => p.id), ['local', `gateway:${url}`, 'gateway:https://gw.example.org/', 'scheduler']);
    assert.ok(!JSON.stringify(state.get('pangeo.dask.providers')).includes('pasted-token'), 'no secret in globalState');
    assert.equal(s.map.get(secretKey(`gateway:${url}`)), 'pasted-token-123456');

    const hubGw = store.provider(`gateway:${url}`) as GatewayProvider;
    assert.equal(await hubGw.client.http.authorizationHeader(), 'jupyterhub hub-token-abcdef');
    assert.deepEqual(hubCalls, [`${url} https://hub.example.org/jhub/`]);
    hubToken = undefined;
    assert.equal(await hubGw.client.http.authorizationHeader(), 'jupyterhub pasted-token-123456', 'falls back to the stored token');
    const basic = store.provider('gateway:https://gw.example.org/') as GatewayProvider;
    assert.equal(await basic.client.http.authorizationHeader(), `Basic ${Buffer.from('ann:pw-123456').toString('base64')}`);
    assert.equal(store.provider('scheduler'), store.provider('scheduler'), 'providers are cached (polling state survives)');

    await store.remove(`gateway:${url}`);
    assert.equal(s.map.has(secretKey(`gateway:${url}`)), false, 'removing a provider deletes its secret');
    await store.detach('scheduler', 'http://10.0.0.1:8787/');
    assert.ok(store.provider('scheduler'));
    await store.remove('scheduler');
    assert.deepEqual(store.providers().map((p) => p.id), ['local', 'gateway:https://gw.example.org/']);
    store.dispose();
  });

  it('knows the hub of a Gateway that is a hub service', () => {
    assert.equal(hubOfGateway('https://h.org/services/dask-gateway/'), 'https://h.org/');
    assert.equal(hubOfGateway('https://h.org/jhub/services/dask-gateway'), 'https://h.org/jhub/');
    assert.equal(hubOfGateway('https://gateway.h.org/'), undefined);
  });
});

describe('dashboard sources for the panel', () => {
  it('resolves tree nodes and saved ids (also as earlier versions saved them, colons on both sides) to targets with connection and scale', async () => {
    const store = new ProviderStore({
      state: new MemoryStore(), secrets: secrets(), logger: silentLogger, clustersDir: mkdtempSync(join(tmpdir(), 'pangeo-ds-')), daskCommand: () => undefined,
    });
    await store.add({ kind: 'gateway', url: 'https://gw.example.org/', auth: 'none' });
    await store.add({ kind: 'scheduler', url: 'http://10.0.0.1:8787/' });
    const service = new ClusterService({ providers: () => store.providers(), logger: silentLogger });
    const sources = daskDashboardSources(service, store);
    const gwId = encodeResourceId({ kind: 'cluster', providerId: 'gateway:https://gw.example.org/', clusterId: 'ns.abc' });
    const gw = await sources.resolve(gwId);
    assert.equal(gw?.id, gwId);
    assert.equal((await sources.resolve('dask:gateway:https://gw.example.org/:ns.abc'))?.id, gwId, 'a panel saved by an earlier version');
    assert.equal(typeof gw?.scale, 'function');
    assert.equal(typeof gw?.adapt, 'function');
    const sched = await sources.resolve('dask:scheduler:http://10.0.0.1:8787/');
    assert.equal(sched?.name, 'http://10.0.0.1:8787/');
    assert.equal(sched?.id, encodeResourceId({ kind: 'cluster', providerId: 'scheduler', clusterId: 'http://10.0.0.1:8787/' }));
    assert.equal(typeof sched?.adapt, 'undefined', 'an attached scheduler cannot adapt');
    const node = await sources.resolve({ kind: 'cluster', providerId: 'local', cluster: { id: 'local-1' } });
    assert.equal(node?.id, encodeResourceId({ kind: 'cluster', providerId: 'local', clusterId: 'local-1' }));
    assert.equal(await sources.resolve({ kind: 'cluster', providerId: 'nope', clusterId: 'x' }), undefined);
    assert.equal(await sources.resolve('http://x/'), undefined);
    store.dispose();
  });
});
