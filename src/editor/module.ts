// What every feature module receives, and how it hands back what must be disposed.
import type * as vscode from 'vscode';
import type { Logger } from '../core/log';

export interface ModuleDeps {
  vs: typeof vscode;
  context: vscode.ExtensionContext;
  logger: Logger;
}

/** Disposes in reverse order of registration (LIFO), so later layers go before what they depend on. */
export class DisposableStore implements vscode.Disposable {
  private readonly items: { dispose(): unknown }[] = [];
  add<T extends { dispose(): unknown }>(item: T): T {
    this.items.push(item);
    return item;
  }
  dispose(): void {
    while (this.items.length) {
      try {
        this.items.pop()!.dispose();
      } catch {
        // one failing disposal must not leak the rest
      }
    }
  }
}
