// Issue 19, item 3: JupyterHub itself restarts with its servers kept running (the upgrade path, `cleanup_servers =
// False`), against the real hub: a counter cell goes on, the notebook reconnects, no "server is gone" verdict fires
// while the hub is away, and every line arrives once, in order, with the cell's result. Two arrangements:
// - the proxy runs beside the hub (zero-to-jupyterhub's proxy pod): the hub is down 15 s, longer than the "gone"
//   verdict's 12 s, and the notebook's network goes for 8 s meanwhile, so it must reconnect (and get the server's
//   replay) while the hub does not answer. The network goes while the cell is quiet: a message the server writes into
//   a connection that is dropping is lost (jupyter_server has no acknowledgements; see the README's reattach limits);
// - the hub manages its proxy: the new hub stops the old proxy and starts another (every socket drops, the server is
//   unreachable until the hub has added its routes again).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestHub, TestHub } from '../../support/jupyterhub';
import { HubClient } from '../../../src/hubs/hubClient';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { isPangeoError } from '../../../src/core/http/errors';
import { KernelState, NotebookKernel, ServerProbe } from '../../../src/kernels/notebookKernel';
import type { CellOutput } from '../../../src/kernels/cellOutputs';
import { stdoutLines } from '../../support/cellText';
import { until } from '../../support/waitUntil';
import { startTcpForwarder, TcpForwarder } from '../../support/tcpForwarder';

const USER = 'alice';
const QUIET_AFTER = 40;
/** `lines` lines, one every 0.2 s, quiet for 4 s after line 40, then its result. */
const counter = (lines: number) => `import time\nfor i in range(${lines}):\n    print(i, flush=True)\n    time.sleep(4 if i == ${QUIET_AFTER} else 0.2)\n"counted"`;

/** `lines`: the counter goes on well past the hub's return (15 s down beside its proxy; about 5 s when it manages it). */
function restartSuite(name: string, opts: { externalProxy: boolean; downMs: number; cutNetworkMs?: number; lines: number }) {
  describe(name, { timeout: 300_000 }, () => {
    let hub: TestHub;
    let fwd: TcpForwarder;
    let client: HubClient;
    let jupyter: JupyterServerClient;
    let kernel: NotebookKernel | undefined;

    // As the controller asks the hub (src/kernels/editor/notebookControllers.ts probe()).
    const probe = async (): Promise<ServerProbe> => {
      try {
        return (await client.getServer(USER, '')).state === 'ready' ? 'ready' : 'stopped';
      } catch (e) {
        return isPangeoError(e, 'NotFound') ? 'stopped' : 'unknown';
      }
    };

    before(async () => {
      hub = await startTestHub({ users: [USER], keepServers: true, externalProxy: opts.externalProxy });
      fwd = await startTcpForwarder(Number(new URL(hub.url).port));
      const token = (await new HubClient(hub.url).createTokenWithPassword(USER, hub.password, { note: 'hub restart test', expiresInSeconds: 3600 })).token;
      // Through a forwarder the test can cut: the notebook's socket drops when the test says so.
      client = new HubClient(`http://127.0.0.1:${fwd.port}/`, { token });
      const server = await client.startAndWait(USER, '', {}, { timeoutMs: 60_000 });
      jupyter = new JupyterServerClient(server.url!, client.http);
    });

    after(async () => {
      await kernel?.shutdown().catch(() => undefined);
      await fwd?.close();
      await hub?.stop();
    });

    test('a counter cell runs through the hub restart: every line once, in order, its result, no "server is gone"', async () => {
      kernel = new NotebookKernel({ jupyter, kernelName: 'python3', sessionPath: `pangeo-vscode/test/hub-restart-${randomUUID().slice(0, 8)}.ipynb`, sessionName: 'r.ipynb', probeServer: probe });
      const states: string[] = [];
      kernel.onDidChangeState((c) => states.push(c.message ? `${c.state} (${c.message})` : c.state));
      let live: CellOutput[] = [];
      const running = kernel.run({ code: counter(opts.lines), onChange: () => undefined });
      const current = () => (kernel as unknown as { runningCell?: { outputs: { outputs: CellOutput[] } } }).runningCell?.outputs.outputs ?? live;
      void running.then((r) => (live = r.outputs), () => undefined);
      await until('the counter to be quiet', () => stdoutLines(current()).length > QUIET_AFTER, 90_000);
      const kernelId = kernel.kernelId;

      let hubBack = false;
      const restarted = hub.restartHub({ downMs: opts.downMs }).then(() => void (hubBack = true));
      if (opts.cutNetworkMs) {
        // While the hub goes away the notebook's network goes too (the cell is quiet now): it must reconnect, and get
        // what the server kept, without the hub's word.
        await new Promise((r) => setTimeout(r, 1_000));
        console.log(`[phase] network cut at line ${stdoutLines(current()).length} while the hub stops`);
        await fwd.cut(opts.cutNetworkMs);
        console.log(`[phase] network back at line ${stdoutLines(current()).length}`);
        // The server answers again: the notebook reconnects without waiting for the hub, which is still away.
        await until('the notebook to reconnect', () => kernel!.state === 'connected', 5_000);
        assert.equal(hubBack, false, 'reconnected while the hub was still down');
        console.log(`[phase] reconnected at line ${stdoutLines(current()).length}, the hub still down`);
      }
      await restarted;
      console.log(`[phase] hub back at line ${stdoutLines(current()).length}; states ${states.join(' → ')}`);

      const result = await running;
      const lines = stdoutLines(result.outputs);
      assert.equal(result.status, 'ok', `states: ${states.join(' → ')}`);
      const lossNotice = JSON.stringify(result.outputs).includes('Output may be missing here');
      assert.deepEqual(lines, Array.from({ length: opts.lines }, (_, i) => String(i)), `every line once, in order (loss ${lossNotice ? '' : 'not '}named in the cell)`);
      assert.equal(lossNotice, false, 'no loss named where none was');
      assert.ok(result.outputs.some((o) => o.items.some((i) => i.kind === 'text' && i.text === "'counted'")), 'the result');
      assert.ok(!states.some((s) => s.startsWith('server-stopped')), `no "server is gone" verdict: ${states.join(' → ')}`);
      assert.equal(kernel.kernelId, kernelId, 'the same kernel');
      assert.equal(kernel.state satisfies KernelState, 'connected');
      assert.equal(await probe(), 'ready', 'the hub knows the server again');
    });
  });
}

restartSuite('JupyterHub restarts, proxy beside it (zero-to-jupyterhub), servers kept', { externalProxy: true, downMs: 15_000, cutNetworkMs: 8_000, lines: 150 });
restartSuite('JupyterHub restarts with the proxy it manages, servers kept', { externalProxy: false, downMs: 2_000, lines: 100 });
