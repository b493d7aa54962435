// Dashboard benchmark (issues 5, 12 and 17): a synthetic 1,000- or 5,000-worker scheduler whose answers have the shape and
// size of Dask 2022.12's (identity.json with each worker's full heartbeat metrics, ~0.8 MB at 1,000 workers, ~4 MB at
// 5,000; /metrics with per-prefix totals). Every timing sits beside a JSON.parse baseline measured in the same loop (tick
// by tick; the host's on a thread of its own, so its garbage is not collected in the ticks), so a machine busy with other
// work slows both alike and the ratio stays meaningful.
//  1. host: fetch + parse + rows (memory split, activity) + prefix progress + diff per tick (SchedulerSampler over real
//     HTTP from a scheduler on another thread) vs JSON.parse / fetch+JSON.parse of the same bytes, in the worst case
//     (every worker heartbeats every tick) and as Dask paces heartbeats (~6 s at 1,000 workers: a third of the workers
//     per 2 s poll; 26 s at 5,000: a 13th). identity.json is read on a worker thread (dist/threads/identity.js), so two times per tick: the
//     extension host's main thread busy (what blocks the editor: the goal) and the tick's end-to-end latency; the
//     same ticks read on the main thread (no worker thread) are measured beside them; and the session's whole tick
//     (sampler, series, the sample message and its JSON serialization, which webview.postMessage does on that thread);
//  2. webview: one update (message handling + render of cards, 5 uPlot charts, 4 bar lists, a busy task stream and a
//     1,000-row table, with the microtasks it queues and the layout it causes) in Chromium vs JSON.parse of the same
//     message in the same page;
//  3. memory after 10,000 ticks, host (sampler + session) and webview, must stay within ±10 % of the level after warm-up
//     (at 1,000 workers; `npm run bench` skips it at 5,000, where 10,000 ticks would take an hour).
// `node --import tsx bench/dashboard.ts [--quick] [--workers 1000,5000] [--sections host,webview]` runs only this benchmark.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SchedulerSampler } from '../src/dashboard/metrics/schedulerSampler';
import { DashboardSession } from '../src/dashboard/dashboardSession';
import type { HostMessage } from '../src/shared/protocol/panels';
import { syntheticPayloads } from '../test/unit/metrics/syntheticScheduler';
import { bundleWebviews, CHROMIUM, launchChromium, openWebview, servePages } from '../test/browser/webviewTestHost';

export type DashboardBenchSection = 'host' | 'memory' | 'webview' | 'webviewMemory';

export interface DashboardBenchOptions {
  workers?: number;
  /** What to run (default: everything). */
  sections?: readonly DashboardBenchSection[];
  hostTicks?: number;
  webviewTicks?: number;
  memoryTicks?: number;
  webviewMemoryTicks?: number;
  log?: (line: string) => void;
}

export interface DashboardBenchResult {
  workers: number;
  /** Every worker heartbeats every tick; identity.json read on the worker thread (as the extension does at this size). */
  host?: HostTiming;
  /** The same with Dask's heartbeat pacing (a third of the workers change per 2 s poll at 1,000 workers, 1/13 at 5,000). */
  hostPaced?: HostTiming;
  /** The worst case read on the main thread (no worker thread): what the editor would pay without it. */
  hostOnMainThread?: HostTiming;
  /**
   * The dashboard session's whole tick (sampler, series, sample message, and its JSON serialization, which the editor's
   * webview.postMessage does on the extension host's thread), worst case and paced.
   */
  hostSession?: HostTiming;
  hostSessionPaced?: HostTiming;
  /** Every worker heartbeats every tick: all rows change in every update. */
  webview?: WebviewTiming;
  /** Dask's heartbeat pacing: the update carries only the rows that changed (1/3 of them at 1,000 workers, 1/13 at 5,000). */
  webviewPaced?: WebviewTiming;
  memory: { hostMiB?: [number, number]; hostChange?: number; webviewMiB?: [number, number]; webviewChange?: number };
  /** undefined: not measured in this run. */
  targets: {
    /** Main-thread time per tick (worst case and paced): median and p95 under 20 ms (issue 12, at 1,000 workers). */
    hostUnder20ms?: boolean; hostP95Under20ms?: boolean;
    /** Issue 17: main-thread p95 (sampler and whole session tick, worst case and paced) under 16 ms, also at 5,000 workers. */
    hostP95Under16ms?: boolean;
    /** End-to-end latency per tick (worst case and paced), the same limits: reported, not what blocks the editor. */
    hostEndToEndUnder20ms?: boolean; hostEndToEndP95Under20ms?: boolean;
    webviewUnder16ms?: boolean; webviewP95Under16ms?: boolean; hostMemoryFlat?: boolean; webviewMemoryFlat?: boolean;
  };
}

