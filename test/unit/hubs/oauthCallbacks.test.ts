// The browser sign-in's callback registry: the URI handler completes the wait for its state, once; other URIs are not its.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { OAUTH_CALLBACK_PATH, OAuthCallbacks } from '../../../src/hubs/editor/signInFlow';

const uri = (path: string, query: string) => ({ path, query }) as vscode.Uri;

test('the callback with the waited-for state completes the wait, once; other states and paths are left alone', async () => {
  const callbacks = new OAuthCallbacks();
  const waiting = callbacks.wait('s1', 60_000);
  assert.equal(callbacks.handle(uri('/elsewhere', 'state=s1&code=x')), false);
  assert.equal(callbacks.handle(uri(OAUTH_CALLBACK_PATH, 'state=other&code=x')), false);
  assert.equal(callbacks.handle(uri(OAUTH_CALLBACK_PATH, 'state=s1&code=abc')), true);
  assert.equal(callbacks.handle(uri(OAUTH_CALLBACK_PATH, 'state=s1&code=again')), false, 'a second answer finds no wait');
  assert.equal(await waiting, 'state=s1&code=abc');
});
