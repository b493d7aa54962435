// The extension's release bundle stays under its 400 KB cap, its feature chunks load beside it and share its modules
// (one PangeoError, one Disposable), and the build refuses a split that would put a module in two bundles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bundles = () => import('../../../scripts/extensionBundles.mjs');

/** require() of a built bundle, with `vscode` (which the editor provides) answered by an empty module. */
function requireBuilt(file: string): Record<string, unknown> {
  const placeholder = join(tmpdir(), 'pangeo-vscode-placeholder');
  require.cache[placeholder] = { id: placeholder, filename: placeholder, loaded: true, exports: {} } as NodeJS.Module;
  const moduleApi = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const resolve = moduleApi._resolveFilename;
  moduleApi._resolveFilename = (request, ...rest) => (request === 'vscode' ? placeholder : resolve.call(Module, request, ...rest));
  try {
    return Module.createRequire(file)(file) as Record<string, unknown>;
  } finally {
    moduleApi._resolveFilename = resolve;
  }
}

test('the release build of dist/extension.js is under the cap; each feature chunk loads beside it and shares its classes', async () => {
  const { buildExtensionBundles, EXTENSION_BUNDLE_CAP, FEATURE_CHUNKS, HOST_KEY } = await bundles();
  const outdir = mkdtempSync(join(tmpdir(), 'pangeo-bundles-'));
  try {
    const report = await buildExtensionBundles({ production: true, outdir });
    const size = statSync(join(outdir, 'extension.js')).size;
    assert.equal(size, report.main.bytes);
    assert.ok(size < EXTENSION_BUNDLE_CAP, `dist/extension.js is ${size} bytes, over the ${EXTENSION_BUNDLE_CAP}-byte cap: move feature code not needed at activation into a feature chunk (npm run bundle-report)`);
    assert.deepEqual(Object.keys(report.chunks).sort(), Object.keys(FEATURE_CHUNKS).sort());

    const main = requireBuilt(join(outdir, 'extension.js'));
    assert.equal(typeof main.activate, 'function');
    const table = (globalThis as Record<symbol, Record<string, Record<string, unknown>> | undefined>)[Symbol.for(HOST_KEY + outdir)];
    assert.ok(table, 'dist/extension.js exposes the modules its chunks take from it');
    const chunks = Object.fromEntries(Object.keys(FEATURE_CHUNKS).map((name) => [name, requireBuilt(join(outdir, 'chunks', `${name}.js`))]));
    for (const [name, exports] of Object.entries(chunks)) assert.ok(Object.keys(exports).length > 0, `${name} exports nothing`);

    // One class, not a copy: errors a chunk throws are the extension's PangeoError, its panels the extension's Disposable.
    const errors = table['src/core/http/errors.ts']!;
    assert.equal(Object.getPrototypeOf(chunks.notebookKernel!.ServerGoneError), errors.PangeoError);
    assert.equal(Object.getPrototypeOf(chunks.dashboardPanel!.DashboardPanel), table['src/core/lifecycle.ts']!.Disposable);

    // A chunk without the extension (e.g. required by the CLI) says so instead of making copies.
    delete (globalThis as Record<symbol, unknown>)[Symbol.for(HOST_KEY + outdir)];
    const file = join(outdir, 'chunks', 'dashboardPanel.js');
    delete require.cache[file];
    assert.throws(() => requireBuilt(file), /feature chunk was loaded without dist\/extension\.js/);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});

test('the build refuses a module in two bundles: a chunk entry the extension still imports, or two chunks sharing a module', async () => {
  const { buildExtensionBundles } = await bundles();
  await assert.rejects(buildExtensionBundles({ write: false, features: { hubs: 'src/hubs/editor/hubCommands.ts' } }),
    /feature chunk 'hubs': src\/hubs\/editor\/hubCommands\.ts is still in dist\/extension\.js/);
  // dashboardSession.ts is not in the extension: both chunks would bundle their own copy.
  await assert.rejects(buildExtensionBundles({ write: false, features: { panel: 'src/dashboard/editor/dashboardPanel.ts', session: 'src/dashboard/dashboardSession.ts' } }),
    /src\/dashboard\/dashboardSession\.ts is in both the '(panel|session)' and '(panel|session)' bundles/);
});