export interface WebviewTiming {
  medianMs: number; p95Ms: number;
  /** JSON.parse of the same message in the same page, right after each update. */
  jsonParseMs: number; jsonParseP95Ms: number;
  /** Median over median, p95 over p95. */
  ratio: number; p95Ratio: number;
  /** The page's main thread per update, averaged over the run (Linux): on a CPU, and runnable but waiting for one. */
  cpuMs?: number; cpuWaitMs?: number;
}

export interface HostTiming {
  /** The extension host's main thread busy per tick (event-loop utilization: JS, GC, I/O callbacks). */
  mainMedianMs: number; mainP95Ms: number;
  /** From the poll's start to its sample. */
  medianMs: number; p95Ms: number;
  /** Medians (and p95) of the same-run baselines: JSON.parse of counts.json + identity.json, and fetch + JSON.parse. */
  jsonParseMs: number; jsonParseP95Ms: number; fetchJsonParseMs: number;
  /** Main-thread median over the baselines' medians; main-thread p95 over JSON.parse's p95. */
  ratioToJsonParse: number; ratioToFetchJsonParse: number; p95RatioToJsonParse: number;
  /**
   * Where the main thread's busy time went (Linux, /proc/…/schedstat): on a CPU (our work, GC included), and runnable
   * but waiting for a CPU that other processes held (the machine's load). Median and p95 per tick.
   */
  cpu?: { medianMs: number; p95Ms: number; waitMedianMs: number; waitP95Ms: number };
  /** The main thread's garbage collections that began during the ticks: how many, the longest, and their time per tick. */
  gc: { count: number; longestMs: number; msPerTick: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;
const mib = (n: number) => n / 1024 / 1024;

/**
 * A thread's time on a CPU and time runnable but waiting for one, in ms (Linux schedstat: nanoseconds since it
 * started); undefined where /proc does not say. The main thread's id is the process id.
 */
function schedTimes(pid = process.pid, tid = pid): { cpu: number; wait: number } | undefined {
  try {
    const [cpu, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
    return cpu === undefined || wait === undefined || Number.isNaN(cpu + wait) ? undefined : { cpu: cpu / 1e6, wait: wait / 1e6 };
  } catch {
    return undefined;
  }
}

function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Polls (2 s apart) per heartbeat of each worker as Dask paces them: distributed's heartbeat_interval is n/200 + 1 s
 * from 200 workers on (6 s at 1,000 workers: every 3rd poll; 26 s at 5,000: every 13th).
 */
function pacedEvery(workers: number): number {
  return workers < 200 ? 1 : Math.max(1, Math.round((workers / 200 + 1) / 2));
}

/**
 * Precomputed bodies for a few ticks, served in turn, so serialization is not what we measure. Paced, as many as make
 * whole heartbeat cycles, so the step from the last body back to the first is a step like the others (with 16 bodies
 * and a 13-tick cycle that step changed every worker, 1 tick in 16: the paced p95 was the worst case's).
 */
function tickBodies(workers: number, distinct: number, heartbeatEvery = 1) {
  const cycle = heartbeatEvery > 1 ? heartbeatEvery * Math.ceil(distinct / heartbeatEvery) : undefined;
  return Array.from({ length: cycle ?? distinct }, (_, tick) => {
    const p = syntheticPayloads({ workers, tick, processing: tick % 7, flavour: 'current', baseTime: 1_800_000_000, heartbeatEvery, cycle });
    return { counts: JSON.stringify(p.counts), identity: JSON.stringify(p.identity), metrics: p.metrics };
  });
}
type Bodies = ReturnType<typeof tickBodies>;

/**
 * What webview.postMessage does with a message on the extension host's thread (VS Code ≥ 1.57, extHostWebviewMessaging.ts
 * serializeWebviewMessage): JSON.stringify with a replacer that takes each typed array's ArrayBuffer out as a reference,
 * and the buffers, each once, copied into the RPC message. Returns the bytes sent.
 */
function serializeAsEditor(message: unknown): number {
  const buffers: ArrayBufferLike[] = [];
  const reference = (buffer: ArrayBufferLike) => {
    let index = buffers.indexOf(buffer);
    if (index < 0) index = buffers.push(buffer) - 1;
    return index;
  };
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof ArrayBuffer) return { $$vscode_array_buffer_reference$$: true, index: reference(value) };
    if (ArrayBuffer.isView(value)) {
      return { $$vscode_array_buffer_reference$$: true, index: reference(value.buffer), view: { type: 9, byteLength: value.byteLength, byteOffset: value.byteOffset } };
    }
    return value;
  });
  return buffers.reduce((bytes, b) => bytes + new Uint8Array(b).slice().byteLength, json.length);
}

/**
 * The synthetic scheduler on its own thread, as a real one is in another process: its serving is not counted as the
 * extension host's main-thread time, and at the lowest priority it takes no CPU the host's threads want (on a 2-core
 * machine serving 4 MB per poll otherwise held a core while the host's main and identity threads each wanted one).
 * `use(i)` switches to body set i.
 */
