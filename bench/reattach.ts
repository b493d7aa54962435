// Issue 19: (1) replay of 10,000 output lines the server kept while no window was attached, into the notebook model
// (our reattach: NotebookKernel + ReplayedRun + CellOutputState) vs a bare websocket reading the same kind of buffer;
// (2) "socket back → first new output" after a 2 s network cut (through a TCP forwarder), ours (NotebookKernel and its
// watchdog) vs a bare websocket that retries every 100 ms with the same session key. Same process, interleaved.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { HttpClient } from '../src/core/http/httpClient';
import { JupyterServerClient } from '../src/jupyterServer/jupyterServerClient';
import { NotebookKernel } from '../src/kernels/notebookKernel';
import { CellOutputState, DisplayIndex } from '../src/kernels/cellOutputs';
import { ReplayedRun } from '../src/kernels/reattach/replayedRun';
import { reattachRuns } from '../src/kernels/reattach/reattachKernel';
import type { NotebookLedger } from '../src/kernels/reattach/runLedger';
import { startTcpForwarder } from '../test/support/tcpForwarder';

const LINES = 10_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ReattachBenchTarget {
  serverUrl: string;
  http: HttpClient;
  token: string;
  runs?: number;
  log?: (line: string) => void;
}

/** Runs the cell under key `clientId`, leaves before it prints and waits until the kernel is done: the server keeps it all. */
async function produce(jupyter: JupyterServerClient, clientId: string, path: string): Promise<{ kernelId: string; sessionId?: string; msgId: string }> {
  const kernel = new NotebookKernel({ jupyter, kernelName: 'python3', sessionPath: path, sessionName: 'bench.ipynb', probeServer: async () => 'ready', clientId });
  await kernel.connect();
  let msgId = '';
  void kernel.run({ code: `import time\ntime.sleep(1)\nfor i in range(${LINES}):\n    print(i)\n"done"`, onRequest: (id) => (msgId = id), onChange: () => undefined }).catch(() => undefined);
  while (!msgId) await sleep(10); // sent (on a busy machine the kernel's start takes a while)
  const kernelId = kernel.kernelId!;
  const sessionId = kernel.jupyterSessionId; // the ledger keeps it (RunRecorder): no session look-up on reattach
  kernel.detach();
  for (;;) {
    await sleep(100);
    if ((await jupyter.getKernel(kernelId)).executionState === 'idle') break;
  }
  // Connecting at once is what a reload right at the end does. The lines once lost here were not early connects: the
  // server keeps shell and IOPub in arrival order, and a reader ending at the execute_reply missed the output after it.
  return { kernelId, sessionId, msgId };
}

function linesOf(text: string): number {
  const lines = text.split('\n').filter((l) => l !== '');
  if (lines.length !== LINES || lines.some((l, i) => l !== String(i))) throw new Error(`replay lost lines: ${lines.length} of ${LINES}`);
  return lines.length;
}

export async function oursReplay(jupyter: JupyterServerClient, serverUrl: string, i: number): Promise<number> {
  const clientId = randomUUID();
  const path = `pangeo-bench/${randomUUID()}/replay-${i}.ipynb`;
  const { kernelId, sessionId, msgId } = await produce(jupyter, clientId, path);
  const kernel = new NotebookKernel({ jupyter, kernelName: 'python3', sessionPath: path, sessionName: 'bench.ipynb', probeServer: async () => 'ready', clientId });
  const outputs = new CellOutputState(new DisplayIndex());
  const replay = new ReplayedRun(msgId, outputs, () => undefined);
  const ledger: NotebookLedger = { serverUrl, kernelId, kernelName: 'python3', sessionId, clientId, runs: [{ msgId, cellIndex: 0, cellHash: '', startedAt: 0, lastOutputAt: 0, seen: [] }] };
  const t0 = performance.now();
  await reattachRuns({ jupyter, kernel, ledger, runs: [{ run: ledger.runs[0]!, replay }], onGap: () => undefined, pollMs: 60_000 });
  const end = await replay.done;
  const ms = performance.now() - t0;
  if (end.kind !== 'finished') throw new Error(`our replay ended ${JSON.stringify(end)}`);
  linesOf(outputs.outputs.flatMap((o) => o.items).map((it) => (it.kind === 'text' && it.mime.endsWith('stdout') ? it.text : '')).join(''));
  await kernel.shutdown();
  return ms;
}

export async function bareReplay(jupyter: JupyterServerClient, serverUrl: string, token: string, i: number): Promise<number> {
  const clientId = randomUUID();
  const path = `pangeo-bench/${randomUUID()}/bare-replay-${i}.ipynb`;
  const { kernelId, msgId } = await produce(jupyter, clientId, path);
  const t0 = performance.now();
  const ws = new WebSocket(`${serverUrl.replace(/^http/, 'ws')}api/kernels/${kernelId}/channels?session_id=${clientId}`, { headers: { Authorization: `token ${token}` } });
  let text = '';
  let replied = false;
  let idle = false;
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (data: WebSocket.RawData) => {
      const m = JSON.parse(data.toString()) as { parent_header?: { msg_id?: string }; header: { msg_type: string }; content: { text?: string; execution_state?: string } };
      if (m.parent_header?.msg_id !== msgId) return;
      if (m.header.msg_type === 'stream') text += m.content.text ?? '';
      // Both ends: the server keeps shell and IOPub in arrival order, and the reply often comes before the last output.
      if (m.header.msg_type === 'execute_reply') replied = true;
      if (m.header.msg_type === 'status' && m.content.execution_state === 'idle') idle = true;
      if (replied && idle) resolve();
    });
  });
  const ms = performance.now() - t0;
  linesOf(text);
  ws.close();
  await jupyter.http.request({ method: 'DELETE', path: `api/kernels/${kernelId}`, acceptStatuses: [404] });
  return ms;
}

