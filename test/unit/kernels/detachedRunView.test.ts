// runView: when a detached run still counts as running. A live run's kernel the server does not yet report busy (its
// IOPub lags behind the status file on a loaded server) must not be called lost: that shuts its kernel down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runView } from '../../../src/kernels/detachedRuns';
import type { RunStatus } from '../../../src/kernels/detachedRunLog';
import type { KernelInfo } from '../../../src/jupyterServer/jupyterServerClient';

const status: RunStatus = { id: '20261207-000000-abcdef', kernelId: 'k1', state: 'running', started: '2026-12-07T00:00:00Z', code: 'x', lastOutput: '', logBytes: 0, droppedBytes: 0, segments: 1 };
const kernel = (executionState: string): KernelInfo => ({ id: 'k1', name: 'python3', executionState });

test('a kernel reported "starting" that is busy a moment later: the run is running', async () => {
  const seen = await runView(status, kernel('starting'), async () => status, async () => kernel('busy'));
  assert.equal(seen.view, 'running');
});

test('a kernel still not busy at the second look (the server restarted it after it died): the run is lost', async () => {
  const seen = await runView(status, kernel('starting'), async () => status, async () => kernel('idle'));
  assert.equal(seen.view, 'lost');
});

test('a run that ended between the looks: its own end, not lost', async () => {
  const ended: RunStatus = { ...status, state: 'ok', ended: '2026-12-07T00:01:00Z' };
  const seen = await runView(status, kernel('idle'), async () => ended, async () => kernel('idle'));
  assert.equal(seen.view, 'ok');
});

test('a busy kernel and a gone one need no second look', async () => {
  assert.equal((await runView(status, kernel('busy'), async () => status, () => assert.fail('no second look'))).view, 'running');
  assert.equal((await runView(status, undefined, async () => status, () => assert.fail('no second look'))).view, 'lost');
});
