// Two windows share one secret store: a token renewed (or a sign-out) in one reaches the other's cached token, which
// every connection of that window asks for, instead of the revoked one staying in use until a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Emitter } from '../../../src/core/emitter';
import { MemoryStore } from '../../../src/core/keyValueStore';
import { HubSessions } from '../../../src/hubs/hubSessions';
import { SecretMap } from '../../support/memoryStores';

const BASE = 'https://hub.test/';
const TOKEN_KEY = `pangeo.hub.token:${BASE}`;

/** Like vscode's SecretStorage: every store and delete is announced, to this window and the others. */
class AnnouncingSecrets extends SecretMap {
  private readonly changes = new Emitter<{ key: string }>();
  readonly onDidChange = this.changes.event;
  override async store(key: string, value: string) {
    await super.store(key, value);
    this.changes.fire({ key });
  }
  override async delete(key: string) {
    await super.delete(key);
    this.changes.fire({ key });
  }
}

/** Lets the re-read started by a change event finish. */
const settle = () => new Promise((r) => setImmediate(r));

test('a token renewed by another window replaces the cached one, for clients made before; listeners hear it once', async () => {
  const secrets = new AnnouncingSecrets();
  await secrets.store(TOKEN_KEY, 'first-aaaa');
  const window = new HubSessions(new MemoryStore(), secrets);
  const http = window.client(BASE).http;
  assert.equal(await http.authorizationHeader(), 'token first-aaaa');
  let heard = 0;
  window.onDidChange(() => heard++);

  await secrets.store(TOKEN_KEY, 'second-bbbb'); // the other window's renewal (it revokes first-aaaa)
  await settle();
  assert.equal(await window.token(BASE), 'second-bbbb');
  assert.equal(await http.authorizationHeader(), 'token second-bbbb', 'the client built before asks the session again');
  assert.equal(heard, 1);

  await secrets.store(TOKEN_KEY, 'second-bbbb'); // the same value again (e.g. this window's own write): no news
  await settle();
  assert.equal(heard, 1);

  await secrets.delete(TOKEN_KEY); // signed out elsewhere
  await settle();
  assert.equal(await window.token(BASE), undefined);
  assert.equal(heard, 2);

  window.dispose();
  await secrets.store(TOKEN_KEY, 'third-cccc');
  await settle();
  assert.equal(await window.token(BASE), undefined, 'a disposed session follows no more changes');
});

test('changes to secrets it never read, or to other keys, are left to the next read', async () => {
  const secrets = new AnnouncingSecrets();
  const window = new HubSessions(new MemoryStore(), secrets);
  let heard = 0;
  window.onDidChange(() => heard++);
  await secrets.store(TOKEN_KEY, 'first-aaaa');
  await secrets.store('pangeo.hub.oauthSecret:https://hub.test/', 'client-secret');
  await settle();
  assert.equal(heard, 0);
  assert.equal(await window.token(BASE), 'first-aaaa');
  window.dispose();
});
