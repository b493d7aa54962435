// The settings allow-list: harmless keys pass, anything that could run something is refused, and the
// schema's regex (used for editor squiggles) agrees with the code on every sample.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settingRefusal } from '../../../src/presets/settingsPolicy';
import { presetSchemaObject } from '../../../src/presets/schemaCheck';

const ALLOWED = [
  'editor.fontSize', 'editor.wordWrap', 'editor.rulers', 'editor.minimap.enabled', 'editor.largeFileOptimizations',
  'notebook.lineNumbers', 'notebook.output.textLineLimit', 'notebook.cellToolbarLocation', 'diffEditor.ignoreTrimWhitespace',
  'workbench.colorTheme', 'workbench.iconTheme', 'workbench.colorCustomizations', 'window.zoomLevel', 'files.autoSave',
  'files.exclude', 'pangeo.cost.showInStatusBar', 'pangeo.dask.confirmAboveWorkers', 'editor.accessibilitySupport',
];
const REFUSED: Array<[string, RegExp]> = [
  ['terminal.integrated.shell.linux', /shell|terminal/],
  ['terminal.integrated.defaultProfile.osx', /terminal/],
  ['terminal.external.linuxExec', /terminal|executable/],
  ['python.defaultInterpreterPath', /path/],
  ['jupyter.interactiveWindow.textEditor.executeSelection', /executable|may only change/],
  ['task.allowAutomaticTasks', /task/],
  ['tasks', /task/],
  ['launch', /launch/],
  ['security.workspace.trust.enabled', /may only change/],
  ['extensions.autoUpdate', /may only change/],
  ['http.proxy', /proxy/],
  ['http.proxyStrictSSL', /proxy/],
  ['remote.SSH.configFile', /may only change/],
  ['git.path', /path/],
  ['editor.codeActionsOnSave', /code actions/],
  ['notebook.codeActionsOnSave', /code actions/],
  ['notebook.outputLinkHandler', /handler/],
  ['pangeo.uriHandler', /handler|URI/],
  ['pangeo.dask.command', /command/],
  ['pangeo.dask.cmdTemplate', /command/],
  ['pangeo.kernel.env', /environment/],
  ['pangeo.kernel.environmentFile', /environment/],
  ['pangeo.kernel.args', /arguments/],
  ['pangeo.dask.localProgram', /program/],
  ['pangeo.startupScript', /script/],
  ['pangeo.debug.port', /debug/],
  ['editor', /may only change/],
  ['pangeo.', /may only change/],
  ['__proto__', /not a setting name/],
  ['editor.font size', /not a setting name/],
  ['pangeo.aws.stsEndpoint', /address/],
  ['pangeo.hubUrl', /address/],
  ['pangeo.hub.url', /address/],
  ['pangeo.gateway.proxyAddress', /proxy/],
  ['pangeo.hub.apiToken', /credential/],
  ['pangeo.coiled.secretKey', /credential/],
  ['pangeo.aws.credentialsFile', /credential/],
  ['pangeo.hub.authHeader', /authentication/],
  ['pangeo.tls.caCertificates', /certificates/],
];

test('harmless display, notebook and pangeo settings are allowed', () => {
  for (const key of ALLOWED) assert.equal(settingRefusal(key), undefined, key);
});

test('settings that name executables, shells, tasks, paths, handlers... are refused with the reason', () => {
  for (const [key, why] of REFUSED) {
    const refusal = settingRefusal(key);
    assert.ok(refusal, `${key} should be refused`);
    assert.match(refusal, why, key);
  }
});

test('the schema regex and the code agree on every sample key', () => {
  const schema = presetSchemaObject() as { properties: { settings: { propertyNames: { pattern: string } } } };
  const re = new RegExp(schema.properties.settings.propertyNames.pattern, 'u');
  for (const key of [...ALLOWED, ...REFUSED.map(([k]) => k)]) {
    assert.equal(re.test(key), settingRefusal(key) === undefined, `schema and code disagree on "${key}"`);
  }
});
