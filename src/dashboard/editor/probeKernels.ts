// The notebook kernels the dashboard's scheduler probe may run in: notebooks on our own Pangeo kernels (connected), and
// notebooks on the Jupyter extension's kernels where "Find Clusters in Notebook" found a Dask client (the user has
// already granted that extension's kernel access then). The probe itself picks the client of the dashboard's scheduler
// by the scheduler id the client holds, so a notebook with clients of other schedulers is passed over.
import type * as vscode from 'vscode';
import type { ProbeKernel, ProbeKernels } from '../kernelProbeFeed';
import type { ClusterService } from '../../dask/editor/clusterService';
import { executeCodeText, type JupyterKernelsApi } from '../../dask/editor/notebookClusters';

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
      try {
        return await executeCodeText(kernel, code, source.token, (mime) => mime.includes('stdout'));
      } finally {
        signal?.removeEventListener('abort', cancel);
        source.dispose();
      }
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
