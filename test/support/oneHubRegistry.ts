// The part of the hubs area the kernels use (HubRegistry), over one real hub and one signed-in user: lets the editor
// adapters run on a real hub with a fake `vscode`.
import type * as vscode from 'vscode';
import type { HubClient } from '../../src/hubs/hubClient';
import type { ConnectedServer, HubRegistry } from '../../src/hubs/hubRegistry';
import { FakeEventEmitter } from './fakeVscode';

export class OneHubRegistry implements HubRegistry {
  private readonly changed = new FakeEventEmitter<void>();
  readonly onDidChangeServers = this.changed.event as unknown as vscode.Event<void>;
  private ready: ConnectedServer[] = [];
  /** `hubId|server name` of each restart the adapters asked for (none is made). */
  readonly restartRequests: string[] = [];

  constructor(private readonly client: HubClient, private readonly hubId: string, private readonly user: string) {}

  readyServers() {
    return this.ready;
  }

  async refresh() {
    const servers = await this.client.listServers(this.user);
    this.ready = servers.filter((s) => s.state === 'ready').map((server) => ({ hubId: this.hubId, hubLabel: '127.0.0.1', user: this.user, server, client: this.client }));
    this.changed.fire();
  }

  async restartServer(hubId: string, name: string) {
    this.restartRequests.push(`${hubId}|${name}`);
    return false;
  }

  async authorizationFor() {
    return undefined;
  }

  isSignedIn() {
    return true;
  }

  addKernelUser() {
    return { dispose() {} };
  }
}
