// One-click links: url= and data= forms, both directions, and refusal of anything unsafe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeServerPresetLink, EXTENSION_ID, MAX_INLINE_LINK_CHARS, parsePresetLink, presetInCodeServerLink, presetLink, studentCodeServerUrl } from '../../../src/presets/presetLink';
import { isPangeoError } from '../../../src/core/http/errors';
import type { Preset } from '../../../src/presets/presetTypes';

const preset: Preset = { version: 1, name: 'Week 3', hub: { url: 'https://hub.example.edu/', profile: 'small' }, kernel: { name: 'python3' } };

test('the extension id in links matches package.json', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { publisher: string; name: string };
  assert.equal(EXTENSION_ID, `${pkg.publisher}.${pkg.name}`);
});

test('a URL link round-trips, including a URL with its own query', () => {
  const url = 'https://example.edu/presets/week3.pangeo.json?rev=2&lang=en';
  const link = presetLink(url);
  assert.equal(link, `vscode://${EXTENSION_ID}/preset?url=${encodeURIComponent(url)}`);
  assert.deepEqual(parsePresetLink(link), { kind: 'url', url });
});

test('the handler may get vscode.Uri parts whose query is already decoded', () => {
  const url = 'https://example.edu/p.json?a=1&b=2';
  assert.deepEqual(parsePresetLink({ scheme: 'vscode', authority: EXTENSION_ID, path: '/preset', query: `url=${url}` }), { kind: 'url', url });
  // vscode.Uri.toString() encodes "=" too.
  assert.deepEqual(parsePresetLink(`vscode://${EXTENSION_ID}/preset?${encodeURIComponent(`url=${url}`)}`), { kind: 'url', url });
});

test('an inline link carries the preset and is validated when read', () => {
  const link = presetLink(preset, { scheme: 'vscode-insiders' });
  assert.match(link, /^vscode-insiders:\/\/pangeo-compute\.pangeo-compute\/preset\?data=[A-Za-z0-9_-]+$/);
  const parsed = parsePresetLink(link);
  assert.equal(parsed.kind, 'inline');
  assert.ok(parsed.kind === 'inline' && parsed.validation.ok);
  assert.deepEqual(parsed.kind === 'inline' && parsed.validation.preset, preset);
});

test('an inline preset that breaks the rules comes back invalid with problems', () => {
  const evil = Buffer.from(JSON.stringify({ version: 1, name: 'x', settings: { 'terminal.integrated.shell.linux': '/bin/sh' } })).toString('base64url');
  const parsed = parsePresetLink(`vscode://${EXTENSION_ID}/preset?data=${evil}`);
  assert.equal(parsed.kind, 'inline');
  assert.ok(parsed.kind === 'inline' && !parsed.validation.ok);
  assert.equal(parsed.kind === 'inline' && parsed.validation.problems[0]!.code, 'forbidden-setting');
});

test('a preset too big to inline is refused with a way out', () => {
  const big: Preset = { ...preset, description: 'x'.repeat(MAX_INLINE_LINK_CHARS) };
  assert.throws(() => presetLink(big), (e: unknown) => isPangeoError(e, 'InvalidInput') && /https:\/\/ address/.test(e.userMessage));
});

