// The editor adapter end to end except the editor itself: a fake `vscode`, a hub registry over a real JupyterHub 3,
// real kernels. Open a notebook → our controller appears → cells run → outputs, interrupt, close → kernel shut down.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestHub } from '../../support/jupyterhub';
import { startHubWithServer } from '../../support/hubServer';
import { HubClient } from '../../../src/hubs/hubClient';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { OneHubRegistry } from '../../support/oneHubRegistry';
import { discoverInNotebook } from '../../../src/dask/editor/notebookClusters';
import { NotebookControllers } from '../../../src/kernels/editor/notebookControllers';
import { controllerIdFor } from '../../../src/kernels/controllerId';
import { silentLogger } from '../../../src/core/log';
import { createFakeVscode, FakeNotebook, type FakeVscode } from '../../support/fakeVscode';

const USER = 'bob';

describe('notebook controllers with a real hub and kernel (fake editor)', { timeout: 240_000 }, () => {
  let hub: TestHub;
  let client: HubClient;
  let jupyter: JupyterServerClient;
  let registry: OneHubRegistry;
  let fake: FakeVscode;
  let controllers: NotebookControllers;

  before(async () => {
    ({ hub, client, jupyter } = await startHubWithServer({ user: USER, note: 'kernels adapter test' }));
    registry = new OneHubRegistry(client, hub.url, USER);
    fake = createFakeVscode();
    controllers = new NotebookControllers({ vs: fake.vs, hubs: registry, logger: silentLogger });
  });

  after(async () => {
    controllers?.dispose();
    await new Promise((r) => setTimeout(r, 500)); // let the shutdown requests of dispose() reach the server
    await hub?.stop();
  });

  test('opening a notebook offers "Pangeo: Python 3 (ipykernel) on bob @ …" with the deterministic id', async () => {
    const nb = new FakeNotebook('demo.ipynb', []);
    fake.openNotebooks.push(nb);
    fake.opened.fire(nb);
    await registry.refresh();
    await controllers.refresh();
    assert.deepEqual(controllers.controllerIds(), [controllerIdFor(hub.url, '', 'python3')]);
    assert.equal(fake.controllers[0]!.label, `Pangeo: Python 3 (ipykernel) on ${USER} @ 127.0.0.1`);
    assert.equal(fake.controllers[0]!.description, 'python3');
  });

  test('run 1+1, print, 1/0: outputs, order and success; the cell after the error does not run', async () => {
    const nb = new FakeNotebook('run.ipynb', ['1+1', 'print("hi")', '1/0', 'never = 1']);
    const controller = fake.controllers[0]!;
    await controller.executeHandler(nb.cells, nb, controller);
    const [value, printed, failed, skipped] = nb.cells;
    assert.deepEqual(value!.outputs.map((o) => o.items.map((i) => [i.mime, i.text])), [[['text/plain', '2']]]);
    assert.deepEqual(printed!.outputs.map((o) => o.items.map((i) => [i.mime, i.text])), [[['application/vnd.code.notebook.stdout', 'hi\n']]]);
    const err = JSON.parse(failed!.outputs[0]!.items[0]!.text) as { name: string };
    assert.equal(err.name, 'ZeroDivisionError');
    assert.deepEqual(nb.cells.map((c) => c.lastRun?.success), [true, true, false, undefined]);
    assert.deepEqual(nb.cells.slice(0, 3).map((c) => c.executionOrder), [1, 2, 3]);
    assert.deepEqual(skipped!.outputs, []);
  });

  test('interrupt through the controller ends time.sleep(60) with KeyboardInterrupt', async () => {
    const nb = new FakeNotebook('sleep.ipynb', ['import time\nprint("sleeping", flush=True)\ntime.sleep(60)']);
    const controller = fake.controllers[0]!;
    const running = controller.executeHandler(nb.cells, nb, controller);
    // Wait until the cell itself says it is about to sleep: a kernel reported "busy" may still be busy with something
    // else (its start, kernel_info), and an interrupt then lands before the cell runs (seen on a loaded machine).
    const deadline = Date.now() + 60_000;
    const sleeping = () => nb.cells[0]!.outputs.some((o) => o.items.some((i) => i.text.includes('sleeping')));
    while (Date.now() < deadline && !sleeping()) await new Promise((r) => setTimeout(r, 100));
    assert.ok(sleeping(), 'the cell printed "sleeping" within 60 s');
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await controller.interruptHandler!(nb);
    await running;
    assert.ok(Date.now() - t0 < 10_000);
    const errorItem = nb.cells[0]!.outputs.flatMap((o) => o.items).find((i) => i.mime === 'application/vnd.code.notebook.error');
    assert.ok(errorItem, `an error output: ${JSON.stringify(nb.cells[0]!.outputs.map((o) => o.items.map((i) => i.mime)))}`);
    const err = JSON.parse(errorItem.text) as { name: string };
    assert.equal(err.name, 'KeyboardInterrupt');
    assert.equal(nb.cells[0]!.lastRun?.success, false);
  });

  test('a notebook-made LocalCluster is found through our own kernel without touching history or counts', async () => {
    const nb = new FakeNotebook('cluster.ipynb', [
      'from dask.distributed import LocalCluster, Client\ncluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0")\nclient = Client(cluster)\n1',
      'n = 5\nn',
    ]);
    const controller = fake.controllers[0]!;
    await controller.executeHandler([nb.cells[0]!], nb, controller);
    assert.equal(nb.cells[0]!.lastRun?.success, true);
    assert.equal(await controllers.runInNotebook({ toString: () => 'file:///nowhere.ipynb' } as never, 'print(1)'), undefined);
    const found = await discoverInNotebook((uri, code) => controllers.runInNotebook(uri, code).then((o) => o ?? ''), nb.uri as never);
    assert.ok(found.some((c) => /^(tcp|inproc):\/\//.test(c.schedulerAddress ?? '')), JSON.stringify(found));
    await controller.executeHandler([nb.cells[1]!], nb, controller);
    assert.equal(nb.cells[1]!.executionOrder, 2, 'the hidden discovery run took no execution count');
    await controller.executeHandler([new FakeNotebook('x', ['client.close(); cluster.close()']).cells[0]!], nb, controller);
  });

  test('closing a notebook shuts its kernel down', async () => {
    const nb = new FakeNotebook('closing.ipynb', ['x = 1']);
    const controller = fake.controllers[0]!;
    const before = new Set((await jupyter.listKernels()).map((k) => k.id));
    await controller.executeHandler(nb.cells, nb, controller);
    const started = (await jupyter.listKernels()).filter((k) => !before.has(k.id));
    assert.equal(started.length, 1);
    fake.closed.fire(nb);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await jupyter.listKernels()).some((k) => k.id === started[0]!.id)) await new Promise((r) => setTimeout(r, 200));
    assert.ok(!(await jupyter.listKernels()).some((k) => k.id === started[0]!.id), 'kernel shut down');
  });
});
