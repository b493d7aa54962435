// Sign-in state against a real JupyterHub 3: password (token + page cookie), token, OAuth + PKCE, renewal, sign-out.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, TestHub, TEST_OPTIONS_FORM } from '../../support/jupyterhub';
import { HubSessions } from '../../../src/hubs/hubSessions';
import { browserSignIn } from '../../../src/hubs/signInMethods';
import { SecretMap } from '../../support/memoryStores';
import { MemoryStore } from '../../../src/core/keyValueStore';

import { HubClient } from '../../../src/hubs/hubClient';
import { loginForPages } from '../../../src/hubs/hubPageLogin';
import { authorizeUrl, createPkce, exchangeCode, newState, parseCallback } from '../../../src/hubs/oauth';
import { isPangeoError } from '../../../src/core/http/errors';


const REDIRECT = 'http://127.0.0.1:1/oauth-callback';

describe('HubSessions against a real JupyterHub', { timeout: 180_000 }, () => {
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub({ optionsForm: TEST_OPTIONS_FORM, users: ['dora', 'eve'], oauthClient: { clientId: 'service-pangeo-vscode', redirectUri: REDIRECT } });
  });
  after(async () => hub?.stop());

  test('add from a pasted link keeps the token in the link for the sign-in offer, not in the record', async () => {
    const state = new MemoryStore();
    const sessions = new HubSessions(state, new SecretMap());
    const added = await sessions.addHub(`${hub.url}user/dora/lab?token=abcdef123456`);
    assert.equal(added.record.base, hub.url);
    assert.equal(added.record.version, hub.version);
    assert.equal(added.tokenInLink, 'abcdef123456');
    assert.ok(!JSON.stringify([...state.data.values()]).includes('abcdef123456'));
    await assert.rejects(sessions.addHub('http://127.0.0.1:9/'), (e) => isPangeoError(e, 'Unreachable'));
  });

  test('password sign-in: token with expiry + page cookie in secrets only; password nowhere; renew; sign-out revokes', async () => {
    const state = new MemoryStore();
    const secrets = new SecretMap();
    let now = Date.now();
    const sessions = new HubSessions(state, secrets, { now: () => now });
    await sessions.addHub(hub.url);
    const record = await sessions.signInWithPassword(hub.url, 'dora', hub.password, 3600);
    assert.equal(record.user, 'dora');
    assert.equal(record.method, 'password');
    assert.ok(record.mintedTokenId && record.expiresAt);
    const everything = JSON.stringify([...state.data.entries(), ...secrets.map.entries()]);
    assert.ok(!everything.includes(hub.password), 'the password is stored nowhere');
    const firstToken = (await sessions.token(hub.url))!;
    assert.ok(!JSON.stringify([...state.data.entries()]).includes(firstToken), 'the token is not in the non-secret state');
    // the page cookie opens the options form
    const form = await sessions.client(hub.url).getOptionsForm('dora', 'x');
    assert.equal(form.kind, 'form');

    assert.equal(sessions.needsRenewal(hub.url), false);
    now += 3000 * 1000; // 50 minutes later: 10 of 60 minutes left (< 20 %)
    assert.equal(sessions.needsRenewal(hub.url), true);
    assert.deepEqual(await sessions.renewDue(), []);
    const secondToken = (await sessions.token(hub.url))!;
    assert.notEqual(secondToken, firstToken);
    assert.equal((await sessions.client(hub.url).getCurrentUser()).name, 'dora');
    await assert.rejects(new HubClient(hub.url, { token: firstToken }).getCurrentUser(), (e) => isPangeoError(e, 'Forbidden') || isPangeoError(e, 'Unauthorized'));

    const { revoked } = await sessions.signOut(hub.url);
    assert.equal(revoked, true);
    assert.equal(await sessions.token(hub.url), undefined);
    assert.equal(secrets.map.size, 0);
    await assert.rejects(new HubClient(hub.url, { token: secondToken }).getCurrentUser(), (e) => isPangeoError(e, 'Forbidden') || isPangeoError(e, 'Unauthorized'));
    assert.equal(sessions.hubs().length, 1, 'the hub stays listed after sign-out');
  });

  test('token sign-in is verified first; a bad token stores nothing; removing the hub keeps a pasted token alive', async () => {
    const admin = new HubClient(hub.url, { token: hub.adminToken });
    const pasted = await admin.createToken('eve', { note: 'pasted by hand', expiresInSeconds: 600 });
    const secrets = new SecretMap();
    const sessions = new HubSessions(new MemoryStore(), secrets);
    await sessions.addHub(hub.url);
    await assert.rejects(sessions.signInWithToken(hub.url, 'garbage-token-123'), (e) => isPangeoError(e, 'Forbidden') || isPangeoError(e, 'Unauthorized'));
    assert.equal(secrets.map.size, 0);
    await assert.rejects(sessions.signInWithToken(hub.url, hub.adminToken), (e) => isPangeoError(e, 'InvalidInput'));
    const record = await sessions.signInWithToken(hub.url, pasted.token);
    assert.equal(record.user, 'eve');
    assert.equal((await sessions.client(hub.url).getOptionsForm('eve')).kind, 'login-required');
    await sessions.removeHub(hub.url);
    assert.deepEqual(sessions.hubs(), []);
    // we did not mint it, so we do not revoke it
    assert.equal((await new HubClient(hub.url, { token: pasted.token }).getCurrentUser()).name, 'eve');
  });

  test('OAuth: authorization code + PKCE against the hub\'s provider yields a working token', async () => {
    const pkce = createPkce();
    const state = newState();
    const url = authorizeUrl(hub.url, { clientId: 'service-pangeo-vscode', redirectUri: REDIRECT, state, challenge: pkce.challenge });
    // The browser part: the user is logged in to the hub (cookie) and approves; no_confirm skips the page.
    const cookie = await loginForPages(new HubClient(hub.url).http, 'dora', hub.password);
    let res = await fetch(url, { headers: { Cookie: cookie }, redirect: 'manual' });
    for (let hops = 0; hops < 3 && res.status >= 300 && res.status < 400 && !res.headers.get('location')!.startsWith(REDIRECT); hops++) {
      res = await fetch(new URL(res.headers.get('location')!, hub.url), { headers: { Cookie: cookie }, redirect: 'manual' });
    }
    const location = res.headers.get('location') ?? '';
    assert.ok(location.startsWith(REDIRECT), `redirected back to us: ${res.status} ${location}`);
    assert.throws(() => parseCallback(new URL(location).search, 'other-state'), (e) => isPangeoError(e, 'Unauthorized'));
    const code = parseCallback(new URL(location).search, state);
    const http = new HubClient(hub.url).http;
    await assert.rejects(exchangeCode(http, { clientId: 'service-pangeo-vscode', clientSecret: 'wrong', code, redirectUri: REDIRECT, verifier: pkce.verifier }),
      (e) => isPangeoError(e, 'Unauthorized') || isPangeoError(e, 'Forbidden') || isPangeoError(e, 'UnexpectedResponse'));
    // a code is single-use, so get a fresh one for the real exchange
    const again = await fetch(url, { headers: { Cookie: cookie }, redirect: 'manual' });
    const code2 = parseCallback(new URL(again.headers.get('location')!).search, state);
    const token = await exchangeCode(http, { clientId: 'service-pangeo-vscode', clientSecret: hub.oauthClientSecret, code: code2, redirectUri: REDIRECT, verifier: pkce.verifier });
    const sessions = new HubSessions(new MemoryStore(), new SecretMap());
    await sessions.addHub(hub.url);
    const record = await sessions.signInWithOAuthToken(hub.url, token.accessToken, token.expiresAt);
    assert.equal(record.user, 'dora');
    assert.equal(record.method, 'oauth');
  });

  test('the browser sign-in method end to end: PKCE, the hub\'s approval, the code exchanged; the token minted before is revoked', async () => {
    const sessions = new HubSessions(new MemoryStore(), new SecretMap());
    await sessions.addHub(hub.url);
    await sessions.signInWithPassword(hub.url, 'dora', hub.password, 3600);
    const minted = (await sessions.token(hub.url))!;
    const cookie = await loginForPages(new HubClient(hub.url).http, 'dora', hub.password);
    let deliver: ((query: string) => void) | undefined;
    const opened: string[] = [];
    const record = await sessions.signIn(hub.url, browserSignIn, {
      clientId: 'service-pangeo-vscode', clientSecret: hub.oauthClientSecret, redirectUri: REDIRECT,
      awaitRedirect: () => new Promise((resolve) => { deliver = resolve; }),
      // The browser: signed in to the hub (cookie), approves, and is sent back to the redirect address.
      async openBrowser(url) {
        opened.push(url);
        let res = await fetch(url, { headers: { Cookie: cookie }, redirect: 'manual' });
        for (let hops = 0; hops < 3 && !res.headers.get('location')?.startsWith(REDIRECT); hops++) {
          res = await fetch(new URL(res.headers.get('location')!, hub.url), { headers: { Cookie: cookie }, redirect: 'manual' });
        }
        deliver!(new URL(res.headers.get('location')!).search);
      },
    });
    assert.match(opened[0]!, /code_challenge_method=S256/);
    assert.equal(record.user, 'dora');
    assert.equal(record.method, 'oauth');
    assert.equal(record.mintedTokenId, undefined, 'the hub issued this token: ours to forget, not to revoke');
    assert.equal((await sessions.client(hub.url).getCurrentUser()).name, 'dora');
    await assert.rejects(new HubClient(hub.url, { token: minted }).getCurrentUser(), (e) => isPangeoError(e, 'Forbidden') || isPangeoError(e, 'Unauthorized'));
  });
});
