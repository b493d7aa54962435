// Issue 19 item 5: "Developer: Reload Window" in the middle of a 40-second cell on a hub kernel of the Jupyter
// extension's ("Pangeo hubs" in its picker). Runs after windowReload (file names sort so) and reloads once more.
// With the real ms-toolsai.jupyter (PANGEO_E2E_JUPYTER_EXTENSION, checked by hand; it cannot be built in CI) the test
// picks the kernel in its picker, runs the cell through it, reloads, and asserts what the user then sees: the notebook
// back on its running kernel (the live kernel's label names the notebook), the cell spinning again and ending with its
// result, the lines from before the reload kept, no line twice; and our notice, whose Show Output holds the lines the
// extension leaves out of the cell (what it printed until the extension resumed the cell), so that every line is in
// one of the two. Saves jupyter-extension-output-kept.png, jupyter-extension-after-reload.png (running again) and
// jupyter-extension-reload-ended.png. With the stand-in (CI) nothing runs cells, so the test plays the extension's
// kernel connection (@jupyterlab/services with the socket class our provider hands it, as the extension wraps it) and
// asserts what that connection gets after a real reload: the lines printed while no window was attached, replayed
// once, because the session key was kept in the workspace's storage; and the notice, whose Show Output document
// holds the rest of the run as it arrived.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { JupyterServer } from '@vscode/jupyter-extension';
import { KernelConnection } from '@jupyterlab/services/lib/kernel/default';
import { ServerConnection, type KernelMessage } from '@jupyterlab/services';
import { suite, test } from '../runner/registry';
import { reloadWindowAndContinue, stateFromBeforeReload } from '../runner/reload';
import { ui } from '../runner/ui';
import { ensureReadyServer, hubConfig, pangeoApi, requireHub, until, type PangeoApi } from './support/hubScenario';
import { isStub, listed, none, pickInJupyterPicker, provider } from './support/jupyterExtension';
import { cellOutputs, plainText, runCell, STDOUT_MIME } from './support/notebooks';

const LINES = 175;
/** Lines printed before the reload; then a quiet 5 s in which the window reloads (see QUIET). */
const BEFORE = 25;
// A line every 0.2 s, 40 s in all. The window reloads in the quiet 5 s after line 24: a line the server wrote into
// the dying window's socket was sent as far as the server knows and is kept for no one (seen: line 25 lost when the
// cell printed on through the reload); the test checks what the reload does to output printed AFTER the socket went.
const CELL = `import time\nfor i in range(${LINES}):\n    print(i, flush=True)\n    time.sleep(5 if i == ${BEFORE - 1} else 0.2)\n'finished'`;
const EXPECTED = Array.from({ length: LINES }, (_, i) => String(i));
const NOTEBOOK = 'reattach-jupyter-extension.ipynb';
const NOTICE = 'A cell kept running on';

interface BeforeReload {
  mode: 'real' | 'stub';
  uri?: string;
  kernelId: string;
  /** The execute_request's msg_id (stub mode: the one our played connection sent). */
  msgId?: string;
  linesBefore: string[];
  reloadedAt: number;
}

function stdoutLines(editor: vscode.NotebookEditor): string[] {
  return cellOutputs(editor, 0).filter((o) => o.mime === STDOUT_MIME).flatMap((o) => o.text.split('\n')).filter((l) => l !== '');
}

