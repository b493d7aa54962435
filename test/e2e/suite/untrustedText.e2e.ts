// Issue 23: a hub that says hostile things (options-form labels, spawn progress messages and the failure reason full of
// `[x](command:…)` links, `$(icon)`s, HTML and a right-to-left override). In the real workbench no notification holds a
// command link, clicking the link's words runs nothing (a canary command counts), no quick pick draws the hub's icon,
// and the hidden characters show as markers. Screenshots: untrusted-progress.png, untrusted-failure.png.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startTestHub, type TestHub } from '../../support/jupyterhub';
import { suite, test } from '../runner/registry';
import { ui } from '../runner/ui';
import { driveCommand, hubConfig, pangeoApi } from './support/hubScenario';

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
  });
}
