// Local Dask clusters: a `dask scheduler` and `dask worker` processes on loopback ports, detached so they outlive
// the editor or one CLI call, recorded in a registry so they can be found and stopped later, and every size change
// confirmed by the scheduler itself (/json/identity.json).
import { mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InvalidInputError, NotFoundError, PangeoError, TimeoutError } from '../../core/http/errors';
import type { Logger } from '../../core/log';
import { silentLogger } from '../../core/log';
import { AdaptiveFollower } from '../adaptiveFollower';
import type { ClusterOptionField, ClusterOptionValues } from '../clusterOptions';
import { validateOptions } from '../clusterOptions';
import type { ClusterProvider, ClusterSummary, ConnectionInfo, ProviderCapabilities, WorkerSummary } from '../clusterProvider';
import { pythonClientCode } from '../clientCode';
import { SchedulerHttp, sizeFromIdentity, workersFromIdentity, type SchedulerIdentity } from '../scheduler/schedulerHttp';
import { daskEnvironment, resolveDaskCommand } from './daskExecutable';
import type { LocalClusterRecord, LocalClusterRegistry } from './localClusterRegistry';
import { CLUSTER_MARKER_ENV, delay, freeLoopbackPort, isOurProcess, killProcessGroups, logTail, pidsWithMarker, spawnDetached } from './localProcesses';

export interface LocalProviderOptions {
  registry: LocalClusterRegistry;
  /** Folder under which each cluster gets a folder for logs and worker spill space. */
  clustersDir: string;
  /** The `dask` executable; default: /usr/bin/dask if present, else `dask` on PATH. */
  daskCommand?: string;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
  /** Runs adaptive following in a detached process (the CLI): `command args... <clusterId>`. In-process otherwise. */
  adaptiveFollowerCommand?: { command: string; args: string[] };
  adaptiveIntervalMs?: number;
  /** How long a scheduler or a size change may take before we give up (ms). */
  startTimeoutMs?: number;
  host?: string;
}

export const LOCAL_CAPABILITIES: ProviderCapabilities = {
  create: true, options: true, scaleUp: true, scaleDown: true, adapt: true, stop: true, workers: true,
};

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const MEMORY_RE = /^(auto|\d+(\.\d+)?\s*([KMGT]i?B|B)?)$/i;

export class LocalClusterProvider implements ClusterProvider {
  readonly kind = 'local' as const;
  readonly id = 'local';
  readonly label = 'This machine';
  readonly capabilities = LOCAL_CAPABILITIES;
  private readonly followers = new Map<string, AdaptiveFollower>();
  private readonly logger: Logger;
  private readonly host: string;

  constructor(private readonly opts: LocalProviderOptions) {
    this.logger = opts.logger ?? silentLogger;
    this.host = opts.host ?? '127.0.0.1';
  }

  get daskCommand(): string {
    return resolveDaskCommand(this.opts.daskCommand, this.opts.env ?? process.env);
  }

  async optionsSchema(): Promise<ClusterOptionField[]> {
    const cpus = Math.max(1, availableParallelism());
    return [
      { field: 'workers', label: 'Workers', default: 1, spec: { type: 'int', min: 0, max: cpus * 4 } },
      { field: 'threads_per_worker', label: 'Threads per worker', default: 1, spec: { type: 'int', min: 1, max: cpus * 2 } },
      { field: 'memory_limit', label: 'Memory limit per worker (e.g. 2GiB, auto)', default: 'auto', spec: { type: 'string' } },
      { field: 'name', label: 'Name (empty: generated)', default: '', spec: { type: 'string' } },
    ];
  }

