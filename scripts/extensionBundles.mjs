// Builds dist/extension.js and its feature chunks (src/chunks/features.json, loaded on first use by src/core/chunks.ts).
// The rule: every module lives in exactly one bundle. A feature chunk takes each module dist/extension.js holds from the
// extension's own copy (the host-module table the extension exposes), so module state and classes used with instanceof
// (PangeoError…) exist once; a build that would put a module in two bundles fails. esbuild's own `splitting` would share
// modules by itself but needs ESM output, which VS Code's extension host (CommonJS) does not load.
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
/** The most dist/extension.js may weigh in a release build (test/unit/build/bundleSize.test.ts, the .vsix e2e check). */
export const EXTENSION_BUNDLE_CAP = 400 * 1024;
/** Feature chunk name → its entry module (relative to the repository). */
export const FEATURE_CHUNKS = JSON.parse(readFileSync(join(ROOT, 'src/chunks/features.json'), 'utf8'));
/** The global the extension keeps its host-module table under, keyed by its folder (two copies never share one). */
export const HOST_KEY = 'pangeo-compute.hostModules:';
const HOST_NS = 'pangeo-host';
const MAIN_ENTRY = 'src/extension.ts';
/** The name the generated main entry has in metafiles. */
export const MAIN_STDIN = 'extension-entry.js';

const nodeOptions = (production) => ({
  bundle: true, minify: production, sourcemap: production ? false : 'linked', logLevel: 'warning', legalComments: 'none',
  platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], absWorkingDir: ROOT, metafile: true, write: false,
  // 'module' first: jsonc-parser's UMD main requires its files dynamically, which a bundle cannot follow.
  mainFields: ['module', 'main'], define: { PANGEO_CHUNKS: 'true' },
});

const key = (path) => relative(ROOT, path).split('\\').join('/');

/** The main entry: src/extension.ts's exports, plus the table of the modules feature chunks take from it. */
function mainEntry(hostModules) {
  const names = [...hostModules].sort();
  return [
    `export * from './${MAIN_ENTRY}';`,
    ...names.map((k, i) => `import * as h${i} from ${JSON.stringify(`./${k}`)};`),
    `globalThis[Symbol.for(${JSON.stringify(HOST_KEY)} + __dirname)] = { ${names.map((k, i) => `${JSON.stringify(k)}: h${i}`).join(', ')} };`,
  ].join('\n');
}

/** In a feature chunk: a module the main bundle holds resolves to the main bundle's instance of it. */
function hostModulesPlugin(inMain, used) {
  return {
    name: 'host-modules',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === HOST_NS || args.kind === 'entry-point' || args.namespace === HOST_NS) return undefined;
        const found = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: HOST_NS });
        if (found.errors.length || found.external || !inMain.has(key(found.path))) return undefined;
        used.add(key(found.path));
        return { path: key(found.path), namespace: HOST_NS };
      });
      build.onLoad({ filter: /.*/, namespace: HOST_NS }, (args) => ({
        // The extension's namespace object, marked as an ES module so named and default imports read its live exports.
        contents: `const table = globalThis[Symbol.for(${JSON.stringify(HOST_KEY)} + require('node:path').dirname(__dirname))];
const ns = table && table[${JSON.stringify(args.path)}];
if (!ns) throw new Error('Pangeo Compute: a feature chunk was loaded without dist/extension.js (it needs ${args.path} from it).');
module.exports = Object.defineProperties({ __esModule: true }, Object.getOwnPropertyDescriptors(ns));`,
        loader: 'js', resolveDir: ROOT,
      }));
    },
  };
}

/** The inputs a bundle holds itself (not the host modules it takes from the extension). */
function ownInputs(result) {
  const out = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('.js'))[1];
  return new Map(Object.entries(out.inputs).filter(([k]) => !k.startsWith(`${HOST_NS}:`) && k !== MAIN_STDIN).map(([k, v]) => [k, v.bytesInOutput]));
}

/**
 * Builds the extension and its feature chunks into `outdir` (dist by default); returns what each bundle holds. Throws
 * when a module would be in two bundles (a feature chunk's entry still imported by the extension, or two chunks
 * sharing a module the extension does not hold).
 */
export async function buildExtensionBundles({ production = false, outdir = join(ROOT, 'dist'), write = true, features = FEATURE_CHUNKS } = {}) {
  const options = nodeOptions(production);
  let hostModules = new Set();
  let main;
  let chunks;
  for (let round = 0; ; round++) {
    main = await esbuild.build({
      ...options, outfile: join(outdir, 'extension.js'),
      stdin: { contents: mainEntry(hostModules), resolveDir: ROOT, sourcefile: MAIN_STDIN, loader: 'js' },
    });
    const inMain = new Set(ownInputs(main).keys());
    const used = new Set();
    chunks = await Promise.all(Object.entries(features).map(async ([name, entry]) => {
      if (inMain.has(entry)) throw new Error(`feature chunk '${name}': ${entry} is still in dist/extension.js; import it with \`import type\` and load it through loadFeature('${name}')`);
      const result = await esbuild.build({ ...options, entryPoints: [entry], outfile: join(outdir, 'chunks', `${name}.js`), plugins: [hostModulesPlugin(inMain, used)] });
      return { name, result };
    }));
    // Exposing a module keeps all its exports, which may pull more modules into the extension: again until nothing new.
    if ([...used].every((k) => hostModules.has(k))) break;
    if (round > 5) throw new Error('the host-module table did not settle');
    hostModules = new Set([...hostModules, ...used]);
  }

  const report = { main: { bytes: bytesOf(main), inputs: ownInputs(main), metafile: main.metafile }, chunks: {}, hostModules: [...hostModules].sort() };
  const owner = new Map([...report.main.inputs.keys()].map((k) => [k, 'extension']));
  for (const { name, result } of chunks) {
    const inputs = ownInputs(result);
    for (const k of inputs.keys()) {
      if (owner.has(k)) throw new Error(`${k} is in both the '${owner.get(k)}' and '${name}' bundles: a module lives in one bundle only (merge the chunks, or keep it in the extension)`);
      owner.set(k, name);
    }
    report.chunks[name] = { bytes: bytesOf(result), inputs, metafile: result.metafile };
  }
  if (write) for (const r of [main, ...chunks.map((c) => c.result)]) for (const f of r.outputFiles) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.contents);
  }
  return report;
}

function bytesOf(result) {
  return result.outputFiles.find((f) => f.path.endsWith('.js')).contents.length;
}
