// NotebookKernel with a fake Jupyter server whose kernel replays recorded ipykernel messages: start on first run,
// queue, interrupt, connection loss (reconnect / server stopped / kernel gone), shutdown.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KernelMessage } from '@jupyterlab/services';
import type { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { toKernelOutput, KernelOutput } from '../../../src/jupyterServer/kernelOutputs';
import { CancelledError, NotFoundError, PangeoError, UnexpectedResponseError, UnreachableError, isPangeoError } from '../../../src/core/http/errors';
import { KernelLostError, KernelState, NotebookKernel, NotebookKernelOptions, ServerGoneError, ServerProbe, ServerStoppedError } from '../../../src/kernels/notebookKernel';
import { recordedCell, recordedMessages } from './recorded';
import { mockClock } from '../../support/mockClock';

type Slot<T> = (sender: unknown, value: T) => void;
class FakeSignal<T> {
  private readonly slots = new Set<Slot<T>>();
  connect(slot: Slot<T>) {
    this.slots.add(slot);
  }
  disconnect(slot: Slot<T>) {
    this.slots.delete(slot);
  }
  emit(value: T) {
    for (const s of [...this.slots]) s(this, value);
  }
}

/** The kernel side: cells by code → recorded messages; a cell whose code starts with "block" waits for release(). */
class FakeSession {
  connectionStatus = 'connected';
  readonly statusChanged = new FakeSignal<string>();
  readonly iopubMessage = new FakeSignal<KernelMessage.IIOPubMessage>();
  readonly connectionStatusChanged = new FakeSignal<string>();
  /** Every message received (the kernel's message numbers are checked across drops). */
  readonly anyMessage = new FakeSignal<{ msg: KernelMessage.IMessage; direction: 'send' | 'recv' }>();
  readonly connection = {
    statusChanged: this.statusChanged, iopubMessage: this.iopubMessage, anyMessage: this.anyMessage,
    reconnect: async () => {
      this.reconnects++;
      this.setConnection('connected');
    },
    // Answered at once while the kernel's channels work; lost (never answered) while `deaf`.
    requestKernelInfo: () => {
      this.infoRequests++;
      return this.deaf ? new Promise<never>(() => undefined) : Promise.resolve({ content: { status: 'ok' } });
    },
  };
  /** The server's channels do not reach the kernel: requests sent now are lost. */
  deaf = false;
  infoRequests = 0;
  reconnects = 0;
  executed: string[] = [];
  disposed = false;
  /** Sockets dialled again by the kernel's watchdog (redial()). */
  redials = 0;
  socketInFlight = false;
  redialing = false;
  private blocked?: () => void;
  /** `canDial`: whether a socket dialled now would open (the server and the network are there). */
  constructor(readonly id: string, private readonly canDial: () => boolean = () => true) {}

  redial() {
    if (this.connectionStatus === 'connected') return;
    this.redials++;
    if (this.canDial()) this.setConnection('connected');
  }
  async waitConnected(ms: number) {
    await until(() => this.connectionStatus === 'connected', ms);
  }

  onConnectionStatus(listener: (s: string) => void) {
    const slot: Slot<string> = (_, s) => listener(s);
    this.connectionStatusChanged.connect(slot);
    return { dispose: () => this.connectionStatusChanged.disconnect(slot) };
  }
  setConnection(status: string) {
    this.connectionStatus = status;
    this.connectionStatusChanged.emit(status);
  }
  release() {
    this.blocked?.();
  }
  async execute(code: string, opts: { onOutput?(o: KernelOutput): void; signal?: AbortSignal }) {
    this.executed.push(code);
    if (code.startsWith('block')) {
      await new Promise<void>((resolve, reject) => {
        this.blocked = resolve;
        opts.signal?.addEventListener('abort', () => reject(new CancelledError('Execution')), { once: true });
      });
      return { status: 'ok' as const, executionCount: this.executed.length, outputs: [] };
    }
    const name = RECORDED_BY_CODE.get(code)!;
    for (const msg of recordedMessages(name)) {
      this.anyMessage.emit({ msg, direction: 'recv' });
      if (msg.header.msg_type === 'update_display_data') this.iopubMessage.emit(msg);
      const out = toKernelOutput(msg);
      if (out) opts.onOutput?.(out);
    }
    const reply = recordedCell(name).reply;
    return { status: reply.status as 'ok', executionCount: reply.execution_count, outputs: [] };
  }
  dispose() {
    this.disposed = true;
  }
}

const RECORDED_BY_CODE = new Map(['value', 'error', 'display_keep', 'display_update_later'].map((n) => [recordedCell(n).code, n]));

class FakeServer {
  sessions: FakeSession[] = [];
  deleted: string[] = [];
  interrupted: string[] = [];
  down = false;
  kernelGone = false;
  /** The server does not answer at all (connection refused). */
  unreachable = false;
  probe: ServerProbe = 'ready';
  /** The kernel's socket cannot be dialled even though REST answers (e.g. a proxy that drops websockets). */
  socketsRefused = false;
  readonly jupyter = {
    serverUrl: 'https://hub.example.org/user/alice/',
    http: {
      json: async (req: { method?: string; path: string }) => {
        if (this.down) throw new UnexpectedResponseError(`https://hub.example.org/user/alice/${req.path}`, 424);
        if (req.method === 'POST') return { id: `s${this.sessions.length}`, path: 'p', kernel: { id: `k${this.sessions.length}`, name: 'python3' } };
        return [];
      },
      request: async (req: { method?: string; path: string }) => {
        if (req.method === 'DELETE') this.deleted.push(req.path);
        return { status: 204 };
      },
    },
    // Like JupyterServerClient.checkedJson: the body must pass the caller's guard.
    checkedJson: async (req: { method?: string; path: string }, guard: (v: unknown) => boolean) => {
      const body = await this.jupyter.http.json(req);
      if (!guard(body)) throw new Error(`fake server body fails the guard for ${req.path}`);
      return body;
    },
    connect: async (kernel: { id: string }) => {
      const s = new FakeSession(kernel.id, () => !this.down && !this.unreachable && !this.kernelGone && !this.socketsRefused && this.probe !== 'stopped');
      this.sessions.push(s);
      return s;
    },
    getKernel: async (id: string) => {
      if (this.unreachable) throw new UnreachableError(this.jupyter.serverUrl, 'connect ECONNREFUSED');
      if (this.kernelGone) throw new NotFoundError(`api/kernels/${id}`);
      return { id, name: 'python3' };
    },
    interruptKernel: async (id: string) => {
      this.interrupted.push(id);
    },
    restartKernel: async () => undefined,
  };

  kernel(extra: Partial<NotebookKernelOptions> = {}): NotebookKernel {
    return new NotebookKernel({
      jupyter: this.jupyter as unknown as JupyterServerClient, kernelName: 'python3', sessionPath: 'pangeo-vscode/x/a.ipynb', sessionName: 'a.ipynb',
      probeServer: async () => this.probe, backoffMs: [5], ...extra,
    });
  }
}

const noop = () => undefined;

function states(kernel: NotebookKernel): KernelState[] {
  const seen: KernelState[] = [];
  kernel.onDidChangeState((c) => seen.push(c.state));
  return seen;
}

function until(check: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => (check() ? resolve() : Date.now() - t0 > ms ? reject(new Error('condition not met')) : setTimeout(tick, 5));
    tick();
  });
}

