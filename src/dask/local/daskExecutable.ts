// Which `dask` command starts local schedulers and workers: the configured one, Debian's /usr/bin/dask, or PATH.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** `configured` wins; else /usr/bin/dask when present (a pyenv `dask` on PATH may lack distributed); else `dask` on PATH. */
export function resolveDaskCommand(configured?: string, env: NodeJS.ProcessEnv = process.env, exists = isExecutable): string {
  if (configured && configured.trim()) return configured.trim();
  if (exists('/usr/bin/dask')) return '/usr/bin/dask';
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && exists(join(dir, 'dask'))) return join(dir, 'dask');
  }
  return 'dask';
}

/** The `dask` next to a Python interpreter (a selected environment's bin/ folder). */
export function daskBesidePython(pythonPath: string): string {
  return join(pythonPath, '..', 'dask');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Routes every scheduler we start serves: /api/v1 (retire, adaptive_target) and /metrics included. */
export const SCHEDULER_HTTP_ROUTES = [
  'distributed.http.scheduler.prometheus',
  'distributed.http.scheduler.info',
  'distributed.http.scheduler.json',
  'distributed.http.health',
  'distributed.http.proxy',
  'distributed.http.statics',
  'distributed.http.scheduler.api',
];

/** Environment for dask processes: the user's, plus the HTTP routes we rely on. */
export function daskEnvironment(base: NodeJS.ProcessEnv, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ...extra };
  env.DASK_DISTRIBUTED__SCHEDULER__HTTP__ROUTES = JSON.stringify(SCHEDULER_HTTP_ROUTES);
  return env;
}
