// Scenario (issue 18, item 1): ipywidgets in our controller's outputs, on the test hub's "python3-widgets" kernel
// (ipywidgets 8.1.9 + ipykernel 7.4.0 from the machine's wheels, test/support/widgetKernel.ts). A slider moved with the
// keyboard in the output reaches the kernel (an observer prints into an Output widget, which updates); tqdm.notebook
// runs to 100 %; the saved notebook holds the widget state as JupyterLab saves it and, reopened without a kernel, shows
// the slider's last value. Saves .artifacts/e2e/widgets-slider.png, widgets-tqdm.png and widgets-reopened.png.
// With loading from the CDN allowed, a third-party module comes from a stand-in for jsDelivr that the harness serves
// (this machine has no internet): Debian's RequireJS and a module written for the test (widgets-cdn-allowed.png).
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { controllerIdFor } from '../../../src/kernels/controllerId';
import { PANGEO_WIDGET_VIEW_MIME, WIDGET_STATE_MIME } from '../../../src/shared/widgetProtocol';
import { suite, test } from '../runner/registry';
import { ui, uiAvailable } from '../runner/ui';
import { ensureReadyServer, hubConfig, pangeoApi, requireHub } from './support/hubScenario';
import { cellOutputs, runCell, selectOurController, setShowOwnControllers, STDOUT_MIME } from './support/notebooks';

const WIDGET_KERNEL = 'python3-widgets';
const CELLS = [
  'import ipywidgets as w\nfrom IPython.display import display\n' +
    "slider = w.IntSlider(value=3, min=0, max=10, description='pangeo')\nout = w.Output(layout={'border': '1px solid gray'})\n" +
    "def on_value(change):\n    with out:\n        print(f\"observed {change['new']}\")\n" +
    "slider.observe(on_value, 'value')\ndisplay(slider, out)",
  'print(f"kernel sees {slider.value}")',
  'from tqdm.notebook import tqdm\nimport time\nfor i in tqdm(range(40), desc="pangeo-tqdm"):\n    time.sleep(0.02)',
];

/** Cells of the second notebook: interact, a dask.distributed progress bar, and a widget whose module is not built in. */
const MORE_CELLS = [
  'import ipywidgets as w\n@w.interact(x=(0, 10))\ndef pangeo_square(x=4):\n    print(f"square {x * x}")',
  'from distributed import Client, progress\nclient = Client(processes=False, dashboard_address=None)\n' +
    'futures = client.map(lambda x: x + 1, range(20))\nclient.gather(futures)\nprogress(futures)',
  'import ipywidgets as w\nfrom traitlets import Unicode\nclass Elsewhere(w.DOMWidget):\n' +
    "    _model_name = Unicode('ElsewhereModel').tag(sync=True)\n    _model_module = Unicode('pangeo-unknown-widgets').tag(sync=True)\n" +
    "    _model_module_version = Unicode('1.0.0').tag(sync=True)\n    _view_name = Unicode('ElsewhereView').tag(sync=True)\n" +
    "    _view_module = Unicode('pangeo-unknown-widgets').tag(sync=True)\n    _view_module_version = Unicode('1.0.0').tag(sync=True)\nElsewhere()",
];

