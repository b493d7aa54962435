// What the agent tools act on, as each host has it: the editor (its signed-in hubs, Dask providers, notebooks and
// cost meter) and `pangeo-compute mcp` (the CLI's sign-in, providers and a one-off cost estimate) implement this.
import type { HubClient } from '../hubs/hubClient';
import type { HubServer } from '../hubs/hubModels';
import type { ClusterProvider } from '../dask/clusterProvider';

export interface AgentHub {
  /** The hub's base URL (resource ids use it). */
  id: string;
  label: string;
  /** The signed-in user; undefined when not signed in (the hub is listed, nothing on it can be used). */
  user?: string;
  /** An authorized client while signed in. */
  client?: HubClient;
  /**
   * The user's servers as this sign-in may see them, where that is not simply the client's list: inside a hub server
   * a token without read:servers still knows its own server is ready.
   */
  servers?(signal?: AbortSignal): Promise<HubServer[]>;
}

/** The text a run left, in the order it came. */
export interface KernelRunText {
  status: 'ok' | 'error' | 'aborted' | 'cancelled';
  /** stdout, stderr, results' text/plain and the traceback, as text. */
  text: string;
  error?: { ename: string; evalue: string };
}

/** The kernel of a notebook open in the editor (none outside it). */
export interface NotebookKernelHandle {
  /** The notebook's URI. */
  uri: string;
  label: string;
  /** False while a cell runs or waits (then nothing may be sent). */
  idle: boolean;
  /** Runs the code silently when the kernel is idle; undefined when it is busy (nothing was sent). */
  runIfIdle(code: string, signal?: AbortSignal): Promise<KernelRunText> | undefined;
}

/** Spending as the host knows it. */
export interface CostView {
  totalUsdPerHour: number;
  /** Undefined where no one tracks spending over time (the MCP server: its estimate is of now only). */
  todayUsd?: number;
  /** The budget and what was spent of it this period; 'none' when no budget is set; undefined when not known here. */
  budget?: { limitUsd: number; spentUsd: number; period: 'day' | 'month' } | 'none';
  /** Why today's spending or the budget is not known here (our own words), said in the answer. */
  untracked?: string;
  /** Per resource id (server:…, cluster:…): its estimated $/h, or unpriced. */
  resources: Record<string, { usdPerHour: number; unpriced?: boolean }>;
  /** What the numbers are (estimates, where from). */
  note: string;
}

export interface AgentCompute {
  /** Hubs the user added, signed in or not. */
  hubs(): AgentHub[];
  /** Dask providers the user added (each lists its clusters). */
  providers(): ClusterProvider[];
  /** Kernels of notebooks open in the editor. */
  notebooks(): NotebookKernelHandle[];
  /** Current spending, or undefined when nothing is priced here. */
  cost(signal?: AbortSignal): Promise<CostView | undefined>;
  /** The estimated $/h of a server with these spawn options once it runs, where known. */
  serverRate(hubId: string, serverName: string, userOptions: Record<string, unknown>): Promise<number | undefined>;
  /** Something changed (a server started or stopped, a cluster scaled): the editor refreshes its views. */
  changed?(what: 'hub' | 'dask'): void;
  /** Whether these tools run on that server (the editor or the MCP server inside a hub): stopping it ends them too. */
  hostsTools?(hubId: string, serverName: string): boolean;
}
