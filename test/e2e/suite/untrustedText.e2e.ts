// Issue 23: a hub that says hostile things (options-form labels, spawn progress messages and the failure reason full of
// `[x](command:…)` links, `$(icon)`s, HTML and a right-to-left override). In the real workbench no notification holds a
// command link, clicking the link's words runs nothing (a canary command counts), no quick pick draws the hub's icon,
// and the hidden characters show as markers. Screenshots: untrusted-progress.png, untrusted-failure.png.
// And a Dask cluster whose workers are named, and whose tasks are keyed, with the same kind of text: its dashboard shows
// them as text (no element made from them, markers for hidden characters), no wider than its panel, and so does the
// Dask tree. Screenshots: untrusted-dashboard.png, untrusted-dask-tree.png.
import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { HOSTILE_SAMPLES, TEN_THOUSAND } from '../../fixtures/hostileText';
import { SYSTEM_PYTHON } from '../../support/dask';
import { startTestHub, type TestHub } from '../../support/jupyterhub';
import { killTree, startLongRunning, type LongRunningProcess } from '../../support/processes';
import type { WebviewPage } from '../uiProtocol';
import { suite, test } from '../runner/registry';
import { ui, uiAvailable } from '../runner/ui';
import { createLocalCluster, daskApi } from './support/dask';
import { driveCommand, hubConfig, pangeoApi, until } from './support/hubScenario';

const USER = 'mallory';
const CANARY = 'pangeo.e2e.untrustedCanary';
const LINK = `[Official fix](command:${CANARY})`;
const LINK_WITH_ARGS = `[Open settings](command:${CANARY}?%5B%22pangeo%22%5D)`;
const RLO = '\u202E';

/** A form whose label and choice carry links, icons, HTML and a bidi override. */
const FORM = `<label for="image">$(warning) Image ${LINK}</label>
<select name="image"><option value="hostile">$(shield) pick me ${LINK_WITH_ARGS} invoice${RLO}fdp.exe</option></select>`;

/** A spawner whose progress messages and failure reason are hostile (Python; JSON strings are Python strings). */
const SPAWNER = `
import asyncio
from jupyterhub.spawner import SimpleLocalProcessSpawner
HOSTILE_PROGRESS = ${JSON.stringify([`Pulling image ${LINK}`, `$(loading~spin) <img src=x onerror=alert(1)> ${LINK_WITH_ARGS}`, `invoice${RLO}fdp.exe \u001b]52;c;Y3VybA==\u0007`])}
HOSTILE_REASON = ${JSON.stringify(`quota exceeded. ${LINK} ${LINK_WITH_ARGS} ${'x'.repeat(800)}`)}
class HostileSpawner(SimpleLocalProcessSpawner):
    async def start(self):
        await asyncio.sleep(8)
        raise RuntimeError(HOSTILE_REASON)
    async def progress(self):
        for i, message in enumerate(HOSTILE_PROGRESS):
            yield {'progress': 10 + 20 * i, 'message': message}
            await asyncio.sleep(2)
c.JupyterHub.spawner_class = HostileSpawner
`;

/** Anchors a notification would run a command from (rendered links, or ones VS Code keeps in data-href). */
const COMMAND_ANCHORS = '.notifications-toasts a[href^="command:"], .notifications-toasts a[data-href^="command:"], .notifications-center a[href^="command:"]';
const count = async (selector: string) => Number(await ui({ kind: 'count', selector }));

/** A sample of the shared corpus by name (test/fixtures/hostileText.ts). */
const sample = (name: string): string => {
  const found = HOSTILE_SAMPLES.find((s) => s.name === name);
  assert.ok(found, `no hostile sample "${name}"`);
  return found.text;
};
const BIDI = sample('bidi override'); // invoice U+202E fdp.exe
const IMG = sample('img onerror');
const HTML = sample('html'); // <b>, <i> and <a href>
const OSC52 = sample('osc 52 clipboard write');
const ICONS = sample('codicon');
/** Worker names, each a worker of its own. */
const HOSTILE_WORKERS = [BIDI, IMG, HTML, LINK, OSC52, ICONS, TEN_THOUSAND];
/**
 * Task key prefixes (a key is `<prefix>-<uuid>`). Dask's key_split keeps a prefix only from its first letter on and
 * up to a "-", and turns one starting with "<" into the tag's name: hence a word before the HTML and no "-" inside.
 */
