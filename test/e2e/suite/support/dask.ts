// The extension's Dask API for the editor tests, and a local cluster made the way a user makes one (the command).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ClusterSummary } from '../../../../src/dask/clusterProvider';
import type { ClusterService } from '../../../../src/dask/editor/clusterService';
import type { LocalClusterProvider } from '../../../../src/dask/local/localProvider';
import { EXTENSION_ID, until } from './hubScenario';

export interface DaskApi {
  service: ClusterService;
  local: LocalClusterProvider;
}

export async function daskApi(): Promise<DaskApi> {
  const ext = vscode.extensions.getExtension<{ dask?: DaskApi }>(EXTENSION_ID);
  assert.ok(ext, 'extension not loaded');
  const api = ext.isActive ? ext.exports : await ext.activate();
  assert.ok(api.dask, 'activate() returns no dask API');
  return api.dask;
}

/** Creates a local cluster with "Create Cluster" and waits until the tree lists it. */
export async function createLocalCluster(dask: DaskApi, name: string, workers: number): Promise<ClusterSummary> {
  await vscode.commands.executeCommand('pangeo.dask.createCluster', { kind: 'provider', providerId: 'local' }, { workers, memory_limit: '512MB', name });
  return until('the cluster in the tree', async () => {
    await dask.service.refresh('local');
    return dask.service.cluster('local', name);
  }, 60_000, 250);
}
