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
/** A kernel of the Jupyter extension's kernels API (the part we use). */
export interface JupyterKernel {
  /** 'idle' | 'busy' | 'starting' | … */
  readonly status?: string;
  executeCode(code: string, token: vscode.CancellationToken): AsyncIterable<JupyterOutput>;
}
export interface JupyterKernelsApi {
  kernels?: { getKernel(uri: vscode.Uri): Thenable<JupyterKernel | undefined> };
}

/** Runs code through the Jupyter extension's kernel; the text of the outputs whose mime type `keep` accepts. */
export async function executeCodeText(kernel: JupyterKernel, code: string, token: vscode.CancellationToken, keep: (mime: string) => boolean): Promise<string> {
  const decoder = new TextDecoder();
  let out = '';
  for await (const output of kernel.executeCode(code, token)) {
    for (const item of output.items) if (keep(item.mime)) out += decoder.decode(item.data);
  }
  return out;
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
    try {
      return await executeCodeText(kernel, code, source.token, (mime) => mime.includes('stdout') || mime === 'text/plain');
    } finally {
      sub?.dispose();
      source.dispose();
    }
  };
}

export async function discoverInNotebook(run: RunInKernel, uri: vscode.Uri, token?: vscode.CancellationToken): Promise<DiscoveredCluster[]> {
  return parseDiscoveryOutput(await run(uri, discoverySnippet(), token));
}
