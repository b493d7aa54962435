// Commands of the Hubs view: add/sign in/out/remove hubs, start/stop/restart/share servers, open, copy, shut down kernels.
import type * as vscode from 'vscode';
import { HubService } from './hubService';
import { HubTreeNode } from './hubTree';
import { addHubInteractive, OAuthCallbacks, signInInteractive } from './signInFlow';
import type * as StartServerFlow from './startServerFlow';
import { loadFeature } from '../../core/chunks';
import { signOutOfHub } from './signOutFlow';
import type * as ShareServerFlow from './shareServerFlow';
import { registerCommand, retryCommand } from '../../editor/command';
import { isAuthError } from '../../core/http/errors';
import type { Logger } from '../../core/log';
import { JupyterServerClient } from '../../jupyterServer/jupyterServerClient';
import { DisposableStore } from '../../editor/module';
import { iconLabel, notificationText } from '../../shared/text/untrustedText';
import { explainForbidden, insideLink, insideWithBrowserAddress, stopQuestion } from './insideHubCommands';

/** "Start server…" (its forms and spawn progress) loads when first used (dist/chunks/startServerFlow.js). */
const startFlow = () => loadFeature<typeof StartServerFlow>('startServerFlow');
/** "Share Server…" (the shares client and its menus) loads when first used (dist/chunks/shareServer.js). */
const shareFlow = () => loadFeature<typeof ShareServerFlow>('shareServer');

export interface HubCommandDeps {
  vs: typeof vscode;
  service: HubService;
  oauth: OAuthCallbacks;
  logger: Logger;
  extensionId: string;
}

/** Resolves a hub from a tree node, a base URL string, or by asking. */
async function resolveHub(d: HubCommandDeps, arg: unknown, purpose: string, signedInOnly = false): Promise<string | undefined> {
  if (arg && typeof arg === 'object' && 'base' in arg) return (arg as { base: string }).base;
  if (typeof arg === 'string' && d.service.sessions.hub(arg)) return arg;
  const hubs = d.service.sessions.hubs().filter((h) => !signedInOnly || h.user);
  if (hubs.length === 1) return hubs[0]!.base;
  if (!hubs.length) {
    const add = 'Add a Hub';
    if (await d.vs.window.showInformationMessage(notificationText(`No ${signedInOnly ? 'signed-in ' : ''}hub yet.`).text, add) === add) await d.vs.commands.executeCommand('pangeo.hubs.add');
    return undefined;
  }
  const picked = await d.vs.window.showQuickPick(hubs.map((h) => ({ label: iconLabel(h.label), description: iconLabel(h.user ?? 'signed out'), base: h.base })), { title: purpose });
  return picked?.base;
}

