// The headers lent to the Jupyter extension follow the hub's token in place: renewal, sign-out, a slow old look-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Emitter } from '../../../src/core/emitter';
import { LiveAuthHeaders } from '../../../src/jupyter/liveAuthHeaders';

const HUB = 'https://hub.test/';
const OTHER = 'https://other.test/';

/** Lets the rewrites started by an event finish (each is a chain of resolved promises). */
const settle = () => new Promise((r) => setImmediate(r));

test('the same headers object per server carries the current token after a renewal, and none after sign-out', async () => {
  const tokens = new Map([[HUB, 'token first-aaaa'], [OTHER, 'token other-xxxx']]);
  const changed = new Emitter<void>();
  const live = new LiveAuthHeaders(async (hubId) => tokens.get(hubId), changed.event);
  const headers = await live.headersFor(`${HUB}#`, HUB);
  const other = await live.headersFor(`${OTHER}#`, OTHER);
  assert.deepEqual(headers, { Authorization: 'token first-aaaa' });

  tokens.set(HUB, 'token second-bbbb'); // renewed: the first is revoked
  changed.fire();
  await settle();
  assert.deepEqual(headers, { Authorization: 'token second-bbbb' }, 'rewritten in place, the object the Jupyter extension holds');
  assert.equal(await live.headersFor(`${HUB}#`, HUB), headers, 'resolving the server again lends the same object');
  assert.deepEqual(other, { Authorization: 'token other-xxxx' });

  tokens.delete(HUB); // signed out
  changed.fire();
  await settle();
  assert.deepEqual(headers, {});

  live.dispose();
  tokens.set(HUB, 'token third-cccc');
  changed.fire();
  await settle();
  assert.deepEqual(headers, {}, 'no rewrite after dispose');
});

test('a slow look-up started before a renewal does not overwrite the newer token', async () => {
  const changed = new Emitter<void>();
  const answers: Array<(v: string) => void> = [];
  const live = new LiveAuthHeaders(() => new Promise<string>((resolve) => answers.push(resolve)), changed.event);
  const lent = live.headersFor('s1', HUB);
  answers.shift()!('token first-aaaa');
  const headers = await lent;
  changed.fire(); // a look-up that will answer late, with the old token
  changed.fire(); // the renewal's look-up
  const [stale, fresh] = answers.splice(0);
  fresh!('token second-bbbb');
  await settle();
  stale!('token first-aaaa');
  await settle();
  assert.deepEqual(headers, { Authorization: 'token second-bbbb' });
});
