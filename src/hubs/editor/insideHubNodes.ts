// What the Hubs tree adds inside a hub server: "this server" marked, which kernels its notebooks run on, and the
// features the server token's scopes do not allow (each naming its scope).
import type * as vscode from 'vscode';
import type { HubSnapshot } from './hubService';
import type { InsideHub } from '../insideHub';
import { isThisServer } from '../insideHubServers';
import { MissingScopeError } from '../tokenScopes';

const JUPYTER_EXTENSION_ID = 'ms-toolsai.jupyter';

export type InsideMessage = { text: string; icon: string; tooltip: string; description?: string };

/** "this server" in a server row's description, or undefined for every other server. */
export function thisServerTag(inside: InsideHub | undefined, hubId: string, serverName: string): string | undefined {
  return isThisServer(inside, hubId, serverName) ? 'this server' : undefined;
}

/** Where notebooks opened in this editor run: the Jupyter extension's Python on this machine, or our controller on this server. */
export function localKernelsNote(vs: typeof vscode, inside: InsideHub): InsideMessage {
  if (vs.extensions.getExtension(JUPYTER_EXTENSION_ID)) {
    return {
      text: "Notebooks here: the Jupyter extension's local Python kernels",
      icon: 'notebook',
      tooltip: "This editor runs on this server, so the Jupyter extension's own (local) Python kernels run here. Pangeo hubs in its kernel picker lists this server's kernels too.",
    };
  }
  return {
    text: "Notebooks here: Pangeo's kernels on this server",
    icon: 'notebook',
    tooltip: `Pangeo's notebook controllers run cells on this server's kernels (its local Jupyter server at ${inside.localServerUrl}).`,
  };
}

/** One row per feature the token cannot use. */
export function missingScopeMessages(snap: HubSnapshot): InsideMessage[] {
  // A row is one short line (the scope, then what needs it); the tooltip has the whole message and who can grant it.
  return (snap.missingScopes ?? []).map((e) => ({
    text: e instanceof MissingScopeError ? `${e.scope} missing` : e.message,
    description: e instanceof MissingScopeError ? `needed for ${e.feature}` : undefined,
    icon: 'lock',
    tooltip: `${e.message}\n\n${e.hint}`.trim(),
  }));
}
