// The Jupyter extension's API stand-in (test/e2e/jupyterStub, publisher "ms-toolsai", name "jupyter"): the server
// collections it recorded, so a suite can play the kernel picker with our provider and command provider.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { JupyterServerCommandProvider, JupyterServerProvider } from '@vscode/jupyter-extension';
import { until } from './hubScenario';

export const JUPYTER_ID = 'ms-toolsai.jupyter';

/** What test/e2e/jupyterStub/main.js records per createJupyterServerCollection call. */
export interface RecordedCollection {
  id: string;
  label: string;
  provider: JupyterServerProvider;
  commandProvider?: JupyterServerCommandProvider;
  documentation?: vscode.Uri;
  disposed: boolean;
}

/** The stand-in is installed (not the real ms-toolsai.jupyter): suites that read what it records register only then. */
export function jupyterStubInstalled(): boolean {
  const version = (vscode.extensions.getExtension(JUPYTER_ID)?.packageJSON as { version?: string } | undefined)?.version;
  return version?.endsWith('-e2e') === true;
}

export async function recordedCollections(): Promise<RecordedCollection[]> {
  const stub = vscode.extensions.getExtension<{ collections: RecordedCollection[] }>(JUPYTER_ID);
  assert.ok(stub, `${JUPYTER_ID} (the e2e stub) is not installed in this editor`);
  const { version } = stub.packageJSON as { version: string };
  assert.ok(version.endsWith('-e2e'), `${JUPYTER_ID} is not the e2e stub (version ${version})`);
  return stub.isActive ? stub.exports.collections : [];
}

export const noCancellation = () => new vscode.CancellationTokenSource().token;

/** An untitled Jupyter notebook with `1+1` (opening one makes us register the collection). */
export function openJupyterNotebook(): Thenable<vscode.NotebookDocument> {
  const cell = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, '1+1', 'python');
  return vscode.workspace.openNotebookDocument('jupyter-notebook', new vscode.NotebookData([cell]));
}

/** The recorded "Pangeo hubs" collection; opens a notebook first when none was recorded yet. */
export async function pangeoCollection(): Promise<RecordedCollection> {
  if (!(await recordedCollections()).length) await openJupyterNotebook();
  const collections = await until('the stub to record a collection', async () => {
    const c = await recordedCollections();
    return c.length ? c : undefined;
  }, 15_000);
  return collections[0]!;
}
