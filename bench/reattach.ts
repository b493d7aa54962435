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
/** The cell waits this long before printing: by then the server must keep its messages (the socket it knew closed). */
const PRINT_AFTER_MS = 2_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const V1 = 'v1.kernel.websocket.jupyter.org';

/** The same lines printed two ways: a loop's prints (ipykernel sends them in a few large stream messages) or each
 * line flushed (a message a line, as a long run's progress lines come). */
export type ReplayShape = 'batched' | 'per-line';

export interface ReattachBenchTarget {
  serverUrl: string;
  http: HttpClient;
  token: string;
  runs?: number;
  log?: (line: string) => void;
}

/** The server closed the first socket only after the cell had begun to print: those lines went to that socket. */
class LateToKeep extends Error {}

interface Produced { kernelId: string; sessionId?: string; kernelSession: string; msgId: string }

/** Runs the cell under key `clientId`, leaves once it runs (before it prints) and waits until the kernel is done: the server keeps it all. */
async function produce(jupyter: JupyterServerClient, clientId: string, path: string, shape: ReplayShape): Promise<Produced> {
  const kernel = new NotebookKernel({ jupyter, kernelName: 'python3', sessionPath: path, sessionName: 'bench.ipynb', probeServer: async () => 'ready', clientId });
  let msgId = '';
  let runningAt = 0;
  let kernelSession = '';
  // The request's execute_input: it reached the kernel (a request still queued in the library when the socket closes never does).
  kernel.onDidAttach((session) => session.connection.anyMessage.connect((_, { msg, direction }) => {
    if (direction !== 'recv' || msg.header.msg_type !== 'execute_input' || (msg.parent_header as { msg_id?: string }).msg_id !== msgId) return;
    runningAt = performance.now();
    kernelSession = msg.header.session;
  }));
  await kernel.connect();
  // Flushed lines come 100 at a time, 10 ms apart: faster, a busy server's IOPub socket fell behind and ZeroMQ dropped
  // thousands of them (at its high-water mark) before the server could keep them, for the bare socket as for ours.
  const print = shape === 'per-line' ? 'print(i, flush=True)\n    if i % 100 == 99: time.sleep(0.01)' : 'print(i)';
  const code = `import time\ntime.sleep(${PRINT_AFTER_MS / 1000})\nfor i in range(${LINES}):\n    ${print}\n"done"`;
  void kernel.run({ code, onRequest: (id) => (msgId = id), onChange: () => undefined }).catch(() => undefined);
  for (const t0 = performance.now(); !runningAt; await sleep(5)) if (performance.now() - t0 > 60_000) throw new Error('the bench cell did not start within 60 s');
  const kernelId = kernel.kernelId!;
  const sessionId = kernel.jupyterSessionId; // the ledger keeps it (RunRecorder): no session look-up on reattach
  kernel.detach();
  // The server counts the socket gone and starts keeping messages in the same step.
  while ((await jupyter.getKernel(kernelId)).connections) await sleep(20);
  const keptAfter = performance.now() - runningAt;
  if (keptAfter > PRINT_AFTER_MS - 200) {
    await jupyter.shutdownKernel(kernelId);
    throw new LateToKeep(`the server started keeping messages ${keptAfter.toFixed(0)} ms after the cell started`);
  }
  for (;;) {
    await sleep(100);
    if ((await jupyter.getKernel(kernelId)).executionState === 'idle') break;
  }
  // Connecting at once is what a reload right at the end does.
  return { kernelId, sessionId, kernelSession, msgId };
}

function checkLines(text: string): void {
  const lines = text.split('\n').filter((l) => l !== '');
  if (lines.length === LINES && lines.every((l, i) => l === String(i))) return;
  const got = new Set(lines);
  const missing = Array.from({ length: LINES }, (_, i) => String(i)).filter((l) => !got.has(l));
  throw new Error(`replay lost lines: ${lines.length} of ${LINES}; missing ${missing.length}: ${missing.slice(0, 3).join(', ')} … ${missing.slice(-3).join(', ')}`);
}

/** Ours: a NotebookKernel reattached by reattachRuns, the replay going into the notebook's output model. */
export async function oursReplay(jupyter: JupyterServerClient, serverUrl: string, i: number, shape: ReplayShape): Promise<number> {
  const clientId = randomUUID();
  const path = `pangeo-bench/${randomUUID()}/replay-${i}.ipynb`;
  const { kernelId, sessionId, kernelSession, msgId } = await produce(jupyter, clientId, path, shape);
  const kernel = new NotebookKernel({ jupyter, kernelName: 'python3', sessionPath: path, sessionName: 'bench.ipynb', probeServer: async () => 'ready', clientId });
  const outputs = new CellOutputState(new DisplayIndex());
  const replay = new ReplayedRun(msgId, outputs, () => undefined);
  const ledger: NotebookLedger = { serverUrl, kernelId, kernelName: 'python3', sessionId, clientId, kernelSession,
    runs: [{ msgId, cellIndex: 0, cellHash: '', startedAt: 0, lastOutputAt: 0, seen: [] }] };
  const gaps: string[] = [];
  const t0 = performance.now();
  await reattachRuns({ jupyter, kernel, ledger, runs: [{ run: ledger.runs[0]!, replay }], onGap: (_, g) => gaps.push(g), pollMs: 60_000 });
  const end = await replay.done;
  const ms = performance.now() - t0;
  if (end.kind !== 'finished' || gaps.length) throw new Error(`our replay ended ${JSON.stringify(end)}, gaps ${JSON.stringify(gaps)}`);
  checkLines(outputs.outputs.flatMap((o) => o.items).map((it) => (it.kind === 'text' && it.mime.endsWith('stdout') ? it.text : '')).join(''));
  await kernel.shutdown();
  return ms;
}

