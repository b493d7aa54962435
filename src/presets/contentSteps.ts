// The "get-content" and "open-files" steps for content that goes into the workspace: a git clone (or a
// fast-forward pull when the clone exists), then opening the listed files, which must stay inside the clone.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join, relative, isAbsolute, sep } from 'node:path';
import { InvalidInputError, PangeoError } from '../core/http/errors';
import { redact } from '../core/http/redact';
import type { StepRunner } from './applyPreset';
import type { PlanStepOf } from './presetPlan';
import { relativePathProblem } from './semanticChecks';

/** State key: the folder holding the content, for "open-files" and for the caller. */
export const CONTENT_DIR_KEY = 'contentDir';

export interface CloneStepDeps {
  /** Folder the clone goes into (e.g. the first workspace folder). */
  parentDir(step: PlanStepOf<'get-content'>): Promise<string>;
  git?: string;
  timeoutMs?: number;
}

/** The folder name for a repository URL: its last path segment without ".git". */
export function cloneFolderName(repo: string): string {
  const encoded = new URL(repo).pathname.split('/').filter(Boolean).pop() ?? '';
  let last = encoded;
  try {
    last = decodeURIComponent(encoded);
  } catch {
    // keep the encoded form; the character filter below makes it safe
  }
  const name = last.replace(/\.git$/i, '').replace(/[^A-Za-z0-9._-]/g, '-');
  if (!name || name === '.' || name === '..' || name.startsWith('-')) throw new InvalidInputError(`Cannot name a folder after ${repo}.`);
  return name;
}

function runGit(git: string, args: string[], opts: { cwd?: string; timeoutMs: number; signal: AbortSignal }): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(git, args, {
      cwd: opts.cwd, timeout: opts.timeoutMs, signal: opts.signal, maxBuffer: 4 * 1024 * 1024,
      // Never wait for a password prompt nobody can see; never read the system-wide config's helpers.
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '', SSH_ASKPASS: '', GCM_INTERACTIVE: 'never' },
    }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout.trim());
      const text = redact(String(stderr || error.message).trim().split('\n').slice(-3).join(' '));
      reject(new PangeoError('UnexpectedResponse', `git ${args.find((a) => !a.startsWith('-') && !a.includes('=')) ?? ''} failed: ${text}`,
        'Check the repository address and branch, and that you can reach it; then retry.', { cause: error }));
    });
  });
}

/** git options that keep a clone from reaching anything but the preset's https (or loopback http) URL. */
const SAFE_GIT = ['-c', 'protocol.allow=never', '-c', 'protocol.https.allow=always', '-c', 'protocol.http.allow=always', '-c', 'core.symlinks=false'];

export function cloneIntoWorkspaceStep(deps: CloneStepDeps): StepRunner<'get-content'> {
  const git = deps.git ?? 'git';
  const timeoutMs = deps.timeoutMs ?? 10 * 60_000;
  return async (step, ctx) => {
    if (step.target !== 'workspace') {
      throw new InvalidInputError('This preset pulls its content on the server, which this step does not do.', 'Update the extension, or ask the instructor for a preset with "target": "workspace".');
    }
    const parent = await deps.parentDir(step);
    const dest = join(parent, cloneFolderName(step.repo));
    const exists = await fs.stat(dest).then(() => true, () => false);
    if (exists) {
      const origin = await runGit(git, ['-C', dest, 'config', '--get', 'remote.origin.url'], { timeoutMs, signal: ctx.signal }).catch(() => '');
      if (origin !== step.repo) {
        throw new InvalidInputError(`The folder ${dest} exists and is not a clone of ${step.repo}; nothing was changed.`, 'Rename or remove that folder, then retry.');
      }
      ctx.report(`Updating ${dest}`);
      await runGit(git, [...SAFE_GIT, '-C', dest, 'pull', '--ff-only', 'origin', ...(step.branch ? [step.branch] : [])], { timeoutMs, signal: ctx.signal });
    } else {
      ctx.report(`Cloning ${step.repo}${step.branch ? ` (${step.branch})` : ''}`);
      await runGit(git, [...SAFE_GIT, 'clone', '--depth', '1', '--no-recurse-submodules', ...(step.branch ? ['--branch', step.branch] : []), '--', step.repo, dest],
        { cwd: parent, timeoutMs, signal: ctx.signal });
    }
    ctx.state[CONTENT_DIR_KEY] = dest;
  };
}

export interface OpenFilesStepDeps {
  open(absolutePath: string): Promise<void>;
}

/** Opens the files that exist inside the content folder; fails only when none can be opened. */
export function openFilesStep(deps: OpenFilesStepDeps): StepRunner<'open-files'> {
  return async (step, ctx) => {
    const dir = ctx.state[CONTENT_DIR_KEY];
    if (typeof dir !== 'string') throw new InvalidInputError('There is no content folder to open files from.', 'The content step must run first.');
    const root = await fs.realpath(dir);
    const skipped: string[] = [];
    let opened = 0;
    for (const p of step.paths) {
      const problem = relativePathProblem(p);
      // Resolving symlinks too: a link in the repository must not open a file outside it.
      const real = problem ? undefined : await fs.realpath(join(root, p)).catch(() => undefined);
      const rel = real ? relative(root, real) : '..';
      const inside = !!real && rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
      const isFile = inside && (await fs.stat(real).then((s) => s.isFile(), () => false));
      if (!isFile) {
        skipped.push(p);
        ctx.report(`Not opened: ${p} (${problem ?? (real && !inside ? 'outside the repository' : 'no such file')})`);
        continue;
      }
      await deps.open(real);
      opened++;
    }
    if (!opened && skipped.length) throw new InvalidInputError(`None of the files to open exist in the repository: ${skipped.join(', ')}.`, 'Ask the instructor to check the preset\'s "open" list.');
  };
}
