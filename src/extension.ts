// Composes the extension: logging → hubs (auth, servers) → kernels → Dask → dashboards/cost → presets → URI handler.
// activate() only registers things; no network I/O happens until the user acts or a view becomes visible.
import * as vscode from 'vscode';
import { createOutputLogger } from './editor/outputLog';
import type { ModuleDeps } from './editor/module';

export function activate(context: vscode.ExtensionContext) {
  const { logger, channel } = createOutputLogger(vscode);
  context.subscriptions.push(channel, vscode.commands.registerCommand('pangeo.showLog', () => channel.show()));
  const deps: ModuleDeps = { vs: vscode, context, logger };
  void deps;
  logger.info(`Pangeo Compute ${context.extension.packageJSON.version} activated`);
  return {};
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}
