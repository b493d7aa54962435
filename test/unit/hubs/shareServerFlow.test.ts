// "Share Server…" in the Hubs view, with the fake vscode, against the contract server that follows JupyterHub 5's
// published sharing API (test/support/sharingHub): which servers offer it, and each path of its menu.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { HubSessions } from '../../../src/hubs/hubSessions';
import { HubService } from '../../../src/hubs/editor/hubService';
import { HubTreeProvider, type HubTreeNode } from '../../../src/hubs/editor/hubTree';
import { registerHubCommands } from '../../../src/hubs/editor/hubCommands';
import { OAuthCallbacks } from '../../../src/hubs/editor/signInFlow';
import { shareServerInteractive } from '../../../src/hubs/editor/shareServerFlow';
import { SharingRefusedError, SharingUnsupportedError } from '../../../src/hubs/hubShares';
import { MemoryStore } from '../../../src/core/keyValueStore';
import { insideHubFromEnv } from '../../../src/hubs/insideHub';
import { COMMAND_LINK } from '../../fixtures/hostileText';
import { NOTIFICATION_LINK, UNESCAPED_ICON } from '../../support/untrustedChecks';
import { silentLogger } from '../../../src/core/log';
import { SecretMap } from '../../support/memoryStores';
import { createFakeVscode } from '../../support/fakeVscode';
import { startSharingHub, type SharingHubOptions } from '../../support/sharingHub/sharingHub';

const FULL = ['shares!user=alice', 'read:users:name', 'read:groups:name', 'read:servers!user=alice'];
const HOSTILE = '$(zap) [x](command:workbench.action.quit)';

async function setup(opts: SharingHubOptions & { scopes?: string[]; recordVersion?: string | null } = {}) {
  const hub = await startSharingHub({
    users: { alice: { servers: ['', 'gpu'] }, bob: { servers: [''] }, [HOSTILE]: { servers: [] } },
    tokens: { 'tok-alice-0123': { user: 'alice', scopes: opts.scopes ?? FULL } }, ...opts,
  });
  const state = new MemoryStore();
  const secrets = new SecretMap();
  // recordVersion null: a record that never learnt the hub's version.
  const version = opts.recordVersion === null ? undefined : opts.recordVersion ?? opts.version ?? '5.5.1';
  state.data.set('pangeo.hubs', [{ base: hub.base, label: 'hub5', user: 'alice', method: 'token', version }]);
  secrets.map.set(`pangeo.hub.token:${hub.base}`, 'tok-alice-0123');
  const sessions = new HubSessions(state, secrets, { client: { retries: 0 } });
  const fake = createFakeVscode();
  const service = new HubService(fake.vs, sessions, silentLogger, () => undefined);
  const commands = registerHubCommands({ vs: fake.vs, service, oauth: new OAuthCallbacks(), logger: silentLogger, extensionId: 'test.pangeo' });
  const node = (name: string): HubTreeNode => ({ kind: 'server', base: hub.base, server: { name, state: 'ready', userOptions: {} } });
  const share = (name = 'gpu') => fake.commands.get('pangeo.hubs.shareServer')!(node(name)) as Promise<unknown>;
  const close = async () => {
    commands.dispose();
    service.dispose();
    await hub.close();
  };
  return { hub, fake, service, share, node, close };
}

/** The `when` clause of the Hubs view's "Share Server…" menu entry, as a regex over the item's contextValue. */
function shareMenuRegex(): RegExp {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { menus: Record<string, Array<{ command: string; when: string }>> } };
  const entry = pkg.contributes.menus['view/item/context']!.find((m) => m.command === 'pangeo.hubs.shareServer')!;
  const m = /viewItem =~ \/(.+)\/$/.exec(entry.when)!;
  assert.match(entry.when, /^view == pangeo\.hubs && /);
  return new RegExp(m[1]!);
}

