// Which documents are presets, and their squiggles refreshed as the instructor types; the validation itself loads with
// the first preset document (the presets chunk, presetDiagnostics.ts).
import type * as vscode from 'vscode';
import { loadFeature } from '../../core/chunks';
import type * as PresetActions from './presetActions';
import { isPresetDocument } from '../presetFileNames';

export function registerPresetDiagnostics(vs: typeof vscode): vscode.Disposable {
  const collection = vs.languages.createDiagnosticCollection('pangeo-preset');
  const timers = new Map<string, NodeJS.Timeout>();
  const refresh = (doc: vscode.TextDocument) => {
    if (!isPresetDocument(doc)) return;
    collection.set(doc.uri, loadFeature<typeof PresetActions>('presets').presetDiagnostics(vs, doc.getText(), doc));
  };
  const later = (doc: vscode.TextDocument) => {
    if (!isPresetDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    // Typing produces a change per key: validate once the instructor pauses.
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      refresh(doc);
    }, 300));
  };
  vs.workspace.textDocuments.forEach(refresh);
  const subs = [
    vs.workspace.onDidOpenTextDocument(refresh),
    vs.workspace.onDidChangeTextDocument((e) => later(e.document)),
    vs.workspace.onDidCloseTextDocument((doc) => {
      clearTimeout(timers.get(doc.uri.toString()));
      collection.delete(doc.uri);
    }),
  ];
  return {
    dispose() {
      for (const t of timers.values()) clearTimeout(t);
      subs.forEach((s) => { s.dispose(); });
      collection.dispose();
    },
  };
}
