// Detached runs (src/kernels/detachedRuns.ts + the wrapper) on a real hub's jupyter_server and ipykernel, with small
// limits so one run spans several log segments and reaches the cap: what a follower reads across segments, in order.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestHub } from '../../support/jupyterhub';
import { startHubWithServer } from '../../support/hubServer';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { ContentsClient } from '../../../src/files/contentsClient';
import { DetachedRunReader, followRun, listRuns, startDetachedRun } from '../../../src/kernels/detachedRuns';
import { askKernelProcess } from '../../../src/jupyterServer/kernelProcessProbe';
import type { RunOutput } from '../../../src/kernels/detachedRunLog';

const USER = 'erin';

describe('detached runs on a real jupyter_server + ipykernel', { timeout: 240_000 }, () => {
  let hub: TestHub;
  let jupyter: JupyterServerClient;
  let contents: ContentsClient;
  before(async () => {
    ({ hub, jupyter } = await startHubWithServer({ user: USER, note: 'runs' }));
    contents = new ContentsClient(jupyter);
  });
  after(async () => hub?.stop());

  test('a run over several segments and past its cap: every record in order (streams interleaved, a partial line, display, result), then the cap\'s marker; a failed run\'s traceback passes the cap', async () => {
    const code = [
      'import sys, time',
      'for i in range(40):',
      '    print("line %02d" % i)',
      '    if i % 10 == 9: sys.stderr.write("err %d\\n" % i)',
      'print("partial", end="")',
      'time.sleep(1.5)',
      'print(" rest")',
      'display(6 * 7)',
      '"end"',
    ].join('\n');
    const run = await startDetachedRun(jupyter, contents, { kernelName: 'python3', code, limits: { segmentBytes: 300, maxBytes: 2500, keepDays: 7 } });
    const reader = new DetachedRunReader(contents, run.id);
    const outputs: RunOutput[] = [];
    const end = await followRun(jupyter, reader, (await reader.status())!, { onOutput: (o) => outputs.push(o), pollMs: 200 });
    assert.equal(end.view, 'ok');
    const expected: RunOutput[] = [];
    for (let i = 0; i < 40; i += 10) {
      expected.push({ stream: 'stdout', text: Array.from({ length: 10 }, (_, j) => `line ${String(i + j).padStart(2, '0')}\n`).join('') });
      expected.push({ stream: 'stderr', text: `err ${i + 9}\n` });
    }
    expected.push({ stream: 'stdout', text: 'partial rest\n' }, { stream: 'result', text: "42\n'end'\n" });
    // Joined per stream run, as a terminal would see it: the reader may hand one stream's text over in several pieces.
    const joined = (list: RunOutput[]) => list.reduce<RunOutput[]>((acc, o) => {
      const last = acc[acc.length - 1];
      if (last?.stream === o.stream) last.text += o.text;
      else acc.push({ ...o });
      return acc;
    }, []);
    assert.deepEqual(joined(outputs), expected);
    const segments = readdirSync(join(hub.dir, 'home', USER, 'pangeo-compute-runs', run.id)).filter((f) => f.startsWith('output-'));
    assert.ok(segments.length >= 5, `${segments.length} segments`);
    assert.equal(end.status.droppedBytes, 0);

    const loud = 'for i in range(300):\n    print("loud line %03d" % i)\nraise ValueError("late failure")';
    const failing = await startDetachedRun(jupyter, contents, { kernelName: 'python3', code: loud, limits: { segmentBytes: 1000, maxBytes: 2500, keepDays: 7 } });
    const failReader = new DetachedRunReader(contents, failing.id);
    const failOut: RunOutput[] = [];
    const failed = await followRun(jupyter, failReader, (await failReader.status())!, { onOutput: (o) => failOut.push(o), pollMs: 200 });
    assert.equal(failed.view, 'error');
    assert.ok(failed.status.droppedBytes > 0);
    const text = failOut.map((o) => o.text).join('');
    assert.match(text, /^loud line 000\nloud line 001\n/);
    assert.match(text, /\n\[pangeo-compute: the run printed more than its log keeps \(2500 bytes\); the rest of its output is not kept\]\nTraceback/);
    assert.match(text, /ValueError: late failure\n$/);
    assert.doesNotMatch(text, /loud line 299/);

    const listed = await listRuns(jupyter, contents);
    assert.deepEqual(listed.map((r) => [r.id, r.view]), [[run.id, 'ok'], [failing.id, 'error']]);
    assert.equal(listed[0]!.status?.lastOutput, "'end'");
  });

  test('a new run deletes the runs whose status was last written more than keepDays ago, and only those', async () => {
    const runs = join(hub.dir, 'home', USER, 'pangeo-compute-runs');
    const old = (id: string, days: number) => {
      mkdirSync(join(runs, id), { recursive: true });
      writeFileSync(join(runs, id, 'status.json'), '{}');
      const t = Date.now() / 1000 - days * 86_400;
      utimesSync(join(runs, id, 'status.json'), t, t);
    };
    old('20200101-000000-aaaaaa', 8);
    old('20200101-000000-bbbbbb', 6);
    const run = await startDetachedRun(jupyter, contents, { kernelName: 'python3', code: '1' });
    assert.ok(!existsSync(join(runs, '20200101-000000-aaaaaa')), 'a run of 8 days ago is still kept');
    assert.ok(existsSync(join(runs, '20200101-000000-bbbbbb')), 'a run of 6 days ago was deleted');
    assert.ok(existsSync(join(runs, run.id, 'status.json')));
  });

  test('the run\'s kernel process answers with the session the run wrote while its cell runs (whatever state the server reports); a kernel restarted after SIGKILL answers with another, and the run is lost', async () => {
    const run = await startDetachedRun(jupyter, contents, { kernelName: 'python3', code: 'import time\nprint("start", flush=True)\ntime.sleep(120)' });
    const reader = new DetachedRunReader(contents, run.id);
    const status = (await reader.status())!;
    assert.ok(status.kernelSession, 'the run wrote no kernel session');
    const asked = Date.now();
    assert.deepEqual(await askKernelProcess(jupyter, run.kernelId, 10_000), { session: status.kernelSession });
    // The control channel answers at once though the cell keeps the shell busy (ipykernel ≥ 6).
    assert.ok(Date.now() - asked < 5_000, `the busy kernel took ${Date.now() - asked} ms to answer`);
    assert.equal((await listRuns(jupyter, contents)).find((r) => r.id === run.id)?.view, 'running');

    const pid = (JSON.parse(readFileSync(join(hub.dir, 'home', USER, 'pangeo-compute-runs', run.id, 'status.json'), 'utf8')) as { pid: number }).pid;
    process.kill(pid, 'SIGKILL');
    // The server restarts the kernel under the same id: another process answers.
    let answer = await askKernelProcess(jupyter, run.kernelId, 10_000);
    for (let i = 0; i < 20 && (answer === 'silent' || answer.session === status.kernelSession); i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      answer = await askKernelProcess(jupyter, run.kernelId, 10_000);
    }
    assert.notEqual(answer, 'silent');
    assert.notEqual((answer as { session: string }).session, status.kernelSession);
    const listed = (await listRuns(jupyter, contents)).find((r) => r.id === run.id);
    assert.equal(listed?.view, 'lost');
  });
});
