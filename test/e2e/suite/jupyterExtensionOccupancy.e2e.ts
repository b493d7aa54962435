// Issue 12 with the real Jupyter extension (checked by hand: PANGEO_E2E_JUPYTER_EXTENSION): a notebook whose kernel was
// picked in that extension's picker ("Pangeo hubs" → the server → Python 3) holds a Dask Client of a local cluster;
// after "Find Dask Clusters in This Notebook" the cluster's dashboard reads occupancy and current work through that
// extension's kernels API (executeCode, kernel.status), says "shown when the notebook's kernel is idle" while a blocking
// cell runs, and the probes bump no execution count. Registered only with the real extension (the stub has no kernels).
// Saves .artifacts/e2e/dashboard-occupancy-jupyter-extension.png.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { jupyterExtensionProbeKernel } from '../../../src/dashboard/editor/probeKernels';
import { e2eConfig } from '../runner/config';
import { suite, test } from '../runner/registry';
import { ui, uiAvailable } from '../runner/ui';
import { ensureReadyServer, hubConfig, pangeoApi, requireHub, until } from './support/hubScenario';
import { JUPYTER_ID, listed, pickInJupyterPicker, provider, runCellToEnd } from './support/jupyterExtension';
import { createLocalCluster, daskApi } from './support/dask';
import { closeNotebook, openNotebook } from './support/notebooks';


const order = (editor: vscode.NotebookEditor, i: number) => editor.notebook.cellAt(i).executionSummary?.executionOrder;

/**
 * Registered only with the real ms-toolsai.jupyter (PANGEO_E2E_JUPYTER_EXTENSION), in the editor run that allows
 * modal dialogs (run.ts, harness `dialogs`): the stub runs no kernels, and the real one asks its consent in a modal.
 */
function realJupyterExtension(): boolean {
  const version = (vscode.extensions.getExtension(JUPYTER_ID)?.packageJSON as { version?: string } | undefined)?.version;
  return version !== undefined && !version.endsWith('-e2e');
}

