// Dask's configuration as the Python client reads it (dask/config.py): YAML/JSON files in DASK_ROOT_CONFIG (/etc/dask),
// ~/.config/dask and DASK_CONFIG, merged in that order, then DASK_* variables (`__` nests, values as ast.literal_eval
// reads them), keys matched whether written with `-` or `_`. Each value remembers where it came from, for messages.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { extname, join } from 'node:path';
import { loadChunk } from '../core/chunks';
import { InvalidInputError } from '../core/http/errors';
import { pythonLiteral } from './pythonLiteral';

/** How the reader sees the file system (tests give a temp folder or a map). */
export interface DaskConfigFiles {
  /** 'dir', 'file', or undefined when nothing is there. */
  kind(path: string): 'dir' | 'file' | undefined;
  /** Entry names of a folder; undefined when it cannot be listed (dask skips it). */
  list(dir: string): string[] | undefined;
  /** A file's text; undefined when it cannot be read (dask skips it). */
  read(path: string): string | undefined;
}

export const nodeDaskConfigFiles: DaskConfigFiles = {
  kind(path) {
    try {
      const s = statSync(path);
      return s.isDirectory() ? 'dir' : 'file';
    } catch {
      return undefined;
    }
  },
  list(dir) {
    try {
      return readdirSync(dir);
    } catch {
      return undefined;
    }
  },
  read(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

type Tree = Record<string, unknown>;

export interface DaskConfig {
  /** The merged configuration, keys as first written. */
  readonly values: Tree;
  /** The files read, in merge order. */
  readonly files: string[];
  /** A value by dotted key ("gateway.proxy-address"), `-` and `_` alike; undefined when unset. */
  get(key: string): unknown;
  /** Where a value was set: the file (later ones win) or the environment variable; undefined when unset. */
  sourceOf(key: string): string | undefined;
}

/** The folders and files dask searches, in order, without the Python installation's own prefixes (which we cannot know). */
export function daskConfigPaths(env: NodeJS.ProcessEnv, home = env.HOME || homedir()): string[] {
  const paths = [expandUser(env.DASK_ROOT_CONFIG ?? '/etc/dask', home), join(home, '.config', 'dask')];
  if (env.DASK_CONFIG !== undefined) paths.push(expandUser(env.DASK_CONFIG, home));
  // As dask: a path named twice keeps its last place.
  return paths.filter((p, i) => paths.lastIndexOf(p) === i);
}

function expandUser(path: string, home: string): string {
  return path === '~' || path.startsWith('~/') ? join(home, path.slice(1)) : path;
}

/** Reads the files and the environment; malformed YAML throws InvalidInputError naming the file and line. */
export function readDaskConfig(env: NodeJS.ProcessEnv, files: DaskConfigFiles = nodeDaskConfigFiles, home?: string): DaskConfig {
  const values: Tree = {};
  const sources = new Map<string, string>();
  const read: string[] = [];
  for (const file of configFiles(daskConfigPaths(env, home), files)) {
    const text = files.read(file);
    if (text === undefined) continue;
    const doc = parseConfigFile(file, text);
    if (doc === undefined) continue;
    read.push(file);
    update(values, doc, file, sources, []);
  }
  const envSources = new Map<string, string>();
  update(values, collectEnv(env), (path) => envSources.get(path.join('\0')) ?? 'the environment', sources, []);
  return {
    values,
    files: read,
    get: (key) => lookup(values, key)?.value,
    sourceOf: (key) => {
      const found = lookup(values, key);
      return found ? sources.get(found.path.join('\0')) : undefined;
    },
  };

  /** DASK_* variables as one tree, each leaf's variable remembered (by its canonical path, filled as it is assigned). */
  function collectEnv(e: NodeJS.ProcessEnv): Tree {
    const out: Tree = {};
    const inherit = e.DASK_INTERNAL_INHERIT_CONFIG;
    if (inherit) {
      try {
        const inherited = JSON.parse(Buffer.from(inherit, 'base64url').toString('utf8')) as unknown;
        if (isTree(inherited)) for (const [k, v] of Object.entries(inherited)) assign(out, k.split('.'), v, 'DASK_INTERNAL_INHERIT_CONFIG');
      } catch {
        throw new InvalidInputError('DASK_INTERNAL_INHERIT_CONFIG is not Dask\'s serialized configuration.', 'Unset it, or set it with dask.config.serialize().');
      }
    }
    for (const [name, raw] of Object.entries(e)) {
      if (!name.startsWith('DASK_') || name === 'DASK_INTERNAL_INHERIT_CONFIG' || raw === undefined) continue;
      assign(out, name.slice(5).toLowerCase().replace(/__/g, '.').split('.'), pythonLiteral(raw), name);
    }
    return out;
  }

  /** dask.config.set into `tree`: each key matched against what is there in `-` or `_` form. */
  function assign(tree: Tree, keys: string[], value: unknown, source: string, path: string[] = []): void {
    const key = canonicalName(keys[0]!, tree);
    if (keys.length === 1) {
      tree[key] = value;
      envSources.set([...path, key].join('\0'), source);
      return;
    }
    if (!isTree(tree[key])) tree[key] = {};
    assign(tree[key] as Tree, keys.slice(1), value, source, [...path, key]);
  }
}

/** The files of each path: a folder's *.yaml, *.yml and *.json in name order, or the path itself when it is a file. */
function configFiles(paths: string[], files: DaskConfigFiles): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const kind = files.kind(p);
    if (kind === 'file') out.push(p);
    else if (kind === 'dir') {
      const names = files.list(p) ?? [];
      out.push(...names.filter((n) => ['.json', '.yaml', '.yml'].includes(extname(n).toLowerCase())).sort(pythonOrder).map((n) => join(p, n)));
    }
  }
  return out;
}