/** GET on the hub server's REST API with the scenario user's token (what the server itself says). */
async function serverGet<T>(api: PangeoApi, base: string, path: string): Promise<T> {
  const hub = requireHub();
  const server = api.hubs.readyServers().find((s) => s.hubId === base && s.server.name === '');
  assert.ok(server?.server.url, 'the default server is ready');
  const res = await fetch(new URL(path, server.server.url), { headers: { Authorization: `token ${hub.token}` } });
  assert.equal(res.status, 200, `GET ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** The connection information our provider gives the Jupyter extension for the default server. */
async function resolved(api: PangeoApi, base: string): Promise<NonNullable<JupyterServer['connectionInformation']> & { WebSocket?: unknown }> {
  const p = await provider(api);
  const server = await until('the server to be listed', () => listed(p, `${base}#`), 30_000, 250);
  const info = (await p.resolveJupyterServer(server, none()))?.connectionInformation;
  assert.ok(info, 'our provider resolved the default server');
  return info;
}

/**
 * A kernel connection as the Jupyter extension makes one (stub mode): a fresh client key, the socket class from the
 * connection information constructed with (url, protocols) only, as its wrapWebSocketCtor does.
 */
function extensionLikeConnection(info: Awaited<ReturnType<typeof resolved>>, kernel: { id: string; name: string }): KernelConnection {
  const Provided = info.WebSocket as (new (url: string, protocols?: string | string[]) => WebSocket) | undefined;
  assert.ok(Provided, 'our connection information carries no WebSocket class');
  class Wrapped extends Provided {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
    }
  }
  const baseUrl = info.baseUrl.toString(true);
  const serverSettings = ServerConnection.makeSettings({ baseUrl, wsUrl: baseUrl.replace(/^http/, 'ws'), token: '', appendToken: false, WebSocket: Wrapped as never });
  return new KernelConnection({ model: kernel, serverSettings, clientId: randomUUID(), handleComms: false });
}

function streamText(msg: KernelMessage.IIOPubMessage): string | undefined {
  return msg.header.msg_type === 'stream' ? (msg.content as { text: string }).text : undefined;
}

/**
 * Stub mode, the window before the reload: runs the cell over a socket of the class our provider hands the extension
 * (JSON frames), records what arrives, and closes the socket after 25 lines — keeping every line it got, so the lines
 * the server kept from then on are exactly the rest (a window's death would lose what was in flight).
 */
async function startAndLeave(info: Awaited<ReturnType<typeof resolved>>, kernelId: string): Promise<{ msgId: string; lines: string[] }> {
  const Provided = info.WebSocket as (new (url: string, protocols?: string | string[]) => WebSocket) | undefined;
  assert.ok(Provided, 'our connection information carries no WebSocket class');
  const url = new URL(`api/kernels/${kernelId}/channels?session_id=${randomUUID()}`, info.baseUrl.toString(true));
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new Provided(url.toString());
  const msgId = randomUUID();
  const lines: string[] = [];
  socket.addEventListener('message', (e: MessageEvent) => {
    const msg = JSON.parse(String(e.data)) as KernelMessage.IIOPubMessage;
    if ((msg.parent_header as { msg_id?: string }).msg_id === msgId) lines.push(...(streamText(msg) ?? '').split('\n').filter(Boolean));
  });
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () => reject(new Error('the kernel socket did not open')));
  });
  socket.send(JSON.stringify({
    header: { msg_id: msgId, msg_type: 'execute_request', username: 'e2e', session: randomUUID(), date: new Date().toISOString(), version: '5.3' },
    parent_header: {}, metadata: {}, channel: 'shell', buffers: [],
    content: { code: CELL, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
  }));
  await until('the counter to reach 24', () => lines.length >= BEFORE, 60_000, 50);
  const closed = new Promise<void>((resolve) => socket.addEventListener('close', () => resolve()));
  socket.close();
  await closed;
  return { msgId, lines };
}

