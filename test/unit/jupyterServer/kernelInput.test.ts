// The stdin channel of an execution: input_request → handler → input_reply with the request's header as parent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KernelMessage } from '@jupyterlab/services';
import { answerInputRequests, END_OF_INPUT, toInputRequest } from '../../../src/jupyterServer/kernelInput';

function request(content: Record<string, unknown>, msgType = 'input_request'): KernelMessage.IStdinMessage {
  return { header: { msg_type: msgType, msg_id: 'req-1', session: 's', username: 'u', date: '', version: '5.3' }, parent_header: {}, metadata: {}, content, channel: 'stdin' } as unknown as KernelMessage.IStdinMessage;
}

function fakeFuture() {
  const replies: Array<{ content: unknown; parent: { msg_id: string } }> = [];
  const future = {
    onStdin: (_msg: KernelMessage.IStdinMessage): void => undefined,
    sendInputReply: (content: unknown, parent: unknown) => void replies.push({ content, parent: parent as { msg_id: string } }),
  };
  return { future, replies };
}

const tick = () => new Promise((r) => setImmediate(r));

test('a request reaches the handler checked; the answer goes back as input_reply to that request', async () => {
  const { future, replies } = fakeFuture();
  const seen: unknown[] = [];
  answerInputRequests(future, async (r) => {
    seen.push(r);
    return 'ana';
  }, new AbortController().signal);
  future.onStdin(request({ prompt: 'name? ', password: false }));
  future.onStdin(request({ prompt: 42, password: 'yes' }));
  future.onStdin(request({}, 'something_else'));
  await tick();
  assert.deepEqual(seen, [{ prompt: 'name? ', password: false }, { prompt: '', password: false }]);
  assert.deepEqual(replies.map((r) => [r.content, r.parent.msg_id]), [[{ status: 'ok', value: 'ana' }, 'req-1'], [{ status: 'ok', value: 'ana' }, 'req-1']]);
  assert.deepEqual(toInputRequest(request({ prompt: 'pw', password: true })), { prompt: 'pw', password: true });
});

test('no reply when the handler sends nothing or the execution ended; end of input when the handler fails', async () => {
  const { future, replies } = fakeFuture();
  const ended = new AbortController();
  let mode: 'nothing' | 'late' | 'fail' = 'nothing';
  answerInputRequests(future, async () => {
    if (mode === 'fail') throw new Error('box failed');
    if (mode === 'late') ended.abort();
    return mode === 'nothing' ? undefined : 'late';
  }, ended.signal);
  future.onStdin(request({ prompt: 'a' }));
  await tick();
  mode = 'fail';
  future.onStdin(request({ prompt: 'b' }));
  await tick();
  mode = 'late';
  future.onStdin(request({ prompt: 'c' }));
  await tick();
  future.onStdin(request({ prompt: 'd' }));
  await tick();
  assert.deepEqual(replies.map((r) => r.content), [{ status: 'ok', value: END_OF_INPUT }]);
});
