// Runs code on a Jupyter server with nothing but a base URL and request headers, the way a kernel picker that got
// them from a server provider would: REST to start/stop the kernel, the kernel websocket for execute_request.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export interface ExecutionOutcome {
  /** `text/plain` of the execute_result, if any. */
  result?: string;
  /** Concatenated stdout/stderr stream text. */
  stream: string;
  /** `ename` of an error, if any. */
  error?: string;
  status: string;
}

/** Starts a kernel, runs `code`, shuts the kernel down. `baseUrl` ends with '/'. */
export async function runOnServer(baseUrl: string, headers: Record<string, string>, code: string, timeoutMs = 30_000): Promise<ExecutionOutcome> {
  const started = await fetch(new URL('api/kernels', baseUrl), {
    method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'python3' }),
  });
  if (started.status !== 201) throw new Error(`POST api/kernels: HTTP ${started.status} ${await started.text()}`);
  const kernel = (await started.json()) as { id: string };
  try {
    return await execute(baseUrl, headers, kernel.id, code, timeoutMs);
  } finally {
    await fetch(new URL(`api/kernels/${kernel.id}`, baseUrl), { method: 'DELETE', headers }).catch(() => undefined);
  }
}

/** The HTTP status a request to `api/kernels` gets with these headers (to show which headers grant access). */
export async function kernelsStatus(baseUrl: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(new URL('api/kernels', baseUrl), { headers, redirect: 'manual' });
  await res.arrayBuffer();
  return res.status;
}

function execute(baseUrl: string, headers: Record<string, string>, kernelId: string, code: string, timeoutMs: number): Promise<ExecutionOutcome> {
  const session = randomUUID();
  const url = new URL(`api/kernels/${kernelId}/channels?session_id=${session}`, baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const msgId = randomUUID();
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    const outcome: ExecutionOutcome = { stream: '', status: 'unknown' };
    let idle = false;
    let replied = false;
    const timer = setTimeout(() => finish(new Error(`no reply to execute_request within ${timeoutMs} ms`)), timeoutMs);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.close();
      if (error) reject(error);
      else resolve(outcome);
    };
    socket.on('unexpected-response', (_req, res) => finish(new Error(`kernel websocket: HTTP ${res.statusCode}`)));
    socket.on('error', (e) => finish(e));
    socket.on('open', () => {
      socket.send(JSON.stringify({
        header: { msg_id: msgId, msg_type: 'execute_request', username: 'e2e', session, date: new Date().toISOString(), version: '5.3' },
        parent_header: {}, metadata: {}, channel: 'shell', buffers: [],
        content: { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
      }));
    });
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { channel: string; header: { msg_type: string }; parent_header: { msg_id?: string }; content: Record<string, unknown> };
      if (msg.parent_header?.msg_id !== msgId) return;
      const type = msg.header.msg_type;
      if (type === 'execute_result') outcome.result = (msg.content.data as Record<string, string>)['text/plain'];
      else if (type === 'stream') outcome.stream += String(msg.content.text);
      else if (type === 'error') outcome.error = String(msg.content.ename);
      else if (type === 'execute_reply') {
        outcome.status = String(msg.content.status);
        replied = true;
      } else if (type === 'status' && msg.content.execution_state === 'idle') idle = true;
      if (replied && idle) finish();
    });
  });
}
