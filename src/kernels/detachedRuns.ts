// Detached runs: code started on a kernel of its own that keeps running with no client attached, its output kept in a
// log the run writes on the server (pangeo-compute-runs/<id>/, see detachedRunWrapper.ts), read back through the
// Contents API by any later process.
//
// Why a log on the server, read over the Contents API: jupyter_server's message buffer replays a disconnected
// session's messages once, and only to the same session key, so a second `attach` (or a new process) would get
// nothing; the file outlives every client, a server restart and the kernel itself. Why polling rather than a silent
// request on the run's kernel: that kernel is busy running the code and answers no other request until it ends, and
// a reader kernel per attach would cost a kernel start. The log is cut into segments so that following a chatty run
// re-reads at most one segment (256 KiB) per poll. Why a visible folder: the Contents API refuses hidden paths
// (ContentsManager.allow_hidden is off by default), so ~/.pangeo-compute would be unreadable.
import { setTimeout as sleep } from 'node:timers/promises';
import { isPangeoError, PangeoError } from '../core/http/errors';
import { isRawKernel, type JupyterServerClient, type KernelInfo, type KernelSession } from '../jupyterServer/jupyterServerClient';
import { askKernelProcess, type KernelProcessAnswer } from '../jupyterServer/kernelProcessProbe';
import type { ContentsClient } from '../files/contentsClient';
import { detachedRunCell, type DetachedRunLimits } from './detachedRunWrapper';
import { newRunId, parseRunLog, parseRunStatus, RUN_ID_PATTERN, RunHistoryDamagedError, type RunOutput, type RunState, type RunStatus, segmentIndex, segmentName, STATUS_FILE } from './detachedRunLog';

/** The runs' folder, in the server's root (the user's home on a hub). */
export const RUNS_FOLDER = 'pangeo-compute-runs';

/** A run as a reader sees it: 'lost' when the status still says running but its kernel is gone, idle or restarted. */
export type RunView = RunState | 'lost';

export function runFolder(id: string): string {
  return `${RUNS_FOLDER}/${id}`;
}

/** The run could not start: the wrapper failed before it wrote its status, or its log is not where the Contents API looks. */
export class RunDidNotStartError extends PangeoError {
  constructor(where: string, why: string) {
    super('UnexpectedResponse', `The run did not start on ${where}: ${why}.`, 'Its kernel was shut down; nothing is left running.', { url: where });
  }
}

export interface StartedRun {
  id: string;
  kernelId: string;
}

export interface StartRunOptions {
  kernelName: string;
  code: string;
  signal?: AbortSignal;
  /** How long the run may take to write its first status (kernel start excluded). */
  timeoutMs?: number;
  limits?: DetachedRunLimits;
}

/**
 * Starts a kernel of its own for the run (so a long run never queues another), sends the wrapper cell, and returns once
 * the run's status can be read back through the Contents API: the id it returns is then one `attach` finds. The
 * kernel is left running; it is shut down only when the run could not start.
 */
