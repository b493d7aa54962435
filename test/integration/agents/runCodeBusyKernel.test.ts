// "Run code" in a hub kernel against a real JupyterHub + jupyter_server + ipykernel (Debian's in CI; a newer one with
// PANGEO_TEST_HUB_CMD / PANGEO_TEST_SINGLEUSER_CMD): busy is what the kernel's shell says, not the server's REST
// execution_state. A cell of another client runs while a control-channel request has flipped that state to idle (on
// Debian's stack): the call is refused and the code never runs. A kernel restarted mid-cell (its REST state may stay
// busy) runs the code. A kernel that was shut down, or a server the hub does not have, is named: no kernel is started.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, type TestHub } from '../../support/jupyterhub';
import { HubClient } from '../../../src/hubs/hubClient';
import { JupyterServerClient, type KernelSession } from '../../../src/jupyterServer/jupyterServerClient';
import { encodeResourceId } from '../../../src/shared/resourceIds';
import { AgentToolCore, type UnknownResourceError } from '../../../src/agents/agentToolCore';
import { askKernelProcess } from '../../../src/jupyterServer/kernelProcessProbe';
import type { AgentCompute } from '../../../src/agents/agentCompute';

const USER = 'fay';

describe('run code in a hub kernel: busy, restarted, gone (real hub)', { timeout: 300_000 }, () => {
  let hub: TestHub;
  let client: HubClient;
  let jupyter: JupyterServerClient;
  let core: AgentToolCore;

  before(async () => {
    hub = await startTestHub({ users: [USER] });
    const token = (await new HubClient(hub.url).createTokenWithPassword(USER, hub.password, { note: 'busy kernel test', expiresInSeconds: 3600 })).token;
    client = new HubClient(hub.url, { token, retries: 0 });
    const server = await client.startAndWait(USER, '', {}, { timeoutMs: 90_000 });
    jupyter = new JupyterServerClient(server.url!, client.http);
    const compute: AgentCompute = {
      hubs: () => [{ id: hub.url, label: 'test hub', user: USER, client }], providers: () => [], notebooks: () => [],
      cost: async () => undefined, serverRate: async () => undefined,
    };
    core = new AgentToolCore(compute);
  });
  after(async () => hub?.stop());

  const kernelId = (id: string) => encodeResourceId({ kind: 'kernel', hubId: hub.url, serverName: '', kernelId: id });

  async function printed(session: KernelSession, code: string): Promise<string> {
    const r = await session.execute(code);
    return r.outputs.map((o) => (o.type === 'stream' ? o.text : '')).join('');
  }

  test('another client\'s cell runs (the REST state may say idle): refused, and the code never runs', async (t) => {
    const kernel = await jupyter.startKernel('python3');
    const owner = await jupyter.connect(kernel);
    try {
      assert.match(await core.invoke('pangeo_run_code', { kernel: kernelId(kernel.id), code: 'marker = "idle run"\nprint(marker)' }), /: ok\.\nOutput:\nidle run\n/, 'an idle kernel runs the code');
      // The cell waits in input() until the test releases it: busy for exactly as long as the checks below take.
      let release!: (answer: string) => void;
      const released = new Promise<string>((r) => (release = r));
      let asked!: () => void;
      const waiting = new Promise<void>((r) => (asked = r));
      const long = owner.execute('input("release?")\nmarker = "long done"', { onInput: () => (asked(), released) });
      long.catch(() => undefined); // a failure below disposes the session: its cancellation must not hide that failure
      await waiting;
      // A control-channel request (jupyter_server 2's nudge on a websocket connect sends one; so do reattach's probes)
      // is answered mid-cell with status busy → idle on IOPub, which the server takes for the kernel's state.
      assert.notEqual(await askKernelProcess(jupyter, kernel.id, 10_000), 'silent', 'the control channel answers mid-cell');
      const states: string[] = [];
      for (let i = 0; i < 40 && states.at(-1) !== 'idle'; i++) {
        states.push((await jupyter.getKernel(kernel.id)).executionState ?? '?');
        if (states.at(-1) !== 'idle') await new Promise((r) => setTimeout(r, 250));
      }
      // Debian's jupyter_server + ipykernel 6 say idle here (the tool used to trust it and ran the code after the
      // cell); jupyter_server 2.21.1 + ipykernel 7.4.0 kept 'busy'. The answer below must not depend on which.
      t.diagnostic(`REST execution_state mid-cell after a control request: ${states.at(-1)} (after ${states.length} reads)`);
      const started = Date.now();
      await assert.rejects(core.invoke('pangeo_run_code', { kernel: kernelId(kernel.id), code: 'marker = "agent ran"' }),
        /is busy: nothing was run\. Its shell did not answer within 5 s: a cell runs or waits there/);
      assert.ok(Date.now() - started < 20_000, 'answered within the probe bound, not after the cell');
      release('go');
      assert.equal((await long).status, 'ok');
      assert.equal(await printed(owner, 'print(marker)'), 'long done\n', 'the refused code never ran');
    } finally {
      owner.dispose();
      await jupyter.shutdownKernel(kernel.id).catch(() => undefined);
    }
  });

  test('a kernel restarted in the middle of a cell runs the code (whatever its REST state says)', async () => {
    const kernel = await jupyter.startKernel('python3');
    const owner = await jupyter.connect(kernel);
    try {
      void owner.execute('import time\ntime.sleep(60)').catch(() => undefined);
      await new Promise((r) => setTimeout(r, 1500));
      await jupyter.restartKernel(kernel.id);
      assert.match(await core.invoke('pangeo_run_code', { kernel: kernelId(kernel.id), code: 'print("after restart")' }), /: ok\.\nOutput:\nafter restart\n/);
    } finally {
      owner.dispose();
      await jupyter.shutdownKernel(kernel.id).catch(() => undefined);
    }
  });

  test('a kernel that was shut down, or a named server the hub does not have: named, and no kernel is started', async () => {
    const kernel = await jupyter.startKernel('python3');
    await jupyter.shutdownKernel(kernel.id);
    const before = (await jupyter.listKernels()).map((k) => k.id).sort();
    await assert.rejects(core.invoke('pangeo_run_code', { kernel: kernelId(kernel.id), code: 'print(1)' }),
      (e: Error) => new RegExp(`No kernel kernel:.+ on server \\(default\\) of test hub \\(it may have been shut down\\)\\.`).test(e.message)
        && /pangeo_list_compute/.test((e as UnknownResourceError).hint ?? ''));
    const ghost = encodeResourceId({ kind: 'server', hubId: hub.url, serverName: 'ghost' });
    await assert.rejects(core.invoke('pangeo_run_code', { kernel: ghost, code: 'print(1)' }), /No server ghost of fay on test hub\./);
    assert.deepEqual((await jupyter.listKernels()).map((k) => k.id).sort(), before, 'no kernel was started');
    assert.deepEqual((await client.listServers(USER)).map((s) => s.name), [''], 'no server "ghost" was made');
  });
});