  async create(options: ClusterOptionValues, signal?: AbortSignal): Promise<ClusterSummary> {
    const o = validateOptions(await this.optionsSchema(), options);
    const workers = (o.workers as number | undefined) ?? 1;
    const threads = (o.threads_per_worker as number | undefined) ?? 1;
    const memoryLimit = ((o.memory_limit as string | undefined) ?? 'auto').trim() || 'auto';
    if (!MEMORY_RE.test(memoryLimit)) throw new InvalidInputError(`Memory limit "${memoryLimit}" is not a size like 2GiB, 512MB or auto.`);
    const requestedName = ((o.name as string | undefined) ?? '').trim();
    if (requestedName && !NAME_RE.test(requestedName)) {
      throw new InvalidInputError(`Cluster name "${requestedName}" may only hold letters, digits, ".", "_" and "-".`);
    }
    const id = requestedName || `local-${randomBytes(3).toString('hex')}`;
    if (this.opts.registry.get(id)) throw new InvalidInputError(`A local cluster named ${id} already exists.`, 'Pick another name.');

    const dir = join(this.opts.clustersDir, id);
    const daskCommand = this.daskCommand;
    // A port picked free can be taken before the scheduler binds it (other programs start too): retry with new ones.
    for (let attempt = 1; ; attempt++) {
      mkdirSync(dir, { recursive: true });
      const [schedulerPort, dashboardPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
      let schedulerPid: number;
      try {
        schedulerPid = spawnDetached({
          command: daskCommand,
          args: ['scheduler', '--host', this.host, '--port', String(schedulerPort), '--dashboard-address', `${this.host}:${dashboardPort}`],
          env: this.env(id),
          logFile: join(dir, 'scheduler.log'),
          cwd: dir,
        });
      } catch (e) {
        rmSync(dir, { recursive: true, force: true });
        throw e;
      }
      const record: LocalClusterRecord = {
        id, name: id, daskCommand, host: this.host, schedulerPort, dashboardPort, schedulerPid,
        workers: [], nextWorkerIndex: 1, threadsPerWorker: threads, memoryLimit, createdAt: Date.now(), dir, starting: true,
      };
      // Recorded before anything can fail, so a crash from here on still leaves a way to stop it.
      await this.opts.registry.put(record);
      this.logger.info(`local cluster ${id}: scheduler pid ${schedulerPid} on ${this.host}:${schedulerPort}, dashboard :${dashboardPort}`);
      try {
        await this.waitForScheduler(record, signal);
        break;
      } catch (e) {
        const portTaken = /address already in use|errno 98/i.test(logTail(join(dir, 'scheduler.log'), 4000));
        await this.cleanUp(record).catch(() => undefined);
        if (portTaken && attempt < 3) {
          this.logger.warn(`local cluster ${id}: port taken, retrying with other ports`);
          continue;
        }
        throw e;
      }
    }
    try {
      if (workers > 0) await this.scaleTo(id, workers, signal);
      await this.opts.registry.modify(id, (rec) => delete rec.starting);
    } catch (e) {
      await this.stop(id).catch(() => undefined);
      throw e;
    }
    return this.get(id, signal);
  }

  async list(signal?: AbortSignal): Promise<ClusterSummary[]> {
    const out: ClusterSummary[] = [];
    for (const record of this.opts.registry.list()) {
      const summary = await this.summarize(record, signal);
      if (summary.status === 'stopped') {
        // Shown once, then forgotten: leftover workers of a dead scheduler are stopped too.
        await this.cleanUp(record);
      }
      out.push(summary);
    }
    return out;
  }

  async get(id: string, signal?: AbortSignal): Promise<ClusterSummary> {
    return this.summarize(this.record(id), signal);
  }

  async workers(id: string, signal?: AbortSignal): Promise<WorkerSummary[]> {
    return workersFromIdentity(await this.scheduler(this.record(id)).identity(signal));
  }

  async connectionInfo(id: string): Promise<ConnectionInfo> {
    const r = this.record(id);
    const schedulerAddress = `tcp://${r.host}:${r.schedulerPort}`;
    return { schedulerAddress, dashboardUrl: dashboardUrl(r), dashboardAuth: {}, clientCode: pythonClientCode({ kind: 'address', address: schedulerAddress }) };
  }

  async scale(id: string, workers: number, signal?: AbortSignal): Promise<void> {
    if (!Number.isInteger(workers) || workers < 0) throw new InvalidInputError(`Worker count must be a whole number ≥ 0, got ${workers}.`);
    await this.stopAdaptive(id);
    await this.scaleTo(id, workers, signal);
  }

  async adapt(id: string, minimum: number, maximum: number): Promise<void> {
    if (!Number.isInteger(minimum) || !Number.isInteger(maximum) || minimum < 0 || maximum < minimum) {
      throw new InvalidInputError(`Adaptive bounds must satisfy 0 ≤ minimum ≤ maximum, got ${minimum}…${maximum}.`);
    }
    this.record(id);
    await this.stopAdaptive(id);
    await this.opts.registry.modify(id, (r) => (r.adaptive = { minimum, maximum }));
    if (this.opts.adaptiveFollowerCommand) {
      const r = this.record(id);
      const { command, args } = this.opts.adaptiveFollowerCommand;
      const followerPid = spawnDetached({ command, args: [...args, id], env: this.env(id), logFile: join(r.dir, 'adaptive.log'), cwd: r.dir });
      await this.opts.registry.modify(id, (rec) => (rec.adaptive = { minimum, maximum, followerPid }));
      this.logger.info(`local cluster ${id}: adaptive ${minimum}…${maximum} followed by pid ${followerPid}`);
    } else {
      this.startFollower(id, { minimum, maximum });
    }
  }

  /**
   * Follows the adaptive target in this process until the cluster is stopped, scaled by hand, or re-adapted
   * elsewhere. The CLI's detached follower runs this.
   */
  async followAdaptive(id: string): Promise<void> {
    const r = this.record(id);
    if (!r.adaptive) throw new InvalidInputError(`Local cluster ${id} is not adaptive.`);
    await this.startFollower(id, r.adaptive, process.pid).done;
  }

  /** After a reload: picks adaptive following up again for clusters recorded as adaptive whose follower is gone. */
  resumeAdaptive(): void {
    for (const r of this.opts.registry.list()) {
      if (!r.adaptive || this.followers.has(r.id) || !isOurProcess(r.schedulerPid, r.id)) continue;
      if (r.adaptive.followerPid && isOurProcess(r.adaptive.followerPid, r.id)) continue;
      this.logger.info(`local cluster ${r.id}: resuming adaptive ${r.adaptive.minimum}…${r.adaptive.maximum}`);
      const bounds = { minimum: r.adaptive.minimum, maximum: r.adaptive.maximum };
      void this.opts.registry.modify(r.id, (rec) => (rec.adaptive = bounds)).then(() => this.startFollower(r.id, bounds));
    }
  }

  async stop(id: string): Promise<void> {
    const r = this.opts.registry.get(id);
    if (!r) throw new NotFoundError(`local cluster ${id}`);
    await this.cleanUp(r);
    this.logger.info(`local cluster ${id} stopped`);
  }

  dispose(): void {
    for (const f of this.followers.values()) f.stop();
    this.followers.clear();
  }

  // ---- internals ----

  private record(id: string): LocalClusterRecord {
    const r = this.opts.registry.get(id);
    if (!r) throw new NotFoundError(`local cluster ${id}`, 'it is not in the list of clusters started here');
    return r;
  }

  private env(marker: string): NodeJS.ProcessEnv {
    return daskEnvironment(this.opts.env ?? process.env, { [CLUSTER_MARKER_ENV]: marker });
  }

  private scheduler(r: LocalClusterRecord): SchedulerHttp {
    return SchedulerHttp.at(`http://${r.host}:${r.dashboardPort}/`);
  }

  private async summarize(r: LocalClusterRecord, signal?: AbortSignal): Promise<ClusterSummary> {
    const base: ClusterSummary = {
      id: r.id, name: r.name, status: 'running', workers: 0, threads: 0, memory: 0, startedAt: r.createdAt,
      dashboardUrl: dashboardUrl(r), schedulerAddress: `tcp://${r.host}:${r.schedulerPort}`, provider: 'local',
      adaptive: r.adaptive ? { minimum: r.adaptive.minimum, maximum: r.adaptive.maximum } : undefined,
    };
    if (!isOurProcess(r.schedulerPid, r.id)) {
      return { ...base, status: 'stopped', message: `The scheduler process (pid ${r.schedulerPid}) is gone.` };
    }
    // A create still under way (in this or another process) is starting; one that crashed long ago is not.
    const starting = r.starting === true && Date.now() - r.createdAt < 2 * (this.opts.startTimeoutMs ?? 60_000);
    try {
      const identity = await this.scheduler(r).identity(signal);
      return { ...base, ...sizeFromIdentity(identity), startedAt: r.createdAt, ...(starting ? { status: 'pending' as const } : {}) };
    } catch (e) {
      if (starting) return { ...base, status: 'pending', message: 'The scheduler is starting.' };
      return { ...base, status: 'unreachable', message: e instanceof PangeoError ? e.userMessage : String(e) };
    }
  }

  private async waitForScheduler(r: LocalClusterRecord, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 60_000);
    const scheduler = this.scheduler(r);
    for (;;) {
      if (!isOurProcess(r.schedulerPid, r.id)) {
        throw new PangeoError('UnexpectedResponse', `The Dask scheduler of ${r.id} exited while starting.`,
          `Check that "${r.daskCommand}" works (python3-distributed or pip install distributed). Log:\n${logTail(join(r.dir, 'scheduler.log'))}`);
      }
      if (await scheduler.health(signal)) return;
      if (Date.now() > deadline) throw new TimeoutError(`the Dask scheduler of ${r.id}`, this.opts.startTimeoutMs ?? 60_000);
      await delay(200);
    }
  }