/** Cells of the third notebook: a widget of a third-party module (test/e2e/fixtures/pangeo-test-widget.js), twice, a third later, then a change from the kernel. */
const CDN_CELLS = [
  'import ipywidgets as w\nfrom IPython.display import display\nfrom traitlets import Unicode\nclass PangeoTest(w.DOMWidget):\n' +
    "    _model_name = Unicode('PangeoTestModel').tag(sync=True)\n    _model_module = Unicode('pangeo-test-widget').tag(sync=True)\n" +
    "    _model_module_version = Unicode('1.0.0').tag(sync=True)\n    _view_name = Unicode('PangeoTestView').tag(sync=True)\n" +
    "    _view_module = Unicode('pangeo-test-widget').tag(sync=True)\n    _view_module_version = Unicode('1.0.0').tag(sync=True)\n" +
    "    text = Unicode('').tag(sync=True)\na, b = PangeoTest(text='hello 1'), PangeoTest(text='hello 2')\ndisplay(a, b)",
  "PangeoTest(text='hello 3')",
  "a.text = 'changed by the kernel'",
];
/** Where cdnLoader.ts asks for RequireJS and for the module (html-manager's rule: <pkg>@<version>/dist/index.js). */
const REQUIREJS_URL = 'https://cdn.jsdelivr.net/npm/requirejs@2.3.7/require.js';
const TEST_MODULE_URL = 'https://cdn.jsdelivr.net/npm/pangeo-test-widget@1.0.0/dist/index.js';
/** Debian's libjs-requirejs (RequireJS 2.3.6; scripts/setup.sh installs it): no package in node_modules ships require.js. */
const DEBIAN_REQUIREJS = '/usr/share/javascript/requirejs/require.js';

/** A notebook file of ours (saved and reopened by the last test). */
function notebookFile(sources = CELLS): vscode.Uri {
  const path = join(mkdtempSync(join(tmpdir(), 'pangeo-widgets-e2e-')), 'widgets.ipynb');
  const cells = sources.map((source) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null }));
  writeFileSync(path, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }, null, 1));
  return vscode.Uri.file(path);
}

let editor: vscode.NotebookEditor | undefined;
let file: vscode.Uri | undefined;

