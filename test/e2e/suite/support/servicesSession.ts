// A notebook session the way ms-toolsai.jupyter 2025.4.1 keeps one on a server it resolved from a collection:
// @jupyterlab/services with the connection information's `fetch` and `headers` (read at every request and socket
// open), a SessionManager that polls api/sessions every 10 s and disposes any session missing from the answer, and
// cells run over the session's kernel websocket. Lets the stub runs check what the real extension's notebook would see.
import { randomUUID } from 'node:crypto';
import { KernelManager, ServerConnection, SessionManager, type Session } from '@jupyterlab/services';
import WebSocket from 'ws';
import { kernelWebSocketClass } from '../../../../src/jupyterServer/kernelWebSocket';

export interface ConnectionInfo {
  baseUrl: { toString(skipEncoding?: boolean): string };
  headers?: Record<string, string>;
  fetch?: (input: unknown, init?: RequestInit) => Promise<Response>;
}

export interface ServicesSession {
  /** Runs code as a cell would: `text/plain` of its result, or the reason it could not run ("session disposed", …). */
  run(code: string, timeoutMs?: number): Promise<{ result?: string; error?: string }>;
  readonly disposed: boolean;
  dispose(): Promise<void>;
}

export async function openServicesSession(info: ConnectionInfo, notebook: string): Promise<ServicesSession> {
  const baseUrl = info.baseUrl.toString(true);
  const send = info.fetch ?? ((input: unknown, init?: RequestInit) => fetch(input as RequestInfo, init));
  const settings = ServerConnection.makeSettings({
    baseUrl,
    wsUrl: baseUrl.replace(/^http/, 'ws'),
    appendToken: false,
    // Headers added at each request, as the Jupyter extension's request creator does.
    fetch: (input: RequestInfo, init?: RequestInit) => {
      const request = new Request(input, init);
      for (const [k, v] of Object.entries(info.headers ?? {})) request.headers.set(k, v);
      return send(request);
    },
    WebSocket: kernelWebSocketClass(WebSocket as never, () => info.headers?.Authorization) as unknown as typeof globalThis.WebSocket, // eslint-disable-line @typescript-eslint/no-unnecessary-type-assertion -- the types differ (ws vs DOM); the lint sees them alike
  });
  const kernels = new KernelManager({ serverSettings: settings, standby: 'never' });
  const sessions = new SessionManager({ serverSettings: settings, kernelManager: kernels, standby: 'never' });
  await sessions.ready;
  const session: Session.ISessionConnection = await sessions.startNew({
    path: `${notebook.replace(/\.ipynb$/, '')}-jvsc-${randomUUID()}.ipynb`, name: notebook, type: 'notebook', kernel: { name: 'python3' },
  });
  let disposedAt: number | undefined;
  session.disposed.connect(() => (disposedAt = Date.now()));
  return {
    get disposed() {
      return disposedAt !== undefined;
    },
    async run(code, timeoutMs = 30_000) {
      // What cellExecution.ts of the Jupyter extension refuses with before sending anything.
      if (session.isDisposed || !session.kernel || session.kernel.isDisposed) return { error: 'Cannot execute code, session has been disposed.' };
      const future = session.kernel.requestExecute({ code, store_history: true });
      let result: string | undefined;
      let error: string | undefined;
      future.onIOPub = (msg) => {
        const content = msg.content as { data?: Record<string, string>; ename?: string; evalue?: string };
        if (msg.header.msg_type === 'execute_result') result = content.data?.['text/plain'];
        if (msg.header.msg_type === 'error') error = `${content.ename}: ${content.evalue}`;
      };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs)));
      try {
        await Promise.race([future.done, timeout]);
      } catch (e) {
        return { error: session.isDisposed ? 'Cannot execute code, session has been disposed.' : String(e) };
      } finally {
        clearTimeout(timer);
      }
      return error ? { error } : { result };
    },
    async dispose() {
      await session.shutdown().catch(() => undefined);
      sessions.dispose();
      kernels.dispose();
    },
  };
}
