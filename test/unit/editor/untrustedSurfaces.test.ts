// Hostile hub, gateway and error text through the editor's surfaces, with the fake vscode: the start-server flow's
// progress, failure and pickers, error notifications, the Hubs and Dask trees' labels and tooltips. No notification
// keeps a link, no quick pick draws an icon, no tooltip is trusted or renders a link/image/HTML, no hidden character
// is left, and a long message offers its whole text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMAND_LINK, COMMAND_LINK_WITH_ARGS, HOSTILE_SAMPLES, TEN_THOUSAND, UNSAFE_CHARACTER } from '../../fixtures/hostileText';
import { foreignTags, NOTIFICATION_LINK, renderMarkdown, UNESCAPED_ICON } from '../../support/untrustedChecks';
import { createFakeVscode, settle, type FakeTreeItem } from '../../support/fakeVscode';
import { askOptions, pickServerToStart, startWithProgress } from '../../../src/hubs/editor/startServerFlow';
import type { HubService } from '../../../src/hubs/editor/hubService';
import { HubService as RealHubService } from '../../../src/hubs/editor/hubService';
import { HubTreeProvider } from '../../../src/hubs/editor/hubTree';
import { HubSessions } from '../../../src/hubs/hubSessions';
import { SpawnFailedError } from '../../../src/hubs/spawnProgress';
import type { OptionsForm } from '../../../src/hubs/optionsForm';
import { showError } from '../../../src/editor/showError';
import { SHOW_FULL_TEXT } from '../../../src/editor/untrustedMarkdown';
import { ClusterService } from '../../../src/dask/editor/clusterService';
import { DaskTreeProvider } from '../../../src/dask/editor/daskTree';
import { NO_CAPABILITIES, type ClusterProvider, type ClusterSummary } from '../../../src/dask/clusterProvider';
import { UnexpectedResponseError } from '../../../src/core/http/errors';
import { silentLogger } from '../../../src/core/log';
import { MemoryStore } from '../../../src/core/keyValueStore';
import { SecretMap } from '../../support/memoryStores';

const HOSTILE = HOSTILE_SAMPLES.map((s) => s.text);
const HUB = 'https://hub.test/';

/** What a notification, progress message or picker shows: no link, no hidden character. */
function assertInertText(shown: string, where: string): void {
  assert.doesNotMatch(shown, NOTIFICATION_LINK, `${where}: a link in ${JSON.stringify(shown.slice(0, 120))}`);
  assert.doesNotMatch(shown, UNSAFE_CHARACTER, `${where}: a hidden character`);
}

/** A tree item's label or description (trees draw neither links nor icons): one line, nothing hidden, capped. */
function assertPlainLabel(shown: string, where: string): void {
  assert.doesNotMatch(shown, UNSAFE_CHARACTER, `${where}: a hidden character`);
  assert.doesNotMatch(shown, /\n/, `${where}: one line`);
  assert.ok(Array.from(shown).length <= 200, `${where}: ${Array.from(shown).length} characters`);
}

/** An untrusted MarkdownString whose rendering has no link, image or HTML of the server's. */
function assertInertTooltip(tooltip: unknown, where: string): void {
  const md = tooltip as { value: string; isTrusted?: unknown; supportHtml: boolean; supportThemeIcons: boolean };
  assert.equal(md.isTrusted, false, `${where}: isTrusted`);
  assert.equal(md.supportHtml, false, `${where}: supportHtml`);
  assert.equal(md.supportThemeIcons, false, `${where}: supportThemeIcons`);
  const html = renderMarkdown(md.value);
  assert.deepEqual(foreignTags(html), [], `${where}: ${html.slice(0, 200)}`);
  assert.doesNotMatch(html, UNSAFE_CHARACTER, `${where}: a hidden character`);
}

