// Proves the real-JupyterHub fixture: prefixed hub, tokens, JSON starts with user_options,
// escaped user names, options form, OAuth client, and that stop()/kill() leave no process behind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { hubLoginCookie, startTestHub, TEST_OPTIONS_FORM, type TestHub } from '../../support/jupyterhub';
import { sleep } from '../../support/processes';

const ESCAPED_USER = 'ana maría@x,(y)';
const REDIRECT_URI = 'http://127.0.0.1:9/pangeo-callback';

interface ServerModel {
  name: string;
  ready: boolean;
  pending: string | null;
  url: string;
  user_options: Record<string, unknown>;
  progress_url: string;
}

async function api(hub: TestHub, token: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${hub.url}hub/api/${path}`, {
    ...init,
    headers: { Authorization: `token ${token}`, ...(init.headers as Record<string, string> | undefined) },
  });
}

async function mintToken(hub: TestHub, user: string): Promise<string> {
  const res = await api(hub, hub.adminToken, `users/${encodeURIComponent(user)}/tokens`, {
    method: 'POST',
    body: JSON.stringify({ note: 'fixture test', expires_in: 600 }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return ((await res.json()) as { token: string }).token;
}

async function servers(hub: TestHub, token: string, user: string): Promise<Record<string, ServerModel>> {
  const res = await api(hub, token, `users/${encodeURIComponent(user)}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { servers: Record<string, ServerModel> }).servers;
}

async function waitForServer(hub: TestHub, token: string, user: string, name: string, ready: boolean): Promise<ServerModel | undefined> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const server = (await servers(hub, token, user))[name];
    if (ready ? server?.ready : !server) return server;
    if (Date.now() > deadline) throw new Error(`server ${user}/${name} not ${ready ? 'ready' : 'gone'}: ${JSON.stringify(server)}`);
    await sleep(200);
  }
}

/** Cookie header after the form login (with `_xsrf` as field and cookie where the hub hands one out). */
function login(hub: TestHub, user: string): Promise<string> {
  return hubLoginCookie(hub, user);
}

/** Pids among `pids` that `ps` still shows as running (zombies count as gone). */
function stillRunning(pids: number[]): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,stat=', '-p', pids.join(',')], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when no pid matches
  }
  return out.split('\n').map((l) => l.trim().split(/\s+/)).filter(([pid, stat]) => pid && !stat?.startsWith('Z')).map(([pid]) => Number(pid));
}

async function expectAllGone(pids: number[]): Promise<void> {
  const deadline = Date.now() + 3000;
  while (stillRunning(pids).length > 0 && Date.now() < deadline) await sleep(100);
  assert.deepEqual(stillRunning(pids), []);
}

