// Types of scripts/extensionBundles.mjs for the TypeScript tests that build the extension with it.
import type { Metafile } from 'esbuild';

export const ROOT: string;
export const EXTENSION_BUNDLE_CAP: number;
export const FEATURE_CHUNKS: Record<string, string>;
export const HOST_KEY: string;
export const MAIN_STDIN: string;

export interface BundleReport {
  /** Bytes of the bundle's JavaScript, and the bytes each module it holds itself adds. */
  bytes: number;
  inputs: Map<string, number>;
  metafile: Metafile;
}

export function buildExtensionBundles(options?: { production?: boolean; outdir?: string; write?: boolean; features?: Record<string, string> }): Promise<{
  main: BundleReport;
  chunks: Record<string, BundleReport>;
  /** The modules the feature chunks take from dist/extension.js. */
  hostModules: string[];
}>;
