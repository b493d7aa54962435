// The pangeo-hub: provider's mapping of server outcomes onto FileSystemErrors (the codes that drive the editor's
// flows), its stopped-server handling, its listing cache and its conflict check — over an in-memory Contents API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HubFileSystemProvider } from '../../../src/files/editor/hubFileSystem';
import { toFileSystemError } from '../../../src/files/editor/fileSystemErrors';
import type { ContentsClient, WriteOptions } from '../../../src/files/contentsClient';
import { ContentsEntry, normalizeServerPath } from '../../../src/files/contentsModels';
import { FileChangedOnServerError, FileExistsOnServerError, FileTooLargeError, ServerNotRunningError, WrongContentTypeError } from '../../../src/files/contentsErrors';
import { ForbiddenError, NotFoundError, PangeoError, UnauthorizedError, UnreachableError } from '../../../src/core/http/errors';
import type { ConnectedServer, HubRegistry } from '../../../src/hubs/hubRegistry';
import { silentLogger } from '../../../src/core/log';
import { asUri, createFakeVscode, FakeFileSystemError, FakeUri } from '../../support/fakeVscode';

const HUB = 'https://hub.example.org/jhub/';
const USER = 'ana maría@x,(y)';

/** A Contents API in memory: files with a last_modified that moves on each write; `failWith` makes the next call fail. */
class MemoryContents {
  files = new Map<string, { bytes: Uint8Array; lm: string; dir: boolean }>([['', { bytes: new Uint8Array(), lm: 't0', dir: true }]]);
  calls: string[] = [];
  failWith?: Error;
  private clock = 0;
  private check(op: string) {
    this.calls.push(op);
    if (this.failWith) throw this.failWith;
  }
  private entry(path: string): ContentsEntry {
    const f = this.files.get(path);
    if (!f) throw new NotFoundError(path);
    return { name: path.split('/').pop()!, path, type: f.dir ? 'directory' : 'file', writable: true, lastModified: f.lm, mtime: this.clock, ctime: 0, size: f.bytes.byteLength };
  }
  put(path: string, text: string) {
    this.files.set(path, { bytes: Buffer.from(text), lm: `t${++this.clock}`, dir: false });
  }
  async stat(path: string) { this.check(`stat ${path}`); return this.entry(normalizeServerPath(path)); }
  async statIfExists(path: string) { this.check(`stat ${path}`); return this.files.has(path) ? this.entry(path) : undefined; }
  async list(path: string) {
    this.check(`list ${path}`);
    const children = [...this.files.keys()].filter((k) => k !== path && k.startsWith(path ? `${path}/` : '') && !k.slice(path ? path.length + 1 : 0).includes('/'));
    return { entry: this.entry(path), children: children.map((c) => this.entry(c)) };
  }
  async read(path: string) {
    this.check(`read ${path}`);
    const e = this.entry(path);
    if (e.type === 'directory') throw new WrongContentTypeError(path, 'directory', 'file');
    return { entry: e, bytes: this.files.get(path)!.bytes };
  }
  async write(path: string, bytes: Uint8Array, opts: WriteOptions = {}) {
    this.check(`write ${path}`);
    const cur = this.files.get(path);
    if (cur && opts.expectedLastModified !== undefined && cur.lm !== opts.expectedLastModified) throw new FileChangedOnServerError(path, opts.expectedLastModified, cur.lm);
    this.files.set(path, { bytes, lm: `t${++this.clock}`, dir: false });
    return this.entry(path);
  }
  async createDirectory(path: string) {
    this.check(`mkdir ${path}`);
    if (this.files.has(path)) throw new FileExistsOnServerError(path);
    this.files.set(path, { bytes: new Uint8Array(), lm: `t${++this.clock}`, dir: true });
    return this.entry(path);
  }
  async delete(path: string) { this.check(`delete ${path}`); this.entry(path); this.files.delete(path); }
  async rename(from: string, to: string) {
    this.check(`rename ${from} ${to}`);
    if (this.files.has(to)) throw new FileExistsOnServerError(to);
    this.files.set(to, this.files.get(from)!);
    this.files.delete(from);
    return this.entry(to);
  }
  async copy(from: string, to: string) { this.check(`copy ${from} ${to}`); this.files.set(to, { ...this.files.get(from)! }); return this.entry(to); }
}

