// Large libraries needed only for some actions (yaml, the AWS SDK, ajv, the kernel protocol) live in separate bundles under dist/chunks/ and load on first use,
// keeping dist/extension.js small (budget 400 KB) and activation fast. Under tsx (tests) the sources load directly.
import { join } from 'node:path';

/** Set to true by esbuild.mjs in the node bundles; undefined when running the TypeScript sources. */
declare const PANGEO_CHUNKS: boolean | undefined;

export type ChunkName = 'yaml' | 'aws' | 'ajv' | 'jupyter';

export function loadChunk<T>(name: ChunkName): T {
  // module.require is not followed by esbuild, so the chunk stays out of the bundle that calls this.
  if (typeof PANGEO_CHUNKS !== 'undefined' && PANGEO_CHUNKS) return module.require(join(__dirname, 'chunks', `${name}.js`)) as T;
  return module.require(join(__dirname, '..', 'chunks', name)) as T;
}
