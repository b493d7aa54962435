// "Open Terminal on Server": a shell on a ready hub server in the editor's terminal panel, named after the server,
// ended when the server stops.
import type * as vscode from 'vscode';
import { DisposableStore, ModuleDeps } from '../../editor/module';
import { registerCommand } from '../../editor/command';
import type { ConnectedServer, HubRegistry } from '../../hubs/hubRegistry';
import { JupyterServerClient } from '../../jupyterServer/jupyterServerClient';
import { isPangeoError } from '../../core/http/errors';
import { pickReadyServer } from '../../files/editor/serverPicker';
import { ServerTerminals } from '../serverTerminals';
import { TerminalLink } from '../terminalLink';
import { ServerPseudoterminal } from './serverPseudoterminal';

export function registerServerTerminals({ vs, logger }: ModuleDeps, hubs: HubRegistry): vscode.Disposable {
  const store = new DisposableStore();
  const open = new Set<{ server: ConnectedServer; pty: ServerPseudoterminal }>();

  const probe = async (server: ConnectedServer) => {
    try {
      return (await server.client.getServer(server.user, server.server.name)).state === 'ready' ? 'ready' as const : 'stopped' as const;
    } catch (e) {
      return isPangeoError(e, 'NotFound') ? 'stopped' as const : 'unknown' as const;
    }
  };

  store.add(registerCommand({ vs, logger }, 'pangeo.terminals.open', 'Open Terminal on Server', async (arg?: unknown) => {
    const server = await pickReadyServer(vs, hubs, arg, 'Open a terminal on which server?');
    if (!server) return undefined;
    const terminals = new ServerTerminals(new JupyterServerClient(server.server.url!, server.client.http));
    // Created before the panel opens, so a server without terminals gives a clear message instead of a dead panel.
    const info = await terminals.create();
    const pty = new ServerPseudoterminal(vs, (events) => new TerminalLink({ terminals, name: info.name, events, logger, probeServer: () => probe(server) }));
    const entry = { server, pty };
    open.add(entry);
    const label = `${server.server.name || 'default'} · ${server.user}@${server.hubLabel}`;
    const terminal = vs.window.createTerminal({ name: `Pangeo: ${label}`, pty, iconPath: new vs.ThemeIcon('server-environment') });
    const closed = vs.window.onDidCloseTerminal((t) => {
      if (t !== terminal) return;
      open.delete(entry);
      closed.dispose();
      pty.dispose();
    });
    terminal.show();
    return info.name;
  }));

  // A server that leaves the ready list ends its terminals at once (the websocket may take a while to notice).
  store.add(hubs.onDidChangeServers(() => {
    const ready = hubs.readyServers();
    for (const entry of open) {
      const s = entry.server;
      if (!ready.some((r) => r.hubId === s.hubId && r.user === s.user && r.server.name === s.server.name)) {
        void probe(s).then((state) => {
          if (state === 'stopped') entry.pty.end('The server stopped.');
        });
      }
    }
  }));
  return store;
}
