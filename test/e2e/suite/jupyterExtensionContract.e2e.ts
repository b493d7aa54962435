// Scenario 4: the contract with the Jupyter extension's kernel picker. A test-only extension with the id the API is
// looked up by (test/e2e/jupyterStub, publisher "ms-toolsai", name "jupyter") records the server collection we
// create; the test then plays the kernel picker: lists servers, resolves one and runs code with what it returned.
import * as assert from 'node:assert/strict';
import type { JupyterServer } from '@vscode/jupyter-extension';
import { suite, test } from '../runner/registry';
import { ensureReadyServer, ensureSignedIn, hubConfig, pangeoApi, requireHub, until } from './support/hubScenario';
import { kernelsStatus, runOnServer } from './support/kernelOverHttp';
import { jupyterStubInstalled, noCancellation as none, openJupyterNotebook as openNotebook, pangeoCollection, recordedCollections } from './support/jupyterStub';

// Reads what the stand-in recorded: with the real ms-toolsai.jupyter (PANGEO_E2E_JUPYTER_EXTENSION) the suites that
// run kernels through it (jupyterServerGone, jupyterExtensionOccupancy) check the same contract in its own picker.
if (hubConfig() && jupyterStubInstalled()) {
  suite('jupyter extension contract', () => {
    test('opening a notebook hands the "Pangeo hubs" collection to the Jupyter extension, once', async () => {
      const api = await pangeoApi();
      await ensureReadyServer(api, requireHub());
      assert.deepEqual(await recordedCollections(), [], 'a collection was created before any notebook opened');
      const first = await openNotebook();
      assert.equal(first.notebookType, 'jupyter-notebook');
      const collections = await until('the stub to record a collection', async () => {
        const c = await recordedCollections();
        return c.length ? c : undefined;
      }, 15_000);
      // A second notebook must not register a second collection.
      await openNotebook();
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(collections.map((c) => [c.id, c.label, c.disposed]), [['pangeo-hubs', 'Pangeo hubs', false]]);
      assert.ok(collections[0]!.commandProvider, 'no commandProvider on the collection');
      assert.ok(collections[0]!.documentation, 'no documentation link on the collection');
    }, 60_000);

    test('provideJupyterServers lists the ready server; resolveJupyterServer\'s baseUrl + headers run 1+1 on a real kernel', async () => {
      const hub = requireHub();
      const api = await pangeoApi();
      const base = await ensureReadyServer(api, hub);
      const collection = await pangeoCollection();
      const servers = (await collection.provider.provideJupyterServers(none())) ?? [];
      const listed = servers.find((s) => s.id === `${base}#`);
      assert.ok(listed, `the default server is not listed: ${JSON.stringify(servers)}`);
      assert.match(listed.label, new RegExp(`${hub.user}`));
      const resolved = (await collection.provider.resolveJupyterServer(listed, none())) as JupyterServer | undefined;
      const info = resolved?.connectionInformation;
      assert.ok(info, 'resolveJupyterServer gave no connectionInformation');
      const baseUrl = info.baseUrl.toString(true);
      const serverUrl = api.hubs.snapshot(base)?.servers?.find((s) => s.name === '')?.url;
      assert.equal(baseUrl, serverUrl);
      const headers = { ...(info.headers ?? {}) };
      assert.ok(Object.keys(headers).length, 'no headers: the Jupyter extension would connect unauthenticated');
      // The headers are what opens the server: without them it refuses.
      assert.notEqual(await kernelsStatus(baseUrl, {}), 200, 'the server answers api/kernels without credentials');
      assert.equal(await kernelsStatus(baseUrl, headers), 200);
      const outcome = await runOnServer(baseUrl, headers, '1+1');
      assert.deepEqual({ result: outcome.result, status: outcome.status }, { result: '2', status: 'ok' });
    }, 60_000);

    test('the command provider offers "Start a server…" and "Sign in to a hub…" to a signed-in user', async () => {
      const api = await pangeoApi();
      await ensureSignedIn(api, requireHub());
      const collection = await pangeoCollection();
      assert.ok(collection.commandProvider, 'no commandProvider on the collection');
      const commands = (await collection.commandProvider.provideCommands(undefined, none())) ?? [];
      const labels = commands.map((c) => c.label);
      assert.ok(labels.includes('Start a server…'), `commands: ${labels.join(', ')}`);
      assert.ok(labels.includes('Sign in to a hub…'), `commands: ${labels.join(', ')}`);
    });
  });
}
