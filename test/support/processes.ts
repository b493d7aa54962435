// Long-running child processes for integration tests: own process group, output to a log file,
// readiness polling, and a kill that reaches every descendant (even ones in their own sessions).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Environment variable carried by a started process and everything it starts. Children that leave
 * the process group (JupyterHub starts the proxy and single-user servers with `start_new_session`)
 * are still found through it; pass it on explicitly where a parent filters the environment.
 */
export const TREE_MARKER_ENV = 'PANGEO_TEST_TREE';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LongRunningProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Value of TREE_MARKER_ENV in this process's environment. */
  readonly marker: string;
  readonly logFile: string;
  /** Resolves when the direct child exits (descendants may outlive it: see killTree). */
  readonly exited: Promise<ExitInfo>;
  hasExited(): boolean;
  /** The log's last `maxChars` characters, for error messages. */
  logTail(maxChars?: number): string;
}

export interface StartOptions {
  name: string;
  command: string;
  args?: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Folder for `<name>.log`; a fresh temp dir when absent. */
  logDir?: string;
  /** Value for TREE_MARKER_ENV, when the caller must also hand it to grandchildren; random otherwise. */
  marker?: string;
}

const live = new Set<LongRunningProcess>();
const exitCleanups = new Set<() => void>();
let exitHookInstalled = false;

/** Runs `fn` (synchronously) if the test process exits or is interrupted first; call the returned function to cancel. */
export function onExitCleanup(fn: () => void): () => void {
  installExitHook();
  exitCleanups.add(fn);
  return () => exitCleanups.delete(fn);
}

/** Starts `command` detached (own process group) with stdout+stderr appended to a log file. */
export function startLongRunning(opts: StartOptions): LongRunningProcess {
  installExitHook();
  const logDir = opts.logDir ?? mkdtempSync(join(tmpdir(), 'pangeo-proc-'));
  const logFile = join(logDir, `${opts.name}.log`);
  const fd = openSync(logFile, 'a');
  const marker = opts.marker ?? `${opts.name}-${process.pid}-${randomBytes(6).toString('hex')}`;
  let child: ChildProcess;
  try {
    child = spawn(opts.command, opts.args ?? [], {
      cwd: opts.cwd,
      env: { ...(opts.env ?? process.env), [TREE_MARKER_ENV]: marker },
      detached: true,
      // The child writes straight to the file: nothing to drain, and logs survive a stalled test.
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) throw new Error(`could not start ${opts.command}`);
  // A forgotten process must not keep the test runner alive; the exit hook still kills it.
  child.unref();
  let exitInfo: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
    child.once('error', () => {
      exitInfo = exitInfo ?? { code: null, signal: null };
      resolve(exitInfo);
    });
  });
  const proc: LongRunningProcess = {
    name: opts.name,
    child,
    pid: child.pid,
    marker,
    logFile,
    exited,
    hasExited: () => exitInfo !== undefined,
    logTail: (maxChars = 4000) => readTail(logFile, maxChars),
  };
  live.add(proc);
  return proc;
}

/** Pids of `proc`'s process group, its descendants, and every process carrying its marker. */
export function treePids(proc: LongRunningProcess | ChildProcess): number[] {
  const table = readProcessTable();
  const rootPid = proc.pid;
  const found = new Set<number>();
  if (rootPid !== undefined) {
    for (const p of table) if (p.pid === rootPid || p.pgid === rootPid) found.add(p.pid);
  }
  const marker = 'marker' in proc ? proc.marker : undefined;
  if (marker) {
    const needle = `${TREE_MARKER_ENV}=${marker}`;
    for (const p of table) if (readEnviron(p.pid).includes(needle)) found.add(p.pid);
  }
  // Descendants by parent pid, repeated until no new ones appear.
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of table) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  found.delete(process.pid);
  return [...found];
}

/**
 * Sends `signal` to the whole tree at once (group, descendants, marked processes), then, for
 * SIGKILL, waits until none is left. Safe to call on a tree that is already gone.
 */