function deleteMenuRegex(): RegExp {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { menus: Record<string, Array<{ command: string; when: string }>> } };
  return new RegExp(/viewItem =~ \/(.+)\/$/.exec(pkg.contributes.menus['view/item/context']!.find((m) => m.command === 'pangeo.hubs.deleteServer')!.when)![1]!);
}

test('the menu offers sharing on servers of JupyterHub 5.0+ hubs only (3.x, 4.x and unknown versions do not show it)', async () => {
  const shareWhen = shareMenuRegex();
  const deleteWhen = deleteMenuRegex();
  for (const [version, offered] of [['5.5.1', true], ['5.0.0', true], ['4.1.6', false], ['3.0.0', false], [null, false]] as const) {
    const { service, node, fake, close } = await setup({ recordVersion: version });
    try {
      const tree = new HubTreeProvider(fake.vs, service);
      for (const name of ['', 'gpu']) {
        const value = (tree.getTreeItem(node(name)) as unknown as { contextValue: string }).contextValue;
        assert.equal(shareWhen.test(value), offered, `${version ?? 'unknown'}: ${value}`);
        assert.equal(deleteWhen.test(value), name === 'gpu', `Delete still follows named servers: ${value}`);
      }
    } finally {
      await close();
    }
  }
});

test('after a refresh the menu offers sharing only on servers the token may share (JupyterHub 5 lists its scopes)', async () => {
  const shareWhen = shareMenuRegex();
  const cases: Array<[string[], Record<string, boolean>]> = [
    // JupyterHub 5's default user role: no `shares` at all.
    [['read:servers!user=alice', 'access:servers!user=alice', 'read:users:name'], { '': false, gpu: false }],
    // read:shares lists, but may not change anything.
    [['read:servers!user=alice', 'read:shares!user=alice'], { '': false, gpu: false }],
    [['read:servers!user=alice', 'shares!server=alice/gpu'], { '': false, gpu: true }],
    [FULL, { '': true, gpu: true }],
  ];
  for (const [scopes, offered] of cases) {
    const { service, node, fake, hub, close } = await setup({ scopes });
    try {
      await service.refresh(hub.base);
      assert.equal(service.snapshot(hub.base)!.error, undefined);
      assert.deepEqual(service.snapshot(hub.base)!.scopes, scopes);
      const tree = new HubTreeProvider(fake.vs, service);
      for (const name of ['', 'gpu']) {
        const value = (tree.getTreeItem(node(name)) as unknown as { contextValue: string }).contextValue;
        assert.equal(shareWhen.test(value), offered[name], `${scopes.join(' ')}: ${name || '(default)'} → ${value}`);
      }
    } finally {
      await close();
    }
  }
  // A JupyterHub 4 is not asked for the scopes at all (only 5.0+ shares).
  const { service, hub, close } = await setup({ version: '4.1.6' });
  try {
    await service.refresh(hub.base);
    assert.ok(!hub.requests.some((r) => r.startsWith('GET /jhub/hub/api/user?') || r === 'GET /jhub/hub/api/user'), hub.requests.join(', '));
    assert.equal(service.snapshot(hub.base)!.scopes, undefined);
  } finally {
    await close();
  }
});

test('a scope the admin grants later shows the action after the Refresh command (polls do not re-read the scopes)', async () => {
  const tokens = { 'tok-alice-0123': { user: 'alice', scopes: ['read:servers!user=alice'] } };
  const { service, node, fake, hub, close } = await setup({ tokens });
  try {
    const tree = new HubTreeProvider(fake.vs, service);
    const offered = () => shareMenuRegex().test((tree.getTreeItem(node('gpu')) as unknown as { contextValue: string }).contextValue);
    await service.refresh(hub.base);
    assert.equal(offered(), false);
    tokens['tok-alice-0123'].scopes.push('shares!user=alice');
    await service.refresh(hub.base);
    assert.equal(offered(), false, 'a poll keeps the scopes it read');
    await fake.commands.get('pangeo.hubs.refresh')!({ kind: 'hub', base: hub.base });
    assert.equal(offered(), true);
  } finally {
    await close();
  }
});

