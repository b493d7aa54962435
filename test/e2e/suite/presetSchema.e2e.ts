// Scenario (issue 10): preset files get schema squiggles in the real editor with no network: the JSON language service
// validates *.pangeo.json with the schema bundled in the extension (contributes.jsonValidation), the snippet's text
// carries no $schema that would send it downloading, and a file that still has the old $schema URL is checked by
// the extension itself.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { suite, test } from '../runner/registry';
import { EXTENSION_ID, until } from './support/hubScenario';

/** The snippet's body as the editor inserts it (placeholders keep their default text). */
function snippetText(): Record<string, unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, 'extension not loaded');
  const schema = JSON.parse(readFileSync(join(ext.extensionPath, 'schemas/preset.schema.json'), 'utf8')) as { defaultSnippets: { body: unknown }[] };
  const text = JSON.stringify(schema.defaultSnippets[0]!.body).replace(/\$\{\d+:([^}]*)\}/g, '$1');
  return JSON.parse(text) as Record<string, unknown>;
}

async function diagnosticsOf(file: string, content: string): Promise<vscode.Diagnostic[]> {
  writeFileSync(file, content);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(doc);
  return until(`diagnostics for ${file}`, () => {
    const d = vscode.languages.getDiagnostics(doc.uri);
    return d.some((x) => /extra/.test(x.message)) ? d : undefined;
  }, 30_000, 250);
}

suite('presetSchema', () => {
  test('squiggles appear offline for the snippet\'s text, and for a file with the old $schema URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pangeo-schema-'));
    const body = snippetText();
    assert.equal(Object.keys(body).includes(''), false, 'the snippet inserts an empty key');
    assert.equal('$schema' in body, false, 'the snippet should not send the editor downloading a schema');
    const fromSnippet = await diagnosticsOf(join(dir, 'course.pangeo.json'), JSON.stringify({ ...body, extra: true }, null, 2));
    const json = fromSnippet.filter((d) => d.source !== 'Pangeo preset');
    assert.ok(json.some((d) => /extra/.test(d.message)), `the JSON service flagged nothing: ${JSON.stringify(fromSnippet.map((d) => [d.source, d.message]))}`);
    assert.ok(!fromSnippet.some((d) => /Unable to load schema|Problems loading reference/i.test(d.message)), 'the schema did not load');

    const old = await diagnosticsOf(join(dir, 'old.pangeo.json'), JSON.stringify({ $schema: 'https://pangeo-compute.github.io/schemas/preset-v1.json', ...body, extra: true }, null, 2));
    const ours = old.filter((d) => d.source === 'Pangeo preset');
    assert.ok(ours.some((d) => d.message === 'extra: unknown key "extra"'), `the extension did not check the file itself: ${JSON.stringify(old.map((d) => [d.source, d.message]))}`);
    assert.ok(ours.some((d) => d.code === 'schema-url'), 'no hint to remove the $schema line');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  }, 60_000);
});
