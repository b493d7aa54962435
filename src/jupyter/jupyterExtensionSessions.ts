// Which notebooks the Jupyter extension runs on a server, read from the server's own session list — its API shows
// kernels only behind a consent prompt. It names sessions `<notebook>-jvsc-<uuid>.ipynb` (path), which we match.
import type { SessionInfo } from '../jupyterServer/jupyterServerClient';

export interface JupyterExtensionSession {
  /** The notebook's file name, e.g. "analysis.ipynb". */
  notebook: string;
  kernelId: string;
}

const JVSC_PATH = /^(?:.*\/)?(.+?)-jvsc-[0-9a-f-]{36,}\.ipynb$/i;

/** The notebook a session path of the Jupyter extension stands for ("a.ipynb" for "a-jvsc-<uuid…>.ipynb"). */
export function notebookOfSessionPath(path: string): string | undefined {
  const match = JVSC_PATH.exec(path);
  return match ? `${match[1]}.ipynb` : undefined;
}

export function jupyterExtensionSessions(sessions: readonly SessionInfo[]): JupyterExtensionSession[] {
  return sessions.flatMap((s) => {
    const match = JVSC_PATH.exec(s.path ?? '');
    return match && s.kernel?.id ? [{ notebook: `${match[1]}.ipynb`, kernelId: s.kernel.id }] : [];
  });
}
