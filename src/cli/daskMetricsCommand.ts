// `pangeo-compute dask metrics --url DASHBOARD_URL`: one sample of a scheduler, the same one the dashboard draws.
import { Command, requireString, UsageError } from './command';
import { SchedulerSampler } from '../dashboard/metrics/schedulerSampler';
import { WORKER_FIELD_NAMES } from '../shared/dashboard/workerFields';
import { activeTasks } from '../dashboard/metrics/clusterSample';

const GIB = 1024 ** 3;

export const daskMetricsCommand: Command = {
  summary: 'Print one sample of a scheduler: workers, threads, memory, tasks by state, per-worker rows',
  usage: '--url DASHBOARD_URL [--header "Name: value"]...',
  options: { url: { type: 'string' }, header: { type: 'string', multiple: true } },
  async run(ctx) {
    const url = requireString(ctx, 'url');
    if (!/^https?:\/\//.test(url)) throw new UsageError('--url must be the dashboard\'s http(s) address, e.g. http://127.0.0.1:8787/');
    const headers: Record<string, string> = {};
    const raw = ctx.values.header;
    for (const h of Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []) {
      const colon = h.indexOf(':');
      if (colon <= 0) throw new UsageError(`--header wants "Name: value", got "${h}"`);
      headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
    }
    // A token for the dashboard can come from the environment instead of argv.
    const token = ctx.io.env.PANGEO_DASHBOARD_AUTHORIZATION;
    if (token && !headers.Authorization) headers.Authorization = token;
    // One sample, nothing else to keep responsive: no worker thread.
    const sampler = new SchedulerSampler({ dashboardUrl: url, headers }, { logger: ctx.logger, timeoutMs: 10_000, identityThread: false });
    const s = await sampler.sample(ctx.signal);
    const human = [
      `${s.workers} workers, ${s.threads} threads, memory ${gib(s.memoryUsedBytes)} / ${gib(s.memoryLimitBytes)} GiB`,
      `tasks: ${Object.entries(s.tasks).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'} (active ${activeTasks(s.tasks)})`,
      ...s.workerRows.map((w) => `  ${w.name.padEnd(12)} ${w.address.padEnd(24)} ${w.threads} thr  ${gib(w.memoryBytes)}/${gib(w.memoryLimitBytes)} GiB  cpu ${w.cpuPercent.toFixed(0)} %`),
      s.metricsAvailable ? '' : '(/metrics not served: task counts from counts.json)',
    ].filter(Boolean).join('\n');
    ctx.print(human, {
      time: new Date(s.time).toISOString(),
      scheduler_id: s.schedulerId,
      workers: s.workers,
      threads: s.threads,
      memory_used_bytes: s.memoryUsedBytes,
      memory_limit_bytes: s.memoryLimitBytes,
      tasks: s.tasks,
      clients: s.clients,
      desired_workers: s.desiredWorkers,
      metrics_available: s.metricsAvailable,
      managed_bytes: s.managedBytes,
      unmanaged_bytes: Math.max(0, s.memoryUsedBytes - s.managedBytes),
      spilled_bytes: s.spilledBytes,
      task_prefixes: s.prefixes,
      task_prefix_times: s.prefixTimes,
      // Every declared worker field, snake_cased, so a new field shows up here without an edit.
      worker_rows: s.workerRows.map((w) => Object.fromEntries(WORKER_FIELD_NAMES.map((f) =>
        [f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), f === 'lastSeen' ? new Date(w.lastSeen).toISOString() : w[f]]))),
    });
  },
};

function gib(n: number): string {
  return (n / GIB).toFixed(2);
}
