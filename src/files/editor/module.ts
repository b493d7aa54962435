// The server files feature: the `pangeo-hub:` file system, "Open Server Files", Upload/Download, and the notice with
// "Start the Server Again" when files of a stopped server are used.
import type * as vscode from 'vscode';
import { DisposableStore, ModuleDeps } from '../../editor/module';
import type { HubRegistry } from '../../hubs/hubRegistry';
import { HUB_FILE_SCHEME, serverFolderName, ServerFileLocation } from '../hubFileUri';
import { HubFileSystemProvider } from './hubFileSystem';
import { registerServerFileCommands } from './serverFileCommands';
import { encodeResourceId } from '../../shared/resourceIds';
import { notificationText } from '../../shared/text/untrustedText';

/** One notice per server per minute, however many files fail at once. */
const NOTICE_QUIET_MS = 60_000;

export interface ServerFilesModule extends vscode.Disposable {
  provider: HubFileSystemProvider;
}

export function registerServerFiles({ vs, logger }: ModuleDeps, hubs: HubRegistry): ServerFilesModule {
  const store = new DisposableStore();
  const noticed = new Map<string, number>();
  const onServerUnavailable = (loc: ServerFileLocation) => {
    const key = encodeResourceId({ kind: 'server', hubId: loc.hubId, serverName: loc.serverName });
    if (Date.now() - (noticed.get(key) ?? 0) < NOTICE_QUIET_MS) return;
    noticed.set(key, Date.now());
    const start = 'Start the Server Again';
    void vs.window.showWarningMessage(notificationText(`The server ${serverFolderName(loc)} is not running: its files are unavailable. Unsaved changes are kept; save again once it is back.`).text, start)
      .then((picked) => picked === start
        ? vs.commands.executeCommand('pangeo.hubs.restartServer', { kind: 'server', base: loc.hubId, server: { name: loc.serverName } })
        : undefined);
  };
  const provider = store.add(new HubFileSystemProvider({
    vs, hubs, logger, onServerUnavailable,
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
  store.add(registerServerFileCommands({ vs, hubs, provider, logger }));
  return Object.assign(store, { provider });
}
