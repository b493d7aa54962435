// Scenario 2: add a hub and sign in with a pasted token, sign out, sign in with username and password, then start
// a server with options from the hub's form — every question answered in the browser by the harness, the Hubs tree
// watched going stopped → starting → ready, and the hub asked what it stored.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { HubTreeProvider, type HubTreeNode } from '../../../src/hubs/editor/hubTree';
import { hubLabel } from '../../../src/hubs/hubUrl';
import { suite, test } from '../runner/registry';
import { ui } from '../runner/ui';
import { adminGet, baseOf, driveCommand, hubConfig, pangeoApi, requireHub, until } from './support/hubScenario';

/** What the tree shows for the default server: the first part of its description ("starting · …"). */
function recordServerStates(tree: HubTreeProvider, base: string, onChange: vscode.Event<void>): { states: string[]; stop(): void } {
  const states: string[] = [];
  const look = async () => {
    const children = await tree.getChildren({ kind: 'hub', base });
    const node = children.find((n): n is Extract<HubTreeNode, { kind: 'server' }> => n.kind === 'server' && n.server.name === '');
    const description = node ? String(tree.getTreeItem(node).description ?? '') : '(no server row)';
    const state = description.split(' · ')[0]!;
    if (states[states.length - 1] !== state) states.push(state);
  };
  void look();
  const sub = onChange(() => void look());
  const timer = setInterval(() => void look(), 100);
  return { states, stop: () => { clearInterval(timer); sub.dispose(); } };
}

/** The password sign-in command, still waiting on its "Start a Server" question for the start test. */
let pendingSignIn: Thenable<string | undefined> | undefined;

