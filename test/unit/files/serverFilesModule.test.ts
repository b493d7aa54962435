// The server files module as the editor drives it: one notice per server and cause however many saves and cell runs
// fail (issue 22: one per run), the true cause by the server's name, and "Open Server Files" that never reloads a
// window with unsaved work without asking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { registerServerFiles } from '../../../src/files/editor/module';
import type { ContentsClient } from '../../../src/files/contentsClient';
import type { ConnectedServer, HubRegistry } from '../../../src/hubs/hubRegistry';
import { UnreachableError } from '../../../src/core/http/errors';
import { silentLogger } from '../../../src/core/log';
import { asUri, createFakeVscode, FakeUri, settle } from '../../support/fakeVscode';

const HUB = 'http://127.0.0.1:8000/';
const USER = 'alice';

interface Window {
  /** The workspace file of a multi-root window; undefined for one folder or none. */
  workspaceFile?: FakeUri;
  folders: Array<{ uri: FakeUri; name: string }>;
  dirtyNotebooks: string[];
  /** What saveAll leaves unsaved (a Save As dialog the user cancelled). */
  saveAllLeaves: string[];
}

function setup(win: Partial<Window> = {}) {
  const fake = createFakeVscode();
  const state: Window = { folders: [], dirtyNotebooks: [], saveAllLeaves: [], ...win };
  const added: string[] = [];
  const uploaded: string[] = [];
  const written = new Map<string, string>();
  const server = { hubId: HUB, hubLabel: '127.0.0.1:8000', user: USER, server: { name: '', state: 'ready', url: `${HUB}user/alice/`, userOptions: {} }, client: {} } as unknown as ConnectedServer;
  const hub = { ready: true, signedIn: true, refreshError: undefined as unknown };
  const listeners: Array<() => void> = [];
  const hubs = {
    onDidChangeServers: (l: () => void) => { listeners.push(l); return { dispose() {} }; },
    readyServers: () => (hub.ready && hub.signedIn ? [server] : []),
    refresh: async () => undefined,
    restartServer: async () => false,
    authorizationFor: async () => undefined,
    isSignedIn: () => hub.signedIn,
    refreshError: () => hub.refreshError,
  } as unknown as HubRegistry;
  let failWith: Error | undefined;
  const contents = {
    list: async () => {
      if (failWith) throw failWith;
      return { entry: { name: '', path: '', type: 'directory', writable: true, lastModified: 't', mtime: 0, ctime: 0 }, children: [] };
    },
    statIfExists: async () => { if (failWith) throw failWith; return undefined; },
    write: async (path: string) => {
      if (failWith) throw failWith;
      return { name: path, path, type: 'file', writable: true, lastModified: 't1', mtime: 1, ctime: 0, size: 2 };
    },
  } as unknown as ContentsClient;
  let provider: vscode.FileSystemProvider | undefined;
  const notebook = (name: string) => ({ uri: FakeUri.from({ scheme: 'untitled', path: name }), get isDirty() { return state.dirtyNotebooks.includes(name); } });
  const vs = {
    ...fake.vs,
    workspace: {
      ...fake.vs.workspace,
      get workspaceFile() { return state.workspaceFile; },
      get workspaceFolders() { return state.folders; },
      get notebookDocuments() { return ['Untitled-1.ipynb', 'saved.ipynb'].map(notebook); },
      textDocuments: [],
      registerFileSystemProvider: (_scheme: string, p: vscode.FileSystemProvider) => { provider = p; return { dispose() {} }; },
      updateWorkspaceFolders: (_at: number, _del: number, ...folders: Array<{ uri: FakeUri; name: string }>) => {
        for (const f of folders) added.push(f.name);
        return true;
      },
      saveAll: async () => { state.dirtyNotebooks = [...state.saveAllLeaves]; return state.saveAllLeaves.length === 0; },
      fs: {
        readDirectory: async (u: FakeUri) => provider!.readDirectory(asUri(u)),
        // What an upload reads here (a local file) and writes there.
        stat: async () => ({ type: 1 }),
        readFile: async () => Buffer.from('a,b\n'),
        writeFile: async (u: FakeUri, bytes: Uint8Array) => {
          uploaded.push(u.path);
          written.set(u.path, Buffer.from(bytes).toString('utf8'));
        },
        createDirectory: async () => undefined,
      },
    },
  } as unknown as typeof vscode;
  const context = { ...fake.context, globalStorageUri: FakeUri.file('/storage/pangeo') };
  const module = registerServerFiles({ vs, logger: silentLogger, context: context as unknown as vscode.ExtensionContext }, hubs);
  // The module builds the real provider; the tests swap in an in-memory Contents API for the server.
  (module.provider as unknown as { opts: { contentsFor: () => ContentsClient } }).opts.contentsFor = () => contents;
  const uri = (path: string) => asUri(module.provider.uriFor({ hubId: HUB, user: USER, serverName: '', path }));
  const save = () => module.provider.writeFile(uri('week1.ipynb'), Buffer.from('{}'), { create: true, overwrite: true }).then(() => 'saved', (e: Error) => e.message);
  const warnings = () => fake.notices.filter((n) => n.kind === 'warning').map((n) => n.text);
  return {
    fake, hub, state, added, uploaded, written, module, uri, save, warnings,
    /** The answer to "Adding … reloads it" (undefined: closed, as Cancel). */
    answerReloadQuestion: (a: string | undefined) => (a ? fake.answers.buttons.set('reloads it', a) : fake.answers.buttons.delete('reloads it')),
    reloadQuestions: () => fake.notices.filter((n) => n.text.includes('reloads it')).map((n) => n.text),
    failWith: (e: Error | undefined) => (failWith = e),
    serversChanged: () => listeners.forEach((l) => l()),
  };
}

