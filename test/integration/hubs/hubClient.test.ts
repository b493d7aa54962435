// The hub client against a real JupyterHub (prefix /jhub/, named servers, an options form, a user needing escapes).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hubLoginCookie, startTestHub, TestHub, TEST_OPTIONS_FORM } from '../../support/jupyterhub';
import { HubClient } from '../../../src/hubs/hubClient';
import { loginForPages } from '../../../src/hubs/hubPageLogin';
import { parseHubUrl } from '../../../src/hubs/hubUrl';
import { choiceFromPairs, toUserOptions, validateChoice } from '../../../src/hubs/optionsForm';
import { SpawnProgressEvent } from '../../../src/hubs/spawnProgress';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { isPangeoError } from '../../../src/core/http/errors';

const PLAIN = 'alice';
const ESCAPED = 'ana maría@x,(y)';

describe('HubClient against a real JupyterHub', { timeout: 240_000 }, () => {
  let hub: TestHub;
  let aliceToken: string;
  let escapedToken: string;
  let aliceCookie: string;

  before(async () => {
    hub = await startTestHub({ baseUrl: '/jhub/', optionsForm: TEST_OPTIONS_FORM, namedServers: true, users: [PLAIN, ESCAPED] });
  });
  after(async () => {
    await hub?.stop();
  });

  test('detects the hub from any pasted URL form and reads its version', async () => {
    for (const pasted of [hub.url, `${hub.url}hub/login`, `${hub.url}user/${PLAIN}/lab?token=x`]) {
      const client = new HubClient(parseHubUrl(pasted).base);
      assert.equal(await client.getVersion(), hub.version);
    }
    assert.match(hub.version, /^\d+\.\d+/);
  });

  test('password sign-in mints a token with an expiry; the token identifies the user', async () => {
    const client = new HubClient(hub.url);
    const minted = await client.createTokenWithPassword(PLAIN, hub.password, { note: 'pangeo test', expiresInSeconds: 3600 });
    assert.ok(minted.token.length > 10);
    assert.ok(minted.expiresAt && minted.expiresAt.getTime() > Date.now() + 3500_000 && minted.expiresAt.getTime() < Date.now() + 3700_000);
    aliceToken = minted.token;
    const me = await new HubClient(hub.url, { token: aliceToken }).getCurrentUser();
    assert.equal(me.name, PLAIN);
    assert.equal(me.isService, false);
    const esc = await client.createTokenWithPassword(ESCAPED, hub.password, { note: 'pangeo test', expiresInSeconds: 3600 });
    escapedToken = esc.token;
    assert.equal((await new HubClient(hub.url, { token: escapedToken }).getCurrentUser()).name, ESCAPED);
  });

  test('a wrong password is Unauthorized/Forbidden, with no token and no password in the message', async () => {
    const client = new HubClient(hub.url);
    await assert.rejects(client.createTokenWithPassword(PLAIN, 'wrong-password-123', { note: 'x' }),
      (e) => (isPangeoError(e, 'Unauthorized') || isPangeoError(e, 'Forbidden')) && !e.message.includes('wrong-password-123'));
  });

  test('the options form needs the page login: a token alone gets login-required, the login cookie gets the form', async () => {
    assert.equal((await new HubClient(hub.url, { token: aliceToken }).getOptionsForm(PLAIN, 'opts')).kind, 'login-required');
    await assert.rejects(loginForPages(new HubClient(hub.url).http, PLAIN, 'wrong-pw-xyz'), (e) => isPangeoError(e, 'Unauthorized'));
    aliceCookie = await loginForPages(new HubClient(hub.url).http, PLAIN, hub.password);
    const client = new HubClient(hub.url, { token: aliceToken, pageCookie: () => aliceCookie });
    const result = await client.getOptionsForm(PLAIN, 'opts');
    assert.equal(result.kind, 'form');
    if (result.kind !== 'form') return;
    assert.deepEqual(result.form.fields.map((f) => f.name).sort(), ['cores', 'gpu', 'image']);
    assert.deepEqual(validateChoice(result.form, choiceFromPairs(result.form, { cores: '8' })).length, 1);
  });

  test('reading the form of a new named server leaves no entry behind; an existing stopped one stays', async () => {
    const admin = new HubClient(hub.url, { token: hub.adminToken });
    const names = async () => (await admin.getUser(PLAIN)).servers.map((s) => s.name);
    const client = new HubClient(hub.url, { token: aliceToken, pageCookie: () => aliceCookie });
    assert.ok(!(await names()).includes('peek'));
    assert.equal((await client.getOptionsForm(PLAIN, 'peek')).kind, 'form');
    assert.ok(!(await names()).includes('peek'), 'the hub still lists the named server "peek" that only had its form read');
    // A stopped named server the user already had (here made by the hub's own spawn page) is not touched.
    const page = await fetch(new URL(`hub/spawn/${PLAIN}/kept`, hub.url), { headers: { Cookie: await hubLoginCookie(hub, PLAIN) }, redirect: 'manual' });
    assert.equal(page.status, 200);
    assert.ok((await names()).includes('kept'));
    assert.equal((await client.getOptionsForm(PLAIN, 'kept')).kind, 'form');
    assert.ok((await names()).includes('kept'));
    await client.deleteNamedServer(PLAIN, 'kept');
  });

  test('start a named server with options: progress events, ready, user_options stored; kernel runs 1+1; stop', async () => {
    const client = new HubClient(hub.url, { token: aliceToken, pageCookie: () => aliceCookie });
    const form = await client.getOptionsForm(PLAIN, 'opts');
    if (form.kind !== 'form') throw new Error(`expected the options form, got ${form.kind}`);
    const userOptions = toUserOptions(form.form, choiceFromPairs(form.form, { cores: '4', gpu: 'true' }));
    const events: SpawnProgressEvent[] = [];
    const server = await client.startAndWait(PLAIN, 'opts', userOptions, { onProgress: (e) => events.push(e), timeoutMs: 60_000 });
    assert.equal(server.state, 'ready');
    assert.ok(events.length >= 1, 'saw progress events');
    assert.equal(events[events.length - 1]!.ready, true);
    // the hub stored exactly what we sent
    const admin = new HubClient(hub.url, { token: hub.adminToken });
    const stored = (await admin.getUser(PLAIN)).servers.find((s) => s.name === 'opts');
    assert.deepEqual(stored?.userOptions, { cores: '4', image: 'pangeo/pangeo-notebook:2024.11.11', gpu: true });

    const jupyter = new JupyterServerClient(server.url!, client.http);
    const specs = await jupyter.getKernelSpecs();
    assert.ok(specs.specs.some((s) => s.name === 'python3'));
    const kernel = await jupyter.startKernel('python3');
    const session = await jupyter.connect(kernel);
    try {
      const result = await session.execute('1+1');
      assert.equal(result.status, 'ok');
      const value = result.outputs.find((o) => o.type === 'execute_result');
      assert.equal(value && 'data' in value ? value.data['text/plain'] : undefined, '2');
      const streamed = await session.execute('print("hi")\nraise ValueError("bad")');
      assert.equal(streamed.status, 'error');
      assert.equal(streamed.error?.ename, 'ValueError');
      assert.ok(streamed.outputs.some((o) => o.type === 'stream' && o.text === 'hi\n'));
    } finally {
      session.dispose();
      await jupyter.shutdownKernel(kernel.id);
    }
    assert.deepEqual(await jupyter.listKernels(), []);

    const stopped = await client.stopServer(PLAIN, 'opts');
    if (stopped === 'stopping') await client.waitForStop(PLAIN, 'opts', 60_000);
    assert.equal((await client.getServer(PLAIN, 'opts')).state, 'stopped');
  });

  test('a user whose name needs escaping starts a server and runs a kernel', async () => {
    const client = new HubClient(hub.url, { token: escapedToken });
    const server = await client.startAndWait(ESCAPED, '', { cores: '1', image: 'x', gpu: false }, { timeoutMs: 60_000 });
    assert.ok(server.url);
    const jupyter = new JupyterServerClient(server.url, client.http);
    const kernel = await jupyter.startKernel('python3');
    const session = await jupyter.connect(kernel);
    const result = await session.execute('6*7');
    session.dispose();
    await jupyter.shutdownKernel(kernel.id);
    const out = result.outputs.find((o) => o.type === 'execute_result');
    assert.equal(out && 'data' in out ? out.data['text/plain'] : undefined, '42');
    await client.stopServer(ESCAPED, '');
    await client.waitForStop(ESCAPED, '', 60_000);
  });

  test('a revoked token is Unauthorized/Forbidden (the "sign in again" case)', async () => {
    const client = new HubClient(hub.url, { token: aliceToken });
    const extra = await client.createToken(PLAIN, { note: 'to revoke', expiresInSeconds: 600 });
    const withExtra = new HubClient(hub.url, { token: extra.token });
    assert.equal((await withExtra.getCurrentUser()).name, PLAIN);
    await client.revokeToken(PLAIN, extra.id);
    await assert.rejects(withExtra.getCurrentUser(), (e) => (isPangeoError(e, 'Unauthorized') || isPangeoError(e, 'Forbidden')) && !e.message.includes(extra.token));
  });

  test('a hub killed mid-call gives Unreachable', async () => {
    const client = new HubClient(hub.url, { token: aliceToken, retries: 1, backoffMs: 50, timeoutMs: 5000 });
    // Attach the handler at once: the call fails while kill() is still running.
    const outcome = client.startAndWait(PLAIN, 'doomed', { cores: '1' }, { timeoutMs: 30_000 }).then(() => undefined, (e: unknown) => e);
    await new Promise((r) => setTimeout(r, 150));
    await hub.kill();
    const error = await outcome;
    assert.ok(isPangeoError(error, 'Unreachable') || isPangeoError(error, 'Timeout'), String(error));
    await assert.rejects(client.getCurrentUser(), (e) => isPangeoError(e, 'Unreachable'));
  });
});
