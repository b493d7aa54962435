// What the demo leaves behind, found by environment: everything it starts carries PANGEO_DEMO_RUN=<run id> (the editor's
// extension host passes it on to the Dask clusters it creates), so Ctrl-C stops exactly those; Dask clusters that
// Pangeo Compute made outside this run (PANGEO_DASK_CLUSTER=<id>, e.g. from the CLI in another shell) are only listed.
import { readdirSync, readFileSync } from 'node:fs';
import { CLUSTER_MARKER_ENV } from '../../src/dask/local/localProcesses';

export const DEMO_RUN_ENV = 'PANGEO_DEMO_RUN';

interface ProcessInfo {
  pid: number;
  env: string[];
  command: string;
}

/** Live processes of this user (not zombies, not this one) with their environment and command line. Linux /proc. */
function processes(): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const env = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      const command = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      out.push({ pid: Number(name), env, command });
    } catch {
      // gone, or another user's
    }
  }
  return out;
}

/** Processes started by this demo run (and their descendants, which inherit the variable). */
export function demoProcesses(runId: string): ProcessInfo[] {
  const needle = `${DEMO_RUN_ENV}=${runId}`;
  return processes().filter((p) => p.env.includes(needle));
}

/** Pangeo Compute's Dask clusters not started by this run: cluster id → its processes. */
export function otherPangeoClusters(runId: string): Map<string, ProcessInfo[]> {
  const ours = `${DEMO_RUN_ENV}=${runId}`;
  const byCluster = new Map<string, ProcessInfo[]>();
  for (const p of processes()) {
    const marker = p.env.find((e) => e.startsWith(`${CLUSTER_MARKER_ENV}=`));
    if (!marker || p.env.includes(ours)) continue;
    const id = marker.slice(CLUSTER_MARKER_ENV.length + 1);
    byCluster.set(id, [...(byCluster.get(id) ?? []), p]);
  }
  return byCluster;
}

const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
};

const signal = (pid: number, sig: NodeJS.Signals) => {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
};

/** SIGTERM, up to `graceMs` for them to finish, then SIGKILL; resolves when none is alive. */
export async function stopProcesses(pids: number[], graceMs = 5000): Promise<void> {
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids.filter(alive)) signal(pid, 'SIGKILL');
  for (let i = 0; i < 50 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
}

/** Stops every process of this run still alive (after the editor, hub and scheduler were stopped); what it stopped. */
export async function stopDemoLeftovers(runId: string): Promise<ProcessInfo[]> {
  let stopped: ProcessInfo[] = [];
  // New ones can appear while stopping (a nanny restarting its worker): sweep until none is left.
  for (let round = 0; round < 5; round++) {
    const left = demoProcesses(runId);
    if (!left.length) break;
    stopped = [...stopped, ...left.filter((p) => !stopped.some((s) => s.pid === p.pid))];
    await stopProcesses(left.map((p) => p.pid));
  }
  return stopped;
}