export function registerHubCommands(d: HubCommandDeps): vscode.Disposable {
  const { vs, service } = d;
  const sessions = service.sessions;
  const store = new DisposableStore();
  const signInDeps = { vs, sessions, oauth: d.oauth, extensionId: d.extensionId };
  const register = (id: string, run: (...args: unknown[]) => Promise<unknown>) =>
    store.add(registerCommand(d, id, commandTitle(id), run, (e, args) => {
      // An expired or revoked token gets a way back in, not just a message.
      const hub = args[0] && typeof args[0] === 'object' && 'base' in args[0] ? (args[0] as { base: string }).base : undefined;
      return isAuthError(e) && id !== 'pangeo.hubs.signIn'
        ? [{ title: 'Sign In Again', run: () => vs.commands.executeCommand('pangeo.hubs.signIn', hub) }]
        : retryCommand(vs, id)(e, args);
    }));

  /** Adds a hub (URL argument or asked) and signs in; returns the hub base when signed in. */
  const addAndSignIn = async (url?: unknown): Promise<string | undefined> => {
    const added = await addHubInteractive(signInDeps, typeof url === 'string' ? url : undefined);
    if (!added) return undefined;
    const record = await signInInteractive(signInDeps, added.record.base, added.tokenInLink);
    if (record) await afterSignIn(record.base);
    return record?.base;
  };

  const afterSignIn = async (base: string) => {
    await service.refresh(base);
    const record = sessions.hub(base)!;
    const servers = service.snapshot(base)?.servers ?? [];
    const start = 'Start a Server';
    const msg = `Signed in to ${record.label} as ${record.user}.`;
    // Informational: never awaited, so a caller (e.g. a preset's sign-in step) does not wait for it to be dismissed.
    if (!servers.some((s) => s.state === 'ready')) {
      void vs.window.showInformationMessage(notificationText(msg).text, start).then((picked) => {
        if (picked === start) void vs.commands.executeCommand('pangeo.hubs.startServer', { kind: 'hub', base });
      });
    } else void vs.window.showInformationMessage(notificationText(`${msg} Its running servers are in the notebook kernel picker.`).text);
  };

  register('pangeo.hubs.add', addAndSignIn);

  register('pangeo.hubs.signIn', async (arg) => {
    const base = await resolveHub(d, arg, 'Sign in to which hub?');
    if (!base) return addAndSignIn();
    const record = await signInInteractive(signInDeps, base);
    if (record) await afterSignIn(base);
    return record?.base;
  });

  register('pangeo.hubs.signOut', async (arg) => {
    const base = await resolveHub(d, arg, 'Sign out of which hub?', true);
    if (!base) return;
    return signOutOfHub(vs, service, base, { confirm: 'always' });
  });

  register('pangeo.hubs.remove', async (arg) => {
    const base = await resolveHub(d, arg, 'Remove which hub?');
    if (!base) return;
    const record = sessions.hub(base)!;
    const ok = await vs.window.showWarningMessage(notificationText(`Remove ${record.label}?`).text, {
      modal: true, detail: `Pangeo Compute forgets this hub${record.mintedTokenId ? ' and revokes the token it created' : ''}. Servers on the hub keep running.`,
    }, 'Remove');
    if (ok !== 'Remove') return;
    await service.releaseKernels(base); // while the token still works
    await sessions.removeHub(base);
  });

  register('pangeo.hubs.refresh', async (arg) => {
    const base = arg && typeof arg === 'object' && 'base' in arg ? (arg as { base: string }).base : undefined;
    // The version decides what the tree offers (sharing: 5.0+); a hub may have been upgraded since it was added.
    await service.refreshVersions(base);
    await service.refresh(base);
  });

  const startOn = async (base: string, serverName: string | undefined) => {
    const record = sessions.hub(base);
    if (!record?.user) {
      const signedIn = await vs.commands.executeCommand<string | undefined>('pangeo.hubs.signIn', base);
      if (!signedIn) return undefined;
    }
    const name = serverName ?? (await startFlow().pickServerToStart(vs, service, base));
    if (name === undefined) return undefined;
    const options = await startFlow().chooseUserOptions(vs, service, base, name);
    if (!options) return undefined;
    return startFlow().startWithProgress(vs, service, base, name, options);
  };

  register('pangeo.hubs.startServer', async (arg) => {
    const node = arg as HubTreeNode | undefined;
    if (node?.kind === 'server') return startOn(node.base, node.server.name);
    const base = await resolveHub(d, arg, 'Start a server on which hub?');
    return base ? startOn(base, undefined) : undefined;
  });

  register('pangeo.hubs.restartServer', async (arg) => {
    const node = arg as HubTreeNode;
    if (node?.kind !== 'server') return;
    await startFlow().startAgainWithLastOptions(vs, service, node.base, node.server.name, false);
  });

  register('pangeo.hubs.stopServer', async (arg) => {
    const node = arg as HubTreeNode;
    if (node?.kind !== 'server') return;
    const record = sessions.hub(node.base)!;
    const label = `${node.server.name || 'the default server'} on ${record.label}`;
    const ok = await vs.window.showWarningMessage(notificationText(`Stop ${label}?`).text, {
      modal: true, detail: stopQuestion(sessions.inside, node.base, node.server.name) ?? 'Running kernels are shut down and their in-memory state is lost. Files in your home directory stay.',
    }, 'Stop Server');
    if (ok !== 'Stop Server') return;
    await vs.window.withProgress({ location: vs.ProgressLocation.Notification, title: notificationText(`Stopping ${label}…`).text }, async () => {
      const client = sessions.client(node.base);
      const stopped = await client.stopServer(record.user!, node.server.name).catch((e: unknown) => {
        throw explainForbidden(e, sessions.inside, node.base, 'stopping a server', `delete:servers!user=${record.user!}`);
      });
      if (stopped === 'stopping') await client.waitForStop(record.user!, node.server.name);
    });
    await service.refresh(node.base);
  });

  register('pangeo.hubs.deleteServer', async (arg) => {
    const node = arg as HubTreeNode;
    if (node?.kind !== 'server' || !node.server.name) return;
    const record = sessions.hub(node.base)!;
    const ok = await vs.window.showWarningMessage(notificationText(`Delete the named server ${node.server.name}?`).text, { modal: true, detail: 'The hub forgets this server and its options.' }, 'Delete');
    if (ok !== 'Delete') return;
    const client = sessions.client(node.base);
    if (node.server.state !== 'stopped') {
      if ((await client.stopServer(record.user!, node.server.name)) === 'stopping') await client.waitForStop(record.user!, node.server.name);
    }
    await client.deleteNamedServer(record.user!, node.server.name);
    await service.refresh(node.base);
  });

  register('pangeo.hubs.openInBrowser', async (arg) => {
    const node = arg as HubTreeNode;
    const url = node?.kind === 'server' && node.server.url ? node.server.url : node?.kind === 'hub' ? `${node.base}hub/home` : undefined;
    const link = url && node ? insideLink(await insideWithBrowserAddress(vs, sessions.inside), node.base, node.kind === 'server' ? node.server.name : undefined, url) : url;
    if (link) await vs.env.openExternal(vs.Uri.parse(link));
  });

  register('pangeo.hubs.copyServerUrl', async (arg) => {
    const node = arg as HubTreeNode;
    const link = node?.kind === 'server' && node.server.url ? insideLink(await insideWithBrowserAddress(vs, sessions.inside), node.base, node.server.name, node.server.url) : undefined;
    if (link) {
      await vs.env.clipboard.writeText(link);
      void vs.window.setStatusBarMessage('Server URL copied', 3000);
    }
  });

  register('pangeo.hubs.shareServer', async (arg) => {
    const node = arg as HubTreeNode;
    if (node?.kind !== 'server') return;
    await shareFlow().shareServerInteractive(vs, service, node.base, node.server);
  });

  register('pangeo.hubs.openTokenPage', async (arg) => {
    const base = await resolveHub(d, arg, 'Open the token page of which hub?');
    const link = base ? insideLink(await insideWithBrowserAddress(vs, sessions.inside), base, undefined, `${base}hub/token`) : undefined;
    if (link) await vs.env.openExternal(vs.Uri.parse(link));
  });

  register('pangeo.hubs.shutdownKernel', async (arg) => {
    const node = arg as HubTreeNode;
    if (node?.kind !== 'kernel') return;
    const server = service.snapshot(node.base)?.servers?.find((s) => s.name === node.serverName);
    if (!server?.url) return;
    const ok = await vs.window.showWarningMessage(notificationText(`Shut down kernel ${node.kernel.name}?`).text, { modal: true, detail: 'Its variables are lost; notebooks using it must restart a kernel.' }, 'Shut Down');
    if (ok !== 'Shut Down') return;
    await new JupyterServerClient(server.url, sessions.client(node.base).http).shutdownKernel(node.kernel.id);
    service.fireChanged();
  });

  return store;
}

function commandTitle(id: string): string {
  const words = id.replace(/^pangeo\.hubs\./, '').replace(/([A-Z])/g, ' $1').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