test('share with a user: asked for the name, granted, and said in plain words; the hub holds the share', async () => {
  const { hub, fake, share, close } = await setup();
  try {
    fake.answers.quickPick.push('$(person-add)');
    fake.answers.input.push(' bob ');
    await share();
    assert.deepEqual(hub.shares.map((s) => [s.kind, s.name, s.server]), [['user', 'bob', 'gpu']]);
    assert.ok(fake.progress.some((p) => p.startsWith('Reading who has access to server gpu on hub5')));
    assert.ok(fake.progress.some((p) => p.startsWith('Sharing server gpu on hub5 with user bob')));
    assert.ok(fake.notices.some((n) => n.kind === 'info' && /Shared server gpu on hub5 with user bob: they can open it and run code in it as you/.test(n.text)));
    assert.deepEqual(fake.quickPicks[0]!.labels.slice(3), ['Who has access', '$(info) Only you']);
  } finally {
    await close();
  }
});

test('share link: its lifetime asked, the link copied to the clipboard and never shown in a notification', async () => {
  const { hub, fake, share, close } = await setup();
  try {
    fake.answers.quickPick.push('$(link)', '1 week');
    await share('');
    assert.equal(hub.codes.length, 1);
    const code = hub.codes[0]!;
    assert.equal(fake.clipboard.text, `${hub.url}/jhub/hub/accept-share?code=${code.code}`);
    assert.ok(Math.abs(code.expires - code.created - 7 * 86_400_000) < 1000, 'a week');
    assert.ok(fake.notices.some((n) => /Share link for the default server on hub5 copied to the clipboard/.test(n.text)));
    assert.ok(!fake.messages.some((m) => m.includes(code.code)) && !fake.progress.some((m) => m.includes(code.code)), 'the code is in no notification');
  } finally {
    await close();
  }
});

test('who has access is listed (hub text escaped), and picking someone revokes them after a question', async () => {
  const { hub, fake, share, close } = await setup();
  try {
    fake.answers.quickPick.push('$(person-add)');
    fake.answers.input.push(HOSTILE);
    await share();
    fake.answers.quickPick.push('$(link)', '1 hour');
    await share();
    fake.answers.quickPick.push('$(person)');
    fake.answers.buttons.set("'s access to server gpu", 'Revoke');
    await share();
    const menu = fake.quickPicks.at(-1)!;
    assert.ok(menu.labels.includes('$(person) \\$(zap) [x](command:workbench.action.quit)'), `hub names cannot draw icons: ${menu.labels.join(' | ')}`);
    assert.ok(menu.labels.includes('$(key) Share link sc_1'));
    assert.ok(menu.labels.includes('$(circle-slash) Revoke all access…'));
    const question = fake.notices.find((n) => n.kind === 'warning' && n.text.startsWith('Revoke user'))!;
    assert.ok(!/\]\(command:/.test(question.text), `no link in the question: ${question.text}`);
    assert.deepEqual(hub.shares, [], 'revoked');
    assert.equal(hub.codes.length, 1, 'the link stays');
  } finally {
    await close();
  }
});

test('revoke a share link, and revoke all: each after its own question; No changes nothing', async () => {
  const { hub, fake, share, close } = await setup();
  try {
    fake.answers.quickPick.push('$(person-add)');
    fake.answers.input.push('bob');
    await share();
    for (let i = 0; i < 2; i++) {
      fake.answers.quickPick.push('$(link)', '1 day');
      await share();
    }
    fake.answers.quickPick.push('$(key) Share link sc_1');
    await share();
    assert.equal(hub.codes.length, 2, 'no answer to the question: nothing revoked');
    fake.answers.buttons.set('Revoke share link sc_1', 'Revoke Link');
    fake.answers.quickPick.push('$(key) Share link sc_1');
    await share();
    assert.deepEqual(hub.codes.map((c) => `sc_${c.id}`), ['sc_2']);
    fake.answers.buttons.set('Revoke all access', 'Revoke All');
    fake.answers.quickPick.push('$(circle-slash)');
    await share();
    assert.deepEqual([hub.shares, hub.codes], [[], []]);
    assert.ok(fake.notices.some((n) => /Only you have access to server gpu on hub5 now/.test(n.text)));
  } finally {
    await close();
  }
});