/** A HubService stand-in for the start flow: the hub's spawn reports `progress` then fails with `reason`. */
function spawningService(progress: string[], reason: string): HubService {
  const record = { base: HUB, label: 'hub.test', user: 'ana' };
  return {
    sessions: {
      hub: () => record,
      rememberOptions: async () => undefined,
      client: () => ({
        startAndWait: async (_u: string, _n: string, _o: unknown, o: { onProgress(e: { progress: number; message: string; ready: boolean }): void }) => {
          progress.forEach((message, i) => o.onProgress({ progress: i * 10, message, ready: false }));
          throw new SpawnFailedError(reason);
        },
      }),
    },
    markServerState: () => undefined,
    refresh: async () => undefined,
  } as unknown as HubService;
}

test('start server: hostile progress messages, failure reasons and server names reach notifications as inert text', async () => {
  for (const text of HOSTILE) {
    const fake = createFakeVscode();
    await startWithProgress(fake.vs, spawningService([text, `Pending ${COMMAND_LINK_WITH_ARGS}`], text), HUB, text.slice(0, 300), {});
    assert.ok(fake.progress.length >= 3, 'the title and two progress messages were shown');
    for (const p of fake.progress) assertInertText(p, 'progress');
    assert.equal(fake.notices.length, 1);
    assertInertText(fake.notices[0]!.text, 'failure notification');
    assert.ok(fake.notices[0]!.text.length <= 500);
    assert.equal(fake.executed.length, 0, 'no command ran');
  }
});

test('start server: a 10,000-character failure is cut, and "Show Full Text" opens all of it', async () => {
  const fake = createFakeVscode();
  fake.answers.buttons.set('failed to start', SHOW_FULL_TEXT);
  await startWithProgress(fake.vs, spawningService([], TEN_THOUSAND), HUB, 'big', {});
  await settle();
  assert.ok(fake.notices[0]!.text.endsWith('…'));
  const doc = fake.documents.at(-1)!;
  assert.equal(doc.uri.scheme, 'untitled');
  assert.ok(doc.getText().includes(TEN_THOUSAND), 'the whole reason is one click away');
});

test('start server pickers: hostile server names and options-form labels draw no icon and hide nothing', async () => {
  const fake = createFakeVscode();
  const names = ['$(warning) official', `a${COMMAND_LINK}`, 'invoice\u202Efdp.exe'];
  const service = {
    snapshot: () => ({ record: { label: 'hub.test' }, servers: names.map((name) => ({ name, state: 'stopped', userOptions: {} })) }),
    refresh: async () => undefined,
  } as unknown as HubService;
  await pickServerToStart(fake.vs, service, HUB);
  const choice = (label: string) => ({ value: label.slice(0, 20), label, isDefault: false });
  const form: OptionsForm = {
    profiles: HOSTILE.map((t, i) => ({ slug: `p${i}`, displayName: t, description: t, isDefault: i === 0, options: [{ key: 'image', label: t, choices: HOSTILE.map(choice), unlistedChoice: false }] })),
    fields: [{ name: 'f', label: '$(shield) Field', type: 'multiselect', choices: HOSTILE.map(choice), defaultValue: '', required: false }],
  };
  fake.answers.quickPick.push('', ''); // the first profile, its first image; the multiselect is dismissed
  await askOptions(fake.vs, form, undefined, 'Start');
  assert.equal(fake.quickPicks.length, 4, 'server, profile, image, field');
  for (const { title, items } of fake.quickPicks) {
    assertInertText(title ?? '', 'picker title');
    for (const item of items) {
      for (const shown of [item.label, item.description ?? '', item.detail ?? '']) {
        assert.doesNotMatch(shown.replace(/^\$\((server|add)\) /, ''), UNESCAPED_ICON, `an icon in ${shown.slice(0, 80)}`);
        assert.doesNotMatch(shown, UNSAFE_CHARACTER);
        assert.ok(Array.from(shown).length <= 210);
      }
    }
  }
  // Our own icons stay.
  assert.ok(fake.quickPicks[0]!.items.every((i) => i.label.startsWith('$(server) ') || i.label.startsWith('$(add) ')));
});

