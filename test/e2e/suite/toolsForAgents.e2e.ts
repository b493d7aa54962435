// Scenario (issue 21): the extension's language-model tools invoked through vscode.lm.invokeTool, as a chat agent
// calls them, against the test hub and a local Dask cluster: list what I have, read the cluster, run code in a new
// kernel of the hub server, in an existing kernel and in a notebook's kernel (a busy one gets nothing), scale the
// cluster, stop and start the server. Confirmations: outside a chat, VS Code 1.100 asks through its dialog service,
// which under the extension test runner confirms by itself without showing anything ("refused to show confirmation
// dialog in tests"), so a refusal is played in the "inside a hub server" editor start (insideHub.e2e.ts), which allows
// dialogs; here what each tool would ask is read through the extension's API.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { controllerIdFor } from '../../../src/kernels/controllerId';
import { encodeResourceId } from '../../../src/shared/resourceIds';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { suite, test } from '../runner/registry';
import { adminGet, ensureReadyServer, EXTENSION_ID, hubConfig, pangeoApi, requireHub, until } from './support/hubScenario';
import { createLocalCluster, daskApi } from './support/dask';
import { closeNotebook, openNotebook, runCell, selectOurController, setShowOwnControllers } from './support/notebooks';

interface AgentToolsApi { confirmation(name: string, input: unknown): Promise<{ title: string; message: string } | undefined> }

async function agentToolsApi(): Promise<AgentToolsApi> {
  const ext = vscode.extensions.getExtension<{ agentTools?: AgentToolsApi }>(EXTENSION_ID)!;
  const api = ext.isActive ? ext.exports : await ext.activate();
  assert.ok(api.agentTools, 'activate() returns no agentTools');
  return api.agentTools;
}

/** Calls a tool as an agent would (no chat: no invocation token) and returns its text. */
async function invoke(name: string, input: object): Promise<string> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  return result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
}

async function schedulerWorkers(dashboardUrl: string): Promise<number> {
  const res = await fetch(new URL('json/identity.json', dashboardUrl.replace(/status$/, '')));
  return Object.keys(((await res.json()) as { workers: object }).workers).length;
}