describe('NotebookKernel (fake server, recorded messages)', () => {
  test('the first run opens one session and connects; later runs reuse it; outputs come from the messages', async () => {
    const server = new FakeServer();
    const kernel = server.kernel();
    const seen = states(kernel);
    const first = await kernel.run({ code: recordedCell('value').code, onChange: noop });
    const second = await kernel.run({ code: recordedCell('error').code, onChange: noop });
    assert.deepEqual(seen, ['starting', 'connected']);
    assert.equal(server.sessions.length, 1);
    assert.equal(first.status, 'ok');
    assert.deepEqual(first.outputs[0]!.items, [{ kind: 'text', mime: 'text/plain', text: '2' }]);
    assert.equal(second.status, 'error');
    assert.equal(second.error, undefined, 'the error is in the outputs, as the kernel sent it');
    assert.equal(second.outputs[0]!.items[0]!.mime, 'application/vnd.code.notebook.error');
  });

  test('update_display_data comes from the kernel-wide IOPub stream to the running cell, targeting the earlier output', async () => {
    const server = new FakeServer();
    const kernel = server.kernel();
    const shown = await kernel.run({ code: recordedCell('display_keep').code, cellKey: 'c1', onChange: noop });
    const changes: unknown[] = [];
    await kernel.run({ code: recordedCell('display_update_later').code, cellKey: 'c2', onChange: (c) => changes.push(c) });
    assert.deepEqual(changes, [{ type: 'replace-items', outputId: shown.outputs[0]!.id, items: [{ kind: 'text', mime: 'text/plain', text: "'second'" }] }]);
  });

  test('runs queue behind the running one; interrupt cancels the queued ones and calls the REST interrupt', async () => {
    const server = new FakeServer();
    const kernel = server.kernel();
    const started: string[] = [];
    const blocking = kernel.run({ code: 'block', onStart: () => started.push('block'), onChange: noop });
    const queued = kernel.run({ code: recordedCell('value').code, onStart: () => started.push('value'), onChange: noop });
    await until(() => started.length === 1);
    await kernel.interrupt();
    assert.deepEqual(server.interrupted, ['k0']);
    assert.equal((await queued).status, 'cancelled');
    server.sessions[0]!.release();
    assert.equal((await blocking).status, 'ok');
    assert.deepEqual(started, ['block']);
    assert.deepEqual(server.sessions[0]!.executed, ['block']);
  });

  test('a dropped connection reports reconnecting, then connected when the socket is back', async () => {
    const server = new FakeServer();
    const kernel = server.kernel();
    await kernel.run({ code: recordedCell('value').code, onChange: noop });
    const seen = states(kernel);
    server.sessions[0]!.setConnection('connecting');
    server.sessions[0]!.setConnection('connected');
    assert.deepEqual(seen, ['reconnecting', 'connected']);
  });

  test('the hub says the server stopped: the running cell fails, queued ones are cancelled, runs fail until it is back', async () => {
    const server = new FakeServer();
    const kernel = server.kernel();
    await kernel.run({ code: recordedCell('value').code, onChange: noop });
    const seen = states(kernel);
    const running = kernel.run({ code: 'block', onChange: noop }).then(() => undefined, (e: unknown) => e);
    const queued = kernel.run({ code: recordedCell('value').code, onChange: noop });
    await until(() => server.sessions[0]!.executed.includes('block'));
    server.probe = 'stopped';
    server.down = true;
    server.sessions[0]!.setConnection('connecting');
    assert.ok((await running) instanceof ServerStoppedError);
    assert.equal((await queued).status, 'cancelled');
    assert.deepEqual(seen, ['reconnecting', 'server-stopped']);
    assert.equal(server.sessions[0]!.disposed, true);
    await assert.rejects(kernel.run({ code: recordedCell('value').code, onChange: noop }), (e) => e instanceof ServerStoppedError);
    server.probe = 'ready';
    server.down = false;
    const again = await kernel.run({ code: recordedCell('value').code, onChange: noop });
    assert.equal(again.status, 'ok');
    assert.equal(server.sessions.length, 2, 'a new kernel on the restarted server');
  });

  test('neither the hub nor the server answers: "server gone" after goneAfterMs, not an endless reconnect', async () => {
    const server = new FakeServer();
    const kernel = server.kernel({ goneAfterMs: 60 });
    await kernel.run({ code: recordedCell('value').code, onChange: noop });
    const seen = states(kernel);
    const running = kernel.run({ code: 'block', onChange: noop }).then(() => undefined, (e: unknown) => e);
    await until(() => server.sessions[0]!.executed.includes('block'));
    server.probe = 'unknown';
    server.unreachable = true;
    const t0 = Date.now();
    server.sessions[0]!.setConnection('connecting');
    const error = await running;
    assert.ok(error instanceof ServerGoneError, String(error));
    assert.ok(Date.now() - t0 >= 60, 'not before goneAfterMs');
    assert.deepEqual(seen, ['reconnecting', 'server-stopped']);
    assert.match(error.message, /is gone/);
  });

  test('a second outage counts from its own start: after a reconnect, "gone" waits goneAfterMs again (a proxy restart after a network cut)', async (t) => {
    const server = new FakeServer();
    const kernel = server.kernel({ goneAfterMs: 150 });
    await kernel.run({ code: recordedCell('value').code, onChange: noop });
    const seen = states(kernel);
    void kernel.run({ code: 'block', onChange: noop }).catch(() => undefined);
    await until(() => server.sessions[0]!.executed.includes('block'));
    // From here on the clock is ours: a loaded machine cannot stretch a wait past goneAfterMs.
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.now() });
    const advance = async (ms: number) => {
      for (let left = ms; left > 0; left -= 5) {
        t.mock.timers.tick(5);
        // Lets the watchdog's probe and kernel look-ups (promises) settle before the next tick.
        for (let i = 0; i < 20; i++) await Promise.resolve();
      }
    };
    // 1. A short outage: neither answers for a while, then the socket is back.
    server.probe = 'unknown';
    server.unreachable = true;
    server.sessions[0]!.setConnection('connecting');
    await advance(60);
    assert.equal(kernel.state, 'reconnecting', `states: ${seen.join(' → ')}`);
    server.probe = 'ready';
    server.unreachable = false;
    server.sessions[0]!.setConnection('connected');
    await advance(200); // longer than goneAfterMs since the first outage began
    // 2. Another outage: not "gone" at once, only goneAfterMs after its own start.
    server.probe = 'unknown';
    server.unreachable = true;
    server.sessions[0]!.setConnection('connecting');
    await advance(60);
    assert.equal(kernel.state, 'reconnecting', `states: ${seen.join(' → ')}`);
    await advance(150);
    assert.equal(kernel.state, 'server-stopped', `states: ${seen.join(' → ')}`);
    t.mock.timers.reset();
    await kernel.shutdown().catch(() => undefined);
  });

  test('the hub does not answer but the server does: still reconnecting, never "gone"', async () => {
    const server = new FakeServer();
    const kernel = server.kernel({ goneAfterMs: 20 });
    await kernel.run({ code: recordedCell('value').code, onChange: noop });
    const seen = states(kernel);
    server.probe = 'unknown';
    server.socketsRefused = true; // the socket stays down
    server.sessions[0]!.setConnection('connecting');
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(seen, ['reconnecting']);
    server.sessions[0]!.setConnection('connected');
    assert.deepEqual(seen, ['reconnecting', 'connected']);
  });

  test('the socket is dialled again every 100 ms while it is down, not held back by the hub\'s answer: back within 100 ms of the network', async (t) => {
    const clock = mockClock(t);
    const server = new FakeServer();
    let answerProbe!: (p: ServerProbe) => void;
    // The hub takes its time to answer (a slow or restarting hub): the socket must not wait for it.
    const kernel = server.kernel({ probeServer: () => new Promise<ServerProbe>((resolve) => (answerProbe = resolve)), backoffMs: [500, 1000, 2000, 3000] });
    const first = kernel.run({ code: recordedCell('value').code, onChange: noop });
    await clock.settle();
    await first;
    const seen = states(kernel);
    const session = server.sessions[0]!;
    server.unreachable = true; // the network is gone
    session.setConnection('connecting');
    await clock.advance(2_000, 50);
    assert.ok(session.redials >= 15, `dialled ${session.redials} times in 2 s`);
    assert.equal(kernel.state, 'reconnecting');
    server.unreachable = false; // the network is back
    await clock.advance(100, 10);
    assert.deepEqual(seen, ['reconnecting', 'connected']);
    answerProbe('ready');
    await clock.settle();
    await kernel.shutdown().catch(() => undefined);
  });

  test('after the server restarted the dead kernel, cells wait until the new connection answers; one that does not is dialled again', async () => {
    const server = new FakeServer();
    const kernel = server.kernel({ answerAfterRestartMs: 300 });
    await kernel.run({ code: recordedCell('value').code, onChange: noop });
    const session = server.sessions[0]!;
    // What the library does on the server's "restarting": autorestarting, then a new socket at once.
    session.statusChanged.emit('autorestarting');
    session.deaf = true; // the server's channels do not reach the new kernel yet: what is sent now is lost
    session.setConnection('connecting');
    session.setConnection('connected');
    const run = kernel.run({ code: recordedCell('value').code, onChange: noop });
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual([session.executed.length, session.infoRequests, session.reconnects], [1, 1, 0], 'the cell is held while the connection has not answered');
    session.deaf = false; // the next socket reaches the kernel
    await until(() => session.reconnects === 1);
    assert.equal((await run).status, 'ok', 'sent once the new connection answered');
    assert.deepEqual([session.executed.length, session.infoRequests], [2, 2]);
    // An ordinary reconnect (no restart) is not checked: nothing is held or dialled.
    session.setConnection('connecting');
    session.setConnection('connected');
    assert.equal((await kernel.run({ code: recordedCell('value').code, onChange: noop })).status, 'ok');
    assert.deepEqual([session.infoRequests, session.reconnects], [2, 1]);
    // A held cell that is cancelled ends at once, unsent.
    session.statusChanged.emit('autorestarting');
    session.deaf = true;
    session.setConnection('connecting');
    session.setConnection('connected');
    const stop = new AbortController();
    const held = kernel.run({ code: recordedCell('value').code, onChange: noop, signal: stop.signal });
    await new Promise((r) => setTimeout(r, 50));
    stop.abort();
    assert.equal((await held).status, 'cancelled');
    assert.equal(session.executed.length, 3, 'never sent');
    session.deaf = false;
    await until(() => session.reconnects === 2);
  });

  test('the server runs but the kernel is gone: the cell fails with "kernel lost", the next run starts a new kernel', async () => {
    const server = new FakeServer();
    const kernel = server.kernel();
    await kernel.run({ code: recordedCell('value').code, onChange: noop });
    const running = kernel.run({ code: 'block', onChange: noop }).then(() => undefined, (e: unknown) => e);
    await until(() => server.sessions[0]!.executed.includes('block'));
    server.kernelGone = true;
    server.sessions[0]!.setConnection('connecting');
    assert.ok((await running) instanceof KernelLostError);
    assert.equal(kernel.state, 'idle');
    server.kernelGone = false;
    assert.equal((await kernel.run({ code: recordedCell('value').code, onChange: noop })).status, 'ok');
    assert.equal(server.sessions.length, 2);
  });

  test('shutdown deletes the session, ends the running cell and refuses new runs; detach deletes nothing', async () => {
    const server = new FakeServer();
    const kernel = server.kernel();
    await kernel.run({ code: recordedCell('value').code, onChange: noop });
    const running = kernel.run({ code: 'block', onChange: noop });
    await until(() => server.sessions[0]!.executed.includes('block'));
    await kernel.shutdown();
    assert.equal((await running).status, 'cancelled');
    assert.deepEqual(server.deleted, ['api/sessions/s0']);
    assert.equal(kernel.state, 'shut-down');
    await assert.rejects(kernel.run({ code: '1', onChange: noop }), (e) => isPangeoError(e, 'Cancelled'));

    const kept = server.kernel();
    await kept.run({ code: recordedCell('value').code, onChange: noop });
    kept.detach();
    assert.deepEqual(server.deleted, ['api/sessions/s0']);
    assert.equal(server.sessions[1]!.disposed, true);
  });

  test('shutdown with a reason (signed out): the running cell fails with it rather than ending as cancelled', async () => {
    const server = new FakeServer();
    const kernel = server.kernel();
    const running = kernel.run({ code: 'block', onChange: noop }).then(() => undefined, (e: unknown) => e);
    await until(() => server.sessions[0]?.executed.includes('block') ?? false);
    const why = new PangeoError('Unauthorized', 'You signed out of hub while this cell ran, so its kernel was shut down.', 'Sign in again.');
    await kernel.shutdown(why);
    assert.equal(await running, why);
  });
});
