// What the Dask tree and commands pass to `pangeo.dashboard.open` for a cluster (the dashboard module resolves it).

/** The argument the Dask tree passes: enough for this resolver, and for a plain URL fallback (dashboardUrl/headers). */
export interface DashboardOpenArg {
  kind: 'cluster';
  providerId: string;
  clusterId: string;
  dashboardUrl?: string;
  headers?: Record<string, string>;
  title?: string;
}
