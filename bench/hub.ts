// Hub benchmark (issue 2): bundle size, bundle load time, connect+list kernelspecs through our client vs plain fetch,
// and a kernel execute round trip through our client vs a bare `ws` client — each ratio measured in the same run.
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startTestHub } from '../test/support/jupyterhub';
import { HubClient } from '../src/hubs/hubClient';
import { JupyterServerClient } from '../src/jupyterServer/jupyterServerClient';
import { runFirstCellBench } from './firstCell';
import { runReattachBench } from './reattach';

const ROOT = join(__dirname, '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeEach(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/** Loads dist/extension.js; `vscode` resolves to an empty object only so the bundle's top level can run (activate() is not called). */
function bundleLoadMs(): number {
  const file = join(ROOT, 'dist/extension.js');
  const req = Module.createRequire(file);
  const resolve = (Module as unknown as { _resolveFilename: (r: string, ...a: unknown[]) => string })._resolveFilename;
  const cacheKey = join(ROOT, '.bench-vscode-placeholder');
  require.cache[cacheKey] = { id: cacheKey, filename: cacheKey, loaded: true, exports: {} } as NodeJS.Module;
  (Module as unknown as { _resolveFilename: unknown })._resolveFilename = (r: string, ...a: unknown[]) => (r === 'vscode' ? cacheKey : resolve.call(Module, r, ...a));
  try {
    const t = performance.now();
    const mod = req(file) as { activate?: unknown };
    const ms = performance.now() - t;
    if (typeof mod.activate !== 'function') throw new Error('bundle has no activate()');
    return ms;
  } finally {
    (Module as unknown as { _resolveFilename: unknown })._resolveFilename = resolve;
  }
}

export async function runHubBench(log: (l: string) => void = console.log): Promise<void> {
  const size = statSync(join(ROOT, 'dist/extension.js')).size;
  log(`bundle: dist/extension.js ${(size / 1024).toFixed(1)} KB (target < 400 KB) ${size < 400 * 1024 ? 'OK' : 'OVER'}`);
  log(`bundle load (require, top level only): ${bundleLoadMs().toFixed(1)} ms`);

  // No IOPub rate limits on the server (an admin's `ServerApp.iopub_*_rate_limit`): with the defaults the server drops
  // all but ~3,000 of the reattach bench's 10,000 one-line messages from its replay, for any client (reattachKernel.ts).
  const hub = await startTestHub({ users: ['bench'], extraConfig: "c.Spawner.args += ['--ServerApp.iopub_msg_rate_limit=0', '--ServerApp.iopub_data_rate_limit=0']\n" });
  try {
    const client = new HubClient(hub.url);
    const minted = await client.createTokenWithPassword('bench', hub.password, { note: 'bench' });
    const hc = new HubClient(hub.url, { token: minted.token });
    const server = await hc.startAndWait('bench', '', {}, { timeoutMs: 120_000 });
    const url = server.url!;
    const auth = { Authorization: `token ${minted.token}` };

    // connect-and-list: a fresh client each time (what a tree refresh does): user → kernelspecs.
    const ours = async () => {
      const c = new HubClient(hub.url, { token: minted.token });
      const u = await c.getCurrentUser();
      await new JupyterServerClient(url, c.http).getKernelSpecs();
      return u;
    };
    const plain = async () => {
      await (await fetch(`${hub.url}hub/api/user`, { headers: auth })).json();
      await (await fetch(`${url}api/kernelspecs`, { headers: auth })).json();
    };
    await ours(); await plain();
    const rounds = 30;
    const a: number[] = [], b: number[] = [];
    for (let i = 0; i < rounds; i++) { a.push(...await timeEach(1, ours)); b.push(...await timeEach(1, plain)); } // interleaved: same noise
    log(`connect + list kernelspecs: ours ${median(a).toFixed(2)} ms, plain fetch ${median(b).toFixed(2)} ms, ratio ${(median(a) / median(b)).toFixed(2)} (target ≤ 1.2)`);

    // execute round trip on one kernel: our KernelSession vs a bare ws client speaking the protocol by hand.
    const jc = new JupyterServerClient(url, hc.http);
    const kernel = await jc.startKernel('python3');
    const session = await jc.connect(kernel);
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}api/kernels/${kernel.id}/channels?session_id=${randomUUID()}`, { headers: auth });
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
    const bare = () => new Promise<void>((resolve) => {
      const msgId = randomUUID();
      const onMsg = (data: WebSocket.RawData) => {
        const m = JSON.parse(data.toString()) as { parent_header?: { msg_id?: string }; msg_type?: string; header: { msg_type: string } };
        if (m.parent_header?.msg_id === msgId && m.header.msg_type === 'execute_reply') { ws.off('message', onMsg); resolve(); }
      };
      ws.on('message', onMsg);
      ws.send(JSON.stringify({ header: { msg_id: msgId, msg_type: 'execute_request', username: '', session: randomUUID(), date: new Date().toISOString(), version: '5.3' },
        parent_header: {}, metadata: {}, channel: 'shell', content: { code: '1+1', silent: false, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: true }, buffers: [] }));
    });
    const ourExec = () => session.execute('1+1', { storeHistory: false });
    await bare(); await ourExec();
    const x: number[] = [], y: number[] = [];
    for (let i = 0; i < rounds; i++) { x.push(...await timeEach(1, ourExec)); y.push(...await timeEach(1, bare)); }
    log(`kernel execute round trip: ours ${median(x).toFixed(2)} ms, bare ws ${median(y).toFixed(2)} ms, ratio ${(median(x) / median(y)).toFixed(2)} (target ≤ 1.2)`);
    ws.close();
    session.dispose();
    await jc.shutdownKernel(kernel.id);

    // Issue 9: a notebook's first cell on a ready server, through the controller's kernel core vs bare REST + ws.
    await runFirstCellBench({ serverUrl: url, http: hc.http, token: minted.token, log });
    // Issue 19: replay after a reload, and the first output after the network is back.
    await runReattachBench({ serverUrl: url, http: hc.http, token: minted.token, log });
  } finally {
    await hub.stop();
  }
}
