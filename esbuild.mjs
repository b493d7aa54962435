// Bundles the extension host code, the CLI and the webviews with one esbuild configuration.
import * as esbuild from 'esbuild';
import { existsSync, watch as watchFiles } from 'node:fs';
import { buildExtensionBundles } from './scripts/extensionBundles.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

/** Node bundles beside the extension (built with its feature chunks by scripts/extensionBundles.mjs): the CLI, threads, library chunks. */
const nodeEntries = [
  { entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // Worker threads, next to the bundles that start them (src/dashboard/metrics/identityOffThread.ts).
  { entryPoints: ['src/dashboard/metrics/identityThread.ts'], outfile: 'dist/threads/identity.js' },
  // Chunks loaded on first use by src/core/chunks.ts (large libraries kept out of the extension bundle).
  ...['yaml', 'aws', 'ajv', 'jupyter'].filter((name) => existsSync(`src/chunks/${name}.ts`))
    .map((name) => ({ entryPoints: [`src/chunks/${name}.ts`], outfile: `dist/chunks/${name}.js` })),
];

/** Browser bundles for webview panels; added by the dashboard/cost/preset panels as they exist. */
const webviewEntries = ['dashboard', 'cost', 'presetReview']
  .filter((name) => existsSync(`webviews/${name}/main.ts`))
  .map((name) => ({ entryPoints: [`webviews/${name}/main.ts`], outfile: `dist/webviews/${name}.js` }));

/** CSS a library imports for its side effect (the widget controls' styles): bundled into JS that adds a <style>. */
const injectCss = {
  name: 'inject-css',
  setup(build) {
    build.onLoad({ filter: /\.css$/ }, async (args) => {
      const css = await esbuild.build({
        entryPoints: [args.path], bundle: true, write: false, minify: true, logLevel: 'silent',
        // Font Awesome's fonts: only the woff2 files, which every browser the editor runs in reads (the others, SVG
        // fonts above all, would add 3.5 MB for nothing).
        loader: { '.woff2': 'dataurl', '.woff': 'empty', '.ttf': 'empty', '.eot': 'empty', '.svg': 'empty', '.png': 'dataurl', '.gif': 'dataurl' },
      });
      const text = JSON.stringify(css.outputFiles[0].text);
      return { contents: `const s = document.createElement('style'); s.textContent = ${text}; document.head.appendChild(s);`, loader: 'js' };
    });
  },
};

/**
 * The ipywidgets notebook renderer (package.json contributes.notebookRenderer): an ES module the editor imports only
 * when an output of ours holds a widget, so its size never weighs on the extension's start.
 */
const rendererEntries = existsSync('webviews/widgets/main.ts')
  ? [{ entryPoints: ['webviews/widgets/main.ts'], outfile: 'dist/webviews/widgets.js' }]
  : [];

const contexts = await Promise.all([
  ...nodeEntries.map((e) =>
    // 'module' first: jsonc-parser's UMD main requires its files dynamically, which a bundle cannot follow.
    esbuild.context({ ...common, ...e, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'], define: { PANGEO_CHUNKS: 'true' } }),
  ),
  ...webviewEntries.map((e) =>
    esbuild.context({ ...common, ...e, platform: 'browser', format: 'iife', target: 'es2022', loader: { '.css': 'text' } }),
  ),
  ...rendererEntries.map((e) =>
    esbuild.context({
      ...common, ...e, platform: 'browser', format: 'esm', target: 'es2022', plugins: [injectCss], loader: { '.svg': 'text' },
      define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
      // html-manager's embed code assigns webpack's asset path: declared here so an ES module may assign it.
      banner: { js: 'var __webpack_public_path__ = "";' },
    }),
  ),
]);

// The extension and its feature chunks build together, each module in ONE of them: a chunk takes the modules
// dist/extension.js holds from it (scripts/extensionBundles.mjs); esbuild's `splitting` is out: it writes ES modules,
// which the extension host (CommonJS) does not load.
const buildExtension = () => buildExtensionBundles({ production }).catch((e) => {
  console.error(`✘ [ERROR] dist/extension.js: ${e instanceof Error ? e.message : String(e)}`);
  if (!watch) process.exitCode = 1;
});

if (watch) {
  await Promise.all([buildExtension(), ...contexts.map((c) => c.watch())]);
  // Again on any change of the sources, one build at a time.
  let timer;
  let building = Promise.resolve();
  for (const dir of ['src', 'schemas']) watchFiles(dir, { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => { building = building.then(buildExtension); }, 200);
  });
} else {
  await Promise.all([buildExtension(), ...contexts.map((c) => c.rebuild())]);
  await Promise.all(contexts.map((c) => c.dispose()));
}
