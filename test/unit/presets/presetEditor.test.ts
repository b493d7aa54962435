// The editor module with a stand-in editor: nothing runs without consent or in an untrusted workspace; consent runs the
// steps and writes settings; failures offer retry; links, diagnostics and copy-link work end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { createFakeVscode, settle, type FakePanel, type FakeVscode } from '../../support/fakeVscode';
import { mockClock } from '../../support/mockClock';
import { handlePresetUri, registerPresets } from '../../../src/presets/editor/module';
import { WorkspaceSettingsWriter } from '../../../src/presets/editor/workspaceSettingsWriter';
import { codeServerPresetLink, parsePresetLink, presetLink } from '../../../src/presets/presetLink';
import { silentLogger } from '../../../src/core/log';
import type { StepImplementations } from '../../../src/presets/applyPreset';
import type { PlanStepKind } from '../../../src/presets/presetPlan';

const GOOD = join(__dirname, '../../fixtures/presets/good');
const BAD = join(__dirname, '../../fixtures/presets/bad');

function setup(t: { after(fn: () => void): void }, fail: Partial<Record<PlanStepKind, number>> = {}) {
  const ed = createFakeVscode({ folders: true });
  const ran: string[] = [];
  const failures = { ...fail };
  const step = (kind: PlanStepKind) => async () => {
    ran.push(kind);
    if (failures[kind]) {
      failures[kind]--;
      throw new Error(`${kind} broke`);
    }
  };
  const steps = (): StepImplementations => ({
    'sign-in': step('sign-in'), 'start-server': step('start-server'), 'get-content': step('get-content'), 'open-files': step('open-files'),
    'select-kernel': step('select-kernel'), 'create-dask-cluster': step('create-dask-cluster'), 'set-budget': step('set-budget'), 'assume-aws-role': step('assume-aws-role'),
  });
  const context = { extensionUri: ed.Uri.file('/ext'), subscriptions: [] } as unknown as vscode.ExtensionContext;
  const module = registerPresets({ vs: ed.vs, context, logger: silentLogger }, steps);
  t.after(() => { module.dispose(); });
  return { ed, ran, module };
}

/** Starts a command and returns once its review panel exists and the page said "ready". */
async function startReview(ed: FakeVscode, run: () => unknown): Promise<{ panel: FakePanel; done: Promise<unknown> }> {
  const before = ed.panels.length;
  const done = Promise.resolve(run());
  for (const until = Date.now() + 20_000; ed.panels.length === before && Date.now() < until;) await new Promise((r) => setTimeout(r, 5));
  const panel = ed.panels.length > before ? ed.panels.at(-1) : undefined;
  assert.ok(panel, 'a review panel opened');
  panel.send({ type: 'ready' });
  await settle();
  return { panel, done };
}

