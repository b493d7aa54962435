// Inside a hub server the hub is listed and signed in from the environment: its token is never written to the
// secret store or the records, sign-out/removal/another sign-in are refused with the reason, API calls go to the
// internal address, and links only ever to a public one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../../src/core/keyValueStore';
import { HubSessions } from '../../../src/hubs/hubSessions';
import { insideHubFromEnv, withBrowserAddress } from '../../../src/hubs/insideHub';
import { insideLink, stopQuestion } from '../../../src/hubs/editor/insideHubCommands';
import { isThisServer, thisServer } from '../../../src/hubs/insideHubServers';
import { redact } from '../../../src/core/http/redact';
import { SecretMap } from '../../support/memoryStores';

const ENV = {
  JUPYTERHUB_API_TOKEN: 'server-token-0123456789abcdef', JUPYTERHUB_USER: 'alice', JUPYTERHUB_SERVER_NAME: '',
  JUPYTERHUB_API_URL: 'http://127.0.0.1:8081/jhub/hub/api', JUPYTERHUB_BASE_URL: '/jhub/', JUPYTERHUB_SERVICE_PREFIX: '/jhub/user/alice/',
  JUPYTERHUB_SERVICE_URL: 'http://127.0.0.1:40000/jhub/user/alice/',
};
const inside = insideHubFromEnv(ENV)!;

test('listed and signed in without a question; the token is never stored', async () => {
  const state = new MemoryStore();
  const secrets = new SecretMap();
  const sessions = new HubSessions(state, secrets, { inside });
  const [record] = sessions.hubs();
  assert.deepEqual([record!.base, record!.user, record!.method, record!.label], [inside.id, 'alice', 'server', "this server's hub"]);
  assert.ok(sessions.isSignedIn(inside.id));
  assert.equal(await sessions.token(inside.id), ENV.JUPYTERHUB_API_TOKEN);
  // Things that save the record (version, remembered options) keep it in memory only.
  await sessions.setVersion(inside.id, '3.0.0');
  await sessions.rememberOptions(inside.id, '', { profile: 'small' });
  assert.equal(sessions.hub(inside.id)!.version, '3.0.0');
  assert.equal(secrets.map.size, 0, 'nothing in SecretStorage');
  assert.equal(JSON.stringify(state.get('pangeo.hubs') ?? []).includes('alice'), false, 'no record in globalState');
  assert.equal(redact(`token ${ENV.JUPYTERHUB_API_TOKEN}`).includes(ENV.JUPYTERHUB_API_TOKEN), false, 'redacted from logs');
});

test('API calls go to the internal address with the server token', async () => {
  const sessions = new HubSessions(new MemoryStore(), new SecretMap(), { inside });
  const client = sessions.client(inside.id);
  assert.equal(client.base, 'http://127.0.0.1:8081/jhub/');
  assert.equal(await client.http.authorizationHeader(), `token ${ENV.JUPYTERHUB_API_TOKEN}`);
});

test('sign-out, removal and another sign-in are refused with the reason; other hubs are unaffected', async () => {
  const sessions = new HubSessions(new MemoryStore(), new SecretMap(), { inside });
  await assert.rejects(sessions.signOut(inside.id), /signs it in with the server's own token: there is nothing to sign out of/);
  await assert.rejects(sessions.removeHub(inside.id), /nothing to remove/);
  await assert.rejects(sessions.signInWithToken(inside.id, 'other'), /nothing to sign in to/);
  assert.ok(sessions.isSignedIn(inside.id));
  assert.deepEqual(await sessions.signOut('https://elsewhere.org/'), { revoked: false });
});

test('this server: marked, asked about before stopping, linked only at a public address', () => {
  assert.ok(isThisServer(inside, inside.id, ''));
  assert.ok(!isThisServer(inside, inside.id, 'gpu'));
  assert.ok(!isThisServer(undefined, inside.id, ''));
  assert.deepEqual(thisServer(inside), { name: '', state: 'ready', url: 'http://127.0.0.1:40000/jhub/user/alice/', userOptions: {} });
  assert.match(stopQuestion(inside, inside.id, '')!, /stopping it ends this editor/);
  assert.equal(stopQuestion(inside, inside.id, 'gpu'), undefined);
  // No public address in the environment (JupyterHub 3): no link, and the reason.
  assert.throws(() => insideLink(inside, inside.id, '', inside.localServerUrl), /public address is not in this server's environment/);
  assert.throws(() => insideLink(inside, inside.id, undefined, `${inside.id}hub/home`), /public address/);
  assert.equal(insideLink(inside, 'https://elsewhere.org/', '', 'https://elsewhere.org/user/a/'), 'https://elsewhere.org/user/a/');
  const pub = insideHubFromEnv({ ...ENV, JUPYTERHUB_PUBLIC_HUB_URL: 'https://hub.org/jhub/hub/', JUPYTERHUB_PUBLIC_URL: 'https://hub.org/jhub/user/alice/' })!;
  assert.equal(insideLink(pub, pub.id, '', pub.localServerUrl), 'https://hub.org/jhub/user/alice/');
  assert.equal(insideLink(pub, pub.id, undefined, `${pub.id}hub/home`), 'https://hub.org/jhub/hub/home');
});

test('no public address in the environment: derived from the browser\'s address of code-server under this server (jupyter-vscode-proxy)', () => {
  // code-server behind jupyter-vscode-proxy: its port proxy answers under /jhub/user/alice/vscode/ on the hub's origin.
  const seen = withBrowserAddress(inside, 'https://hub.example.org/jhub/user/alice/vscode/proxy/40000/jhub/user/alice/');
  assert.equal(seen.publicBase, 'https://hub.example.org/jhub/');
  assert.equal(seen.publicServerUrl, 'https://hub.example.org/jhub/user/alice/');
  assert.equal(seen.id, inside.id, 'the id stays the internal base the records use');
  assert.equal(insideLink(seen, inside.id, undefined, `${inside.id}hub/token`), 'https://hub.example.org/jhub/hub/token');
  assert.equal(insideLink(seen, inside.id, '', inside.localServerUrl), 'https://hub.example.org/jhub/user/alice/');
  // code-server on a port of its own (not under the server's prefix) says nothing about the hub.
  assert.equal(withBrowserAddress(inside, 'http://127.0.0.1:8080/proxy/40000/jhub/user/alice/').publicBase, undefined);
  assert.equal(withBrowserAddress(inside, undefined).publicBase, undefined);
});
