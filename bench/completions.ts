// Kernel completions (issue 18 item 3): what a cell's completion request costs through our path — KernelIntrospection
// (one request in flight per kind, the busy check, code points, the reply turned into items) on the kernel connection
// the controller uses — against a bare complete_request round trip over the same socket (the library's
// requestComplete on the same KernelConnection). Interleaved in one process so both see the same machine.
import { startTestHub } from '../test/support/jupyterhub';
import { HubClient } from '../src/hubs/hubClient';
import { JupyterServerClient } from '../src/jupyterServer/jupyterServerClient';
import { NotebookKernel } from '../src/kernels/notebookKernel';
import { KernelIntrospection, toCodePoints } from '../src/kernels/kernelCompletions';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runCompletionsBench(log: (line: string) => void = console.log, rounds = 40): Promise<{ oursMs: number; bareMs: number }> {
  const hub = await startTestHub({ users: ['bench'] });
  try {
    const token = (await new HubClient(hub.url).createTokenWithPassword('bench', hub.password, { note: 'bench' })).token;
    const client = new HubClient(hub.url, { token });
    const server = await client.startAndWait('bench', '', {}, { timeoutMs: 120_000 });
    const kernel = new NotebookKernel({
      jupyter: new JupyterServerClient(server.url!, client.http), kernelName: 'python3', sessionPath: 'bench-completions.ipynb', sessionName: 'bench-completions.ipynb',
      probeServer: async () => 'ready',
    });
    await kernel.run({ code: 'import os', onChange: () => undefined });
    const session = kernel.introspection!;
    const ours = new KernelIntrospection(session);
    // A multi-line cell with an astral character, completing an attribute: what a user's cell looks like.
    const code = 'label = "😀 run"\nimport os\nos.pa';
    const cursor = code.length;
    const oursOnce = async () => {
      const items = await ours.complete(code, cursor);
      if (!items?.some((i) => i.text === 'path')) throw new Error(`our completions gave ${JSON.stringify(items)}`);
    };
    const bareOnce = async () => {
      const reply = await session.connection.requestComplete({ code, cursor_pos: toCodePoints(code, cursor) });
      if (reply.content.status !== 'ok' || !reply.content.matches.includes('path')) throw new Error(`the bare request gave ${JSON.stringify(reply.content)}`);
    };
    for (let i = 0; i < 5; i++) {
      await oursOnce(); // warm both (Jedi's first completion of a module is slow), not counted
      await bareOnce();
    }
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < rounds; i++) {
      let t = performance.now();
      await oursOnce();
      a.push(performance.now() - t);
      t = performance.now();
      await bareOnce();
      b.push(performance.now() - t);
    }
    const oursMs = median(a);
    const bareMs = median(b);
    log(`kernel completion (os.pa in a 3-line cell), median of ${rounds}: ours (KernelIntrospection) ${oursMs.toFixed(2)} ms, `
      + `bare complete_request on the same socket ${bareMs.toFixed(2)} ms, ratio ${(oursMs / bareMs).toFixed(2)} (target ≤ 1.2) ${oursMs / bareMs <= 1.2 ? 'OK' : 'OVER'}`);
    await kernel.shutdown();
    return { oursMs, bareMs };
  } finally {
    await hub.stop();
  }
}
