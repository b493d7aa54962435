// The kernel's completions, inspections and signatures (src/kernels/kernelCompletions.ts) against a real JupyterHub and
// a real ipykernel, through the kernel connection our controller uses (NotebookKernel): a module that exists only in
// the server's notebook folder (written through the Contents API) completes, its docstring comes back without ANSI
// colours, offsets stay right after astral characters over several lines, and a busy kernel is not asked.
// PANGEO_TEST_HUB_CMD / PANGEO_TEST_SINGLEUSER_CMD run it against another hub and ipykernel (see test/support/jupyterhub.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestHub } from '../../support/jupyterhub';
import { startHubWithServer } from '../../support/hubServer';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { NotebookKernel } from '../../../src/kernels/notebookKernel';
import { callContext, KernelIntrospection, signatureParts, activeParameter } from '../../../src/kernels/kernelCompletions';

const USER = 'carol';
const MODULE = `server_only_${randomBytes(4).toString('hex')}`;
const SOURCE = `"""A module only the server has."""
def hello_server(name: str, times: int = 1) -> str:
    """Greets NAME from the server.

    See https://example.com [x](command:evil) <b>bold</b>
    """
    return name * times

SERVER_CONSTANT = 42

class ServerThing:
    """A thing on the server."""
`;

describe('kernel completions against a real hub and ipykernel', { timeout: 300_000 }, () => {
  let hub: TestHub;
  let jupyter: JupyterServerClient;
  let kernel: NotebookKernel;
  let introspection: KernelIntrospection;

  before(async () => {
    let server, token;
    ({ hub, jupyter, server, token } = await startHubWithServer({ user: USER, note: 'completions test' }));
    // The module lives in the server's notebook folder, where the notebook's kernel runs: the laptop has no such module.
    const put = await fetch(`${server.url}api/contents/${MODULE}.py`, {
      method: 'PUT', headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'file', format: 'text', content: SOURCE }),
    });
    assert.ok(put.ok, `contents PUT: HTTP ${put.status}`);
    kernel = new NotebookKernel({ jupyter, kernelName: 'python3', sessionPath: 'completions.ipynb', sessionName: 'completions.ipynb', probeServer: async () => 'ready' });
    await kernel.connect();
    assert.ok(kernel.introspection, 'a connected kernel offers its connection for completions');
    introspection = new KernelIntrospection(kernel.introspection);
  });

  after(async () => {
    await kernel?.shutdown().catch(() => undefined);
    await hub?.stop();
  });

  test('completes a module that exists only on the server, before it is imported', async () => {
    const code = `import ${MODULE.slice(0, -3)}`;
    const items = await introspection.complete(code, code.length);
    assert.ok(items, 'the kernel answered');
    const item = items.find((i) => i.text === MODULE);
    assert.ok(item, JSON.stringify(items));
    assert.equal(code.slice(item.start, item.end), MODULE.slice(0, -3));
  });

  test('attributes of the imported module, on the last of several lines after astral characters; typed where IPython types them', async () => {
    const run = await kernel.run({ code: `import ${MODULE}`, onChange: () => undefined });
    assert.equal(run.status, 'ok');
    const code = `note = "😀 ünïcode 𝔘"\nx = 1\n${MODULE}.hel`;
    const items = await introspection.complete(code, code.length);
    const hello = items?.find((i) => i.text === 'hello_server');
    assert.ok(hello, JSON.stringify(items));
    assert.equal(code.slice(hello.start, code.length), 'hel', 'the range is the typed part, in UTF-16');
    if (hello.type !== undefined) assert.equal(hello.type, 'function');

    // After the dot: IPython sends "module.attr"; the items are what follows the dot, as the language server offers them.
    const dotted = `note = "😀"\n${MODULE}.`;
    const after = await introspection.complete(dotted, dotted.length);
    const names = (after ?? []).map((i) => i.text);
    for (const name of ['hello_server', 'SERVER_CONSTANT', 'ServerThing']) assert.ok(names.includes(name), `${name} in ${JSON.stringify(names)}`);
    for (const i of after ?? []) if (['hello_server', 'SERVER_CONSTANT', 'ServerThing'].includes(i.text)) assert.equal(i.start, dotted.length);
  });

  test('inspect: the docstring and signature as plain text (no ANSI colours)', async () => {
    const code = `${MODULE}.hello_server`;
    const info = await introspection.inspect(code, code.length);
    assert.ok(info, 'found');
    assert.doesNotMatch(info.text, /\u001b/, 'IPython colours its text/plain: removed');
    assert.match(info.signature ?? '', /hello_server\(name: str, times: int ?= ?1\) -> str/);
    assert.match(info.docstring ?? '', /^Greets NAME from the server\.[\s\S]*\[x\]\(command:evil\) <b>bold<\/b>$/);
    // Hovering the middle of a line of several: the cursor is where the word ends.
    const line = `y = ${MODULE}.hello_server("a")`;
    const mid = await introspection.inspect(`note = "😀"\n${line}`, `note = "😀"\n`.length + line.indexOf('("a")'));
    assert.match(mid?.signature ?? '', /hello_server\(/);
    assert.equal(await introspection.inspect('no_such_name_anywhere', 21), undefined, 'not found → nothing');
  });

  test('signature help: the call around the cursor and its active parameter', async () => {
    const code = `😀 = 1\n${MODULE}.hello_server("a", `;
    const call = callContext(code, code.length);
    assert.ok(call);
    const info = await introspection.inspect(code, call.openParen);
    const parts = signatureParts(info?.signature ?? '');
    assert.ok(parts, JSON.stringify(info));
    assert.deepEqual(parts.parameters.map((p) => p.name), ['name', 'times']);
    assert.equal(activeParameter(parts, call), 1);
  });

  test('a busy kernel (a running cell) is not asked: nothing within ~200 ms, nothing queued behind the cell', async () => {
    let began!: () => void;
    const started = new Promise<void>((r) => (began = r));
    const cell = kernel.run({ code: 'import time\ntime.sleep(3)', onStart: () => began(), onChange: () => undefined });
    await started;
    await new Promise((r) => setTimeout(r, 300)); // the kernel says busy by now
    const t0 = Date.now();
    const code = `${MODULE}.hel`;
    assert.equal(await introspection.complete(code, code.length), undefined);
    assert.equal(await introspection.inspect(code, code.length), undefined);
    const waited = Date.now() - t0;
    assert.ok(waited < 1500, `gave up after ${waited} ms`);
    assert.equal((await cell).status, 'ok');
    // Idle again: asked again.
    assert.ok((await introspection.complete(code, code.length))?.some((i) => i.text === 'hello_server'));
  });
});
