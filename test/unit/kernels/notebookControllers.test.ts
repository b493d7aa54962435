// The editor adapter with a fake `vscode`: controllers per server and kernelspec, a notebook run producing the cell
// outputs (recorded kernel messages), the Jupyter-extension rule, kernel shutdown on close, server loss.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { NotebookControllers, NotebookKernelLike } from '../../../src/kernels/editor/notebookControllers';
import { controllerIdFor } from '../../../src/kernels/controllerId';
import { CellOutputState, DisplayIndex } from '../../../src/kernels/cellOutputs';
import { Emitter } from '../../../src/core/emitter';
import { ExecutionQueue } from '../../../src/kernels/executionQueue';
import type { CellRunRequest, CellRunResult, KernelState, KernelStateChange, NotebookKernelOptions, ServerProbe } from '../../../src/kernels/notebookKernel';
import type { ConnectedServer, HubKernelUser, HubRegistry } from '../../../src/hubs/hubRegistry';
import { HubClient } from '../../../src/hubs/hubClient';
import { silentLogger } from '../../../src/core/log';
import { createFakeVscode, FakeEventEmitter, FakeNotebook, type FakeVscode } from '../../support/fakeVscode';
import { recordedCell, recordedOutputs } from './recorded';
import { HUB_FILE_SCHEME, toHubUriParts } from '../../../src/files/hubFileUri';
import { settle } from '../../support/mockClock';
import type { PangeoError } from '../../../src/core/http/errors';
import type { NotebookReattacher } from '../../../src/kernels/editor/reattachCells';
import type { LedgerQueuedCell } from '../../../src/kernels/reattach/runLedger';

const HUB = 'https://hub.example.org/';

/** Replays what a real ipykernel sent for each recorded cell, keyed by the cell's code. */
class RecordedKernel implements NotebookKernelLike {
  state: KernelState = 'idle';
  private readonly emitter = new Emitter<KernelStateChange>();
  readonly onDidChangeState = this.emitter.event;
  private readonly displays = new DisplayIndex();
  private readonly queue = new ExecutionQueue();
  private count = 0;
  shutdowns = 0;
  detaches = 0;
  constructor(readonly opts: NotebookKernelOptions) {}

  run(req: CellRunRequest): Promise<CellRunResult> {
    const cancelled = (): CellRunResult => ({ status: 'cancelled', executionCount: null, outputs: [] });
    return this.queue.enqueue(async () => {
      if (req.signal?.aborted) return cancelled();
      if (req.code === HANG) {
        // Prints, then runs until the kernel ends: as NotebookKernel, a reason other than Cancelled is the cell's failure.
        req.onStart?.();
        const outputs = new CellOutputState(this.displays, req.cellKey);
        for (const change of outputs.apply(recordedOutputs('streams')[0]!)) req.onChange(change);
        const reason = await new Promise<PangeoError | undefined>((resolve) => (this.end = resolve));
        if (reason && reason.kind !== 'Cancelled') throw reason;
        return cancelled();
      }
      const name = Object.entries(CELLS).find(([, code]) => code === req.code)![0];
      req.onStart?.();
      req.onRequest?.(`req-${this.count + 1}`);
      const outputs = new CellOutputState(this.displays, req.cellKey);
      for (const out of recordedOutputs(name)) for (const change of outputs.apply(out)) req.onChange(change);
      const reply = recordedCell(name).reply;
      return { status: reply.status as CellRunResult['status'], executionCount: ++this.count, outputs: outputs.outputs };
    }, cancelled);
  }
  /** As NotebookKernel: only when connected with nothing running or queued (the Dask probe must not wait behind cells). */
  hidden: CellRunRequest[] = [];
  runIfIdle(code: string): Promise<CellRunResult> | undefined {
    if (this.state !== 'connected' || !this.queue.idle) return undefined;
    const req = { code, silent: true, storeHistory: false, onChange: () => undefined };
    this.hidden.push(req);
    return this.run(req);
  }
  async interrupt() {}
  connects = 0;
  async connect() {
    this.connects++;
    this.state = 'connected';
  }
  restarts = 0;
  async restart() {
    this.restarts++;
  }
  /** Ends a HANG cell (shutdown or detach). */
  private end?: (reason: PangeoError | undefined) => void;
  async shutdown(reason?: PangeoError) {
    this.shutdowns++;
    this.state = 'shut-down';
    this.end?.(reason);
  }
  detach(reason?: PangeoError) {
    this.detaches++;
    this.state = 'shut-down';
    this.end?.(reason);
  }
  setState(state: KernelState, message?: string) {
    const previous = this.state;
    this.state = state;
    this.emitter.fire({ state, previous, message });
  }
}

