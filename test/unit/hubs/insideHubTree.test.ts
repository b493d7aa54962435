// The Hubs tree inside a hub server: the hub is signed in from the environment (no sign-in row), "this server" is
// marked and cannot be deleted from here, its children say which kernels notebooks use, and each scope the server
// token lacks is a row naming it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HubService } from '../../../src/hubs/editor/hubService';
import { HubTreeProvider } from '../../../src/hubs/editor/hubTree';
import { HubSessions } from '../../../src/hubs/hubSessions';
import { insideHubFromEnv } from '../../../src/hubs/insideHub';
import { MissingScopeError } from '../../../src/hubs/tokenScopes';
import { MemoryStore } from '../../../src/core/keyValueStore';
import { silentLogger } from '../../../src/core/log';
import { createFakeVscode } from '../../support/fakeVscode';
import { SecretMap } from '../../support/memoryStores';

const inside = insideHubFromEnv({
  JUPYTERHUB_API_TOKEN: 'server-token-bbbb', JUPYTERHUB_USER: 'alice', JUPYTERHUB_SERVER_NAME: '',
  JUPYTERHUB_API_URL: 'http://127.0.0.1:8081/hub/api', JUPYTERHUB_SERVICE_URL: 'http://127.0.0.1:40000/user/alice/',
})!;

type Item = { label: string; description?: string; contextValue: string; tooltip?: string };

function setup() {
  const f = createFakeVscode();
  const sessions = new HubSessions(new MemoryStore(), new SecretMap(), { inside });
  const service = new HubService(f.vs, sessions, silentLogger, () => undefined);
  // As a refresh with the default server token leaves it (the integration test reads this from a real hub).
  const snap = service.snapshot(inside.id)!;
  snap.provisional = false;
  snap.missingScopes = [
    new MissingScopeError('read:servers!user=alice', 'listing your servers (only this one is shown)'),
    new MissingScopeError('delete:servers!user=alice', 'stopping a server from here'),
  ];
  service.loadKernels = async () => [];
  return { f, service, tree: new HubTreeProvider(f.vs, service) };
}

test('the hub is signed in by the server, this server is marked, the missing scopes are named', async (t) => {
  const { service, tree } = setup();
  t.after(() => service.dispose());
  const [hub] = await tree.getChildren();
  assert.equal((tree.getTreeItem(hub!) as unknown as Item).contextValue, 'pangeo.hub.inside');
  const rows = (await tree.getChildren(hub)).map((n) => tree.getTreeItem(n) as unknown as Item);
  assert.deepEqual(rows.map((r) => [r.label, r.description]), [
    ['Default server', 'this server · ready'],
    ['read:servers!user=alice missing', 'needed for listing your servers (only this one is shown)'],
    ['delete:servers!user=alice missing', 'needed for stopping a server from here'],
  ]);
  // Ready actions stay (files, terminal, stop); Delete (…named$) is never offered for this server.
  assert.equal(rows[0]!.contextValue, 'pangeo.server.ready.this');
  assert.match(rows[1]!.tooltip!, /server_token_scopes/);
  assert.deepEqual(service.readyServers().map((s) => [s.server.name, s.server.url]), [['', 'http://127.0.0.1:40000/user/alice/']]);
});

test('this server\'s children say where notebooks run: our kernels on it, or the Jupyter extension\'s local Python', async (t) => {
  const { f, service, tree } = setup();
  t.after(() => service.dispose());
  const [hub] = await tree.getChildren();
  const [server] = await tree.getChildren(hub);
  const first = async () => tree.getTreeItem((await tree.getChildren(server))[0]!) as unknown as Item;
  assert.equal((await first()).label, "Notebooks here: Pangeo's kernels on this server");
  f.installedExtensions.add('ms-toolsai.jupyter');
  assert.equal((await first()).label, "Notebooks here: the Jupyter extension's local Python kernels");
});