export async function startDetachedRun(jupyter: JupyterServerClient, contents: ContentsClient, opts: StartRunOptions): Promise<StartedRun> {
  const id = newRunId();
  // path '' sets the kernel's working folder to the server's root, where the Contents API looks for the log.
  const raw = await jupyter.checkedJson({ method: 'POST', path: 'api/kernels', json: { name: opts.kernelName, path: '' }, signal: opts.signal }, isRawKernel);
  const kernel: KernelInfo = { id: raw.id, name: raw.name, executionState: raw.execution_state, lastActivity: raw.last_activity, connections: raw.connections };
  let session: KernelSession | undefined;
  try {
    session = await jupyter.connect(kernel);
    let reply: { status: string; error?: { ename: string; evalue: string } } | undefined;
    let failed: Error | undefined;
    const cell = detachedRunCell({ id, kernelId: kernel.id, folder: RUNS_FOLDER, code: opts.code, limits: opts.limits });
    session.execute(cell, { storeHistory: false }).then((r) => (reply = r), (e: unknown) => (failed = e instanceof Error ? e : new Error(String(e))));
    const reader = new DetachedRunReader(contents, id);
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    for (;;) {
      if (await reader.status(opts.signal)) return { id, kernelId: kernel.id };
      if (failed) throw failed;
      if (reply) {
        // The cell ended: a short run may well have, but then its final status is there (read once more, after the end).
        if (await reader.status(opts.signal)) return { id, kernelId: kernel.id };
        throw new RunDidNotStartError(contents.where, reply.error
          ? `${reply.error.ename}: ${reply.error.evalue}`
          : `its log is not in ${RUNS_FOLDER}/ of the server's files (the kernel's working folder is not the server's root)`);
      }
      if (Date.now() > deadline) {
        throw new RunDidNotStartError(contents.where, `its status did not appear in ${RUNS_FOLDER}/ of the server's files within ${Math.round((opts.timeoutMs ?? 60_000) / 1000)} s ` +
          '(the kernel is too busy to start it, or runs where the server\'s files are not, e.g. behind a kernel gateway)');
      }
      await sleep(150, undefined, { signal: opts.signal });
    }
  } catch (e) {
    await jupyter.shutdownKernel(kernel.id).catch(() => undefined);
    throw e;
  } finally {
    // Closing the websocket leaves the kernel running the cell: the request reached it before the status appeared.
    session?.dispose();
  }
}

/** Reads one run's status and follows its log from the start: each `readNew` returns what was printed since the last. */
export class DetachedRunReader {
  private segment = 0;
  private offset = 0;
  /** Log lines that were no record (skipped). */
  damaged = 0;

  constructor(private readonly contents: ContentsClient, readonly id: string) {}

  get folder(): string {
    return runFolder(this.id);
  }

  /** The run's status, or undefined when there is no such run (also for an id that could not be one). */
  async status(signal?: AbortSignal): Promise<RunStatus | undefined> {
    if (!RUN_ID_PATTERN.test(this.id)) return undefined;
    try {
      const { text } = await this.contents.readText(`${this.folder}/${STATUS_FILE}`, signal);
      return parseRunStatus(text, `${this.contents.where}${this.folder}`);
    } catch (e) {
      if (isPangeoError(e, 'NotFound')) return undefined;
      throw e;
    }
  }

  /**
   * Output written since the last call, in order; reads only segments that grew. The position moves only when the
   * whole read succeeded, so a read cut short (the network) is simply made again, with nothing lost or doubled.
   */
  async readNew(signal?: AbortSignal): Promise<RunOutput[]> {
    const { children } = await this.contents.list(this.folder, signal);
    const sizes = new Map<number, number | undefined>();
    for (const child of children) {
      const index = segmentIndex(child.name);
      if (index !== undefined && child.type === 'file') sizes.set(index, child.size);
    }
    const last = Math.max(-1, ...sizes.keys());
    const outputs: RunOutput[] = [];
    let { segment, offset, damaged } = this;
    while (segment <= last) {
      if (!sizes.has(segment)) throw new RunHistoryDamagedError(`${this.contents.where}${this.folder}`, `its log segment ${segment} is missing`);
      const size = sizes.get(segment);
      const isLast = segment === last;
      if (isLast && size !== undefined && size <= offset) break;
      const { text } = await this.contents.readText(`${this.folder}/${segmentName(segment)}`, signal);
      const parsed = parseRunLog(text, offset);
      outputs.push(...parsed.outputs);
      damaged += parsed.damaged;
      if (isLast) {
        offset = parsed.next;
        break;
      }
      segment++;
      offset = 0;
    }
    Object.assign(this, { segment, offset, damaged });
    return outputs;
  }
}

/** How long to wait before a second look at a run's kernel that the server does not report busy (no session to ask). */
const KERNEL_RECHECK_MS = 2_000;

/** How long the run's kernel process may take to say who it is (a kernel the server just restarted is still starting). */
export const KERNEL_ASK_MS = 5_000;

