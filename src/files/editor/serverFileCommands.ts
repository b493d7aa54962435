// Commands on server files: open a server as a workspace folder, upload local files to it, download server files.
import { homedir } from 'node:os';
import type * as vscode from 'vscode';
import { registerCommand, retryCommand } from '../../editor/command';
import type { Logger } from '../../core/log';
import type { HubRegistry } from '../../hubs/hubRegistry';
import { DisposableStore } from '../../editor/module';
import { HUB_FILE_SCHEME, locateHubUri, serverDisplayName, serverFolderName, serverPlaceName, ServerFileLocation } from '../hubFileUri';
import type { HubFileSystemProvider } from './hubFileSystem';
import { pickReadyServer } from './serverPicker';
import { iconLabel, notificationText } from '../../shared/text/untrustedText';

export interface ServerFileCommandDeps {
  vs: typeof vscode;
  hubs: HubRegistry;
  provider: HubFileSystemProvider;
  logger: Logger;
  /** Where "Open in New Window" keeps the one-folder workspace file it opens (the extension's global storage). */
  storageUri?: vscode.Uri;
}

export function registerServerFileCommands(d: ServerFileCommandDeps): vscode.Disposable {
  const { vs, hubs, provider } = d;
  const store = new DisposableStore();
  const register = (id: string, title: string, run: (...args: unknown[]) => Promise<unknown>) =>
    store.add(registerCommand(d, id, title, run, retryCommand(vs, id)));

  register('pangeo.files.openServerFiles', 'Open Server Files', async (arg) => {
    const server = await pickReadyServer(vs, hubs, arg, 'Open the files of which server?');
    if (!server) return undefined;
    const loc = { hubId: server.hubId, user: server.user, serverName: server.server.name, path: '' };
    const uri = provider.uriFor(loc);
    // Listing the root first proves access, so a bad token fails here and not as an empty folder.
    await vs.workspace.fs.readDirectory(uri);
    const folders = vs.workspace.workspaceFolders ?? [];
    if (!folders.some((f) => f.uri.toString() === uri.toString())) {
      const how = await howToAddFolder(vs, loc);
      if (how === 'cancel') return undefined;
      if (how === 'newWindow') {
        await vs.commands.executeCommand('vscode.openFolder', await newWindowTarget(d, uri, loc), { forceNewWindow: true });
        return uri.toString();
      }
      vs.workspace.updateWorkspaceFolders(folders.length, 0, { uri, name: serverFolderName(loc) });
    }
    await vs.commands.executeCommand('workbench.view.explorer');
    return uri.toString();
  });

  register('pangeo.files.upload', 'Upload to Server', async (arg, list) => {
    const locals = (Array.isArray(list) && list.length ? list : arg instanceof vs.Uri ? [arg] : []) as vscode.Uri[];
    const sources = locals.length ? locals : await vs.window.showOpenDialog({ canSelectMany: true, openLabel: 'Upload', title: 'Upload which files to the server?',
      // This machine's files, also in a window whose only folders are on hub servers (the dialog would show those).
      defaultUri: (vs.workspace.workspaceFolders ?? []).find((f) => f.uri.scheme === 'file')?.uri ?? vs.Uri.file(homedir()) }) ?? [];
    if (!sources.length) return undefined;
    const target = await pickTargetFolder(d);
    if (!target) return undefined;
    let done = 0;
    await vs.window.withProgress({ location: vs.ProgressLocation.Notification, title: 'Uploading to the server', cancellable: false }, async (progress) => {
      for (const source of sources) {
        const name = source.path.split('/').pop()!;
        progress.report({ message: notificationText(name).text });
        await copyTree(vs, source, vs.Uri.joinPath(target, name));
        done++;
        progress.report({ increment: 100 / sources.length });
      }
    });
    const place = locateHubUri(target);
    void vs.window.showInformationMessage(notificationText(`Uploaded ${done} item${done === 1 ? '' : 's'} to ${place ? serverPlaceName(place) : target.path}.`).text);
    return target.toString();
  });

  register('pangeo.files.download', 'Download', async (arg, list, into) => {
    const remotes = ((Array.isArray(list) && list.length ? list : arg instanceof vs.Uri ? [arg] : []) as vscode.Uri[])
      .filter((u) => u.scheme === HUB_FILE_SCHEME);
    if (!remotes.length) {
      void vs.window.showInformationMessage('Pick files or folders of a hub server in the Explorer, then run Download….');
      return undefined;
    }
    // A caller (another command, a test) may name the folder; from the Explorer the user picks it.
    const destination = into instanceof vs.Uri ? into : (await vs.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Download Here', title: 'Download to which folder?',
      // The local project first (where a student wants the course data), else the home folder.
      defaultUri: (vs.workspace.workspaceFolders ?? []).find((f) => f.uri.scheme === 'file')?.uri ?? vs.Uri.file(homedir()) }))?.[0];
    if (!destination) return undefined;
    await vs.window.withProgress({ location: vs.ProgressLocation.Notification, title: 'Downloading from the server' }, async (progress) => {
      for (const remote of remotes) {
        const name = remote.path.split('/').pop()!;
        progress.report({ message: notificationText(name).text, increment: 100 / remotes.length });
        await copyTree(vs, remote, vs.Uri.joinPath(destination, name));
      }
    });
    void vs.window.showInformationMessage(notificationText(`Downloaded ${remotes.length} item${remotes.length === 1 ? '' : 's'} to ${destination.fsPath}.`).text);
    return destination.toString();
  });

  return store;
}

