// Shows a core error as a notification with a way out, instead of a stack trace.
import type * as vscode from 'vscode';
import { isPangeoError } from '../core/http/errors';
import { redact } from '../core/http/redact';
import type { Logger } from '../core/log';
import { showUntrustedMessage } from './untrustedMarkdown';

export interface ErrorAction {
  title: string;
  run(): unknown;
}

/** Logs and shows `e` and returns at once; the user may pick one of `actions` (e.g. "Sign in again", "Retry") later. */
export async function showError(vs: typeof vscode, logger: Logger, context: string, e: unknown, actions: ErrorAction[] = []): Promise<void> {
  if (isPangeoError(e, 'Cancelled')) return;
  const message = isPangeoError(e) ? e.userMessage : e instanceof Error ? e.message : String(e);
  logger.error(`${context}: ${message}${e instanceof Error && !isPangeoError(e) && e.stack ? `\n${e.stack}` : ''}`);
  // Not awaited: the failing command ends now (a preset step or test awaiting it goes on); the answer runs when it comes.
  // The message may hold a server's words: shown through showUntrustedMessage (no links, hidden characters marked, cut).
  void showUntrustedMessage(vs, 'error', redact(`${context}: ${message}`), ...actions.map((a) => a.title), 'Show Log')
    .then(async (picked) => {
      if (picked === 'Show Log') await vs.commands.executeCommand('pangeo.showLog');
      await actions.find((a) => a.title === picked)?.run();
    })
    .catch((err: unknown) => logger.warn(`${context}: the error notification's action failed: ${String(err)}`));
}