test('unsafe or foreign links are refused', () => {
  assert.throws(() => presetLink('http://example.edu/p.json'), /https/);
  assert.throws(() => presetLink('file:///etc/passwd'), /https/);
  const cases: Array<[string, RegExp]> = [
    [`vscode://${EXTENSION_ID}/preset?url=http%3A%2F%2Fevil.example.com%2Fp.json`, /https/],
    [`vscode://${EXTENSION_ID}/preset?url=file%3A%2F%2F%2Fetc%2Fpasswd`, /https/],
    [`vscode://${EXTENSION_ID}/preset?url=not a url`, /not a valid URL/],
    [`vscode://other.extension/preset?url=https%3A%2F%2Fexample.edu%2Fp.json`, /other\.extension/],
    [`vscode://${EXTENSION_ID}/run?url=https%3A%2F%2Fexample.edu%2Fp.json`, /unknown link path/],
    [`vscode://${EXTENSION_ID}/preset`, /neither/],
    [`vscode://${EXTENSION_ID}/preset?data=not+base64!`, /base64url/],
    ['just text', /not a link/],
  ];
  for (const [link, why] of cases) {
    const parsed = parsePresetLink(link);
    assert.equal(parsed.kind, 'invalid', link);
    assert.match(parsed.kind === 'invalid' ? parsed.reason : '', why, link);
  }
  // Loopback http stays allowed, for local testing.
  assert.equal(parsePresetLink(presetLink('http://127.0.0.1:8080/p.json')).kind, 'url');
});

test('a code-server link is https to the students\' code-server page, whose payload opens pangeo-preset:/preset?… as a file', () => {
  const url = 'https://example.edu/p.pangeo.json?rev=2&lang=en';
  const link = codeServerPresetLink(url, 'https://hub.example.edu/hub/user-redirect/vscode/?folder=/home/jovyan');
  const page = new URL(link);
  assert.equal(`${page.origin}${page.pathname}`, 'https://hub.example.edu/hub/user-redirect/vscode/');
  assert.equal(page.searchParams.get('folder'), '/home/jovyan', 'the page\'s own query stays');
  // code-server reads payload as JSON [[key, value], …]; openFile is parsed as a URI (vscode.Uri.parse decodes the query).
  const payload = JSON.parse(page.searchParams.get('payload')!) as unknown;
  assert.deepEqual(payload, [['openFile', `pangeo-preset:/preset?url=${encodeURIComponent(url)}`]]);
  assert.equal(presetInCodeServerLink(link), `pangeo-preset:/preset?url=${encodeURIComponent(url)}`);
  assert.deepEqual(parsePresetLink(presetInCodeServerLink(link)!), { kind: 'url', url });
  assert.deepEqual(parsePresetLink({ scheme: 'pangeo-preset', authority: '', path: '/preset', query: `url=${url}` }), { kind: 'url', url });

  const inline = codeServerPresetLink(preset, 'http://127.0.0.1:8080/');
  const parsed = parsePresetLink(presetInCodeServerLink(inline)!);
  assert.ok(parsed.kind === 'inline' && parsed.validation.ok);
  assert.deepEqual(parsed.kind === 'inline' && parsed.validation.preset, preset);
  assert.equal(presetInCodeServerLink('https://example.edu/p.pangeo.json'), undefined);
  assert.equal(presetInCodeServerLink('https://x.example/?payload=[["openFile","file:///etc/passwd"]]'), undefined);
});

test('a code-server link refuses a plain http code-server address (except this machine) and a preset too big to inline', () => {
  assert.throws(() => codeServerPresetLink(preset, 'http://hub.example.edu/vscode/'), (e: unknown) => isPangeoError(e, 'InvalidInput') && /must use https/.test((e as Error).message));
  const big = { ...preset, description: 'x'.repeat(3000) };
  assert.throws(() => codeServerPresetLink(big, 'https://hub.example.edu/vscode/'), /too large to inline/);
  assert.match(codeServerPresetLink('https://example.edu/p.json', 'https://hub.example.edu/vscode/'), /^https:\/\/hub\.example\.edu\/vscode\/\?payload=/);
});

test('the students\' code-server address from this one\'s: a hub user path becomes the user-redirect path', () => {
  assert.equal(studentCodeServerUrl('https://hub.example.edu/jhub/user/teacher/vscode/callback?vscode-reqid=3'), 'https://hub.example.edu/jhub/hub/user-redirect/vscode/');
  assert.equal(studentCodeServerUrl('http://127.0.0.1:8080/callback?vscode-reqid=1'), 'http://127.0.0.1:8080/');
});