const HOSTILE_PREFIXES = [BIDI, `task${IMG}`, `task${HTML}`, `a${LINK}`, OSC52, TEN_THOUSAND];
/** Elements the dashboard page never makes itself: any of them would come from the text. */
const MARKUP = ['img', 'a', 'b', 'i', 'iframe', 'object', 'embed', '[onerror]', 'script:not([src]):not(#_vscodeApiScript)'];
/** What the webview shows for the samples (⟨U+…⟩ markers for the hidden characters, the rest as sent). */
const SHOWN = {
  bidi: 'invoice⟨U+202E⟩fdp.exe',
  img: IMG,
  html: HTML,
  link: LINK,
  osc52: OSC52.replace('\u001b', '⟨U+001B⟩').replace('\u0007', '⟨U+0007⟩'),
  icons: ICONS,
};
const TABLE = '[data-testid="workers-table"]';
const LEGEND = '[data-testid="task-stream-legend"]';
const DASK_VIEW = '#workbench\\.parts\\.sidebar .pane:has(.pane-header:has-text("Dask Clusters")) .pane-body';

/**
 * One Python process (Debian's, with distributed) that joins the scheduler as the hostile workers and, as a client,
 * submits a task of every hostile prefix each round, so the panel sees them running and finishing; it ends on its own.
 */
const LOAD = `
import asyncio, json, os, tempfile, time, uuid
from distributed import Client, Worker
spec = json.loads(os.environ['PANGEO_HOSTILE_LOAD'])
def work(seconds):
    time.sleep(seconds)
    return seconds
async def main():
    workers = [await Worker(spec['scheduler'], name=n, nthreads=1, memory_limit='2GiB', host='127.0.0.1', dashboard=False,
                            local_directory=tempfile.mkdtemp()) for n in spec['workers']]
    async with Client(spec['scheduler'], asynchronous=True) as client:
        held = []
        deadline = time.monotonic() + spec['seconds']
        while time.monotonic() < deadline:
            held = [f for f in held if not f.done()]
            held += [client.submit(work, spec['taskSeconds'], key=p + '-' + uuid.uuid4().hex) for p in spec['prefixes']]
            await asyncio.sleep(spec['taskSeconds'])
    for w in workers:
        await w.close()
asyncio.run(main())
`;

function startHostileLoad(scheduler: string): LongRunningProcess {
  const spec = { scheduler, workers: HOSTILE_WORKERS, prefixes: HOSTILE_PREFIXES, seconds: 240, taskSeconds: 3 };
  return startLongRunning({
    name: 'hostile-dask-load', command: SYSTEM_PYTHON, args: ['-c', LOAD], logDir: mkdtempSync(join(tmpdir(), 'pangeo-hostile-')),
    env: { ...process.env, PANGEO_HOSTILE_LOAD: JSON.stringify(spec) },
  });
}

/** The scheduler's own worker names (/json/identity.json). */
async function schedulerWorkerNames(dashboardUrl: string): Promise<string[]> {
  const res = await fetch(new URL('json/identity.json', dashboardUrl.replace(/status$/, '')));
  return Object.values(((await res.json()) as { workers: Record<string, { name: unknown }> }).workers).map((w) => String(w.name));
}

/** Every sample shown as text in `shown` (read from the page), and no raw hidden character left in it. */
function assertShownAsText(shown: string, where: string, samples: readonly string[]): void {
  for (const text of samples) assert.ok(shown.includes(text), `${where} does not show ${JSON.stringify(text.slice(0, 80))} as text: ${JSON.stringify(shown.slice(0, 400))}`);
  assert.doesNotMatch(shown, /[\u202E\u001b\u0007]/, `${where} holds a raw bidi override or terminal control`);
}

