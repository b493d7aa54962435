// The kernel probe: read-only Python that the connected notebook kernel runs (through its own Dask client) to ask the
// scheduler what no HTTP route serves — each worker's occupancy, processing count and executing keys, Dask's own
// memory split (also the fallback while identity.json fails: HTTP 500 during computations on distributed ≥ 2023.4),
// and the task-stream records when the scheduler's task-stream plugin already records (bokeh dashboard present, or a
// client called get_task_stream). It never adds a plugin or changes the scheduler. See docs/dask-dashboard-sources.md.
import { finite, isRecord } from '../../shared/validate';
import { malformed, notServed, ok, SourceResult } from './sourceResult';
import type { TaskBar } from '../../shared/dashboard/taskStreamModel';
import { keySplit } from './taskKeys';

/** The probe function (kept equal to test/fixtures/scheduler/scheduler_probe.py, which the recorder runs). */
export const SCHEDULER_PROBE_FUNCTION = `
def pangeo_scheduler_probe(client, since_index=0, limit=5000):
    """Read-only: what the scheduler knows about its workers (memory split, current work) and, when its task-stream
    plugin records (bokeh dashboard, or a client called get_task_stream), the tasks that finished since
    since_index. Never adds a plugin, never changes state. Returns one line of JSON."""
    import json

    def collect(dask_scheduler, since_index, limit):
        from distributed.metrics import time
        from dask.utils import key_split

        def text(key):
            return key if isinstance(key, str) else str(key)

        def memory(ws):
            try:
                m = ws.memory
                # managed_in_memory / managed_spilled became managed / spilled in 2023 (2022.12's managed is the
                # sum of both; the old names warn in 2024 and are gone in 2026): read the names this version stores.
                if "managed_in_memory" in getattr(type(m), "__slots__", ()):
                    managed, spilled = m.managed_in_memory, m.managed_spilled
                else:
                    managed, spilled = m.managed, m.spilled
                return {"process": m.process, "managed": managed, "unmanaged_old": m.unmanaged_old,
                        "unmanaged_recent": m.unmanaged_recent, "spilled": spilled}
            except Exception:
                return None

        workers = {}
        for ws in dask_scheduler.workers.values():
            workers[ws.address] = {
                "name": text(ws.name),
                "nthreads": ws.nthreads,
                "status": getattr(ws.status, "name", str(ws.status)),
                "memory_limit": ws.memory_limit,
                "memory": memory(ws),
                "occupancy": float(ws.occupancy),
                "processing": len(ws.processing),
                "executing": [[text(ts.key), float(d)] for ts, d in list(getattr(ws, "executing", {}).items())[:50]],
            }
        plugin = dask_scheduler.plugins.get("task-stream")
        stream = {"recording": plugin is not None, "index": 0, "dropped": 0, "records": []}
        if plugin is not None:
            buf = plugin.buffer
            new = max(0, plugin.index - since_index)
            take = min(new, len(buf), limit)
            stream["index"] = plugin.index
            stream["dropped"] = new - take
            for i in range(len(buf) - take, len(buf)):
                msg = buf[i]
                stream["records"].append({
                    "key": text(msg.get("key")),
                    "prefix": key_split(msg.get("key")),
                    "worker": msg.get("worker"),
                    "status": msg.get("status", "OK"),
                    "startstops": [
                        {"action": s.get("action"), "start": s.get("start"), "stop": s.get("stop"), "source": s.get("source")}
                        for s in msg.get("startstops", ())
                    ],
                })
        return {"probe": 1, "scheduler_id": str(dask_scheduler.id), "time": time(), "workers": workers, "task_stream": stream}

    answer = client.run_on_scheduler(collect, since_index=since_index, limit=limit)
    if not isinstance(answer, dict):
        return json.dumps({"probe": 1, "error": "async-client"})
    import distributed
    answer["distributed"] = distributed.__version__
    # The address this client reached the scheduler at: a probe kernel of our own beside this one may connect there too.
    answer["client_address"] = getattr(getattr(client, "scheduler", None), "address", None)
    return json.dumps(answer, separators=(",", ":"))
`;

/** Marks the probe's output line among whatever else the kernel prints. */
export const PROBE_MARKER = 'PANGEO-SCHEDULER-PROBE ';

