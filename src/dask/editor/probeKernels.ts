// The notebook kernels the dashboard's scheduler probe may run in: notebooks on our own Pangeo kernels (connected), and
// notebooks on the Jupyter extension's kernels where "Find Clusters in Notebook" found a Dask client (the user has
// already granted that extension's kernel access then). The probe itself picks the client of the dashboard's scheduler
// by the scheduler id the client holds, so a notebook with clients of other schedulers is passed over.
import type * as vscode from 'vscode';
import type { ProbeKernel, ProbeKernels } from '../../dashboard/kernelProbeFeed';
import type { ClusterService } from './clusterService';

interface JupyterOutput {
  items: { mime: string; data: Uint8Array }[];
}
interface JupyterKernel {
  /** 'idle' | 'busy' | 'starting' | … (the Jupyter extension's kernels API). */
  readonly status?: string;
  executeCode(code: string, token: vscode.CancellationToken): AsyncIterable<JupyterOutput>;
}
interface JupyterKernelsApi {
  kernels?: { getKernel(uri: vscode.Uri): Thenable<JupyterKernel | undefined> };
}

/** A Jupyter-extension notebook as a probe kernel: runs only when that kernel reports idle. */
export function jupyterExtensionProbeKernel(vs: typeof vscode, uri: vscode.Uri, label: string): ProbeKernel {
  return {
    id: uri.toString(),
    label,
    runIfIdle: async (code, signal) => {
      const ext = vs.extensions.getExtension<JupyterKernelsApi>('ms-toolsai.jupyter');
      // Never activate it for this: a dashboard open does not start the Jupyter extension.
      const kernel = ext?.isActive ? await ext.exports.kernels?.getKernel(uri) : undefined;
      if (!kernel || kernel.status !== 'idle') return undefined;
      const source = new vs.CancellationTokenSource();
      const cancel = () => source.cancel();
      signal?.addEventListener('abort', cancel, { once: true });
      let out = '';
      try {
        const decoder = new TextDecoder();
        for await (const output of kernel.executeCode(code, source.token)) {
          for (const item of output.items) if (item.mime.includes('stdout')) out += decoder.decode(item.data);
        }
      } finally {
        signal?.removeEventListener('abort', cancel);
        source.dispose();
      }
      return out;
    },
  };
}

export function dashboardProbeKernels(vs: typeof vscode, own: () => ProbeKernel[], service: Pick<ClusterService, 'notebookClusters'>): ProbeKernels {
  return async () => {
    if (!vs.workspace.isTrusted) return [];
    const kernels = own();
    const taken = new Set(kernels.map((k) => k.id));
    for (const nb of service.notebookClusters()) {
      if (taken.has(nb.uri) || !nb.clusters.some((c) => c.schedulerAddress)) continue;
      kernels.push(jupyterExtensionProbeKernel(vs, vs.Uri.parse(nb.uri), nb.label));
    }
    return kernels;
  };
}
