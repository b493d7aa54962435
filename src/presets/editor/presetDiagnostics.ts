// Squiggles for preset files: the validator's located problems as diagnostics, refreshed as the instructor types.
import type * as vscode from 'vscode';
import { validatePreset } from '../validatePreset';
import type { ProblemCode } from '../presetTypes';

/** `*.pangeo.json` anywhere, or `.vscode/pangeo.json`. */
export function isPresetDocument(doc: { uri: { path: string; scheme: string } }): boolean {
  const p = doc.uri.path;
  return /\.pangeo\.json$/i.test(p) || /(^|\/)\.vscode\/pangeo\.json$/i.test(p);
}

/**
 * Problems the editor's JSON language service already reports for these files from the same schema
 * (contributes.jsonValidation); showing them twice would only add noise.
 */
const REPORTED_BY_JSON_SERVICE = new Set<ProblemCode>(['syntax', 'unknown-key', 'missing-key', 'wrong-type', 'schema', 'negative', 'duplicate-key']);

export function presetDiagnostics(vs: typeof vscode, text: string, doc: vscode.TextDocument): vscode.Diagnostic[] {
  const result = validatePreset(text);
  return result.problems.filter((p) => !REPORTED_BY_JSON_SERVICE.has(p.code)).map((p) => {
    const start = doc.positionAt(p.offset);
    const end = doc.positionAt(p.offset + Math.max(1, p.length));
    const d = new vs.Diagnostic(new vs.Range(start, end), `${p.message} (${p.path})`, vs.DiagnosticSeverity.Error);
    d.source = 'Pangeo preset';
    d.code = p.code;
    return d;
  });
}

export function registerPresetDiagnostics(vs: typeof vscode): vscode.Disposable {
  const collection = vs.languages.createDiagnosticCollection('pangeo-preset');
  const timers = new Map<string, NodeJS.Timeout>();
  const refresh = (doc: vscode.TextDocument) => {
    if (!isPresetDocument(doc)) return;
    collection.set(doc.uri, presetDiagnostics(vs, doc.getText(), doc));
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
      subs.forEach((s) => s.dispose());
      collection.dispose();
    },
  };
}
