import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hubLabel, parseHubUrl, seg } from '../../../src/hubs/hubUrl';
import { isPangeoError } from '../../../src/core/http/errors';

test('the forms people paste all give the hub base', () => {
  const cases: Array<[string, string, string?, string?]> = [
    ['https://hub.example.org', 'https://hub.example.org/'],
    ['https://hub.example.org/', 'https://hub.example.org/'],
    ['https://hub.example.org/hub/', 'https://hub.example.org/'],
    ['https://hub.example.org/hub/login?next=%2Fhub%2F', 'https://hub.example.org/'],
    ['https://hub.example.org/hub/spawn', 'https://hub.example.org/'],
    ['hub.example.org', 'https://hub.example.org/'],
    ['  https://hub.example.org/user/ana/lab?token=abc123  ', 'https://hub.example.org/', 'ana', 'abc123'],
    ['https://hub.example.org/user/ana%40uni.edu/lab/tree/x.ipynb', 'https://hub.example.org/', 'ana@uni.edu'],
    ['https://host/jhub/', 'https://host/jhub/'],
    ['https://host/jhub', 'https://host/jhub/'],
    ['https://host/jhub/hub/home', 'https://host/jhub/'],
    ['https://host/a/b/user/ana/tree?token=t0k3n', 'https://host/a/b/', 'ana', 't0k3n'],
    ['http://127.0.0.1:8000/jhub/hub/api', 'http://127.0.0.1:8000/jhub/'],
    ['https://host/jhub/login', 'https://host/jhub/'],
  ];
  for (const [input, base, user, token] of cases) {
    const parsed = parseHubUrl(input);
    assert.equal(parsed.base, base, input);
    assert.equal(parsed.user, user, input);
    assert.equal(parsed.token, token, input);
  }
});

test('plain http off loopback is flagged insecure; loopback is not', () => {
  assert.equal(parseHubUrl('http://hub.example.org').insecure, true);
  assert.equal(parseHubUrl('http://localhost:8000').insecure, false);
  assert.equal(parseHubUrl('https://hub.example.org').insecure, false);
});

test('bad input is a typed InvalidInput error with a hint', () => {
  for (const bad of ['', '   ', 'ftp://x.org', 'http://', 'https://exa mple.org']) {
    assert.throws(() => parseHubUrl(bad), (e) => isPangeoError(e, 'InvalidInput') && e.hint.length > 0, bad);
  }
});

test('labels and path segments', () => {
  assert.equal(hubLabel('https://host/jhub/'), 'host/jhub');
  assert.equal(hubLabel('https://hub.example.org/'), 'hub.example.org');
  // JupyterHub escapes names with quote(safe='@~'): '@' stays, ',', ' ', '(', ')' are escaped.
  assert.equal(seg('ana maría@x,(y)'), 'ana%20mar%C3%ADa@x%2C%28y%29');
  assert.equal(seg('a/b'), 'a%2Fb');
});