  /** Adds or removes worker processes until the scheduler reports exactly ours as `workers`. */
  private async scaleTo(id: string, target: number, signal?: AbortSignal): Promise<void> {
    let r = this.record(id);
    if (!isOurProcess(r.schedulerPid, r.id)) throw clusterGone(r);
    const alive = r.workers.filter((w) => isOurProcess(w.pid, r.id));
    if (alive.length < target) {
      const added: LocalClusterRecord['workers'] = [];
      let index = r.nextWorkerIndex;
      for (let i = alive.length; i < target; i++) {
        const name = `${r.id}-w${index++}`;
        const pid = spawnDetached({
          command: r.daskCommand,
          args: ['worker', `tcp://${r.host}:${r.schedulerPort}`, '--host', r.host, '--nthreads', String(r.threadsPerWorker),
            '--memory-limit', r.memoryLimit, '--name', name, '--no-nanny', '--dashboard-address', `${r.host}:0`,
            '--local-directory', join(r.dir, name)],
          env: this.env(r.id),
          logFile: join(r.dir, `${name}.log`),
          cwd: r.dir,
        });
        added.push({ name, pid });
      }
      r = (await this.opts.registry.modify(id, (rec) => {
        rec.workers = [...alive, ...added];
        rec.nextWorkerIndex = index;
      }))!;
      this.logger.info(`local cluster ${id}: started ${added.length} worker(s) (${added.map((w) => w.name).join(', ')})`);
      await this.waitForNames(r, new Set(r.workers.map((w) => w.name)), added, signal);
    } else if (alive.length > target) {
      const victims = await this.chooseVictims(r, alive, alive.length - target, signal);
      await killProcessGroups(victims.map((w) => w.pid), { graceMs: 5000 });
      const keep = alive.filter((w) => !victims.includes(w));
      r = (await this.opts.registry.modify(id, (rec) => (rec.workers = keep)))!;
      this.logger.info(`local cluster ${id}: stopped ${victims.length} worker(s) (${victims.map((w) => w.name).join(', ')})`);
      await this.waitForNames(r, new Set(keep.map((w) => w.name)), [], signal);
    } else if (alive.length !== r.workers.length) {
      await this.opts.registry.modify(id, (rec) => (rec.workers = alive));
    }
  }

