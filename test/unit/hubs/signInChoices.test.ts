// The sign-in choice lists the methods from one list: a pasted token and a password everywhere, the browser only
// where the hub admin registered an OAuth client for us, each named as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signInChoices, type SignInAsk, type SignInDeps } from '../../../src/hubs/editor/signInFlow';
import { browserSignIn, passwordSignIn, tokenSignIn } from '../../../src/hubs/signInMethods';

const record = { base: 'https://hub.example.org/', label: 'hub.example.org' };
// Listing the choices asks nothing yet: no editor is needed until one is picked.
const ask = (extra: Partial<SignInAsk> = {}): SignInAsk => ({ d: {} as SignInDeps, record, ...extra });

test('token and password are always offered, the browser only with an OAuth client', () => {
  assert.deepEqual(signInChoices(ask()).map((c) => c.label), ['$(key) Paste an API token', '$(account) Username and password']);
  const withClient = signInChoices(ask({ oauthClientId: 'service-pangeo-vscode' }));
  assert.deepEqual(withClient.map((c) => c.label), ['$(key) Paste an API token', '$(account) Username and password', '$(globe) Sign in with the browser']);
  assert.equal(withClient[2]!.detail, 'OAuth with the hub (client service-pangeo-vscode)');
});

test('a token carried in the pasted link is offered as such', () => {
  assert.equal(signInChoices(ask())[0]!.detail, 'Create one on https://hub.example.org/hub/token (works on every hub, including GitHub/CILogon sign-in hubs)');
  assert.equal(signInChoices(ask({ tokenInLink: 'abc123' }))[0]!.detail, 'Use the token from the link you pasted');
});

test('every method has its own id, as HubRecord.method stores it', () => {
  assert.deepEqual([tokenSignIn, passwordSignIn, browserSignIn].map((m) => m.id), ['token', 'password', 'oauth']);
});
