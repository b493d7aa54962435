// Running the discovery snippet in a notebook's kernel: through the lead's kernel connection when given, else through
// the Jupyter extension's kernels API (executeCode asks the user's consent once; untrusted workspaces are refused).
import type * as vscode from 'vscode';
import { InvalidInputError } from '../../core/http/errors';
import { discoverySnippet, parseDiscoveryOutput, type DiscoveredCluster } from '../notebook/kernelClusterDiscovery';

/** Runs code in the kernel of the notebook at `uri`; resolves with everything it printed to stdout. */
export type RunInKernel = (notebookUri: vscode.Uri, code: string, token?: vscode.CancellationToken) => Promise<string>;

interface JupyterOutput {
  items: { mime: string; data: Uint8Array }[];
}
interface JupyterKernelsApi {
  kernels?: { getKernel(uri: vscode.Uri): Thenable<{ executeCode(code: string, token: vscode.CancellationToken): AsyncIterable<JupyterOutput> } | undefined> };
}

export function jupyterExtensionRunner(vs: typeof vscode): RunInKernel {
  return async (uri, code, token) => {
    if (!vs.workspace.isTrusted) throw new InvalidInputError('Pangeo Compute does not run code in kernels of an untrusted workspace.', 'Trust the workspace to find clusters made in notebooks.');
    const ext = vs.extensions.getExtension<JupyterKernelsApi>('ms-toolsai.jupyter');
    if (!ext) throw new InvalidInputError('The Jupyter extension is not installed.', 'Install ms-toolsai.jupyter, or use a Pangeo kernel.');
    const api = ext.isActive ? ext.exports : await ext.activate();
    const kernel = await api.kernels?.getKernel(uri);
    if (!kernel) throw new InvalidInputError('This notebook has no running kernel.', 'Run a cell first, then look for clusters again.');
    const source = new vs.CancellationTokenSource();
    const sub = token?.onCancellationRequested(() => source.cancel());
    let out = '';
    try {
      const decoder = new TextDecoder();
      for await (const output of kernel.executeCode(code, source.token)) {
        for (const item of output.items) if (item.mime.includes('stdout') || item.mime === 'text/plain') out += decoder.decode(item.data);
      }
    } finally {
      sub?.dispose();
      source.dispose();
    }
    return out;
  };
}

export async function discoverInNotebook(run: RunInKernel, uri: vscode.Uri, token?: vscode.CancellationToken): Promise<DiscoveredCluster[]> {
  return parseDiscoveryOutput(await run(uri, discoverySnippet(), token));
}
