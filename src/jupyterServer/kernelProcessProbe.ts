// Which process answers for a kernel id. Every kernel process signs its messages with a session id of its own
// (jupyter_client's Session.session, a new uuid per process), so a kernel the server restarted after it died answers
// under the same kernel id with another session. Asked with kernel_info_request on the control channel, which
// ipykernel ≥ 6 serves on a thread of its own even while a cell runs.
//
// Why a raw socket rather than @jupyterlab/services' KernelConnection: that class holds every request until the kernel
// has answered its kernel_info_request on the shell channel, which a kernel busy with a long cell never does.
import { randomUUID } from 'node:crypto';
import type WebSocket from 'ws';
import { openWebSocket } from '../core/http/openWebSocket';
import type { JupyterServerClient } from './jupyterServerClient';

/** The answer: the kernel process's session id, or 'silent' when nothing answered in time (busy on an old ipykernel, a slow server). */
export type KernelProcessAnswer = { session: string } | 'silent';

/** One kernel_info_request on the control channel of kernel `kernelId`; never throws (a failure is 'silent'). */
export async function askKernelProcess(jupyter: JupyterServerClient, kernelId: string, timeoutMs: number, signal?: AbortSignal): Promise<KernelProcessAnswer> {
  const deadline = Date.now() + timeoutMs;
  // A session key of its own: the server never replays another client's buffered messages into this socket.
  const url = `${jupyter.http.baseUrl.replace(/^http/, 'ws')}api/kernels/${encodeURIComponent(kernelId)}/channels?session_id=${randomUUID()}`;
  let socket: WebSocket;
  try {
    const auth = await jupyter.http.authorizationHeader();
    // No subprotocol: the server speaks JSON text frames, one message each (both jupyter_server 1 and 2).
    socket = await openWebSocket(url, { headers: auth ? { Authorization: auth } : {}, handshakeTimeoutMs: timeoutMs });
  } catch {
    return 'silent';
  }
  const msgId = randomUUID();
  return new Promise<KernelProcessAnswer>((resolve) => {
    const done = (answer: KernelProcessAnswer) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      resolve(answer);
    };
    const onAbort = () => done('silent');
    const timer = setTimeout(() => done('silent'), Math.max(0, deadline - Date.now()));
    if (signal?.aborted) return done('silent');
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', () => done('silent'));
    socket.on('close', () => done('silent'));
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      if (isBinary) return;
      let msg: { header?: { session?: unknown; msg_type?: unknown }; parent_header?: { msg_id?: unknown } };
      try {
        msg = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : String(data)) as typeof msg;
      } catch {
        return;
      }
      if (msg.parent_header?.msg_id !== msgId || msg.header?.msg_type !== 'kernel_info_reply') return;
      done(typeof msg.header.session === 'string' && msg.header.session ? { session: msg.header.session } : 'silent');
    });
    socket.send(JSON.stringify({
      channel: 'control',
      header: { msg_id: msgId, msg_type: 'kernel_info_request', session: randomUUID(), username: '', date: new Date().toISOString(), version: '5.3' },
      parent_header: {}, metadata: {}, content: {}, buffers: [],
    }));
  });
}