describe('test JupyterHub fixture (prefixed, named servers, options form, OAuth client)', () => {
  let hub: TestHub;

  before(async () => {
    hub = await startTestHub({
      baseUrl: '/jhub/',
      namedServers: true,
      optionsForm: TEST_OPTIONS_FORM,
      users: ['alice', ESCAPED_USER],
      oauthClient: { clientId: 'service-pangeo-test', redirectUri: REDIRECT_URI },
    });
  });
  after(async () => {
    await hub?.kill();
  });

  it('answers GET {url}hub/api with its version under the prefix', async () => {
    assert.match(hub.url, /^http:\/\/127\.0\.0\.1:\d+\/jhub\/$/);
    const res = await fetch(`${hub.url}hub/api`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { version: string };
    assert.match(body.version, /^\d+\.\d+\.\d+/);
    assert.equal(body.version, hub.version);
  });

  it('lets the admin service mint a token that acts as the user', async () => {
    const token = await mintToken(hub, 'alice');
    const me = (await (await api(hub, token, 'user')).json()) as { name: string };
    assert.equal(me.name, 'alice');
    const bad = await api(hub, 'not-a-token', 'user');
    assert.equal(bad.status, 403);
  });

  it('starts a server for an escaped user name from a JSON body, serves its API, then stops it', async () => {
    const token = await mintToken(hub, ESCAPED_USER);
    const options = { cores: '4', image: 'pangeo/pangeo-notebook:2024.11.11', gpu: true };
    const start = await api(hub, token, `users/${encodeURIComponent(ESCAPED_USER)}/server`, {
      method: 'POST',
      body: JSON.stringify(options),
    });
    assert.ok([201, 202].includes(start.status), `start: HTTP ${start.status}`);
    const server = await waitForServer(hub, token, ESCAPED_USER, '', true);
    assert.deepEqual(server?.user_options, options);
    // The server's own URL (the hub's escaping, not encodeURIComponent's) reaches it through the proxy.
    const specs = await fetch(new URL(`${server.url}api/kernelspecs`, hub.url), { headers: { Authorization: `token ${token}` } });
    assert.equal(specs.status, 200);
    const body = (await specs.json()) as { kernelspecs: Record<string, unknown> };
    assert.ok('python3' in body.kernelspecs);
    const stop = await api(hub, token, `users/${encodeURIComponent(ESCAPED_USER)}/server`, { method: 'DELETE' });
    assert.ok([202, 204].includes(stop.status), `stop: HTTP ${stop.status}`);
    await waitForServer(hub, token, ESCAPED_USER, '', false);
  });

  it('serves the options form to a logged-in user', async () => {
    const cookie = await login(hub, 'alice');
    const res = await fetch(`${hub.url}hub/spawn`, { headers: { Cookie: cookie }, redirect: 'manual' });
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<select[^>]*name="cores"/);
    assert.match(html, /name="image"[^>]*value="pangeo\/pangeo-notebook:2024\.11\.11"/);
  });

  it('completes the OAuth code flow without a consent page', async () => {
    const cookie = await login(hub, 'alice');
    const authorize = new URL(`${hub.url}hub/api/oauth2/authorize`);
    authorize.search = new URLSearchParams({ client_id: 'service-pangeo-test', redirect_uri: REDIRECT_URI, response_type: 'code', state: 'st' }).toString();
    const res = await fetch(authorize, { headers: { Cookie: cookie }, redirect: 'manual' });
    assert.equal(res.status, 302);
    const back = new URL(res.headers.get('location') ?? '');
    assert.equal(`${back.origin}${back.pathname}`, REDIRECT_URI);
    assert.equal(back.searchParams.get('state'), 'st');
    const tokenRes = await fetch(`${hub.url}hub/api/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: 'service-pangeo-test',
        client_secret: hub.oauthClientSecret ?? '',
        grant_type: 'authorization_code',
        code: back.searchParams.get('code') ?? '',
        redirect_uri: REDIRECT_URI,
      }),
    });
    assert.equal(tokenRes.status, 200);
    const { access_token } = (await tokenRes.json()) as { access_token: string };
    const me = (await (await api(hub, access_token, 'user')).json()) as { name: string; scopes: string[] };
    assert.equal(me.name, 'alice');
    assert.ok(me.scopes.includes('servers!user=alice'), me.scopes.join(' '));
  });

  it('kill() takes hub, proxy and servers down at once', async () => {
    const token = await mintToken(hub, 'alice');
    const start = await api(hub, token, 'users/alice/servers/s1', { method: 'POST', body: JSON.stringify({ cores: ['2'] }) });
    assert.ok([201, 202].includes(start.status));
    // Mid-spawn is fine (and quicker): the server's process exists as soon as the hub answered.
    const pids = hub.pids();
    assert.ok(pids.length >= 3, `hub, proxy and server expected, got ${pids.length}`);
    await hub.kill();
    await expectAllGone(pids);
    await assert.rejects(fetch(`${hub.url}hub/api`, { signal: AbortSignal.timeout(2000) }));
  });
});

describe('test JupyterHub fixture (root prefix, no options form)', () => {
  let hub: TestHub;

  before(async () => {
    hub = await startTestHub({ namedServers: false });
  });
  after(async () => {
    await hub?.kill();
  });

  it('stop() stops servers gracefully and leaves no process', async () => {
    assert.match(hub.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const user = hub.users[0]!;
    // Without an options form, GET /hub/spawn starts the server at once.
    const res = await fetch(`${hub.url}hub/spawn`, { headers: { Cookie: await login(hub, user) }, redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.match(res.headers.get('location') ?? '', /\/hub\/spawn-pending\//);
    await waitForServer(hub, hub.adminToken, user, '', true);
    const pids = hub.pids();
    assert.ok(pids.length >= 3, `hub, proxy and server expected, got ${pids.length}`);
    await hub.stop();
    await expectAllGone(pids);
  });
});
