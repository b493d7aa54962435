// Server files and terminals against a real JupyterHub under a prefix (/jhub/) and a real jupyter_server, for a user
// whose name needs escaping: the Contents API client, the pangeo-hub: provider (notebook round trip, kernel session
// path), chunked uploads, conflicts, errors, a terminal's echo/resize/reconnect, disabled terminals, a stopped server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, request as httpRequest, Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestHub, TestHub } from '../../support/jupyterhub';
import { HubClient } from '../../../src/hubs/hubClient';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { ContentsClient, TransferProgress } from '../../../src/files/contentsClient';
import { FileChangedOnServerError, FileExistsOnServerError, FileTooLargeError, ServerNotRunningError, TerminalsDisabledError, WrongContentTypeError } from '../../../src/files/contentsErrors';
import { isPangeoError } from '../../../src/core/http/errors';
import { HubFileSystemProvider } from '../../../src/files/editor/hubFileSystem';
import { fromHubUriParts, pathOnServer } from '../../../src/files/hubFileUri';
import type { ConnectedServer, HubRegistry } from '../../../src/hubs/hubRegistry';
import type { HubServer } from '../../../src/hubs/hubModels';
import { silentLogger } from '../../../src/core/log';
import { NotebookKernel } from '../../../src/kernels/notebookKernel';
import { ServerTerminals } from '../../../src/terminals/serverTerminals';
import { TerminalLink, TerminalLinkState } from '../../../src/terminals/terminalLink';
import { startTcpForwarder, TcpForwarder } from '../../support/tcpForwarder';
import { until } from '../../support/waitUntil';
import { asUri, createFakeVscode, FakeFileSystemError } from '../../support/fakeVscode';

const USER = 'ana maría@x,(y)';

/** The server path a provider event names. */
const fromHubUri = (uri: { authority: string; path: string }) => fromHubUriParts(uri).path;

/** nbformat's on-disk form splits strings into lists of lines: join them back to compare. */
function joinLines(value: unknown): unknown {
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? value.join('') : value.map(joinLines);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, joinLines(v)]));
  return value;
}