const HANG = 'import time; print("working"); time.sleep(600)';
const CELLS = Object.fromEntries(['value', 'streams', 'display_keep', 'display_update_later', 'clear_wait', 'rich', 'error'].map((n) => [n, recordedCell(n).code]));

function server(name = ''): ConnectedServer {
  return {
    hubId: HUB, hubLabel: 'hub.example.org', user: 'alice',
    server: { name, state: 'ready', url: `${HUB}user/alice/${name ? `${name}/` : ''}`, userOptions: {} },
    client: new HubClient(HUB, { token: 'unused' }),
  };
}

function setup(servers: ConnectedServer[] = [server()], probe: { value: ServerProbe } = { value: 'stopped' }, reattach?: NotebookReattacher) {
  const fake: FakeVscode = createFakeVscode();
  const changed = new FakeEventEmitter<void>();
  const restartCalls: string[] = [];
  const restartResult = { value: false };
  const signedIn = { value: true };
  const kernelUsers: HubKernelUser[] = [];
  let ready = servers;
  const hubs: HubRegistry = {
    onDidChangeServers: changed.event,
    readyServers: () => ready,
    refresh: async () => undefined,
    restartServer: async (hubId, name) => {
      restartCalls.push(`${hubId}|${name}`);
      return restartResult.value;
    },
    authorizationFor: async () => undefined,
    isSignedIn: () => signedIn.value,
    addKernelUser: (user) => {
      kernelUsers.push(user);
      return { dispose() {} };
    },
  };
  const kernels: RecordedKernel[] = [];
  const siblings: { server: ConnectedServer; kernelName: string }[] = [];
  const controllers = new NotebookControllers({
    vs: fake.vs, hubs, logger: silentLogger, reattach,
    startSibling: async (server, kernelName) => {
      siblings.push({ server, kernelName });
      return { run: async () => '', dispose: () => undefined };
    },
    listKernelSpecs: async () => [{ name: 'python3', displayName: 'Python 3 (ipykernel)', language: 'python' }],
    probeServer: async () => probe.value,
    createKernel: (opts) => {
      const k = new RecordedKernel(opts);
      kernels.push(k);
      return k;
    },
  });
  const setServers = async (next: ConnectedServer[]) => {
    ready = next;
    changed.fire();
    await controllers.refresh();
  };
  const open = async (nb: FakeNotebook) => {
    fake.openNotebooks.push(nb);
    fake.opened.fire(nb);
    await controllers.refresh();
  };
  return { fake, controllers, kernels, restartCalls, restartResult, setServers, open, signedIn, kernelUsers, probe, siblings };
}