export interface ProbeRequest {
  /** Task-stream records after this index only (the previous answer's `taskStream.index`). */
  sinceIndex?: number;
  /** At most this many records per answer (the newest). */
  limit?: number;
  /**
   * Use the kernel's client of this scheduler (identity.json's `id`), found among the notebook's variables and the
   * default client by the scheduler identity the client already holds (no network call); none: the default client.
   */
  schedulerId?: string;
}

/**
 * Code for the kernel to run (send it with silent: true and store_history: false). It uses a client the notebook
 * already has and creates none; it imports nothing into a kernel that has not imported distributed; it leaves no
 * names behind, even when it fails. Compare the answer's schedulerId with identity.json's id before using it.
 */
export function schedulerProbeCode(req: ProbeRequest = {}): string {
  const since = Math.max(0, Math.floor(req.sinceIndex ?? 0));
  const limit = Math.max(0, Math.floor(req.limit ?? 5000));
  const wanted = req.schedulerId === undefined ? 'None' : JSON.stringify(req.schedulerId);
  return `${SCHEDULER_PROBE_FUNCTION.trim()}


def __pangeo_probe_run(wanted):
    import sys, json
    dd = sys.modules.get("distributed")
    if dd is None:
        return json.dumps({"probe": 1, "error": "no-client", "message": "distributed is not imported"})
    candidates = [v for k, v in list(globals().items()) if not k.startswith("_") and isinstance(v, dd.Client)]
    try:
        candidates.append(dd.default_client())
    except Exception:
        pass

    def scheduler_id(c):
        ident = getattr(c, "_scheduler_identity", None)
        return ident.get("id") if isinstance(ident, dict) else None

    live = [c for c in candidates if getattr(c, "status", None) == "running"]
    match = [c for c in live if wanted is None or scheduler_id(c) == wanted]
    if not match:
        return json.dumps({"probe": 1, "error": "no-client", "message": "no client of this scheduler" if live else "no running client"})
    return pangeo_scheduler_probe(match[0], ${since}, ${limit})


try:
    print(${JSON.stringify(PROBE_MARKER)} + __pangeo_probe_run(${wanted}), flush=True)
finally:
    del pangeo_scheduler_probe, __pangeo_probe_run
`;
}

/** Dask's own MemoryState of a worker (managed = managed_in_memory; unmanaged old as the scheduler keeps it). */
export interface ProbeMemory {
  process: number;
  managed: number;
  unmanagedOld: number;
  unmanagedRecent: number;
  spilled: number;
}

export interface ProbeWorker {
  name: string;
  nthreads?: number;
  status?: string;
  memoryLimit?: number;
  memory?: ProbeMemory;
  occupancy: number;
  processing: number;
  executing: Array<{ key: string; seconds: number }>;
}

export interface SchedulerProbe {
  schedulerId: string;
  /** The distributed version in the kernel. */
  distributed?: string;
  /** The address the kernel's client reached the scheduler at ("tcp://127.0.0.1:41234"), when it says. */
  clientAddress?: string;
  /** Scheduler time of the answer (epoch ms). */
  time: number;
  workers: Record<string, ProbeWorker>;
  taskStream: {
    /** Whether the scheduler's task-stream plugin records (false: no bars from this route). */
    recording: boolean;
    /** Pass as the next request's sinceIndex. */
    index: number;
    /** Records that finished since sinceIndex but were left out (limit or the plugin's buffer length). */
    dropped: number;
    bars: TaskBar[];
  };
}

