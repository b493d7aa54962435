// The one way to register a command: its result goes back to the caller, and a failure becomes a notification with a
// way out (src/editor/showError.ts) instead of the editor's bare "command failed".
import type * as vscode from 'vscode';
import type { Logger } from '../core/log';
import { showError, type ErrorAction } from './showError';

export interface CommandDeps {
  vs: typeof vscode;
  logger: Logger;
}

/** The ways out a failure offers, from the error and the arguments the command was run with. */
export type ErrorActions = (e: unknown, args: unknown[]) => ErrorAction[];

/**
 * Registers `id`. `title` starts the error notification ("Open Server Files: …"). A failed command logs and shows
 * the error and returns undefined at once: it never waits for the notification to close.
 */
export function registerCommand<A extends unknown[]>(d: CommandDeps, id: string, title: string, run: (...args: A) => unknown, actions?: ErrorActions): vscode.Disposable {
  return d.vs.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await run(...(args as A));
    } catch (e) {
      await showError(d.vs, d.logger, title, e, actions?.(e, args) ?? []);
      return undefined;
    }
  });
}

/** "Retry": runs the command again with the same arguments. */
export function retryCommand(vs: typeof vscode, id: string): ErrorActions {
  return (_e, args) => [{ title: 'Retry', run: () => vs.commands.executeCommand(id, ...args) }];
}
