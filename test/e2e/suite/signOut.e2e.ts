// Scenario 5: signing out forgets the token (the editor's SecretStorage no longer has it, read afresh) and revokes
// the token the extension minted on the hub (the old token gets 403; the hub no longer lists it).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { HubSessions } from '../../../src/hubs/hubSessions';
import type { KeyValueStore, SecretStore } from '../../../src/core/keyValueStore';
import { hubLabel } from '../../../src/hubs/hubUrl';
import { AUTH_PROVIDER_ID } from '../../../src/hubs/editor/hubAuthProvider';
import { suite, test } from '../runner/registry';
import { ui } from '../runner/ui';
import { adminGet, baseOf, driveCommand, ensureSignedIn, hubConfig, pangeoApi, requireHub, type PangeoApi } from './support/hubScenario';

/**
 * A second HubSessions over the same globalState and SecretStorage the extension was given: it has no cache, so
 * its token(base) is what SecretStorage holds now (like the extension after a reload).
 */
function freshSessions(api: PangeoApi): HubSessions {
  const live = api.hubs.sessions as unknown as { state: KeyValueStore; secrets: SecretStore };
  assert.ok(live.state && live.secrets, 'HubSessions no longer keeps its stores as `state`/`secrets`');
  return new HubSessions(live.state, live.secrets);
}

async function hubAnswers(url: string, token: string): Promise<number> {
  const res = await fetch(`${url}hub/api/user`, { headers: { Authorization: `token ${token}` } });
  await res.arrayBuffer();
  return res.status;
}

interface HubTokenList {
  api_tokens: { id: string; note?: string }[];
}

if (hubConfig()) {
  suite('sign-out', () => {
    test('signing out removes the token from SecretStorage and revokes it on the hub', async () => {
      const hub = requireHub();
      const api = await pangeoApi();
      const base = baseOf(hub);
      await ensureSignedIn(api, hub);
      if (api.hubs.sessions.hub(base)?.method !== 'password') {
        // Run alone: sign in the way that mints a token (scenario 2 does it through the input boxes).
        await api.hubs.sessions.signInWithPassword(base, hub.user, hub.password, 3600);
      }
      const record = api.hubs.sessions.hub(base)!;
      const minted = record.mintedTokenId;
      assert.ok(minted, 'the password sign-in minted no token');
      const token = await freshSessions(api).token(base);
      assert.ok(token, 'SecretStorage holds no token while signed in');
      assert.equal(await hubAnswers(hub.url, token), 200, 'the token does not work before sign-out');
      const before = await adminGet<HubTokenList>(hub, `hub/api/users/${hub.user}/tokens`);
      assert.ok(before.api_tokens.some((t) => t.id === minted), `the hub does not list token ${minted}`);
      const account = `${hub.user}@${base}`;
      const accounts = async () => (await vscode.authentication.getAccounts(AUTH_PROVIDER_ID)).map((a) => a.id);
      assert.ok((await accounts()).includes(account), `the Accounts menu lacks ${account}: ${(await accounts()).join(', ')}`);

      await driveCommand(vscode.commands.executeCommand('pangeo.hubs.signOut', base), async () => {
        await ui({ kind: 'notification', expect: `Sign out of ${hubLabel(base)}?`, button: 'Sign Out' });
      });
      await ui({ kind: 'notification', expect: `Signed out of ${hubLabel(base)}; the token Pangeo Compute created was revoked` });

      assert.equal(api.hubs.sessions.hub(base)?.user, undefined, 'the hub still shows a user');
      assert.equal(await freshSessions(api).token(base), undefined, 'SecretStorage still holds the token');
      assert.equal(await api.hubs.sessions.token(base), undefined);
      assert.ok(!(await accounts()).includes(account), 'the Accounts menu still lists the account');
      assert.equal(await hubAnswers(hub.url, token), 403, 'the old token still works on the hub');
      const after = await adminGet<HubTokenList>(hub, `hub/api/users/${hub.user}/tokens`);
      assert.ok(!after.api_tokens.some((t) => t.id === minted), `the hub still lists token ${minted}`);
      assert.ok(api.hubs.sessions.hub(base), 'sign-out should keep the hub in the list');
    }, 60_000);
  });
}
