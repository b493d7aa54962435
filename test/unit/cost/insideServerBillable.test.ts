// The server this editor runs inside is sized from its spawner's CPU_LIMIT/MEM_LIMIT and priced like any other: its
// hub's internal address on loopback (127.0.0.1:8081 on a cloud VM) does not make it "this machine, $0".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hubServerBillables } from '../../../src/cost/editor/billables';
import { insideHubFromEnv } from '../../../src/hubs/insideHub';
import { thisServer } from '../../../src/hubs/insideHubServers';
import { rateFor } from '../../../src/cost/rate';
import { defaultPriceTable } from '../../../src/cost/priceTable';
import type { HubRegistry } from '../../../src/hubs/hubRegistry';

const ENV = {
  JUPYTERHUB_API_TOKEN: 't', JUPYTERHUB_USER: 'alice', JUPYTERHUB_SERVER_NAME: '', JUPYTERHUB_API_URL: 'http://127.0.0.1:8081/hub/api',
  JUPYTERHUB_SERVICE_URL: 'http://127.0.0.1:40000/user/alice/', MEM_LIMIT: '8589934592', CPU_LIMIT: '2.0',
};

function registry(hubId: string, label: string, server = thisServer(insideHubFromEnv(ENV)!)): HubRegistry {
  return { readyServers: () => [{ hubId, hubLabel: label, user: 'alice', server, client: undefined }] } as unknown as HubRegistry;
}

test('this server: "2 CPU · 8 GiB" from the environment, priced by cores and memory, not free', async () => {
  const inside = insideHubFromEnv(ENV)!;
  const [billable] = await hubServerBillables(registry(inside.id, "this server's hub"), () => undefined, inside).list();
  const r = billable!.resource;
  assert.equal(r.kind, 'server');
  assert.equal(r.label, "this server (2 CPU · 8 GiB) @ this server's hub");
  assert.ok(r.kind === 'server' && r.cores === 2 && r.memoryGiB === 8);
  assert.notEqual(r.cloud, 'local');
  const rate = rateFor(r, defaultPriceTable());
  assert.ok(rate.usdPerHour > 0 && !rate.unpriced, JSON.stringify(rate));
});

test('a public address on loopback is this machine ($0); other servers of the hub are not sized from this env', async () => {
  const local = insideHubFromEnv({ ...ENV, JUPYTERHUB_PUBLIC_HUB_URL: 'http://127.0.0.1:8000/hub/' })!;
  const [b] = await hubServerBillables(registry(local.id, '127.0.0.1:8000'), () => undefined, local).list();
  assert.equal(b!.resource.cloud, 'local');
  const inside = insideHubFromEnv(ENV)!;
  const other = { name: 'gpu', state: 'ready' as const, url: undefined, userOptions: {} };
  const [o] = await hubServerBillables(registry(inside.id, 'x', other), () => undefined, inside).list();
  assert.ok(o!.resource.kind === 'server' && o!.resource.cores === undefined);
});
