// Issue 11 in a real editor: files of the hub server through the pangeo-hub: file system, a notebook opened from the
// hub running on that server's kernel in its own folder (a relative path reads the file next to it), saved by the
// editor's own ipynb serializer and read back through the Contents API; a terminal on the server running `echo`.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { HUB_FILE_SCHEME, serverFolderName, toHubUriParts } from '../../../src/files/hubFileUri';
import { controllerLabel } from '../../../src/kernels/controllerId';
import { hubLabel } from '../../../src/hubs/hubUrl';
import { suite, test } from '../runner/registry';
import { ui } from '../runner/ui';
import { driveCommand, ensureReadyServer, hubConfig, pangeoApi, requireHub, until } from './support/hubScenario';
import { setShowOwnControllers } from './support/notebooks';
import { noCancellation, openJupyterNotebook } from './support/jupyterStub';
import { pickerCommands } from './support/jupyterExtension';

const STDOUT_MIME = 'application/vnd.code.notebook.stdout';

if (hubConfig()) {
  suite('server files', () => {
    let serverUrl = '';
    let base = '';
    const uriOf = (path: string) => vscode.Uri.from({ scheme: HUB_FILE_SCHEME, ...toHubUriParts({ hubId: base, user: requireHub().user, serverName: '', path }) });
    const contentsApi = async (method: string, path: string, body?: unknown, type = 'notebook') => {
      const res = await fetch(`${serverUrl}api/contents/${path.split('/').map(encodeURIComponent).join('/')}${method === 'GET' ? `?type=${type}&content=1` : ''}`, {
        method, headers: { Authorization: `token ${requireHub().token}`, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
      });
      assert.ok(res.ok, `${method} ${path}: HTTP ${res.status}`);
      return res.json() as Promise<Record<string, unknown>>;
    };

    test('the server folder lists what the Contents API has', async () => {
      const hub = requireHub();
      const api = await pangeoApi();
      base = await ensureReadyServer(api, hub);
      serverUrl = api.hubs.readyServers().find((s) => s.hubId === base && s.server.name === '')!.server.url!;
      await contentsApi('PUT', 'e2e-course', { type: 'directory' });
      await contentsApi('PUT', 'e2e-course/data.txt', { type: 'file', format: 'text', content: 'read next to the notebook' });
      await contentsApi('PUT', 'e2e-course/week1.ipynb', { type: 'notebook', format: 'json', content: {
        cells: [{ cell_type: 'code', execution_count: null, id: 'c1', metadata: {}, outputs: [], source: "print(open('data.txt').read())" }],
        metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, custom: { kept: true } }, nbformat: 4, nbformat_minor: 5,
      } });
      const names = (await vscode.workspace.fs.readDirectory(uriOf('e2e-course'))).map(([n]) => n).sort();
      assert.deepEqual(names, ['data.txt', 'week1.ipynb']);
      assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(uriOf('e2e-course/data.txt'))), 'read next to the notebook');
    }, 90_000);

    test('a notebook from the hub runs on its server in its folder; saving writes nbformat the server reads', async () => {
      const hub = requireHub();
      // The Jupyter extension (stub) is installed and pangeo.kernels.showOwnControllers is off: a hub notebook still
      // gets its server's controller, selected for it (issue 11).
      await setShowOwnControllers(undefined);
      try {
        const notebook = await vscode.workspace.openNotebookDocument(uriOf('e2e-course/week1.ipynb'));
        const editor = await vscode.window.showNotebookDocument(notebook);
        // Preferred for this server's notebooks: selected without asking.
        const expected = controllerLabel('Python 3 (ipykernel)', hub.user, hubLabel(base), ''); // the kernelspec's display name
        await until('our kernel to be selected for the hub notebook', async () => ((await ui({ kind: 'text', selector: '.kernel-label' }, 10_000)) ?? '').includes(expected), 30_000, 500);
        await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 0, end: 1 }], document: notebook.uri });
        const out = () => notebook.cellAt(0).outputs.flatMap((o) => o.items.filter((i) => i.mime === STDOUT_MIME).map((i) => new TextDecoder().decode(i.data))).join('');
        await until('the cell output', () => out().includes('read next to the notebook'), 30_000, 200);
        const edit = new vscode.WorkspaceEdit();
        edit.set(notebook.uri, [vscode.NotebookEdit.insertCells(1, [new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, '# Added in VS Code', 'markdown')])]);
        assert.ok(await vscode.workspace.applyEdit(edit));
        assert.ok(await notebook.save(), 'saved');
        const model = await contentsApi('GET', 'e2e-course/week1.ipynb');
        const content = model.content as { nbformat: number; cells: Array<{ cell_type: string; source: string; outputs?: Array<{ text?: string }> }>; metadata: Record<string, unknown> };
        assert.equal(content.nbformat, 4);
        assert.deepEqual(content.cells.map((c) => c.cell_type), ['code', 'markdown']);
        assert.equal(content.cells[1]!.source, '# Added in VS Code');
        assert.match(String(content.cells[0]!.outputs?.[0]?.text), /read next to the notebook/);
        assert.deepEqual((content.metadata as { custom?: unknown }).custom, { kept: true });
        assert.equal((content.metadata.kernelspec as { name: string }).name, 'python3');
        void editor;
        await ui({ kind: 'screenshot', name: 'server-notebook' });
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      } finally {
        await setShowOwnControllers(undefined);
      }
    }, 120_000);

    test('"Open Server Files" adds the server\'s home as a workspace folder in place: an unsaved notebook stays, nothing asked', async () => {
      const hub = requireHub();
      const api = await pangeoApi();
      base = await ensureReadyServer(api, hub);
      serverUrl = api.hubs.readyServers().find((s) => s.hubId === base && s.server.name === '')!.server.url!;
      // Unsaved work a reload would lose (issue 22): this window is a multi-root workspace, so none happens.
      const untitled = await openJupyterNotebook();
      await vscode.window.showNotebookDocument(untitled);
      const edit = new vscode.WorkspaceEdit();
      edit.set(untitled.uri, [vscode.NotebookEdit.insertCells(1, [new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'x = 42', 'python')])]);
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(untitled.isDirty, 'the untitled notebook has unsaved changes');
      const opening = vscode.commands.executeCommand('pangeo.files.openServerFiles', { kind: 'server', base, server: { name: '' } });
      const root = uriOf('');
      assert.equal(await opening, root.toString());
      const folder = await until('the server folder in the workspace', () => vscode.workspace.workspaceFolders?.find((f) => f.uri.toString() === root.toString()), 30_000, 200);
      const name = serverFolderName({ hubId: base, user: hub.user, serverName: '' });
      assert.equal(folder.name, name);
      assert.ok(vscode.workspace.workspaceFolders![0]!.uri.scheme === 'file', 'the local folder stays first (no extension host restart)');
      assert.ok(untitled.isDirty && !untitled.isClosed, 'the unsaved notebook is still open with its changes');
      await until('the server folder in the Explorer', async () => ((await ui({ kind: 'text', selector: '.explorer-folders-view' }, 10_000)) ?? '').includes(name), 30_000, 500);
      await vscode.window.showNotebookDocument(untitled);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }, 90_000);

    test('"Open Server Files…" in the kernel picker\'s "Pangeo hubs" entry closes the picker and shows the server folder', async () => {
      const api = await pangeoApi();
      const picker = await pickerCommands(api); // the stub's recorded provider, or the one the real extension was given
      const commands = (await picker.provideCommands(undefined, noCancellation())) ?? [];
      const open = commands.find((c) => c.label === 'Open Server Files…');
      assert.ok(open, `picker commands: ${commands.map((c) => c.label).join(', ')}`);
      // Not a kernel choice: the picker is told to close, and the files open in the Explorer.
      const handled = Promise.resolve(picker.handleCommand(open, noCancellation()));
      await assert.rejects(handled, (e: Error) => e.name === 'Canceled' || /cancel/i.test(e.message));
      if (api.hubs.readyServers().length > 1) {
        await ui({ kind: 'quickInput', expect: 'Open the files of which server?', pick: 'Default server' });
      }
      const root = uriOf('');
      await until('the server folder in the workspace', () => vscode.workspace.workspaceFolders?.find((f) => f.uri.toString() === root.toString()), 30_000, 200);
      const name = serverFolderName({ hubId: base, user: requireHub().user, serverName: '' });
      await until('the server folder in the Explorer', async () => ((await ui({ kind: 'text', selector: '.explorer-folders-view' }, 10_000)) ?? '').includes(name), 30_000, 500);
    }, 90_000);

    test('files changed on the server show in the Explorer and in an open editor without a refresh', async () => {
      await contentsApi('PUT', 'e2e-course/notes.txt', { type: 'file', format: 'text', content: 'first version' });
      const notes = uriOf('e2e-course/notes.txt');
      // What reaches extensions of the editor's file events, to tell "no event" from "event, no reload" on failure.
      const seen: string[] = [];
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(uriOf(''), '**/*'));
      for (const [kind, on] of [['created', watcher.onDidCreate], ['changed', watcher.onDidChange], ['deleted', watcher.onDidDelete]] as const) {
        on((u) => seen.push(`${kind} ${u.path.split('/').slice(-2).join('/')}`));
      }
      const explained = <T>(p: Promise<T>) => p.catch((e: Error) => {
        throw new Error(`${e.message}; file events seen: ${seen.join(', ') || 'none'}`);
      });
      const doc = await vscode.workspace.openTextDocument(notes);
      await vscode.window.showTextDocument(doc);
      assert.equal(doc.getText(), 'first version');
      // The folder expanded in the Explorer, as a user opens it.
      await vscode.commands.executeCommand('revealInExplorer', notes);
      await until('notes.txt in the Explorer', async () => ((await ui({ kind: 'text', selector: '.explorer-folders-view' }, 10_000)) ?? '').includes('notes.txt'), 30_000, 500);
      // JupyterLab (or a kernel, a terminal) changes things on the server.
      await contentsApi('PUT', 'e2e-course/notes.txt', { type: 'file', format: 'text', content: 'changed on the server' });
      await contentsApi('PUT', 'e2e-course/made-on-server.csv', { type: 'file', format: 'text', content: 'x,y\n' });
      await explained(until('the open editor to show the server\'s version', () => doc.getText() === 'changed on the server', 40_000, 250));
      await explained(until('the new file in the Explorer', async () => ((await ui({ kind: 'text', selector: '.explorer-folders-view' }, 10_000)) ?? '').includes('made-on-server.csv'), 40_000, 500));
      watcher.dispose();
      await ui({ kind: 'screenshot', name: 'server-files-watched' });
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }, 120_000);

    test('Upload to Server… and Download… copy files between this machine and the server', async () => {
      const folder = vscode.workspace.workspaceFolders![0]!.uri;
      const local = vscode.Uri.joinPath(folder, 'upload-me.csv');
      await vscode.workspace.fs.writeFile(local, new TextEncoder().encode('a,b\n1,2\n'));
      // As the Explorer's context menu calls it. Earlier suites may have left other servers ready: then it asks which.
      const api = await pangeoApi();
      const ready = api.hubs.readyServers();
      console.log(`[e2e] ready servers before Upload: ${ready.map((r) => `${r.server.name || 'default'} on ${r.hubLabel}`).join(', ')}`);
      const upload = vscode.commands.executeCommand('pangeo.files.upload', local, [local]);
      // With the server's folder in the workspace (the picker test above), it is offered first.
      const serverFolder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === HUB_FILE_SCHEME);
      if (serverFolder) {
        await driveCommand(upload, async () => {
          await ui({ kind: 'quickInput', expect: 'Upload to which server?', pick: serverFolder.name });
        });
      } else if (ready.length > 1) {
        await driveCommand(upload, async () => {
          await ui({ kind: 'quickInput', expect: 'Upload to which server?', pick: 'Default server' });
        });
      } else {
        await upload;
      }
      const uploaded = await contentsApi('GET', 'upload-me.csv', undefined, 'file');
      assert.equal(uploaded.content, 'a,b\n1,2\n');
      // Download… asks for the folder in the editor's own dialog: a folder other than the one it starts in is typed.
      const into = vscode.Uri.joinPath(folder, 'downloads');
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(into, 'marker-folder'));
      const remote = uriOf('e2e-course/data.txt');
      await driveCommand(vscode.commands.executeCommand('pangeo.files.download', remote, [remote]), async () => {
        await ui({ kind: 'folderDialog', expect: 'Download to which folder?', path: `${into.fsPath}/`, expectRow: 'marker-folder' }, 30_000);
      });
      assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(into, 'data.txt'))), 'read next to the notebook');
      await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.joinPath(folder, 'data.txt'))), 'not in the folder the dialog started in');
    }, 60_000);

    test('a terminal on the server runs echo', async () => {
      // The DOM renderer puts the terminal's text in the page, where the harness can read it.
      await vscode.workspace.getConfiguration('terminal.integrated').update('gpuAcceleration', 'off', vscode.ConfigurationTarget.Global);
      const name = await vscode.commands.executeCommand<string | undefined>('pangeo.terminals.open', { kind: 'server', base, server: { name: '' } });
      assert.ok(name, 'a terminal was created on the server');
      const terminal = await until('the Pangeo terminal', () => vscode.window.terminals.find((t) => t.name.startsWith('Pangeo: default')), 10_000);
      terminal.show();
      await new Promise((r) => setTimeout(r, 1500));
      terminal.sendText('echo e2e-$((40+2))-done');
      await until('the echo in the terminal', async () => /e2e-42-done/.test((await ui({ kind: 'text', selector: '.xterm-rows' }, 5_000)) ?? ''), 30_000, 500);
      await ui({ kind: 'screenshot', name: 'server-terminal' });
      terminal.dispose();
      await vscode.workspace.getConfiguration('terminal.integrated').update('gpuAcceleration', undefined, vscode.ConfigurationTarget.Global);
    }, 60_000);
  });
}