if (hubConfig()) {
  suite('jupyter extension window reload', () => {
    test('a 40-second cell on a hub kernel of the Jupyter extension is running when the window reloads', async () => {
      const hub = requireHub();
      const api = await pangeoApi();
      const base = await ensureReadyServer(api, hub);
      if (isStub()) {
        // The stand-in runs no cells: a connection made as the extension makes one runs the cell.
        const info = await resolved(api, base);
        const started = await fetch(new URL('api/kernels', info.baseUrl.toString(true)), {
          method: 'POST', headers: { ...info.headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'python3' }),
        });
        assert.equal(started.status, 201, `POST api/kernels: HTTP ${started.status}`);
        const kernel = (await started.json()) as { id: string; name: string };
        const { msgId, lines } = await startAndLeave(info, kernel.id);
        console.log(`[e2e] stub: reloading with ${lines.length} lines received`);
        await reloadWindowAndContinue({ mode: 'stub', kernelId: kernel.id, msgId, linesBefore: lines, reloadedAt: Date.now() } satisfies BeforeReload);
        return;
      }
      const server = api.hubs.readyServers().find((s) => s.hubId === base && s.server.name === '')!;
      await vscode.workspace.getConfiguration('jupyter').update('logging.level', 'trace', vscode.ConfigurationTarget.Global);
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder, 'the e2e window has a folder');
      const path = join(folder.uri.fsPath, NOTEBOOK);
      writeFileSync(path, JSON.stringify({
        nbformat: 4, nbformat_minor: 5, metadata: {},
        cells: [{ cell_type: 'code', id: 'counter', metadata: {}, source: CELL, outputs: [], execution_count: null }],
      }));
      const editor = await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(vscode.Uri.file(path)));
      await pickInJupyterPicker(editor, `${server.server.name || 'default'} — ${server.user} @ ${server.hubLabel}`);
      void runCell(editor, 0);
      await until('the counter to reach 24', () => stdoutLines(editor).length >= BEFORE, 90_000, 50);
      await editor.notebook.save();
      const sessions = await serverGet<{ path: string; kernel: { id: string } }[]>(api, base, 'api/sessions');
      const session = sessions.find((s) => s.path.includes(NOTEBOOK.replace(/\.ipynb$/, '')));
      assert.ok(session, `the Jupyter extension's session for the notebook: ${JSON.stringify(sessions)}`);
      const linesBefore = stdoutLines(editor);
      console.log(`[e2e] real Jupyter extension: reloading with ${linesBefore.length} lines shown, kernel ${session.kernel.id}`);
      await reloadWindowAndContinue({ mode: 'real', uri: editor.notebook.uri.toString(), kernelId: session.kernel.id, linesBefore, reloadedAt: Date.now() } satisfies BeforeReload);
    }, 180_000);

    test('after the reload the hub kernel\'s cell shows what it printed meanwhile and ends with its result', async () => {
      const before = stateFromBeforeReload<BeforeReload>();
      assert.ok(before, 'runs right after the reload made by the test before');
      const hub = requireHub();
      const api = await pangeoApi();
      const base = await ensureReadyServer(api, hub);
      if (before.mode === 'stub') {
        // A new extension host: a new provider, whose socket class reads the key the old window kept in the workspace.
        const info = await resolved(api, base);
        const shownOutput = ui({ kind: 'notification', expect: NOTICE, button: 'Show Output' }, 60_000).then(() => true, (e: unknown) => String(e));
        const connection = extensionLikeConnection(info, { id: before.kernelId, name: 'python3' });
        const after: string[] = [];
        let result: string | undefined;
        let ended = false;
        connection.iopubMessage.connect((_, msg) => {
          if ((msg.parent_header as { msg_id?: string }).msg_id !== before.msgId) return;
          after.push(...(streamText(msg) ?? '').split('\n').filter(Boolean));
          if (msg.header.msg_type === 'execute_result') result = (msg.content as { data: Record<string, string> }).data['text/plain'];
          if (msg.header.msg_type === 'status' && (msg.content as { execution_state: string }).execution_state === 'idle') ended = true;
        });
        try {
          await until('the run to end', () => ended, 90_000, 100);
          const lines = [...before.linesBefore, ...after];
          assert.deepEqual(lines, EXPECTED, `every line once, in order (${before.linesBefore.length} before the reload, ${after.length} after)`);
          assert.equal(result, "'finished'");
          // Our socket class saw the same (the output of a request no connection of this window sent), and told.
          const expectedKept = [...after, "'finished'"];
          const notice = ((await provider(api)) as unknown as { earlierOutput: { textOf(id: string): string | undefined } }).earlierOutput;
          assert.deepEqual(notice.textOf(before.msgId!)?.split('\n').filter(Boolean), expectedKept, 'what Show Output shows');
          assert.equal(await shownOutput, true, 'the notice');
          const doc = await until('the Show Output document to hold the run to its end', () => vscode.workspace.textDocuments.find((d) => d.isUntitled && d.getText().includes("'finished'")), 30_000, 250);
          assert.deepEqual(doc.getText().split('\n').filter(Boolean), expectedKept, 'the Show Output document (appended to while the cell ran)');
        } finally {
          connection.dispose();
          await fetch(new URL(`api/kernels/${before.kernelId}`, info.baseUrl.toString(true)), { method: 'DELETE', headers: info.headers }).catch(() => undefined);
        }
        return;
      }
      const editor = await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(vscode.Uri.parse(before.uri!)));
      const reopened = Date.now();
      // Our notice of what the extension leaves out of the cell: clicked as soon as it shows (Show Output).
      const shownOutput = ui({ kind: 'notification', expect: NOTICE, button: 'Show Output' }, 90_000).then(() => true, (e: unknown) => String(e));
      const cell = () => editor.notebook.cellAt(0);
      const seen: string[] = [];
      const look = async (when: string) => {
        const label = await ui({ kind: 'text', selector: '.kernel-action-view-item .kernel-label' }, 5_000).catch(() => '?');
        const spinning = await ui({ kind: 'count', selector: '.notebook-editor .codicon-modifier-spin' }, 5_000).catch(() => -1);
        const status = await ui({ kind: 'text', selector: '.cell-statusbar-container' }, 5_000).catch(() => '?');
        const line = `${when}: label "${label}", spinning ${spinning}, status "${status}", lines ${stdoutLines(editor).length}, summary ${JSON.stringify(cell().executionSummary)}`;
        seen.push(line);
        console.log(`[e2e] real Jupyter extension after reload, ${line}`);
        return { label: String(label), spinning: Number(spinning) };
      };
      await look('shown again');
      const shown = await shownOutput;
      const keptDoc = await until('the Show Output document', () => vscode.workspace.textDocuments.find((d) => d.isUntitled && d.languageId === 'plaintext' && d.getText().length > 0), 30_000, 250).catch(() => undefined);
      if (keptDoc) await ui({ kind: 'screenshot', name: 'jupyter-extension-output-kept' });
      await vscode.window.showNotebookDocument(editor.notebook);
      // The extension resumes the cell once its kernel_info wait on the busy kernel is over: the cell spins again.
      const running = await until('the cell to show running again', async () => ((await look('running?')).spinning > 0 ? true : undefined), 60_000, 1_000).then(() => true, () => false);
      const whileRunning = await look('running again');
      await ui({ kind: 'screenshot', name: 'jupyter-extension-after-reload' });
      const ended = await until('the cell to end after the reload', () => {
        const end = cell().executionSummary?.timing?.endTime;
        return end !== undefined && end > before.reloadedAt;
      }, 120_000, 250).then(() => true, () => false);
      await vscode.window.showNotebookDocument(editor.notebook);
      await look(ended ? `ended ${Date.now() - reopened} ms after shown` : 'never ended');
      await ui({ kind: 'screenshot', name: 'jupyter-extension-reload-ended' });
      // One notice per cell: output of requests that started after the reload (the extension's, ours) raises none.
      const secondNotice = await ui({ kind: 'notification', expect: NOTICE }, 8_000).then(() => true, () => false);
      const lines = stdoutLines(editor);
      const kept = (keptDoc?.getText() ?? '').split('\n').filter((l) => l !== '');
      const missing = EXPECTED.filter((l) => !lines.includes(l));
      console.log(`[e2e] cell lines: ${lines.length} (${before.linesBefore.length} before the reload); missing from the cell: ${missing.length ? `${missing[0]}–${missing.at(-1)}` : 'none'}; Show Output: ${String(shown)}, ${kept.length} lines (${kept[0]}–${kept.at(-1)})`);
      assert.ok(ended, seen.join('\n'));
      assert.ok(running, `the cell was never shown running again:\n${seen.join('\n')}`);
      assert.ok(whileRunning.label.includes(NOTEBOOK), `the notebook is on its running kernel again (the live kernel's label names the notebook): "${whileRunning.label}"`);
      assert.equal(cell().executionSummary?.success, true);
      assert.deepEqual(plainText(editor, 0), ["'finished'"], 'the cell\'s result');
      assert.deepEqual(lines.slice(0, before.linesBefore.length), before.linesBefore, 'what the cell showed before the reload stays');
      assert.ok(lines.every((l, i) => i === 0 || Number(l) > Number(lines[i - 1])), 'no line twice, in order');
      assert.equal(lines.at(-1), String(LINES - 1), 'the cell shows its output to the end');
      // What the extension left out of the cell, Show Output has: for the user nothing is lost.
      assert.equal(shown, true, `our notice: ${String(shown)}`);
      assert.equal(secondNotice, false, 'a second notice showed after the cell ended');
      assert.deepEqual(EXPECTED.filter((l) => !lines.includes(l) && !kept.includes(l)), [], 'every line is in the cell or in Show Output');
    }, 240_000);
  });
}
