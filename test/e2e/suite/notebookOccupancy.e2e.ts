// Scenario (issues 12, 22): in a real editor, a notebook on our own controller (a real kernel on the test hub) holds a
// Dask Client of a local cluster and submits tasks; the cluster's dashboard panel then shows occupancy and current work
// read through that kernel (the kernel probe); WHILE a blocking cell computes it keeps showing them live, read through a
// probe kernel of ours beside the notebook's; and the probes bump no execution count. Saves
// .artifacts/e2e/dashboard-occupancy.png and dashboard-occupancy-computing.png.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { controllerIdFor } from '../../../src/kernels/controllerId';
import { suite, test } from '../runner/registry';
import { ui, uiAvailable } from '../runner/ui';
import { ensureReadyServer, hubConfig, pangeoApi, requireHub, until } from './support/hubScenario';
import { createLocalCluster, daskApi } from './support/dask';
import { closeNotebook, openNotebook, runCell, selectOurController, setShowOwnControllers } from './support/notebooks';


const order = (editor: vscode.NotebookEditor, i: number) => editor.notebook.cellAt(i).executionSummary?.executionOrder;

if (hubConfig()) {
  suite('dashboard occupancy', () => {
    test('occupancy and current work come through the notebook\'s kernel while it is idle, and stay live while a blocking cell computes', async () => {
      if (!existsSync('/usr/bin/dask')) throw new Error('this scenario needs /usr/bin/dask (python3-distributed)');
      assert.ok(uiAvailable(), 'this scenario reads the webview in the browser: run it with the code-server harness');
      const hub = requireHub();
      const api = await pangeoApi();
      const base = await ensureReadyServer(api, hub);
      const dask = await daskApi();
      const name = `e2e-occ-${Date.now().toString(36)}`;
      const title = `Dask: ${name}`;
      let editor: vscode.NotebookEditor | undefined;
      try {
        const cluster = await createLocalCluster(dask, name, 2);
        assert.ok(cluster.schedulerAddress, 'the local cluster has a scheduler address');

        await setShowOwnControllers(true);
        editor = await openNotebook([
          `import time\nfrom distributed import Client\nclient = Client(${JSON.stringify(cluster.schedulerAddress)})\n` +
            'def slow_square(i):\n    time.sleep(5)\n    return i * i',
          'futures = client.map(slow_square, range(8))',
          'client.gather(client.map(slow_square, range(100, 106), pure=False))',
          'len(futures)',
        ]);
        await selectOurController(editor, controllerIdFor(base, '', 'python3'));
        await runCell(editor, 0);
        await runCell(editor, 1);
        assert.equal(editor.notebook.cellAt(1).executionSummary?.success, true, 'the Client connected and the tasks were submitted');
        const submitted = order(editor, 1)!;

        await vscode.commands.executeCommand('pangeo.dask.openDashboard', { kind: 'cluster', providerId: 'local', cluster });
        await until(`a "${title}" dashboard tab`, () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === title), 10_000);
        // Live: the panel names the notebook its values come from (the probe runs every 5 s while the panel is visible).
        const note = await ui({ kind: 'webviewText', selector: '[data-testid="chart-occupancy"][data-probe-state="live"] [data-testid="chart-occupancy-note"]', match: 'from the Dask client in Untitled' }, 45_000);
        assert.match(note ?? '', /from the Dask client in Untitled-\d+\.ipynb \(/, 'the notebook named as the user sees it');
        await vscode.commands.executeCommand('notifications.clearAll');
        // A click on the occupancy bars scrolls them into the picture (and highlights that worker everywhere).
        await ui({ kind: 'webviewInput', selector: '[data-testid="chart-occupancy"] canvas' });
        await ui({ kind: 'screenshot', name: 'dashboard-occupancy' });

        // A blocking cell (6 tasks of 5 s on 2 workers, after what is queued): the notebook's kernel is busy, and the panel
        // shows live values read through a probe kernel of ours beside it, with the running task named.
        await vscode.window.showNotebookDocument(editor.notebook, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
        const blocking = runCell(editor, 2);
        let cellDone = false;
        void blocking.then(() => { cellDone = true; }, () => { cellDone = true; });
        const during = await ui({ kind: 'webviewText', selector: '[data-testid="chart-occupancy"][data-probe-state="live"] [data-testid="chart-occupancy-note"]', match: 'probe kernel of ours beside Untitled' }, 60_000);
        assert.equal(cellDone, false, 'read while the cell computes');
        assert.match(during ?? '', /through a probe kernel of ours beside Untitled-\d+\.ipynb while it runs a cell/);
        assert.match(during ?? '', /Now: [12] workers? with work, \d+(\.\d+)? s assigned in all; busiest \S+: slow_square/, 'non-zero occupancy and the running task');
        // data-probe-state="live" above: the "shown when the notebook's kernel is idle" line is hidden (it is only shown when not live).
        await ui({ kind: 'screenshot', name: 'dashboard-occupancy-computing' });
        assert.equal(cellDone, false, 'still computing after the screenshot');
        await blocking;
        assert.equal(editor.notebook.cellAt(2).executionSummary?.success, true);
        assert.equal(order(editor, 2), submitted + 1, 'the probes in between bumped no execution count');
        await ui({ kind: 'webviewText', selector: '[data-testid="chart-occupancy"][data-probe-state="live"] h3', match: 'Occupancy' }, 30_000);
        await runCell(editor, 3);
        assert.equal(order(editor, 3), submitted + 2);
      } finally {
        const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === title);
        if (tab) await vscode.window.tabGroups.close(tab).then(undefined, () => undefined);
        if (editor) await closeNotebook(editor).then(undefined, () => undefined);
        await setShowOwnControllers(undefined);
        await dask.local.stop(name).catch(() => undefined);
      }
    }, 240_000);
  });
}