async function schedulerThread(sets: Bodies[]): Promise<{ url: string; use: (set: number) => Promise<void>; close: () => Promise<void> }> {
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const { createServer } = require('node:http');
    // A real scheduler runs on another machine: this thread yields the CPUs to the extension host's threads (Linux: a
    // thread id as the pid sets that thread's nice value only). Elsewhere it runs at the same priority.
    try {
      const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
      require('node:os').setPriority(tid, 19);
    } catch {}
    const sets = workerData.map((set) => set.map((b) => ({ counts: Buffer.from(b.counts), identity: Buffer.from(b.identity), metrics: Buffer.from(b.metrics) })));
    let bodies = sets[0];
    let served = 0;
    parentPort.on('message', (set) => { bodies = sets[set]; served = 0; parentPort.postMessage('ok'); });
    const server = createServer((req, res) => {
      const b = bodies[Math.floor(served / 3) % bodies.length];
      served++;
      const path = req.url || '';
      const body = path.endsWith('counts.json') ? b.counts : path.endsWith('identity.json') ? b.identity : path.endsWith('/metrics') ? b.metrics : undefined;
      if (body === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'Content-Type': path.endsWith('/metrics') ? 'text/plain' : 'application/json' }).end(body);
    });
    // Idle keep-alive sockets stay open (as Dask's tornado keeps them): on a loaded machine Node's 5 s default can
    // close one just as the client reuses it ("other side closed").
    server.keepAliveTimeout = 600000;
    server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
  `, { eval: true, workerData: sets });
  const next = () => new Promise<unknown>((r) => worker.once('message', r));
  const port = await next();
  return {
    url: `http://127.0.0.1:${String(port)}/`,
    use: async (set) => { const done = next(); worker.postMessage(set); await done; },
    close: async () => { await worker.terminate(); },
  };
}

/**
 * The same-run baselines, on a thread of their own in this process: JSON.parse of a tick's counts.json + identity.json,
 * and fetch + JSON.parse of the three routes, on the same CPUs at the same moment as the tick they follow. Each
 * measurement ends with a full GC there (not timed), so neither its garbage nor a collection of it overlaps the next tick.
 */
