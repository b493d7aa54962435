// Detached Dask processes on this machine: started in their own process group with a marker in their environment,
// so they outlive the editor or one CLI call, can be recognised again after a reload (no pid reuse mix-ups),
// and are killed as a whole group, children included.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { InvalidInputError } from '../../core/http/errors';

/** Environment variable naming the cluster a process belongs to. */
export const CLUSTER_MARKER_ENV = 'PANGEO_DASK_CLUSTER';

export interface DetachedSpawn {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** stdout and stderr are appended here. */
  logFile: string;
  cwd?: string;
}

/** Starts a process in its own process group, not tied to our lifetime; returns its pid. */
export function spawnDetached(opts: DetachedSpawn): number {
  const fd = openSync(opts.logFile, 'a');
  try {
    const child = spawn(opts.command, opts.args, {
      env: opts.env, cwd: opts.cwd, detached: true, stdio: ['ignore', fd, fd],
    });
    // A missing executable is reported asynchronously: keep it from crashing the host; the caller sees the pid die.
    child.on('error', () => undefined);
    child.unref();
    if (child.pid === undefined) {
      throw new InvalidInputError(`Cannot run "${opts.command}".`,
        'Install Dask (python3-distributed, or pip install distributed) or point pangeo.dask.daskPath / --dask at its `dask` command.');
    }
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

const hasProc = existsSync('/proc/self/stat');

/** Alive and not a zombie; with `marker`, also carrying `CLUSTER_MARKER_ENV=marker` (so a reused pid is not ours). */
export function isOurProcess(pid: number | undefined, marker?: string): boolean {
  if (!pid || pid <= 0) return false;
  if (!hasProc) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  try {
    if (processState(pid) === 'Z') return false;
    if (!marker) return true;
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`${CLUSTER_MARKER_ENV}=${marker}`);
  } catch {
    return false;
  }
}

/** Every live process carrying the cluster's marker (workers' children included). Linux only; [] elsewhere. */
export function pidsWithMarker(marker: string): number[] {
  if (!hasProc) return [];
  const needle = `${CLUSTER_MARKER_ENV}=${marker}`;
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(needle) && processState(Number(name)) !== 'Z') {
        out.push(Number(name));
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

function processState(pid: number): string | undefined {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * Stops process groups (and any extra pids) politely, then for good: SIGTERM, up to `graceMs`, then SIGKILL.
 * Resolves once none is alive.
 */
export async function killProcessGroups(leaders: number[], opts: { extraPids?: () => number[]; graceMs?: number } = {}): Promise<void> {
  const alive = () => [...leaders, ...(opts.extraPids?.() ?? [])].filter((p) => isOurProcess(p));
  for (const pid of leaders) signal(-pid, 'SIGTERM');
  for (const pid of opts.extraPids?.() ?? []) signal(pid, 'SIGTERM');
  const deadline = Date.now() + (opts.graceMs ?? 5000);
  while (alive().length && Date.now() < deadline) await delay(100);
  for (let round = 0; round < 50; round++) {
    const left = alive();
    if (!left.length) return;
    for (const pid of leaders) signal(-pid, 'SIGKILL');
    for (const pid of left) signal(pid, 'SIGKILL');
    await delay(100);
  }
}

/** An unused TCP port on 127.0.0.1 (the kernel picks; a tiny race with other starters is possible). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The last `maxChars` of a log file, for error messages. */
export function logTail(file: string, maxChars = 1500): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.length > maxChars ? text.slice(-maxChars) : text;
  } catch {
    return '';
  }
}
