// Where an existing Coiled login lives (the Python client's dask config): ~/.config/dask/coiled.yaml (`coiled.token`,
// `coiled.workspace`/`coiled.account`, `coiled.server`) or DASK_COILED__* variables. Pure: paths and env come in, so the
// editor can ask the user before importing and tests need no home folder.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadChunk } from '../../core/chunks';

export const COILED_DEFAULT_SERVER = 'https://cloud.coiled.io';

export interface CoiledCredentials {
  token: string;
  workspace?: string;
  server: string;
  /** Where they were found, to tell the user ("~/.config/dask/coiled.yaml", "DASK_COILED__TOKEN"). */
  source: string;
}

/** The config files the Python client reads, most specific first (DASK_CONFIG, then ~/.config/dask). */
export function coiledConfigPaths(env: NodeJS.ProcessEnv = process.env, home = env.HOME ?? homedir()): string[] {
  const paths: string[] = [];
  if (env.DASK_CONFIG) paths.push(join(env.DASK_CONFIG, 'coiled.yaml'));
  paths.push(join(home, '.config', 'dask', 'coiled.yaml'));
  return paths;
}

/** Environment first (as dask.config does), then the first config file holding a token; undefined if none. */
export function findCoiledCredentials(env: NodeJS.ProcessEnv, paths: string[], read: (p: string) => string = (p) => readFileSync(p, 'utf8')): CoiledCredentials | undefined {
  const fromFile = paths.map((p) => ({ p, cfg: readCoiledYaml(p, read) })).find((x) => x.cfg?.token);
  const envToken = env.DASK_COILED__TOKEN?.trim();
  const token = envToken || fromFile?.cfg?.token;
  if (!token) return undefined;
  const workspace = env.DASK_COILED__WORKSPACE || env.DASK_COILED__ACCOUNT || fromFile?.cfg?.workspace || undefined;
  const server = (env.DASK_COILED__SERVER || fromFile?.cfg?.server || COILED_DEFAULT_SERVER).replace(/\/+$/, '');
  return { token, workspace, server, source: envToken ? 'DASK_COILED__TOKEN' : fromFile!.p };
}

function readCoiledYaml(path: string, read: (p: string) => string): { token?: string; workspace?: string; server?: string } | undefined {
  let text: string;
  try {
    text = read(path);
  } catch {
    return undefined;
  }
  let doc: unknown;
  try {
    doc = loadChunk<typeof import('../../chunks/yaml')>('yaml').parse(text);
  } catch {
    return undefined;
  }
  const coiled = (doc as { coiled?: Record<string, unknown> } | null)?.coiled;
  if (!coiled || typeof coiled !== 'object') return undefined;
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  return { token: str(coiled.token), workspace: str(coiled.workspace) ?? str(coiled.account), server: str(coiled.server) };
}