export async function killTree(
  proc: LongRunningProcess | ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  { timeoutMs = 5000 }: { timeoutMs?: number } = {},
): Promise<void> {
  signalTree(proc, signal);
  if (signal !== 'SIGKILL') return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = treePids(proc).filter(isAliveNotZombie);
    if (left.length === 0) break;
    if (Date.now() > deadline) throw new Error(`processes survived SIGKILL: ${left.join(', ')}`);
    signalTree(proc, 'SIGKILL');
    await sleep(50);
  }
  if ('marker' in proc) live.delete(proc);
}

/** Gives the direct child `graceMs` to exit on its own after `signal`, then SIGKILLs what is left. */
export async function stopGracefully(
  proc: LongRunningProcess,
  { signal = 'SIGTERM', graceMs = 10_000 }: { signal?: NodeJS.Signals; graceMs?: number } = {},
): Promise<void> {
  if (!proc.hasExited()) {
    try {
      process.kill(proc.pid, signal);
    } catch {
      // Already gone.
    }
    let timer: NodeJS.Timeout | undefined;
    // A plain sleep() here would hold the event loop open for the whole grace period.
    await Promise.race([proc.exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }
  await killTree(proc, 'SIGKILL');
}

export interface WaitForHttpOptions {
  timeoutMs?: number;
  /** Statuses that count as up; default: any 2xx. */
  okStatuses?: number[];
  intervalMs?: number;
  /** Fail at once (with its log tail) if this process exits while waiting. */
  process?: LongRunningProcess;
  headers?: Record<string, string>;
}

/** Polls `url` until it answers with an ok status; returns that status. */
export async function waitForHttp(url: string, opts: WaitForHttpOptions = {}): Promise<number> {
  const { timeoutMs = 30_000, okStatuses, intervalMs = 100 } = opts;
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (;;) {
    if (opts.process?.hasExited()) {
      throw new Error(`${opts.process.name} exited while waiting for ${url}:\n${opts.process.logTail()}`);
    }
    try {
      const res = await fetch(url, {
        redirect: 'manual',
        headers: opts.headers,
        signal: AbortSignal.timeout(Math.max(500, Math.min(5000, deadline - Date.now()))),
      });
      await res.arrayBuffer().catch(() => undefined);
      const ok = okStatuses ? okStatuses.includes(res.status) : res.status >= 200 && res.status < 300;
      if (ok) return res.status;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      const tail = opts.process ? `\n${opts.process.logTail()}` : '';
      throw new Error(`${url} not ready after ${timeoutMs} ms (${last})${tail}`);
    }
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether a pid is a live process (zombies awaiting their parent count as gone). */
export function isAliveNotZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return parseStat(stat)?.state !== 'Z';
  } catch {
    return false;
  }
}

function signalTree(proc: LongRunningProcess | ChildProcess, signal: NodeJS.Signals): void {
  const pids = treePids(proc);
  if (proc.pid !== undefined) trySignal(-proc.pid, signal);
  for (const pid of pids) trySignal(pid, signal);
}

function trySignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone.
  }
}

interface ProcEntry {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
}

function readProcessTable(): ProcEntry[] {
  const entries: ProcEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const parsed = parseStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (parsed) entries.push(parsed);
    } catch {
      // Exited between readdir and read.
    }
  }
  return entries;
}

// /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses.
function parseStat(stat: string): ProcEntry | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number(stat.slice(0, stat.indexOf(' ')));
  const rest = stat.slice(close + 2).split(' ');
  return { pid, state: rest[0] ?? '', ppid: Number(rest[1]), pgid: Number(rest[2]) };
}

function readEnviron(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

function readTail(file: string, maxChars: number): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.length > maxChars ? text.slice(-maxChars) : text;
  } catch {
    return '';
  }
}

// A crashing or interrupted test run still takes its servers down with it.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    const procs = [...live];
    live.clear();
    for (const proc of procs) signalTree(proc, 'SIGKILL');
    // Let the tree die before cleanups delete the files it writes (synchronous: no event loop at exit).
    const deadline = Date.now() + 2000;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (Date.now() < deadline && procs.some((p) => treePids(p).some(isAliveNotZombie))) Atomics.wait(pause, 0, 0, 20);
    for (const fn of exitCleanups) {
      try {
        fn();
      } catch {
        // Best effort: the process is going away.
      }
    }
    exitCleanups.clear();
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      // Our listener is gone now: re-raising gets the default behaviour (exit by that signal).
      process.kill(process.pid, signal);
    });
  }
}
