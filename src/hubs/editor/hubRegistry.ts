// What the rest of the editor layer needs to know about signed-in hubs and their servers (implemented by HubService).
import type * as vscode from 'vscode';
import type { HubClient } from '../hubClient';
import type { HubServer } from '../hubModels';

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

export interface HubRegistry {
  /** Fires when hubs are added/removed, sign-in changes, or a server changes state. */
  readonly onDidChangeServers: vscode.Event<void>;
  /** Ready servers of signed-in hubs, from the last refresh (no network I/O). */
  readyServers(): ConnectedServer[];
  /** Re-reads servers of every signed-in hub. */
  refresh(): Promise<void>;
  /** Starts a stopped server after asking the user (used when a kernel's server was culled). */
  restartServer(hubId: string, serverName: string): Promise<boolean>;
  /** The current Authorization header value for a hub ("token …"), for clients other than HubClient. */
  authorizationFor(hubId: string): Promise<string | undefined>;
}