describe('NotebookControllers (fake vscode)', () => {
  test('no controllers before a notebook opens; then one per ready server and kernelspec, with the id scheme', async () => {
    const { fake, controllers, open } = setup([server(), server('gpu')]);
    await controllers.refresh();
    assert.equal(fake.controllers.length, 0, 'lazy: nothing until a notebook opens');
    await open(new FakeNotebook('a.ipynb', []));
    assert.deepEqual(controllers.controllerIds(), [controllerIdFor(HUB, '', 'python3'), controllerIdFor(HUB, 'gpu', 'python3')].sort());
    const c = fake.controllers.find((x) => x.id === controllerIdFor(HUB, '', 'python3'))!;
    assert.equal(c.label, 'Pangeo: Python 3 (ipykernel) on alice @ hub.example.org');
    assert.equal(c.description, 'python3');
    assert.equal(c.notebookType, 'jupyter-notebook');
    assert.deepEqual(c.supportedLanguages, ['python']);
    assert.equal(c.supportsExecutionOrder, true);
    assert.ok(c.interruptHandler);
    assert.equal(fake.controllers.find((x) => x.id.endsWith('-gpu-python3'))!.label, 'Pangeo: Python 3 (ipykernel) on alice @ hub.example.org (gpu)');
  });

  test('a notebook run through the controller produces the cell outputs, execution order and success', async () => {
    const { fake, open, kernels } = setup();
    const nb = new FakeNotebook('run.ipynb', [CELLS.value!, CELLS.streams!, CELLS.display_keep!, CELLS.display_update_later!, CELLS.clear_wait!, CELLS.rich!]);
    await open(nb);
    const controller = fake.controllers[0]!;
    await controller.executeHandler(nb.cells, nb, controller);
    assert.equal(kernels.length, 1, 'one kernel per notebook');
    assert.match(kernels[0]!.opts.sessionPath, /^pangeo-vscode\/[0-9a-f]{12}\/run\.ipynb$/);
    const [value, streams, shown, updater, cleared, rich] = nb.cells;
    assert.deepEqual(nb.cells.map((c) => c.executionOrder), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(nb.cells.map((c) => c.lastRun?.success), [true, true, true, true, true, true]);
    assert.deepEqual(value!.outputs.map((o) => o.items.map((i) => [i.mime, i.text])), [[['text/plain', '2']]]);
    assert.deepEqual(streams!.outputs.map((o) => [o.items[0]!.mime, o.items[0]!.text]), [
      ['application/vnd.code.notebook.stdout', 'hi\n'], ['application/vnd.code.notebook.stderr', 'oops\n'], ['application/vnd.code.notebook.stdout', 'more\n']]);
    assert.equal(shown!.outputs[0]!.items[0]!.text, "'second'", 'a later cell updated this display');
    assert.deepEqual(updater!.outputs, []);
    assert.deepEqual(cleared!.outputs.map((o) => o.items[0]!.text), ['2\n']);
    const png = rich!.outputs[0]!.items.find((i) => i.mime === 'image/png')!;
    assert.equal(Buffer.from(png.data).subarray(1, 4).toString(), 'PNG', 'image bytes decoded from base64');
    assert.deepEqual(JSON.parse(rich!.outputs[1]!.items.find((i) => i.mime === 'application/json')!.text), { a: 1, b: [1, 2] });
  });

  test('an error output uses the error item; the rest of the batch does not run', async () => {
    const { fake, open } = setup();
    const nb = new FakeNotebook('err.ipynb', [CELLS.error!, CELLS.value!]);
    await open(nb);
    const controller = fake.controllers[0]!;
    await controller.executeHandler(nb.cells, nb, controller);
    const [failed, skipped] = nb.cells;
    assert.equal(failed!.lastRun?.success, false);
    const err = JSON.parse(failed!.outputs[0]!.items[0]!.text) as { name: string; message: string };
    assert.equal(failed!.outputs[0]!.items[0]!.mime, 'application/vnd.code.notebook.error');
    assert.deepEqual([err.name, err.message], ['ZeroDivisionError', 'division by zero']);
    assert.equal(skipped!.lastRun?.success, undefined);
    assert.deepEqual(skipped!.outputs, []);
  });

  test('a queued cell is kept for a reload until its request is sent (then a run) or it ends unsent (dropped)', async () => {
    const calls: string[] = [];
    const entries: LedgerQueuedCell[] = [];
    const reattach = {
      queued: (_key: string, cell: { index: number }) => {
        calls.push(`queued ${cell.index}`);
        const entry = { cellIndex: cell.index, cellHash: 'h', queuedAt: 0 };
        entries.push(entry);
        return entry;
      },
      started: (_key: string, cell: { index: number }, msgId: string, _at: number, queued?: LedgerQueuedCell) =>
        calls.push(`started ${cell.index} ${msgId} ${queued === entries[cell.index] ? 'from its queued entry' : 'unknown entry'}`),
      ended: (_key: string, msgId: string) => calls.push(`ended ${msgId}`),
      dequeued: (_key: string, queued: LedgerQueuedCell) => calls.push(`dequeued ${entries.indexOf(queued)}`),
      clientIdFor: () => 'client-key',
      pending: () => undefined,
    } as unknown as NotebookReattacher;
    const { fake, open } = setup(undefined, undefined, reattach);
    const nb = new FakeNotebook('queued.ipynb', [CELLS.error!, CELLS.value!]);
    await open(nb);
    const controller = fake.controllers[0]!;
    await controller.executeHandler(nb.cells, nb, controller);
    // Each is kept queued until sent; the first is sent and ends with an error, so the second is cancelled unsent (Run All).
    assert.deepEqual(calls, ['queued 0', 'started 0 req-1 from its queued entry', 'queued 1', 'dequeued 1', 'ended req-1']);
  });

  test('closing the notebook shuts the kernel down, or only detaches with pangeo.kernels.keepKernelOnClose', async () => {
    const { fake, open, kernels } = setup();
    const a = new FakeNotebook('a.ipynb', [CELLS.value!]);
    const b = new FakeNotebook('b.ipynb', [CELLS.value!]);
    await open(a);
    await open(b);
    const controller = fake.controllers[0]!;
    await controller.executeHandler(a.cells, a, controller);
    await controller.executeHandler(b.cells, b, controller);
    assert.equal(kernels.length, 2);
    fake.closed.fire(a);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual([kernels[0]!.shutdowns, kernels[0]!.detaches], [1, 0]);
    fake.settings['pangeo.kernels.keepKernelOnClose'] = true;
    fake.closed.fire(b);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual([kernels[1]!.shutdowns, kernels[1]!.detaches], [0, 1]);
  });

  test('with the Jupyter extension installed: no controllers unless pangeo.kernels.showOwnControllers', async () => {
    const { fake, controllers, open } = setup();
    fake.installedExtensions.add('ms-toolsai.jupyter');
    await open(new FakeNotebook('a.ipynb', []));
    assert.deepEqual(controllers.controllerIds(), []);
    fake.settings['pangeo.kernels.showOwnControllers'] = true;
    fake.configChanged.fire({ affectsConfiguration: (s) => s === 'pangeo.kernels.showOwnControllers' });
    await controllers.refresh();
    assert.equal(controllers.controllerIds().length, 1);
  });

  test('showOwnControllers turned off: a kernel only started on selection keeps no controller (and is shut down); one that ran cells does', async () => {
    const { fake, controllers, open, kernels } = setup();
    fake.installedExtensions.add('ms-toolsai.jupyter');
    fake.settings['pangeo.kernels.showOwnControllers'] = true;
    const idle = new FakeNotebook('idle.ipynb', [CELLS.value!]);
    await open(idle);
    fake.controllers[0]!.selection.fire({ notebook: idle, selected: true });
    await new Promise((r) => setImmediate(r));
    assert.equal(kernels[0]!.connects, 1, 'started on selection');
    fake.settings['pangeo.kernels.showOwnControllers'] = false;
    await controllers.refresh();
    assert.deepEqual(controllers.controllerIds(), [], 'a selection alone keeps nothing next to the Jupyter extension');
    assert.equal(kernels[0]!.shutdowns, 1, 'its unused kernel is shut down');

    fake.settings['pangeo.kernels.showOwnControllers'] = true;
    await controllers.refresh();
    const used = new FakeNotebook('used.ipynb', [CELLS.value!]);
    await open(used);
    const controller = fake.controllers.at(-1)!;
    controller.selection.fire({ notebook: used, selected: true });
    await controller.executeHandler(used.cells, used, controller);
    fake.settings['pangeo.kernels.showOwnControllers'] = false;
    await controllers.refresh();
    assert.equal(controllers.controllerIds().length, 1, 'a notebook that ran cells keeps its kernel and controller');
  });

  test('a server that goes away under a notebook: the controller stays bound, one "gone" notification, reconnect offered when back', async () => {
    const { fake, controllers, open, setServers, restartCalls, kernels, probe } = setup();
    const nb = new FakeNotebook('a.ipynb', [CELLS.value!]);
    await open(nb);
    const controller = fake.controllers[0]!;
    await controller.executeHandler(nb.cells, nb, controller);
    await setServers([]);
    assert.equal(controller.disposed, false, 'the notebook stays bound to it');
    assert.equal(controller.description, 'server stopped');
    assert.deepEqual(restartCalls, [], 'nothing is started without asking');
    assert.equal(fake.messages.filter((m) => m.includes('is gone')).length, 1, fake.messages.join(' | '));
    assert.equal(kernels[0]!.detaches, 1, 'the server is gone: nothing to shut down');
    // A cell run now says why instead of staying at [ ].
    await controller.executeHandler(nb.cells, nb, controller);
    assert.equal(nb.cells[0]!.lastRun?.success, false);
    assert.match(nb.cells[0]!.outputs[0]!.items[0]!.text, /not running/);
    probe.value = 'ready';
    fake.answers.buttons.set('running again', 'Reconnect');
    await setServers([server()]);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(controllers.controllerIds(), [controllerIdFor(HUB, '', 'python3')], 'same id again when the server is back');
    assert.equal(controller.description, 'python3');
    assert.ok(fake.messages.some((m) => m.includes('is running again. Reconnect a.ipynb')), fake.messages.join(' | '));
    assert.equal(kernels.length, 2);
    assert.equal(kernels[1]!.connects, 1, 'Reconnect starts the kernel at once');
  });

  test('picking a controller starts the notebook\'s kernel at once (startOnSelect), not with the setting off', async () => {
    const { fake, open, kernels } = setup();
    const nb = new FakeNotebook('a.ipynb', [CELLS.value!]);
    await open(nb);
    fake.controllers[0]!.selection.fire({ notebook: nb, selected: true });
    await new Promise((r) => setImmediate(r));
    assert.equal(kernels.length, 1);
    assert.equal(kernels[0]!.connects, 1, 'the kernel starts before the first cell');
    await fake.controllers[0]!.executeHandler(nb.cells, nb, fake.controllers[0]!);
    assert.equal(kernels.length, 1, 'the first cell runs on that same kernel');

    const off = setup();
    off.fake.settings['pangeo.kernels.startOnSelect'] = false;
    const nb2 = new FakeNotebook('b.ipynb', [CELLS.value!]);
    await off.open(nb2);
    off.fake.controllers[0]!.selection.fire({ notebook: nb2, selected: true });
    await new Promise((r) => setImmediate(r));
    assert.equal(off.kernels.length, 0, 'off: the kernel waits for the first cell');
  });

  test('"Start It Again" restarts the server without asking twice', async () => {
    const { fake, open, setServers, restartCalls, restartResult } = setup();
    const nb = new FakeNotebook('a.ipynb', [CELLS.value!]);
    await open(nb);
    const controller = fake.controllers[0]!;
    await controller.executeHandler(nb.cells, nb, controller);
    restartResult.value = true;
    fake.answers.buttons.set('is gone', 'Start It Again');
    await setServers([]);
    await settle(); // the toast's answer and the restart are promise steps: event-loop turns, not a time window
    assert.deepEqual(restartCalls, [`${HUB}|`]);
  });

  test('sign-out: the notebook is named, its kernel ends, a run says "signed out" with Sign In; after sign-in it runs with no new pick', async () => {
    const { fake, controllers, open, setServers, kernels, kernelUsers, signedIn } = setup([server(), server('gpu')]);
    const nb = new FakeNotebook('analysis.ipynb', [CELLS.value!]);
    await open(nb);
    const controller = fake.controllers.find((c) => c.id === controllerIdFor(HUB, '', 'python3'))!;
    controller.selection.fire({ notebook: nb, selected: true });
    await controller.executeHandler(nb.cells, nb, controller);
    assert.equal(kernelUsers.length, 1);
    assert.deepEqual(kernelUsers[0]!.notebooksOn(HUB), ['analysis.ipynb']);
    assert.deepEqual(kernelUsers[0]!.notebooksOn('https://other.example.org/'), []);
    await kernelUsers[0]!.release(HUB);
    assert.equal(kernels[0]!.shutdowns, 1, 'the kernel is shut down while the token still works');
    signedIn.value = false;
    await setServers([]);
    assert.deepEqual(controllers.controllerIds(), [controllerIdFor(HUB, '', 'python3')], 'the unused controller goes, the bound one stays');
    assert.equal(controller.disposed, false);
    assert.match(controller.description ?? '', /signed out/);
    fake.answers.buttons.set('signed out of', 'Sign In');
    await controller.executeHandler(nb.cells, nb, controller);
    assert.equal(nb.cells[0]!.lastRun?.success, false);
    assert.match(nb.cells[0]!.outputs[0]!.items[0]!.text, /signed out of hub\.example\.org/);
    await new Promise((r) => setImmediate(r)); // the question does not hold the run; its answer comes later
    assert.deepEqual(fake.executed.map((c) => [c.id, c.args[0]]), [['pangeo.hubs.signIn', HUB]]);
    assert.equal(kernels.length, 1, 'no kernel is started while signed out');
    signedIn.value = true;
    await setServers([server(), server('gpu')]);
    assert.equal(controller.description, 'python3');
    await controller.executeHandler(nb.cells, nb, controller);
    assert.equal(kernels.length, 2, 'a new kernel after sign-in');
    assert.equal(nb.cells[0]!.lastRun?.success, true);
    assert.deepEqual(nb.cells[0]!.outputs.map((o) => o.items[0]!.text), ['2']);
  });

  test('sign-out while a cell runs: the cell keeps what it printed, then says it was signed out and ends failed', async () => {
    const { fake, open, kernelUsers, kernels } = setup();
    const nb = new FakeNotebook('long.ipynb', [HANG]);
    await open(nb);
    const controller = fake.controllers.find((c) => c.id === controllerIdFor(HUB, '', 'python3'))!;
    const running = controller.executeHandler(nb.cells, nb, controller);
    await settle();
    assert.equal(nb.cells[0]!.lastRun?.success, undefined, 'the cell ended before the sign-out');
    await kernelUsers[0]!.release(HUB);
    await running;
    assert.equal(kernels[0]!.shutdowns, 1);
    assert.equal(nb.cells[0]!.lastRun?.success, false, 'the cell ended without ✓ or ✗');
    const texts = nb.cells[0]!.outputs.map((o) => o.items[0]!.text);
    assert.equal(texts.length, 2, JSON.stringify(texts));
    assert.doesNotMatch(texts[0]!, /signed out/, 'what the cell printed is kept first');
    assert.match(texts[1]!, /You signed out of hub\.example\.org while this cell ran, so its kernel was shut down\. Sign in to hub\.example\.org/);
  });

  test('signed out without release (hub removed, token lost): the kernel is detached, the notebook stays bound', async () => {
    const { fake, open, setServers, signedIn, kernels } = setup();
    const nb = new FakeNotebook('a.ipynb', [CELLS.value!]);
    await open(nb);
    const controller = fake.controllers[0]!;
    await controller.executeHandler(nb.cells, nb, controller);
    signedIn.value = false;
    await setServers([]);
    assert.deepEqual([kernels[0]!.shutdowns, kernels[0]!.detaches], [0, 1]);
    assert.equal(controller.disposed, false);
    assert.match(controller.description ?? '', /signed out/);
  });

  test('a signed-out controller goes once its notebook closes', async () => {
    const { fake, controllers, open, setServers, signedIn } = setup();
    const nb = new FakeNotebook('a.ipynb', [CELLS.value!]);
    await open(nb);
    const controller = fake.controllers[0]!;
    controller.selection.fire({ notebook: nb, selected: true });
    signedIn.value = false;
    await setServers([]);
    assert.equal(controller.disposed, false);
    fake.closed.fire(nb);
    await controllers.refresh();
    assert.equal(controller.disposed, true);
  });

  test('a server missing from a refresh while the hub still says ready keeps the controller of a notebook in use', async () => {
    const probe = { value: 'ready' as ServerProbe };
    const { fake, controllers, open, setServers, restartCalls } = setup([server(), server('gpu')], probe);
    const nb = new FakeNotebook('a.ipynb', [CELLS.value!]);
    await open(nb);
    const used = fake.controllers.find((c) => c.id === controllerIdFor(HUB, '', 'python3'))!;
    await used.executeHandler(nb.cells, nb, used);
    await setServers([]);
    assert.deepEqual(controllers.controllerIds(), [controllerIdFor(HUB, '', 'python3')], 'the unused one goes, the used one stays');
    assert.equal(used.disposed, false);
    assert.deepEqual(restartCalls, []);
    probe.value = 'stopped';
    await setServers([]);
    assert.equal(used.disposed, false, 'still bound to the notebook');
    assert.equal(used.description, 'server stopped');
    assert.deepEqual(restartCalls, []);
    assert.equal(fake.messages.filter((m) => m.includes('is gone')).length, 1);
  });

  test('the restart command restarts the kernel of the given notebook, and says so when there is none', async () => {
    const { fake, controllers, open, kernels } = setup();
    const nb = new FakeNotebook('a.ipynb', [CELLS.value!]);
    await open(nb);
    await controllers.restartKernel(nb.uri as unknown as vscode.Uri);
    assert.ok(fake.messages.some((m) => m.includes('No Pangeo kernel')));
    const controller = fake.controllers[0]!;
    await controller.executeHandler(nb.cells, nb, controller);
    await controllers.restartKernel(nb.uri as unknown as vscode.Uri);
    assert.equal(kernels[0]!.restarts, 1);
    assert.ok(fake.messages.some((m) => m.includes('kernel restarted')));
  });

  test('kernel states reach the user: reconnecting in the status bar, server stopped → restart offered once', async () => {
    const { fake, open, kernels, restartCalls } = setup();
    const nb = new FakeNotebook('a.ipynb', [CELLS.value!]);
    await open(nb);
    const controller = fake.controllers[0]!;
    await controller.executeHandler(nb.cells, nb, controller);
    const kernel = kernels[0]!;
    kernel.setState('reconnecting');
    assert.ok(fake.messages.some((m) => m.includes('reconnecting')));
    kernel.setState('connected');
    assert.ok(fake.messages.some((m) => m.includes('reconnected')));
    kernel.setState('server-stopped', 'stopped');
    kernel.setState('server-stopped', 'stopped again');
    await new Promise((r) => setImmediate(r));
    assert.equal(fake.messages.filter((m) => m.includes('is gone')).length, 1, 'one notification: ' + fake.messages.join(' | '));
    assert.deepEqual(restartCalls, [], 'nothing started without the user');
  });
});

describe('NotebookControllers: notebooks opened from the hub beside the Jupyter extension (issue 11)', () => {
  test('a pangeo-hub: notebook gets its server\'s controller (and only that one), selected once when an editor shows it', async () => {
    const { fake, controllers, open } = setup([server(), server('gpu')]);
    fake.installedExtensions.add('ms-toolsai.jupyter');
    await open(new FakeNotebook('local.ipynb', []));
    assert.deepEqual(controllers.controllerIds(), [], 'a local notebook: the Jupyter extension\'s picker is the one path');
    const parts = toHubUriParts({ hubId: HUB, user: 'alice', serverName: '', path: 'course/week1.ipynb' });
    const hubNotebook = Object.assign(new FakeNotebook('week1.ipynb', []), { metadata: {} });
    const uri = `${HUB_FILE_SCHEME}://${parts.authority}${parts.path}`;
    Object.assign(hubNotebook, { uri: { scheme: HUB_FILE_SCHEME, authority: parts.authority, path: parts.path, toString: () => uri } });
    await open(hubNotebook);
    const id = controllerIdFor(HUB, '', 'python3');
    assert.deepEqual(controllers.controllerIds(), [id]);
    assert.equal(fake.controllers.find((c) => c.id === id)!.affinity.get(hubNotebook), 2, 'preferred for its notebook');
    assert.deepEqual(fake.executed.filter((c) => c.id === 'notebook.selectKernel'), [], 'no editor shows it yet');
    const editor = { notebook: hubNotebook };
    fake.visibleNotebookEditors.push(editor);
    fake.visibleEditorsChanged.fire([editor]);
    fake.visibleEditorsChanged.fire([editor]);
    const selects = fake.executed.filter((c) => c.id === 'notebook.selectKernel');
    assert.deepEqual(selects.map((c) => c.args), [[{ notebookEditor: editor, id, extension: 'pangeo-compute.pangeo-compute' }]], 'selected exactly once');
  });

  test('idle runners: connected notebooks only, stdout of a silent run, nothing sent while a cell runs, none when untrusted', async () => {
    const { fake, open, kernels, controllers, siblings } = setup();
    assert.deepEqual(controllers.idleRunners(), [], 'no kernel yet');
    // Named as the user sees it, without the query an untitled notebook's URI carries.
    const nb = new FakeNotebook('Untitled-1.ipynb?jupyter-notebook', [CELLS.value!]);
    await open(nb);
    const controller = fake.controllers[0]!;
    await controller.executeHandler(nb.cells, nb, controller);
    kernels[0]!.state = 'starting';
    assert.deepEqual(controllers.idleRunners(), [], 'not while the kernel is not connected');
    await kernels[0]!.connect();
    const [runner] = controllers.idleRunners();
    assert.equal(runner?.label, 'Untitled-1.ipynb');
    assert.equal(await runner.runIfIdle(CELLS.streams!), 'hi\nmore\n', 'stdout only');
    assert.deepEqual(kernels[0]!.hidden.map((r) => [r.silent, r.storeHistory]), [[true, false]]);
    // A user cell in flight: the probe is not sent (it would wait behind it, and the next cell behind the probe).
    const userRun = controller.executeHandler(nb.cells, nb, controller);
    assert.equal(await runner.runIfIdle(CELLS.streams!), undefined);
    await userRun;
    assert.equal(kernels[0]!.hidden.length, 1);
    // For the probe while a cell runs: a kernel of ours on the notebook's server, with the notebook's kernel spec.
    await runner.startSibling!();
    assert.deepEqual(siblings.map((x) => [x.server.server.url, x.kernelName]), [[server().server.url, 'python3']]);
    fake.state.trusted = false;
    assert.deepEqual(controllers.idleRunners(), []);
  });
});
