// `pangeo-compute preset validate|link|show` through the real CLI dispatcher: output lines and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/main';
import { presetCommands } from '../../../src/cli/presetCommands';
import { EXIT } from '../../../src/cli/command';
import { parsePresetLink } from '../../../src/presets/presetLink';

const FIX = join(__dirname, '../../fixtures/presets');

async function cli(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, [presetCommands], {
    stdout: (t) => { out += t; },
    stderr: (t) => { err += t; },
    readStdin: async () => stdin,
    env: {},
  }, new AbortController().signal);
  return { code, out, err };
}

test('validate: a good preset exits 0', async () => {
  const r = await cli(['preset', 'validate', join(FIX, 'good/full-course.pangeo.json')]);
  assert.equal(r.code, EXIT.ok, r.err);
  assert.match(r.out, /valid preset "Ocean Data Science 101/);
});

test('validate: a bad preset exits 1 with "file:line:column: where: message" lines in plain words (no JSONPath)', async () => {
  const file = join(FIX, 'bad/duplicate-key.json');
  const r = await cli(['preset', 'validate', file]);
  assert.equal(r.code, EXIT.failure);
  assert.ok(r.out.split('\n').includes(`${file}:6:5: hub › url: key "url" appears more than once`), r.out);
  const multi = await cli(['preset', 'validate', '-'], JSON.stringify({ version: 1, name: 'x', hub: { url: 'http://a.example/' }, zzz: 1 }, null, 2));
  assert.equal(multi.code, EXIT.failure);
  assert.deepEqual(multi.out.trim().split('\n').slice(1), [
    '<stdin>:5:12: hub › url: must use https:// (plain http is only allowed for localhost)',
    '<stdin>:7:3: zzz: unknown key "zzz"',
  ]);
  const syntax = await cli(['preset', 'validate', '-'], '');
  assert.doesNotMatch(syntax.out, /\$/, 'no JSONPath "$" in what people read');
  assert.match(syntax.out, /^<stdin>:1:1: JSON syntax error/m);
});

test('validate --json: machine-readable problems, same exit codes', async () => {
  const bad = await cli(['preset', 'validate', '--json', join(FIX, 'bad/negative-budget.json')]);
  assert.equal(bad.code, EXIT.failure);
  const body = JSON.parse(bad.out) as { ok: boolean; problems: Array<{ path: string; line: number; column: number; code: string }> };
  assert.equal(body.ok, false);
  assert.deepEqual(body.problems.map((p) => [p.path, p.code]), [['$.cost.budget.amount', 'negative']]);
  assert.ok(body.problems[0]!.line > 0 && body.problems[0]!.column > 0);
  const good = await cli(['preset', 'validate', '--json', join(FIX, 'good/minimal.pangeo.json')]);
  assert.equal(good.code, EXIT.ok);
  assert.deepEqual((JSON.parse(good.out) as { problems: unknown }).problems, []);
});

test('validate: binary garbage and missing files are handled, not crashed on', async () => {
  const utf = await cli(['preset', 'validate', join(FIX, 'bad/invalid-utf8.json')]);
  assert.equal(utf.code, EXIT.failure);
  assert.match(utf.out, /:3:15: invalid UTF-8/m);
  assert.doesNotMatch(utf.out, /\$/);
  const missing = await cli(['preset', 'validate', join(FIX, 'nope.json')]);
  assert.equal(missing.code, EXIT.usage);
  assert.match(missing.err, /Cannot read .*nope\.json: ENOENT/);
  const none = await cli(['preset', 'validate']);
  assert.equal(none.code, EXIT.usage);
});

test('link: an inline link that parses back to the same preset; --url gives a URL link', async () => {
  const r = await cli(['preset', 'link', join(FIX, 'good/local-dask.pangeo.json')]);
  assert.equal(r.code, EXIT.ok, r.err);
  const parsed = parsePresetLink(r.out.trim());
  assert.ok(parsed.kind === 'inline' && parsed.validation.ok && parsed.validation.preset.name === 'Local workshop');
  const u = await cli(['preset', 'link', join(FIX, 'good/full-course.pangeo.json'), '--url', 'https://example.edu/week3.pangeo.json']);
  assert.equal(u.out.trim(), 'vscode://pangeo-compute.pangeo-compute/preset?url=https%3A%2F%2Fexample.edu%2Fweek3.pangeo.json');
  const insecure = await cli(['preset', 'link', join(FIX, 'good/minimal.pangeo.json'), '--url', 'http://example.edu/p.json']);
  assert.equal(insecure.code, EXIT.usage);
  assert.match(insecure.err, /https/);
  const invalid = await cli(['preset', 'link', join(FIX, 'bad/expired.json')]);
  assert.equal(invalid.code, EXIT.failure);
});

test('link: --code-server adds the https link for code-server in the browser beside the desktop one', async () => {
  const r = await cli(['preset', 'link', join(FIX, 'good/full-course.pangeo.json'), '--url', 'https://example.edu/week3.pangeo.json', '--code-server', 'https://hub.example.edu/hub/user-redirect/vscode/']);
  assert.equal(r.code, EXIT.ok, r.err);
  const [desktop, browser] = r.out.trim().split('\n');
  assert.equal(desktop, 'desktop VS Code:       vscode://pangeo-compute.pangeo-compute/preset?url=https%3A%2F%2Fexample.edu%2Fweek3.pangeo.json');
  const link = new URL(browser!.replace(/^code-server \(browser\): /, ''));
  assert.equal(`${link.origin}${link.pathname}`, 'https://hub.example.edu/hub/user-redirect/vscode/');
  assert.deepEqual(JSON.parse(link.searchParams.get('payload')!), [['openFile', 'pangeo-preset:/preset?url=https%3A%2F%2Fexample.edu%2Fweek3.pangeo.json']]);
  const plain = await cli(['preset', 'link', join(FIX, 'good/local-dask.pangeo.json')]);
  assert.match(plain.err, /opens in desktop VS Code\. For code-server in the browser add --code-server/);
  const insecure = await cli(['preset', 'link', join(FIX, 'good/local-dask.pangeo.json'), '--code-server', 'http://hub.example.edu/vscode/']);
  assert.equal(insecure.code, EXIT.usage);
  assert.match(insecure.err, /code-server address must use https/);
});

test('link: a preset too big to inline fails with advice', async () => {
  const big = JSON.stringify({ version: 1, name: 'Big', description: 'd'.repeat(1900) });
  const r = await cli(['preset', 'link', '-'], big);
  assert.equal(r.code, EXIT.usage);
  assert.match(r.err, /too large to inline.*https:\/\/ address/);
});

test('show: the numbered plan, or problems and exit 1', async () => {
  const r = await cli(['preset', 'show', join(FIX, 'good/full-course.pangeo.json')]);
  assert.equal(r.code, EXIT.ok);
  assert.match(r.out, /^Source: .*full-course\.pangeo\.json$/m);
  assert.match(r.out, /^2\. Start the server "week3" with the profile "medium"$/m);
  const j = await cli(['preset', 'show', '--json', join(FIX, 'good/local-dask.pangeo.json')]);
  assert.deepEqual((JSON.parse(j.out) as { plan: { steps: Array<{ kind: string }> } }).plan.steps.map((s) => s.kind), ['sign-in', 'start-server', 'create-dask-cluster', 'set-budget']);
  const bad = await cli(['preset', 'show', join(FIX, 'bad/http-hub.json')]);
  assert.equal(bad.code, EXIT.failure);
  assert.match(bad.out, /:5:12: hub › url: must use https:\/\//);
});
