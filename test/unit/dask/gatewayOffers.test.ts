// The Gateways the Dask view offers with one click: the one Dask's configuration names, each signed-in hub's service;
// not once added; a malformed Dask config file shown with its line. The real hub's discovery is in the integration tier.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { Emitter } from '../../../src/core/emitter';
import { silentLogger } from '../../../src/core/log';
import { GatewayOffers } from '../../../src/dask/editor/gatewayOffers';
import { DaskTreeProvider, type DaskTreeNode } from '../../../src/dask/editor/daskTree';
import { ClusterService } from '../../../src/dask/editor/clusterService';
import type { HubGateway } from '../../../src/dask/gateway/hubGatewayDiscovery';
import { createFakeVscode, type FakeTreeItem } from '../../support/fakeVscode';

function home(yaml?: string): NodeJS.ProcessEnv {
  const top = mkdtempSync(join(tmpdir(), 'pangeo-offers-'));
  mkdirSync(join(top, '.config', 'dask'), { recursive: true });
  if (yaml !== undefined) writeFileSync(join(top, '.config', 'dask', 'gateway.yaml'), yaml);
  return { HOME: top, DASK_ROOT_CONFIG: join(top, 'no-etc') };
}

function offersWith(env: NodeJS.ProcessEnv, hubs: Array<{ url: string; label: string }> = [], gateways: Record<string, HubGateway | undefined> = {}, known: string[] = []) {
  const changed = new Emitter<void>();
  const asked: string[] = [];
  const offers = new GatewayOffers({
    env: () => env, logger: silentLogger, known: () => known,
    hubs: { list: () => hubs, onDidChange: changed.event },
    hubToken: async () => 'hub-token',
    find: async (o) => {
      const { hubUrl } = o;
      asked.push(`${hubUrl} ${await o.token()}`);
      return gateways[hubUrl];
    },
  });
  return { offers, changed, asked, hubs, known };
}

const HUB = 'https://hub.example.org/';
const found: HubGateway = { url: `${HUB}services/dask-gateway/`, hubUrl: HUB, serviceName: 'dask-gateway', via: 'path', health: 'pass' };

describe('offered Dask Gateways', () => {
  it('offers the gateway DASK_GATEWAY__ADDRESS names, saying where it was set; not once it is added', async () => {
    const env = { ...home(), DASK_GATEWAY__ADDRESS: 'http://proxy-public/services/dask-gateway', DASK_GATEWAY__AUTH__TYPE: 'jupyterhub', JUPYTERHUB_API_TOKEN: 't' };
    const { offers, known } = offersWith(env);
    assert.deepEqual(offers.offers(), [], 'nothing read before the view is shown');
    await offers.update();
    const [offer] = offers.offers();
    assert.equal(offer?.label, 'Dask Gateway proxy-public');
    assert.equal(offer?.detail, 'from your Dask settings (DASK_GATEWAY__ADDRESS)');
    assert.deepEqual(offer?.config, { kind: 'gateway', url: 'http://proxy-public/services/dask-gateway', auth: 'jupyterhub', username: undefined, hubUrl: 'http://proxy-public/', proxyAddress: undefined, publicAddress: undefined, fromDaskConfig: 'DASK_GATEWAY__ADDRESS' });
    assert.equal(JSON.stringify(offer).includes('"t"'), false, 'the token is not part of the offer');
    known.push(offer.id);
    assert.deepEqual(offers.offers(), []);
  });

  it('offers each signed-in hub\'s gateway service, asks each hub once (again on refresh), and forgets a hub signed out of', async () => {
    const { offers, changed, asked, hubs } = offersWith(home(), [{ url: HUB, label: 'hub.example.org' }, { url: 'https://other.org/', label: 'other.org' }], { [HUB]: found });
    await offers.update();
    assert.deepEqual(offers.offers().map((o) => [o.label, o.detail, o.config]), [[
      'Dask Gateway of hub.example.org', 'the hub\'s dask-gateway service, with your hub sign-in',
      { kind: 'gateway', url: `${HUB}services/dask-gateway/`, auth: 'jupyterhub', hubUrl: HUB },
    ]]);
    assert.deepEqual(asked, [`${HUB} hub-token`, 'https://other.org/ hub-token']);
    let redraws = 0;
    offers.onDidChange(() => redraws++);
    changed.fire();
    await offers.update();
    assert.equal(asked.length, 2, 'a hub already asked is not asked again on every change');
    assert.equal(redraws, 0, 'nothing changed: the view is not redrawn on each poll of the hubs');
    await offers.update(true);
    assert.equal(asked.length, 4, 'refresh asks again');
    hubs.splice(0, 1);
    await offers.update();
    assert.deepEqual(offers.offers(), []);
  });

  it('a malformed Dask config file is shown as a problem naming file and line; an unknown auth type names what is supported', async () => {
    const env = home('gateway:\n  address: http://gw\n\tauth: x\n');
    const { offers } = offersWith(env);
    await offers.update();
    assert.deepEqual(offers.offers(), []);
    assert.match(offers.problem()?.message ?? '', new RegExp(`${join(env.HOME!, '.config', 'dask', 'gateway.yaml').replace(/\./g, '\\.')}:3:1 is malformed: Tabs are not allowed`));
    const kerberos = offersWith({ ...home('gateway:\n  address: http://gw\n  auth:\n    type: kerberos\n') });
    await kerberos.offers.update();
    assert.match(kerberos.offers.problem()?.message ?? '', /Unsupported Dask Gateway auth type "kerberos"/);
    assert.match(kerberos.offers.problem()?.hint ?? '', /Supported: jupyterhub, basic/);
  });

  it('the tree shows offers (one click adds: the item runs pangeo.dask.addOfferedGateway) and the problem under the providers', async () => {
    const { vs } = createFakeVscode();
    const { offers } = offersWith(home(), [{ url: HUB, label: 'hub.example.org' }], { [HUB]: found });
    await offers.update();
    const service = new ClusterService({ providers: () => [], logger: silentLogger, pollMs: () => 5000, maxPollMs: 60_000 });
    const tree = new DaskTreeProvider(vs, service, offers);
    const roots = await tree.getChildren();
    const offerNode = roots.find((n): n is Extract<DaskTreeNode, { kind: 'offer' }> => n.kind === 'offer');
    assert.ok(offerNode);
    const item = tree.getTreeItem(offerNode) as unknown as FakeTreeItem & { command?: vscode.Command };
    assert.equal(item.label, 'Add Dask Gateway of hub.example.org');
    assert.equal(item.contextValue, 'daskGatewayOffer');
    assert.equal(item.command?.command, 'pangeo.dask.addOfferedGateway');
    assert.deepEqual(item.command?.arguments, [offerNode]);
    tree.dispose();
    service.dispose();
  });
});
