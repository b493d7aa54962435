import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWebviewHtml, contentSecurityPolicy } from '../../../src/editor/webview/webviewHtml';
import { makeNonce } from '../../../src/editor/webview/nonce';

test('the page carries a strict CSP with the nonce, and only the bundle script', () => {
  const nonce = makeNonce();
  const html = buildWebviewHtml({ title: 'A <b>', nonce, cspSource: 'https://x.vscode-cdn.net', scriptUri: 'https://x.vscode-cdn.net/dist/webviews/dashboard.js' });
  const csp = contentSecurityPolicy({ nonce, cspSource: 'https://x.vscode-cdn.net' });
  assert.equal(csp, `default-src 'none'; script-src 'nonce-${nonce}'; style-src https://x.vscode-cdn.net 'nonce-${nonce}'; img-src https://x.vscode-cdn.net data:`);
  assert.ok(html.includes(`content="${csp}"`));
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.ok(html.includes(`<script nonce="${nonce}" src="https://x.vscode-cdn.net/dist/webviews/dashboard.js">`));
  assert.ok(html.includes('<title>A &lt;b&gt;</title>'));
  assert.notEqual(makeNonce(), nonce);
});

test('frames are allowed only for the listed plot origins; bad nonces are refused', () => {
  assert.match(contentSecurityPolicy({ nonce: 'n'.repeat(16), cspSource: 's', frameSources: ['http://127.0.0.1:8787'] }), /; frame-src http:\/\/127\.0\.0\.1:8787$/);
  assert.throws(() => buildWebviewHtml({ title: '', nonce: 'short', cspSource: 's', scriptUri: 'u' }));
  assert.throws(() => buildWebviewHtml({ title: '', nonce: `${'a'.repeat(16)}"><script>`, cspSource: 's', scriptUri: 'u' }));
});