if (hubConfig()) {
  suite('untrusted text', () => {
    let hub: TestHub | undefined;
    let ran = 0;
    test('a hostile hub: no link in notifications is clickable, no command runs, no hub icon, hidden characters shown', async () => {
      const canary = vscode.commands.registerCommand(CANARY, () => void ran++);
      try {
        hub = await startTestHub({ users: [USER], optionsForm: FORM, extraConfig: SPAWNER });
        const api = await pangeoApi();
        await api.hubs.sessions.addHub(hub.url);
        await api.hubs.sessions.signInWithPassword(hub.url, USER, hub.password, 3600);
        const start = vscode.commands.executeCommand('pangeo.hubs.startServer', { kind: 'server', base: hub.url, server: { name: '' } });
        await driveCommand(start, async () => {
          // The form's choice as a quick pick row: the hub's $(shield) is text, not an icon; the override is a marker.
          const row = await ui({ kind: 'text', selector: '.quick-input-widget .monaco-list-row' }, 60_000);
          assert.match(row ?? '', /\$\(shield\) pick me/, 'the hub\'s $(shield) is shown as text');
          assert.match(row ?? '', /invoice⟨U\+202E⟩fdp\.exe/);
          assert.equal(await count('.quick-input-widget .monaco-list-row .codicon-shield'), 0, 'no icon drawn from the hub\'s label');
          assert.equal(await count('.quick-input-widget .codicon-warning'), 0, 'no icon drawn from the hub\'s field label in the title');
          await ui({ kind: 'quickInput', expect: 'Image', pick: 'pick me' });
          // The progress notification with the hub's messages.
          await ui({ kind: 'text', selector: '.notification-toast:has-text("Pulling image"), .notification-toast:has-text("fdp.exe")' }, 60_000);
          assert.equal(await count(COMMAND_ANCHORS), 0, 'no command link in the progress notification');
          await ui({ kind: 'screenshot', name: 'untrusted-progress' });
          // The failure: the reason's link words are text; clicking them runs nothing.
          const failure = await ui({ kind: 'text', selector: '.notification-toast:has-text("quota exceeded")' }, 60_000);
          assert.match(failure ?? '', /\[Official fix\] \(command:/, 'the link syntax is broken, its words kept');
          assert.equal(await count(COMMAND_ANCHORS), 0, 'no command link in the failure notification');
          assert.equal(await count('.notification-list-item-message a'), 0, 'no link at all in the messages (buttons are a.monaco-button)');
          await ui({ kind: 'click', selector: '.notification-toast .notification-list-item-message', hasText: 'Official fix' });
          await ui({ kind: 'screenshot', name: 'untrusted-failure' });
          await ui({ kind: 'notification', expect: 'quota exceeded' });
        });
        assert.equal(ran, 0, 'the canary command never ran');
      } finally {
        canary.dispose();
        await hub?.stop();
      }
    }, 240_000);

    test('a Dask cluster with hostile worker names and task keys: the dashboard and the tree show plain text, no markup, no page wider than its panel, no command runs', async () => {
      assert.ok(uiAvailable(), 'this scenario reads the webview in the browser: run it with the code-server harness');
      ran = 0;
      const canary = vscode.commands.registerCommand(CANARY, () => void ran++);
      const dask = await daskApi();
      await vscode.commands.executeCommand('workbench.view.extension.pangeo');
      const name = `e2e-hostile-${Date.now().toString(36)}`;
      let load: LongRunningProcess | undefined;
      try {
        const cluster = await createLocalCluster(dask, name, 0);
        load = startHostileLoad(cluster.schedulerAddress!);
        const started = load;
        await until('the hostile workers to join the scheduler', async () => {
          if (started.hasExited()) throw new Error(`the hostile load ended: ${started.logTail(2000)}`);
          return (await schedulerWorkerNames(cluster.dashboardUrl!)).length === HOSTILE_WORKERS.length;
        }, 90_000, 500);

        await vscode.commands.executeCommand('pangeo.dask.openDashboard', { kind: 'cluster', providerId: 'local', cluster });
        // The workers table once it lists them, and the live task stream's legend once it names every prefix of the
        // tasks that finished since it started (waiting on words that no protection changes, so each check below can fail).
        await ui({ kind: 'webviewText', selector: TABLE, match: 'Official fix' }, 60_000);
        await ui({ kind: 'webviewInput', selector: '[data-testid="task-stream-toggle"]' });
        let legend = '';
        await until('every hostile prefix in the task stream legend', async () => {
          legend = (await ui({ kind: 'webviewText', selector: LEGEND, match: 'Official fix' }, 60_000)) ?? '';
          return [`task${IMG}`, `task${HTML}`, `a${LINK}`, 'fdp.exe', 'Y3VybCBldmlsIHwgc2g=', TEN_THOUSAND].every((p) => legend.includes(p));
        }, 90_000, 1_000).catch((e: Error) => {
          throw new Error(`${e.message}; the legend reads ${JSON.stringify(legend.slice(0, 600))}`);
        });

        // Nothing made from the text, and no page wider than its panel (a 10,000-character prefix once made it 61,623 px wide).
        const page = JSON.parse((await ui({ kind: 'webviewPage', selector: TABLE, count: MARKUP })) ?? '{}') as WebviewPage;
        assert.deepEqual(page.counts, Object.fromEntries(MARKUP.map((m) => [m, 0])), 'elements made from the servers\' text');
        assert.ok(page.scrollWidth <= page.clientWidth, `the dashboard is ${page.scrollWidth} px wide in a ${page.clientWidth} px panel`);
        // Every name and prefix as sent, the hidden characters as ⟨U+…⟩ markers.
        assertShownAsText((await ui({ kind: 'webviewText', selector: TABLE })) ?? '', 'the workers table',
          [SHOWN.bidi, SHOWN.img, SHOWN.html, SHOWN.link, SHOWN.osc52, SHOWN.icons, TEN_THOUSAND]);
        assertShownAsText((await ui({ kind: 'webviewText', selector: LEGEND })) ?? '', 'the task stream legend',
          [SHOWN.bidi, `task${SHOWN.img}`, `task${SHOWN.html}`, `a${SHOWN.link}`, SHOWN.osc52, TEN_THOUSAND]);
        // Clicking the link's words (a row, a legend entry) selects a worker and runs nothing.
        await ui({ kind: 'webviewInput', selector: `${TABLE} td:has-text("Official fix")` });
        await ui({ kind: 'webviewInput', selector: `${LEGEND} .legend-item:has-text("Official fix")` });
        await vscode.commands.executeCommand('notifications.clearAll');
        await ui({ kind: 'screenshot', name: 'untrusted-dashboard' });

        // The Dask tree: the cluster's workers by name, as text.
        await vscode.commands.executeCommand('pangeo.dask.focus');
        await ui({ kind: 'click', selector: `${DASK_VIEW} .monaco-list-row`, hasText: name });
        let seen = '';
        await until('the Dask tree to list the hostile workers', async () => {
          seen = (await ui({ kind: 'text', selector: DASK_VIEW }, 10_000)) ?? '';
          return seen.includes(SHOWN.link) && seen.includes('fdp.exe'); // words no protection changes: the check below says what is wrong
        }, 30_000, 500).catch((e: Error) => {
          throw new Error(`${e.message}; the view showed: ${JSON.stringify(seen.slice(0, 600))}`);
        });
        assertShownAsText(seen, 'the Dask tree', [SHOWN.bidi, SHOWN.img, SHOWN.html, SHOWN.link, SHOWN.osc52, SHOWN.icons]);
        assert.equal(await count(`${DASK_VIEW} img, ${DASK_VIEW} a[href], ${DASK_VIEW} .codicon-shield`), 0, 'no image, link or icon drawn from a worker\'s name');
        await ui({ kind: 'click', selector: `${DASK_VIEW} .monaco-list-row`, hasText: 'Official fix' });
        assert.equal(await count(COMMAND_ANCHORS), 0, 'no command link in a notification');
        await ui({ kind: 'screenshot', name: 'untrusted-dask-tree' });
        assert.equal(ran, 0, 'the canary command never ran');
      } finally {
        canary.dispose();
        for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) {
          if (tab.input instanceof vscode.TabInputWebview && tab.label === `Dask: ${name}`) await vscode.window.tabGroups.close(tab).then(undefined, () => undefined);
        }
        if (load) await killTree(load, 'SIGKILL').catch(() => undefined);
        await dask.local.stop(name).catch(() => undefined);
      }
    }, 240_000);
  });
}
