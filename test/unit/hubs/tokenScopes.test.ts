// A server token's scopes: what each feature needs, and the error that names a missing scope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasScope, MissingScopeError, scopesNamedIn } from '../../../src/hubs/tokenScopes';

/** `GET hub/api/user` with the default server token of JupyterHub 3.0 (seen on the test hub). */
const JH3_SERVER_TOKEN = ['access:servers!user=alice', 'read:users:activity!user=alice', 'read:users:groups!user=alice', 'read:users:name!user=alice', 'users:activity!user=alice'];

test('the default server token reads no server models and stops nothing', () => {
  assert.equal(hasScope(JH3_SERVER_TOKEN, 'read:servers', 'alice'), false);
  assert.equal(hasScope(JH3_SERVER_TOKEN, 'delete:servers', 'alice'), false);
  // 5.x: access:servers!server=alice/ only.
  assert.equal(hasScope(['access:servers!server=alice/', 'users:activity!user=alice'], 'read:servers', 'alice'), false);
});

test('scopes that include the need, filtered to the user or this server, or unfiltered', () => {
  assert.ok(hasScope(['read:servers!user=alice'], 'read:servers', 'alice'));
  assert.ok(hasScope(['servers!user=alice'], 'delete:servers', 'alice'));
  assert.ok(hasScope(['admin:servers'], 'read:servers', 'alice'));
  assert.ok(hasScope(['delete:servers!server=alice/gpu'], 'delete:servers', 'alice', 'gpu'));
  assert.ok(!hasScope(['delete:servers!server=alice/gpu'], 'delete:servers', 'alice', ''));
  assert.ok(!hasScope(['read:servers!user=bob'], 'read:servers', 'alice'));
  assert.ok(hasScope(['read:servers!group=class'], 'read:servers', 'alice'), 'a group filter is the hub\'s to judge');
});

test('the error names the scope, the feature and who can grant it', () => {
  const e = new MissingScopeError('delete:servers!user=alice', 'stopping a server');
  assert.equal(e.kind, 'Forbidden');
  assert.match(e.userMessage, /lacks the scope delete:servers!user=alice, which stopping a server needs/);
  assert.match(e.userMessage, /server_token_scopes/);
});

test('the scopes a JupyterHub 403 names', () => {
  assert.deepEqual(scopesNamedIn('Action is not authorized with current scopes; requires any of [delete:servers]'), ['delete:servers']);
  assert.deepEqual(scopesNamedIn("requires any of ['read:servers', 'admin:servers']"), ['read:servers', 'admin:servers']);
  assert.equal(scopesNamedIn('Forbidden'), undefined);
  assert.equal(scopesNamedIn(undefined), undefined);
});
