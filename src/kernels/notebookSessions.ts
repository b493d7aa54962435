// Jupyter sessions (/api/sessions) tie a kernel to a notebook path, so a kept kernel is found again when the notebook reopens.
import { isRawKernel, type JupyterServerClient, type KernelInfo, type RawKernel } from '../jupyterServer/jupyterServerClient';
import { arrayOf, nullable, shape, str } from '../core/http/responseCheck';

export interface NotebookSessionRef {
  sessionId: string;
  kernel: KernelInfo;
  /** True when the server already had a session (and kernel) for this path. */
  reused: boolean;
}

interface RawSession {
  id: string;
  path: string;
  /** Null while the server cannot reach the session's kernel. */
  kernel: RawKernel | null;
}

const isRawSession = shape<RawSession>({ id: str, path: str, kernel: nullable(isRawKernel) });
/** A session just created always has its kernel. */
const isCreatedSession = shape<RawSession & { kernel: RawKernel }>({ id: str, path: str, kernel: isRawKernel });

/** Finds the session for `path` with the wanted kernel, or creates it (replacing a session that runs another kernel). */
export async function openNotebookSession(jupyter: JupyterServerClient, opts: { path: string; name: string; kernelName: string },
  signal?: AbortSignal): Promise<NotebookSessionRef> {
  const existing = (await jupyter.checkedJson({ path: 'api/sessions', signal }, arrayOf(isRawSession))).find((s) => s.path === opts.path);
  if (existing && existing.kernel?.name === opts.kernelName) {
    return { sessionId: existing.id, kernel: { id: existing.kernel.id, name: existing.kernel.name }, reused: true };
  }
  // jupyter_server hands back an existing session for the path whatever kernel is asked for: remove it first.
  if (existing) await closeNotebookSession(jupyter, existing.id, signal);
  const created = await jupyter.checkedJson({
    method: 'POST', path: 'api/sessions', signal,
    json: { path: opts.path, name: opts.name, type: 'notebook', kernel: { name: opts.kernelName } },
  }, isCreatedSession);
  return { sessionId: created.id, kernel: { id: created.kernel.id, name: created.kernel.name }, reused: false };
}

/** The id of the session tying `path` to `kernelId`, if there is one. */
export async function findNotebookSessionId(jupyter: JupyterServerClient, path: string, kernelId: string, signal?: AbortSignal): Promise<string | undefined> {
  const sessions = await jupyter.checkedJson({ path: 'api/sessions', signal }, arrayOf(isRawSession));
  return sessions.find((s) => s.path === path && s.kernel?.id === kernelId)?.id;
}

/** Deletes the session, which shuts its kernel down; a session already gone is fine. */
export async function closeNotebookSession(jupyter: JupyterServerClient, sessionId: string, signal?: AbortSignal): Promise<void> {
  await jupyter.http.request({ method: 'DELETE', path: `api/sessions/${encodeURIComponent(sessionId)}`, signal, acceptStatuses: [404] });
}