async function waitFor(cond: () => boolean, ms = 20_000): Promise<void> {
  for (const until = Date.now() + ms; !cond();) {
    if (Date.now() > until) assert.fail('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const shown = (panel: FakePanel) => panel.posted.find((m) => (m as { type: string }).type === 'review/show') as { review: { name: string; source: string; sourceKind: string; steps: Array<{ title: string }>; blockedReason?: string; warnings?: string[] } };
const finished = (panel: FakePanel) => panel.posted.filter((m) => (m as { type: string }).type === 'review/finished') as Array<{ status: string; message: string; canRetry: boolean }>;

test('the review page is a CSP-locked webview that lists the steps and the source', async (t) => {
  const { ed, ran } = setup(t);
  const { panel, done } = await startReview(ed, () => ed.commands.get('pangeo.preset.apply')!(ed.Uri.file(join(GOOD, 'full-course.pangeo.json'))));
  const html = panel.webview.html.replace(/&#39;/g, "'");
  assert.match(html, /Content-Security-Policy" content="default-src 'none'; script-src 'nonce-([A-Za-z0-9+\/=]{16,})'; style-src https:\/\/webview\.test/);
  const nonce = /'nonce-([^']+)'/.exec(html)![1];
  assert.match(html, new RegExp(`<script nonce="${nonce!.replace(/[+/=]/g, '\\$&')}" src="https://webview\\.test/ext/dist/webviews/presetReview\\.js">`));
  assert.deepEqual(panel.options.localResourceRoots, [ed.Uri.file('/ext/dist/webviews')]);
  const review = shown(panel).review;
  assert.equal(review.source, join(GOOD, 'full-course.pangeo.json'));
  assert.equal(review.sourceKind, 'file');
  assert.equal(review.steps.length, 10);
  assert.match(review.steps[9]!.title, /Change 6 workspace settings/);
  panel.send({ type: 'review/decision', decision: 'cancel' });
  await done;
  assert.deepEqual(ran, [], 'cancel runs nothing');
  assert.equal(ed.updates.length, 0);
});

test('closing the page is a no', async (t) => {
  const { ed, ran } = setup(t);
  const { panel, done } = await startReview(ed, () => ed.commands.get('pangeo.preset.apply')!(ed.Uri.file(join(GOOD, 'local-dask.pangeo.json'))));
  panel.dispose();
  await done;
  assert.deepEqual(ran, []);
});

test('consent runs every step in order, then writes the settings to the workspace', async (t) => {
  const { ed, ran } = setup(t);
  const { panel, done } = await startReview(ed, () => ed.commands.get('pangeo.preset.apply')!(ed.Uri.file(join(GOOD, 'full-course.pangeo.json'))));
  panel.send({ type: 'review/decision', decision: 'apply' });
  await done;
  assert.deepEqual(ran, ['sign-in', 'start-server', 'get-content', 'open-files', 'select-kernel', 'assume-aws-role', 'create-dask-cluster', 'set-budget']);
  assert.deepEqual(ed.updates.map((u) => [u.key, u.value, u.target]), [
    ['editor.fontSize', 15, 2], ['editor.wordWrap', 'on', 2], ['notebook.lineNumbers', 'on', 2],
    ['workbench.colorTheme', 'Default Dark Modern', 2], ['files.autoSave', 'afterDelay', 2], ['pangeo.cost.showInStatusBar', true, 2],
  ]);
  const steps = panel.posted.filter((m) => (m as { type: string }).type === 'review/step') as Array<{ index: number; status: string }>;
  assert.deepEqual(steps.filter((s) => s.status === 'done').map((s) => s.index), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(finished(panel).map((f) => f.status), ['done']);
  // The recommendation is offered, never installed.
  assert.ok(ed.notices.some((m) => /recommends ms-toolsai\.jupyter, ms-python\.python/.test(m.text)));
});

test('an untrusted workspace: the page says why and offers no Apply; a forged "apply" runs nothing', async (t) => {
  const { ed, ran } = setup(t);
  ed.state.trusted = false;
  const { panel, done } = await startReview(ed, () => ed.commands.get('pangeo.preset.apply')!(ed.Uri.file(join(GOOD, 'settings-only.pangeo.json'))));
  assert.match(shown(panel).review.blockedReason ?? '', /not trusted/);
  panel.send({ type: 'review/decision', decision: 'apply' });
  await done;
  assert.deepEqual(ran, []);
  assert.equal(ed.updates.length, 0);
  assert.deepEqual(finished(panel).map((f) => f.status), ['cancelled']);
});

test('a failing step stops the run with its name, settings untouched; Retry on the page resumes from it', async (t) => {
  const { ed, ran } = setup(t, { 'create-dask-cluster': 1 });
  const { panel, done } = await startReview(ed, () => ed.commands.get('pangeo.preset.apply')!(ed.Uri.file(join(GOOD, 'full-course.pangeo.json'))));
  panel.send({ type: 'review/decision', decision: 'apply' });
  await done;
  const [failed] = finished(panel);
  assert.equal(failed!.status, 'failed');
  assert.match(failed!.message, /Step 7 failed \(Create a Dask cluster.*create-dask-cluster broke/);
  assert.equal(failed!.canRetry, true);
  assert.equal(ed.updates.length, 0);
  assert.ok(ed.notices.some((m) => m.kind === 'error' && /create-dask-cluster broke/.test(m.text)));
  panel.send({ type: 'review/retry' });
  await waitFor(() => finished(panel).length === 2);
  assert.deepEqual(ran.slice(6), ['create-dask-cluster', 'create-dask-cluster', 'set-budget']);
  assert.equal(finished(panel).at(-1)?.status, 'done');
  assert.equal(ed.updates.length, 6);
});

test('an invalid preset opens no page, runs nothing and names the first problem with its place', async (t) => {
  const { ed, ran } = setup(t);
  await ed.commands.get('pangeo.preset.apply')!(ed.Uri.file(join(BAD, 'forbidden-setting-terminal.json')));
  assert.equal(ed.panels.length, 0);
  assert.deepEqual(ran, []);
  assert.match(ed.notices[0]!.text, /: line 5, column 5: settings › terminal\.integrated\.defaultProfile\.linux: setting .* names a terminal/);
  assert.doesNotMatch(ed.notices[0]!.text, /\$/, 'no JSONPath jargon');
});

test('handlePresetUri: an inline link opens the review with the link as its source; a bad link is refused', async (t) => {
  const { ed } = setup(t);
  const link = presetLink({ version: 1, name: 'From a link', kernel: { name: 'python3' } });
  const { query } = { query: link.slice(link.indexOf('?') + 1) };
  const { panel, done } = await startReview(ed, () => handlePresetUri({ scheme: 'vscode', authority: 'pangeo-compute.pangeo-compute', path: '/preset', query }));
  assert.equal(shown(panel).review.sourceKind, 'link');
  panel.send({ type: 'review/decision', decision: 'cancel' });
  assert.equal(await done, true);
  assert.equal(await handlePresetUri({ scheme: 'vscode', authority: 'pangeo-compute.pangeo-compute', path: '/preset', query: 'url=http%3A%2F%2Fevil.example.com%2Fp.json' }), true);
  assert.match(ed.notices.at(-1)!.text, /cannot be used: the preset URL must use https/);
  assert.equal(await handlePresetUri({ scheme: 'vscode', authority: 'pangeo-compute.pangeo-compute', path: '/other', query: '' }), false);
});

test('diagnostics follow preset documents as they change, with the validator\'s ranges', async (t) => {
  const { ed } = setup(t);
  const doc = ed.openDocument('/work/course/week1.pangeo.json', '{\n  "version": 1,\n  "name": "W1",\n  "hub": { "url": "http://hub.example.org/" }\n}\n');
  ed.openDocument('/work/course/package.json', '{ "not": "a preset" }');
  const diags = ed.diagnostics.get(doc.uri.toString())!;
  assert.equal(diags.length, 1);
  assert.match(diags[0]!.message, /^hub › url: must use https:\/\//);
  assert.deepEqual([diags[0]!.range.start, diags[0]!.range.end], [{ line: 3, character: 18 }, { line: 3, character: 43 }]);
  assert.equal(ed.diagnostics.has('file:///work/course/package.json'), false);
  // Schema problems are left to the JSON language service (same schema, via jsonValidation): not doubled here.
  const schemaOnly = ed.openDocument('/work/course/.vscode/pangeo.json', '{ "version": 1, "name": "W2", "extra": true, "expires": "2001-01-01" }');
  assert.deepEqual(ed.diagnostics.get(schemaOnly.uri.toString())!.map((d) => d.code), ['expired']);
  const clock = mockClock(t); // the 300 ms pause after typing, without waiting for it
  ed.changeDocument(doc, '{ "version": 1, "name": "W1" }');
  await clock.advance(299);
  assert.equal(ed.diagnostics.get(doc.uri.toString())!.length, 1, 'not while typing');
  await clock.advance(1);
  assert.deepEqual(ed.diagnostics.get(doc.uri.toString()), []);
});

test('diagnostics: with a $schema URL (which the JSON service would download, and offline cannot) every problem is ours, plus a hint', (t) => {
  const { ed } = setup(t);
  const doc = ed.openDocument('/work/course/old.pangeo.json', '{ "$schema": "https://pangeo-compute.github.io/schemas/preset-v1.json", "version": 1, "name": "W2", "extra": true }');
  const diags = ed.diagnostics.get(doc.uri.toString())!;
  assert.deepEqual(diags.map((d) => d.code), ['unknown-key', 'schema-url']);
  assert.equal(diags[0]!.message, 'extra: unknown key "extra"');
  assert.match(diags[1]!.message, /bundled in Pangeo Compute, also offline.*remove the "\$schema" line/);
  assert.equal(diags[1]!.range.start.character, 2);
});

test('Copy Preset Link: for desktop VS Code a vscode:// link (also when made in code-server), inline or hosted, or a plain https address', async (t) => {
  const { ed } = setup(t);
  ed.answers.quickPick.push('$(vm) Desktop VS Code', 'Link with the preset inside');
  await ed.commands.get('pangeo.preset.copyLink')!(ed.Uri.file(join(GOOD, 'local-dask.pangeo.json')));
  assert.match(ed.clipboard.text, /^vscode:\/\/pangeo-compute\.pangeo-compute\/preset\?data=/, 'code-server\'s code-oss:// does nothing in a browser: desktop links are vscode://');
  const parsed = parsePresetLink(ed.clipboard.text);
  assert.ok(parsed.kind === 'inline' && parsed.validation.ok && parsed.validation.preset.name === 'Local workshop');
  ed.answers.quickPick.push('$(vm) Desktop VS Code', 'Link to where');
  ed.answers.input.push('https://example.edu/week3.pangeo.json');
  await ed.commands.get('pangeo.preset.copyLink')!(ed.Uri.file(join(GOOD, 'full-course.pangeo.json')));
  assert.deepEqual(parsePresetLink(ed.clipboard.text), { kind: 'url', url: 'https://example.edu/week3.pangeo.json' });
  assert.match(ed.clipboard.text, /^vscode:\/\//);
  ed.answers.quickPick.push('$(link) Plain https address');
  ed.answers.input.push('https://example.edu/week3.pangeo.json');
  await ed.commands.get('pangeo.preset.copyLink')!(ed.Uri.file(join(GOOD, 'full-course.pangeo.json')));
  assert.equal(ed.clipboard.text, 'https://example.edu/week3.pangeo.json');
  assert.match(ed.notices.at(-1)!.text, /Apply Preset…", choose "From a URL…" and paste it/);
});

test('Copy Preset Link for code-server: an https link to the students\' code-server page (guessed from this one\'s address on a hub)', async (t) => {
  const { ed } = setup(t);
  // In code-server the editor's external address of a code-oss:// URI is its own /callback page.
  (ed.vs.env as { asExternalUri: unknown }).asExternalUri = async () => ed.Uri.parse('https://hub.example.edu/user/teacher/vscode/callback?vscode-reqid=1&vscode-scheme=code-oss');
  const boxes: Array<string | undefined> = [];
  const showInputBox = ed.vs.window.showInputBox;
  (ed.vs.window as { showInputBox: unknown }).showInputBox = (o: { value?: string }) => {
    boxes.push(o.value);
    return (showInputBox as (o: unknown) => Promise<string | undefined>)(o);
  };
  ed.answers.quickPick.push('$(globe) code-server', 'Link to where');
  ed.answers.input.push('https://hub.example.edu/hub/user-redirect/vscode/', 'https://example.edu/week3.pangeo.json');
  await ed.commands.get('pangeo.preset.copyLink')!(ed.Uri.file(join(GOOD, 'full-course.pangeo.json')));
  assert.equal(boxes[0], 'https://hub.example.edu/hub/user-redirect/vscode/', 'prefilled: the form that sends each student to their own server');
  const link = new URL(ed.clipboard.text);
  assert.equal(`${link.origin}${link.pathname}`, 'https://hub.example.edu/hub/user-redirect/vscode/');
  const payload = JSON.parse(link.searchParams.get('payload')!) as [string, string][];
  assert.equal(payload[0]![0], 'openFile');
  assert.deepEqual(parsePresetLink(payload[0]![1]), { kind: 'url', url: 'https://example.edu/week3.pangeo.json' });
  assert.match(ed.notices.at(-1)!.text, /https:\/\/, opens the preset in the students' code-server/);

  ed.answers.quickPick.push('$(globe) code-server');
  ed.answers.input.push('http://example.edu/vscode/');
  await ed.commands.get('pangeo.preset.copyLink')!(ed.Uri.file(join(GOOD, 'full-course.pangeo.json')));
  assert.match(ed.notices.at(-1)!.text, /must use https/, 'a plain http code-server address is refused in the box');
});

test('code-server links: opening pangeo-preset:/preset?… as a file opens the review page once, and the file is read-only', async (t) => {
  const { ed } = setup(t);
  const provider = ed.fileSystems.get('pangeo-preset');
  assert.ok(provider, 'the pangeo-preset file system is registered');
  const data = presetLink({ version: 1, name: 'From code-server', kernel: { name: 'python3' } }).split('?')[1]!;
  // What the editor hands the provider for payload [["openFile","pangeo-preset:/preset?data=…"]] (the query decoded).
  const uri = ed.Uri.from({ scheme: 'pangeo-preset', path: '/preset', query: data }) as unknown as vscode.Uri;
  const { panel } = await startReview(ed, () => provider.stat(uri));
  assert.equal(shown(panel).review.name, 'From code-server');
  assert.equal(shown(panel).review.sourceKind, 'link');
  await provider.readFile(uri);
  await provider.stat(uri);
  await settle();
  assert.equal(ed.panels.length, 1, 'the editor reads the file several times: one review');
  assert.throws(() => provider.writeFile(uri, new Uint8Array(), { create: true, overwrite: true }), /read-only/);
  panel.send({ type: 'review/decision', decision: 'cancel' });
});

test('Apply Preset from a URL takes a plain https address or a pasted preset link; anything else is refused in the box', async (t) => {
  const { ed } = setup(t);
  const link = presetLink({ version: 1, name: 'Pasted link', kernel: { name: 'python3' } }, { scheme: 'code-oss' });
  ed.answers.quickPick.push('$(globe) From a URL');
  ed.answers.input.push(link);
  const { panel, done } = await startReview(ed, () => ed.commands.get('pangeo.preset.apply')!());
  assert.equal(shown(panel).review.name, 'Pasted link');
  assert.equal(shown(panel).review.sourceKind, 'link');
  panel.send({ type: 'review/decision', decision: 'cancel' });
  await done;
  // A code-server link pasted whole opens its preset too (it is not a preset file to download).
  ed.answers.quickPick.push('$(globe) From a URL');
  ed.answers.input.push(codeServerPresetLink({ version: 1, name: 'Pasted code-server link', kernel: { name: 'python3' } }, 'https://hub.example.edu/hub/user-redirect/vscode/'));
  const second = await startReview(ed, () => ed.commands.get('pangeo.preset.apply')!());
  assert.equal(shown(second.panel).review.name, 'Pasted code-server link');
  second.panel.send({ type: 'review/decision', decision: 'cancel' });
  await second.done;
  for (const bad of ['http://example.edu/p.json', 'vscode://pangeo-compute.pangeo-compute/preset?data=***']) {
    ed.answers.quickPick.push('$(globe) From a URL');
    ed.answers.input.push(bad);
    await ed.commands.get('pangeo.preset.apply')!();
  }
  assert.deepEqual(ed.notices.filter((m) => m.kind === 'input-refused').map((m) => m.text), [
    'must use https:// (plain http is only allowed for localhost)',
    'This preset link cannot be used: the inline preset is not base64url.',
  ]);
});

test('the settings writer puts back what it wrote when a later key fails', async () => {
  const ed = createFakeVscode({ folders: true });
  ed.settings['workspace:editor.fontSize'] = 11;
  ed.failUpdateOf.add('notebook.lineNumbers');
  const writer = new WorkspaceSettingsWriter(ed.vs);
  await assert.rejects(writer.write({ 'editor.fontSize': 20, 'editor.wordWrap': 'on', 'notebook.lineNumbers': 'on' }), /cannot write notebook\.lineNumbers/);
  assert.equal(ed.settings['workspace:editor.fontSize'], 11);
  assert.equal('workspace:editor.wordWrap' in ed.settings, false);
  ed.state.folders = false;
  assert.equal(writer.target, ed.vs.ConfigurationTarget.Global, 'no folder open: user settings');
});

test('built-in steps cover settings, budget, content and recommendations; missing hub/Dask steps stop the run before it starts', async (t) => {
  const ed = createFakeVscode({ folders: true });
  const context = { extensionUri: ed.Uri.file('/ext'), subscriptions: [] } as unknown as vscode.ExtensionContext;
  const module = registerPresets({ vs: ed.vs, context, logger: silentLogger }, () => ({}));
  t.after(() => { module.dispose(); });
  const { panel, done } = await startReview(ed, () => ed.commands.get('pangeo.preset.apply')!(ed.Uri.file(join(GOOD, 'local-dask.pangeo.json'))));
  panel.send({ type: 'review/decision', decision: 'apply' });
  await done;
  assert.match(finished(panel)[0]!.message, /cannot do: sign-in, start-server, create-dask-cluster\. Nothing was applied/);
  assert.equal(ed.updates.length, 0);

  const settingsOnly = await startReview(ed, () => ed.commands.get('pangeo.preset.apply')!(ed.Uri.file(join(GOOD, 'settings-only.pangeo.json'))));
  settingsOnly.panel.send({ type: 'review/decision', decision: 'apply' });
  await settingsOnly.done;
  assert.equal(finished(settingsOnly.panel)[0]!.status, 'done');
  assert.deepEqual(ed.updates.map((u) => u.key), ['editor.fontSize', 'window.zoomLevel', 'workbench.colorCustomizations', 'notebook.output.textLineLimit']);
});

test('the review page says when the hub is plain http and which budget and settings the preset replaces (old → new)', async (t) => {
  const { ed } = setup(t);
  ed.settings['pangeo.cost.budget.limitUsd'] = 10;
  ed.settings['pangeo.cost.budget.period'] = 'month';
  ed.settings['workspace:editor.fontSize'] = 14;
  ed.settings['workspace:editor.wordWrap'] = 'on';
  ed.settings['pangeo.cost.hubProfilePrices'] = { 'http://127.0.0.1:8000': { large: 1 } };
  const preset = {
    version: 1, name: 'Replacing', hub: { url: 'http://127.0.0.1:8000/' },
    cost: { budget: { amount: 5, period: 'day' }, atLimit: 'scaleClustersToZero', hubProfilePrices: { large: 0.77, small: 0.1 } },
    settings: { 'editor.fontSize': 17, 'editor.wordWrap': 'on', 'editor.tabSize': 2 },
  };
  const link = presetLink(preset as never);
  const { panel, done } = await startReview(ed, () => handlePresetUri({ scheme: 'vscode', authority: 'pangeo-compute.pangeo-compute', path: '/preset', query: link.slice(link.indexOf('?') + 1) }));
  assert.deepEqual(shown(panel).review.warnings, [
    'The hub http://127.0.0.1:8000/ uses plain http: the password or token you sign in with travels unencrypted.',
    'Replaces your budget: $10 per month → $5 per day.',
    'Replaces the price of the profile "large" on http://127.0.0.1:8000/: $1/h → $0.77/h.',
    'Replaces the setting editor.fontSize: 14 → 17.',
  ]);
  panel.send({ type: 'review/decision', decision: 'cancel' });
  await done;
});