  /** The scheduler picks whom to retire (it moves their data first); we fill up with the newest if it picks fewer. */
  private async chooseVictims(r: LocalClusterRecord, alive: LocalClusterRecord['workers'], count: number, signal?: AbortSignal) {
    const chosen: typeof alive = [];
    try {
      const scheduler = this.scheduler(r);
      const identity = await scheduler.identity(signal);
      const { retired } = await scheduler.retireWorkers({ n: count }, signal);
      for (const address of retired) {
        const name = String(identity.workers[address]?.name ?? '');
        const w = alive.find((a) => a.name === name);
        if (w && !chosen.includes(w) && chosen.length < count) chosen.push(w);
      }
    } catch (e) {
      this.logger.warn(`local cluster ${r.id}: graceful retirement failed (${e instanceof Error ? e.message : String(e)}); stopping the newest workers`);
    }
    for (const w of [...alive].reverse()) {
      if (chosen.length >= count) break;
      if (!chosen.includes(w)) chosen.push(w);
    }
    return chosen;
  }

  /** Waits until the scheduler's worker names are exactly `expected`; fails early if the scheduler or a new worker dies. */
  private async waitForNames(r: LocalClusterRecord, expected: Set<string>, added: LocalClusterRecord['workers'], signal?: AbortSignal): Promise<void> {
    const timeoutMs = this.opts.startTimeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    const scheduler = this.scheduler(r);
    let last: SchedulerIdentity | undefined;
    for (;;) {
      if (signal?.aborted) throw new PangeoError('Cancelled', 'Scaling was cancelled.', '');
      if (!isOurProcess(r.schedulerPid, r.id)) throw clusterGone(r);
      const dead = added.find((w) => !isOurProcess(w.pid, r.id));
      if (dead) {
        throw new PangeoError('UnexpectedResponse', `Worker ${dead.name} of ${r.id} exited while starting.`,
          `Log:\n${logTail(join(r.dir, `${dead.name}.log`))}`);
      }
      try {
        last = await scheduler.identity(signal);
        const names = new Set(Object.values(last.workers).map((w) => String(w.name)));
        const ours = [...names].filter((n) => n.startsWith(`${r.id}-w`));
        if (ours.length === expected.size && ours.every((n) => expected.has(n))) return;
      } catch (e) {
        if (e instanceof PangeoError && e.kind === 'Cancelled') throw e;
        if (!isOurProcess(r.schedulerPid, r.id)) throw clusterGone(r);
      }
      if (Date.now() > deadline) {
        const have = last ? Object.keys(last.workers).length : 'unknown';
        throw new PangeoError('Timeout', `Local cluster ${r.id} did not reach ${expected.size} workers within ${Math.round(timeoutMs / 1000)} s (the scheduler reports ${have}).`,
          'The machine may be short of memory or CPU; check the worker logs.');
      }
      await delay(250);
    }
  }

