// Opening a kernel's socket against a real JupyterHub 3 and ipykernel: the socket goes first (no REST round trip
// before it, so a reconnect's replay starts at once); REST is asked only when the socket fails, and then says why
// with a typed error (another user's token: Forbidden; a deleted kernel: NotFound), never a silent retry loop.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, TestHub } from '../../support/jupyterhub';
import { HubClient } from '../../../src/hubs/hubClient';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { isPangeoError } from '../../../src/core/http/errors';
import { NotebookKernel } from '../../../src/kernels/notebookKernel';

describe('kernel socket first, REST only when it fails (real hub)', { timeout: 240_000 }, () => {
  let hub: TestHub;
  let jupyter: JupyterServerClient;
  let serverUrl: string;
  let bobToken: string;
  const requests: string[] = [];

  before(async () => {
    hub = await startTestHub({ users: ['alice', 'bob'] });
    const mint = (user: string) => new HubClient(hub.url).createTokenWithPassword(user, hub.password, { note: 'connect test', expiresInSeconds: 3600 });
    const aliceToken = (await mint('alice')).token;
    bobToken = (await mint('bob')).token;
    // Every REST request of alice's client is noted (the websocket does not go through fetch).
    const logged: typeof fetch = (input, init) => {
      const req = input instanceof Request ? input : new Request(input, init);
      requests.push(`${req.method} ${new URL(req.url).pathname}`);
      return fetch(req);
    };
    const client = new HubClient(hub.url, { token: aliceToken, fetch: logged });
    serverUrl = (await client.startAndWait('alice', '', {}, { timeoutMs: 60_000 })).url!;
    jupyter = new JupyterServerClient(serverUrl, client.http);
  });

  after(async () => {
    await hub?.stop();
  });

  test('a running kernel: the socket opens with no REST request before or during it, and the kernel answers', async () => {
    const kernel = await jupyter.startKernel('python3');
    requests.length = 0;
    const session = await jupyter.connect(kernel);
    try {
      assert.deepEqual(requests, [], 'no REST call on the way to the socket');
      assert.equal((await session.execute('6*7')).status, 'ok');
    } finally {
      session.dispose();
      await jupyter.shutdownKernel(kernel.id);
    }
  });

  test('another user\'s token: the failed socket is explained by REST as Forbidden, long before the connect timeout', async () => {
    const kernel = await jupyter.startKernel('python3');
    try {
      const asBob = new JupyterServerClient(serverUrl, new HubClient(hub.url, { token: bobToken }).http);
      const t0 = Date.now();
      await assert.rejects(asBob.connect(kernel, { timeoutMs: 60_000 }), (e) => isPangeoError(e, 'Forbidden') || isPangeoError(e, 'Unauthorized'));
      assert.ok(Date.now() - t0 < 20_000, `answered in ${Date.now() - t0} ms`);
    } finally {
      await jupyter.shutdownKernel(kernel.id);
    }
  });

  test('a deleted kernel: NotFound; a notebook reattaching to it starts no other kernel', async () => {
    const kernel = await jupyter.startKernel('python3');
    await jupyter.shutdownKernel(kernel.id);
    await assert.rejects(jupyter.connect(kernel, { timeoutMs: 60_000 }), (e) => isPangeoError(e, 'NotFound'));
    const before = (await jupyter.listKernels()).length;
    const nb = new NotebookKernel({ jupyter, kernelName: 'python3', sessionPath: 'pangeo-vscode/connect/gone.ipynb', sessionName: 'gone.ipynb', probeServer: async () => 'ready' });
    await assert.rejects(nb.connect({ kernelId: kernel.id }), (e) => isPangeoError(e, 'NotFound'));
    assert.equal(nb.state, 'idle');
    assert.equal((await jupyter.listKernels()).length, before, 'nothing started');
    await nb.shutdown();
  });
});
