// Code needed only after activation lives in separate bundles under dist/chunks/ and loads on first use, keeping
// dist/extension.js small (cap 400 KB: test/unit/build/bundleSize.test.ts) and activation fast. Under tsx (tests) the sources load directly.
// - library chunks (src/chunks/*.ts): large libraries, for the extension and the CLI alike;
// - feature chunks (src/chunks/features.json): the extension's own feature code; each module lives in one bundle only, a
//   chunk takes every module the extension holds from the extension (scripts/extensionBundles.mjs), so state and classes exist once.
import { join } from 'node:path';
import features from '../chunks/features.json';

/** Set to true by esbuild.mjs in the node bundles; undefined when running the TypeScript sources. */
declare const PANGEO_CHUNKS: boolean | undefined;

export type ChunkName = 'yaml' | 'aws' | 'ajv' | 'jupyter';
export type FeatureChunkName = keyof typeof features;

const bundled = () => typeof PANGEO_CHUNKS !== 'undefined' && PANGEO_CHUNKS;

export function loadChunk<T>(name: ChunkName): T {
  // module.require is not followed by esbuild, so the chunk stays out of the bundle that calls this.
  if (bundled()) return module.require(join(__dirname, 'chunks', `${name}.js`)) as T;
  return module.require(join(__dirname, '..', 'chunks', name)) as T;
}

/** A feature chunk's exports (type them with `import type * as M from '<its entry>'`); extension only, never the CLI. */
export function loadFeature<T>(name: FeatureChunkName): T {
  if (bundled()) return module.require(join(__dirname, 'chunks', `${name}.js`)) as T;
  return module.require(join(__dirname, '..', '..', features[name])) as T;
}
