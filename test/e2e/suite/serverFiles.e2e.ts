// Issue 11 in a real editor: files of the hub server through the pangeo-hub: file system, a notebook opened from the
// hub running on that server's kernel in its own folder (a relative path reads the file next to it), saved by the
// editor's own ipynb serializer and read back through the Contents API; a terminal on the server running `echo`.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { HUB_FILE_SCHEME, toHubUriParts } from '../../../src/files/hubFileUri';
import { controllerLabel } from '../../../src/kernels/controllerId';
import { hubLabel } from '../../../src/hubs/hubUrl';
import { suite, test } from '../runner/registry';
import { ui } from '../runner/ui';
import { driveCommand, ensureReadyServer, hubConfig, pangeoApi, requireHub, until } from './support/hubScenario';
import { setShowOwnControllers } from './support/notebooks';

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

    test('Upload to Server… and Download… copy files between this machine and the server', async () => {
      const folder = vscode.workspace.workspaceFolders![0]!.uri;
      const local = vscode.Uri.joinPath(folder, 'upload-me.csv');
      await vscode.workspace.fs.writeFile(local, new TextEncoder().encode('a,b\n1,2\n'));
      // As the Explorer's context menu calls it. Earlier suites may have left other servers ready: then it asks which.
      const api = await pangeoApi();
      const ready = api.hubs.readyServers();
      console.log(`[e2e] ready servers before Upload: ${ready.map((r) => `${r.server.name || 'default'} on ${r.hubLabel}`).join(', ')}`);
      const upload = vscode.commands.executeCommand('pangeo.files.upload', local, [local]);
      if (ready.length > 1) {
        await driveCommand(upload, async () => {
          await ui({ kind: 'quickInput', expect: 'Upload to which server?', pick: 'Default server' });
        });
      } else {
        await upload;
      }
      const uploaded = await contentsApi('GET', 'upload-me.csv', undefined, 'file');
      assert.equal(uploaded.content, 'a,b\n1,2\n');
      // The folder is named by the caller here: code-server's simple folder dialog raced the typed path in full runs.
      const remote = uriOf('e2e-course/data.txt');
      await vscode.commands.executeCommand('pangeo.files.download', remote, [remote], folder);
      assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, 'data.txt'))), 'read next to the notebook');
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
