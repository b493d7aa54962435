// Composes the extension: logging → hubs (auth, servers) → kernels → Dask → dashboards/cost → presets → URI handler.
// activate() only registers things; no network I/O happens until the user acts or a view becomes visible.
import * as vscode from 'vscode';
import { createOutputLogger } from './editor/outputLog';
import type { ModuleDeps } from './editor/module';
import { UriRouter } from './editor/uriHandler';
import { registerHubs } from './hubs/editor/module';
import { registerJupyterIntegration } from './jupyter/editor/module';
import { registerDask } from './dask/editor/module';
import { registerNotebookKernels } from './kernels/module';

export function activate(context: vscode.ExtensionContext) {
  const { logger, channel } = createOutputLogger(vscode);
  context.subscriptions.push(channel, vscode.commands.registerCommand('pangeo.showLog', () => channel.show()));
  const deps: ModuleDeps = { vs: vscode, context, logger };

  const hubs = registerHubs(deps);
  const jupyter = registerJupyterIntegration(deps, hubs.service);
  const kernels = registerNotebookKernels(deps, hubs.service);
  // A Gateway that is a hub's service reuses that hub's sign-in (Authorization: jupyterhub <token>).
  const dask = registerDask({ ...deps, hubTokenFor: async (_gateway, hubUrl) => (hubUrl ? (await hubs.service.authorizationFor(hubUrl))?.replace(/^token\s+/, '') : undefined) });

  // Disposed in reverse: features first, the hubs they build on last.
  context.subscriptions.push(dask, kernels, jupyter, hubs);

  // Last, so no deep link arrives before the features that handle it exist.
  const uris = new UriRouter(vscode);
  uris.add((uri) => hubs.oauth.handle(uri));
  context.subscriptions.push(vscode.window.registerUriHandler(uris));

  logger.info(`Pangeo Compute ${context.extension.packageJSON.version} activated`);
  // For tests and other extensions: the live objects, never secrets.
  return { hubs: hubs.service, jupyter: jupyter.registration, dask: { service: dask.service, local: dask.store.local } };
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}
