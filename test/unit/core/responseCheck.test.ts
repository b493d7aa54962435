// Malformed REST answers from a real local HTTP server: every client turns them into UnexpectedBodyError naming the
// endpoint and who answered, never a TypeError later. Each case also runs with a well-formed body, so a check that
// refuses everything fails here too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HubClient } from '../../../src/hubs/hubClient';
import { exchangeCode } from '../../../src/hubs/oauth';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { openNotebookSession } from '../../../src/kernels/notebookSessions';
import { ServerTerminals } from '../../../src/terminals/serverTerminals';
import { ContentsClient } from '../../../src/files/contentsClient';
import { GatewayClient } from '../../../src/dask/gateway/gatewayClient';
import { CoiledClient } from '../../../src/dask/coiled/coiledClient';
import { checkBody, shape, str, UnexpectedBodyError } from '../../../src/core/http/responseCheck';

/** Answers each path (without query) with the body set for it; 200 and JSON unless the body is a plain string. */
async function fakeService(): Promise<{ url: string; server: Server; answer: Map<string, unknown> }> {
  const answer = new Map<string, unknown>();
  const server = createServer((req, res) => {
    req.resume();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (!answer.has(path)) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"message": "no such route in this test"}');
      return;
    }
    const body = answer.get(path);
    res.writeHead(req.method === 'POST' ? 201 : 200, { 'Content-Type': typeof body === 'string' ? 'text/html' : 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server, answer };
}

function isBodyError(who: string, path: string) {
  return (e: unknown) => {
    assert.ok(e instanceof UnexpectedBodyError, `expected UnexpectedBodyError, got ${String(e)}`);
    assert.equal(e.kind, 'UnexpectedResponse');
    assert.ok(e.message.startsWith(`${who} answered ${path} with `), e.message);
    assert.ok(e.hint.length > 0, 'the error says what to check');
    return true;
  };
}

test('checkBody names the endpoint, redacts the URL and never echoes the body', () => {
  const guard = shape<{ token: string }>({ token: str });
  assert.throws(() => checkBody({ token: 42, secret: 'tok-abcdef123456' }, guard, { who: 'The hub', hint: 'Is it a JupyterHub?' }, 'https://h.example.org/hub/api/user?token=xyz'),
    (e: unknown) => e instanceof UnexpectedBodyError && e.message === 'The hub answered /hub/api/user with an unexpected body.' &&
      e.userMessage.endsWith('Is it a JupyterHub?') && !JSON.stringify(e.details).includes('abcdef123456') && !String(e.details.url).includes('xyz'));
  assert.deepEqual(checkBody({ token: 'ok' }, guard, { who: 'x', hint: '' }, 'u'), { token: 'ok' });
});

test('HubClient: a body of the wrong shape is a typed error that asks whether this is a JupyterHub', async (t) => {
  const { url, server, answer } = await fakeService();
  t.after(() => server.close());
  const hub = new HubClient(url, { token: 'tok-response-check', retries: 0 });
  const bad = isBodyError('The hub', '/hub/api/user');

  answer.set('/hub/api', { version: '5.2.1' });
  assert.equal(await hub.getVersion(), '5.2.1');
  answer.set('/hub/api', { version: 5 });
  await assert.rejects(hub.getVersion(), (e) => isBodyError('The hub', '/hub/api')(e) && /a JupyterHub\?/.test((e as UnexpectedBodyError).hint));
  answer.set('/hub/api', '<html>a login page of some proxy</html>');
  await assert.rejects(hub.getVersion(), (e) => isBodyError('The hub', '/hub/api')(e) && /not JSON/.test((e as Error).message));

  answer.set('/hub/api/user', { name: 'ana', kind: 'user', servers: { '': { ready: true, pending: null, url: '/user/ana/', started: null } } });
  assert.equal((await hub.getCurrentUser()).servers[0]?.state, 'ready');
  for (const body of [null, [], { name: 7 }, { name: 'ana', servers: [] }, { name: 'ana', servers: { '': null } },
    { name: 'ana', servers: { '': { ready: 'yes' } } }, { name: 'ana', groups: 'staff' }]) {
    answer.set('/hub/api/user', body);
    await assert.rejects(hub.getCurrentUser(), bad, JSON.stringify(body));
  }

  answer.set('/hub/api/users/ana', { name: 'ana', servers: { gpu: { name: 'gpu', ready: false, pending: 'spawn', user_options: null } } });
  assert.deepEqual((await hub.listServers('ana')).map((s) => [s.name, s.state]), [['', 'stopped'], ['gpu', 'starting']]);
  answer.set('/hub/api/users/ana', { name: 'ana', servers: { gpu: { pending: 1 } } });
  await assert.rejects(hub.listServers('ana'), isBodyError('The hub', '/hub/api/users/ana'));

  answer.set('/hub/api/users/ana/tokens', { id: 'a7', token: 'tok-minted-123456', expires_at: null, note: null });
  assert.equal((await hub.createToken('ana', { note: 'n' })).id, 'a7');
  answer.set('/hub/api/users/ana/tokens', { id: { nested: true }, token: 'tok-minted-123456' });
  await assert.rejects(hub.createToken('ana', { note: 'n' }), isBodyError('The hub', '/hub/api/users/ana/tokens'));
  answer.set('/hub/api/users/ana/tokens', { api_tokens: [{ id: 3, note: null, expires_at: '2030-01-01T00:00:00Z' }] });
  assert.deepEqual((await hub.listTokens('ana')).map((x) => x.id), ['3']);
  answer.set('/hub/api/users/ana/tokens', { api_tokens: {} });
  await assert.rejects(hub.listTokens('ana'), isBodyError('The hub', '/hub/api/users/ana/tokens'));

  answer.set('/hub/api/oauth2/token', { access_token: ['not', 'a', 'string'] });
  await assert.rejects(exchangeCode(hub.http, { clientId: 'c', code: 'code-123456', redirectUri: 'vscode://x', verifier: 'v' }),
    isBodyError('The hub', '/hub/api/oauth2/token'));
});

test('Jupyter server, notebook sessions and terminals: malformed answers are typed errors naming the server', async (t) => {
  const { url, server, answer } = await fakeService();
  t.after(() => server.close());
  const hub = new HubClient(url, { token: 'tok-response-check', retries: 0 });
  const jupyter = new JupyterServerClient(`${url}user/ana/`, hub.http);
  const who = 'The Jupyter server';

  answer.set('/user/ana/api/kernelspecs', { default: 'python3', kernelspecs: { python3: { name: 'python3', spec: { display_name: 'Python 3', language: 'python' } } } });
  assert.equal((await jupyter.getKernelSpecs()).specs[0]?.displayName, 'Python 3');
  answer.set('/user/ana/api/kernelspecs', { default: 'python3', kernelspecs: [{ name: 'python3' }] });
  await assert.rejects(jupyter.getKernelSpecs(), isBodyError(who, '/user/ana/api/kernelspecs'));

  answer.set('/user/ana/api/kernels', [{ id: 'k1', name: 'python3', execution_state: 'idle' }]);
  assert.equal((await jupyter.listKernels())[0]?.id, 'k1');
  answer.set('/user/ana/api/kernels', { kernels: [] });
  await assert.rejects(jupyter.listKernels(), isBodyError(who, '/user/ana/api/kernels'));
  answer.set('/user/ana/api/kernels', { id: 42 });
  await assert.rejects(jupyter.startKernel('python3'), isBodyError(who, '/user/ana/api/kernels'));

  answer.set('/user/ana/api/sessions', [{ id: 's1', path: 'a.ipynb', name: 'a.ipynb', type: 'notebook', kernel: null }]);
  assert.deepEqual(await jupyter.listSessions(), [], 'a session whose kernel the server lost is skipped, not a crash');
  answer.set('/user/ana/api/sessions', [{ id: 's1', path: 'a.ipynb', kernel: { id: 'k1' } }]);
  await assert.rejects(jupyter.listSessions(), isBodyError(who, '/user/ana/api/sessions'));
  await assert.rejects(openNotebookSession(jupyter, { path: 'a.ipynb', name: 'a.ipynb', kernelName: 'python3' }), isBodyError(who, '/user/ana/api/sessions'));
  answer.set('/user/ana/api/sessions', { id: 's2', path: 'b.ipynb', kernel: null });
  await assert.rejects(openNotebookSession(jupyter, { path: 'b.ipynb', name: 'b.ipynb', kernelName: 'python3' }), isBodyError(who, '/user/ana/api/sessions'));

  const terminals = new ServerTerminals(jupyter);
  answer.set('/user/ana/api/terminals', [{ name: '1', last_activity: '2026-12-01T06:00:00Z' }]);
  assert.equal((await terminals.list())[0]?.name, '1');
  answer.set('/user/ana/api/terminals', [{ name: 1 }]);
  await assert.rejects(terminals.list(), isBodyError(who, '/user/ana/api/terminals'));
  answer.set('/user/ana/api/terminals', 'not json');
  await assert.rejects(terminals.create(), isBodyError(who, '/user/ana/api/terminals'));
});

test('ContentsClient: listings and file models of the wrong shape are typed errors', async (t) => {
  const { url, server, answer } = await fakeService();
  t.after(() => server.close());
  const hub = new HubClient(url, { token: 'tok-response-check', retries: 0 });
  const contents = new ContentsClient(new JupyterServerClient(`${url}user/ana/`, hub.http));
  const file = { name: 'a.txt', path: 'work/a.txt', type: 'file', writable: true, created: '2026-12-01T06:00:00Z', last_modified: '2026-12-01T06:00:00.123456Z', size: 3, mimetype: 'text/plain', format: null, content: null, hash: null };
  const folder = { ...file, name: 'work', path: 'work', type: 'directory', size: null, mimetype: null, format: 'json' };
  answer.set('/user/ana/api/contents/work', { ...folder, content: [file] });
  assert.deepEqual((await contents.list('work')).children.map((c) => c.path), ['work/a.txt']);
  answer.set('/user/ana/api/contents/work', { ...folder, content: [{ ...file, last_modified: 17 }] });
  await assert.rejects(contents.list('work'), isBodyError('The Jupyter server', '/user/ana/api/contents/work'));
  answer.set('/user/ana/api/contents/work', { ...folder, content: 'a.txt' });
  await assert.rejects(contents.list('work'), isBodyError('The Jupyter server', '/user/ana/api/contents/work'));
  answer.set('/user/ana/api/contents/work/a.txt', { ...file, type: 'symlink' });
  await assert.rejects(contents.stat('work/a.txt'), isBodyError('The Jupyter server', '/user/ana/api/contents/work/a.txt'));
});

test('Dask Gateway and Coiled: malformed answers are typed errors naming the service', async (t) => {
  const { url, server, answer } = await fakeService();
  t.after(() => server.close());
  const gateway = new GatewayClient({ url: `${url}services/dask-gateway/`, auth: { type: 'none' } });
  const gw = (path: string) => isBodyError('The Dask Gateway', `/services/dask-gateway/${path}`);
  answer.set('/services/dask-gateway/api/v1/clusters/', { c1: { name: 'c1', status: 'RUNNING', dashboard_route: '/clusters/c1/status', start_time: 1, stop_time: null, options: {}, tls_cert: 'pem', tls_key: 'secret-key' } });
  assert.deepEqual((await gateway.list()).map((c) => [c.name, c.status, c.hasTls]), [['c1', 'RUNNING', true]]);
  answer.set('/services/dask-gateway/api/v1/clusters/', { c1: { name: 'c1', status: 'running' } });
  await assert.rejects(gateway.list(), gw('api/v1/clusters/'));
  answer.set('/services/dask-gateway/api/v1/clusters/', [{ name: 'c1', status: 'RUNNING' }]);
  await assert.rejects(gateway.list(), gw('api/v1/clusters/'));
  answer.set('/services/dask-gateway/api/v1/clusters/c1', { name: 'c1' });
  await assert.rejects(gateway.get('c1'), gw('api/v1/clusters/c1'));
  answer.set('/services/dask-gateway/api/v1/clusters/', { cluster: 'c2' });
  await assert.rejects(gateway.create({}), gw('api/v1/clusters/'));
  answer.set('/services/dask-gateway/api/v1/options', { cluster_options: [null] });
  await assert.rejects(gateway.options(), gw('api/v1/options'));
  answer.set('/services/dask-gateway/api/version', '<html>JupyterHub 404 page</html>');
  await assert.rejects(gateway.version(), gw('api/version'));

  const coiled = new CoiledClient({ server: url.replace(/\/$/, ''), token: 'tok-coiled-abcdef', workspace: 'lab', maxPages: 1 });
  answer.set('/api/v2/clusters/account/lab/', [{ id: 1, name: 'c', current_state: { state: 'ready' } }]);
  assert.deepEqual((await coiled.list()).map((c) => [c.id, c.state]), [[1, 'ready']]);
  answer.set('/api/v2/clusters/account/lab/', [{ id: '1', name: 'c' }]);
  await assert.rejects(coiled.list(), isBodyError('Coiled', '/api/v2/clusters/account/lab/'));
  answer.set('/api/v2/clusters/account/lab/', { clusters: [] });
  await assert.rejects(coiled.list(), isBodyError('Coiled', '/api/v2/clusters/account/lab/'));
  answer.set('/api/v2/clusters/account/lab/id/1', null);
  await assert.rejects(coiled.get(1), isBodyError('Coiled', '/api/v2/clusters/account/lab/id/1'));
});
