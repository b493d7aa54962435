// Content pulled on the hub server ("target": "server"): the real JupyterHub's single-user server clones the course
// repository from a git smart-HTTP server into the user's home, pulls on a second apply, and refuses a foreign folder.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPreset, type StepImplementations } from '../../../src/presets/applyPreset';
import { hubSteps } from '../../../src/presets/hubAndDaskSteps';
import { serverContentStep, serverOpenFilesStep, serverPullCode } from '../../../src/presets/serverContentSteps';
import { HubClient } from '../../../src/hubs/hubClient';
import { startTestHub, type TestHub } from '../../support/jupyterhub';
import { startGitHttpServer, type GitHttpServer } from './gitHttpServer';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' } });

test('the server-side git code carries preset values only as string literals', () => {
  const code = serverPullCode('https://x.org/a".git\nimport os', 'main', 'a');
  assert.ok(code.includes(JSON.stringify('https://x.org/a".git\nimport os')));
  assert.ok(!code.includes('\nimport os\n'), 'a newline in the repo cannot start a statement');
});

describe('content on the hub server', { skip: existsSync('/usr/lib/git-core/git-http-backend') ? false : 'git http-backend is not installed', timeout: 180_000 }, () => {
  let dir: string;
  let hub: TestHub;
  let gitServer: GitHttpServer;
  let repoUrl: string;
  let token: string;
  const opened: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pangeo-srvcontent-'));
    const work = join(dir, 'author');
    mkdirSync(work);
    git(dir, 'init', '-q', '-b', 'main', work);
    writeFileSync(join(work, 'README.md'), '# Course\n');
    git(work, 'add', '.');
    git(work, 'commit', '-q', '-m', 'week 1');
    mkdirSync(join(dir, 'srv'));
    git(dir, 'clone', '-q', '--bare', work, join(dir, 'srv', 'ods101.git'));
    gitServer = await startGitHttpServer(join(dir, 'srv'));
    repoUrl = `${gitServer.url}ods101.git`;
    hub = await startTestHub({ users: ['carla'] });
    token = (await new HubClient(hub.url).createTokenWithPassword('carla', hub.password, { note: 'content test' })).token;
  });
  after(async () => {
    await hub?.stop();
    await gitServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const steps = (): StepImplementations => ({
    ...hubSteps({ session: async () => ({ client: new HubClient(hub.url, { token }), user: 'carla' }) }),
    'get-content': serverContentStep(),
    'open-files': serverOpenFilesStep(async (url) => { opened.push(url); }),
  });
  const preset = () => JSON.stringify({ version: 1, name: 'ODS 101', hub: { url: hub.url }, content: { repo: repoUrl, target: 'server', open: ['README.md'] } });

  test('clone on the server, then pull on the next apply; files open from the server copy', async () => {
    const first = await applyPreset(preset(), steps());
    assert.equal(first.status, 'done', first.status === 'failed' ? `${first.failed.step.kind}: ${first.failed.message}` : first.status);
    const home = join(hub.dir, 'home', 'carla');
    assert.equal(readFileSync(join(home, 'ods101', 'README.md'), 'utf8'), '# Course\n');
    assert.match(opened[0]!, /\/user\/carla\/lab\/tree\/ods101\/README\.md$/);
    const second = await applyPreset(preset(), steps());
    assert.equal(second.status, 'done');
  });

  test('a folder of that name that is not this clone is left alone and the step fails with the reason', async () => {
    const home = join(hub.dir, 'home', 'carla');
    rmSync(join(home, 'ods101'), { recursive: true, force: true });
    mkdirSync(join(home, 'ods101'));
    writeFileSync(join(home, 'ods101', 'mine.txt'), 'keep me');
    const outcome = await applyPreset(preset(), steps());
    assert.ok(outcome.status === 'failed');
    assert.equal(outcome.failed.step.kind, 'get-content');
    assert.match(outcome.failed.message, /not a git clone/);
    assert.equal(readFileSync(join(home, 'ods101', 'mine.txt'), 'utf8'), 'keep me');
  });
});