async function baselineThread(sets: Bodies[], url: string): Promise<{ measure: (set: number, i: number) => Promise<{ parseMs: number; fetchParseMs: number }>; close: () => Promise<void> }> {
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const { performance } = require('node:perf_hooks');
    require('node:v8').setFlagsFromString('--expose-gc');
    const collect = require('node:vm').runInNewContext('gc');
    const { sets, url } = workerData;
    parentPort.on('message', async ({ set, i }) => {
      const b = sets[set][i % sets[set].length];
      const t1 = performance.now();
      JSON.parse(b.counts);
      JSON.parse(b.identity);
      const parseMs = performance.now() - t1;
      const t2 = performance.now();
      const [c, id] = await Promise.all(['json/counts.json', 'json/identity.json', 'metrics'].map((p) => fetch(url + p).then((res) => res.text())));
      JSON.parse(c);
      JSON.parse(id);
      const fetchParseMs = performance.now() - t2;
      collect();
      parentPort.postMessage({ parseMs, fetchParseMs });
    });
  `, { eval: true, workerData: { sets: sets.map((set) => set.map(({ counts, identity }) => ({ counts, identity }))), url } });
  return {
    measure: (set, i) => new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.postMessage({ set, i });
    }).finally(() => worker.removeAllListeners('error')) as Promise<{ parseMs: number; fetchParseMs: number }>,
    close: async () => { await worker.terminate(); },
  };
}

export async function runDashboardBench(opts: DashboardBenchOptions = {}): Promise<DashboardBenchResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const workers = opts.workers ?? 1000;
  const sections = new Set(opts.sections ?? ['host', 'memory', 'webview', 'webviewMemory']);
  const worst = tickBodies(workers, 16);
  const every = pacedEvery(workers);
  const paced = tickBodies(workers, 16, every);
  const scheduler = await schedulerThread([worst, paced]);
  const url = scheduler.url;
  const baselines = await baselineThread([worst, paced], url);
  const threadScript = resolve(__dirname, '../dist/threads/identity.js');
  if (!existsSync(threadScript)) throw new Error(`${threadScript} is missing: run \`npm run build\` first (npm run bench does)`);
  const gc = gcFunction();
  const result: DashboardBenchResult = { workers, memory: {}, targets: {} };
  try {
    // ---- 1. host tick ----
    const hostTicks = opts.hostTicks ?? 200;
    /** A poll of the sampler alone, or the session's whole tick (the sampler, the series, and the message as the editor posts it). */
    interface HostSubject { tick(): Promise<void>; offThread(): boolean; dispose(): void }
    const samplerSubject = (offThread: boolean): HostSubject => {
      const sampler = new SchedulerSampler({ dashboardUrl: url }, { identityThread: offThread ? { script: threadScript } : false });
      return {
        tick: async () => {
          const r = await sampler.poll();
          if (!r.ok || r.sample.workers !== workers || r.sample.prefixes.rows.length === 0) throw new Error('bench scheduler answered wrongly');
        },
        offThread: () => sampler.readsOffThread,
        dispose: () => sampler.dispose(),
      };
    };
    const sessionSubject = async (): Promise<HostSubject> => {
      let sampled = 0;
      let bytes = 0;
      // webview.postMessage serializes the message on the extension host's thread: counted here.
      const session = new DashboardSession({ id: 'bench', name: 'bench', connection: async () => ({ dashboardUrl: url }) }, (m) => {
        bytes = serializeAsEditor(m);
        if (m.type === 'dashboard/sample' && m.summary.workers === workers) sampled++;
      }, { intervalMs: 3_600_000, identityThread: { script: threadScript } });
      await session.receive({ type: 'ready', view: 'dashboard' });
      return {
        tick: async () => {
          const before = sampled;
          await session.tick();
          if (sampled !== before + 1) throw new Error('the session posted no sample of every worker');
        },
        offThread: () => session.readsOffThread,
        dispose: () => {
          log(`  (the last sample message was ${(bytes / 1024).toFixed(0)} KiB: JSON and typed arrays' bytes)`);
          session.dispose();
        },
      };
    };
    const measureHost = async (label: string, bodies: Bodies, subject: () => HostSubject | Promise<HostSubject>, offThread = true): Promise<HostTiming> => {
      await scheduler.use(bodies === worst ? 0 : 1);
      const s = await subject();
      try {
        for (let i = 0; i < 20; i++) await s.tick();
        if (s.offThread() !== offThread) throw new Error(`identity.json ${offThread ? 'is not' : 'is'} read on the worker thread`);
        const tickMs: number[] = [];
        const mainMs: number[] = [];
        const cpuMs: number[] = [];
        const waitMs: number[] = [];
        const parseMs: number[] = [];
        const fetchParseMs: number[] = [];
        const gcMs: number[] = [];
        let ticking = false;
        const gcs = new PerformanceObserver((list) => { if (ticking) for (const e of list.getEntries()) gcMs.push(e.duration); });
        gcs.observe({ entryTypes: ['gc'] });
        // Tick, then the baselines on the same bytes: interleaved, so a load that comes and goes hits all three alike.
        // They run on their own thread (the main thread waits, idle): their ~40 MB of parsed objects a tick would
        // otherwise fill this thread's heap, and the major GCs they cause landed in the ticks (14 ms pauses, p95 ×3).
        for (let i = 0; i < hostTicks; i++) {
          const sched = schedTimes();
          const elu = performance.eventLoopUtilization();
          const t = performance.now();
          ticking = true;
          await s.tick();
          tickMs.push(performance.now() - t);
          mainMs.push(performance.eventLoopUtilization(elu).active);
          const schedAfter = sched && schedTimes();
          if (sched && schedAfter) {
            cpuMs.push(schedAfter.cpu - sched.cpu);
            waitMs.push(schedAfter.wait - sched.wait);
          }
          // GC entries are delivered a turn later: one turn, not timed, in which the tick has ended but this flag is up.
          await new Promise((r) => setImmediate(r));
          ticking = false;
          const base = await baselines.measure(bodies === worst ? 0 : 1, i);
          parseMs.push(base.parseMs);
          fetchParseMs.push(base.fetchParseMs);
        }
        const h: HostTiming = {
          mainMedianMs: median(mainMs), mainP95Ms: p95(mainMs), medianMs: median(tickMs), p95Ms: p95(tickMs),
          jsonParseMs: median(parseMs), jsonParseP95Ms: p95(parseMs), fetchJsonParseMs: median(fetchParseMs),
          ratioToJsonParse: median(mainMs) / median(parseMs), ratioToFetchJsonParse: median(mainMs) / median(fetchParseMs),
          p95RatioToJsonParse: p95(mainMs) / p95(parseMs),
          cpu: cpuMs.length ? { medianMs: median(cpuMs), p95Ms: p95(cpuMs), waitMedianMs: median(waitMs), waitP95Ms: p95(waitMs) } : undefined,
          gc: { count: gcMs.length, longestMs: Math.max(0, ...gcMs), msPerTick: gcMs.reduce((a, b) => a + b, 0) / hostTicks },
        };
        gcs.disconnect();
        log(`dashboard host tick (${workers} workers, ${label}): main thread busy median ${h.mainMedianMs.toFixed(2)} ms, p95 ${h.mainP95Ms.toFixed(2)} ms (target: p95 < 16 ms${workers <= 1000 ? ', median and p95 < 20 ms' : ''}); end-to-end median ${h.medianMs.toFixed(2)} ms, p95 ${h.p95Ms.toFixed(2)} ms`);
        log(`  same-run baselines: JSON.parse ${h.jsonParseMs.toFixed(2)} ms (p95 ${h.jsonParseP95Ms.toFixed(2)} ms) → main-thread ratio ${h.ratioToJsonParse.toFixed(2)}× (p95 ${h.p95RatioToJsonParse.toFixed(2)}×); fetch+JSON.parse ${h.fetchJsonParseMs.toFixed(2)} ms → ratio ${h.ratioToFetchJsonParse.toFixed(2)}×`);
        log(`  main thread's garbage collections during the ticks: ${h.gc.count}, the longest ${h.gc.longestMs.toFixed(1)} ms, ${h.gc.msPerTick.toFixed(2)} ms per tick`);
        if (h.cpu) log(`  main thread on a CPU median ${h.cpu.medianMs.toFixed(2)} ms, p95 ${h.cpu.p95Ms.toFixed(2)} ms; waiting for a CPU (the machine's load) median ${h.cpu.waitMedianMs.toFixed(2)} ms, p95 ${h.cpu.waitP95Ms.toFixed(2)} ms`);
        return h;
      } finally {
        s.dispose();
      }
    };
    if (sections.has('host')) {
      const host = result.host = await measureHost('every worker heartbeats every tick, identity.json on the worker thread', worst, () => samplerSubject(true));
      const hostPaced = result.hostPaced = await measureHost(`Dask's heartbeat pacing: 1/${every} of the workers per tick, identity.json on the worker thread`, paced, () => samplerSubject(true));
      result.hostOnMainThread = await measureHost('every worker heartbeats every tick, identity.json on the main thread (no worker thread)', worst, () => samplerSubject(false), false);
      const session = result.hostSession = await measureHost('the session\'s whole tick: sampler, series and the sample message serialized as postMessage does; every worker heartbeats every tick', worst, sessionSubject);
      const sessionPaced = result.hostSessionPaced = await measureHost(`the session's whole tick with Dask's heartbeat pacing (1/${every} of the workers per tick)`, paced, sessionSubject);
      const mainMedian = Math.max(host.mainMedianMs, hostPaced.mainMedianMs);
      const mainP95 = Math.max(host.mainP95Ms, hostPaced.mainP95Ms, session.mainP95Ms, sessionPaced.mainP95Ms);
      Object.assign(result.targets, {
        hostUnder20ms: mainMedian < 20, hostP95Under20ms: mainP95 < 20, hostP95Under16ms: mainP95 < 16,
        hostEndToEndUnder20ms: Math.max(host.medianMs, hostPaced.medianMs) < 20, hostEndToEndP95Under20ms: Math.max(host.p95Ms, hostPaced.p95Ms) < 20,
      });
    }
    const bodies = worst;

    // ---- 3a. host memory over many ticks (sampler + session + series), in-process fetch to keep it quick ----
    const memFetchOf = (set: Bodies) => {
      let k = 0;
      return (async (input: string | URL | Request) => {
        const u = input.toString();
        const b = set[Math.floor(k++ / 3) % set.length]!;
        if (u.endsWith('counts.json')) return new Response(b.counts);
        if (u.endsWith('identity.json')) return new Response(b.identity);
        return new Response(b.metrics);
      }) as typeof fetch;
    };
    const memFetch = memFetchOf(bodies);
    if (sections.has('memory')) {
      const memoryTicks = opts.memoryTicks ?? 10_000;
      let sink = 0;
      const session = new DashboardSession({ id: 'bench', name: 'bench', connection: async () => ({ dashboardUrl: url }) },
        (m) => { sink += m.type.length; }, { fetch: memFetch, intervalMs: 3_600_000 });
      await session.receive({ type: 'ready', view: 'dashboard' });
      const warm = Math.min(1000, Math.floor(memoryTicks / 10));
      let heapWarm = 0;
      const started = performance.now();
      for (let i = 1; i <= memoryTicks; i++) {
        await session.tick();
        // A turn of the event loop between ticks, as the poll's timer gives: without it the requests' 5 s timeouts
        // (AbortSignal.timeout) never fire in this loop and 3 a tick piled up (+43 % after 10,000 ticks, not a leak).
        await new Promise((r) => setImmediate(r));
        if (i === warm) { gc(); gc(); heapWarm = process.memoryUsage().heapUsed; }
      }
      gc(); gc();
      const heapEnd = process.memoryUsage().heapUsed;
      session.dispose();
      const hostChange = heapEnd / heapWarm - 1;
      result.memory.hostMiB = [mib(heapWarm), mib(heapEnd)];
      result.memory.hostChange = hostChange;
      result.targets.hostMemoryFlat = Math.abs(hostChange) <= 0.1;
      log(`dashboard host memory: ${mib(heapWarm).toFixed(1)} MiB after ${warm} ticks → ${mib(heapEnd).toFixed(1)} MiB after ${memoryTicks} ticks (${(hostChange * 100).toFixed(1)} %, target ±10 %; ${((performance.now() - started) / 1000).toFixed(0)} s, sink ${sink > 0})`);
    }

    // ---- 2 + 3b. webview ----
    if ((sections.has('webview') || sections.has('webviewMemory')) && !existsSync(CHROMIUM)) {
      log(`dashboard webview: skipped (${CHROMIUM} not installed)`);
    } else if (sections.has('webview') || sections.has('webviewMemory')) {
      const pages = await servePages(await bundleWebviews());
      const browser = await launchChromium();
      try {
        const record = async (fetchBodies: typeof fetch) => {
          const recorded: HostMessage[] = [];
          const recorder = new DashboardSession({ id: 'bench', name: 'bench', connection: async () => ({ dashboardUrl: url }) },
            (m) => recorded.push(m), { fetch: fetchBodies, intervalMs: 3_600_000 });
          await recorder.receive({ type: 'ready', view: 'dashboard' });
          for (let i = 0; i < 16; i++) await recorder.tick();
          recorder.dispose();
          return recorded;
        };
        const messages = await record(memFetch);
        const samples = messages.filter((m) => m.type === 'dashboard/sample');
        // Paced: the first sample (every row) once, then the diffs.
        const pacedSamples = (await record(memFetchOf(paced))).filter((m) => m.type === 'dashboard/sample');
        const w = await openWebview(browser, pages.origin, 'dashboard', 'dark', () => undefined);
        await w.page.waitForFunction(() => document.querySelector('[data-testid="workers-table"]') !== null);
        await w.send(messages.find((m) => m.type === 'dashboard/init'));
        // The page keeps the recorded samples and replays them itself, timing each update synchronously: the first
        // (every row, as a page gets once when it opens) before, then the updates, every worker changed in each (a
        // reset among them, every 16th update, made the worst case's p95 a reload's: a re-sort of every row).
        await w.send(samples[0]);
        await w.page.evaluate((s) => { (window as unknown as { __samples: unknown[] }).__samples = s; }, samples.slice(1));
        // The live task stream on, as busy as a big cluster's: 200 new bars per update (2 s) on 1,000 workers.
        await w.send({ type: 'dashboard/taskStream', state: 'live', since: 1_800_000_000_000, bars: [] });
        await w.page.evaluate(`(() => {
          window.__bars = (i) => Array.from({ length: 200 }, (_, j) => {
            const stop = 1800000000000 + i * 2000 + j * 10;
            return { key: 'task-' + (j % 7) + '-' + i + '-' + j, prefix: 'task-' + (j % 7), worker: 'tcp://10.0.' + Math.floor(j * 5 / 250) + '.' + ((j * 5) % 250) + ':' + (40000 + j * 5),
              action: j % 10 === 0 ? 'transfer' : 'compute', start: stop - 400, stop, thread: j % 2, status: 'OK' };
          });
        })()`);
        // Each update as the page gets it: the two messages, the render, the microtasks it queued (uPlot draws in one),
        // and the layout the browser does before it paints.
        const run = (ticks: number, measure: boolean, set = '__samples') => w.page.evaluate<{ upd: number[]; parse: number[]; rows: number }>(`(async () => {
          const s = window.${set}; const d = window.pangeoDashboard; const upd = []; const parse = [];
          const json = ${measure} ? s.map((m) => JSON.stringify(m, (k, v) => ArrayBuffer.isView(v) ? Array.from(v) : v)) : [];
          for (let i = 0; i < ${ticks}; i++) {
            const m = s[i % s.length];
            const t0 = performance.now();
            window.dispatchEvent(new MessageEvent('message', { data: m }));
            window.dispatchEvent(new MessageEvent('message', { data: { type: 'dashboard/taskStream', state: 'live', since: 1800000000000, bars: window.__bars(i) } }));
            d.renderNow();
            await 0;
            void document.body.offsetHeight;
            upd.push(performance.now() - t0);
            if (${measure}) { const t1 = performance.now(); JSON.parse(json[i % s.length]); parse.push(performance.now() - t1); }
          }
          return { upd, parse, rows: d.rows() };
        })()`);
        // The page's renderer process, for its main thread's CPU and wait times: of the browser's renderers (it has
        // several), the one whose main thread worked through the warm-up updates.
        const processes = (await (await browser.newBrowserCDPSession()).send('SystemInfo.getProcessInfo')).processInfo;
        const renderers = processes.filter((p) => p.type === 'renderer').map((p) => p.id);
        const warmStart = new Map(renderers.map((pid) => [pid, schedTimes(pid)]));
        await run(20, false);
        let rendererPid: number | undefined;
        let mostCpu = 0;
        for (const pid of renderers) {
          const start = warmStart.get(pid);
          const end = start && schedTimes(pid);
          if (end && end.cpu - start.cpu > mostCpu) [rendererPid, mostCpu] = [pid, end.cpu - start.cpu];
        }
        /** Per update, on a CPU and waiting for one, over `ticks` more updates (unmeasured otherwise). */
        const schedPerUpdate = async (ticks: number, set?: string): Promise<{ cpuMs?: number; cpuWaitMs?: number }> => {
          const before = rendererPid === undefined ? undefined : schedTimes(rendererPid);
          await run(ticks, false, set);
          const after = before && schedTimes(rendererPid);
          return after ? { cpuMs: (after.cpu - before.cpu) / ticks, cpuWaitMs: (after.wait - before.wait) / ticks } : {};
        };
        const schedLine = (t: WebviewTiming) => t.cpuMs === undefined ? ''
          : `; the page's main thread per update (mean): on a CPU ${t.cpuMs.toFixed(2)} ms, waiting for a CPU ${t.cpuWaitMs!.toFixed(2)} ms`;
        if (sections.has('webview')) {
          const webviewTicks = opts.webviewTicks ?? 100;
          const r = await run(webviewTicks, true);
          if (r.rows !== workers) throw new Error(`webview shows ${r.rows} rows, expected ${workers}`);
          const webview: WebviewTiming = result.webview = {
            medianMs: median(r.upd), p95Ms: p95(r.upd), jsonParseMs: median(r.parse), jsonParseP95Ms: p95(r.parse),
            ratio: median(r.upd) / median(r.parse), p95Ratio: p95(r.upd) / p95(r.parse),
            ...await schedPerUpdate(Math.ceil(webviewTicks / 2)),
          };
          result.targets.webviewUnder16ms = webview.medianMs < 16;
          result.targets.webviewP95Under16ms = webview.p95Ms < 16;
          log(`dashboard webview update (${workers} rows, 5 uPlot charts, 4 bar lists, task stream): median ${webview.medianMs.toFixed(2)} ms, p95 ${webview.p95Ms.toFixed(2)} ms (target: median < 16 ms, p95 < 16 ms)`);
          log(`  same-run baseline JSON.parse of the same message in the page ${webview.jsonParseMs.toFixed(2)} ms (p95 ${webview.jsonParseP95Ms.toFixed(2)} ms) → ratio ${webview.ratio.toFixed(2)}× (p95 ${webview.p95Ratio.toFixed(2)}×)${schedLine(webview)}`);

          await w.send(pacedSamples[0]);
          await w.page.evaluate((s) => { (window as unknown as { __paced: unknown[] }).__paced = s; }, pacedSamples.slice(1));
          const rp = await run(webviewTicks, true, '__paced');
          if (rp.rows !== workers) throw new Error(`webview shows ${rp.rows} rows, expected ${workers}`);
          const p = result.webviewPaced = {
            medianMs: median(rp.upd), p95Ms: p95(rp.upd), jsonParseMs: median(rp.parse), jsonParseP95Ms: p95(rp.parse),
            ratio: median(rp.upd) / median(rp.parse), p95Ratio: p95(rp.upd) / p95(rp.parse),
            ...await schedPerUpdate(Math.ceil(webviewTicks / 2), '__paced'),
          };
          log(`dashboard webview update, Dask's heartbeat pacing (1/${every} of the rows per update): median ${p.medianMs.toFixed(2)} ms, p95 ${p.p95Ms.toFixed(2)} ms; JSON.parse ${p.jsonParseMs.toFixed(2)} ms → ratio ${p.ratio.toFixed(2)}× (p95 ${p.p95Ratio.toFixed(2)}×)${schedLine(p)}`);
          // The memory run below replays the worst case again, from every row.
          await w.send(samples[0]);
        }

        if (sections.has('webviewMemory')) {
          const cdp = await w.page.context().newCDPSession(w.page);
          const heap = async () => {
            await cdp.send('HeapProfiler.collectGarbage');
            return (await cdp.send('Runtime.getHeapUsage')).usedSize;
          };
          const wvTicks = opts.webviewMemoryTicks ?? 10_000;
          const wvWarm = Math.min(1000, Math.floor(wvTicks / 10));
          await run(wvWarm, false);
          const start = await heap();
          for (let done = wvWarm; done < wvTicks; done += 1000) await run(Math.min(1000, wvTicks - done), false);
          const end = await heap();
          result.memory.webviewMiB = [mib(start), mib(end)];
          result.memory.webviewChange = end / start - 1;
          result.targets.webviewMemoryFlat = Math.abs(end / start - 1) <= 0.1;
          log(`dashboard webview memory: ${mib(start).toFixed(1)} MiB after ${wvWarm} updates → ${mib(end).toFixed(1)} MiB after ${wvTicks} (${((end / start - 1) * 100).toFixed(1)} %, target ±10 %)`);
        }
      } finally {
        await browser.close();
        await pages.close();
      }
    }
    return result;
  } finally {
    await baselines.close();
    await scheduler.close();
  }
}

