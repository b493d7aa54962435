// The stdin channel of one execution: the kernel's input_request (input(), getpass(), pdb prompts) handed to whoever
// answers it, and the answer sent back as input_reply on the same kernel connection.
import type { Kernel, KernelMessage } from '@jupyterlab/services';

/** What the kernel asks for. `prompt` is the kernel's text (untrusted); `password`: getpass, never echo the answer. */
export interface InputRequest {
  prompt: string;
  password: boolean;
}

/** The reply ipykernel reads as end of input: the waiting input() raises EOFError instead of waiting forever. */
export const END_OF_INPUT = '\x04';

/**
 * Answers one input request: the text to send, or undefined to send nothing (the cell was interrupted, so the kernel
 * stops waiting on its own). `signal` aborts when the execution ends or is abandoned: close any question then.
 */
export type InputHandler = (request: InputRequest, signal: AbortSignal) => Promise<string | undefined>;

type StdinFuture = Pick<Kernel.IShellFuture, 'sendInputReply'> & { onStdin: (msg: KernelMessage.IStdinMessage) => void | PromiseLike<void> };

/** The request's content, checked: a kernel may send anything. */
export function toInputRequest(msg: KernelMessage.IStdinMessage): InputRequest | undefined {
  if (msg.header.msg_type !== 'input_request') return undefined;
  const c = msg.content as { prompt?: unknown; password?: unknown };
  return { prompt: typeof c.prompt === 'string' ? c.prompt : '', password: c.password === true };
}

/**
 * Routes the execution's input requests to `handler` until `signal` aborts. A handler that fails answers end of input,
 * so the kernel never waits for a reply nobody will send.
 */
export function answerInputRequests(future: StdinFuture, handler: InputHandler, signal: AbortSignal): void {
  future.onStdin = (msg) => {
    const request = toInputRequest(msg);
    if (!request || signal.aborted) return;
    void handler(request, signal).catch(() => END_OF_INPUT).then((value) => {
      if (value === undefined || signal.aborted) return;
      future.sendInputReply({ status: 'ok', value }, msg.header as KernelMessage.IInputReplyMsg['parent_header']);
    });
  };
}
