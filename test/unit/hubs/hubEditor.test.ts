// Editor adapters of the hubs feature with a small fake `vscode`: auth sessions and tree items follow HubSessions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { HubAuthProvider } from '../../../src/hubs/editor/hubAuthProvider';
import { HubService } from '../../../src/hubs/editor/hubService';
import { HubTreeProvider } from '../../../src/hubs/editor/hubTree';
import { HubSessions } from '../../../src/hubs/hubSessions';
import { MapStore, SecretMap } from '../../support/memoryStores';

import { silentLogger } from '../../../src/core/log';
import { fakeVs } from '../../support/fakeVscode';


function setup() {
  const state = new MapStore();
  const secrets = new SecretMap();
  state.map.set('pangeo.hubs', [
    { base: 'https://a.example.org/', label: 'a.example.org', user: 'ana', method: 'token', version: '4.1.5' },
    { base: 'https://b.example.org/jhub/', label: 'b.example.org/jhub' },
  ]);
  secrets.map.set('pangeo.hub.token:https://a.example.org/', 'tok-aaaaaaaa');
  const sessions = new HubSessions(state, secrets);
  const vs = fakeVs() as unknown as typeof vscode;
  return { state, secrets, sessions, vs };
}

test('auth provider: one session per signed-in hub, filtered by hub scope, and change events on sign-out', async () => {
  const { sessions, vs } = setup();
  const provider = new HubAuthProvider(vs, sessions, async () => undefined);
  const all = await provider.getSessions();
  assert.deepEqual(all.map((s) => [s.id, s.accessToken, s.account.label]), [['https://a.example.org/', 'tok-aaaaaaaa', 'ana @ a.example.org']]);
  assert.deepEqual(await provider.getSessions(['https://b.example.org/jhub/']), []);
  const events: vscode.AuthenticationProviderAuthenticationSessionsChangeEvent[] = [];
  provider.onDidChangeSessions((e) => events.push(e));
  await provider.removeSession('https://a.example.org/');
  assert.equal(events.length, 1);
  assert.deepEqual(events[0]!.removed?.map((s) => s.id), ['https://a.example.org/']);
  assert.deepEqual(await provider.getSessions(), []);
  await assert.rejects(provider.createSession(['https://b.example.org/jhub/']), /cancelled/);
});

test('tree: hubs with their state; a signed-out hub offers sign-in; servers carry state, profile and context values', async () => {
  const { sessions, vs } = setup();
  const service = new HubService(vs, sessions, silentLogger, () => undefined);
  const tree = new HubTreeProvider(vs, service);
  const roots = await tree.getChildren();
  assert.deepEqual(roots.map((n) => n.kind === 'hub' && n.base), ['https://a.example.org/', 'https://b.example.org/jhub/']);
  const a = tree.getTreeItem(roots[0]!) as unknown as { contextValue: string; description: string };
  assert.equal(a.contextValue, 'pangeo.hub.signedIn');
  assert.match(a.description, /ana · JupyterHub 4\.1\.5/);
  assert.equal((tree.getTreeItem(roots[1]!) as unknown as { contextValue: string }).contextValue, 'pangeo.hub.signedOut');
  const signedOutChildren = await tree.getChildren(roots[1]);
  assert.equal(signedOutChildren[0]!.kind, 'message');
  // Servers come from the snapshot the service keeps (set here as a refresh would).
  service.snapshot('https://a.example.org/')!.servers = [
    { name: '', state: 'ready', url: 'https://a.example.org/user/ana/', userOptions: { profile: 'large' } },
    { name: 'gpu', state: 'stopped', userOptions: {} },
  ];
  const servers = await tree.getChildren(roots[0]);
  const items = servers.map((n) => tree.getTreeItem(n) as unknown as { label: string; contextValue: string; description: string });
  assert.deepEqual(items.map((i) => [i.label, i.contextValue]), [['Default server', 'pangeo.server.ready'], ['gpu', 'pangeo.server.stopped.named']]);
  assert.match(items[0]!.description, /ready · large/);
  assert.deepEqual(service.readyServers().map((s) => [s.hubId, s.server.name, s.user]), [['https://a.example.org/', '', 'ana']]);
  service.dispose();
});