/** The sizes `npm run bench` measures: 1,000 workers in full, 5,000 with fewer ticks (each costs ~5× more) and no memory runs. */
export const BENCH_SIZES: readonly DashboardBenchOptions[] = [
  { workers: 1000 },
  { workers: 5000, hostTicks: 80, webviewTicks: 80, sections: ['host', 'webview'] },
];

/** Runs the dashboard benchmark at each size, then one summary line per size with the targets it met. */
export async function runDashboardBenches(sizes: readonly DashboardBenchOptions[] = BENCH_SIZES, log = (l: string) => console.log(l)): Promise<DashboardBenchResult[]> {
  const results: DashboardBenchResult[] = [];
  for (const size of sizes) {
    log(`### ${size.workers ?? 1000} workers`);
    results.push(await runDashboardBench({ ...size, log }));
  }
  log('### dashboard summary (main thread: worst case / paced; ratios: over the same-run JSON.parse)');
  for (const r of results) log(summaryLine(r));
  return results;
}

function summaryLine(r: DashboardBenchResult): string {
  const ms = (n: number) => n.toFixed(1);
  const x = (n: number) => `${n.toFixed(2)}×`;
  const parts = [`${r.workers} workers:`];
  if (r.host && r.hostPaced && r.hostOnMainThread) {
    parts.push(`host main thread median ${ms(r.host.mainMedianMs)} / ${ms(r.hostPaced.mainMedianMs)} ms, p95 ${ms(r.host.mainP95Ms)} / ${ms(r.hostPaced.mainP95Ms)} ms`,
      `(JSON.parse ${ms(r.host.jsonParseMs)} ms: ${x(r.host.ratioToJsonParse)}, p95 ${x(r.host.p95RatioToJsonParse)});`,
      `end-to-end p95 ${ms(r.host.p95Ms)} ms; all on the main thread median ${ms(r.hostOnMainThread.mainMedianMs)} ms (${x(r.hostOnMainThread.ratioToJsonParse)});`);
  }
  if (r.hostSession && r.hostSessionPaced) {
    parts.push(`session tick with the message serialized: median ${ms(r.hostSession.mainMedianMs)} / ${ms(r.hostSessionPaced.mainMedianMs)} ms, p95 ${ms(r.hostSession.mainP95Ms)} / ${ms(r.hostSessionPaced.mainP95Ms)} ms`,
      `(${x(r.hostSession.ratioToJsonParse)}, p95 ${x(r.hostSession.p95RatioToJsonParse)});`);
    const cpu = r.hostSession.cpu;
    const cpuPaced = r.hostSessionPaced.cpu;
    if (cpu && cpuPaced) parts.push(`its time on a CPU p95 ${ms(cpu.p95Ms)} / ${ms(cpuPaced.p95Ms)} ms, waiting for one p95 ${ms(cpu.waitP95Ms)} / ${ms(cpuPaced.waitP95Ms)} ms;`);
  }
  if (r.webview) {
    parts.push(`webview median ${ms(r.webview.medianMs)} ms, p95 ${ms(r.webview.p95Ms)} ms (JSON.parse ${ms(r.webview.jsonParseMs)} ms: ${x(r.webview.ratio)}, p95 ${x(r.webview.p95Ratio)})`);
  }
  if (r.webviewPaced) parts.push(`; paced: median ${ms(r.webviewPaced.medianMs)} ms, p95 ${ms(r.webviewPaced.p95Ms)} ms`);
  if (r.webview?.cpuMs !== undefined) parts.push(`; the page's main thread per update on a CPU ${ms(r.webview.cpuMs)} ms, waiting for one ${ms(r.webview.cpuWaitMs!)} ms`);
  const met = Object.entries(r.targets).filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${v ? 'met' : 'MISSED'}`);
  return `${parts.join(' ')}\n  targets: ${met.join(', ')}`;
}

if (require.main === module) {
  const quick = process.argv.includes('--quick');
  const at = process.argv.indexOf('--workers');
  const only = at > 0 ? process.argv[at + 1]!.split(',').map(Number) : undefined;
  const sectionsAt = process.argv.indexOf('--sections');
  const sections = sectionsAt > 0 ? process.argv[sectionsAt + 1]!.split(',') as DashboardBenchSection[] : undefined;
  const sizes = BENCH_SIZES.filter((s) => !only || only.includes(s.workers!))
    .concat((only ?? []).filter((n) => !BENCH_SIZES.some((s) => s.workers === n)).map((n) => ({ workers: n, sections: ['host', 'webview'] as const })))
    .map((s) => (quick ? { ...s, hostTicks: 60, memoryTicks: 2000, webviewTicks: 60, webviewMemoryTicks: 2000 } : s))
    .map((s) => (sections ? { ...s, sections } : s));
  runDashboardBenches(sizes)
    .then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
}
