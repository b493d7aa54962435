// Scenario 1: the extension activates in a real editor and contributes the Pangeo views and its commands.
import * as assert from 'node:assert/strict';
import { join, sep } from 'node:path';
import * as vscode from 'vscode';
import { e2eConfig } from '../runner/config';
import { suite, test } from '../runner/registry';
import features from '../../../src/chunks/features.json';

const EXTENSION_ID = 'pangeo-compute.pangeo-compute';

interface Contributes {
  viewsContainers?: { activitybar?: { id: string; title: string }[] };
  views?: Record<string, { id: string; name: string }[]>;
  commands?: { command: string; title: string }[];
}

function pangeo(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  return ext;
}

function contributes(): Contributes {
  return (pangeo().packageJSON as { contributes?: Contributes }).contributes ?? {};
}

suite('activation', () => {
  test('the extension is loaded from the expected place', () => {
    const under = e2eConfig().expectExtensionUnder;
    if (under) {
      const path = pangeo().extensionPath;
      assert.ok(path.startsWith(under.endsWith(sep) ? under : under + sep), `loaded from ${path}, expected under ${under}`);
    }
  });

  test('activate() succeeds', async () => {
    const ext = pangeo();
    await ext.activate();
    assert.equal(ext.isActive, true);
    assert.equal(typeof ext.exports, 'object', 'activate() should return the test API object');
  });

  test('activation loads none of the feature chunks (dist/chunks/*.js load on first use)', () => {
    // The extension host loads extensions through Node's require, so its cache shows what activation loaded.
    const dist = join(pangeo().extensionPath, 'dist');
    assert.ok(require.cache[join(dist, 'extension.js')], `dist/extension.js is not in require.cache: ${Object.keys(require.cache).filter((k) => k.includes('pangeo')).join(', ')}`);
    const loaded = Object.keys(features).filter((name) => require.cache[join(dist, 'chunks', `${name}.js`)]);
    assert.deepEqual(loaded, [], `loaded at activation: ${loaded.join(', ')}`);
  });

  test('contributes the Pangeo view container with Hubs and Dask Clusters views', () => {
    const c = contributes();
    const container = c.viewsContainers?.activitybar?.find((v) => v.id === 'pangeo');
    assert.ok(container, 'no activitybar view container "pangeo"');
    assert.equal(container.title, 'Pangeo');
    const views = (c.views?.pangeo ?? []).map((v) => v.id);
    assert.ok(views.includes('pangeo.hubs'), `views in "pangeo": ${views.join(', ')}`);
    assert.ok(views.includes('pangeo.dask'), `views in "pangeo": ${views.join(', ')}`);
  });

  test('the Pangeo view container and Hubs view open in the workbench', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.pangeo');
    // `<view>.focus` exists only for views the workbench really registered.
    await vscode.commands.executeCommand('pangeo.hubs.focus');
  });

  test('every contributed command is registered', async () => {
    const contributed = (contributes().commands ?? []).map((c) => c.command);
    assert.ok(contributed.length > 0, 'no commands contributed');
    for (const id of contributed) assert.ok(id.startsWith('pangeo.'), `command ${id} lacks the pangeo. prefix`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });
});