const TICKER = 'import time\nfor i in range(400):\n    print(i, flush=True)\n    time.sleep(0.05)';

/** Ours: a NotebookKernel through the forwarder; the network goes for 2 s; time from back to the next output. */
async function oursSocketBack(serverUrl: string, http: HttpClient, port: number, i: number): Promise<number> {
  const fwd = await startTcpForwarder(port);
  try {
    const jupyter = new JupyterServerClient(serverUrl.replace(`:${port}/`, `:${fwd.port}/`), http);
    const kernel = new NotebookKernel({ jupyter, kernelName: 'python3', sessionPath: `pangeo-bench/${randomUUID()}/back-${i}.ipynb`, sessionName: 'b.ipynb', probeServer: async () => 'ready' });
    let outputs = 0;
    void kernel.run({ code: TICKER, onChange: () => void outputs++ }).catch(() => undefined);
    while (outputs < 5) await sleep(20);
    await fwd.cut(2_000);
    const back = performance.now();
    const before = outputs;
    while (outputs === before) await sleep(5);
    const ms = performance.now() - back;
    await kernel.shutdown();
    return ms;
  } finally {
    await fwd.close();
  }
}

/** The baseline: a bare websocket that tries again every 100 ms with the same key after its socket dropped. */
async function bareSocketBack(jupyter: JupyterServerClient, serverUrl: string, token: string, port: number): Promise<number> {
  const fwd = await startTcpForwarder(port);
  const kernel = await jupyter.startKernel('python3');
  const key = randomUUID();
  const url = `${serverUrl.replace(`:${port}/`, `:${fwd.port}/`).replace(/^http/, 'ws')}api/kernels/${kernel.id}/channels?session_id=${key}`;
  let streams = 0;
  let closed = false;
  const open = (): WebSocket => {
    const ws = new WebSocket(url, { headers: { Authorization: `token ${token}` } });
    ws.on('message', (data: WebSocket.RawData) => {
      if ((JSON.parse(data.toString()) as { header: { msg_type: string } }).header.msg_type === 'stream') streams++;
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (!closed) setTimeout(() => (current = open()), 100);
    });
    return ws;
  };
  let current = open();
  await new Promise((r) => current.once('open', r));
  current.send(JSON.stringify({ header: { msg_id: randomUUID(), msg_type: 'execute_request', username: '', session: key, date: new Date().toISOString(), version: '5.3' },
    parent_header: {}, metadata: {}, channel: 'shell', buffers: [], content: { code: TICKER, silent: false, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: true } }));
  try {
    while (streams < 5) await sleep(20);
    await fwd.cut(2_000);
    const back = performance.now();
    const before = streams;
    while (streams === before) await sleep(5);
    return performance.now() - back;
  } finally {
    closed = true;
    current.close();
    await fwd.close();
    await jupyter.shutdownKernel(kernel.id);
  }
}

export async function runReattachBench(t: ReattachBenchTarget): Promise<void> {
  const log = t.log ?? console.log;
  const runs = t.runs ?? 3;
  const jupyter = new JupyterServerClient(t.serverUrl, t.http);
  const ours: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    ours.push(await oursReplay(jupyter, t.serverUrl, i));
    bare.push(await bareReplay(jupyter, t.serverUrl, t.token, i));
  }
  log(`reattach: replay of ${LINES.toLocaleString('en')} kept lines into the notebook model, median of ${runs}: ours ${median(ours).toFixed(0)} ms `
    + `(socket + replay; REST only when needed), bare ws ${median(bare).toFixed(0)} ms, ratio ${(median(ours) / median(bare)).toFixed(2)} (goal ≤ 1.2); nothing lost`);
  const port = Number(new URL(t.serverUrl).port);
  const oursBack: number[] = [];
  const bareBack: number[] = [];
  for (let i = 0; i < runs; i++) {
    oursBack.push(await oursSocketBack(t.serverUrl, t.http, port, i));
    bareBack.push(await bareSocketBack(jupyter, t.serverUrl, t.token, port));
  }
  log(`reattach: network back after a 2 s cut → first new output, median of ${runs}: ours ${median(oursBack).toFixed(0)} ms, `
    + `bare ws retrying every 100 ms ${median(bareBack).toFixed(0)} ms, ratio ${(median(oursBack) / median(bareBack)).toFixed(2)} (goal ≤ 1.2)`);
  log(`  ours: ${oursBack.map((x) => x.toFixed(0)).join(' ')} ms; bare: ${bareBack.map((x) => x.toFixed(0)).join(' ')} ms`);
}
