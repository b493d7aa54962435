// The schema's "Pangeo course preset" snippet: what VS Code inserts must be the preset we document. In snippet
// syntax `$name` is a variable (so `"$schema"` became `""`); only tab stops `$1`/`${1:text}` may use `$`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validatePreset } from '../../../src/presets/validatePreset';

const schema = JSON.parse(readFileSync(join(__dirname, '../../../schemas/preset.schema.json'), 'utf8')) as { defaultSnippets: { label: string; body: unknown }[] };

/** Every key and string in a snippet body. */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { out.push(k); strings(x, out); }
  return out;
}

/** What the editor inserts for tab stops and escapes (placeholders keep their default text). */
function expand(text: string): string {
  return text.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '').replace(/\\\$/g, '$');
}

test('snippets: every $ is a tab stop or escaped, and the inserted text is a valid preset', () => {
  assert.ok(schema.defaultSnippets.length > 0);
  for (const snippet of schema.defaultSnippets) {
    for (const s of strings(snippet.body)) {
      const bare = s.replace(/\$\{\d+:[^}]*\}|\$\d+|\\\$/g, '');
      assert.ok(!bare.includes('$'), `${snippet.label}: "${s}" has a $ the editor reads as a snippet variable`);
    }
    const inserted = JSON.parse(expand(JSON.stringify(snippet.body)).replace(/\\\\\$/g, '$')) as Record<string, unknown>;
    const v = validatePreset(JSON.stringify(inserted, null, 2), { now: new Date('2026-01-01') });
    assert.ok(v.ok, `${snippet.label}: ${v.problems.map((p) => p.message).join('; ')}`);
    assert.ok(!Object.keys(inserted).includes(''), `${snippet.label}: an empty key`);
  }
});
