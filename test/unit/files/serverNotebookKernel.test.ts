// A notebook opened from a hub server's files (pangeo-hub:) with our notebook controllers (fake vscode): the
// controller of that server and of the kernelspec the notebook names is Preferred, and its kernel session's path is
// the notebook's own path on the server; local notebooks and other servers are left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotebookControllers, NotebookKernelLike } from '../../../src/kernels/editor/notebookControllers';
import { controllerIdFor } from '../../../src/kernels/controllerId';
import type { NotebookKernelOptions } from '../../../src/kernels/notebookKernel';
import type { ConnectedServer, HubRegistry } from '../../../src/hubs/hubRegistry';
import { HubClient } from '../../../src/hubs/hubClient';
import { silentLogger } from '../../../src/core/log';
import { HUB_FILE_SCHEME, toHubUriParts } from '../../../src/files/hubFileUri';
import { createFakeVscode, FakeCell, FakeController, FakeNotebook } from '../../support/fakeVscode';

const HUB = 'https://hub.example.org/jhub/';
const USER = 'ana maría@x,(y)';

function server(name: string): ConnectedServer {
  return { hubId: HUB, hubLabel: 'hub.example.org/jhub', user: USER, client: new HubClient(HUB, { token: 'unused' }),
    server: { name, state: 'ready', url: `${HUB}user/x/${name ? `${name}/` : ''}`, userOptions: {} } };
}

/** A notebook document as VS Code's ipynb serializer makes it: the file's metadata under `metadata`. */
function hubNotebook(path: string, kernelspec?: string) {
  const parts = toHubUriParts({ hubId: HUB, user: USER, serverName: '', path });
  const text = `${HUB_FILE_SCHEME}://${parts.authority}${parts.path}`;
  const uri = { scheme: HUB_FILE_SCHEME, ...parts, toString: () => text };
  return { notebookType: 'jupyter-notebook', uri, metadata: kernelspec ? { metadata: { kernelspec: { name: kernelspec } } } : {}, cells: [new FakeCell(0, '1', text)] };
}

test('the hub notebook prefers its server\'s controller for the kernelspec it names, and its session path is its own path', async () => {
  const fake = createFakeVscode();
  (fake.vs as unknown as { NotebookControllerAffinity: unknown }).NotebookControllerAffinity = { Default: 1, Preferred: 2 };
  const affinity: Array<[string, string, number]> = [];
  (FakeController.prototype as unknown as { updateNotebookAffinity: unknown }).updateNotebookAffinity = function (this: FakeController, nb: { uri: { toString(): string } }, a: number) {
    affinity.push([this.id, nb.uri.toString(), a]);
  };
  // Typed as the whole HubRegistry so a new member of it fails to compile here rather than at run time.
  const hubs: HubRegistry = { onDidChangeServers: () => ({ dispose() {} }),
    readyServers: () => [server(''), server('gpu')], refresh: async () => undefined, restartServer: async () => false,
    authorizationFor: async () => undefined, isSignedIn: () => true, addKernelUser: () => ({ dispose() {} }) };
  const kernelOpts: NotebookKernelOptions[] = [];
  const controllers = new NotebookControllers({
    vs: fake.vs, hubs, logger: silentLogger,
    listKernelSpecs: async () => [{ name: 'python3', displayName: 'Python 3', language: 'python' }, { name: 'ir', displayName: 'R', language: 'R' }],
    probeServer: async () => 'ready',
    createKernel: (opts) => {
      kernelOpts.push(opts);
      return { state: 'idle', onDidChangeState: () => ({ dispose() {} }), run: async () => ({ status: 'ok', executionCount: 1, outputs: [] }),
        interrupt: async () => undefined, restart: async () => undefined, shutdown: async () => undefined, detach: () => undefined } as unknown as NotebookKernelLike;
    },
  });
  const local = new FakeNotebook('local.ipynb', ['1']);
  const fromHub = hubNotebook('course/week 1.ipynb', 'python3');
  for (const nb of [local, fromHub]) {
    fake.openNotebooks.push(nb as unknown as FakeNotebook);
    fake.opened.fire(nb as unknown as FakeNotebook);
  }
  await controllers.refresh();
  assert.deepEqual(affinity, [[controllerIdFor(HUB, '', 'python3'), fromHub.uri.toString(), 2]], 'only the default server\'s python3 controller, only for the hub notebook');

  // Opened after the controllers exist, without a kernelspec: every kernel of its server is suggested.
  const untyped = hubNotebook('scratch.ipynb');
  fake.openNotebooks.push(untyped as unknown as FakeNotebook);
  fake.opened.fire(untyped as unknown as FakeNotebook);
  assert.deepEqual(affinity.slice(1).map(([id]) => id).sort(), [controllerIdFor(HUB, '', 'ir'), controllerIdFor(HUB, '', 'python3')].sort());

  const controller = fake.controllers.find((c) => c.id === controllerIdFor(HUB, '', 'python3'))!;
  await controller.executeHandler(fromHub.cells, fromHub as unknown as FakeNotebook, controller);
  await controller.executeHandler(local.cells, local, controller);
  assert.equal(kernelOpts[0]!.sessionPath, 'course/week 1.ipynb', 'relative paths mean what they mean in JupyterLab');
  assert.match(kernelOpts[1]!.sessionPath, /^pangeo-vscode\/[0-9a-f]{12}\/local\.ipynb$/);
  const gpu = fake.controllers.find((c) => c.id === controllerIdFor(HUB, 'gpu', 'python3'))!;
  await gpu.executeHandler(fromHub.cells, fromHub as unknown as FakeNotebook, gpu);
  assert.match(kernelOpts[2]!.sessionPath, /^pangeo-vscode\//, 'another server has no such path: a private session path');
  controllers.dispose();
});
