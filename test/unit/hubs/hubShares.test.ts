// The sharing client against a contract server that follows JupyterHub 5's published sharing API
// (test/support/sharingHub: docs/source/reference/sharing.md and docs/source/_static/rest-api.yml).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HubClient } from '../../../src/hubs/hubClient';
import { explainRefusal, HubShares, scopeNamedIn, SharingRefusedError, SharingUnsupportedError } from '../../../src/hubs/hubShares';
import { hubSupportsSharing } from '../../../src/hubs/sharingSupport';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../../../src/core/http/errors';
import { startSharingHub, type SharingHubOptions } from '../../support/sharingHub/sharingHub';

const FULL = ['shares!user=alice', 'read:users:name', 'read:groups:name', 'read:servers!user=alice'];

async function withHub(opts: SharingHubOptions & { scopes?: string[] }, run: (s: HubShares, hub: Awaited<ReturnType<typeof startSharingHub>>) => Promise<void>) {
  const hub = await startSharingHub({ tokens: { 'tok-alice-0123': { user: 'alice', scopes: opts.scopes ?? FULL } }, ...opts });
  try {
    await run(new HubShares(new HubClient(hub.base, { token: 'tok-alice-0123', retries: 0 })), hub);
  } finally {
    await hub.close();
  }
}

test('version gate: 5.0 and later share, older and unknown versions do not', () => {
  assert.deepEqual(['5.0.0', '5.5.1', '6.0.0b1', '4.1.6', '3.0.0', '', 'x'].map(hubSupportsSharing), [true, true, true, false, false, false, false]);
  assert.equal(hubSupportsSharing(undefined), false);
});

test('share with a user and a group, list them, revoke one: the hub holds what the list shows', async () => {
  await withHub({}, async (shares, hub) => {
    const granted = await shares.grant('alice', 'gpu', { kind: 'user', name: 'bob' });
    assert.deepEqual(granted.target, { kind: 'user', name: 'bob' });
    assert.deepEqual(granted.scopes, ['access:servers!server=alice/gpu'], "JupyterHub's default share is the access scope");
    await shares.grant('alice', 'gpu', { kind: 'group', name: 'course' });
    assert.deepEqual((await shares.list('alice', 'gpu')).map((s) => `${s.target.kind}:${s.target.name}`), ['user:bob', 'group:course']);
    assert.ok((await shares.list('alice', 'gpu'))[0]!.createdAt instanceof Date);
    assert.deepEqual(await shares.list('alice', ''), [], 'the default server is another server');
    await shares.revoke('alice', 'gpu', { kind: 'user', name: 'bob' });
    assert.deepEqual(hub.shares.map((s) => s.name), ['course']);
    assert.ok(hub.requests.includes('PATCH /jhub/hub/api/shares/alice/gpu'));
    assert.deepEqual(hub.bodies[hub.requests.indexOf('PATCH /jhub/hub/api/shares/alice/gpu')], { user: 'bob' }, 'no scopes: all of them are revoked');
  });
});

test('the default server is addressed by the empty name (a trailing slash)', async () => {
  await withHub({}, async (shares, hub) => {
    await shares.grant('alice', '', { kind: 'user', name: 'bob' });
    assert.ok(hub.requests.includes('POST /jhub/hub/api/shares/alice/'));
    assert.deepEqual(hub.shares[0]!.scopes, ['access:servers!server=alice/']);
  });
});

