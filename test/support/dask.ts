// Real Dask processes for tests (Debian's /usr/bin/dask, distributed 2022.12) and ways to check what the scheduler says.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from './freePort';
import { killTree, startLongRunning, waitForHttp, type LongRunningProcess } from './processes';

export const DASK = existsSync('/usr/bin/dask') ? '/usr/bin/dask' : 'dask';
export const SYSTEM_PYTHON = '/usr/bin/python3';

export const SCHEDULER_ROUTES_ENV = {
  DASK_DISTRIBUTED__SCHEDULER__HTTP__ROUTES: JSON.stringify([
    'distributed.http.scheduler.prometheus', 'distributed.http.scheduler.info', 'distributed.http.scheduler.json',
    'distributed.http.health', 'distributed.http.proxy', 'distributed.http.statics', 'distributed.http.scheduler.api',
  ]),
};

/** Whether the real dask stack is installed (tests skip with a reason otherwise). */
/**
 * Throws, naming the Debian packages to install, when Debian's Python cannot import `modules`: a test that needs them
 * fails with that message instead of being skipped (scripts/setup.sh installs them).
 */
export function requireSystemPythonModules(modules: string[], packages: string): void {
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore', timeout: 20_000 });
  } catch {
    throw new Error(`This test needs ${modules.join(' and ')} in ${SYSTEM_PYTHON}: install ${packages} (scripts/setup.sh does).`);
  }
}

export function daskAvailable(): boolean {
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', 'import distributed'], { stdio: 'ignore', timeout: 20_000 });
    return existsSync(DASK);
  } catch {
    return false;
  }
}

export interface TestScheduler {
  address: string;
  dashboardUrl: string;
  process: LongRunningProcess;
  workers: LongRunningProcess[];
  addWorker(name: string): Promise<LongRunningProcess>;
  stop(): Promise<void>;
}

/** A scheduler (with the /api/v1 routes unless `apiRoutes: false`) and `workers` no-nanny workers. */
export async function startTestScheduler(opts: { workers?: number; apiRoutes?: boolean; dashboardPrefix?: string; logDir?: string } = {}): Promise<TestScheduler> {
  const [port, dashboard] = await freePorts(2);
  const logDir = opts.logDir ?? mkdtempSync(join(tmpdir(), 'pangeo-dask-'));
  const env = { ...process.env, ...(opts.apiRoutes === false ? {} : SCHEDULER_ROUTES_ENV) };
  const args = ['scheduler', '--host', '127.0.0.1', '--port', String(port), '--dashboard-address', `127.0.0.1:${dashboard}`];
  if (opts.dashboardPrefix) args.push('--dashboard-prefix', opts.dashboardPrefix);
  const proc = startLongRunning({ name: `scheduler-${port}`, command: DASK, args, env, logDir });
  const prefix = opts.dashboardPrefix ? `${opts.dashboardPrefix.replace(/^\/?/, '/').replace(/\/?$/, '/')}` : '/';
  const dashboardUrl = `http://127.0.0.1:${dashboard}${prefix}`;
  const address = `tcp://127.0.0.1:${port}`;
  const workers: LongRunningProcess[] = [];
  const scheduler: TestScheduler = {
    address,
    dashboardUrl,
    process: proc,
    workers,
    async addWorker(name: string) {
      const w = startLongRunning({
        name: `worker-${name}`, command: DASK, logDir, env,
        args: ['worker', address, '--host', '127.0.0.1', '--nthreads', '1', '--memory-limit', '512MB', '--name', name, '--no-nanny', '--dashboard-address', '127.0.0.1:0'],
      });
      workers.push(w);
      return w;
    },
    async stop() {
      await Promise.all([...workers, proc].map((p) => killTree(p, 'SIGKILL').catch(() => undefined)));
    },
  };
  try {
    await waitForHttp(`${dashboardUrl}health`, { process: proc, timeoutMs: 30_000 });
    for (let i = 1; i <= (opts.workers ?? 0); i++) await scheduler.addWorker(`w${i}`);
    if (opts.workers) await waitForWorkerCount(dashboardUrl, opts.workers);
  } catch (e) {
    await scheduler.stop();
    throw e;
  }
  return scheduler;
}

/** What the scheduler itself reports: the number of entries in /json/identity.json's `workers`. */
export async function schedulerWorkerCount(dashboardRoot: string): Promise<number> {
  const res = await fetch(`${dashboardRoot.replace(/\/?$/, '/')}json/identity.json`, { signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as { workers: Record<string, unknown> };
  return Object.keys(body.workers).length;
}

export async function waitForWorkerCount(dashboardRoot: string, n: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: number | string = 'no answer';
  while (Date.now() < deadline) {
    try {
      last = await schedulerWorkerCount(dashboardRoot);
      if (last === n) return;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`scheduler at ${dashboardRoot} did not reach ${n} workers (last: ${last})`);
}

/** `ps` lines of live dask processes whose command line mentions `needle` (a port, an address, a name). */
export function daskProcessesMentioning(needle: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,stat,args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes('dask') && l.includes(needle) && !/\sZ/.test(l.slice(0, 14)));
}

/** Pids of live processes whose environment holds `NAME=value` (e.g. the local provider's cluster marker). */
export function pidsWithEnv(name: string, value: string): number[] {
  const needle = `${name}=${value}`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(needle)) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}
