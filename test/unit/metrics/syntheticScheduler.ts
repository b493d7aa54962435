// Scheduler responses shaped like distributed's (2022.12 and current), for unit tests and the benchmark.

export type MetricsFlavour = '2022.12' | 'current';

export interface SyntheticOptions {
  workers: number;
  /** Changes CPU/memory/last_seen so every tick differs, like a busy cluster. */
  tick?: number;
  threadsPerWorker?: number;
  memoryLimit?: number;
  flavour?: MetricsFlavour;
  processing?: number;
  schedulerId?: string;
  /** Epoch seconds of tick 0's heartbeats (default: now). */
  baseTime?: number;
}

export function syntheticPayloads(o: SyntheticOptions): { counts: object; identity: object; metrics: string } {
  const tick = o.tick ?? 0;
  const base = o.baseTime ?? Math.floor(Date.now() / 1000);
  const threads = o.threadsPerWorker ?? 2;
  const limit = o.memoryLimit ?? 4 * 1024 ** 3;
  const workers: Record<string, object> = {};
  for (let i = 0; i < o.workers; i++) {
    const address = `tcp://10.0.${Math.floor(i / 250)}.${i % 250}:${40000 + i}`;
    workers[address] = {
      type: 'Worker', id: `w${i}`, host: `10.0.${Math.floor(i / 250)}.${i % 250}`, name: `w${i}`, nthreads: threads,
      memory_limit: limit, last_seen: base + tick, status: 'running', services: { dashboard: 8788 },
      metrics: { cpu: (i * 7 + tick * 13) % 200, memory: 100_000_000 + ((i * 104_729 + tick * 7919) % 1_000_000_000), task_counts: {} },
    };
  }
  const processing = o.processing ?? 0;
  const counts = {
    bytes: 0, clients: 1, cores: o.workers * threads, erred: 0, hosts: o.workers, idle: o.workers, memory: 3,
    processing, released: 0, saturated: 0, tasks: processing + 3, unrunnable: 0, waiting: 0, waiting_data: 0,
    workers: o.workers, desired_workers: 0,
  };
  const identity = { type: 'Scheduler', id: o.schedulerId ?? 'Scheduler-synthetic', address: 'tcp://10.0.0.1:8786', services: { dashboard: 8787 }, started: 1_700_000_000, workers };
  const states = o.flavour === '2022.12'
    ? `dask_scheduler_workers{state="connected"} ${o.workers}.0\ndask_scheduler_workers{state="saturated"} 0.0\ndask_scheduler_workers{state="idle"} ${o.workers}.0\n`
    : `dask_scheduler_workers{state="idle"} ${o.workers - 1}.0\ndask_scheduler_workers{state="partially_saturated"} 1.0\ndask_scheduler_workers{state="saturated"} 0.0\ndask_scheduler_workers{state="paused_or_retiring"} 0.0\n`;
  const metrics = `# HELP dask_scheduler_clients Number of clients connected.\n# TYPE dask_scheduler_clients gauge\ndask_scheduler_clients 1.0\n` +
    `dask_scheduler_desired_workers 0.0\n${states}` +
    `dask_scheduler_tasks{state="released"} 0.0\ndask_scheduler_tasks{state="memory"} 3.0\ndask_scheduler_tasks{state="waiting"} 0.0\n` +
    `dask_scheduler_tasks{state="queued"} 0.0\ndask_scheduler_tasks{state="processing"} ${processing}.0\ndask_scheduler_tasks{state="erred"} 0.0\n` +
    `dask_scheduler_tasks{state="no-worker"} 0.0\nprocess_open_fds 15.0\n`;
  return { counts, identity, metrics };
}

export interface FakeSchedulerControl {
  payloads: () => { counts: object; identity: object; metrics?: string } | 'down';
  requests: { url: string; headers: Record<string, string> }[];
  /** What /individual-plots.json lists (title → path); none by default, as without bokeh. */
  plots?: Record<string, string>;
}

/** A fetch that answers like a scheduler dashboard, or fails like a dead one when payloads() says 'down'. */
export function fakeSchedulerFetch(control: FakeSchedulerControl): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    control.requests.push({ url: url.toString(), headers: { ...(init?.headers as Record<string, string>) } });
    const p = control.payloads();
    if (p === 'down') throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const path = url.pathname.replace(/^.*?\/(json|metrics|individual-plots|api)/, '/$1');
    if (path === '/json/counts.json') return Response.json(p.counts);
    if (path === '/json/identity.json') return Response.json(p.identity);
    if (path === '/metrics') return p.metrics ? new Response(p.metrics) : new Response('404: Not Found', { status: 404 });
    if (path === '/individual-plots.json') return Response.json(control.plots ?? {});
    return new Response('404: Not Found', { status: 404 });
  }) as typeof fetch;
}