test('a hub that refuses sharing (no `shares` scope): the error names the scope before any question, nothing is made', async () => {
  const { hub, fake, share, service, node, close } = await setup({ scopes: ['read:servers!user=alice', 'read:users:name'] });
  try {
    await share();
    const error = fake.notices.find((n) => n.kind === 'error');
    assert.ok(error, 'an error notification');
    assert.match(error.text, /lacks the scope shares!server=alice\/gpu/);
    assert.deepEqual([fake.quickPicks.length, fake.inputBoxes.length], [0, 0], 'nothing was asked');
    assert.ok(!hub.requests.some((r) => !r.startsWith('GET')), `only reads: ${hub.requests.join(', ')}`);
    const n = node('gpu') as Extract<HubTreeNode, { kind: 'server' }>;
    await assert.rejects(shareServerInteractive(fake.vs, service, n.base, n.server), SharingRefusedError);
  } finally {
    await close();
  }
});

test('the hub refuses one step (sharing by name without read:users:name): named in the error, nothing granted', async () => {
  const { hub, fake, share, close } = await setup({ scopes: ['shares!user=alice'] });
  try {
    fake.answers.quickPick.push('$(person-add)');
    fake.answers.input.push('bob');
    await share();
    const error = fake.notices.find((n) => n.kind === 'error');
    assert.match(error?.text ?? '', /lacks the scope read:users:name/);
    assert.deepEqual(hub.shares, []);
    assert.ok(!fake.notices.some((n) => n.kind === 'info'), 'no success note');
  } finally {
    await close();
  }
});

test('a hub older than 5.0 reached anyway (its record says 5): refused with the version, no sharing call sent', async () => {
  const { hub, fake, share, service, node, close } = await setup({ version: '4.1.6', recordVersion: '5.0.0' });
  try {
    await share();
    assert.match(fake.notices.find((n) => n.kind === 'error')?.text ?? '', /runs JupyterHub 4\.1\.6; sharing a server needs JupyterHub 5\.0 or later/);
    assert.deepEqual(hub.requests, ['GET /jhub/hub/api']);
    const n = node('gpu') as Extract<HubTreeNode, { kind: 'server' }>;
    await assert.rejects(shareServerInteractive(fake.vs, service, n.base, n.server), SharingUnsupportedError);
  } finally {
    await close();
  }
});

/** Inside a hub server: the hub's API on its internal address (the contract server), the server's own token. */
async function insideSetup(publicHubUrl?: string) {
  const hub = await startSharingHub({ tokens: { 'server-token-0123': { user: 'alice', scopes: FULL } } });
  const inside = insideHubFromEnv({
    JUPYTERHUB_API_TOKEN: 'server-token-0123', JUPYTERHUB_USER: 'alice', JUPYTERHUB_SERVER_NAME: '',
    JUPYTERHUB_API_URL: `${hub.base}hub/api`, JUPYTERHUB_BASE_URL: '/jhub/', JUPYTERHUB_SERVICE_URL: 'http://127.0.0.1:40000/jhub/user/alice/',
    ...(publicHubUrl ? { JUPYTERHUB_PUBLIC_HUB_URL: publicHubUrl } : {}),
  })!;
  const fake = createFakeVscode();
  const sessions = new HubSessions(new MemoryStore(), new SecretMap(), { inside, client: { retries: 0 } });
  const service = new HubService(fake.vs, sessions, silentLogger, () => undefined);
  const server = { name: '', state: 'ready' as const, userOptions: {} };
  return { hub, fake, service, run: () => shareServerInteractive(fake.vs, service, inside.id, server), close: async () => { service.dispose(); await hub.close(); } };
}