/** Python's sorted(): by code point, not by UTF-16 unit or locale. */
function pythonOrder(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** One file as yaml.safe_load reads it (YAML 1.1, a repeated key keeps its last value); undefined for an empty one. */
export function parseConfigFile(file: string, text: string): Tree | undefined {
  // The files dask's ensure_file() writes are commented-out templates: nothing to parse, no parser to load.
  if (text.split('\n').every((line) => /^\s*(?:#.*)?$/.test(line))) return undefined;
  let doc: unknown;
  // Loaded outside the try: a parser that fails to load is our fault, not a malformed file.
  const yaml = loadChunk<typeof import('../chunks/yaml')>('yaml');
  try {
    doc = yaml.parse(text, { version: '1.1', uniqueKeys: false });
  } catch (e) {
    const pos = (e as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    const what = (e as Error).message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new InvalidInputError(`The Dask config file ${file}${pos ? `:${pos.line}:${pos.col}` : ''} is malformed: ${what}`,
      `Fix ${pos ? `line ${pos.line} of ` : ''}that file (Python's Dask cannot read it either), or move it away.`);
  }
  if (doc === null || doc === undefined) return undefined;
  if (!isTree(doc)) {
    throw new InvalidInputError(`The Dask config file ${file} is malformed: its top level must be a mapping, not ${Array.isArray(doc) ? 'a list' : `a ${typeof doc}`}.`,
      'Fix that file (Python\'s Dask cannot read it either), or move it away.');
  }
  return doc;
}

function isTree(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** dask.config.canonical_name: the form of `key` already in `tree` (`-` or `_`), else `key` as given. */
function canonicalName(key: string, tree: Tree): string {
  if (Object.hasOwn(tree, key)) return key;
  const alt = key.includes('_') ? key.replace(/_/g, '-') : key.replace(/-/g, '_');
  return Object.hasOwn(tree, alt) ? alt : key;
}

/**
 * dask.config.update: nested mappings merge, anything else replaces. Each leaf's source (a file, or by its path in
 * `next` the variable that set it) is recorded by its path in `old`.
 */
function update(old: Tree, next: Tree, source: string | ((nextPath: string[]) => string), sources: Map<string, string>, path: string[], nextPath: string[] = []): void {
  for (const [k0, v] of Object.entries(next)) {
    const k = canonicalName(k0, old);
    const here = [...path, k];
    if (isTree(v)) {
      if (!isTree(old[k])) old[k] = {};
      update(old[k] as Tree, v, source, sources, here, [...nextPath, k0]);
    } else {
      old[k] = v;
      sources.set(here.join('\0'), typeof source === 'string' ? source : source([...nextPath, k0]));
    }
  }
}

function lookup(values: Tree, key: string): { value: unknown; path: string[] } | undefined {
  let node: unknown = values;
  const path: string[] = [];
  for (const part of key.split('.')) {
    if (!isTree(node)) return undefined;
    const k = canonicalName(part, node);
    if (!Object.hasOwn(node, k)) return undefined;
    path.push(k);
    node = node[k];
  }
  return { value: node, path };
}
