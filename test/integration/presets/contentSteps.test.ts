// Content into the workspace for real: git clones over smart HTTP (git http-backend on loopback), pulls on a second
// apply, a branch, refusal to touch an unrelated folder, and files opened only from inside the clone.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPreset, type StepImplementations } from '../../../src/presets/applyPreset';
import { cloneFolderName, cloneIntoWorkspaceStep, CONTENT_DIR_KEY, openFilesStep } from '../../../src/presets/contentSteps';
import { startGitHttpServer, type GitHttpServer } from './gitHttpServer';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' } });

describe('content steps against a git smart-HTTP server', { skip: existsSync('/usr/lib/git-core/git-http-backend') ? false : 'git http-backend is not installed' }, () => {
  let dir: string;
  let work: string;
  let server: GitHttpServer;
  let repoUrl: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pangeo-content-'));
    work = join(dir, 'author');
    mkdirSync(join(work, 'notebooks'), { recursive: true });
    git(dir, 'init', '-q', '-b', 'main', work);
    writeFileSync(join(work, 'README.md'), '# Course\n');
    writeFileSync(join(work, 'notebooks', '01-sst.ipynb'), '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n');
    git(work, 'add', '.');
    git(work, 'commit', '-q', '-m', 'week 1');
    git(work, 'checkout', '-q', '-b', 'week-3');
    writeFileSync(join(work, 'week3.md'), 'week 3\n');
    git(work, 'add', '.');
    git(work, 'commit', '-q', '-m', 'week 3');
    git(work, 'checkout', '-q', 'main');
    mkdirSync(join(dir, 'srv'));
    git(dir, 'clone', '-q', '--bare', work, join(dir, 'srv', 'ods101.git'));
    server = await startGitHttpServer(join(dir, 'srv'));
    repoUrl = `${server.url}ods101.git`;
  });

  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function steps(workspace: string, opened: string[]): StepImplementations {
    return {
      'get-content': cloneIntoWorkspaceStep({ parentDir: async () => workspace, timeoutMs: 60_000 }),
      'open-files': openFilesStep({ open: async (p) => { opened.push(p); } }),
    };
  }

  const preset = (content: Record<string, unknown>) => JSON.stringify({ version: 1, name: 'Course', content: { repo: repoUrl, ...content } });

  test('clones into the workspace and opens the listed files; a second apply pulls new commits', async () => {
    const workspace = join(dir, 'ws1');
    mkdirSync(workspace);
    const opened: string[] = [];
    const first = await applyPreset(preset({ open: ['notebooks/01-sst.ipynb', 'README.md'] }), steps(workspace, opened));
    assert.equal(first.status, 'done', first.status === 'failed' ? first.failed.message : '');
    const clone = join(workspace, 'ods101');
    assert.ok(first.status === 'done' && first.state[CONTENT_DIR_KEY] === clone);
    assert.equal(readFileSync(join(clone, 'README.md'), 'utf8'), '# Course\n');
    assert.deepEqual(opened, [join(clone, 'notebooks/01-sst.ipynb'), join(clone, 'README.md')]);
    assert.ok(server.requests.some((r) => r.includes('git-upload-pack')), 'smart HTTP was used');

    writeFileSync(join(work, 'notebooks', '02-enso.ipynb'), '{}\n');
    git(work, 'add', '.');
    git(work, 'commit', '-q', '-m', 'week 2');
    git(work, 'push', '-q', join(dir, 'srv', 'ods101.git'), 'main');
    const second = await applyPreset(preset({ open: ['notebooks/02-enso.ipynb'] }), steps(workspace, opened));
    assert.equal(second.status, 'done', second.status === 'failed' ? second.failed.message : '');
    assert.ok(existsSync(join(clone, 'notebooks', '02-enso.ipynb')), 'pulled');
  });

  test('a branch is checked out as asked', async () => {
    const workspace = join(dir, 'ws2');
    mkdirSync(workspace);
    const outcome = await applyPreset(preset({ branch: 'week-3' }), steps(workspace, []));
    assert.equal(outcome.status, 'done');
    assert.ok(existsSync(join(workspace, 'ods101', 'week3.md')));
    assert.equal(git(join(workspace, 'ods101'), 'rev-parse', '--abbrev-ref', 'HEAD').trim(), 'week-3');
  });

  test('an existing folder that is not this clone is left alone; a missing branch fails the step', async () => {
    const workspace = join(dir, 'ws3');
    mkdirSync(join(workspace, 'ods101'), { recursive: true });
    writeFileSync(join(workspace, 'ods101', 'mine.txt'), 'student work\n');
    const outcome = await applyPreset(preset({}), steps(workspace, []));
    assert.ok(outcome.status === 'failed');
    assert.match(outcome.failed.message, /exists and is not a clone/);
    assert.equal(readFileSync(join(workspace, 'ods101', 'mine.txt'), 'utf8'), 'student work\n');

    const ws4 = join(dir, 'ws4');
    mkdirSync(ws4);
    const noBranch = await applyPreset(preset({ branch: 'no-such-branch' }), steps(ws4, []));
    assert.ok(noBranch.status === 'failed');
    assert.match(noBranch.failed.message, /git clone failed: .*no-such-branch/);
  });

  test('files are opened only from inside the clone (symlinks resolved); missing ones are skipped', async () => {
    const workspace = join(dir, 'ws5');
    mkdirSync(workspace);
    const opened: string[] = [];
    await applyPreset(preset({}), steps(workspace, opened));
    const clone = join(workspace, 'ods101');
    symlinkSync('/etc/hostname', join(clone, 'escape.txt'));
    const run = openFilesStep({ open: async (p) => { opened.push(p); } });
    const reports: string[] = [];
    const ctx = { state: { [CONTENT_DIR_KEY]: clone }, report: (m: string) => reports.push(m), signal: new AbortController().signal, preset: { version: 1 as const, name: 'x' }, plan: { name: 'x', steps: [] } };
    await run({ kind: 'open-files', id: 'open-files', title: '', details: [], target: 'workspace', paths: ['escape.txt', 'missing.md', 'README.md'] }, ctx);
    assert.deepEqual(opened, [join(clone, 'README.md')]);
    assert.deepEqual(reports, ['Not opened: escape.txt (outside the repository)', 'Not opened: missing.md (no such file)']);
    await assert.rejects(run({ kind: 'open-files', id: 'open-files', title: '', details: [], target: 'workspace', paths: ['escape.txt'] }, ctx), /None of the files/);
  });

  test('folder names come from the URL and cannot escape the parent', () => {
    assert.equal(cloneFolderName('https://github.com/example-edu/ods101.git'), 'ods101');
    assert.equal(cloneFolderName('https://gitlab.example.org/group/sub/My Course/'), 'My-Course');
    assert.throws(() => cloneFolderName('https://example.org/'), /Cannot name a folder/);
    assert.throws(() => cloneFolderName('https://example.org/%2E%2E'), /Cannot name a folder/);
  });
});