/** How a reader looks at the run's kernel, beyond the server's list. */
export interface KernelLook {
  /** The server's view of the kernel again, a moment later. */
  again(): Promise<KernelInfo | undefined>;
  /** Which process answers for the kernel id now. */
  ask(): Promise<KernelProcessAnswer>;
}

/**
 * What the run is now: its status, unless that says running while its kernel is gone (shut down, culled, the server
 * restarted) or is another process (it died and the server restarted it). 'lost' needs proof: the server's
 * execution_state is no proof either way (its activity watcher misses messages, so a live run can stay 'starting' and a
 * restarted kernel 'busy'), so the kernel is asked which process it is and compared with the session the run wrote. A
 * kernel that does not answer in time is taken as the run's: shutting down a live run's kernel would lose its output.
 * The status is read again before 'lost': the run may have ended between the two reads.
 */
export async function runView(status: RunStatus, kernel: KernelInfo | undefined, reread: () => Promise<RunStatus | undefined>,
  look?: KernelLook): Promise<{ view: RunView; status: RunStatus }> {
  if (status.state !== 'running') return { view: status.state, status };
  if (kernel && status.kernelSession && look) {
    const answer = await look.ask();
    if (answer === 'silent' || answer.session === status.kernelSession) return { view: 'running', status };
  } else if (kernel) {
    // No session to compare (a kernel other than ipykernel wrote the status): only 'busy' counts, with a second look.
    const runs = (k: KernelInfo | undefined) => k !== undefined && (k.executionState === 'busy' || k.executionState === undefined);
    if (runs(kernel)) return { view: 'running', status };
    if (look) {
      await sleep(KERNEL_RECHECK_MS);
      if (runs(await look.again())) return { view: 'running', status };
    }
  }
  const again = await reread();
  if (again && again.state !== 'running') return { view: again.state, status: again };
  return { view: 'lost', status: again ?? status };
}

/** The looks of runView at the kernel `kernelId` of a server. */
export function kernelLook(jupyter: JupyterServerClient, kernelId: string, signal?: AbortSignal): KernelLook {
  return {
    again: () => kernelIfExists(jupyter, kernelId, signal),
    ask: () => askKernelProcess(jupyter, kernelId, KERNEL_ASK_MS, signal),
  };
}

/** The kernel, or undefined when the server no longer has it. */
export async function kernelIfExists(jupyter: JupyterServerClient, id: string, signal?: AbortSignal): Promise<KernelInfo | undefined> {
  try {
    return await jupyter.getKernel(id, signal);
  } catch (e) {
    if (isPangeoError(e, 'NotFound')) return undefined;
    throw e;
  }
}

export interface ListedRun {
  id: string;
  view: RunView | 'unreadable';
  status?: RunStatus;
  /** Why the run's status could not be read. */
  problem?: string;
}

/**
 * Every run on the server, oldest first. Kernels of runs that ended or were lost are shut down on the way: their output
 * is in the log, and an idle kernel per finished run would hold its memory until the server's culler came by.
 */
export async function listRuns(jupyter: JupyterServerClient, contents: ContentsClient, signal?: AbortSignal): Promise<ListedRun[]> {
  let children;
  try {
    ({ children } = await contents.list(RUNS_FOLDER, signal));
  } catch (e) {
    if (isPangeoError(e, 'NotFound')) return [];
    throw e;
  }
  const kernels = new Map((await jupyter.listKernels(signal)).map((k) => [k.id, k]));
  const ids = children.filter((c) => c.type === 'directory' && RUN_ID_PATTERN.test(c.name)).map((c) => c.name).sort();
  const runs: ListedRun[] = [];
  for (const id of ids) {
    const reader = new DetachedRunReader(contents, id);
    try {
      const status = await reader.status(signal);
      if (!status) continue;
      const seen = await runView(status, kernels.get(status.kernelId), () => reader.status(signal), kernelLook(jupyter, status.kernelId, signal));
      if (seen.view !== 'running' && kernels.has(status.kernelId)) await shutdownRunKernel(jupyter, seen.view, seen.status, signal);
      runs.push({ id, ...seen });
    } catch (e) {
      if (!(e instanceof RunHistoryDamagedError)) throw e;
      runs.push({ id, view: 'unreadable', problem: e.message });
    }
  }
  return runs;
}

