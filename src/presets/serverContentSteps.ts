// "get-content"/"open-files" for presets whose content lives on the hub server ("target": "server"): a fixed git
// clone-or-pull runs in a short-lived kernel on the started server (as nbgitpuller does, but with no URL to craft);
// the preset supplies only the repository, branch and file names, passed as JSON string literals, never as code.
import type { StepRunner } from './applyPreset';
import { HUB_SESSION_KEY, SERVER_KEY, type HubSession } from './hubAndDaskSteps';
import { cloneFolderName } from './contentSteps';
import type { HubServer } from '../hubs/hubModels';
import { JupyterServerClient } from '../jupyterServer/jupyterServerClient';
import { InvalidInputError, PangeoError } from '../core/http/errors';

/** State key: the content folder on the server, relative to the user's home (for "open-files"). */
export const SERVER_CONTENT_DIR_KEY = 'serverContentDir';

/** The Python run on the server; every preset value enters as a JSON literal (valid Python string syntax). */
export function serverPullCode(repo: string, branch: string | undefined, folder: string): string {
  return [
    'import json as _j, os as _o, subprocess as _s',
    `_repo = ${JSON.stringify(repo)}`,
    `_branch = ${branch === undefined ? 'None' : JSON.stringify(branch)}`,
    `_dest = _o.path.join(_o.path.expanduser("~"), ${JSON.stringify(folder)})`,
    '_safe = ["-c", "protocol.allow=never", "-c", "protocol.https.allow=always", "-c", "protocol.http.allow=always", "-c", "core.symlinks=false"]',
    'if _o.path.isdir(_o.path.join(_dest, ".git")):',
    '    _origin = _s.run(["git", "-C", _dest, "config", "--get", "remote.origin.url"], capture_output=True, text=True).stdout.strip()',
    '    _r = None if _origin != _repo else _s.run(["git", *_safe, "-C", _dest, "pull", "--ff-only", "origin", *([_branch] if _branch else [])], capture_output=True, text=True)',
    '    _out = {"ok": False, "action": "pull", "error": "the folder exists and is not a clone of this repository"} if _r is None else {"ok": _r.returncode == 0, "action": "pull", "error": _r.stderr[-1500:]}',
    'elif _o.path.exists(_dest):',
    '    _out = {"ok": False, "action": "clone", "error": "the folder exists and is not a git clone"}',
    'else:',
    '    _r = _s.run(["git", *_safe, "clone", "--depth", "1", "--no-recurse-submodules", *(["--branch", _branch] if _branch else []), "--", _repo, _dest], capture_output=True, text=True)',
    '    _out = {"ok": _r.returncode == 0, "action": "clone", "error": _r.stderr[-1500:]}',
    'print("PANGEO_RESULT" + _j.dumps(_out))',
  ].join('\n');
}

async function runOnServer(session: HubSession, server: HubServer, code: string, signal: AbortSignal): Promise<string> {
  if (!server.url) throw new InvalidInputError('The server is not ready.', 'Start it, then retry.');
  const jupyter = new JupyterServerClient(server.url, session.client.http);
  const specs = await jupyter.getKernelSpecs(signal);
  const kernel = await jupyter.startKernel(specs.specs.some((s) => s.name === 'python3') ? 'python3' : specs.default, signal);
  try {
    const conn = await jupyter.connect(kernel);
    try {
      const result = await conn.execute(code, { signal, storeHistory: false, timeoutMs: 10 * 60_000 });
      if (result.status !== 'ok') throw new PangeoError('UnexpectedResponse', `The content step failed on the server: ${result.error?.ename}: ${result.error?.evalue}`, 'Retry, or ask the instructor.');
      return result.outputs.map((o) => (o.type === 'stream' && o.name === 'stdout' ? o.text : '')).join('');
    } finally {
      conn.dispose();
    }
  } finally {
    await jupyter.shutdownKernel(kernel.id).catch(() => undefined);
  }
}

export function serverContentStep(): StepRunner<'get-content'> {
  return async (step, ctx) => {
    const session = ctx.state[HUB_SESSION_KEY] as HubSession | undefined;
    const server = ctx.state[SERVER_KEY] as HubServer | undefined;
    if (!session || !server) throw new InvalidInputError('Content for the server needs the preset\'s hub server, which has not started.', 'Retry from the sign-in step.');
    const folder = cloneFolderName(step.repo);
    ctx.report(`Getting ${step.repo} on the server`);
    const out = await runOnServer(session, server, serverPullCode(step.repo, step.branch, folder), ctx.signal);
    const line = out.split('\n').find((l) => l.startsWith('PANGEO_RESULT'));
    if (!line) throw new PangeoError('UnexpectedResponse', 'The server did not report the result of git.', 'Retry.');
    const result = JSON.parse(line.slice('PANGEO_RESULT'.length)) as { ok: boolean; action: string; error?: string };
    if (!result.ok) throw new PangeoError('UnexpectedResponse', `git ${result.action} on the server failed: ${result.error?.trim() || 'no reason given'}`, 'Check the repository address and branch; then retry.');
    ctx.state[SERVER_CONTENT_DIR_KEY] = folder;
    ctx.report(`${result.action === 'clone' ? 'Cloned' : 'Updated'} ~/${folder} on the server`);
  };
}

/** Opens the preset's files from the server's copy in JupyterLab (they are not in the local workspace). */
export function serverOpenFilesStep(open: (url: string) => Promise<void>): StepRunner<'open-files'> {
  return async (step, ctx) => {
    const server = ctx.state[SERVER_KEY] as HubServer | undefined;
    const folder = ctx.state[SERVER_CONTENT_DIR_KEY] as string | undefined;
    if (!server?.url || !folder) throw new InvalidInputError('The server copy of the content is not there.', 'Retry from the content step.');
    for (const path of step.paths) {
      const clean = path.split('/').filter((p) => p && p !== '.' && p !== '..').map(encodeURIComponent).join('/');
      await open(`${server.url}lab/tree/${encodeURIComponent(folder)}/${clean}`);
    }
  };
}