test('showError: a server\'s error message with command links and bidi is an inert notification', async () => {
  for (const text of HOSTILE) {
    const fake = createFakeVscode();
    await showError(fake.vs, silentLogger, 'List clusters', new UnexpectedResponseError('https://gw.test/api/clusters', 500, text));
    await settle();
    assertInertText(fake.notices[0]!.text, 'error notification');
    assert.ok(fake.notices[0]!.text.length <= 500);
  }
});

test('Hubs tree: a hostile hub version, user, server name and user_options give inert labels and an untrusted tooltip', async () => {
  const state = new MemoryStore();
  const sample = HOSTILE.join(' ');
  state.data.set('pangeo.hubs', [{ base: HUB, label: 'hub.test', user: 'ana', method: 'token', version: sample }]);
  const secrets = new SecretMap();
  secrets.map.set(`pangeo.hub.token:${HUB}`, 'tok-aaaaaaaa');
  const fake = createFakeVscode();
  const service = new RealHubService(fake.vs, new HubSessions(state, secrets), silentLogger, () => undefined);
  const tree = new HubTreeProvider(fake.vs, service);
  const [hub] = await tree.getChildren();
  const hubItem = tree.getTreeItem(hub!) as unknown as FakeTreeItem & { label: string };
  assertInertTooltip(hubItem.tooltip, 'hub tooltip');
  assertPlainLabel(hubItem.description!, 'hub description');
  service.snapshot(HUB)!.servers = HOSTILE.map((name) => ({ name, state: 'ready', url: `${HUB}user/ana/${name.slice(0, 10)}/`, userOptions: { profile: name, image: 'a` [x](command:workbench.action.openSettings) `b' } }));
  for (const node of await tree.getChildren(hub)) {
    const item = tree.getTreeItem(node) as unknown as FakeTreeItem & { label: string };
    assertInertTooltip(item.tooltip, 'server tooltip');
    assertPlainLabel(item.label, 'server label');
    assertPlainLabel(item.description!, 'server description');
  }
  service.dispose();
});

test('Dask tree: hostile Gateway/Coiled cluster names, messages and worker names give inert labels and untrusted tooltips', async () => {
  const fake = createFakeVscode();
  const clusters: ClusterSummary[] = HOSTILE.map((name, i) => ({
    id: `c${i}`, name, status: 'running', workers: 1, threads: 1, memory: 2 ** 30, provider: 'gateway', message: name,
    dashboardUrl: `https://evil.example/${i}`, schedulerAddress: `tls://a\`b\` [x](command:y):${i}`,
  }));
  const provider = {
    kind: 'gateway' as const, id: 'gw', label: 'gw', capabilities: { ...NO_CAPABILITIES, workers: true },
    list: async () => clusters,
    workers: async () => HOSTILE.map((name, i) => ({ id: `tcp://w${i}`, name, threads: 1, host: name })),
  } as unknown as ClusterProvider;
  const service = new ClusterService({ providers: () => [provider], logger: silentLogger });
  const tree = new DaskTreeProvider(fake.vs, service);
  const [root] = await tree.getChildren();
  const nodes = await tree.getChildren(root);
  assert.equal(nodes.length, HOSTILE.length);
  for (const node of nodes) {
    const item = tree.getTreeItem(node) as unknown as FakeTreeItem & { label: string };
    assertInertTooltip(item.tooltip, 'cluster tooltip');
    assertPlainLabel(item.label, 'cluster label');
  }
  for (const node of await tree.getChildren(nodes[0])) {
    const item = tree.getTreeItem(node) as unknown as FakeTreeItem & { label: string };
    assertPlainLabel(item.label, 'worker label');
    assert.doesNotMatch(String(item.tooltip), UNSAFE_CHARACTER);
  }
  service.dispose();
});
