// Issue 22 against a real JupyterHub and jupyter_server, with the real sessions, HubService and server files module:
// saves that fail while signed out or while the hub does not answer say so by the server's name (never "not running"
// when signed out, never the raw pangeo-hub: address), and each cause is told once however many saves fail.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { startTestHub, TestHub } from '../../support/jupyterhub';
import { SecretMap } from '../../support/memoryStores';
import { createFakeVscode, FakeFileSystemError, type FakeVscode } from '../../support/fakeVscode';
import { MemoryStore } from '../../../src/core/keyValueStore';
import { HubSessions } from '../../../src/hubs/hubSessions';
import { HubService } from '../../../src/hubs/editor/hubService';
import { registerServerFiles, type ServerFilesModule } from '../../../src/files/editor/module';
import { silentLogger } from '../../../src/core/log';
import { startTcpForwarder, TcpForwarder } from '../../support/tcpForwarder';

const USER = 'alice';

describe('server files while signed out or with the hub down, on a real hub', { timeout: 240_000 }, () => {
  let hub: TestHub;
  let fwd: TcpForwarder;
  let base: string;
  let label: string;
  let sessions: HubSessions;
  let service: HubService;
  let fake: FakeVscode;
  let files: ServerFilesModule;

  before(async () => {
    hub = await startTestHub({ baseUrl: '/jhub/', users: [USER] });
    // The editor reaches the hub through this forwarder: closing it is the hub going away for the editor.
    fwd = await startTcpForwarder(Number(new URL(hub.url).port));
    base = `http://127.0.0.1:${fwd.port}/jhub/`;
    label = `127.0.0.1:${fwd.port}/jhub`;
    sessions = new HubSessions(new MemoryStore(), new SecretMap());
    await sessions.addHub(base);
    await sessions.signInWithPassword(base, USER, hub.password, 3600);
    fake = createFakeVscode();
    const vs = { ...fake.vs, workspace: { ...fake.vs.workspace, registerFileSystemProvider: () => ({ dispose() {} }) } } as unknown as typeof vscode;
    service = new HubService(vs, sessions, silentLogger, () => undefined);
    await sessions.client(base).startAndWait(USER, '', {}, { timeoutMs: 60_000 });
    await service.refresh();
    files = registerServerFiles({ vs, logger: silentLogger, context: fake.context as unknown as vscode.ExtensionContext }, service);
  });
  after(async () => {
    files?.dispose();
    service?.dispose();
    await fwd?.close();
    await hub?.stop();
  });

  const notebook = () => files.provider.uriFor({ hubId: base, user: USER, serverName: '', path: 'week1.ipynb' });
  const save = (text: string) => files.provider.writeFile(notebook() as never, Buffer.from(text), { create: true, overwrite: true })
    .then(() => 'saved', (e: FakeFileSystemError) => `${e.code}: ${e.message}`);
  const warnings = () => fake.notices.filter((n) => n.kind === 'warning').map((n) => n.text);

  test('signed out: "Sign in to <hub>" by the server\'s name, once for many saves; signed in again, saving works', async () => {
    assert.equal(await save('{"v": 1}'), 'saved');
    await sessions.signOut(base);
    const expected = `Unavailable: Sign in to ${label} to save or open files of alice's server on ${label}. Unsaved changes are kept.`;
    // Each cell run that saves: the same true sentence, and one notice.
    for (let i = 0; i < 3; i++) assert.equal(await save(`{"v": ${i + 2}}`), expected);
    assert.deepEqual(warnings(), [expected.slice('Unavailable: '.length)]);
    assert.doesNotMatch(warnings()[0]!, /not running|pangeo-hub|http:|@\//);
    await sessions.signInWithPassword(base, USER, hub.password, 3600);
    await service.refresh();
    assert.equal(await save('{"v": 9}'), 'saved');
    const onServer = await fetch(`${hub.url}user/${USER}/api/contents/week1.ipynb?type=file&format=text`, { headers: { Authorization: `token ${hub.adminToken}` } });
    assert.equal(((await onServer.json()) as { content: string }).content, '{"v": 9}');
  });

  test('the hub not answering: "Cannot reach <hub>", once for many saves and refreshes; never "not running"', async () => {
    const before = warnings().length;
    await fwd.close();
    const expected = `Unavailable: Cannot reach ${label}: files of alice's server on ${label} cannot be saved or opened until it answers. Unsaved changes are kept; save again once it is back.`;
    assert.equal(await save('{"v": 10}'), expected);
    // The Hubs view's refresh fails too: the registry keeps why, and the next save says the same.
    await service.refresh();
    assert.ok(service.refreshError(base), 'the refresh failed');
    assert.equal(await save('{"v": 11}'), expected);
    assert.equal(await save('{"v": 12}'), expected);
    assert.deepEqual(warnings().slice(before), [expected.slice('Unavailable: '.length)]);
  });
});