/** Reads the kernel's output (the whole stdout, or the probe's line); the kernel-side failures come back "not served". */
export function readSchedulerProbe(output: string): SourceResult<SchedulerProbe> {
  const line = output.split('\n').reverse().find((l) => l.startsWith(PROBE_MARKER)) ?? (output.trim().startsWith('{') ? output.trim() : undefined);
  if (line === undefined) return malformed('The kernel printed no probe answer.');
  let body: unknown;
  try {
    body = JSON.parse(line.startsWith(PROBE_MARKER) ? line.slice(PROBE_MARKER.length) : line);
  } catch {
    return malformed('The probe answer is not JSON.');
  }
  if (!isRecord(body) || body.probe !== 1) return malformed('Not an answer of this probe version.');
  if (body.error === 'no-client') return notServed('The notebook kernel has no Dask client of this scheduler: run `Client("<scheduler address>")` in the notebook first.');
  if (body.error === 'async-client') return notServed('The notebook\'s Dask client is asynchronous; the probe needs a synchronous one.');
  if (typeof body.error === 'string') return notServed(`The probe failed in the kernel: ${body.error}.`);
  if (typeof body.scheduler_id !== 'string' || !isRecord(body.workers) || !isRecord(body.task_stream)) return malformed('The probe answer lacks scheduler_id, workers or task_stream.');
  const workers: Record<string, ProbeWorker> = {};
  for (const [address, w] of Object.entries(body.workers)) {
    if (!isRecord(w)) continue;
    const m = isRecord(w.memory) ? w.memory : undefined;
    const process = finite(m?.process);
    const limit = finite(w.memory_limit);
    workers[address] = {
      name: typeof w.name === 'string' ? w.name : address,
      nthreads: finite(w.nthreads),
      status: typeof w.status === 'string' ? w.status : undefined,
      memoryLimit: limit && limit > 0 ? limit : undefined,
      memory: m && process !== undefined ? {
        process, managed: finite(m.managed) ?? 0, unmanagedOld: finite(m.unmanaged_old) ?? 0,
        unmanagedRecent: finite(m.unmanaged_recent) ?? 0, spilled: finite(m.spilled) ?? 0,
      } : undefined,
      occupancy: finite(w.occupancy) ?? 0,
      processing: finite(w.processing) ?? 0,
      executing: Array.isArray(w.executing)
        ? w.executing.flatMap((e) => (Array.isArray(e) && typeof e[0] === 'string' ? [{ key: e[0], seconds: finite(e[1]) ?? 0 }] : []))
        : [],
    };
  }
  const ts = body.task_stream;
  const bars: TaskBar[] = [];
  for (const r of Array.isArray(ts.records) ? ts.records : []) {
    if (!isRecord(r) || typeof r.key !== 'string' || typeof r.worker !== 'string' || !Array.isArray(r.startstops)) continue;
    for (const s of r.startstops) {
      const start = finite(isRecord(s) ? s.start : undefined);
      const stop = finite(isRecord(s) ? s.stop : undefined);
      if (!isRecord(s) || typeof s.action !== 'string' || start === undefined || stop === undefined) continue;
      bars.push({
        key: r.key, prefix: typeof r.prefix === 'string' ? r.prefix : keySplit(r.key), worker: r.worker, action: s.action,
        start: start * 1000, stop: stop * 1000, source: typeof s.source === 'string' ? s.source : undefined,
        status: typeof r.status === 'string' ? r.status : 'OK',
      });
    }
  }
  return ok({
    schedulerId: body.scheduler_id,
    distributed: typeof body.distributed === 'string' ? body.distributed : undefined,
    clientAddress: typeof body.client_address === 'string' && body.client_address ? body.client_address : undefined,
    time: (finite(body.time) ?? 0) * 1000,
    workers,
    taskStream: { recording: ts.recording === true, index: finite(ts.index) ?? 0, dropped: finite(ts.dropped) ?? 0, bars },
  });
}

/** The name the probe kernel's client has in that kernel (the probe finds it among the kernel's globals). */
const SIBLING_CLIENT = 'pangeo_probe_client';

/**
 * Code for a kernel of our own (never the user's) that makes, once, a synchronous Dask client of `address` for the
 * probe: plain tcp:// only (a TLS or gateway address needs credentials only the notebook's client holds). The client
 * asks the scheduler nothing on its own (its 2 s scheduler-info polling is an identity() of every worker: off).
 * Prints nothing; an error reaches the caller as the run's error.
 */
export function probeClientCode(address: string): string {
  if (!/^tcp:\/\/[^\s"'\\]+$/.test(address)) throw new Error(`A probe kernel connects only to a plain tcp:// scheduler address, not ${address}.`);
  return `def __pangeo_probe_client(address):
    import dask, distributed
    c = globals().get(${JSON.stringify(SIBLING_CLIENT)})
    if c is not None and getattr(c, "status", None) == "running" and getattr(c.scheduler, "address", None) == address:
        return
    if c is not None:
        try:
            c.close(timeout=2)
        except Exception:
            pass
    with dask.config.set({"distributed.client.scheduler-info-interval": "1h"}):
        globals()[${JSON.stringify(SIBLING_CLIENT)}] = distributed.Client(address, set_as_default=False, timeout="10s", name="pangeo-dashboard-probe")


try:
    __pangeo_probe_client(${JSON.stringify(address)})
finally:
    del __pangeo_probe_client
`;
}
