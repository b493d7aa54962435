// The kernels area: our own notebook controllers (for editors without the Jupyter extension) and the restart command.
import type * as vscode from 'vscode';
import { registerCommand } from '../../editor/command';
import { DisposableStore, ModuleDeps } from '../../editor/module';
import type { HubRegistry } from '../../hubs/hubRegistry';
import { NOTEBOOK_TYPE, NotebookControllers, type ConnectedNotebookKernel, type IdleRunner } from './notebookControllers';
import { registerKernelCompletions } from './kernelCompletionProvider';
import { NotebookReattacher } from './reattachCells';
import { ledgerStorage, ReattachStore } from './reattachStore';

export { controllerIdFor, controllerLabel, hubHash } from '../controllerId';

export interface KernelsModule extends vscode.Disposable {
  /** Runs hidden code in the Pangeo kernel a notebook uses (stdout back), or undefined when it uses another kernel. */
  runInNotebook(uri: vscode.Uri, code: string): Promise<string | undefined>;
  /** The notebooks with a connected Pangeo kernel, for hidden code run only while idle (the Dask dashboard's probe). */
  idleRunners(): IdleRunner[];
  /** Every notebook's connected Pangeo kernel, busy or idle (the agent tools run code in idle ones). */
  connectedKernels(): ConnectedNotebookKernel[];
  /** Each state change of a notebook's Pangeo kernel. */
  onDidChangeKernelState: NotebookControllers['onDidChangeKernelState'];
}

export function registerNotebookKernels(deps: ModuleDeps, hubs: HubRegistry): KernelsModule {
  const { vs, logger } = deps;
  const store = new DisposableStore();
  const reattach = new NotebookReattacher(vs, new ReattachStore(ledgerStorage(deps.context.storageUri, deps.context.workspaceState)), logger);
  const controllers = store.add(new NotebookControllers({ vs, hubs, logger, reattach }));
  store.add(registerKernelCompletions({ vs, notebookType: NOTEBOOK_TYPE, introspectionFor: (nb) => controllers.introspectionFor(nb) }));
  store.add(registerCommand(deps, 'pangeo.kernels.restart', 'Restart kernel', (arg?: unknown) => controllers.restartKernel(notebookUriOf(vs, arg))));
  return Object.assign(store, {
    runInNotebook: (uri: vscode.Uri, code: string) => controllers.runInNotebook(uri, code),
    idleRunners: () => controllers.idleRunners(),
    connectedKernels: () => controllers.connectedKernels(),
    onDidChangeKernelState: controllers.onDidChangeKernelState,
  });
}

/** The command runs from the palette (no argument), the notebook toolbar ({notebookEditor: {notebookUri}}) or with a Uri. */
function notebookUriOf(vs: typeof vscode, arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vs.Uri) return arg;
  const fromToolbar = (arg as { notebookEditor?: { notebookUri?: unknown } } | undefined)?.notebookEditor?.notebookUri;
  return fromToolbar instanceof vs.Uri ? fromToolbar : undefined;
}
