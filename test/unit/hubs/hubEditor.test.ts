// Editor adapters of the hubs feature with a small fake `vscode`: auth sessions and tree items follow HubSessions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { HubAuthProvider } from '../../../src/hubs/editor/hubAuthProvider';
import { HubService } from '../../../src/hubs/editor/hubService';
import { HubTreeProvider } from '../../../src/hubs/editor/hubTree';
import { decodeResourceId } from '../../../src/shared/resourceIds';
import { HubSessions } from '../../../src/hubs/hubSessions';
import { signOutOfHub, signOutQuestion } from '../../../src/hubs/editor/signOutFlow';
import { SecretMap } from '../../support/memoryStores';
import { MemoryStore } from '../../../src/core/keyValueStore';

import { silentLogger } from '../../../src/core/log';
import { createFakeVscode } from '../../support/fakeVscode';
import { UnreachableError } from '../../../src/core/http/errors';


function setup() {
  const state = new MemoryStore();
  const secrets = new SecretMap();
  state.data.set('pangeo.hubs', [
    { base: 'https://a.example.org/', label: 'a.example.org', user: 'ana', method: 'token', version: '4.1.5' },
    { base: 'https://b.example.org/jhub/', label: 'b.example.org/jhub' },
  ]);
  secrets.map.set('pangeo.hub.token:https://a.example.org/', 'tok-aaaaaaaa');
  const sessions = new HubSessions(state, secrets);
  const vs = createFakeVscode().vs;
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

test('auth provider: change events name the same account as getSessions (the Accounts menu signs out by that label)', async () => {
  const { sessions, vs, secrets } = setup();
  const provider = new HubAuthProvider(vs, sessions, async () => undefined);
  const events: vscode.AuthenticationProviderAuthenticationSessionsChangeEvent[] = [];
  provider.onDidChangeSessions((e) => events.push(e));
  // A user name with "@" (ana maría@uni): the label keeps it and separates the hub with " @ ".
  secrets.map.set('pangeo.hub.token:https://b.example.org/jhub/', 'tok-bbbbbbbb');
  const state = (sessions as unknown as { state: MemoryStore }).state;
  state.data.set('pangeo.hubs', sessions.hubs().map((h) => (h.label === 'b.example.org/jhub' ? { ...h, user: 'ana maría@uni', method: 'token' } : h)));
  (sessions as unknown as { fire(): void }).fire();
  const [listed] = await provider.getSessions(['https://b.example.org/jhub/']);
  assert.equal(listed!.account.label, 'ana maría@uni @ b.example.org/jhub');
  assert.deepEqual(events.map((e) => e.added?.map((s) => s.account)), [[listed!.account]]);
  await sessions.signOut('https://b.example.org/jhub/');
  assert.deepEqual(events[1]!.removed?.map((s) => s.account), [listed!.account], 'the removed account is the one the menu shows');
  assert.ok(events.every((e) => [...(e.added ?? []), ...(e.removed ?? []), ...(e.changed ?? [])].every((s) => s.accessToken === '')), 'no token in events');
});

test('auth provider: removeSession runs the given sign-out (the same as the tree\'s)', async () => {
  const { sessions, vs } = setup();
  const calls: string[] = [];
  const provider = new HubAuthProvider(vs, sessions, async () => undefined, async (base) => calls.push(base));
  await provider.removeSession('https://a.example.org/');
  assert.deepEqual(calls, ['https://a.example.org/']);
});

test('sign-out flow: the question names the notebooks; No keeps the session; Sign Out ends kernels before the token goes', async () => {
  const { sessions, vs } = setup();
  const service = new HubService(vs, sessions, silentLogger, () => undefined);
  const order: string[] = [];
  service.addKernelUser({
    notebooksOn: (hub) => (hub === 'https://a.example.org/' ? ['analysis.ipynb'] : []),
    release: async (hub) => {
      order.push(`release ${hub} (token ${await sessions.token(hub) ? 'still there' : 'gone'})`);
    },
  });
  const asked: string[] = [];
  let answer: string | undefined = undefined;
  const window = {
    showWarningMessage: async (message: string) => {
      asked.push(message);
      return answer;
    },
    showInformationMessage: async (message: string) => {
      order.push(message);
      return undefined;
    },
  };
  const editor = { ...vs, window } as unknown as typeof vscode;
  assert.equal(await signOutOfHub(editor, service, 'https://a.example.org/', { confirm: 'always' }), false);
  assert.equal(asked[0], 'Sign out of a.example.org? analysis.ipynb loses its kernel (they run again after you sign in). Pangeo Compute forgets your token; servers keep running.');
  assert.equal(sessions.hub('https://a.example.org/')?.user, 'ana', 'dismissed: still signed in');
  answer = 'Sign Out';
  assert.equal(await signOutOfHub(editor, service, 'https://a.example.org/', { confirm: 'always' }), true);
  assert.deepEqual(order, ['release https://a.example.org/ (token still there)', 'Signed out of a.example.org. analysis.ipynb lost its kernel; it runs again after you sign in.']);
  assert.equal(sessions.hub('https://a.example.org/')?.user, undefined);
  service.dispose();
});

test('Accounts menu sign-out (the editor asked already): no second question, even with notebooks on the hub; the notice names them', async () => {
  const { sessions, vs } = setup();
  const service = new HubService(vs, sessions, silentLogger, () => undefined);
  service.addKernelUser({ notebooksOn: () => ['analysis.ipynb', 'b.ipynb'], release: async () => undefined });
  const asked: string[] = [];
  const told: string[] = [];
  const window = {
    showWarningMessage: async (message: string) => void asked.push(message),
    showInformationMessage: async (message: string) => void told.push(message),
  };
  assert.equal(await signOutOfHub({ ...vs, window } as unknown as typeof vscode, service, 'https://a.example.org/', { confirm: 'never' }), true);
  assert.deepEqual(asked, [], 'asked a second time');
  assert.deepEqual(told, ['Signed out of a.example.org. analysis.ipynb, b.ipynb lost their kernels; they run again after you sign in.']);
  assert.equal(sessions.hub('https://a.example.org/')?.user, undefined);
  service.dispose();
});

test('sign-out question: pasted tokens are forgotten, minted ones revoked; without notebooks the tree still asks', () => {
  assert.equal(signOutQuestion('hub', [], true), 'Sign out of hub? No open notebook uses a kernel there. The token Pangeo Compute created is revoked; servers keep running.');
  assert.match(signOutQuestion('hub', ['a.ipynb', 'b.ipynb'], false), /a\.ipynb, b\.ipynb lose their kernels .*forgets your token/);
  assert.equal(signOutQuestion('hub', [], false, true), 'Sign out of hub? Notebooks on its servers through the Jupyter extension keep their open kernel connection but cannot reconnect until you sign in again. Pangeo Compute forgets your token; servers keep running.');
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
  const items = servers.map((n) => tree.getTreeItem(n) as unknown as { label: string; contextValue: string; description: string; id: string });
  assert.deepEqual(items.map((i) => decodeResourceId(i.id)), [
    { kind: 'server', hubId: 'https://a.example.org/', serverName: '' }, { kind: 'server', hubId: 'https://a.example.org/', serverName: 'gpu' },
  ], 'item ids are the servers\' resource ids');
  assert.deepEqual(items.map((i) => [i.label, i.contextValue]), [['Default server', 'pangeo.server.ready'], ['gpu', 'pangeo.server.stopped.named']]);
  assert.match(items[0]!.description, /ready · large/);
  assert.deepEqual(service.readyServers().map((s) => [s.hubId, s.server.name, s.user]), [['https://a.example.org/', '', 'ana']]);
  service.dispose();
});

test('tree: an unreachable hub shows a short status on the row and the whole message (ECONNREFUSED …) in the tooltip', async () => {
  const { sessions, vs } = setup();
  const service = new HubService(vs, sessions, silentLogger, () => undefined);
  const tree = new HubTreeProvider(vs, service);
  service.snapshot('https://a.example.org/')!.error = new UnreachableError('https://a.example.org/hub/api/users/ana', 'connect ECONNREFUSED 127.0.0.1:8000');
  const [row] = await tree.getChildren({ kind: 'hub', base: 'https://a.example.org/' });
  const item = tree.getTreeItem(row!) as unknown as { label: string; description: string; tooltip: string };
  assert.equal(item.label, 'Cannot list servers');
  assert.equal(item.description, 'hub unreachable — click to retry');
  assert.match(item.tooltip, /Cannot reach https:\/\/a\.example\.org\/hub\/api\/users\/ana \(connect ECONNREFUSED 127\.0\.0\.1:8000\)\.\n\nCheck the address/);
  service.dispose();
});
