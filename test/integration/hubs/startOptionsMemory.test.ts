// The start dialog's options against a real JupyterHub when its form cannot be read (a pasted token): the form as last
// read from this hub (with its age), the options really used last (ours or the hub's record), and key=value examples
// in this hub's own keys. The editor is a small scripted stand-in; the hub, sessions and flow are the real ones.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { startTestHub, TestHub, TEST_OPTIONS_FORM } from '../../support/jupyterhub';
import { SecretMap } from '../../support/memoryStores';
import { MemoryStore } from '../../../src/core/keyValueStore';
import { createFakeVscode } from '../../support/fakeVscode';
import { HubSessions } from '../../../src/hubs/hubSessions';
import { HubService } from '../../../src/hubs/editor/hubService';
import { HubClient } from '../../../src/hubs/hubClient';
import { chooseUserOptions } from '../../../src/hubs/editor/startServerFlow';
import { silentLogger } from '../../../src/core/log';

const USER = 'dora';

interface Item { label: string; description?: string; detail?: string; id?: string }

/** A `vscode` whose pickers answer from a script: each answer picks the item whose label starts with it, or types it. */
function scriptedVs(answers: string[], seen: Array<{ title?: string; items: Item[] }>) {
  const next = () => {
    const a = answers.shift();
    if (a === undefined) throw new Error('the dialog asked more than the script answers');
    return a;
  };
  const pick = <T extends Item>(items: T[], title?: string): T => {
    seen.push({ title, items });
    const answer = next();
    const item = items.find((i) => i.label.replace(/^\$\([^)]*\)\s*/, '').startsWith(answer));
    if (!item) throw new Error(`no item "${answer}" in ${title}: ${items.map((i) => i.label).join(' | ')}`);
    return item;
  };
  return {
    ...createFakeVscode().vs,
    QuickInputButtons: { Back: { id: 'back' } },
    window: {
      showQuickPick: async (items: Item[], o?: { title?: string }) => pick(items, o?.title),
      showInputBox: async (o: { title?: string; value?: string; placeHolder?: string }) => {
        seen.push({ title: o.title, items: [{ label: `input value=${o.value ?? ''} placeholder=${o.placeHolder ?? ''}` }] });
        const a = next();
        return a === '<keep>' ? o.value : a;
      },
      createQuickPick: () => {
        let accept: () => void = () => undefined;
        let hide: () => void = () => undefined;
        const qp = {
          title: '', items: [] as Item[], activeItems: [] as Item[], selectedItems: [] as Item[], buttons: [], ignoreFocusOut: false,
          onDidAccept: (f: () => void) => { accept = f; },
          onDidHide: (f: () => void) => { hide = f; },
          onDidTriggerButton: () => undefined,
          show: () => queueMicrotask(() => { qp.selectedItems = [pick(qp.items, qp.title)]; accept(); }),
          hide: () => hide(),
          dispose: () => undefined,
        };
        return qp;
      },
    },
    env: { openExternal: async () => true },
  } as unknown as typeof vscode;
}

describe('start options when the hub\'s form cannot be read (pasted token)', { timeout: 180_000 }, () => {
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub({ optionsForm: TEST_OPTIONS_FORM, users: [USER] });
  });
  after(async () => hub?.stop());

  test('the form as last read, the options really used last, and examples in the hub\'s own keys', async () => {
    const state = new MemoryStore();
    const sessions = new HubSessions(state, new SecretMap());
    await sessions.addHub(hub.url);
    const admin = new HubClient(hub.url, { token: hub.adminToken });

    // 1. Signed in with a password: the real form is read and kept for this hub, with the time.
    await sessions.signInWithPassword(hub.url, USER, hub.password, 3600);
    let seen: Array<{ title?: string; items: Item[] }> = [];
    const service = new HubService(scriptedVs([], seen), sessions, silentLogger, () => undefined);
    const withForm = await chooseUserOptions(scriptedVs(['4 cores', '<keep>', 'Yes'], seen), service, hub.url, 'a');
    assert.deepEqual(withForm, { cores: '4', image: 'pangeo/pangeo-notebook:2024.11.11', gpu: true });
    const kept = sessions.rememberedForm(hub.url);
    assert.deepEqual(kept?.form.fields.map((f) => f.name).sort(), ['cores', 'gpu', 'image']);
    assert.ok(Date.now() - Date.parse(kept.readAt) < 60_000);
    await sessions.rememberOptions(hub.url, 'a', withForm); // what startWithProgress does when it starts
    assert.ok(!(await admin.getUser(USER)).servers.some((s) => s.name === 'a'), 'reading the form left no server "a"');

    // 2. Later, another server is started elsewhere (the hub's page, another machine): the hub records its options.
    await new Promise((r) => setTimeout(r, 1100));
    const elsewhere = { cores: ['1'], image: ['pangeo/base-notebook:2024.10.01'] };
    await admin.startAndWait(USER, 'b', elsewhere, { timeoutMs: 60_000 });

    // 3. Signed in again with a pasted token: the form page is closed to it.
    const pasted = await admin.createToken(USER, { note: 'pasted', expiresInSeconds: 600 });
    await sessions.signInWithToken(hub.url, pasted.token);
    assert.equal((await sessions.client(hub.url).getOptionsForm(USER, 'c')).kind, 'login-required');

    seen = [];
    const last = await chooseUserOptions(scriptedVs(['Last used options'], seen), service, hub.url, 'c');
    assert.deepEqual(last, elsewhere, 'the options used last are the hub\'s record of server b, not our older ones for a');
    const menu = seen[0]!.items;
    const saved = menu.find((i) => i.label.includes('Choose from the hub\'s profiles'));
    assert.match(saved?.description ?? '', /^profiles as read (just now|\d+ minutes? ago)$/);
    assert.match(menu.find((i) => i.label.includes('Last used options'))?.description ?? '', /^server b, just now$/);
    assert.match(menu.find((i) => i.label.includes('Enter options'))?.detail ?? '', /e\.g\. cores=2 image=pangeo\/pangeo-notebook:2024\.11\.11 gpu=true$/);
    assert.ok(!menu.some((i) => /profile=large/.test(i.detail ?? '')), 'no made-up keys');

    seen = [];
    const fromSaved = await chooseUserOptions(scriptedVs(['Choose from the hub\'s profiles', '1 core', '<keep>', 'No'], seen), service, hub.url, 'c');
    assert.deepEqual(fromSaved, { cores: '1', image: 'pangeo/pangeo-notebook:2024.11.11', gpu: false });

    seen = [];
    const typed = await chooseUserOptions(scriptedVs(['Enter options', 'cores=2 image=x'], seen), service, hub.url, 'c');
    assert.deepEqual(typed, { cores: '2', image: 'x' });
    assert.match(seen[1]!.items[0]!.label, /value=cores=1 image=pangeo\/base-notebook:2024\.10\.01 placeholder=cores=2 image=/);
    service.dispose();
    assert.ok(!(await admin.getUser(USER)).servers.some((s) => s.name === 'c'));
  });
});
