// A cell's input requests: answered and shown as JupyterLab shows them, getpass masked, Escape interrupts, an open
// question closes when the cell is interrupted, and no question is asked after an interrupt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AFTER_INTERRUPT_NOTE, AskInput, CellInput, HIDDEN_ANSWER } from '../../../src/kernels/cellInput';
import { END_OF_INPUT } from '../../../src/jupyterServer/kernelInput';

function cellInput(ask: AskInput, interrupt: () => Promise<void> = async () => undefined) {
  const written: Array<[string, string]> = [];
  let interrupts = 0;
  const input = new CellInput({
    ask,
    interrupt: async () => {
      interrupts++;
      await interrupt();
    },
    write: (stream, text) => written.push([stream, text]),
  });
  return { input, written, interrupts: () => interrupts };
}

const live = () => new AbortController().signal;

test('an answer is sent and shown after its prompt; a password answer is sent but shown as dots', async () => {
  const answers = ['ana', 's3cret'];
  const { input, written } = cellInput(async () => answers.shift());
  assert.equal(await input.handle({ prompt: 'name? ', password: false }, live()), 'ana');
  assert.equal(await input.handle({ prompt: 'pw: ', password: true }, live()), 's3cret');
  assert.deepEqual(written, [['stdout', 'name? ana\n'], ['stdout', `pw: ${HIDDEN_ANSWER}\n`]]);
});

test('Escape (no answer) interrupts the kernel and sends nothing; the next request gets end of input, not a question', async () => {
  let asked = 0;
  const { input, written, interrupts } = cellInput(async () => {
    asked++;
    return undefined;
  });
  assert.equal(await input.handle({ prompt: 'a', password: false }, live()), undefined);
  assert.equal(interrupts(), 1);
  assert.equal(await input.handle({ prompt: 'b', password: false }, live()), END_OF_INPUT);
  assert.equal(asked, 1);
  assert.deepEqual(written, [['stderr', AFTER_INTERRUPT_NOTE]]);
});

test('interrupt() closes the open question; nothing is sent (the kernel raises KeyboardInterrupt itself)', async () => {
  let closed = false;
  const { input, interrupts } = cellInput((_r, signal) => new Promise((resolve) => signal.addEventListener('abort', () => {
    closed = true;
    resolve(undefined);
  })));
  const pending = input.handle({ prompt: 'x', password: false }, live());
  await new Promise((r) => setImmediate(r));
  input.interrupt();
  assert.equal(await pending, undefined);
  assert.ok(closed);
  assert.equal(interrupts(), 0, 'the stop button already interrupted the kernel');
});

test('the cell ending closes the question and nothing is sent; a request after it is not asked', async () => {
  const ended = new AbortController();
  const { input } = cellInput((_r, signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve('late'))));
  const pending = input.handle({ prompt: 'x', password: false }, ended.signal);
  ended.abort();
  assert.equal(await pending, undefined);
  let asked = false;
  const after = cellInput(async () => {
    asked = true;
    return 'y';
  });
  assert.equal(await after.input.handle({ prompt: 'x', password: false }, ended.signal), undefined);
  assert.equal(asked, false);
});

test('when the interrupt fails, the kernel still gets end of input and the output says why', async () => {
  const { input, written } = cellInput(async () => undefined, async () => {
    throw new Error('server gone');
  });
  assert.equal(await input.handle({ prompt: 'x', password: false }, live()), END_OF_INPUT);
  assert.match(written[0]![1], /Could not interrupt the kernel \(server gone\)/);
});

test('two requests at once are asked one after the other', async () => {
  const order: string[] = [];
  const { input } = cellInput(async (r) => {
    order.push(`ask ${r.prompt}`);
    await new Promise((res) => setTimeout(res, 10));
    order.push(`answered ${r.prompt}`);
    return r.prompt;
  });
  await Promise.all([input.handle({ prompt: '1', password: false }, live()), input.handle({ prompt: '2', password: false }, live())]);
  assert.deepEqual(order, ['ask 1', 'answered 1', 'ask 2', 'answered 2']);
});
