// Issue 20 in its own editor start (run.ts `inside`): code-server runs as a child process of a real single-user
// server of the test hub (test/e2e/insideHubRun.ts), as it does behind jupyter-vscode-proxy. Nothing is typed: the
// hub is signed in with the server's own token, this server is marked in the Hubs tree, a notebook runs on its
// kernels, the cost meter sizes it from the spawner's MEM_LIMIT/CPU_LIMIT, and stopping it asks first, says it ends
// this editor, and (the default server token has no delete:servers) names the missing scope. This editor start allows
// modal dialogs, so it also plays the agent tools' confirmations as a user answers them: refused, nothing happens.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { e2eConfig } from '../runner/config';
import { suite, test } from '../runner/registry';
import { ui } from '../runner/ui';
import { driveCommand, pangeoApi, until } from './support/hubScenario';
import { openNotebook, runCell, selectOurController, cellOutputs, closeNotebook } from './support/notebooks';
import { controllerIdFor } from '../../../src/kernels/controllerId';
import type { InsideHubConfig } from '../insideHubRun';
import { encodeResourceId } from '../../../src/shared/resourceIds';
import { HOSTS_TOOLS } from '../../../src/agents/agentToolCore';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { createLocalCluster, daskApi } from './support/dask';

/** Calls a language-model tool as an agent does outside a chat (no invocation token) and returns its text. */
async function invokeTool(name: string, input: object): Promise<string> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  return result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Answers the tool's confirmation dialog with `button`; fails soon with the call's own outcome if it never asks. */
async function answer(call: Promise<string>, expect: string, button: string): Promise<string> {
  const dialog = ui({ kind: 'dialog', expect, button }, 60_000).then((text) => text ?? '');
  dialog.catch(() => undefined); // awaited below, or the call's outcome is the failure
  const settled = call.then((text) => `answered without asking: ${text}`, (e: Error) => `failed without asking: ${e.message}`);
  const first = await Promise.race([dialog.then((text) => ({ text })), settled.then((outcome) => ({ outcome }))]);
  if ('text' in first) return first.text;
  // The call ended first: an answered dialog ends it at once, and the harness's reply comes a moment later.
  const late = await Promise.race([dialog, sleep(10_000).then(() => undefined)]);
  if (late === undefined) throw new Error(`the tool ${first.outcome}`);
  return late;
}

const HUBS_VIEW = '#workbench\\.parts\\.sidebar .pane:has(.pane-header:has-text("Hubs")) .pane-body';
const inside = e2eConfig().insideHub as InsideHubConfig | undefined;

/** The one hub the environment signed in, and its id. */
async function insideHub(): Promise<{ api: Awaited<ReturnType<typeof pangeoApi>>; base: string }> {
  const api = await pangeoApi();
  const record = api.hubs.sessions.hubs().find((h) => (h.method as string) === 'server');
  assert.ok(record, `no hub signed in from the environment; hubs: ${JSON.stringify(api.hubs.sessions.hubs().map((h) => h.base))}`);
  return { api, base: record.base };
}

/** This process's ancestors, nearest first, from /proc (field 4 of /proc/<pid>/stat is the parent's pid). */
function ancestry(): number[] {
  const pids: number[] = [];
  for (let pid = process.pid; pid > 1;) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    pids.push(pid);
  }
  return pids;
}

