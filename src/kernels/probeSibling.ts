// A kernel of our own beside a notebook's (same Jupyter server, same kernel spec) for the dashboard's scheduler probe
// while the notebook's kernel runs a cell: nobody else runs code in it, so a probe never waits behind the user's work.
// It has no session (no notebook path), is shut down when the dashboard stops asking, and prints only the probe's line.
import type { JupyterServerClient } from '../jupyterServer/jupyterServerClient';
import type { SiblingKernel } from '../dashboard/kernelProbeFeed';

export async function startProbeSibling(jupyter: JupyterServerClient, kernelName: string, signal?: AbortSignal): Promise<SiblingKernel> {
  const info = await jupyter.startKernel(kernelName, signal);
  const shutdown = () => void jupyter.shutdownKernel(info.id).catch(() => undefined);
  try {
    signal?.throwIfAborted();
    const session = await jupyter.connect(info, { timeoutMs: 30_000 });
    return {
      run: async (code, runSignal) => {
        const result = await session.execute(code, { silent: true, storeHistory: false, signal: runSignal });
        if (result.status === 'error') throw new Error(`${result.error?.ename}: ${result.error?.evalue}`);
        return result.outputs.map((o) => (o.type === 'stream' && o.name === 'stdout' ? o.text : '')).join('');
      },
      dispose: () => {
        session.dispose();
        shutdown();
      },
    };
  } catch (e) {
    shutdown();
    throw e;
  }
}