/**
 * Shuts down the kernel of a run that ended, or was lost (that kernel is one the server restarted, running nothing of
 * the run): everything the run printed is in its log. Never the kernel of a run still running.
 */
export async function shutdownRunKernel(jupyter: JupyterServerClient, view: RunView, status: RunStatus, signal?: AbortSignal): Promise<void> {
  if (view === 'running') return;
  await jupyter.shutdownKernel(status.kernelId, signal).catch(() => undefined);
}

export interface FollowOptions {
  onOutput(output: RunOutput): void;
  /** The server stopped answering (an error), or answers again (undefined): following goes on meanwhile. */
  onOutage?(error: PangeoError | undefined): void;
  signal?: AbortSignal;
  /** Between reads of the log while the run goes on. */
  pollMs?: number;
  /** How often, while nothing new arrives, the run's kernel is checked (a run whose kernel is gone never ends by itself). */
  kernelCheckMs?: number;
  /** How long the server may not answer (network, the hub's proxy or the hub restarting) before following gives up. */
  outageMs?: number;
}

/** Default of FollowOptions.outageMs. */
export const FOLLOW_OUTAGE_MS = 10 * 60_000;

/** Failures that pass: nothing answered, or a proxy answered for a hub or server that is (re)starting. */
function isPassing(e: unknown): e is PangeoError {
  return isPangeoError(e) && (e.kind === 'Unreachable' || e.kind === 'Timeout' || [502, 503, 504].includes(e.status ?? 0));
}

/**
 * Hands every output of the run to `onOutput`, from the start and in order, until the run ends (or is found lost).
 * The status is read before the log each round: a final status is written after the last record, so the log read
 * after it is complete. While the server does not answer it keeps trying (up to `outageMs`) from where it was.
 */
export async function followRun(jupyter: JupyterServerClient, reader: DetachedRunReader, first: RunStatus, opts: FollowOptions): Promise<{ view: RunView; status: RunStatus }> {
  let status = first;
  // Whether `status` was read after the last successful read of the log.
  let fresh = true;
  // The first quiet round checks at once: a run found lost on arrival need not wait.
  let lastCheck = 0;
  let outageSince: number | undefined;
  for (;;) {
    try {
      if (!fresh) status = (await reader.status(opts.signal)) ?? status;
      fresh = true;
      const outputs = await reader.readNew(opts.signal);
      fresh = false;
      for (const out of outputs) opts.onOutput(out);
      if (outageSince !== undefined) {
        outageSince = undefined;
        opts.onOutage?.(undefined);
      }
      if (status.state !== 'running') return { view: status.state, status };
      if (!outputs.length && Date.now() - lastCheck >= (opts.kernelCheckMs ?? 5_000)) {
        lastCheck = Date.now();
        const seen = await runView(status, await kernelIfExists(jupyter, status.kernelId, opts.signal), () => reader.status(opts.signal),
          kernelLook(jupyter, status.kernelId, opts.signal));
        if (seen.view === 'lost') {
          for (const out of await reader.readNew(opts.signal)) opts.onOutput(out);
          return seen;
        }
      }
    } catch (e) {
      if (opts.signal?.aborted || !isPassing(e)) throw e;
      if (outageSince === undefined) {
        outageSince = Date.now();
        opts.onOutage?.(e);
      } else if (Date.now() - outageSince > (opts.outageMs ?? FOLLOW_OUTAGE_MS)) {
        throw e;
      }
    }
    await sleep(opts.pollMs ?? 500, undefined, { signal: opts.signal });
  }
}
