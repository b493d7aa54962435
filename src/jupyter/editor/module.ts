// Kernel-picker integration: the Jupyter extension's server collection, created lazily when a notebook opens.
import type * as vscode from 'vscode';
import { JupyterServerCollectionRegistration } from './jupyterServerCollection';
import type { HubService } from '../../hubs/editor/hubService';
import { registerCommand } from '../../editor/command';
import { DisposableStore, ModuleDeps } from '../../editor/module';

export function registerJupyterIntegration({ vs, logger, context }: ModuleDeps, hubs: HubService): vscode.Disposable & { registration: JupyterServerCollectionRegistration } {
  const store = new DisposableStore();
  const registration = store.add(new JupyterServerCollectionRegistration(vs, hubs, logger, context.workspaceState));
  const onNotebook = (doc: vscode.NotebookDocument) => {
    if (doc.notebookType === 'jupyter-notebook') void registration.ensure();
  };
  store.add(vs.workspace.onDidOpenNotebookDocument(onNotebook));
  vs.workspace.notebookDocuments.forEach(onNotebook);
  store.add(registerCommand({ vs, logger }, 'pangeo.kernels.selectRemoteKernel', 'Select remote kernel', async () => {
    if (await registration.ensure()) {
      await vs.commands.executeCommand('notebook.selectKernel');
      return true;
    }
    // No Jupyter extension: our own controllers (one per server and kernelspec) are in the picker.
    await vs.commands.executeCommand('notebook.selectKernel');
    return false;
  }));
  return Object.assign(store, { registration });
}
