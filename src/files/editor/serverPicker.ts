// Which ready server a command acts on: the Hubs tree node it was run on, or the user's pick among ready servers.
import type * as vscode from 'vscode';
import type { ConnectedServer, HubRegistry } from '../../hubs/hubRegistry';
import { iconLabel, notificationText } from '../../shared/text/untrustedText';

/** The Hubs tree passes `{kind: 'server', base, server: {name, ...}}`. */
function fromTreeNode(arg: unknown): { base: string; name: string } | undefined {
  const node = arg as { kind?: unknown; base?: unknown; server?: { name?: unknown } } | undefined;
  if (node?.kind === 'server' && typeof node.base === 'string' && typeof node.server?.name === 'string') return { base: node.base, name: node.server.name };
  return undefined;
}

export async function pickReadyServer(vs: typeof vscode, hubs: HubRegistry, arg: unknown, title: string): Promise<ConnectedServer | undefined> {
  const node = fromTreeNode(arg);
  let servers = hubs.readyServers();
  if (node || !servers.length) {
    await hubs.refresh();
    servers = hubs.readyServers();
  }
  if (node) {
    const found = servers.find((s) => s.hubId === node.base && s.server.name === node.name);
    if (!found) void vs.window.showWarningMessage(notificationText(`${node.name || 'The default server'} is not running: start it first.`).text);
    return found;
  }
  if (!servers.length) {
    void vs.window.showInformationMessage('No hub server is running: start one in the Hubs view first.');
    return undefined;
  }
  if (servers.length === 1) return servers[0];
  const picked = await vs.window.showQuickPick(servers.map((s) => ({
    label: iconLabel(s.server.name || 'Default server'), description: iconLabel(`${s.user}@${s.hubLabel}`), server: s,
  })), { title });
  return picked?.server;
}