if (hubConfig()) {
  suite('widgets', () => {
    test('widgets: a slider moved in the output reaches the kernel, and the Output widget shows what its observer printed', async () => {
      const hub = requireHub();
      if (hub.widgetKernelProblem) throw new Error(`the test hub has no ${WIDGET_KERNEL} kernel: ${hub.widgetKernelProblem}`);
      assert.ok(uiAvailable(), 'this scenario moves a slider in the browser: run it with the code-server harness');
      const api = await pangeoApi();
      const base = await ensureReadyServer(api, hub);
      await setShowOwnControllers(true);
      file = notebookFile();
      editor = await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(file));
      await selectOurController(editor, controllerIdFor(base, '', WIDGET_KERNEL));
      await runCell(editor, 0);
      const mimes = cellOutputs(editor, 0).map((o) => o.mime);
      assert.ok(mimes.includes(PANGEO_WIDGET_VIEW_MIME), `the widget outputs carry our mime type: ${mimes.join(', ')}`);
      await ui({ kind: 'webviewText', selector: '.widget-readout', match: '^3$' }, 60_000);
      // The keyboard on the slider's handle, as a user moves it: two steps right.
      await ui({ kind: 'webviewInput', selector: '.widget-slider .noUi-handle', press: ['ArrowRight', 'ArrowRight'] });
      await ui({ kind: 'webviewText', selector: '.widget-readout', match: '^5$' }, 10_000);
      const printed = await ui({ kind: 'webviewText', selector: '.widget-output', match: 'observed 5' }, 20_000);
      assert.match(printed ?? '', /observed 4[\s\S]*observed 5/, 'the observer ran for each step, in order');
      await ui({ kind: 'screenshot', name: 'widgets-slider' });
      await runCell(editor, 1);
      assert.deepEqual(cellOutputs(editor, 1), [{ mime: STDOUT_MIME, text: 'kernel sees 5\n' }]);
    }, 150_000);

    test('widgets: tqdm.notebook draws its progress bar and runs to 100 %', async () => {
      assert.ok(editor, 'needs the notebook of the test before');
      await runCell(editor, 2);
      assert.equal(editor.notebook.cellAt(2).executionSummary?.success, true, JSON.stringify(cellOutputs(editor, 2)));
      const text = await ui({ kind: 'webviewText', selector: '.widget-hbox', match: 'pangeo-tqdm[\\s\\S]*100%[\\s\\S]*40/40' }, 30_000);
      console.log(`[e2e] tqdm.notebook reads ${JSON.stringify(text)}`);
      await ui({ kind: 'screenshot', name: 'widgets-tqdm' });
    }, 90_000);

    test('widgets: the saved notebook keeps the widget state as JupyterLab does, and reopened without a kernel shows the last value', async () => {
      assert.ok(editor && file, 'needs the notebook of the first test');
      assert.ok(await editor.notebook.save(), 'the notebook saved');
      const saved = JSON.parse(readFileSync(file.fsPath, 'utf8')) as { metadata: { widgets?: Record<string, { version_major: number; state: Record<string, { model_name: string; state: Record<string, unknown> }> }> } };
      const widgetState = saved.metadata.widgets?.[WIDGET_STATE_MIME];
      assert.ok(widgetState, `metadata.widgets holds ${WIDGET_STATE_MIME}: ${JSON.stringify(saved.metadata).slice(0, 300)}`);
      assert.equal(widgetState.version_major, 2);
      const slider = Object.values(widgetState.state).find((m) => m.model_name === 'IntSliderModel');
      assert.equal(slider?.state.value, 5, 'the slider saved at its last value');
      const output = Object.values(widgetState.state).find((m) => m.model_name === 'OutputModel');
      assert.match(JSON.stringify(output?.state.outputs), /observed 5/, 'the Output widget saved what it showed');

      // The saved file as another notebook (the editor keeps a closed document for a while): no kernel is bound to it.
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      const copy = vscode.Uri.file(file.fsPath.replace(/\.ipynb$/, '-reopened.ipynb'));
      copyFileSync(file.fsPath, copy.fsPath);
      editor = await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(copy));
      await ui({ kind: 'webviewText', selector: '.widget-readout', match: '^5$' }, 30_000);
      await ui({ kind: 'webviewText', selector: '.widget-output', match: 'observed 5' }, 10_000);
      await ui({ kind: 'screenshot', name: 'widgets-reopened' });
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }, 90_000);

    test('widgets: interact and a dask.distributed progress bar render; a module that is not built in asks about the CDN once and, refused, is named', async () => {
      const hub = requireHub();
      if (hub.widgetKernelProblem) throw new Error(`the test hub has no ${WIDGET_KERNEL} kernel: ${hub.widgetKernelProblem}`);
      const base = await ensureReadyServer(await pangeoApi(), hub);
      await setShowOwnControllers(true);
      await vscode.workspace.getConfiguration('pangeo.widgets').update('loadFromCdn', undefined, vscode.ConfigurationTarget.Global);
      editor = await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(notebookFile(MORE_CELLS)));
      await selectOurController(editor, controllerIdFor(base, '', WIDGET_KERNEL));
      await runCell(editor, 0);
      await ui({ kind: 'webviewText', selector: '.widget-interact', match: 'square 16' }, 60_000);
      await ui({ kind: 'webviewInput', selector: '.widget-interact .noUi-handle', press: ['ArrowRight'] });
      await ui({ kind: 'webviewText', selector: '.widget-interact', match: 'square 25' }, 20_000);

      await runCell(editor, 1);
      assert.equal(editor.notebook.cellAt(1).executionSummary?.success, true, JSON.stringify(cellOutputs(editor, 1)));
      const bar = await ui({ kind: 'webviewText', selector: '.widget-vbox:has(.widget-hprogress)', match: 'Finished[\\s\\S]*20 \\/ 20' }, 30_000);
      console.log(`[e2e] distributed progress reads ${JSON.stringify(bar)}`);

      const running = runCell(editor, 2);
      await ui({ kind: 'notification', expect: 'pangeo-unknown-widgets', button: 'Never' }, 30_000);
      await running;
      await ui({ kind: 'webviewText', selector: '.pangeo-widget-note', match: 'pangeo-unknown-widgets' }, 20_000);
      assert.equal(vscode.workspace.getConfiguration('pangeo.widgets').get('loadFromCdn'), 'deny', 'the answer is remembered');
      editor.revealRange(new vscode.NotebookRange(1, 3), vscode.NotebookEditorRevealType.AtTop);
      await ui({ kind: 'screenshot', name: 'widgets-interact-dask-unknown' });
      await vscode.workspace.getConfiguration('pangeo.widgets').update('loadFromCdn', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await setShowOwnControllers(undefined);
    }, 150_000);

    test('widgets: with loading from the CDN allowed, a third-party module is fetched once from the (served) CDN and its widgets render and update', async () => {
      const hub = requireHub();
      if (hub.widgetKernelProblem) throw new Error(`the test hub has no ${WIDGET_KERNEL} kernel: ${hub.widgetKernelProblem}`);
      if (!existsSync(DEBIAN_REQUIREJS)) throw new Error(`${DEBIAN_REQUIREJS} is missing: install Debian's libjs-requirejs (scripts/setup.sh does)`);
      const extension = vscode.extensions.getExtension('pangeo-compute.pangeo-compute');
      assert.ok(extension, 'the extension under test is loaded');
      const base = await ensureReadyServer(await pangeoApi(), hub);
      await setShowOwnControllers(true);
      await ui({ kind: 'serve', routes: [
        { url: REQUIREJS_URL, file: DEBIAN_REQUIREJS, contentType: 'application/javascript' },
        { url: TEST_MODULE_URL, file: join(extension.extensionPath, 'test', 'e2e', 'fixtures', 'pangeo-test-widget.js'), contentType: 'application/javascript' },
      ] });
      try {
        await vscode.workspace.getConfiguration('pangeo.widgets').update('loadFromCdn', 'allow', vscode.ConfigurationTarget.Global);
        editor = await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(notebookFile(CDN_CELLS)));
        await selectOurController(editor, controllerIdFor(base, '', WIDGET_KERNEL));
        await runCell(editor, 0);
        assert.equal(editor.notebook.cellAt(0).executionSummary?.success, true, JSON.stringify(cellOutputs(editor, 0)));
        await ui({ kind: 'webviewText', selector: '.pangeo-test-widget:has-text("hello 1")', match: '^pangeo-test-widget from the CDN: hello 1$' }, 60_000);
        await ui({ kind: 'webviewText', selector: '.pangeo-test-widget:has-text("hello 2")', match: '^pangeo-test-widget from the CDN: hello 2$' }, 10_000);
        // A widget of the same module shown later: the module is already loaded, nothing is fetched again.
        await runCell(editor, 1);
        await ui({ kind: 'webviewText', selector: '.pangeo-test-widget:has-text("hello 3")', match: '^pangeo-test-widget from the CDN: hello 3$' }, 30_000);
        await runCell(editor, 2);
        await ui({ kind: 'webviewText', selector: '.pangeo-test-widget:has-text("changed")', match: '^pangeo-test-widget from the CDN: changed by the kernel$' }, 20_000);
        const notes = await ui({ kind: 'webviewPage', selector: '.pangeo-test-widget', count: ['.pangeo-widget-note:not(:empty)'] });
        assert.equal((JSON.parse(notes ?? '{}') as { counts: Record<string, number> }).counts['.pangeo-widget-note:not(:empty)'], 0, 'no widget says it could not be shown');
        const served = JSON.parse((await ui({ kind: 'served' })) ?? '{}') as Record<string, number>;
        assert.deepEqual(served, { [REQUIREJS_URL]: 1, [TEST_MODULE_URL]: 1 }, 'RequireJS and the module each fetched once, nothing else asked of the CDN');
        await ui({ kind: 'screenshot', name: 'widgets-cdn-allowed' });
      } finally {
        await ui({ kind: 'serve', routes: [] });
        await vscode.workspace.getConfiguration('pangeo.widgets').update('loadFromCdn', undefined, vscode.ConfigurationTarget.Global);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
        await setShowOwnControllers(undefined);
      }
    }, 150_000);
  });
}
