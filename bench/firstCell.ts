// "Server ready → first cell result" (issue 9): what a notebook on our controller waits for after picking a ready
// server — NotebookKernel (the kernel core the controller runs) opens a session, connects and runs `1+1` — against a
// bare REST + ws client doing the least possible (POST api/kernels, websocket, execute_request → execute_reply).
// Interleaved in one process so both see the same machine; kernels are shut down outside the timed part.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { HttpClient } from '../src/core/http/httpClient';
import { JupyterServerClient } from '../src/jupyterServer/jupyterServerClient';
import { NotebookKernel } from '../src/kernels/notebookKernel';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface FirstCellBenchTarget {
  /** A ready single-user server, e.g. http://127.0.0.1:PORT/user/bench/ */
  serverUrl: string;
  /** The hub client's HTTP layer (carries the token), as the controller gets it from HubService. */
  http: HttpClient;
  token: string;
  runs?: number;
  log?: (line: string) => void;
}

/**
 * Our path: a fresh NotebookKernel per notebook, as the controller makes on a notebook's first run. `startedOnSelect`:
 * the kernel was started when the controller was picked (pangeo.kernels.startOnSelect), untimed; only Run is timed.
 */
async function oursOnce(jupyter: JupyterServerClient, i: number, startedOnSelect = false): Promise<number> {
  const kernel = new NotebookKernel({
    jupyter, kernelName: 'python3', sessionPath: `pangeo-bench/${randomUUID()}/first-cell-${i}.ipynb`, sessionName: `first-cell-${i}.ipynb`,
    probeServer: async () => 'ready',
  });
  if (startedOnSelect) await kernel.connect();
  const t0 = performance.now();
  const result = await kernel.run({ code: '1+1', onChange: () => undefined });
  const ms = performance.now() - t0;
  const text = result.outputs.flatMap((o) => o.items).map((it) => (it.kind === 'text' ? it.text : '')).join('');
  if (result.status !== 'ok' || text !== '2') throw new Error(`our first cell gave ${result.status} ${JSON.stringify(text)}`);
  await kernel.shutdown();
  return ms;
}

/** The baseline: start a kernel over REST, open its websocket, execute, wait for the reply. */
async function bareOnce(serverUrl: string, token: string): Promise<number> {
  const headers = { Authorization: `token ${token}`, 'Content-Type': 'application/json' };
  const t0 = performance.now();
  const res = await fetch(`${serverUrl}api/kernels`, { method: 'POST', headers, body: JSON.stringify({ name: 'python3' }) });
  const { id } = (await res.json()) as { id: string };
  const ws = new WebSocket(`${serverUrl.replace(/^http/, 'ws')}api/kernels/${id}/channels?session_id=${randomUUID()}`, { headers });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const msgId = randomUUID();
  let result = '';
  await new Promise<void>((resolve) => {
    // Shell and IOPub are separate streams: done when the reply has come and IOPub went idle (the result is in by then).
    let replied = false;
    let idle = false;
    ws.on('message', (data: WebSocket.RawData) => {
      const m = JSON.parse(data.toString()) as {
        parent_header?: { msg_id?: string }; header: { msg_type: string }; content: { data?: Record<string, string>; execution_state?: string };
      };
      if (m.parent_header?.msg_id !== msgId) return;
      if (m.header.msg_type === 'execute_result') result = m.content.data?.['text/plain'] ?? '';
      if (m.header.msg_type === 'execute_reply') replied = true;
      if (m.header.msg_type === 'status' && m.content.execution_state === 'idle') idle = true;
      if (replied && idle) resolve();
    });
    ws.send(JSON.stringify({
      header: { msg_id: msgId, msg_type: 'execute_request', username: '', session: randomUUID(), date: new Date().toISOString(), version: '5.3' },
      parent_header: {}, metadata: {}, channel: 'shell', buffers: [],
      content: { code: '1+1', silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
    }));
  });
  const ms = performance.now() - t0;
  if (result !== '2') throw new Error(`the bare first cell gave ${JSON.stringify(result)}`);
  ws.close();
  await fetch(`${serverUrl}api/kernels/${id}`, { method: 'DELETE', headers });
  return ms;
}

export async function runFirstCellBench(t: FirstCellBenchTarget): Promise<{ oursMs: number; bareMs: number; afterSelectMs: number }> {
  const log = t.log ?? console.log;
  const runs = t.runs ?? 10;
  const jupyter = new JupyterServerClient(t.serverUrl, t.http);
  await oursOnce(jupyter, 0); // warm both paths (imports, connection pools), not counted
  await bareOnce(t.serverUrl, t.token);
  const ours: number[] = [];
  const bare: number[] = [];
  const afterSelect: number[] = [];
  for (let i = 1; i <= runs; i++) {
    ours.push(await oursOnce(jupyter, i));
    bare.push(await bareOnce(t.serverUrl, t.token));
    afterSelect.push(await oursOnce(jupyter, 100 + i, true));
  }
  const oursMs = median(ours);
  const bareMs = median(bare);
  log(`server ready → first cell result (kernel start + 1+1), median of ${runs}: ours (NotebookKernel, the controller's core) ${oursMs.toFixed(0)} ms, `
    + `bare REST+ws ${bareMs.toFixed(0)} ms, ratio ${(oursMs / bareMs).toFixed(2)}; goal ≤ 1500 ms ${oursMs <= 1500 ? 'OK' : 'OVER'}`);
  const afterSelectMs = median(afterSelect);
  log(`  Run → result when the kernel was started on picking the controller (startOnSelect, the default): median ${afterSelectMs.toFixed(1)} ms `
    + `(${(afterSelectMs / bareMs * 100).toFixed(1)} % of the bare cold path)`);
  log(`  ours: ${ours.map((x) => x.toFixed(0)).join(' ')} ms; bare: ${bare.map((x) => x.toFixed(0)).join(' ')} ms; after select: ${afterSelect.map((x) => x.toFixed(0)).join(' ')} ms`);
  return { oursMs, bareMs, afterSelectMs };
}