if (hubConfig()) {
  suite('agent tools', () => {
    test('agent tools: list, cluster state, run code, scale and stop/start through vscode.lm.invokeTool', async () => {
      if (!existsSync('/usr/bin/dask')) throw new Error('this scenario needs /usr/bin/dask (python3-distributed)');
      const hub = requireHub();
      const api = await pangeoApi();
      const base = await ensureReadyServer(api, hub);
      const dask = await daskApi();
      const tools = await agentToolsApi();
      assert.deepEqual(vscode.lm.tools.filter((t) => t.name.startsWith('pangeo_')).map((t) => t.name).sort(),
        ['pangeo_cluster_state', 'pangeo_list_compute', 'pangeo_run_code', 'pangeo_scale_cluster', 'pangeo_start_server', 'pangeo_stop_server']);
      const name = `e2e-agent-${Date.now().toString(36)}`;
      const serverId = encodeResourceId({ kind: 'server', hubId: base, serverName: '' });
      const clusterId = encodeResourceId({ kind: 'cluster', providerId: 'local', clusterId: name });
      let editor: vscode.NotebookEditor | undefined;
      try {
        const cluster = await createLocalCluster(dask, name, 1);

        const listed = await invoke('pangeo_list_compute', {});
        assert.ok(listed.includes(`(signed in as ${hub.user})`), listed);
        assert.ok(listed.includes(`server (default): ready`) && listed.includes(`[id ${serverId}]`), listed);
        assert.ok(listed.includes(`- ${name} (This machine): running, 1 worker`) && listed.includes(`[id ${clusterId}]`), listed);
        assert.match(listed, /^Cost: /m);

        const state = await invoke('pangeo_cluster_state', { cluster: clusterId });
        assert.match(state, new RegExp(`^Cluster ${name} \\(This machine\\): running; 1 worker, 1 threads`));
        assert.match(state, /^Memory per worker \(used \/ limit\), fullest first:\n- .+: [\d.]+ \/ 0\.\d\d GiB/m);

        // Run code: in a new kernel of the server (shut down after), then in an existing kernel.
        const ran = await invoke('pangeo_run_code', { kernel: serverId, code: 'import os\nprint(os.environ["JUPYTERHUB_USER"])\n6*7' });
        assert.match(ran, new RegExp(`: ok\\.\\nOutput:\\n${hub.user}\\n42\\n`));
        const ready = api.hubs.readyServers().find((s) => s.hubId === base && s.server.name === '')!;
        const jupyter = new JupyterServerClient(ready.server.url!, ready.client.http);
        const kernel = await jupyter.startKernel('python3');
        const kernelId = encodeResourceId({ kind: 'kernel', hubId: base, serverName: '', kernelId: kernel.id });
        assert.match(await invoke('pangeo_run_code', { kernel: kernelId, code: 'y = 3\ny * 2' }), /: ok\.\nOutput:\n6\n/);
        await jupyter.shutdownKernel(kernel.id);

        // What the user is asked: our words, the resource, the code, the cost where known ($0 on this machine).
        const askRun = await tools.confirmation('pangeo_run_code', { kernel: serverId, code: 'print(1)' });
        assert.equal(askRun?.title, 'Run code in a Pangeo kernel?');
        assert.ok(askRun?.message.includes('a new kernel on server \\(default\\) of') && askRun.message.includes('```python\nprint(1)\n```'), askRun?.message);
        const askScale = await tools.confirmation('pangeo_scale_cluster', { cluster: clusterId, workers: 2 });
        assert.equal(askScale?.title, 'Scale up a Dask cluster?');
        assert.ok(askScale?.message.includes(`${name.replace(/-/g, '\\-')} \\(This machine\\)\n\n`) && askScale.message.includes('Estimated cost\\: \\$0\\.000\\/h'), askScale?.message);
        const askStop = await tools.confirmation('pangeo_stop_server', { server: serverId });
        assert.equal(askStop?.title, 'Stop a hub server?');
        assert.equal(await tools.confirmation('pangeo_list_compute', {}), undefined, 'reading asks nothing');

        // A notebook on our controller: an idle kernel runs the code; while a cell runs, the call is refused and nothing is sent.
        await setShowOwnControllers(true);
        editor = await openNotebook(['marker = "set by the notebook"', 'import time\ntime.sleep(12)\nmarker = "after the sleep"']);
        await selectOurController(editor, controllerIdFor(base, '', 'python3'));
        await runCell(editor, 0);
        const notebookId = `notebook:${encodeURIComponent(editor.notebook.uri.toString())}`;
        assert.match(await invoke('pangeo_list_compute', {}), new RegExp(`: idle \\[id ${notebookId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\]`));
        assert.match(await invoke('pangeo_run_code', { kernel: notebookId, code: 'print(marker)' }), /: ok\.\nOutput:\nset by the notebook\n/);
        const sleeping = runCell(editor, 1);
        await until('the notebook kernel to be busy', async () => ((await invoke('pangeo_list_compute', {})).includes(`: busy [id ${notebookId}]`) ? true : undefined), 10_000, 200);
        await assert.rejects(invoke('pangeo_run_code', { kernel: notebookId, code: 'marker = "agent"' }), /is busy: nothing was run/);
        await sleeping;
        assert.match(await invoke('pangeo_run_code', { kernel: notebookId, code: 'print(marker)' }), /Output:\nafter the sleep\n/, 'the refused code never ran');
        await closeNotebook(editor);
        editor = undefined;

        // Bad input and a resource that does not exist: clear answers, nothing made.
        const ghost = encodeResourceId({ kind: 'server', hubId: base, serverName: 'ghost' });
        await assert.rejects(invoke('pangeo_start_server', { server: ghost }), /No server ghost of .* Call pangeo_list_compute/);
        await assert.rejects(invoke('pangeo_scale_cluster', { cluster: clusterId }), /give workers \(a fixed size\), or minimum and maximum/);
        const user = await adminGet<{ servers: Record<string, unknown> }>(hub, `hub/api/users/${hub.user}`);
        assert.ok(!('ghost' in user.servers), 'no server "ghost" was made');

        // Scale the cluster; stop the server and start it again.
        assert.match(await invoke('pangeo_scale_cluster', { cluster: clusterId, workers: 2 }), new RegExp(`^Asked ${name} \\(This machine\\) for 2 workers`));
        await until('the scheduler to report 2 workers', async () => ((await schedulerWorkers(cluster.dashboardUrl!)) === 2 ? true : undefined), 30_000, 250);
        assert.match(await invoke('pangeo_stop_server', { server: serverId }), /^Server \(default\) of .* is stopped\.$/);
        assert.equal((await adminGet<{ servers: Record<string, unknown> }>(hub, `hub/api/users/${hub.user}`)).servers[''], undefined, 'the hub has no running default server');
        assert.match(await invoke('pangeo_start_server', { server: serverId }), /^Server \(default\) of .* is ready \[id /);
        await until('the Hubs view to know the server is ready again', () => api.hubs.readyServers().some((s) => s.hubId === base && s.server.name === ''), 15_000);
      } finally {
        if (editor) await closeNotebook(editor).catch(() => undefined);
        await setShowOwnControllers(undefined);
        await dask.local.stop(name).catch(() => undefined);
      }
    }, 240_000);
  });
}
