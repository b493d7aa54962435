// Squiggles for preset files: the validator's located problems as diagnostics (kept current by presetDocuments.ts).
import type * as vscode from 'vscode';
import { parseTree } from 'jsonc-parser';
import { validatePreset } from '../validatePreset';
import { placeWords } from '../problemText';
import type { ProblemCode } from '../presetTypes';

/**
 * Problems the editor's JSON language service already reports for these files from the same schema
 * (contributes.jsonValidation); showing them twice would only add noise.
 */
const REPORTED_BY_JSON_SERVICE = new Set<ProblemCode>(['syntax', 'unknown-key', 'missing-key', 'wrong-type', 'schema', 'negative', 'duplicate-key']);

export function presetDiagnostics(vs: typeof vscode, text: string, doc: vscode.TextDocument): vscode.Diagnostic[] {
  const result = validatePreset(text);
  const schemaUrl = schemaProperty(text);
  // With a $schema the JSON service validates against that URL (downloaded; nothing offline), not the bundled schema.
  const problems = schemaUrl ? result.problems : result.problems.filter((p) => !REPORTED_BY_JSON_SERVICE.has(p.code));
  const out = problems.map((p) => {
    const start = doc.positionAt(p.offset);
    const end = doc.positionAt(p.offset + Math.max(1, p.length));
    const place = placeWords(p.path);
    const d = new vs.Diagnostic(new vs.Range(start, end), `${place ? `${place}: ` : ''}${p.message}`, vs.DiagnosticSeverity.Error);
    d.source = 'Pangeo preset';
    d.code = p.code;
    return d;
  });
  if (schemaUrl && /^https?:/i.test(schemaUrl.value)) {
    const d = new vs.Diagnostic(new vs.Range(doc.positionAt(schemaUrl.offset), doc.positionAt(schemaUrl.offset + schemaUrl.length)),
      'Not needed: preset files are checked with the schema bundled in Pangeo Compute, also offline. This URL makes the editor download a schema instead; remove the "$schema" line.',
      vs.DiagnosticSeverity.Information);
    d.source = 'Pangeo preset';
    d.code = 'schema-url';
    out.push(d);
  }
  return out;
}

/** The top-level "$schema" string and where its key starts, if the text parses that far. */
function schemaProperty(text: string): { value: string; offset: number; length: number } | undefined {
  const root = parseTree(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const prop = root?.type === 'object' ? root.children?.find((p) => p.children?.[0]?.value === '$schema') : undefined;
  const value: unknown = prop?.children?.[1]?.value;
  if (!prop || typeof value !== 'string') return undefined;
  const shift = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  return { value, offset: prop.offset + shift, length: prop.length };
}
