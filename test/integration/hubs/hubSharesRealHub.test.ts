// Sharing against a real JupyterHub. In CI that is Debian's JupyterHub 3: it has no sharing API (404), and the client
// refuses before any call, naming the version. With PANGEO_TEST_HUB_CMD / PANGEO_TEST_SINGLEUSER_CMD naming a
// JupyterHub 5 (see test/support/jupyterhub.ts) the whole round runs against it: share with a user and a group, a
// share code, the list, revocation, the refusals that name a scope, and what the shared user's token may do.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, type TestHub } from '../../support/jupyterhub';
import { HubClient } from '../../../src/hubs/hubClient';
import { HubShares, SharingRefusedError, SharingUnsupportedError } from '../../../src/hubs/hubShares';
import { hubSupportsSharing } from '../../../src/hubs/sharingSupport';

// carol may share (by name too); bob may not; bob is in the group 'course'. Only JupyterHub 5 knows these scopes.
const SHARING_CONFIG = `
import jupyterhub as _jh
if int(_jh.__version__.split('.')[0]) >= 5:
    c.JupyterHub.load_roles = list(c.JupyterHub.load_roles) + [
        {'name': 'sharers', 'scopes': ['shares!user', 'read:users:name', 'read:groups:name'], 'users': ['carol']},
    ]
    c.JupyterHub.load_groups = {'course': {'users': ['bob']}}
`;

describe('sharing against a real JupyterHub', { timeout: 240_000 }, () => {
  let hub: TestHub;
  let carol: HubClient;
  let bob: HubClient;
  let bobToken: string;

  before(async () => {
    hub = await startTestHub({ baseUrl: '/jhub/', users: ['carol', 'bob'], extraConfig: SHARING_CONFIG, serverTokenCacheSeconds: 1 });
    const anon = new HubClient(hub.url, { retries: 0 });
    const mint = async (user: string) => (await anon.createTokenWithPassword(user, hub.password, { note: 'sharing test', expiresInSeconds: 3600 })).token;
    carol = new HubClient(hub.url, { token: await mint('carol'), retries: 0 });
    bobToken = await mint('bob');
    bob = new HubClient(hub.url, { token: bobToken, retries: 0 });
  });
  after(async () => hub?.stop());

  test('a hub older than 5.0 has no sharing API, and the client says so before calling it', async (t) => {
    if (hubSupportsSharing(hub.version)) return t.skip(`the hub under test is JupyterHub ${hub.version}`);
    const res = await fetch(`${hub.url}hub/api/shares/carol/`, { headers: { Authorization: `token ${hub.adminToken}` } });
    await res.arrayBuffer();
    assert.equal(res.status, 404, 'JupyterHub before 5.0 serves no /hub/api/shares');
    await assert.rejects(new HubShares(carol).ensureSupported(), (e: unknown) => e instanceof SharingUnsupportedError && e.message.includes(`JupyterHub ${hub.version}`));
  });

  test('JupyterHub 5: share, list, link, revoke; refusals name the scope; the shared user reaches the server', async (t) => {
    if (!hubSupportsSharing(hub.version)) return t.skip(`JupyterHub ${hub.version} cannot share: PANGEO_TEST_HUB_CMD may name a JupyterHub 5`);
    const shares = new HubShares(carol);
    await shares.ensureSupported();
    await shares.ensureMayShare('carol', '');
    const granted = await shares.grant('carol', '', { kind: 'user', name: 'bob' });
    assert.deepEqual(granted.scopes, ['access:servers!server=carol/']);
    await shares.grant('carol', '', { kind: 'group', name: 'course' });
    assert.deepEqual((await shares.list('carol', '')).map((s) => `${s.target.kind}:${s.target.name}`), ['user:bob', 'group:course']);
    const code = await shares.createCode('carol', '', 3600);
    assert.equal(code.link, `${new URL(hub.url).origin}/jhub/hub/accept-share?code=${code.code}`);
    assert.deepEqual((await shares.listCodes('carol', '')).map((c) => c.id), [code.id]);

    // bob may not share: refused before anything, and by the hub itself, each naming the scope.
    const bobShares = new HubShares(bob);
    await assert.rejects(bobShares.ensureMayShare('bob', ''), SharingRefusedError);
    await assert.rejects(bobShares.createCode('bob', '', 3600), (e: unknown) => e instanceof SharingRefusedError && e.scope === 'shares');
    // Nothing half-made: the hub holds no share code of bob's (a 404: bob's server is not there, so neither is a code).
    const bobCodes = await fetch(`${hub.url}hub/api/share-codes/bob/`, { headers: { Authorization: `token ${hub.adminToken}` } });
    const listed = bobCodes.status === 200 ? (await bobCodes.json()) as { items?: unknown[] } | unknown[] : undefined;
    assert.ok(bobCodes.status === 404 || (listed && (Array.isArray(listed) ? listed : listed.items ?? [null]).length === 0),
      `bob's share codes after the refusals: ${bobCodes.status} ${JSON.stringify(listed)}`);
    t.diagnostic(`bob's share codes after the refusals (admin GET share-codes/bob/): ${bobCodes.status} ${JSON.stringify(listed)}`);

    // What a share gives: bob's token reaches carol's server (access:servers), but cannot stop it.
    const server = await carol.startAndWait('carol', '', {}, { timeoutMs: 60_000 });
    const status = await fetch(`${server.url}api/status`, { headers: { Authorization: `token ${bobToken}` } });
    await status.arrayBuffer();
    assert.equal(status.status, 200, "the shared user's token is refused by the server");
    await assert.rejects(bob.stopServer('carol', ''), (e: unknown) => (e as { status?: number }).status === 404 || (e as { status?: number }).status === 403);

    await shares.revoke('carol', '', { kind: 'user', name: 'bob' });
    await shares.revokeCode('carol', '', code.id);
    await shares.revokeAll('carol', '');
    assert.deepEqual([await shares.list('carol', ''), await shares.listCodes('carol', '')], [[], []]);
    await carol.stopServer('carol', '');
  });
});