if (hubConfig()) {
  suite('hub sign-in', () => {
    test('adds a hub typed into the input box and signs in with a pasted token', async () => {
      const hub = requireHub();
      const api = await pangeoApi();
      const base = baseOf(hub);
      assert.equal(api.hubs.sessions.hub(base), undefined, 'the hub is already added before the test added it');
      const label = hubLabel(base);
      const added = await driveCommand(vscode.commands.executeCommand<string | undefined>('pangeo.hubs.add'), async () => {
        await ui({ kind: 'quickInput', expect: 'Add a JupyterHub', type: hub.url });
        await ui({ kind: 'quickInput', expect: `Sign in to ${label}`, pick: 'Paste an API token' });
        await ui({ kind: 'quickInput', expect: `API token for ${label}`, type: hub.token });
        await until('the token sign-in', () => api.hubs.sessions.hub(base)?.user === hub.user);
        // The command does not wait on its "Signed in … Start a Server" notification; close it all the same.
        await ui({ kind: 'notification', expect: `Signed in to ${label} as ${hub.user}` });
      });
      assert.equal(added, base);
      const record = api.hubs.sessions.hub(base)!;
      assert.equal(record.method, 'token');
      assert.equal(record.mintedTokenId, undefined, 'a pasted token is not one we minted');
      assert.equal(await api.hubs.sessions.token(base), hub.token);
    }, 60_000);

    test('signs out, then signs in with username and password typed into the input boxes', async () => {
      const hub = requireHub();
      const api = await pangeoApi();
      const base = baseOf(hub);
      const label = hubLabel(base);
      assert.equal(api.hubs.sessions.hub(base)?.user, hub.user, 'needs the token sign-in test before it');
      // The tree's Sign Out asks first (issue 9).
      await driveCommand(vscode.commands.executeCommand('pangeo.hubs.signOut', base), async () => {
        await ui({ kind: 'notification', expect: `Sign out of ${label}?`, button: 'Sign Out' });
      });
      assert.equal(api.hubs.sessions.hub(base)?.user, undefined, 'still signed in after sign-out');
      assert.equal(await api.hubs.sessions.token(base), undefined);
      await ui({ kind: 'notification', expect: `Signed out of ${label}` });

      const signIn = vscode.commands.executeCommand<string | undefined>('pangeo.hubs.signIn', base);
      // Its "Start a Server" notification outlives it (the command does not wait on it): the next test answers it.
      pendingSignIn = signIn;
      await ui({ kind: 'quickInput', expect: `Sign in to ${label}`, pick: 'Username and password' });
      await ui({ kind: 'quickInput', expect: 'Username', type: hub.user });
      await ui({ kind: 'quickInput', expect: `Password for ${hub.user}`, type: hub.password });
      await until('the password sign-in', () => api.hubs.sessions.hub(base)?.method === 'password');
      const record = api.hubs.sessions.hub(base)!;
      assert.equal(record.user, hub.user);
      assert.ok(record.mintedTokenId, 'password sign-in should mint a token the extension can revoke');
      assert.ok(record.expiresAt && new Date(record.expiresAt).getTime() > Date.now(), `token expiry ${record.expiresAt}`);
      const token = await api.hubs.sessions.token(base);
      assert.ok(token && token !== hub.token, 'the minted token should replace the pasted one');
    }, 60_000);

    test('starts the default server with options picked from the hub form; the tree goes stopped → starting → ready', async () => {
      const hub = requireHub();
      const api = await pangeoApi();
      const base = baseOf(hub);
      const label = hubLabel(base);
      assert.ok(pendingSignIn, 'needs the password sign-in test before it');
      // After sign-in the extension re-reads the servers before it asks "Start a Server?".
      const initial = await until('the servers after sign-in', () => api.hubs.snapshot(base)?.servers);
      assert.equal(initial.find((s) => s.name === '')?.state, 'stopped', 'the default server should start out stopped');
      const tree = new HubTreeProvider(vscode, api.hubs);
      const recorder = recordServerStates(tree, base, api.hubs.onDidChangeServers);
      const image = 'pangeo/pangeo-notebook:e2e-2026.11';
      try {
        // Sign-in finishes without anyone touching its notification; the button there starts the server.
        const signedIn = await pendingSignIn;
        const ready = until('the server to be ready', () => api.hubs.snapshot(base)?.servers?.find((s) => s.name === '')?.state === 'ready', 90_000);
        await driveCommand(ready, async () => {
          await ui({ kind: 'notification', expect: `Signed in to ${label} as ${hub.user}`, button: 'Start a Server' });
          await ui({ kind: 'quickInput', expect: `Start a server on ${label}`, pick: 'Default server' });
          // The form's own fields (TEST_OPTIONS_FORM), read from the hub's spawn page with the login cookie.
          await ui({ kind: 'quickInput', expect: ': CPU cores', pick: '4 cores' });
          await ui({ kind: 'quickInput', expect: ': Image', type: image });
          await ui({ kind: 'quickInput', expect: ': GPU', pick: 'Yes' });
          await ready;
        });
        assert.equal(signedIn, base);
        await until('the tree to show ready', () => recorder.states.includes('ready'), 5_000);
      } finally {
        recorder.stop();
        pendingSignIn = undefined;
      }
      assert.deepEqual(recorder.states, ['stopped', 'starting', 'ready'], `the tree showed ${recorder.states.join(' → ')}`);

      const user = await adminGet<{ servers: Record<string, { ready: boolean; user_options: Record<string, unknown> }> }>(hub, `hub/api/users/${hub.user}`);
      assert.equal(user.servers['']?.ready, true, 'the hub does not report the default server ready');
      assert.deepEqual(user.servers['']?.user_options, { cores: '4', image, gpu: true });
      assert.deepEqual(api.hubs.sessions.lastOptions(base, ''), { cores: '4', image, gpu: true }, 'the options are remembered for the next start');
      await ui({ kind: 'notification', expect: 'is ready' }).catch(() => undefined); // tidy; it may have timed out already
    }, 120_000);

    test('the Hubs view in the workbench shows the signed-in hub and the ready server', async () => {
      const hub = requireHub();
      await vscode.commands.executeCommand('workbench.view.extension.pangeo');
      await vscode.commands.executeCommand('pangeo.hubs.focus');
      const view = '#workbench\\.parts\\.sidebar .pane:has(.pane-header:has-text("Hubs")) .pane-body';
      let seen = '';
      const text = await until('the rendered tree to show the ready server', async () => {
        seen = (await ui({ kind: 'text', selector: view }, 10_000)) ?? '';
        return /Default server\s*ready/.test(seen) ? seen : undefined; // label and description render side by side
      }, 30_000, 500).catch((e: Error) => {
        throw new Error(`${e.message}; the view showed: ${JSON.stringify(seen)}`);
      });
      // The hub row: its label, then "alice · JupyterHub 3.0.0" as the description.
      const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      assert.match(text, new RegExp(`${escape(hubLabel(baseOf(hub)))}\\s*${escape(hub.user)} · JupyterHub`), 'the hub row does not show the signed-in user');
      await ui({ kind: 'screenshot', name: 'hub-signed-in-server-ready' });
    }, 60_000);
  });
}