  private startFollower(id: string, bounds: { minimum: number; maximum: number }, followerPid?: number): AdaptiveFollower {
    const stillOurs = () => {
      const rec = this.opts.registry.get(id);
      return !!rec && !!rec.adaptive && rec.adaptive.minimum === bounds.minimum && rec.adaptive.maximum === bounds.maximum &&
        (followerPid === undefined || rec.adaptive.followerPid === followerPid);
    };
    const follower = new AdaptiveFollower({
      current: async () => {
        if (!stillOurs()) throw new Error('adaptive following ended');
        return this.record(id).workers.filter((w) => isOurProcess(w.pid, id)).length;
      },
      target: (signal) => this.scheduler(this.record(id)).adaptiveTarget(signal),
      scaleTo: (n, signal) => this.scaleTo(id, n, signal),
    }, bounds, {
      intervalMs: this.opts.adaptiveIntervalMs ?? 1000,
      logger: this.logger,
      onError: () => stillOurs() && isOurProcess(this.opts.registry.get(id)?.schedulerPid, id),
    });
    this.followers.set(id, follower);
    void follower.done.then(() => {
      if (this.followers.get(id) === follower) this.followers.delete(id);
    });
    return follower.start();
  }

  private async stopAdaptive(id: string): Promise<void> {
    this.followers.get(id)?.stop();
    this.followers.delete(id);
    const r = this.opts.registry.get(id);
    if (!r?.adaptive) return;
    const pid = r.adaptive.followerPid;
    await this.opts.registry.modify(id, (rec) => delete rec.adaptive);
    if (pid && pid !== process.pid && isOurProcess(pid, id)) await killProcessGroups([pid], { graceMs: 2000 });
  }

  /** Kills everything of the cluster (follower, workers, scheduler, any process carrying its marker) and forgets it. */
  private async cleanUp(r: LocalClusterRecord): Promise<void> {
    this.followers.get(r.id)?.stop();
    this.followers.delete(r.id);
    const leaders = [r.adaptive?.followerPid, ...r.workers.map((w) => w.pid), r.schedulerPid]
      .filter((p): p is number => !!p && p !== process.pid && isOurProcess(p, r.id));
    await killProcessGroups(leaders, { extraPids: () => pidsWithMarker(r.id), graceMs: 5000 });
    await this.opts.registry.remove(r.id);
    try {
      rmSync(r.dir, { recursive: true, force: true });
    } catch {
      // logs may stay behind; the processes are what matters
    }
  }
}

function dashboardUrl(r: LocalClusterRecord): string {
  return `http://${r.host}:${r.dashboardPort}/status`;
}

function clusterGone(r: LocalClusterRecord): PangeoError {
  return new PangeoError('Conflict', `Local cluster ${r.id} stopped: its scheduler (pid ${r.schedulerPid}) is gone.`,
    'Refresh the list; create a new cluster if you still need one.');
}