/**
 * Whether the server's folder can join this window. A multi-root workspace (saved or untitled) takes a folder in
 * place; a window with one folder or none is reloaded into a new workspace, which restarts the extensions and loses
 * unsaved untitled files (seen in code-server): with unsaved work, the user chooses (a new window, save first, or not).
 */
async function howToAddFolder(vs: typeof vscode, loc: ServerFileLocation): Promise<'add' | 'newWindow' | 'cancel'> {
  if (vs.workspace.workspaceFile || !unsavedNames(vs).length) return 'add';
  const newWindow = 'Open in New Window';
  const saveFirst = 'Save and Add';
  // A notification, not a modal dialog: the editor refuses modal dialogs under its test runner, and closing it is Cancel.
  const picked = await vs.window.showWarningMessage(notificationText(`Adding ${serverDisplayName(loc)} to this window reloads it, and unsaved work would be lost `
    + `(${unsavedNames(vs).join(', ')}). Open the server's files in a new window, or save first and add them here?`).text, newWindow, saveFirst, 'Cancel');
  if (picked === newWindow) return 'newWindow';
  if (picked !== saveFirst) return 'cancel';
  await vs.workspace.saveAll(true);
  const left = unsavedNames(vs);
  if (!left.length) return 'add';
  void vs.window.showWarningMessage(notificationText(`The server's files were not added: ${left.join(', ')} ${left.length === 1 ? 'is' : 'are'} still unsaved.`).text);
  return 'cancel';
}

/**
 * What "Open in New Window" opens: a workspace file with the server's folder under its friendly name (a bare folder
 * would be labelled "@", and adding a second server there would reload that window too), else the folder itself.
 */
async function newWindowTarget(d: ServerFileCommandDeps, uri: vscode.Uri, loc: ServerFileLocation): Promise<vscode.Uri> {
  const { vs, storageUri } = d;
  if (!storageUri) return uri;
  try {
    const dir = vs.Uri.joinPath(storageUri, 'server-workspaces');
    await vs.workspace.fs.createDirectory(dir);
    const name = serverFolderName(loc);
    const file = vs.Uri.joinPath(dir, `${encodeURIComponent(name)}.code-workspace`);
    const workspace = { folders: [{ uri: uri.toString(), name }], settings: {} };
    await vs.workspace.fs.writeFile(file, new TextEncoder().encode(`${JSON.stringify(workspace, null, 2)}\n`));
    return file;
  } catch (e) {
    d.logger.warn(`Open in New Window: no workspace file (${e instanceof Error ? e.message : String(e)}); opening the folder itself`);
    return uri;
  }
}

/** The open files and notebooks with changes a reload would lose (a notebook's cells count as the notebook). */
function unsavedNames(vs: typeof vscode): string[] {
  const docs = [
    ...vs.workspace.notebookDocuments.filter((n) => n.isDirty).map((n) => n.uri),
    ...vs.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme !== 'vscode-notebook-cell').map((d) => d.uri),
  ];
  return docs.map((u) => u.path.split('/').pop() || u.toString());
}

/** A folder of a server that is open in the workspace (or the root of a picked ready server). */
async function pickTargetFolder(d: ServerFileCommandDeps): Promise<vscode.Uri | undefined> {
  const { vs } = d;
  const open = (vs.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === HUB_FILE_SCHEME);
  if (open.length) {
    const picked = await vs.window.showQuickPick([
      ...open.map((f) => ({ label: iconLabel(f.name), description: 'home folder', uri: f.uri })),
      { label: 'Another server…', description: '', uri: undefined },
    ], { title: 'Upload to which server?' });
    if (!picked) return undefined;
    if (picked.uri) return picked.uri;
  }
  const server = await pickReadyServer(vs, d.hubs, undefined, 'Upload to which server?');
  return server ? d.provider.uriFor({ hubId: server.hubId, user: server.user, serverName: server.server.name, path: '' }) : undefined;
}

/** Copies a file or a folder tree between any two file systems the editor knows (local disk, pangeo-hub:). */
async function copyTree(vs: typeof vscode, from: vscode.Uri, to: vscode.Uri): Promise<void> {
  const stat = await vs.workspace.fs.stat(from);
  if (stat.type & vs.FileType.Directory) {
    await vs.workspace.fs.createDirectory(to);
    for (const [name] of await vs.workspace.fs.readDirectory(from)) await copyTree(vs, vs.Uri.joinPath(from, name), vs.Uri.joinPath(to, name));
    return;
  }
  await vs.workspace.fs.writeFile(to, await vs.workspace.fs.readFile(from));
}
