// The hub's real prefix as its 404 page names it (JupyterHub's proxy sends unknown paths there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NoHubAtAddressError, prefixesInPage } from '../../../src/hubs/hubAddress';

// Abridged from JupyterHub 5.5.1's 404 page for GET /jhbu/hub/api on a hub whose base_url is /jhub/.
const PAGE_404 = `<!DOCTYPE HTML><html><head><title>JupyterHub</title>
<link rel="stylesheet" href="/jhub/hub/static/css/style.min.css?v=abc" type="text/css"/>
<link rel="icon" href="/jhub/hub/static/favicon.ico?v=def" type="image/x-icon">
<script src="/jhub/hub/static/components/requirejs/require.js?v=1" type="text/javascript"></script></head>
<body><nav><a href="/jhub/hub/home"><img src='/jhub/hub/logo' alt='logo' class='jpy-logo' title='Home'/></a></nav>
<div class="error"><h1>404 : Not Found</h1><p>Jupyter has lots of moons, but this is not one...</p></div></body></html>`;

test('a JupyterHub 404 page names its prefix; deeper prefixes and the root too', () => {
  assert.deepEqual(prefixesInPage(PAGE_404, 'http://127.0.0.1:8000'), ['http://127.0.0.1:8000/jhub/']);
  assert.deepEqual(prefixesInPage('<a href="/a/b/hub/login">', 'https://h'), ['https://h/a/b/']);
  assert.deepEqual(prefixesInPage('<link href="/hub/static/x.css">', 'https://h'), ['https://h/']);
  assert.deepEqual(prefixesInPage('<a href="https://elsewhere/jhub/hub/home">nothing here</a><p>hub/static</p>', 'https://h'), []);
});

test('the error points to the hub found, or says what to check; it is "unreachable" either way', () => {
  const found = new NoHubAtAddressError('https://h/jhbu/', 'https://h/jhub/', 404);
  assert.equal(found.kind, 'Unreachable');
  assert.equal(found.message, 'No JupyterHub at https://h/jhbu/; did you mean https://h/jhub/?');
  const none = new NoHubAtAddressError('https://h/jhbu/', undefined, 404);
  assert.match(none.userMessage, /^No JupyterHub at https:\/\/h\/jhbu\/ \(https:\/\/h\/jhbu\/hub\/api answered 404\)\. Check the address/);
});
