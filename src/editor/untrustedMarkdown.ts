// The editor side of src/shared/text/untrustedText.ts: the only place a MarkdownString is made (lint: eslint.config.mjs),
// always untrusted, and the notifications whose text came from a server, with the whole text one click away.
import type * as vscode from 'vscode';
import { notificationText, SafeMarkdown } from '../shared/text/untrustedText';

/** A tooltip from safe Markdown: no command links run, no HTML, no `$(icon)`. */
export function toMarkdownString(vs: typeof vscode, md: SafeMarkdown): vscode.MarkdownString {
  const out = new vs.MarkdownString(md.markdown, false);
  out.isTrusted = false;
  out.supportHtml = false;
  out.supportThemeIcons = false;
  return out;
}

export const SHOW_FULL_TEXT = 'Show Full Text';

/** Opens the whole text in an untitled plain-text editor (which marks bidi and invisible characters itself). */
export async function showFullText(vs: typeof vscode, text: string): Promise<void> {
  const doc = await vs.workspace.openTextDocument({ content: text, language: 'plaintext' });
  await vs.window.showTextDocument(doc, { preview: true });
}

type Severity = 'info' | 'warning' | 'error';

/**
 * A notification whose message holds server text: links inert, hidden characters shown, cut at MESSAGE_MAX with a
 * "Show Full Text" action. Resolves to the picked action (never "Show Full Text": that one opens the text).
 */
export async function showUntrustedMessage(vs: typeof vscode, severity: Severity, message: string, ...actions: string[]): Promise<string | undefined> {
  const shown = notificationText(message);
  const items = shown.truncated ? [...actions, SHOW_FULL_TEXT] : actions;
  const w = vs.window;
  const picked = await (severity === 'error' ? w.showErrorMessage(shown.text, ...items)
    : severity === 'warning' ? w.showWarningMessage(shown.text, ...items) : w.showInformationMessage(shown.text, ...items));
  if (picked === SHOW_FULL_TEXT) {
    await showFullText(vs, shown.full);
    return undefined;
  }
  return picked;
}