function setup(opts: { ready?: boolean; timers?: { fire?: () => void } } = {}) {
  const vs = createFakeVscode().vs;
  const contents = new MemoryContents();
  const server = { hubId: HUB, hubLabel: 'hub.example.org/jhub', user: USER, server: { name: '', state: 'ready', url: `${HUB}user/x/`, userOptions: {} }, client: {} } as unknown as ConnectedServer;
  let ready = opts.ready ?? true;
  let refreshes = 0;
  const hubState: { signedIn: boolean; refreshError?: unknown } = { signedIn: true };
  const serverListeners: Array<() => void> = [];
  const hubs = {
    onDidChangeServers: (l: () => void) => {
      serverListeners.push(l);
      return { dispose() {} };
    },
    readyServers: () => (ready ? [server] : []),
    refresh: async () => { refreshes++; },
    restartServer: async () => false,
    authorizationFor: async () => undefined,
    isSignedIn: () => hubState.signedIn,
    refreshError: () => hubState.refreshError,
  } as unknown as HubRegistry;
  const unavailable: string[] = [];
  const causes: string[] = [];
  const available: string[] = [];
  const provider = new HubFileSystemProvider({
    vs, hubs, logger: silentLogger,
    onServerUnavailable: (loc, cause) => {
      unavailable.push(loc.serverName || 'default');
      causes.push(cause);
    },
    onServerAvailable: (loc) => available.push(loc.serverName || 'default'),
    contentsFor: () => contents as unknown as ContentsClient,
    // Rounds run when the test says so.
    watchTiming: { setTimer: (fn) => { if (opts.timers) opts.timers.fire = fn; return 1; }, clearTimer: () => { if (opts.timers) opts.timers.fire = undefined; } },
  });
  const uri = (path: string, serverName = '') => asUri(provider.uriFor({ hubId: HUB, user: USER, serverName, path }));
  const serversChanged = () => serverListeners.forEach((l) => l());
  return { vs, contents, provider, uri, unavailable, causes, available, hubState, setReady: (r: boolean) => (ready = r), refreshes: () => refreshes, serversChanged };
}

const code = (e: unknown) => (e as FakeFileSystemError).code;

test('typed errors map onto the FileSystemError codes the editor acts on', () => {
  const vs = createFakeVscode().vs;
  const uri = asUri(FakeUri.parse('pangeo-hub://h.org/@/alice/@/x.txt'));
  assert.equal(code(toFileSystemError(vs, new NotFoundError('u'), uri)), 'FileNotFound');
  assert.equal(code(toFileSystemError(vs, new FileExistsOnServerError('x'), uri)), 'FileExists');
  assert.equal(code(toFileSystemError(vs, new WrongContentTypeError('x', 'directory', 'file'), uri)), 'FileIsADirectory');
  assert.equal(code(toFileSystemError(vs, new WrongContentTypeError('x', 'file', 'directory'), uri)), 'FileNotADirectory');
  assert.equal(code(toFileSystemError(vs, new ForbiddenError('u'), uri)), 'NoPermissions');
  assert.equal(code(toFileSystemError(vs, new UnreachableError('u'), uri)), 'Unavailable');
  const stopped = toFileSystemError(vs, new ServerNotRunningError('alice@h.org'), uri);
  assert.equal(code(stopped), 'Unavailable');
  assert.match(stopped.message, /Start the server again; unsaved changes are kept/);
  const big = toFileSystemError(vs, new FileTooLargeError('x.nc', 'the proxy refused 80 MB (413)'), uri);
  assert.equal(code(big), 'Unknown');
  assert.match(big.message, /too large.*413.*chunks.*hub admin/);
  const conflict = toFileSystemError(vs, new FileChangedOnServerError('x.txt', 'a', 'b'), uri);
  assert.match(conflict.message, /changed on the server since it was opened/);
});

test('a server that is not ready: Unavailable saying it is not running, after one refresh, and the module is told', async () => {
  const t = setup({ ready: false });
  await assert.rejects(t.provider.stat(t.uri('a.txt')), (e) => code(e) === 'Unavailable'
    && (e as Error).message === `Files of ${USER}'s server on hub.example.org/jhub are unavailable: the server is not running. Unsaved changes are kept; save again once it is back.`);
  assert.equal(t.refreshes(), 1);
  assert.deepEqual(t.unavailable, ['default']);
  assert.deepEqual(t.causes, ['stopped']);
  assert.deepEqual(t.contents.calls, [], 'no request to a server that is not running');
  // Back again: the same Uri works.
  t.setReady(true);
  t.contents.put('a.txt', 'hi');
  assert.equal((await t.provider.stat(t.uri('a.txt'))).size, 2);
});

