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
  /** Epoch seconds of tick 0's heartbeats (default: when this file loaded, so a payload changes only with `tick`). */
  baseTime?: number;
  /**
   * Each worker heartbeats every `heartbeatEvery` ticks (staggered), as Dask paces them in big clusters (about every
   * 6 s at 1,000 workers, so a third of them per 2 s poll); default 1: every worker changes every tick.
   */
  heartbeatEvery?: number;
  /**
   * Heartbeats repeat after this many ticks (a multiple of heartbeatEvery): serving ticks 0…cycle−1 in turn, the step
   * from the last back to the first changes the same 1/heartbeatEvery of the workers as every other step. Default: never.
   */
  cycle?: number;
  /** Task prefixes in /metrics (default: "work" ×40 and "agg" ×1, advancing 3 per tick). */
  prefixes?: { name: string; total: number }[];
}

/** A worker's heartbeat metrics as distributed 2022.12 sends them (task_counts, managed/spilled bytes, transfers). */
function workerMetrics(i: number, tick: number): object {
  const memory = 100_000_000 + ((i * 104_729 + tick * 7919) % 1_000_000_000);
  const managed = Math.floor(memory * (((i + tick) % 5) / 8));
  const spilled = i % 7 === 3 ? 50_000_000 : 0;
  return {
    task_counts: { executing: (i + tick) % 3, 'long-running': 0, memory: (i * 3 + tick) % 11, ready: (i + 2 * tick) % 4, constrained: 0, waiting: 0, fetch: 0, missing: 0, flight: 0, other: 0 },
    bandwidth: { total: 100000000, workers: {}, types: {} },
    managed_bytes: managed + spilled, spilled_bytes: { memory: spilled, disk: spilled },
    transfer: { incoming_bytes: i % 4 === 0 ? 1_000_000 * ((tick % 3) + 1) : 0, incoming_count: 0, incoming_count_total: 0, outgoing_bytes: 0, outgoing_count: 0, outgoing_count_total: 0 },
    event_loop_interval: 0.02, cpu: (i * 7 + tick * 13) % 200, memory, time: 1_800_000_000 + tick,
    host_net_io: { read_bps: 20000, write_bps: 20000 }, host_disk_io: { read_bps: 0, write_bps: 65000 }, num_fds: 20,
  };
}

// Not "now" per call: a test crossing a second boundary (slowly, on a busy machine) would see every worker change.
const LOADED_AT = Math.floor(Date.now() / 1000);

export function syntheticPayloads(o: SyntheticOptions): { counts: object; identity: object; metrics: string } {
  const tick = o.tick ?? 0;
  const base = o.baseTime ?? LOADED_AT;
  const threads = o.threadsPerWorker ?? 2;
  const limit = o.memoryLimit ?? 4 * 1024 ** 3;
  const workers: Record<string, object> = {};
  const every = o.heartbeatEvery ?? 1;
  for (let i = 0; i < o.workers; i++) {
    const beat = (every > 1 ? Math.floor((tick + i) / every) * every : tick) % (o.cycle ?? Infinity);
    const address = `tcp://10.0.${Math.floor(i / 250)}.${i % 250}:${40000 + i}`;
    workers[address] = {
      type: 'Worker', id: `w${i}`, host: `10.0.${Math.floor(i / 250)}.${i % 250}`, name: `w${i}`, nthreads: threads,
      memory_limit: limit, last_seen: base + beat, status: 'running', services: { dashboard: 8788 },
      metrics: workerMetrics(i, beat),
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
  const prefixes = (o.prefixes ?? [{ name: 'work', total: 40 }, { name: 'agg', total: 1 }]).map((p) => {
    // A computation that advances with the ticks: done grows, a few are processing, the rest wait.
    const memory = Math.min(p.total, tick * 3);
    const processing = Math.min(p.total - memory, 4);
    return `dask_scheduler_prefix_state_totals_total{state="waiting",task_prefix_name="${p.name}"} ${p.total}.0\n` +
      `dask_scheduler_prefix_state_totals_total{state="processing",task_prefix_name="${p.name}"} ${memory + processing}.0\n` +
      `dask_scheduler_prefix_state_totals_total{state="memory",task_prefix_name="${p.name}"} ${memory}.0\n`;
  }).join('');
  const metrics = `# HELP dask_scheduler_clients Number of clients connected.\n# TYPE dask_scheduler_clients gauge\ndask_scheduler_clients 1.0\n` +
    `dask_scheduler_desired_workers 0.0\n${states}` +
    `dask_scheduler_tasks{state="released"} 0.0\ndask_scheduler_tasks{state="memory"} 3.0\ndask_scheduler_tasks{state="waiting"} 0.0\n` +
    `dask_scheduler_tasks{state="queued"} 0.0\ndask_scheduler_tasks{state="processing"} ${processing}.0\ndask_scheduler_tasks{state="erred"} 0.0\n` +
    `dask_scheduler_tasks{state="no-worker"} 0.0\n${prefixes}process_open_fds 15.0\n`;
  return { counts, identity, metrics };
}

export interface FakeSchedulerControl {
  payloads: () => { counts: object; identity: object; metrics?: string } | 'down';
  requests: { url: string; headers: Record<string, string> }[];
  /** What /individual-plots.json lists (title → path); none by default, as without bokeh. */
  plots?: Record<string, string>;
  /** Answer identity.json with this error status (newer Dask answers 500 while tasks run). */
  identityStatus?: number;
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
    if (path === '/json/identity.json') {
      return control.identityStatus ? new Response('500: Internal Server Error', { status: control.identityStatus }) : Response.json(p.identity);
    }
    if (path === '/metrics') return p.metrics ? new Response(p.metrics) : new Response('404: Not Found', { status: 404 });
    if (path === '/individual-plots.json') return Response.json(control.plots ?? {});
    return new Response('404: Not Found', { status: 404 });
  });
}
