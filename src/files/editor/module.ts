// The server files feature: the `pangeo-hub:` file system, "Open Server Files", Upload/Download, and one notice per
// server and cause when its files cannot be used (signed out: "Sign In"; hub unreachable; stopped: "Start the Server Again").
import type * as vscode from 'vscode';
import { DisposableStore, ModuleDeps } from '../../editor/module';
import type { HubRegistry } from '../../hubs/hubRegistry';
import { HUB_FILE_SCHEME, ServerFileLocation } from '../hubFileUri';
import { filesUnavailableMessage, FilesUnavailableCause } from '../filesUnavailable';
import { HubFileSystemProvider } from './hubFileSystem';
import { registerServerFileCommands } from './serverFileCommands';
import { encodeResourceId } from '../../shared/resourceIds';
import { notificationText } from '../../shared/text/untrustedText';

export interface ServerFilesModule extends vscode.Disposable {
  provider: HubFileSystemProvider;
}

export function registerServerFiles({ vs, logger, context }: ModuleDeps, hubs: HubRegistry): ServerFilesModule {
  const store = new DisposableStore();
  // The cause last told per server: one notice per server and cause, however many saves and runs fail, until the
  // cause changes or the files work again.
  const told = new Map<string, { loc: ServerFileLocation; cause: FilesUnavailableCause }>();
  const keyOf = (loc: ServerFileLocation) => encodeResourceId({ kind: 'server', hubId: loc.hubId, serverName: loc.serverName });
  const onServerUnavailable = (loc: ServerFileLocation, cause: FilesUnavailableCause) => {
    const key = keyOf(loc);
    if (told.get(key)?.cause === cause) return;
    told.set(key, { loc, cause });
    const action = cause === 'signedOut' ? 'Sign In' : cause === 'stopped' ? 'Start the Server Again' : undefined;
    void vs.window.showWarningMessage(notificationText(filesUnavailableMessage(loc, cause)).text, ...(action ? [action] : [])).then((picked) => {
      if (!picked) return undefined;
      return cause === 'signedOut'
        ? vs.commands.executeCommand('pangeo.hubs.signIn', loc.hubId)
        : vs.commands.executeCommand('pangeo.hubs.restartServer', { kind: 'server', base: loc.hubId, server: { name: loc.serverName } });
    });
  };
  const onServerAvailable = (loc: ServerFileLocation) => void told.delete(keyOf(loc));
  // Signed in again, or the stopped server ready again: the next failure is news. An unreachable hub is over only when
  // a file operation works again (the registry still lists the server as it was before the hub went away).
  const resolved = (loc: ServerFileLocation, cause: FilesUnavailableCause) => {
    if (cause === 'signedOut') return hubs.isSignedIn(loc.hubId);
    if (cause === 'stopped') return hubs.readyServers().some((s) => s.hubId === loc.hubId && s.server.name === loc.serverName);
    return false;
  };
  store.add(hubs.onDidChangeServers(() => {
    for (const [key, { loc, cause }] of told) if (resolved(loc, cause)) told.delete(key);
  }));
  const provider = store.add(new HubFileSystemProvider({
    vs, hubs, logger, onServerUnavailable, onServerAvailable,
    withProgress: (title, run) => Promise.resolve(vs.window.withProgress({ location: vs.ProgressLocation.Notification, title: notificationText(title).text }, (progress) => {
      let last = 0;
      return run(({ done, total }) => {
        const pct = total ? (done / total) * 100 : 100;
        progress.report({ increment: pct - last, message: notificationText(`${Math.round(done / 1048576)} of ${Math.round(total / 1048576)} MB`).text });
        last = pct;
      });
    })),
  }));
  store.add(vs.workspace.registerFileSystemProvider(HUB_FILE_SCHEME, provider, { isCaseSensitive: true }));
  store.add(registerServerFileCommands({ vs, hubs, provider, logger, storageUri: context.globalStorageUri }));
  return Object.assign(store, { provider });
}