test('inside a hub server: the share link uses the hub\'s public address, not the internal one the API uses', async () => {
  const { hub, fake, run, close } = await insideSetup('https://hub.example.org/jhub/hub/');
  try {
    fake.answers.quickPick.push('$(link)', '1 day');
    await run();
    assert.equal(fake.clipboard.text, `https://hub.example.org/jhub/hub/accept-share?code=${hub.codes[0]!.code}`);
  } finally {
    await close();
  }
});

test('inside a hub server with no known public address: no link is copied, and the code made is revoked again', async () => {
  const { hub, fake, run, close } = await insideSetup();
  try {
    // code-server on a port of its own: its address says nothing about the hub's.
    (fake.vs.env as { asExternalUri: unknown }).asExternalUri = async () => fake.Uri.parse('http://127.0.0.1:9999/proxy/40000/');
    fake.answers.quickPick.push('$(link)', '1 day');
    await assert.rejects(run(), /public address is not in this server's environment/);
    assert.equal(fake.clipboard.text, '');
    assert.ok(hub.requests.some((r) => r.startsWith('POST /jhub/hub/api/share-codes/alice/')), 'a code was made');
    assert.deepEqual(hub.codes, [], 'and revoked');
  } finally {
    await close();
  }
});

test('hostile user, group and server names from the hub: no quick pick draws an icon, no notification keeps a link', async () => {
  const names = [COMMAND_LINK, '$(zap) evil', `bidi\u202Etxt.exe`];
  const SERVER = `$(zap) ${COMMAND_LINK}`;
  const { hub, fake, service, close } = await setup({
    users: { alice: { servers: ['', SERVER] }, ...Object.fromEntries(names.map((n) => [n, { servers: [] }])) },
    groups: names,
  });
  try {
    const server = { name: SERVER, state: 'ready' as const, userOptions: {} };
    const run = () => shareServerInteractive(fake.vs, service, hub.base, server);
    for (const n of names) {
      for (const kind of ['$(person-add)', '$(organization)']) {
        fake.answers.quickPick.push(kind);
        fake.answers.input.push(n);
        await run();
      }
    }
    assert.equal(hub.shares.length, names.length * 2);
    fake.answers.quickPick.push('$(person) ');
    fake.answers.buttons.set('Revoke user', 'Revoke');
    await run();
    const menu = fake.quickPicks.at(-1)!;
    for (const text of [menu.title ?? '', ...menu.items.flatMap((i) => [i.label.replace(/^\$\((person|organization|key|info|circle-slash|person-add|link)\) /, ''), i.description ?? '', i.detail ?? ''])]) {
      assert.doesNotMatch(text, UNESCAPED_ICON, `a quick pick draws an icon: ${text}`);
      assert.doesNotMatch(text, /\u202E/, `a hidden character is shown as it is: ${text}`);
    }
    for (const t of [...fake.messages, ...fake.progress]) assert.doesNotMatch(t, NOTIFICATION_LINK, `a notification keeps a link: ${t}`);
    for (const box of fake.inputBoxes) assert.doesNotMatch(String(box.title), /\u202E/);
  } finally {
    await close();
  }
});

test('a hub upgraded to 5.0 after it was added offers sharing after a Refresh (the version is read again)', async () => {
  const { service, node, fake, hub, close } = await setup({ version: '5.5.1', recordVersion: '4.1.6' });
  try {
    const tree = new HubTreeProvider(fake.vs, service);
    const shareWhen = shareMenuRegex();
    const offered = () => shareWhen.test((tree.getTreeItem(node('gpu')) as unknown as { contextValue: string }).contextValue);
    assert.equal(offered(), false, 'the record says 4.1.6');
    await fake.commands.get('pangeo.hubs.refresh')!({ kind: 'hub', base: hub.base });
    assert.equal(service.snapshot(hub.base)!.record.version, '5.5.1');
    assert.equal(offered(), true);
  } finally {
    await close();
  }
});
