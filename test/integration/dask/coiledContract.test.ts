// CONTRACT tests: the Coiled provider against test/support/coiledServer, which follows the documented /api/v2 calls.
// They prove our requests and parsing match the contract; they do not prove anything about the real Coiled service.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CoiledProvider } from '../../../src/dask/coiled/coiledProvider';
import { isPangeoError } from '../../../src/core/http/errors';
import { redact } from '../../../src/core/http/redact';
import type { Logger } from '../../../src/core/log';
import { startCoiledContractServer, type CoiledContractServer } from '../../support/coiledServer/coiledServer';

async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Coiled provider (contract server)', () => {
  let server: CoiledContractServer;
  const lines: string[] = [];
  const logger: Logger = { trace: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  const provider = () => new CoiledProvider({ server: server.url, token: server.token, workspace: server.workspace, logger });

  before(async () => {
    server = await startCoiledContractServer({ maxPageSize: 2 });
  });
  after(async () => {
    await server?.close();
  });

  it('contract: create sends the documented body with the ApiToken header; a second create with the same name is "existing"', async () => {
    const p = provider();
    const c = await p.create({ name: 'xr-demo', workers: 2, worker_vm_types: 'm6i.xlarge, m5.xlarge', region: 'us-west-2', spot_policy: 'spot_with_fallback' });
    const sent = server.clusters.get(Number(c.id))!.request;
    assert.deepEqual(sent.worker_instance_types, ['m6i.xlarge', 'm5.xlarge']);
    assert.deepEqual(sent.scheduler_instance_types, ['m6i.large']);
    assert.deepEqual(sent.options, { region_name: 'us-west-2', spot_policy: 'spot_with_fallback' });
    assert.equal(sent.workers, 2);
    assert.ok(server.requests.includes(`POST /api/v2/clusters/account/${server.workspace}/`));
    await until(async () => (await p.get(c.id)).status === 'running' && (await p.get(c.id)).workers === 2);
    const again = await p.create({ name: 'xr-demo' });
    assert.equal(again.id, c.id, 'Coiled returns the existing cluster for the same name');
    await assert.rejects(p.create({ spot_policy: 'cheap' }), (e: unknown) => isPangeoError(e, 'InvalidInput'));
  });

  it('contract: list pages with limit/offset until an empty page', async () => {
    const p = provider();
    for (const name of ['a', 'b', 'c', 'd']) await p.create({ name, workers: 0 });
    server.requests.length = 0;
    const listed = await p.list();
    assert.deepEqual(listed.map((c) => c.name).sort(), ['a', 'b', 'c', 'd', 'xr-demo']);
    // limit=100 asked, the server caps pages at 2: 5 clusters → offsets 0, 2, 4, then 5 comes back empty.
    const pages = server.requests.filter((r) => r.startsWith('GET /api/v2/clusters/account/'));
    assert.deepEqual(pages.map((r) => new URL(`http://x${r.slice(4)}`).searchParams.get('offset')), ['0', '2', '4', '5']);
    assert.match(pages[0]!, /limit=100&offset=0/);
  });

  it('contract: scale up POSTs n_workers, scale down DELETEs ?name=… of the newest workers; stop DELETEs the cluster', async () => {
    const p = provider();
    const c = (await p.list()).find((x) => x.name === 'xr-demo')!;
    server.requests.length = 0;
    await p.scale(c.id, 4);
    assert.ok(server.requests.includes(`POST /api/v2/workers/account/${server.workspace}/cluster/${c.id}/`));
    await until(async () => (await p.get(c.id)).workers === 4);
    const workers = await p.workers(c.id);
    await p.scale(c.id, 1);
    const del = server.requests.find((r) => r.startsWith(`DELETE /api/v2/workers/account/${server.workspace}/cluster/${c.id}/?`))!;
    const names = new URL(`http://x${del.slice('DELETE '.length)}`).searchParams.getAll('name');
    assert.deepEqual(names, workers.slice(1).map((w) => w.name), 'the three newest workers are named');
    await until(async () => (await p.workers(c.id)).length === 1);

    const info = await p.connectionInfo(c.id);
    assert.match(info.clientCode, /coiled\.Cluster\(name="xr-demo", workspace="pangeo-lab"\)/);
    assert.match(info.dashboardUrl!, /status\?token=/);
    const token = server.clusters.get(Number(c.id))!.dashboardToken;
    assert.ok(!redact(`opening ${info.dashboardUrl}`).includes(token), 'the dashboard token is redacted in logs');
    await assert.rejects(p.adapt(), /adaptively from Python/);

    await p.stop(c.id);
    assert.ok(server.requests.includes(`DELETE /api/v2/clusters/account/${server.workspace}/id/${c.id}`));
    await until(async () => !(await p.list()).some((x) => x.id === c.id));
    await assert.rejects(p.scale(c.id, 2), (e: unknown) => isPangeoError(e, 'Conflict') && /stopped/.test((e as Error).message));
    const tlsKey = server.clusters.get(Number(c.id))!.tlsKey;
    assert.ok(!lines.join('\n').includes(tlsKey) && !lines.join('\n').includes(server.token), 'no secret in the log');
  });

  it('contract: a bad token is 401 (Unauthorized), another workspace is 403 (Forbidden), an unknown id is 404', async () => {
    const bad = new CoiledProvider({ server: server.url, token: 'wrong-token', workspace: server.workspace });
    await assert.rejects(bad.list(), (e: unknown) => isPangeoError(e, 'Unauthorized') && /Invalid token/.test((e as Error).message));
    const other = new CoiledProvider({ server: server.url, token: server.token, workspace: 'someone-else' });
    await assert.rejects(other.list(), (e: unknown) => isPangeoError(e, 'Forbidden') && /someone-else/.test((e as Error).message));
    await assert.rejects(provider().get('99999'), (e: unknown) => isPangeoError(e, 'NotFound'));
    await assert.rejects(provider().get('not-a-number'), (e: unknown) => isPangeoError(e, 'InvalidInput'));
  });
});
