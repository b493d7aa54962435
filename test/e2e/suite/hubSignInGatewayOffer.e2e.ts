// Scenario: signed in to a hub that serves a Dask Gateway (the scenario hub's dask-gateway service), the Dask view
// offers that gateway with no address typed; one click on the offer adds it, and it lists clusters with the hub's token.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, test } from '../runner/registry';
import { ui, uiAvailable } from '../runner/ui';
import { daskApi } from './support/dask';
import { ensureSignedIn, pangeoApi, requireHub, until } from './support/hubScenario';

const DASK_VIEW = '#workbench\\.parts\\.sidebar .pane:has(.pane-header:has-text("Dask Clusters")) .pane-body';

suite('dask gateway offer', () => {
  test('after sign-in the Dask view offers the hub\'s Gateway; one click adds it and it lists clusters', async () => {
    assert.ok(uiAvailable(), 'this scenario clicks in the Dask view (code-server harness)');
    const hub = requireHub();
    assert.ok(hub.gatewayUrl, 'the scenario hub serves a Dask Gateway');
    const api = await pangeoApi();
    const dask = await daskApi();
    await ensureSignedIn(api, hub);
    const providerId = `gateway:${hub.gatewayUrl}`;
    assert.equal(dask.service.snapshot(providerId), undefined, 'not added before the click');
    await vscode.commands.executeCommand('workbench.view.extension.pangeo');
    await vscode.commands.executeCommand('pangeo.dask.focus');
    // The offer appears once the view is shown and the hub has been asked; nothing was typed.
    await ui({ kind: 'click', selector: `${DASK_VIEW} .monaco-list-row`, hasText: 'Add Dask Gateway of' }, 45_000);
    const snap = await until('the gateway in the Dask view, its clusters listed', async () => {
      await dask.service.refresh(providerId);
      const s = dask.service.snapshot(providerId);
      return s?.clusters || s?.error ? s : undefined;
    }, 45_000, 500);
    assert.equal(snap.error, undefined, `listing through the hub's gateway with the sign-in's token: ${String(snap.error)}`);
    assert.deepEqual(snap.clusters, []);
    const text = (await ui({ kind: 'text', selector: DASK_VIEW })) ?? '';
    assert.ok(!text.includes('Add Dask Gateway of'), `the offer is gone once added: ${JSON.stringify(text.slice(0, 400))}`);
    await ui({ kind: 'screenshot', name: 'dask-gateway-offer-added' });
  }, 120_000);
});