test('share code: made with its expiry, its link on the hub origin, listed without the code, revoked by id', async () => {
  await withHub({}, async (shares, hub) => {
    const made = await shares.createCode('alice', 'gpu', 3600);
    assert.equal(made.link, `${hub.url}/jhub/hub/accept-share?code=${made.code}`);
    assert.match(made.id, /^sc_\d+$/);
    assert.ok(made.expiresAt && Math.abs(made.expiresAt.getTime() - Date.now() - 3600_000) < 60_000);
    assert.deepEqual(hub.bodies[hub.requests.indexOf('POST /jhub/hub/api/share-codes/alice/gpu')], { expires_in: 3600 });
    const listed = await shares.listCodes('alice', 'gpu');
    assert.deepEqual(listed.map((c) => [c.id, c.exchangeCount]), [[made.id, 0]]);
    assert.ok(!('code' in listed[0]!));
    await shares.revokeCode('alice', 'gpu', made.id);
    assert.deepEqual(hub.codes, []);
    await assert.rejects(shares.revokeCode('alice', 'gpu', made.id), /alice's server "gpu" has no share link sc_1: it was revoked, or it expired/, 'not "no such server"');
    await assert.rejects(shares.revokeCode('alice', 'nope', made.id), /did not find alice's server "nope"/);
    assert.ok(hub.requests.includes(`DELETE /jhub/hub/api/share-codes/alice/gpu?id=${made.id}`), 'revoked by id: the code never travels in a URL');
  });
});

test('share code: the hub\'s public URL is the link when it has one', async () => {
  await withHub({ publicUrl: 'https://hub.example.org' }, async (shares) => {
    const made = await shares.createCode('alice', '', 86400);
    assert.equal(made.link, `https://hub.example.org/jhub/hub/accept-share?code=${made.code}`);
  });
});

test('share code: expiries outside one minute to one year are refused before anything is sent', async () => {
  await withHub({}, async (shares, hub) => {
    for (const bad of [59, 366 * 24 * 3600, 1.5, Number.NaN]) await assert.rejects(shares.createCode('alice', 'gpu', bad), /between one minute and one year/);
    assert.ok(!hub.requests.some((r) => r.startsWith('POST')));
  });
});

test('lists follow the hub\'s pages (expired codes are counted but not listed)', async () => {
  let now = Date.now();
  await withHub({ pageLimit: 2, users: { alice: { servers: [''] }, ...Object.fromEntries(['u1', 'u2', 'u3', 'u4', 'u5'].map((u) => [u, { servers: [] }])) }, now: () => now }, async (shares, hub) => {
    for (const u of ['u1', 'u2', 'u3', 'u4', 'u5']) await shares.grant('alice', '', { kind: 'user', name: u });
    assert.deepEqual((await shares.list('alice', '')).map((s) => s.target.name), ['u1', 'u2', 'u3', 'u4', 'u5']);
    assert.equal(hub.requests.filter((r) => r.startsWith('GET /jhub/hub/api/shares/alice/')).length, 3);
    const short = await shares.createCode('alice', '', 60);
    for (let i = 0; i < 3; i++) await shares.createCode('alice', '', 3600);
    now += 120_000;
    const listed = await shares.listCodes('alice', '');
    assert.equal(listed.length, 3);
    assert.ok(!listed.some((c) => c.id === short.id));
  });
});

test('missing `shares` scope: the check before asking names it, and the hub\'s own 403 is read the same way', async () => {
  await withHub({ scopes: ['read:servers!user=alice', 'read:users:name'] }, async (shares, hub) => {
    const before = await shares.ensureMayShare('alice', 'gpu').then(() => undefined, (e: unknown) => e);
    assert.ok(before instanceof SharingRefusedError);
    assert.match(before.message, /lacks the scope shares!server=alice\/gpu/);
    assert.match(before.hint, /'shares!user'/);
    const refused = await shares.createCode('alice', 'gpu', 3600).then(() => undefined, (e: unknown) => e);
    assert.ok(refused instanceof SharingRefusedError, String(refused));
    assert.equal(refused.scope, 'shares');
    assert.match(refused.userMessage, /refused to make a share link: your token lacks the scope shares\. .*load_roles/);
    assert.deepEqual(hub.codes, [], 'nothing was made');
  });
});

test('sharing by name without read:users:name: the refusal names that scope and offers a link instead', async () => {
  await withHub({ scopes: ['shares!user=alice'] }, async (shares, hub) => {
    await shares.ensureMayShare('alice', 'gpu');
    const e = await shares.grant('alice', 'gpu', { kind: 'user', name: 'bob' }).then(() => undefined, (err: unknown) => err);
    assert.ok(e instanceof SharingRefusedError, String(e));
    assert.equal(e.scope, 'read:users:name');
    assert.match(e.hint, /share link instead/);
    assert.deepEqual(hub.shares, []);
  });
});

test('a sharing scope for another server: the 404 says the scope may not cover it', async () => {
  await withHub({ scopes: ['shares!server=alice/gpu'] }, async (shares) => {
    await assert.rejects(shares.ensureMayShare('alice', ''), SharingRefusedError);
    await assert.rejects(shares.list('alice', ''), (e: Error) => /did not find alice's default server among the servers you may share/.test(e.message) && /'shares!user'/.test((e as SharingRefusedError).hint));
  });
});

test('an unknown user or group is the hub\'s 400, with its message; nothing is granted', async () => {
  await withHub({}, async (shares, hub) => {
    await assert.rejects(shares.grant('alice', 'gpu', { kind: 'user', name: 'nobody' }), (e: Error) => /did not share with user nobody: No such user: nobody/.test(e.message) && /login name/.test((e as InvalidInputError).hint));
    await assert.rejects(shares.grant('alice', 'gpu', { kind: 'group', name: ' ' }), /group name is empty/);
    assert.deepEqual(hub.shares, []);
  });
});

test('a hub older than 5.0 is refused before any sharing call', async () => {
  await withHub({ version: '4.1.6' }, async (shares, hub) => {
    await assert.rejects(shares.ensureSupported(), (e: unknown) => e instanceof SharingUnsupportedError && /JupyterHub 4\.1\.6; sharing a server needs JupyterHub 5\.0/.test(e.message));
    assert.deepEqual(hub.requests, ['GET /jhub/hub/api']);
  });
});

test('a code whose answer has no usable link is revoked again, not left behind', async () => {
  for (const bad of [(c: string) => `//evil.example/hub/accept-share?code=${c}`, () => 'javascript:alert(1)', () => '']) {
    await withHub({ acceptUrlOf: bad }, async (shares, hub) => {
      await assert.rejects(shares.createCode('alice', 'gpu', 3600), /without a usable accept_url/);
      assert.deepEqual(hub.codes, [], 'the code was revoked');
    });
  }
});

test('reading refusals: the scope names JupyterHub writes', () => {
  assert.equal(scopeNamedIn('Action is not authorized with current scopes; requires any of [shares]'), 'shares');
  assert.equal(scopeNamedIn("Need scope 'read:groups:name' to share with groups by name"), 'read:groups:name');
  assert.equal(scopeNamedIn('Do not have permission to grant share with scope access:servers!server=alice/'), 'access:servers!server=alice/');
  assert.equal(scopeNamedIn('Missing or invalid credentials.'), undefined);
  const gone = new ForbiddenError('https://hub/x', 'Missing or invalid credentials.');
  assert.equal(explainRefusal(gone, 'to share', 'alice', ''), gone, 'a dead token stays a sign-in problem');
  assert.match((explainRefusal(new NotFoundError('https://hub/x', 'No such server: alice/x'), 'to share', 'alice', 'x') as Error).message, /alice's server "x"/);
});
