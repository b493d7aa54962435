// What every feature module receives, and how it hands back what must be disposed.
import type * as vscode from 'vscode';
import type { Logger } from '../core/log';

export interface ModuleDeps {
  vs: typeof vscode;
  context: vscode.ExtensionContext;
  logger: Logger;
}

// The one DisposableStore (LIFO): modules build with it from here, as they always have.
export { DisposableStore } from '../core/lifecycle';