if (inside) {
  suite('inside a hub server', () => {
    test('inside a hub server: the extension host is a descendant of the single-user server\'s process', () => {
      const ancestors = ancestry();
      assert.ok(ancestors.includes(inside.serverPid), `server pid ${inside.serverPid} not among the extension host's ancestors ${ancestors.join(' ← ')}`);
      const cmdline = readFileSync(`/proc/${inside.serverPid}/cmdline`, 'utf8').split('\0').join(' ');
      assert.match(cmdline, /jupyterhub-singleuser/);
    });

    test('inside a hub server: the hub is signed in with the server\'s own token and this server is marked, nothing typed', async () => {
      const { api, base } = await insideHub();
      const record = api.hubs.sessions.hub(base)!;
      assert.equal(record.user, inside.user);
      // The hub's internal API address (JupyterHub 3 names no public one): the id, never shown as a link.
      assert.equal(new URL(base).pathname, '/jhub/');
      assert.equal(await api.hubs.authorizationFor(base), `token ${process.env.JUPYTERHUB_API_TOKEN}`);
      assert.ok(api.hubs.readyServers().some((s) => s.hubId === base && s.server.name === ''), 'this server is ready without a hub call');
      await vscode.commands.executeCommand('pangeo.hubs.focus');
      const text = await until('this server marked in the Hubs tree, with the missing scope named', async () => {
        const seen = (await ui({ kind: 'text', selector: HUBS_VIEW }, 10_000)) ?? '';
        return /this server · ready/.test(seen) && /read:servers!user=alice missing/.test(seen) ? seen : undefined;
      }, 60_000, 500);
      assert.match(text, /this server's hub/);
      assert.doesNotMatch(text, /Sign in to see your servers/);
      await ui({ kind: 'screenshot', name: 'inside-hub-tree' });
      // No public address (JupyterHub 3, and this code-server is not served under the server's prefix): no link to
      // the internal one, and the reason.
      const server = api.hubs.snapshot(base)!.servers!.find((s) => s.name === '')!;
      await driveCommand(vscode.commands.executeCommand('pangeo.hubs.openInBrowser', { kind: 'server', base, server }), async () => {
        await ui({ kind: 'notification', expect: "public address is not in this server's environment" }, 30_000);
      });
    }, 120_000);

    test('inside a hub server: a notebook runs on this server\'s kernel', async () => {
      const { base } = await insideHub();
      const editor = await openNotebook(['import os; print(os.environ.get("JUPYTERHUB_SERVICE_PREFIX"), os.environ.get("MEM_LIMIT"))']);
      await selectOurController(editor, controllerIdFor(base, '', 'python3'), 60_000);
      await runCell(editor, 0);
      const out = await until('the cell\'s output', () => cellOutputs(editor, 0).map((o) => o.text).join('').trim() || undefined, 60_000, 250);
      // The kernel is the server's: it has the server's environment.
      assert.equal(out, `/jhub/user/${inside.user}/ ${8 * 1024 ** 3}`);
      await closeNotebook(editor);
    }, 150_000);

    test('inside a hub server: the cost meter sizes this server from the spawner\'s MEM_LIMIT and CPU_LIMIT', async () => {
      await insideHub();
      await vscode.commands.executeCommand('pangeo.cost.showPanel');
      const row = await ui({ kind: 'webviewText', selector: 'body', match: 'this server \\(2 CPU · 8 GiB\\)' }, 90_000);
      assert.match(row ?? '', /this server \(2 CPU · 8 GiB\)/);
      const status = await until('a $/h in the status bar', async () => {
        const seen = (await ui({ kind: 'text', selector: '#workbench\\.parts\\.statusbar' }, 5_000)) ?? '';
        return /\$\d+(\.\d+)?\/h/.test(seen) ? seen : undefined;
      }, 90_000, 1000);
      assert.doesNotMatch(status, /unpriced|\$0\.000\/h/, 'priced by its size, neither unknown nor free');
      await ui({ kind: 'screenshot', name: 'inside-hub-cost' });
    }, 150_000);

    // The editor refuses modal dialogs to extension tests (and then confirms tools by itself); this editor start allows
    // them (harness `dialogs`), so the agent tools' confirmations are the real dialog a user answers.
    test('inside a hub server: agent tools ask in the editor\'s dialog before they run code, scale or stop; refused, nothing happens', async () => {
      const { api, base } = await insideHub();
      const serverId = encodeResourceId({ kind: 'server', hubId: base, serverName: '' });
      const marker = join(tmpdir(), `pangeo-agent-consent-${Date.now().toString(36)}`);
      const code = `open(${JSON.stringify(marker)}, "w").write("ran")\nprint("wrote the marker")`;
      const kernels = async () => {
        const ready = api.hubs.readyServers().find((s) => s.hubId === base && s.server.name === '')!;
        return (await new JupyterServerClient(ready.server.url!, ready.client.http).listKernels()).map((k) => k.id).sort();
      };
      const before = await kernels();

      // Run code: refused, no kernel is started and the code never runs; then accepted, it runs.
      const refusedRun = invokeTool('pangeo_run_code', { kernel: serverId, code });
      const askedRun = await answer(refusedRun, 'Run code in a Pangeo kernel?', 'Cancel');
      assert.ok(askedRun.includes('a new kernel on server (default)') && askedRun.includes(marker), askedRun);
      assert.doesNotMatch(askedRun, /\\[()'.]/, 'the dialog shows text, not Markdown escapes');
      await assert.rejects(refusedRun, /Canceled/);
      await sleep(2000);
      assert.equal(existsSync(marker), false, 'the refused code never ran');
      assert.deepEqual(await kernels(), before, 'no kernel was started');
      const acceptedRun = invokeTool('pangeo_run_code', { kernel: serverId, code });
      await answer(acceptedRun, 'Run code in a Pangeo kernel?', 'Yes');
      assert.match(await acceptedRun, /: ok\.\nOutput:\nwrote the marker\n/);
      assert.equal(readFileSync(marker, 'utf8'), 'ran');
      rmSync(marker, { force: true });

      // Stop this server: the question says it ends the tools and this editor; refused, the hub is never asked (a
      // confirmed stop would be refused by the hub for the missing scope instead: another error).
      const refusedStop = invokeTool('pangeo_stop_server', { server: serverId });
      const askedStop = await answer(refusedStop, 'Stop a hub server?', 'Cancel');
      assert.ok(askedStop.includes(HOSTS_TOOLS), askedStop);
      await assert.rejects(refusedStop, (e: Error) => /Canceled/.test(e.message) && !/delete:servers/.test(e.message));

      // Scale a local cluster up: refused, it keeps its one worker.
      const dask = await daskApi();
      const name = `consent-${Date.now().toString(36)}`;
      try {
        const cluster = await createLocalCluster(dask, name, 1);
        const refusedScale = invokeTool('pangeo_scale_cluster', { cluster: encodeResourceId({ kind: 'cluster', providerId: 'local', clusterId: name }), workers: 2 });
        const askedScale = await answer(refusedScale, 'Scale up a Dask cluster?', 'Cancel');
        assert.ok(askedScale.includes(name) && askedScale.includes('Scale from 1 to 2 workers'), askedScale);
        await assert.rejects(refusedScale, /Canceled/);
        await sleep(3000);
        const identity = await fetch(new URL('json/identity.json', cluster.dashboardUrl!.replace(/status$/, '')));
        assert.equal(Object.keys(((await identity.json()) as { workers: object }).workers).length, 1, 'still one worker');
      } finally {
        await dask.local.stop(name).catch(() => undefined);
      }
      const res = await fetch(`${inside.hubUrl}hub/api/users/${inside.user}`, { headers: { Authorization: `token ${inside.adminToken}` } });
      assert.equal(((await res.json()) as { servers: Record<string, { ready: boolean }> }).servers['']?.ready, true, 'the server still runs');
    }, 240_000);

    test('inside a hub server: stopping this server asks first, says it ends this editor, and names the missing delete:servers scope', async () => {
      const { api, base } = await insideHub();
      const server = api.hubs.snapshot(base)!.servers!.find((s) => s.name === '')!;
      let question = '';
      await driveCommand(vscode.commands.executeCommand('pangeo.hubs.stopServer', { kind: 'server', base, server }), async () => {
        question = (await ui({ kind: 'dialog', expect: 'ends this editor', button: 'Stop Server' }, 30_000)) ?? '';
        await ui({ kind: 'notification', expect: 'delete:servers!user=alice' }, 30_000);
      });
      assert.match(question, /This editor runs on this server/);
      // The hub refused: the server (and so this editor) still runs.
      const res = await fetch(`${inside.hubUrl}hub/api/users/${inside.user}`, { headers: { Authorization: `token ${inside.adminToken}` } });
      const model = (await res.json()) as { servers: Record<string, { ready: boolean }> };
      assert.equal(model.servers['']?.ready, true);
    }, 120_000);
  });
}
