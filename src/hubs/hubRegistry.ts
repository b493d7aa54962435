// What other features need to know about signed-in hubs and their servers (implemented by the editor's HubService).
import type { Event } from '../core/emitter';
import type { HubClient } from './hubClient';
import type { HubServer } from './hubModels';

export interface ConnectedServer {
  /** Stable id: the hub base URL. */
  hubId: string;
  /** e.g. "hub.example.org/jhub" */
  hubLabel: string;
  user: string;
  server: HubServer;
  /** Authorized client of the hub (server.url is served through it: use JupyterServerClient(server.url!, client.http)). */
  client: HubClient;
}

export interface HubKernelUser {
  /** Names of the open notebooks whose kernel runs on this hub. */
  notebooksOn(hubId: string): string[];
  /** Ends those kernels (while the token still works); the notebooks stay bound and say why they cannot run. */
  release(hubId: string): Promise<void>;
}

export interface HubRegistry {
  /** Fires when hubs are added/removed, sign-in changes, or a server changes state. */
  readonly onDidChangeServers: Event<void>;
  /** Ready servers of signed-in hubs, from the last refresh (no network I/O). */
  readyServers(): ConnectedServer[];
  /** Re-reads servers of every signed-in hub. */
  refresh(): Promise<void>;
  /** Starts a stopped server with its last options, after asking the user unless `ask` is false. */
  restartServer(hubId: string, serverName: string, ask?: boolean): Promise<boolean>;
  /** True while the hub has a signed-in user. */
  isSignedIn(hubId: string): boolean;
  /** Why the hub's last refresh failed (unreachable, token refused), or undefined after one that worked. */
  refreshError?(hubId: string): unknown;
  /** A feature that runs kernels on hub servers: sign-out names its notebooks and releases them before the token goes. */
  addKernelUser(user: HubKernelUser): { dispose(): void };
  /** The current Authorization header value for a hub ("token …"), for clients other than HubClient. */
  authorizationFor(hubId: string): Promise<string | undefined>;
}
