// `pangeo-compute hub share`, run in process against the contract server that follows JupyterHub 5's published
// sharing API (test/support/sharingHub): list, grant, link, revoke; one action at a time; refusals name the scope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../../src/cli/main';
import { hubCommands } from '../../../src/cli/hubCommands';
import { EXIT } from '../../../src/cli/command';
import { startSharingHub, type SharingHub } from '../../support/sharingHub/sharingHub';

async function cli(hub: SharingHub, argv: string[], token = 'tok-alice-0123'): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['hub', 'share', '--url', hub.base, ...argv], [hubCommands], {
    stdout: (t) => { out += t; },
    stderr: (t) => { err += t; },
    readStdin: async () => '',
    env: { JUPYTERHUB_API_TOKEN: token },
  }, new AbortController().signal);
  return { code, out, err };
}

async function withHub(run: (hub: SharingHub) => Promise<void>, version?: string) {
  const hub = await startSharingHub({
    version,
    tokens: {
      'tok-alice-0123': { user: 'alice', scopes: ['shares!user=alice', 'read:users:name', 'read:groups:name', 'read:servers!user=alice'] },
      'tok-bob-456789': { user: 'bob', scopes: ['read:servers!user=bob', 'read:shares!user=bob'] },
    },
  });
  try {
    await run(hub);
  } finally {
    await hub.close();
  }
}

test('hub share: grant a user and a group, list them, print a link, revoke each', async () => {
  await withHub(async (hub) => {
    assert.match((await cli(hub, [])).out, /only you have access to \(default\)/);
    const granted = await cli(hub, ['--server', 'gpu', '--user', 'bob']);
    assert.equal(granted.code, EXIT.ok, granted.err);
    assert.match(granted.out, /shared gpu with user bob \(access:servers!server=alice\/gpu\)/);
    assert.equal((await cli(hub, ['--server', 'gpu', '--group', 'course'])).code, EXIT.ok);
    const link = await cli(hub, ['--server', 'gpu', '--link', '--expires-in', '2h']);
    assert.equal(link.code, EXIT.ok, link.err);
    assert.equal(link.out.trim(), `${hub.url}/jhub/hub/accept-share?code=${hub.codes[0]!.code}`, 'stdout is the link alone');
    assert.match(link.err, /share link sc_1 for gpu: .*--revoke-link sc_1/);
    assert.ok(Math.abs(hub.codes[0]!.expires - hub.codes[0]!.created - 7_200_000) < 1000);
    const listed = await cli(hub, ['--server', 'gpu', '--json']);
    const json = JSON.parse(listed.out) as { shares: Array<{ kind: string; name: string }>; links: Array<{ id: string; exchange_count: number }> };
    assert.deepEqual(json.shares.map((s) => `${s.kind}:${s.name}`), ['user:bob', 'group:course']);
    assert.deepEqual(json.links.map((l) => [l.id, l.exchange_count]), [['sc_1', 0]]);
    assert.equal((await cli(hub, ['--server', 'gpu', '--revoke-user', 'bob'])).code, EXIT.ok);
    assert.equal((await cli(hub, ['--server', 'gpu', '--revoke-link', 'sc_1'])).code, EXIT.ok);
    assert.deepEqual([hub.shares.map((s) => s.name), hub.codes], [['course'], []]);
    assert.match((await cli(hub, ['--server', 'gpu', '--revoke-all'])).out, /revoked all access to gpu/);
    assert.deepEqual(hub.shares, []);
  });
});

test('hub share: two actions, or --expires-in without --link, are usage errors before any request', async () => {
  await withHub(async (hub) => {
    const two = await cli(hub, ['--user', 'bob', '--link']);
    assert.equal(two.code, EXIT.usage);
    assert.match(two.err, /one action at a time, not --user and --link/);
    assert.equal((await cli(hub, ['--user', 'bob', '--expires-in', '1h'])).code, EXIT.usage);
    assert.equal((await cli(hub, ['--link', '--expires-in', 'soon'])).code, EXIT.usage);
    assert.deepEqual(hub.requests, []);
  });
});

test('hub share: a token without `shares` exits 3 naming the scope, and nothing is made', async () => {
  await withHub(async (hub) => {
    const r = await cli(hub, ['--link'], 'tok-bob-456789');
    assert.equal(r.code, EXIT.auth, r.err);
    assert.match(r.err, /lacks the scope shares!server=bob\/.*'shares!user'/);
    assert.deepEqual(hub.codes, []);
    assert.match((await cli(hub, [], 'tok-bob-456789')).out, /only you have access/, 'listing needs only read:shares');
  });
});

test('hub share: a hub older than 5.0 is refused with its version', async () => {
  await withHub(async (hub) => {
    const r = await cli(hub, ['--user', 'bob']);
    assert.equal(r.code, EXIT.usage);
    assert.match(r.err, /runs JupyterHub 4\.1\.6; sharing a server needs JupyterHub 5\.0 or later/);
  }, '4.1.6');
});
