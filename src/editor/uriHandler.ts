// The one URI handler (vscode://pangeo-compute.pangeo-compute/...): routes each path to the feature that owns it.
import type * as vscode from 'vscode';
import { notificationText } from '../shared/text/untrustedText';

export type UriRoute = (uri: vscode.Uri) => boolean | Promise<boolean>;

export class UriRouter implements vscode.UriHandler {
  private readonly routes: UriRoute[] = [];

  constructor(private readonly vs: typeof vscode) {}

  /** Adds a route: it returns true when it handled the URI. */
  add(route: UriRoute): void {
    this.routes.push(route);
  }

  async handleUri(uri: vscode.Uri): Promise<void> {
    for (const route of this.routes) {
      if (await route(uri)) return;
    }
    void this.vs.window.showWarningMessage(notificationText(`Pangeo Compute cannot open this link (${uri.path || '/'}).`).text);
  }
}
