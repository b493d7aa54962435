// A hub server started with a KubeSpawner profile has only {"profile": "<slug>"} in user_options: it is sized from the
// profile's text on the spawn page (read when the form was), priced by a $/h set for the hub's profile, or unpriced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hubServerBillables } from '../../../src/cost/editor/billables';
import { rememberProfiles } from '../../../src/hubs/profileCatalog';
import { parseOptionsForm } from '../../../src/hubs/optionsForm';
import { CostMeter } from '../../../src/cost/costMeter';
import { defaultPriceTable } from '../../../src/cost/priceTable';
import { decodeResourceId } from '../../../src/shared/resourceIds';
import type { HubRegistry } from '../../../src/hubs/hubRegistry';
import { MemoryStore } from '../../../src/core/keyValueStore';

const HUB = 'https://hub.example.org/';
const form = parseOptionsForm(readFileSync(join(__dirname, '../../fixtures/optionsForms/kubespawner-spawn-page.html'), 'utf8'));
const [small, gpu] = form.profiles.map((p) => p.slug) as [string, string];

function hubsWith(servers: Array<{ name: string; profile: string }>): HubRegistry {
  return {
    readyServers: () => servers.map((s) => ({
      hubId: HUB, hubLabel: 'hub.example.org', user: 'ana',
      server: { name: s.name, state: 'ready', url: `${HUB}user/ana/${s.name}`, userOptions: { profile: s.profile } },
      client: undefined,
    })),
  } as unknown as HubRegistry;
}

test('profile servers: sized from the profile text, priced by the hub-profile setting, else unpriced', async () => {
  const servers = [{ name: '', profile: small }, { name: 'gpu', profile: gpu }, { name: 'other', profile: 'custom' }];
  const prices = { 'https://hub.example.org': { custom: 1.25 } };
  const source = hubServerBillables(hubsWith(servers), () => prices);

  const before = await source.list();
  assert.equal(before[0]!.resource.kind === 'server' && before[0]!.resource.cores, undefined, 'nothing known before the form was read');

  rememberProfiles(HUB, form.profiles); // what getOptionsForm does when the spawn page is read
  const billables = await source.list();
  const meter = new CostMeter({ table: defaultPriceTable, store: new MemoryStore(), sources: [{ list: async () => billables }] });
  const { snapshot } = await meter.tick(Date.now());
  const by = (name: string) => snapshot.resources.find((r) => r.ref?.kind === 'server' && r.ref.serverName === name)!;
  assert.deepEqual(decodeResourceId(by('gpu').id), { kind: 'server', hubId: HUB, serverName: 'gpu' });
  assert.match(by('').rate.lines[0]!.what, /server 2 cores 8 GiB/);
  assert.ok(by('').usdPerHour > 0 && !by('').unpriced);
  assert.match(by('gpu').rate.lines[0]!.what, /server 16 cores 64 GiB/);
  assert.equal(by('other').usdPerHour, 1.25);
  assert.equal(by('other').rate.lines[0]!.basis, 'profile');

  const unknown = hubServerBillables(hubsWith([{ name: 'x', profile: 'not-on-the-page' }]));
  const lone = new CostMeter({ table: defaultPriceTable, store: new MemoryStore(), sources: [unknown] });
  const r = (await lone.tick(Date.now())).snapshot.resources[0]!;
  assert.equal(r.unpriced, true);
  assert.equal(r.usdPerHour, 0);
});

test('a hub on this machine: an explicit $/h for its profile wins over "runs on this machine"', async () => {
  const local = 'http://127.0.0.1:8000/';
  const hubs = {
    readyServers: () => [{
      hubId: local, hubLabel: '127.0.0.1', user: 'demo',
      server: { name: '', state: 'ready', url: `${local}user/demo/`, userOptions: { profile: 'priced' } },
      client: undefined,
    }, {
      hubId: local, hubLabel: '127.0.0.1', user: 'demo',
      server: { name: 'free', state: 'ready', url: `${local}user/demo/free`, userOptions: { profile: 'other' } },
      client: undefined,
    }],
  } as unknown as HubRegistry;
  const source = hubServerBillables(hubs, () => ({ 'http://127.0.0.1:8000': { priced: 2.5 } }));
  const meter = new CostMeter({ table: defaultPriceTable, store: new MemoryStore(), sources: [source] });
  const { snapshot } = await meter.tick(Date.now());
  const by = (name: string) => snapshot.resources.find((r) => r.ref?.kind === 'server' && r.ref.serverName === name)!;
  assert.equal(by('').usdPerHour, 2.5);
  assert.equal(by('').rate.lines[0]!.basis, 'profile');
  assert.equal(by('').rate.source, 'your price for this hub profile');
  assert.equal(by('free').usdPerHour, 0, 'an unpriced profile on this machine still costs $0');
  assert.equal(by('free').unpriced, undefined);
});
