// Cells that ask for input (input(), getpass(), pdb) on a real JupyterHub 3 + ipykernel: input_request → our question →
// input_reply on the same connection; the masked flag; interrupting while the kernel waits; input after an interrupt.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestHub } from '../../support/jupyterhub';
import { startHubWithServer } from '../../support/hubServer';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { CellRunResult, NotebookKernel } from '../../../src/kernels/notebookKernel';
import { AFTER_INTERRUPT_NOTE, AskInput, HIDDEN_ANSWER } from '../../../src/kernels/cellInput';
import type { InputRequest } from '../../../src/jupyterServer/kernelInput';
import { OutputItem, STDERR_MIME, STDOUT_MIME } from '../../../src/kernels/outputItems';

const USER = 'alice';

function streamText(result: CellRunResult, mime = STDOUT_MIME): string {
  return result.outputs.flatMap((o) => o.items)
    .filter((i): i is Extract<OutputItem, { kind: 'text' }> => i.kind === 'text' && i.mime === mime).map((i) => i.text).join('');
}

/**
 * Answers questions from a script (undefined = the user pressed Escape), recording each request; after a human's
 * moment, as ipykernel sends what the cell printed before asking on another channel, which may arrive after the question.
 */
function scripted(answers: Array<string | undefined>, asked: InputRequest[]): AskInput {
  return async (request) => {
    asked.push(request);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return answers.shift();
  };
}

describe('cell input against a real hub and ipykernel', { timeout: 240_000 }, () => {
  let hub: TestHub;
  let jupyter: JupyterServerClient;
  let kernel: NotebookKernel;

  before(async () => {
    ({ hub, jupyter } = await startHubWithServer({ user: USER, note: 'input test' }));
    kernel = new NotebookKernel({ jupyter, kernelName: 'python3', sessionPath: 'pangeo-vscode/test/input.ipynb', sessionName: 'input.ipynb',
      probeServer: async () => 'ready' });
  });

  after(async () => {
    await kernel?.shutdown().catch(() => undefined);
    await hub?.stop();
  });

  const run = (code: string, onInput?: AskInput) => kernel.run({ code, onChange: () => undefined, onInput });

  test('input() is answered through the question: the cell prints the answer, the prompt and answer show as JupyterLab shows them', async () => {
    const asked: InputRequest[] = [];
    const result = await run('print("before")\nname = input("name? ")\nprint(f"hello {name}")', scripted(['ana'], asked));
    assert.equal(result.status, 'ok', JSON.stringify(result.error));
    assert.deepEqual(asked, [{ prompt: 'name? ', password: false }]);
    assert.equal(streamText(result), 'before\nname? ana\nhello ana\n');
    const hidden = await run('input("x")');
    assert.equal(hidden.error?.ename, 'StdinNotImplementedError', 'code run without a way to ask (hidden runs) still fails at once');
  });

  test('getpass() asks with the password flag; the answer reaches the kernel but never the output', async () => {
    const asked: InputRequest[] = [];
    const result = await run('import getpass\np = getpass.getpass("token: ")\nprint(len(p), p[::-1] == "terc3s")', scripted(['s3cret'], asked));
    assert.equal(result.status, 'ok', JSON.stringify(result.error));
    assert.deepEqual(asked, [{ prompt: 'token: ', password: true }]);
    assert.equal(streamText(result), `token: ${HIDDEN_ANSWER}\n6 True\n`);
    assert.doesNotMatch(JSON.stringify(result.outputs), /s3cret/);
  });

  test('Escape interrupts the cell: KeyboardInterrupt at once, what it printed stays', async () => {
    const started = Date.now();
    const result = await run('print("kept", flush=True)\ninput("never answered: ")\nprint("not reached")', scripted([undefined], []));
    assert.equal(result.status, 'error');
    assert.equal(result.error?.ename, 'KeyboardInterrupt');
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
    assert.equal(streamText(result), 'kept\n');
    assert.equal((await run('1+1')).status, 'ok', 'the kernel runs the next cell');
  });

  test('interrupt (stop button) while the question is open closes it and ends the cell', async () => {
    let closed!: () => void;
    const wasClosed = new Promise<void>((resolve) => (closed = resolve));
    let asked!: () => void;
    const askedNow = new Promise<void>((resolve) => (asked = resolve));
    const ask: AskInput = (_request, signal) => new Promise((resolve) => {
      asked();
      signal.addEventListener('abort', () => {
        closed();
        resolve(undefined);
      }, { once: true });
    });
    const running = run('input("waiting: ")', ask);
    await Promise.race([askedNow, running.then((r) => assert.fail(`the cell ended without asking: ${JSON.stringify(r.error)}`))]);
    await kernel.interrupt();
    await wasClosed;
    const result = await running;
    assert.equal(result.error?.ename, 'KeyboardInterrupt');
  });

  test('a cell that asks again after it was interrupted gets end of input (EOFError), not another question', async () => {
    const asked: InputRequest[] = [];
    const result = await run('try:\n    input("first: ")\nexcept KeyboardInterrupt:\n    print("caught", flush=True)\ninput("second: ")', scripted([undefined, 'never'], asked));
    assert.deepEqual(asked.map((a) => a.prompt), ['first: ']);
    assert.equal(result.error?.ename, 'EOFError');
    assert.equal(streamText(result), 'caught\n');
    assert.equal(streamText(result, STDERR_MIME), AFTER_INTERRUPT_NOTE);
  });

  // breakpoint() in ipykernel 6+ is debugpy's hook (JupyterLab's visual debugger), not a prompt: pdb.set_trace() is.
  test('pdb prompts are answered like input(): a pdb command, then continue', async () => {
    const asked: InputRequest[] = [];
    const result = await run('x = 6\nimport pdb; pdb.set_trace()\nprint("after", x * 7)', scripted(['p x * 7', 'c'], asked));
    assert.equal(result.status, 'ok', JSON.stringify(result.error));
    assert.equal(asked.length, 2);
    assert.match(asked[0]!.prompt, /^(ipdb|\(Pdb\))> ?$/);
    assert.match(streamText(result), /42\n[\s\S]*after 42\n$/);
  });

  test('Escape at a pdb prompt interrupts the debugger (IPython\'s leaves it and the cell goes on), asked once, no hang', async () => {
    const asked: InputRequest[] = [];
    const result = await run('import pdb; pdb.set_trace()\nprint("after")', scripted([undefined, undefined, undefined], asked));
    assert.equal(asked.length, 1, 'asked once');
    assert.match(streamText(result), /KeyboardInterrupt[\s\S]*after\n$/);
  });
});