test('the server stopping under an operation gives Unavailable and a notice; a 403 gives NoPermissions', async () => {
  const t = setup();
  t.contents.failWith = new ServerNotRunningError('x');
  await assert.rejects(t.provider.readFile(t.uri('a.txt')), (e) => code(e) === 'Unavailable');
  assert.deepEqual(t.unavailable, ['default']);
  t.contents.failWith = new ForbiddenError('x');
  await assert.rejects(t.provider.readDirectory(t.uri('')), (e) => code(e) === 'NoPermissions');
});

/** What a message must never show: the raw pangeo-hub: address or its "@"/"http:" segments. */
const rawAddress = /pangeo-hub|\/@|http:@|%40/;

test('signed out: the error and the module say "sign in" by the server\'s name, never "not running", and ask the hub nothing', async () => {
  const t = setup({ ready: false });
  t.hubState.signedIn = false;
  const failed = await t.provider.writeFile(t.uri('week1.ipynb'), Buffer.from('{}'), { create: true, overwrite: true }).then(() => undefined, (e: Error) => e);
  assert.equal(code(failed), 'Unavailable');
  assert.equal(failed!.message, `Sign in to hub.example.org/jhub to save or open files of ${USER}'s server on hub.example.org/jhub. Unsaved changes are kept.`);
  assert.doesNotMatch(failed!.message, rawAddress);
  assert.deepEqual(t.causes, ['signedOut']);
  assert.deepEqual(t.contents.calls, []);
  // A token the hub refuses (revoked, expired) is the same cause, told the same way.
  t.hubState.signedIn = true;
  t.hubState.refreshError = new ForbiddenError('https://hub.example.org/jhub/hub/api/users/x');
  await assert.rejects(t.provider.stat(t.uri('a.txt')), (e) => /^Sign in to hub.example.org\/jhub/.test((e as Error).message));
  // A 401 from the server itself under an operation, too.
  t.hubState.refreshError = undefined;
  t.setReady(true);
  t.contents.failWith = new UnauthorizedError('https://hub.example.org/jhub/user/x/api/contents');
  await assert.rejects(t.provider.readFile(t.uri('a.txt')), (e) => code(e) === 'Unavailable' && /^Sign in to/.test((e as Error).message));
  assert.deepEqual(t.causes, ['signedOut', 'signedOut', 'signedOut']);
});

test('the hub down: "Cannot reach" the hub by name, whether its last refresh failed or the request under a save did', async () => {
  const t = setup({ ready: false });
  t.hubState.refreshError = new UnreachableError('http://127.0.0.1:8000/hub/api/users/x');
  await assert.rejects(t.provider.stat(t.uri('a.txt')), (e) => code(e) === 'Unavailable'
    && (e as Error).message === `Cannot reach hub.example.org/jhub: files of ${USER}'s server on hub.example.org/jhub cannot be saved or opened until it answers. Unsaved changes are kept; save again once it is back.`);
  // Listed as ready from before the hub went down: the save itself finds it unreachable (or its proxy answers 503).
  t.hubState.refreshError = undefined;
  t.setReady(true);
  t.contents.put('a.txt', 'v1');
  await t.provider.readFile(t.uri('a.txt'));
  t.contents.failWith = new UnreachableError('http://127.0.0.1:8000/user/x/api/contents/a.txt');
  await assert.rejects(t.provider.writeFile(t.uri('a.txt'), Buffer.from('v2'), { create: true, overwrite: true }),
    (e) => /^Cannot reach hub.example.org\/jhub/.test((e as Error).message) && !rawAddress.test((e as Error).message));
  t.contents.failWith = new PangeoError('UnexpectedResponse', 'Service Unavailable', '', { status: 503 });
  await assert.rejects(t.provider.stat(t.uri('b.txt')), (e) => /^Cannot reach/.test((e as Error).message));
  assert.deepEqual(t.causes, ['unreachable', 'unreachable', 'unreachable']);
  // Back: the module hears it works again.
  t.contents.failWith = undefined;
  assert.deepEqual([...await t.provider.readFile(t.uri('a.txt'))], [...Buffer.from('v1')]);
  assert.ok(t.available.length > 0);
});

