// Page login (the options form's cookie) against a real JupyterHub: steady across second boundaries (JupyterHub 4.1+
// signs its anonymous _xsrf token with the time, so a POST without the cookie passes only within the GET's second),
// one retry on an XSRF 403, and a message of its own when the hub keeps refusing the XSRF check.
// PANGEO_TEST_HUB_CMD may point the fixture at another JupyterHub (see test/support/jupyterhub.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, TestHub } from '../../support/jupyterhub';
import { HubClient } from '../../../src/hubs/hubClient';
import { loginForPages } from '../../../src/hubs/hubPageLogin';
import { isPangeoError } from '../../../src/core/http/errors';
import { sleep } from '../../support/processes';

const USER = 'lena';
const LOGINS = 100; // 13 cross a second boundary on purpose, 2 pause longer than a second

/** Waits until the wall clock has entered the next second (plus a margin), so the POST lands in another second than the GET. */
async function crossSecond(): Promise<void> {
  await sleep(1000 - (Date.now() % 1000) + 30);
}

describe('page login against a real JupyterHub', { timeout: 300_000 }, () => {
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub({ users: [USER] });
  });
  after(async () => hub?.stop());

  test(`${LOGINS} logins in a row succeed at the first attempt, many with GET and POST in different seconds`, async () => {
    let crossed = 0;
    let delayed = 0;
    for (let i = 0; i < LOGINS; i++) {
      const attempts: number[] = [];
      const cookie = await loginForPages(new HubClient(hub.url).http, USER, hub.password, undefined, {
        beforePost: async (_form, attempt) => {
          attempts.push(attempt);
          const getSecond = Math.floor(Date.now() / 1000);
          if (i % 50 === 25) {
            await sleep(1100 + (i % 3) * 300); // an explicit pause longer than a second (a slow user, a loaded hub)
            delayed++;
          } else if (i % 8 === 0) {
            await crossSecond();
          }
          if (Math.floor(Date.now() / 1000) !== getSecond) crossed++;
        },
      });
      assert.match(cookie, /jupyterhub-hub-login=/, `login ${i + 1}`);
      // A retry would hide the bug this guards against (a POST that only passes in the GET's second).
      assert.deepEqual(attempts, [1], `login ${i + 1} needed ${attempts.length} attempts`);
    }
    assert.ok(delayed >= 2, `delayed ${delayed}`);
    assert.ok(crossed >= LOGINS / 8, `only ${crossed} of ${LOGINS} logins crossed a second boundary`);
  });

  test('the cookie opens the hub\'s pages (home)', async () => {
    const cookie = await loginForPages(new HubClient(hub.url).http, USER, hub.password);
    const home = await fetch(new URL('hub/home', hub.url), { headers: { Cookie: cookie }, redirect: 'manual' });
    assert.equal(home.status, 200);
  });

  test('a wrong password is Unauthorized and says so; it is not an XSRF error', async () => {
    await assert.rejects(loginForPages(new HubClient(hub.url).http, USER, 'wrong-password-42'), (e) => {
      assert.ok(isPangeoError(e, 'Unauthorized'), String(e));
      assert.match(e.userMessage, /did not accept this username and password/);
      assert.doesNotMatch(e.userMessage, /xsrf|token is|expired/i);
      assert.ok(!e.userMessage.includes('wrong-password-42'));
      return true;
    });
  });

  test('an XSRF refusal on the first attempt is retried once with a fresh login page', async () => {
    const attempts: number[] = [];
    const cookie = await loginForPages(new HubClient(hub.url).http, USER, hub.password, undefined, {
      beforePost: (form, attempt) => {
        attempts.push(attempt);
        if (attempt === 1) form.set('_xsrf', 'corrupted-by-the-test');
      },
    });
    assert.match(cookie, /jupyterhub-hub-login=/);
    assert.ok(attempts.length <= 2, `attempts ${attempts.join(',')}`);
  });
});

describe('page login against a real JupyterHub that refuses the XSRF check', { timeout: 120_000 }, () => {
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub({ users: [USER], demandXsrf: true });
  });
  after(async () => hub?.stop());

  test('a form whose _xsrf does not match is retried once, then reported as XsrfRejected with its own message', async () => {
    const attempts: number[] = [];
    const login = loginForPages(new HubClient(hub.url).http, USER, hub.password, undefined, {
      beforePost: (form, attempt) => {
        attempts.push(attempt);
        form.set('_xsrf', 'corrupted-by-the-test');
      },
    });
    await assert.rejects(login, (e) => {
      assert.ok(isPangeoError(e, 'XsrfRejected'), `${(e as Error).name}: ${(e as Error).message}`);
      const text = e.userMessage;
      assert.match(text, /XSRF check failed/);
      assert.ok(e.serverMessage, 'the hub\'s own reason (or what it answered) is kept');
      assert.doesNotMatch(text, /did not accept this username|token is missing|expired or revoked/i);
      assert.ok(!text.includes(hub.password));
      return true;
    });
    assert.deepEqual(attempts, [1, 2]);
  });
});