if (hubConfig() && realJupyterExtension() && e2eConfig().dialogs === true) {
  suite('jupyter extension occupancy', () => {
    test('occupancy and current work come through the Jupyter extension\'s kernel after Find Clusters; "kernel busy" while a cell runs', async () => {
      if (!existsSync('/usr/bin/dask')) throw new Error('this scenario needs /usr/bin/dask (python3-distributed)');
      assert.ok(uiAvailable(), 'this scenario reads the webview in the browser: run it with the code-server harness');
      const hub = requireHub();
      const api = await pangeoApi();
      const base = await ensureReadyServer(api, hub);
      const dask = await daskApi();
      const name = `e2e-jocc-${Date.now().toString(36)}`;
      const title = `Dask: ${name}`;
      let editor: vscode.NotebookEditor | undefined;
      try {
        const cluster = await createLocalCluster(dask, name, 2);
        assert.ok(cluster.schedulerAddress, 'the local cluster has a scheduler address');

        const p = await provider(api);
        const server = await until('the server in "Pangeo hubs"', () => listed(p, `${base}#`), 30_000, 250);
        editor = await openNotebook([
          `import time\nfrom distributed import Client\nclient = Client(${JSON.stringify(cluster.schedulerAddress)})\n` +
            'def slow_square(i):\n    time.sleep(8)\n    return i * i',
          'futures = client.map(slow_square, range(8))',
          'client.gather(client.map(slow_square, range(100, 102), pure=False))',
          'len(futures)',
        ]);
        await pickInJupyterPicker(editor, server.label);
        const first = await runCellToEnd(editor, 0, 90_000);
        assert.equal(first.success, true, `the Client connected: ${JSON.stringify(first)}`);
        const submit = await runCellToEnd(editor, 1);
        assert.equal(submit.success, true, `the tasks were submitted: ${JSON.stringify(submit)}`);
        const submitted = order(editor, 1)!;

        // The probe's idle gate against the real kernels API (getKernel and status need no consent): while a cell runs
        // the kernel says busy and runIfIdle sends nothing.
        const kernels = (vscode.extensions.getExtension(JUPYTER_ID)?.exports as { kernels?: { getKernel(uri: vscode.Uri): Thenable<{ status?: string } | undefined> } }).kernels;
        const uri = editor.notebook.uri;
        console.log(`[e2e] kernels API after the first cells: status ${JSON.stringify((await kernels?.getKernel(uri))?.status)}`);
        const gate = jupyterExtensionProbeKernel(vscode, uri, 'gate');
        const gated = runCellToEnd(editor, 2, 90_000);
        await until('the kernel to say busy', async () => (await kernels?.getKernel(uri))?.status === 'busy', 20_000, 100);
        const sent = await gate.runIfIdle('print("probe")');
        console.log(`[e2e] runIfIdle while the cell runs: ${JSON.stringify(sent)}`);
        assert.equal(sent, undefined, 'a probe was sent to a busy kernel');
        assert.equal((await gated).success, true);
        assert.equal(order(editor, 2), submitted + 1);
        console.log(`[e2e] kernels API after the cell: status ${JSON.stringify((await kernels?.getKernel(uri))?.status)}`);

        // Through the Jupyter extension's kernels API: it asks once, in a modal dialog, whether Pangeo Compute may run
        // code in its kernels; this editor run allows dialogs (the runner is not an extensionTestsPath), so it is
        // answered as a user would. Should the workbench refuse it anyway, the test says so and fails.
        const found = Date.now();
        // Not awaited: on failure the command waits on its error toast (with "Show Log") until it is closed.
        void vscode.commands.executeCommand('pangeo.dask.discoverNotebookClusters', editor.notebook.uri);
        const consent = await ui({ kind: 'dialog', expect: 'grant Kernel access', button: 'Allow' }, 20_000).then((t) => `shown: ${t ?? ''}`, (e: unknown) => `not shown: ${String(e)}`);
        console.log(`[e2e] Jupyter extension consent dialog ${JSON.stringify(consent)}`);
        const refused = await ui({ kind: 'notification', expect: 'refused to show dialog in tests' }, 3_000).then(() => true, () => false);
        if (refused) {
          await vscode.commands.executeCommand('notifications.clearAll');
          throw new Error('not checkable in this harness: ms-toolsai.jupyter asks "Do you want to grant Kernel access to the extension Pangeo Compute ' +
            '(pangeo-compute.pangeo-compute)?" in a modal dialog, which the workbench refuses while extension tests run ("DialogService: refused to show ' +
            'dialog in tests"); Find Clusters failed with that message, so the probe has no kernel to run in');
        }
        const entry = await until('the notebook\'s clusters', () => dask.service.notebookClusters().find((n) => n.uri === editor!.notebook.uri.toString()), 30_000, 250);
        console.log(`[e2e] found in the notebook ${Date.now() - found} ms after Find Clusters: ${JSON.stringify(entry)}`);
        assert.ok(entry?.clusters.some((c) => c.schedulerAddress === cluster.schedulerAddress), `the notebook's client was found: ${JSON.stringify(entry)}`);
        assert.equal(order(editor, 2), submitted + 1, 'Find Clusters bumped no execution count');

        await vscode.commands.executeCommand('pangeo.dask.openDashboard', { kind: 'cluster', providerId: 'local', cluster });
        await until(`a "${title}" dashboard tab`, () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === title), 10_000);
        const opened = Date.now();
        const note = await ui({ kind: 'webviewText', selector: '[data-testid="chart-occupancy"][data-probe-state="live"] [data-testid="chart-occupancy-note"]', match: 'from the Dask client in Untitled' }, 45_000);
        console.log(`[e2e] occupancy live ${Date.now() - opened} ms after the dashboard opened: ${JSON.stringify(note)}`);
        assert.match(note ?? '', /from the Dask client in Untitled-\d+\.ipynb \(/, 'the notebook named as the user sees it');
        const panel = await ui({ kind: 'webviewText', selector: '[data-testid="chart-occupancy"]' });
        console.log(`[e2e] occupancy panel: ${JSON.stringify(panel)}`);
        await ui({ kind: 'screenshot', name: 'dashboard-occupancy-jupyter-extension' });

        // A blocking cell: the Jupyter extension's kernel reports busy, so no probe is sent and the panel says why.
        await vscode.window.showNotebookDocument(editor.notebook, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
        // Run without showing the notebook again: that would bring it to the front of the dashboard's group, hiding the panel.
        const blocking = runCellToEnd(editor, 2, 90_000, false);
        const busy = await ui({ kind: 'webviewText', selector: '[data-testid="chart-occupancy-missing"]', match: 'kernel is idle' }, 30_000);
        console.log(`[e2e] while the blocking cell runs: ${JSON.stringify(busy)}`);
        assert.match(busy ?? '', /shown when the notebook's kernel is idle — Untitled-\d+\.ipynb is running a cell/);
        const blocked = await blocking;
        console.log(`[e2e] blocking cell: ${JSON.stringify(blocked)}`);
        assert.equal(blocked.success, true);
        assert.equal(order(editor, 2), submitted + 2, 'the probes in between bumped no execution count');
        await ui({ kind: 'webviewText', selector: '[data-testid="chart-occupancy"][data-probe-state="live"] h3', match: 'Occupancy' }, 30_000);
        const last = await runCellToEnd(editor, 3);
        console.log(`[e2e] last cell: ${JSON.stringify(last)}; execution orders ${[0, 1, 2, 3].map((i) => order(editor!, i)).join(', ')}`);
        assert.equal(order(editor, 3), submitted + 3);
      } finally {
        const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === title);
        if (tab) await vscode.window.tabGroups.close(tab).then(undefined, () => undefined);
        if (editor) await closeNotebook(editor).then(undefined, () => undefined);
        await dask.local.stop(name).catch(() => undefined);
      }
    }, 300_000);
  });
}
