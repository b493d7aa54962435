// A real Dask scheduler (Debian's /usr/bin/dask, distributed 2022.12) with real workers on loopback ports.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../../support/freePort';
import { LongRunningProcess, sleep, startLongRunning, stopGracefully, waitForHttp } from '../../support/processes';

export const DASK = '/usr/bin/dask';
/** The scheduler's HTTP routes with prometheus and the api module (TEST-STACK.md). */
export const ROUTES = '["distributed.http.scheduler.prometheus","distributed.http.scheduler.info","distributed.http.scheduler.json","distributed.http.health","distributed.http.proxy","distributed.http.statics","distributed.http.scheduler.api"]';

export interface DaskCluster {
  schedulerAddress: string;
  dashboardUrl: string;
  scheduler: LongRunningProcess;
  workers: Map<string, LongRunningProcess>;
  addWorker(name: string, opts?: { nthreads?: number; memoryLimit?: string }): Promise<LongRunningProcess>;
  stopWorker(name: string): Promise<void>;
  stopScheduler(): Promise<void>;
  startScheduler(): Promise<void>;
  close(): Promise<void>;
}

export async function startDaskCluster(): Promise<DaskCluster> {
  const [port, dashPort] = await freePorts(2);
  const logDir = mkdtempSync(join(tmpdir(), 'pangeo-metrics-'));
  const env = { ...process.env, DASK_DISTRIBUTED__SCHEDULER__HTTP__ROUTES: ROUTES, DASK_DISTRIBUTED__WORKER__DAEMON: 'False', PYTHONUNBUFFERED: '1' };
  const schedulerAddress = `tcp://127.0.0.1:${port}`;
  const dashboardUrl = `http://127.0.0.1:${dashPort}/`;
  const workers = new Map<string, LongRunningProcess>();
  let schedulerRuns = 0;
  const cluster: DaskCluster = {
    schedulerAddress, dashboardUrl, workers,
    scheduler: undefined as unknown as LongRunningProcess,
    async startScheduler() {
      cluster.scheduler = startLongRunning({
        name: `scheduler-${schedulerRuns++}`, command: DASK, env, logDir,
        args: ['scheduler', '--host', '127.0.0.1', '--port', String(port), '--dashboard-address', `127.0.0.1:${dashPort}`],
      });
      await waitForHttp(`${dashboardUrl}health`, { process: cluster.scheduler, timeoutMs: 60_000 });
    },
    async addWorker(name, opts = {}) {
      // --no-nanny: a stopped worker leaves for good instead of being restarted.
      const w = startLongRunning({
        name: `worker-${name}`, command: DASK, env, logDir,
        args: ['worker', schedulerAddress, '--host', '127.0.0.1', '--no-nanny', '--nthreads', String(opts.nthreads ?? 1),
          '--memory-limit', opts.memoryLimit ?? '1GB', '--name', name, '--no-dashboard'],
      });
      workers.set(name, w);
      const deadline = Date.now() + 60_000;
      // The worker logs this once the scheduler has accepted it.
      while (!/Registered to:/.test(w.logTail(20_000))) {
        if (w.hasExited()) throw new Error(`worker ${name} exited:\n${w.logTail()}`);
        if (Date.now() > deadline) throw new Error(`worker ${name} did not register:\n${w.logTail()}`);
        await sleep(100);
      }
      return w;
    },
    async stopWorker(name) {
      const w = workers.get(name);
      if (!w) return;
      workers.delete(name);
      await stopGracefully(w, { graceMs: 10_000 });
    },
    async stopScheduler() {
      await stopGracefully(cluster.scheduler, { graceMs: 5_000 });
    },
    async close() {
      for (const name of [...workers.keys()]) await cluster.stopWorker(name).catch(() => undefined);
      await stopGracefully(cluster.scheduler, { graceMs: 5_000 }).catch(() => undefined);
    },
  };
  await cluster.startScheduler();
  return cluster;
}