/** A kernel message in the v1 websocket protocol (the one our connection negotiates): offsets, then channel and JSON parts. */
function parseV1(buf: Buffer): { channel: string; header: { msg_type: string }; parent_header: { msg_id?: string }; content: { text?: string; execution_state?: string } } {
  const n = Number(buf.readBigUInt64LE(0));
  const at = (k: number) => Number(buf.readBigUInt64LE(8 * (k + 1)));
  const part = (k: number) => buf.toString('utf8', at(k), k + 1 < n ? at(k + 1) : buf.length);
  type Parsed = ReturnType<typeof parseV1>;
  return { channel: part(0), header: JSON.parse(part(1)) as Parsed['header'], parent_header: JSON.parse(part(2)) as Parsed['parent_header'],
    content: JSON.parse(part(4)) as Parsed['content'] };
}

/** The baseline: a bare websocket with the same key and the same wire protocol, reading the run's messages to its end. */
export async function bareReplay(jupyter: JupyterServerClient, serverUrl: string, token: string, i: number, shape: ReplayShape): Promise<number> {
  const clientId = randomUUID();
  const path = `pangeo-bench/${randomUUID()}/bare-replay-${i}.ipynb`;
  const { kernelId, msgId } = await produce(jupyter, clientId, path, shape);
  const t0 = performance.now();
  const ws = new WebSocket(`${serverUrl.replace(/^http/, 'ws')}api/kernels/${kernelId}/channels?session_id=${clientId}`, [V1], { headers: { Authorization: `token ${token}` } });
  let text = '';
  let replied = false;
  let idle = false;
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.once('close', (code) => reject(new Error(`the bare socket closed (${code})`)));
    ws.on('message', (data: Buffer) => {
      const m = parseV1(data);
      if (m.parent_header.msg_id !== msgId) return;
      if (m.header.msg_type === 'stream') text += m.content.text ?? '';
      // Both ends: the server keeps shell and IOPub in arrival order, and the reply often comes before the last output.
      if (m.header.msg_type === 'execute_reply') replied = true;
      if (m.header.msg_type === 'status' && m.content.execution_state === 'idle') idle = true;
      if (replied && idle) resolve();
    });
  });
  const ms = performance.now() - t0;
  ws.removeAllListeners('close');
  ws.close();
  checkLines(text);
  await jupyter.shutdownKernel(kernelId);
  return ms;
}

/** Runs `measure` again when the set-up missed (the server kept the messages too late); says how often. */
async function measured(what: string, log: (line: string) => void, measure: () => Promise<number>): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await measure();
    } catch (e) {
      if (!(e instanceof LateToKeep) || attempt === 3) throw e;
      log(`  (${what}: set-up again, ${e.message})`);
    }
  }
}

/** Replay of LINES kept lines, ours vs the bare socket, interleaved; medians and the ratio. */
export async function replayBench(jupyter: JupyterServerClient, serverUrl: string, token: string, shape: ReplayShape, runs: number, log: (line: string) => void): Promise<{ ours: number[]; bare: number[] }> {
  const ours: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    ours.push(await measured('ours', log, () => oursReplay(jupyter, serverUrl, i, shape)));
    bare.push(await measured('bare', log, () => bareReplay(jupyter, serverUrl, token, i, shape)));
  }
  const label = shape === 'per-line' ? 'one message a line' : 'printed by a loop (a few large messages)';
  log(`reattach: replay of ${LINES.toLocaleString('en')} kept lines ${label} into the notebook model, median of ${runs}: ours ${median(ours).toFixed(0)} ms, `
    + `bare ws ${median(bare).toFixed(0)} ms, ratio ${(median(ours) / median(bare)).toFixed(2)} (goal ≤ 1.2); every line arrived, in order`);
  log(`  ours: ${ours.map((x) => x.toFixed(0)).join(' ')} ms; bare: ${bare.map((x) => x.toFixed(0)).join(' ')} ms`);
  return { ours, bare };
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
  for (const shape of ['batched', 'per-line'] as const) await replayBench(jupyter, t.serverUrl, t.token, shape, runs, log);
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