describe('server files and terminals on a real hub under a prefix', { timeout: 300_000 }, () => {
  let hub: TestHub;
  let fwd: TcpForwarder;
  let client: HubClient;
  let server: HubServer;
  let jupyter: JupyterServerClient;
  let contents: ContentsClient;
  let home: string;
  let base: string;

  before(async () => {
    hub = await startTestHub({ baseUrl: '/jhub/', users: [USER, 'bob'] });
    fwd = await startTcpForwarder(Number(new URL(hub.url).port));
    const token = (await new HubClient(hub.url).createTokenWithPassword(USER, hub.password, { note: 'files test', expiresInSeconds: 3600 })).token;
    // Through the forwarder, so a test can cut the terminal's websocket.
    base = `http://127.0.0.1:${fwd.port}/jhub/`;
    client = new HubClient(base, { token });
    server = await client.startAndWait(USER, '', {}, { timeoutMs: 60_000 });
    assert.match(server.url!, /\/jhub\/user\/ana%20mar%C3%ADa@x%2C%28y%29\/$/, 'the hub escapes the name in the server URL');
    jupyter = new JupyterServerClient(server.url!, client.http);
    contents = new ContentsClient(jupyter, { chunkBytes: 256 * 1024, singlePutBytes: 512 * 1024 });
    home = join(hub.dir, 'home', USER);
  });
  after(async () => {
    await fwd?.close();
    await hub?.stop();
  });

  test('create a folder, write and read text and bytes, list and stat: what the server has on disk', async () => {
    await contents.createDirectory('notes é');
    await assert.rejects(contents.createDirectory('notes é'), FileExistsOnServerError);
    const written = await contents.writeText('notes é/a b.txt', 'héllo\r\nworld\n');
    assert.equal(readFileSync(join(home, 'notes é', 'a b.txt'), 'utf8'), 'héllo\r\nworld\n', 'bytes exactly, line endings kept');
    const bin = Buffer.from([0, 255, 254, 10, 13, 128, 0x80, 0xc3]);
    await contents.write('notes é/bin.dat', bin);
    assert.deepEqual(Buffer.from((await contents.read('notes é/bin.dat')).bytes), bin, 'non-UTF-8 bytes survive');
    const { entry, text } = await contents.readText('notes é/a b.txt');
    assert.equal(text, 'héllo\r\nworld\n');
    assert.equal(entry.lastModified, written.lastModified);
    const listing = await contents.list('notes é');
    assert.deepEqual(listing.children.map((c) => [c.name, c.type, c.size]).sort(), [['a b.txt', 'file', 14], ['bin.dat', 'file', 8]]);
    assert.equal((await contents.stat('notes é')).type, 'directory');
    await assert.rejects(contents.read('notes é'), WrongContentTypeError);
    await assert.rejects(contents.stat('nope/none.txt'), (e) => isPangeoError(e, 'NotFound'));
  });

  test('a file changed on the server since it was read is not overwritten; with the new last_modified it is', async () => {
    const first = await contents.writeText('conflict.txt', 'v1');
    // JupyterLab (or a kernel) changes it on the server.
    writeFileSync(join(home, 'conflict.txt'), 'changed elsewhere');
    const later = new Date(Date.now() + 5000);
    utimesSync(join(home, 'conflict.txt'), later, later);
    await assert.rejects(contents.writeText('conflict.txt', 'mine', { expectedLastModified: first.lastModified }), FileChangedOnServerError);
    assert.equal(readFileSync(join(home, 'conflict.txt'), 'utf8'), 'changed elsewhere');
    const now = await contents.stat('conflict.txt');
    await contents.writeText('conflict.txt', 'mine', { expectedLastModified: now.lastModified });
    assert.equal(readFileSync(join(home, 'conflict.txt'), 'utf8'), 'mine');
  });

  test('rename, copy (file and folder), delete', async () => {
    await contents.writeText('r1.txt', 'one');
    await contents.writeText('r2.txt', 'two');
    await assert.rejects(contents.rename('r1.txt', 'r2.txt'), FileExistsOnServerError);
    await contents.createDirectory('moved');
    const moved = await contents.rename('r1.txt', 'moved/r1 renamed.txt');
    assert.equal(moved.path, 'moved/r1 renamed.txt');
    assert.ok(!existsSync(join(home, 'r1.txt')));
    const copied = await contents.copy('r2.txt', 'moved/copy of r2.txt');
    assert.equal(copied.path, 'moved/copy of r2.txt');
    assert.equal(readFileSync(join(home, 'moved', 'copy of r2.txt'), 'utf8'), 'two');
    await contents.copy('moved', 'moved copy');
    assert.equal(readFileSync(join(home, 'moved copy', 'r1 renamed.txt'), 'utf8'), 'one');
    await contents.delete('moved copy/r1 renamed.txt');
    await assert.rejects(contents.stat('moved copy/r1 renamed.txt'), (e) => isPangeoError(e, 'NotFound'));
    await contents.delete('r2.txt');
    assert.ok(!existsSync(join(home, 'r2.txt')));
  });

  test('a large file goes up in chunks with progress, lands whole, replaces the old one, and leaves no temporary file', async () => {
    const big = randomBytes(3 * 1024 * 1024 + 17);
    await contents.writeText('big.bin', 'old');
    const progress: TransferProgress[] = [];
    const entry = await contents.write('big.bin', big, { onProgress: (p) => progress.push(p) });
    assert.equal(entry.size, big.length);
    assert.ok(readFileSync(join(home, 'big.bin')).equals(big));
    assert.equal(progress.length, Math.ceil(big.length / (256 * 1024)));
    assert.deepEqual(progress.at(-1), { done: big.length, total: big.length });
    assert.ok(progress.every((p, i) => i === 0 || p.done > progress[i - 1]!.done));
    assert.ok(!(await contents.list('')).children.some((c) => c.name.includes('pangeo-upload')), 'no .part left');
    // An upload cut short leaves the old file as it was and no temporary file.
    const stop = new AbortController();
    await assert.rejects(contents.write('big.bin', randomBytes(2 * 1024 * 1024), {
      signal: stop.signal, onProgress: (p) => { if (p.done > 600 * 1024) stop.abort(); },
    }));
    assert.ok(readFileSync(join(home, 'big.bin')).equals(big));
    assert.ok(!(await contents.list('')).children.some((c) => c.name.includes('pangeo-upload')), 'no .part left after a cut');
  });

  test('behind a proxy that limits request bodies (nginx answers 413): smaller chunks get through; below the smallest chunk, FileTooLargeError', async () => {
    let limit = 300 * 1024;
    const target = Number(new URL(hub.url).port);
    const proxy: Server = createServer((req, res) => {
      if (Number(req.headers['content-length'] ?? 0) > limit) {
        req.resume();
        res.writeHead(413, { 'Content-Type': 'text/html' });
        res.end('<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 Request Entity Too Large</h1></center><hr><center>nginx</center></body></html>');
        return;
      }
      const upstream = httpRequest({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const port = (proxy.address() as { port: number }).port;
      const viaProxy = new URL(new URL(server.url!).pathname, `http://127.0.0.1:${port}`).toString();
      const http = new HubClient(`http://127.0.0.1:${port}/jhub/`, { token: (await client.http.authorizationHeader())!.replace(/^token /, '') }).http;
      const payload = randomBytes(1024 * 1024);
      // Defaults: one PUT up to 4 MB, 1 MB chunks: both refused, then halved chunks until they pass.
      const contentsViaProxy = new ContentsClient(new JupyterServerClient(viaProxy, http));
      const progress: number[] = [];
      await contentsViaProxy.write('limited.bin', payload, { onProgress: (p) => progress.push(p.done) });
      assert.ok(readFileSync(join(home, 'limited.bin')).equals(payload));
      assert.equal(progress.at(-1), payload.length);
      limit = 40 * 1024;
      await assert.rejects(contentsViaProxy.write('limited.bin', randomBytes(200 * 1024)),
        (e) => e instanceof FileTooLargeError && /413 Request Entity Too Large/.test(e.message) && /hub admin/.test(e.hint));
      assert.ok(readFileSync(join(home, 'limited.bin')).equals(payload), 'the old file is kept');
      assert.ok(!(await contents.list('')).children.some((c) => c.name.includes('pangeo-upload')), 'no .part left');
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });

  test("another user's token gets 403 on this server", async () => {
    const bobToken = (await new HubClient(hub.url).createTokenWithPassword('bob', hub.password, { note: 'bob', expiresInSeconds: 600 })).token;
    const asBob = new ContentsClient(new JupyterServerClient(server.url!, new HubClient(base, { token: bobToken }).http));
    await assert.rejects(asBob.list(''), (e) => isPangeoError(e, 'Forbidden'));
  });

  test('a notebook read through the provider, edited, saved and read back through the Contents API stays valid nbformat 4; its kernel runs in its folder', async () => {
    const nb = {
      cells: [
        { cell_type: 'code', execution_count: 1, id: 'c1', metadata: { tags: ['keep'] }, outputs: [{ output_type: 'execute_result', execution_count: 1, data: { 'text/plain': '2' }, metadata: {} }], source: '1+1' },
        { cell_type: 'markdown', id: 'm1', metadata: {}, source: '# Title' },
      ],
      metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python' }, custom: { course: 'ods101' } },
      nbformat: 4, nbformat_minor: 5,
    };
    await contents.createDirectory('course');
    await contents.writeNotebook('course/week1.ipynb', nb);
    await contents.writeText('course/data.txt', 'next to the notebook');
    const connected: ConnectedServer = { hubId: base, hubLabel: 'test', user: USER, server, client };
    const hubs = { readyServers: () => [connected], refresh: async () => undefined, onDidChangeServers: () => ({ dispose() {} }) } as unknown as HubRegistry;
    const provider = new HubFileSystemProvider({ vs: createFakeVscode().vs, hubs, logger: silentLogger });
    const uri = provider.uriFor({ hubId: base, user: USER, serverName: '', path: 'course/week1.ipynb' });
    const listing = await provider.readDirectory(provider.uriFor({ hubId: base, user: USER, serverName: '', path: 'course' }));
    assert.deepEqual(listing.map(([n]) => n).sort(), ['data.txt', 'week1.ipynb']);
    const stat = await provider.stat(uri);
    const opened = JSON.parse(Buffer.from(await provider.readFile(uri)).toString('utf8')) as { cells: Array<{ source: string[] }> };
    opened.cells[1]!.source = ['# New title\n', 'edited in VS Code'];
    // As VS Code's ipynb serializer writes it: indent 1, trailing newline.
    await provider.writeFile(uri, Buffer.from(`${JSON.stringify(opened, null, 1)}\n`), { create: false, overwrite: true });
    assert.ok((await provider.stat(uri)).mtime >= stat.mtime);
    const back = (await contents.readNotebook('course/week1.ipynb')).notebook as typeof nb;
    assert.equal(back.nbformat, 4);
    assert.equal(back.cells[1]!.source, '# New title\nedited in VS Code');
    // The file itself, as JupyterLab will open it (the API's model adds a `trusted` flag to cell metadata).
    const onDisk = JSON.parse(readFileSync(join(home, 'course', 'week1.ipynb'), 'utf8')) as typeof nb;
    assert.deepEqual(joinLines(onDisk.cells[0]!.outputs), nb.cells[0]!.outputs, 'nbformat stores multi-line strings as lists');
    assert.deepEqual(onDisk.cells[0]!.metadata, { tags: ['keep'] });
    assert.deepEqual(onDisk.metadata, nb.metadata);
    assert.deepEqual(back.cells[0]!.outputs, nb.cells[0]!.outputs);
    assert.deepEqual(back.metadata.kernelspec, nb.metadata.kernelspec);
    execFileSync('/usr/bin/python3', ['-c', 'import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))', join(home, 'course', 'week1.ipynb')]);

    // The kernel session's path is the notebook's own: relative paths mean what they mean in JupyterLab.
    const sessionPath = pathOnServer(asUri(uri), connected);
    assert.equal(sessionPath, 'course/week1.ipynb');
    const kernel = new NotebookKernel({ jupyter, kernelName: 'python3', sessionPath: sessionPath, sessionName: 'week1.ipynb', probeServer: async () => 'ready' });
    try {
      const result = await kernel.run({ code: "print(open('data.txt').read())", onChange: () => undefined });
      assert.equal(result.status, 'ok', JSON.stringify(result.error));
      const text = result.outputs.flatMap((o) => o.items).map((i) => (i.kind === 'text' ? i.text : '')).join('');
      assert.match(text, /next to the notebook/);
    } finally {
      await kernel.shutdown();
    }
  });

  test('watching: files a kernel, the Contents API or the disk change show as events without a refresh; our own saves once', async () => {
    await contents.createDirectory('watched');
    await contents.writeText('watched/out.txt', 'v1');
    await contents.writeText('watched/gone.txt', 'bye');
    await contents.createDirectory('watched/never listed');
    const connected: ConnectedServer = { hubId: base, hubLabel: 'test', user: USER, server, client };
    const hubs = { readyServers: () => [connected], refresh: async () => undefined, onDidChangeServers: () => ({ dispose() {} }) } as unknown as HubRegistry;
    const provider = new HubFileSystemProvider({ vs: createFakeVscode().vs, hubs, logger: silentLogger, watchTiming: { intervalMs: 150, idleMaxMs: 400 } });
    const at = (path: string) => provider.uriFor({ hubId: base, user: USER, serverName: '', path });
    const events: string[] = [];
    const names = ['?', 'changed', 'created', 'deleted'];
    const sub = provider.onDidChangeFile((batch) => events.push(...batch.map((e) => `${names[e.type]} ${fromHubUri(e.uri)}`)));
    // As the editor does: a recursive watch on the workspace folder, the folder expanded, a file opened.
    const watch = provider.watch(at(''), { recursive: true, excludes: [] });
    try {
      await provider.readDirectory(at('watched'));
      await provider.readFile(at('watched/out.txt'));
      await new Promise((r) => setTimeout(r, 600)); // the baseline rounds
      assert.equal(events.length, 0, events.join(', '));

      const kernel = new NotebookKernel({ jupyter, kernelName: 'python3', sessionPath: 'watched/k.ipynb', sessionName: 'k.ipynb', probeServer: async () => 'ready' });
      try {
        const result = await kernel.run({ code: "open('from-kernel.txt', 'w').write('42')", onChange: () => undefined });
        assert.equal(result.status, 'ok', JSON.stringify(result.error));
      } finally {
        await kernel.shutdown();
      }
      await new ContentsClient(jupyter).writeText('watched/from-api.txt', 'JupyterLab saved this');
      writeFileSync(join(home, 'watched', 'out.txt'), 'v2 from a terminal');
      const later = new Date(Date.now() + 3000);
      utimesSync(join(home, 'watched', 'out.txt'), later, later);
      await contents.delete('watched/gone.txt');
      writeFileSync(join(home, 'watched', 'never listed', 'x.txt'), 'not polled');
      const expected = ['created watched/from-kernel.txt', 'created watched/from-api.txt', 'changed watched/out.txt', 'deleted watched/gone.txt'];
      await until(`events ${expected.join(', ')} (got ${events.join(', ')})`, () => expected.every((e) => events.includes(e)), 15_000);
      assert.ok(!events.some((e) => e.includes('never listed/')), `a folder never listed is not polled: ${events.join(', ')}`);

      // Our own save: its event once, not again from the next rounds.
      events.length = 0;
      await provider.stat(at('watched/out.txt'));
      await provider.writeFile(at('watched/out.txt'), Buffer.from('v3 from VS Code'), { create: false, overwrite: true });
      await new Promise((r) => setTimeout(r, 1200));
      assert.deepEqual(events, ['changed watched/out.txt']);
    } finally {
      watch.dispose();
      sub.dispose();
      provider.dispose();
    }
  });

  test('a terminal: echo round trip, resize, reconnect to the same terminal after a drop, close ends the shell', async () => {
    const terminals = new ServerTerminals(jupyter);
    const info = await terminals.create();
    let output = '';
    const states: TerminalLinkState[] = [];
    const link = new TerminalLink({ terminals, name: info.name, events: { onOutput: (t) => (output += t), onState: (s) => states.push(s) }, reconnectDelaysMs: [200, 400, 800, 1600] });
    await link.open();
    link.write('echo round-$((6*7))-trip\r');
    await until('echo output', () => output.includes('round-42-trip'), 20_000);
    link.resize(33, 101);
    link.write('stty size\r');
    await until('stty size', () => output.includes('33 101'), 20_000);

    fwd.sever();
    await until('reconnected', () => states.includes('reconnecting') && states.at(-1) === 'connected', 20_000);
    output = '';
    link.write('echo after-$((1+1))-drop\r');
    await until('echo after reconnect', () => output.includes('after-2-drop'), 20_000);
    assert.ok((await terminals.list()).some((t) => t.name === info.name), 'the same terminal');

    await link.close({ shutDown: true });
    assert.ok(!(await terminals.list()).some((t) => t.name === info.name), 'closing ends the shell on the server');
  });

  test('a server that disables terminals gives TerminalsDisabledError', async () => {
    const named = await client.startAndWait(USER, 'noterm', { terminals: 'off' }, { timeoutMs: 60_000 });
    try {
      const terminals = new ServerTerminals(new JupyterServerClient(named.url!, client.http));
      await assert.rejects(terminals.create(), (e) => e instanceof TerminalsDisabledError && /Terminals are disabled/.test(e.message));
    } finally {
      if ((await client.stopServer(USER, 'noterm')) === 'stopping') await client.waitForStop(USER, 'noterm', 60_000);
    }
  });

  test('a stopped server: the terminal ends cleanly, files give ServerNotRunningError and the provider Unavailable', async () => {
    const terminals = new ServerTerminals(jupyter);
    const info = await terminals.create();
    const states: Array<[TerminalLinkState, string | undefined]> = [];
    const link = new TerminalLink({ terminals, name: info.name, events: { onOutput: () => undefined, onState: (s, r) => states.push([s, r]) }, reconnectDelaysMs: [200, 400, 800, 1600, 3200] });
    await link.open();
    if ((await client.stopServer(USER, '')) === 'stopping') await client.waitForStop(USER, '', 60_000);
    await until('terminal closed', () => states.some(([s]) => s === 'closed'), 30_000);
    assert.match(states.find(([s]) => s === 'closed')![1] ?? '', /server stopped/i);
    await assert.rejects(contents.stat('conflict.txt'), ServerNotRunningError);
    const stopped: ConnectedServer = { hubId: base, hubLabel: 'test', user: USER, server, client };
    const provider = new HubFileSystemProvider({ vs: createFakeVscode().vs, logger: silentLogger,
      hubs: { readyServers: () => [stopped], refresh: async () => undefined, onDidChangeServers: () => ({ dispose() {} }) } as unknown as HubRegistry });
    await assert.rejects(provider.readFile(provider.uriFor({ hubId: base, user: USER, serverName: '', path: 'conflict.txt' })),
      (e) => (e as FakeFileSystemError).code === 'Unavailable' && /the server is not running/.test((e as Error).message));
  });
});