test('signed out: one "Sign In" notice by the server\'s name for many failed saves, however they come', async () => {
  const t = setup();
  t.hub.signedIn = false;
  // Each cell run that saves, each Explorer listing: only the first is told.
  for (let i = 0; i < 5; i++) assert.match(await t.save(), /^Sign in to 127\.0\.0\.1:8000 to save or open files of alice's server on 127\.0\.0\.1:8000/);
  await assert.rejects(t.module.provider.readDirectory(t.uri('')));
  assert.deepEqual(t.warnings(), ['Sign in to 127.0.0.1:8000 to save or open files of alice\'s server on 127.0.0.1:8000. Unsaved changes are kept.']);
  assert.doesNotMatch(t.warnings()[0]!, /not running|pangeo-hub|http:@/);
  t.hub.refreshError = new UnreachableError(`${HUB}hub/api/users/alice`);
  t.hub.signedIn = true;
  t.hub.ready = false;
  // The cause changed (now the hub does not answer): told once more, with no button.
  for (let i = 0; i < 3; i++) assert.match(await t.save(), /^Cannot reach 127\.0\.0\.1:8000: files of alice's server/);
  assert.equal(t.warnings().length, 2);
  assert.match(t.warnings()[1]!, /^Cannot reach 127\.0\.0\.1:8000/);
});

test('a cause told once is told again after the files worked in between, or the server came back', async () => {
  const t = setup();
  t.failWith(new UnreachableError(`${HUB}user/alice/api/contents/week1.ipynb`));
  await t.save();
  await t.save();
  assert.equal(t.warnings().length, 1);
  t.failWith(undefined);
  assert.equal(await t.save(), 'saved');
  t.failWith(new UnreachableError(`${HUB}user/alice/api/contents/week1.ipynb`));
  await t.save();
  assert.equal(t.warnings().length, 2);
  // Signed out, then in again: the next sign-out is news.
  t.hub.signedIn = false;
  await t.save();
  t.hub.signedIn = true;
  t.serversChanged();
  t.hub.signedIn = false;
  await t.save();
  assert.deepEqual(t.warnings().map((w) => w.split(' ')[0]), ['Cannot', 'Cannot', 'Sign', 'Sign']);
  // The stopped server's notice offers to start it again.
  t.fake.answers.buttons.set('the server is not running', 'Start the Server Again');
  t.hub.signedIn = true;
  t.hub.ready = false;
  await t.save();
  await settle();
  assert.deepEqual(t.fake.executed.find((e) => e.id === 'pangeo.hubs.restartServer')?.args, [{ kind: 'server', base: HUB, server: { name: '' } }]);
});

test('the notice\'s Sign In button signs in to that hub', async () => {
  const t = setup();
  t.hub.signedIn = false;
  t.fake.answers.buttons.set('Sign in to', 'Sign In');
  await t.save();
  await settle();
  assert.deepEqual(t.fake.executed.find((e) => e.id === 'pangeo.hubs.signIn')?.args, [HUB]);
});

test('Open Server Files in a window with one folder and an unsaved notebook asks first; Cancel adds nothing', async () => {
  const t = setup({ folders: [{ uri: FakeUri.file('/work/course'), name: 'course' }], dirtyNotebooks: ['Untitled-1.ipynb'] });
  t.answerReloadQuestion(undefined); // Cancel (or Escape)
  assert.equal(await t.fake.vs.commands.executeCommand('pangeo.files.openServerFiles'), undefined);
  assert.deepEqual(t.added, [], 'no reload: the unsaved notebook stays');
  assert.deepEqual(t.reloadQuestions(), ['Adding alice\'s server on 127.0.0.1:8000 to this window reloads it, and unsaved work would be lost '
    + '(Untitled-1.ipynb). Open the server\'s files in a new window, or save first and add them here?']);
});

test('Open in New Window opens the server folder (in a workspace file naming it) in a new window and leaves this one as it is', async () => {
  const t = setup({ dirtyNotebooks: ['Untitled-1.ipynb'] }); // no folder at all: adding the first one reloads too
  t.answerReloadQuestion('Open in New Window');
  const opened = await t.fake.vs.commands.executeCommand('pangeo.files.openServerFiles');
  assert.equal(opened, t.uri('').toString());
  assert.deepEqual(t.added, []);
  // A one-folder workspace file: the folder under its friendly name (not "@"), and a second server adds without a reload.
  const open = t.fake.executed.find((e) => e.id === 'vscode.openFolder');
  const file = '/storage/pangeo/server-workspaces/alice%40127.0.0.1%3A8000.code-workspace';
  assert.equal((open?.args[0] as FakeUri).path, file);
  assert.deepEqual(open?.args[1], { forceNewWindow: true });
  assert.deepEqual(JSON.parse(t.written.get(file)!), { folders: [{ uri: t.uri('').toString(), name: 'alice@127.0.0.1:8000' }], settings: {} });
});

test('Save and Add saves first and adds only when nothing is left unsaved', async () => {
  const t = setup({ folders: [{ uri: FakeUri.file('/work/course'), name: 'course' }], dirtyNotebooks: ['Untitled-1.ipynb'], saveAllLeaves: ['Untitled-1.ipynb'] });
  t.answerReloadQuestion('Save and Add');
  assert.equal(await t.fake.vs.commands.executeCommand('pangeo.files.openServerFiles'), undefined);
  assert.deepEqual(t.added, [], 'the Save As was cancelled: no reload');
  assert.match(t.warnings().at(-1)!, /not added: Untitled-1\.ipynb is still unsaved/);
  t.state.dirtyNotebooks = ['Untitled-1.ipynb'];
  t.state.saveAllLeaves = [];
  assert.equal(await t.fake.vs.commands.executeCommand('pangeo.files.openServerFiles'), t.uri('').toString());
  assert.deepEqual(t.added, ['alice@127.0.0.1:8000']);
});

test('Open Server Files adds at once in a multi-root workspace (no reload), or when nothing is unsaved', async () => {
  const multi = setup({ workspaceFile: FakeUri.file('/work/course.code-workspace'), folders: [{ uri: FakeUri.file('/work/course'), name: 'course' }], dirtyNotebooks: ['Untitled-1.ipynb'] });
  await multi.fake.vs.commands.executeCommand('pangeo.files.openServerFiles');
  assert.deepEqual(multi.added, ['alice@127.0.0.1:8000']);
  assert.deepEqual(multi.reloadQuestions(), []);
  const clean = setup({ folders: [{ uri: FakeUri.file('/work/course'), name: 'course' }] });
  await clean.fake.vs.commands.executeCommand('pangeo.files.openServerFiles');
  assert.deepEqual(clean.added, ['alice@127.0.0.1:8000']);
  assert.deepEqual(clean.reloadQuestions(), []);
});

test('"Uploaded" names the folder and the server, not the raw address', async () => {
  const t = setup({ workspaceFile: FakeUri.file('/w.code-workspace'), folders: [] });
  const local = FakeUri.file('/tmp/upload-me.csv');
  await t.fake.vs.commands.executeCommand('pangeo.files.upload', local, [local]);
  await settle();
  const info = t.fake.notices.filter((n) => n.kind === 'info').map((n) => n.text);
  assert.deepEqual(info, ['Uploaded 1 item to the home folder of alice\'s server on 127.0.0.1:8000.']);
  assert.deepEqual(t.uploaded, ['/http:@/alice/@/upload-me.csv']);
});
