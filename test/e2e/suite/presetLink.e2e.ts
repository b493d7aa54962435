// Scenario (issue 6): opening a one-click preset link in a real editor shows the review page (steps and source, read in
// the browser inside the webview) and applies nothing until the user consents. Saves .artifacts/e2e/preset-review.png.
//
// How the link gets to the extension: in code-server, `vscode.env.openExternal` sends the main thread
// `open(uri, {openExternal: true})`, which the workbench's URL opener declines on purpose, so the browser would just
// try to leave the page. `vscode.open` on a `${vscode.env.uriScheme}://` URI takes the route a link clicked inside
// the workbench takes (markdown, terminal, hovers): opener service → URL service → the extension's URI handler.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, test } from '../runner/registry';
import { ui, uiAvailable } from '../runner/ui';
import { EXTENSION_ID, sleep, until } from './support/hubScenario';
import type { Preset } from '../../../src/presets/presetTypes';
import type { LocalClusterProvider } from '../../../src/dask/local/localProvider';

const REVIEW_VIEW_TYPE = 'pangeo.presetReview';

function reviewTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes(REVIEW_VIEW_TYPE));
}

/** The text of one element of the review page, read in the browser. */
const reviewText = async (testId: string, match?: string) =>
  (await ui({ kind: 'webviewText', selector: `[data-testid="${testId}"]`, match }, 20_000)) ?? '';

suite('presetLink', () => {
  test('opening a preset link shows the review page with the steps and the source, and applies nothing', async () => {
    assert.ok(uiAvailable(), 'this scenario reads the webview in the browser: run it with the code-server harness');
    const ext = vscode.extensions.getExtension<{ dask: { local: LocalClusterProvider } }>(EXTENSION_ID);
    assert.ok(ext, 'extension not loaded');
    const api = ext.isActive ? ext.exports : await ext.activate();

    const name = `E2E link preset ${Date.now().toString(36)}`;
    const preset: Preset = {
      version: 1, name, description: 'Opened from a link by the e2e run',
      dask: { provider: 'local', workers: 2 },
      settings: { 'editor.fontSize': 17 },
    };
    // The documented link format, written out here (src/presets/presetLink.ts pulls jsonc-parser's UMD build, which
    // the runner bundle can't follow), with the editor's own scheme (`code-oss` in code-server, `vscode` on desktop).
    const link = `${vscode.env.uriScheme}://${EXTENSION_ID}/preset?data=${Buffer.from(JSON.stringify(preset), 'utf8').toString('base64url')}`;
    const fontSizeBefore = vscode.workspace.getConfiguration('editor').inspect('fontSize');
    const clustersBefore = (await api.dask.local.list()).length;
    for (const t of reviewTabs()) await vscode.window.tabGroups.close(t);

    // Not awaited: whether it resolves before the review is decided is the editor's business, not ours.
    let opened: unknown;
    const opening = Promise.resolve(vscode.commands.executeCommand('vscode.open', vscode.Uri.parse(link))).then(
      () => { opened = 'resolved'; },
      (e: unknown) => { opened = e; },
    );
    try {
      const tab = await until(`a "${REVIEW_VIEW_TYPE}" tab after opening ${link.slice(0, 80)}…`, () => {
        if (opened instanceof Error) throw opened;
        return reviewTabs()[0];
      }, 20_000);
      assert.equal(tab.label, `Preset: ${name}`);
      assert.ok(tab.isActive, 'the review page is the active tab');

      assert.match(await reviewText('preset-name', name), new RegExp(`Apply the preset “${name}”\\?`));
      assert.match(await reviewText('preset-source'), /^a link \(the preset was inside the link\)$/);
      const steps = await reviewText('preset-steps', 'editor\\.fontSize');
      const lines = steps.split('\n').map((l) => l.trim()).filter(Boolean);
      const dask = lines.findIndex((l) => l.startsWith('Create a Dask cluster (local, 2 workers)'));
      const settings = lines.findIndex((l) => l.startsWith('Change 1 workspace setting'));
      assert.ok(dask >= 0, `the steps list the Dask cluster:\n${steps}`);
      assert.ok(settings > dask, `the settings step comes after the cluster:\n${steps}`);
      assert.ok(lines.includes('Setting editor.fontSize = 17'), `the settings step says what changes:\n${steps}`);
      // Consent is asked for, not given: Apply is there and nothing clicks it.
      assert.equal((await reviewText('apply', '^Apply$')).trim(), 'Apply');

      await sleep(500);
      const fontSizeNow = vscode.workspace.getConfiguration('editor').inspect('fontSize');
      assert.deepEqual([fontSizeNow?.workspaceValue, fontSizeNow?.globalValue], [fontSizeBefore?.workspaceValue, fontSizeBefore?.globalValue], 'no setting changed before consent');
      assert.equal((await api.dask.local.list()).length, clustersBefore, 'no Dask cluster was created before consent');

      await vscode.commands.executeCommand('notifications.clearAll');
      await ui({ kind: 'screenshot', name: 'preset-review' });
    } finally {
      // Closing the page is a "cancel", which ends the link's handling.
      for (const t of reviewTabs()) await vscode.window.tabGroups.close(t).then(undefined, () => undefined);
      await Promise.race([opening, sleep(5_000)]);
    }
    assert.ok(!(opened instanceof Error), `vscode.open failed: ${String(opened)}`);
  }, 60_000);
});