test('writeFile follows create/overwrite; a file changed on the server since it was read is not overwritten', async () => {
  const t = setup();
  await assert.rejects(t.provider.writeFile(t.uri('new.txt'), Buffer.from('x'), { create: false, overwrite: true }), (e) => code(e) === 'FileNotFound');
  await t.provider.writeFile(t.uri('new.txt'), Buffer.from('x'), { create: true, overwrite: false });
  await assert.rejects(t.provider.writeFile(t.uri('new.txt'), Buffer.from('y'), { create: true, overwrite: false }), (e) => code(e) === 'FileExists');
  t.contents.put('doc.txt', 'v1');
  assert.equal(Buffer.from(await t.provider.readFile(t.uri('doc.txt'))).toString(), 'v1');
  t.contents.put('doc.txt', 'changed by JupyterLab');
  await assert.rejects(t.provider.writeFile(t.uri('doc.txt'), Buffer.from('mine'), { create: true, overwrite: true }), /changed on the server/);
  assert.equal(Buffer.from(t.contents.files.get('doc.txt')!.bytes).toString(), 'changed by JupyterLab', 'kept');
  // The editor stats before saving (and shows "file changed on disk"); after that stat the user may overwrite.
  await t.provider.stat(t.uri('doc.txt'));
  await t.provider.writeFile(t.uri('doc.txt'), Buffer.from('mine'), { create: true, overwrite: true });
  assert.equal(Buffer.from(t.contents.files.get('doc.txt')!.bytes).toString(), 'mine');
});

test('a listing answers the stats of its children for a moment: one request for a whole folder', async () => {
  const t = setup();
  for (let i = 0; i < 50; i++) t.contents.put(`f${i}.txt`, 'x');
  const entries = await t.provider.readDirectory(t.uri(''));
  assert.equal(entries.length, 50);
  for (const [name] of entries) await t.provider.stat(asUri(FakeUri.joinPath(t.uri(''), name)));
  assert.deepEqual(t.contents.calls, ['list ']);
});

test('rename/copy stay on one server; onto an existing name only with overwrite; delete forgets', async () => {
  const t = setup();
  t.contents.put('a.txt', 'a');
  t.contents.put('b.txt', 'b');
  await assert.rejects(t.provider.rename(t.uri('a.txt'), t.uri('a.txt', 'gpu'), { overwrite: false }), (e) => code(e) === 'NoPermissions');
  await assert.rejects(t.provider.rename(t.uri('a.txt'), t.uri('b.txt'), { overwrite: false }), (e) => code(e) === 'FileExists');
  await t.provider.rename(t.uri('a.txt'), t.uri('b.txt'), { overwrite: true });
  assert.equal(Buffer.from(t.contents.files.get('b.txt')!.bytes).toString(), 'a');
  await t.provider.copy(t.uri('b.txt'), t.uri('c.txt'), { overwrite: false });
  await t.provider.delete(t.uri('c.txt'));
  await assert.rejects(t.provider.stat(t.uri('c.txt')), (e) => code(e) === 'FileNotFound');
  await assert.rejects(t.provider.readFile(t.uri('')), (e) => code(e) === 'FileIsADirectory');
});

test('watch: server changes reach onDidChangeFile as the editor\'s Uris; polling stops while the server is not ready', async () => {
  const timers: { fire?: () => void } = {};
  const t = setup({ timers });
  const round = async () => {
    const fire = timers.fire;
    assert.ok(fire, 'a round is armed');
    timers.fire = undefined;
    fire();
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };
  t.contents.put('a.txt', 'v1');
  const events: string[] = [];
  t.provider.onDidChangeFile((batch) => events.push(...batch.map((e) => `${e.type} ${(e.uri as unknown as FakeUri).toString()}`)));
  const watch = t.provider.watch(t.uri(''), { recursive: true, excludes: [] });
  await round(); // baseline
  t.contents.put('a.txt', 'v2');
  t.contents.put('b.txt', 'new');
  await round();
  assert.deepEqual(events.sort(), [`1 ${t.uri('a.txt').toString()}`, `2 ${t.uri('b.txt').toString()}`]);
  t.setReady(false);
  t.serversChanged();
  assert.equal(timers.fire, undefined, 'no round armed while the server is not ready');
  t.setReady(true);
  t.serversChanged();
  t.contents.calls.length = 0;
  await round();
  assert.deepEqual(t.contents.calls, ['list '], 'polling again once it is back');
  watch.dispose();
  assert.equal(timers.fire, undefined, 'the last watch gone: nothing armed');
});
