// NotebookKernel against a real JupyterHub 3 and a real ipykernel: outputs, queue, interrupt, restart, shutdown,
// reuse of a kept kernel, a dropped websocket (through a TCP forwarder we cut) and a server stopped under the kernel.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestHub } from '../../support/jupyterhub';
import { SignedInServer, startSignedInServer } from '../../support/hubKernels';
import type { TcpForwarder } from '../../support/tcpForwarder';
import { HubClient } from '../../../src/hubs/hubClient';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { isPangeoError } from '../../../src/core/http/errors';
import { CellRunResult, KernelState, NotebookKernel, ServerStoppedError } from '../../../src/kernels/notebookKernel';
import { OutputChange } from '../../../src/kernels/cellOutputs';
import { OutputItem } from '../../../src/kernels/outputItems';
import { waitForState } from './kernelStates';

const USER = 'alice';

function textOf(result: CellRunResult, mime = 'text/plain'): string[] {
  return result.outputs.flatMap((o) => o.items).filter((i): i is Extract<OutputItem, { kind: 'text' }> => i.kind === 'text' && i.mime === mime).map((i) => i.text);
}


describe('NotebookKernel against a real hub and ipykernel', { timeout: 300_000 }, () => {
  let setup: SignedInServer | undefined;
  let hub: TestHub;
  let fwd: TcpForwarder;
  let client: HubClient;
  let jupyter: JupyterServerClient;
  let made = 0;

  function newKernel(sessionPath?: string): NotebookKernel {
    const n = made++; // every kernel counts, as the path numbers did before
    return setup!.newKernel({ sessionPath: sessionPath ?? `pangeo-vscode/test/${n}.ipynb`, sessionName: 'test.ipynb', backoffMs: [300, 600, 1000] });
  }

  const run = (kernel: NotebookKernel, code: string, changes?: OutputChange[]) =>
    kernel.run({ code, onChange: (c) => changes?.push(c) });

  before(async () => {
    // Everything goes through the forwarder, so the test can drop the kernel's websocket.
    setup = await startSignedInServer({ note: 'kernels test', user: USER });
    ({ hub, fwd, client, jupyter } = setup);
  });

  after(async () => {
    await setup?.stop();
  });

  test('first run starts a kernel: 1+1 → "2" with execution count; print → stream; 1/0 → ZeroDivisionError', async () => {
    const kernel = newKernel();
    const states: KernelState[] = [];
    kernel.onDidChangeState((c) => states.push(c.state));
    const value = await run(kernel, '1+1');
    assert.deepEqual(states, ['starting', 'connected']);
    assert.equal(value.status, 'ok');
    assert.deepEqual(textOf(value), ['2']);
    assert.equal(value.executionCount, 1);

    const printed = await run(kernel, 'print("hi")');
    assert.deepEqual(printed.outputs.map((o) => o.stream), ['stdout']);
    assert.deepEqual(textOf(printed, 'application/vnd.code.notebook.stdout'), ['hi\n']);

    const failed = await run(kernel, '1/0');
    assert.equal(failed.status, 'error');
    assert.equal(failed.error?.ename, 'ZeroDivisionError');
    const item = failed.outputs[0]?.items[0];
    assert.equal(item?.mime, 'application/vnd.code.notebook.error');
    assert.equal((item as { value: { name: string } }).value.name, 'ZeroDivisionError');
    assert.equal(kernel.state, 'connected');
    const sessions = await jupyter.listSessions();
    assert.ok(sessions.some((s) => s.path === 'pangeo-vscode/test/0.ipynb' && s.kernel.id === kernel.kernelId), 'a Jupyter session ties the kernel to the notebook');
  });

  test('display + update_display_data (same cell and from a later cell), clear_output(wait=True)', async () => {
    const kernel = newKernel();
    const same = await run(kernel, 'from IPython.display import display, HTML, clear_output\nh = display(HTML("<b>one</b>"), display_id=True)\nh.update(HTML("<b>two</b>"))');
    assert.deepEqual(textOf(same, 'text/html'), ['<b>two</b>']);

    const first = await run(kernel, 'hd = display("first", display_id="shared")');
    const laterChanges: OutputChange[] = [];
    const later = await run(kernel, 'hd.update("second")', laterChanges);
    assert.deepEqual(later.outputs, [], 'the update does not add an output to the later cell');
    assert.deepEqual(laterChanges.map((c) => c.type), ['replace-items']);
    assert.equal(laterChanges[0]!.type === 'replace-items' && laterChanges[0]!.outputId, first.outputs[0]!.id, 'it targets the earlier cell\'s output');
    assert.deepEqual(textOf(first), ["'second'"]);

    const changes: OutputChange[] = [];
    const cleared = await run(kernel, 'import time\nfor i in range(3):\n    clear_output(wait=True)\n    print(i, flush=True)\n    time.sleep(0.05)', changes);
    assert.deepEqual(textOf(cleared, 'application/vnd.code.notebook.stdout'), ['2\n']);
    assert.ok(changes.some((c) => c.type === 'replace-all'), 'wait=True clears together with the next output');
  });

  test('cells queued at once run one at a time in order', async () => {
    const kernel = newKernel();
    const started: number[] = [];
    const cells = ['import time\ntime.sleep(0.3)\nx = 1', 'x += 1', 'x * 10'];
    const results = await Promise.all(cells.map((code, i) => kernel.run({ code, onStart: () => started.push(i), onChange: () => undefined })));
    assert.deepEqual(started, [0, 1, 2]);
    assert.deepEqual(results.map((r) => r.status), ['ok', 'ok', 'ok']);
    assert.deepEqual(textOf(results[2]!), ['20']);
    assert.deepEqual(results.map((r) => r.executionCount), [1, 2, 3]);
  });

  test('interrupt ends time.sleep(60) with KeyboardInterrupt quickly and cancels queued cells', async () => {
    const kernel = newKernel();
    await run(kernel, 'import time');
    let began!: () => void;
    const running = new Promise<void>((r) => (began = r));
    const sleeping = kernel.run({ code: 'time.sleep(60)', onStart: () => began(), onChange: () => undefined });
    const queued = run(kernel, 'queued_ran = True');
    await running;
    await new Promise((r) => setTimeout(r, 500)); // let the kernel enter sleep()
    const t0 = Date.now();
    await kernel.interrupt();
    const result = await sleeping;
    assert.ok(Date.now() - t0 < 10_000, `interrupt took ${Date.now() - t0} ms`);
    assert.equal(result.status, 'error');
    assert.equal(result.error?.ename, 'KeyboardInterrupt');
    assert.equal((await queued).status, 'cancelled');
    assert.deepEqual(textOf(await run(kernel, '"queued_ran" in globals()')), ['False']);
  });

  test('restart resets state and execution count', async () => {
    const kernel = newKernel();
    await run(kernel, 'y = 5');
    assert.deepEqual(textOf(await run(kernel, 'y')), ['5']);
    const id = kernel.kernelId;
    await kernel.restart();
    assert.equal(kernel.state, 'connected');
    assert.equal(kernel.kernelId, id, 'same kernel, new process');
    const after = await run(kernel, 'y');
    assert.equal(after.status, 'error');
    assert.equal(after.error?.ename, 'NameError');
    assert.equal(after.executionCount, 1);
  });

  test('shutdown leaves no kernel and no session; a detached (kept) kernel is reused by the next one for that notebook', async () => {
    const kept = newKernel('pangeo-vscode/test/kept.ipynb');
    await run(kept, 'z = 42');
    const keptId = kept.kernelId!;
    kept.detach();
    assert.ok((await jupyter.listKernels()).some((k) => k.id === keptId), 'detach leaves the kernel running');
    const again = newKernel('pangeo-vscode/test/kept.ipynb');
    assert.deepEqual(textOf(await run(again, 'z')), ['42']);
    assert.equal(again.kernelId, keptId);
    await again.shutdown();
    assert.equal(again.state, 'shut-down');
    assert.ok(!(await jupyter.listKernels()).some((k) => k.id === keptId), 'kernel gone');
    assert.ok(!(await jupyter.listSessions()).some((s) => s.path === 'pangeo-vscode/test/kept.ipynb'), 'session gone');
    await assert.rejects(run(again, '1'), (e) => isPangeoError(e, 'Cancelled'));
  });

  test('a dropped websocket reports reconnecting, reconnects, and keeps the kernel state', async () => {
    const kernel = newKernel();
    await run(kernel, 'w = "still here"');
    const states: KernelState[] = [];
    kernel.onDidChangeState((c) => states.push(c.state));
    const reconnected = waitForState(kernel, 'reconnecting', 10_000).then(() => waitForState(kernel, 'connected', 60_000));
    fwd.sever();
    await reconnected;
    assert.deepEqual(states.slice(0, 2), ['reconnecting', 'connected']);
    assert.deepEqual(textOf(await run(kernel, 'w')), ["'still here'"]);
  });

  // A network that goes silent without either end noticing, then drops: the server counts what it wrote meanwhile as
  // delivered and keeps nothing of it. The lines are lost; the cell must not look complete.
  test('lines lost in a connection that went silent before it dropped: the cell says output may be missing; a clean drop says nothing', async () => {
    const kernel = newKernel();
    const counter = 'import time\nfor i in range(60):\n    print(i, flush=True)\n    time.sleep(0.1)';
    const lines = (r: CellRunResult) => textOf(r, 'application/vnd.code.notebook.stdout').join('').split('\n').filter((l) => l !== '');
    const notices = (r: CellRunResult) => textOf(r, 'application/vnd.code.notebook.stderr').filter((t) => t.includes('Output may be missing here'));

    // A clean drop (both ends see it at once), right after a line arrived (a line in flight in the forwarder would be
    // lost for real): the server keeps and replays everything, and its nudge on the reconnect is no loss; no notice.
    let severAt = 0;
    const clean = kernel.run({
      code: counter,
      onChange: () => {
        if (severAt && Date.now() >= severAt) {
          severAt = 0;
          setImmediate(() => fwd.sever());
        }
      },
    });
    severAt = Date.now() + 1_500;
    const cleanRun = await clean;
    assert.equal(severAt, 0, 'the socket was cut mid-run');
    assert.deepEqual(lines(cleanRun), Array.from({ length: 60 }, (_, i) => String(i)), 'every line after a clean drop');
    assert.deepEqual(notices(cleanRun), [], 'no notice when nothing was lost');

    const silent = kernel.run({ code: counter, onChange: () => undefined });
    await new Promise((r) => setTimeout(r, 1_500));
    await fwd.blackhole(1_500);
    const silentRun = await silent;
    const shown = lines(silentRun);
    console.log(`[measure] ${shown.length} of 60 lines shown; notice: ${notices(silentRun).join('')}`);
    assert.ok(shown.length < 60, `lines were lost in the silent connection (${shown.length} of 60 shown): the test no longer tests the gap`);
    const said = notices(silentRun);
    assert.equal(said.length, 1, `the cell says once that output may be missing: ${JSON.stringify(textOf(silentRun, 'application/vnd.code.notebook.stderr'))}`);
    assert.match(said[0]!, /Output may be missing here: \d+ messages? the kernel sent when the connection dropped at \d\d:\d\d:\d\d did not arrive/);
  });

  test('a server stopped under a running cell: the cell fails with "server stopped", state server-stopped; after a restart runs work again', async () => {
    const kernel = newKernel();
    await run(kernel, 'import time');
    const stoppedState = waitForState(kernel, 'server-stopped', 60_000);
    let began!: () => void;
    const running = new Promise<void>((r) => (began = r));
    const sleeping = kernel.run({ code: 'time.sleep(30)', onStart: () => began(), onChange: () => undefined });
    const outcome = sleeping.then(() => undefined, (e: unknown) => e); // handled at once: it fails while we wait for the stop
    await running;
    const admin = new HubClient(hub.url, { token: hub.adminToken });
    const t0 = Date.now();
    if ((await admin.stopServer(USER, '')) === 'stopping') await admin.waitForStop(USER, '', 60_000);
    await stoppedState;
    assert.ok((await outcome) instanceof ServerStoppedError, String(await outcome));
    assert.ok(Date.now() - t0 < 30_000, `noticed in ${Date.now() - t0} ms, before the cell would have ended`);
    await assert.rejects(run(kernel, '1+1'), (e) => e instanceof ServerStoppedError, 'runs fail while the server is stopped');

    await client.startAndWait(USER, '', {}, { timeoutMs: 60_000 });
    const fresh = await run(kernel, '1+1');
    assert.deepEqual(textOf(fresh), ['2']);
    assert.equal(kernel.state, 'connected');
  });
});
