// runView: when a detached run still counts as running. 'lost' shuts the run's kernel down, so it needs proof: the
// kernel is gone, or another process answers for its id. The server's execution_state is no proof either way (its
// activity watcher misses messages: a live run can stay 'starting', a restarted kernel 'busy').
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runView, type KernelLook } from '../../../src/kernels/detachedRuns';
import type { RunStatus } from '../../../src/kernels/detachedRunLog';
import type { KernelInfo } from '../../../src/jupyterServer/jupyterServerClient';
import type { KernelProcessAnswer } from '../../../src/jupyterServer/kernelProcessProbe';

const status: RunStatus = { id: '20261207-000000-abcdef', kernelId: 'k1', state: 'running', started: '2026-12-07T00:00:00Z', code: 'x', lastOutput: '', logBytes: 0, droppedBytes: 0, segments: 1, kernelSession: 'proc-1' };
const legacy: RunStatus = { ...status, kernelSession: undefined };
const kernel = (executionState: string): KernelInfo => ({ id: 'k1', name: 'python3', executionState });
const asks = (answer: KernelProcessAnswer): KernelLook => ({ again: () => assert.fail('no second look at the list'), ask: async () => answer });
const never: KernelLook = { again: () => assert.fail('no second look'), ask: () => assert.fail('no question') };

for (const state of ['starting', 'idle', 'busy']) {
  test(`a kernel the server reports "${state}" whose process is the run's: the run is running`, async () => {
    assert.equal((await runView(status, kernel(state), async () => status, asks({ session: 'proc-1' }))).view, 'running');
  });

  test(`a kernel the server reports "${state}" answered by another process (restarted after it died): the run is lost`, async () => {
    assert.equal((await runView(status, kernel(state), async () => status, asks({ session: 'proc-2' }))).view, 'lost');
  });
}

test('a kernel that does not answer in time is taken as the run\'s: its kernel is never shut down on a guess', async () => {
  assert.equal((await runView(status, kernel('starting'), async () => status, asks('silent'))).view, 'running');
});

test('a run that ended between the looks: its own end, not lost', async () => {
  const ended: RunStatus = { ...status, state: 'ok', ended: '2026-12-07T00:01:00Z' };
  assert.equal((await runView(status, kernel('idle'), async () => ended, asks({ session: 'proc-2' }))).view, 'ok');
});

test('a gone kernel needs no question; an ended status needs no look at all', async () => {
  assert.equal((await runView(status, undefined, async () => status, never)).view, 'lost');
  assert.equal((await runView({ ...status, state: 'error' }, kernel('busy'), async () => status, never)).view, 'error');
});

test('a status with no session (not ipykernel): busy counts, and a kernel not busy gets a second look', async () => {
  const again = (k: KernelInfo): KernelLook => ({ again: async () => k, ask: () => assert.fail('no session to compare') });
  assert.equal((await runView(legacy, kernel('busy'), async () => legacy, never)).view, 'running');
  assert.equal((await runView(legacy, kernel('starting'), async () => legacy, again(kernel('busy')))).view, 'running');
  assert.equal((await runView(legacy, kernel('starting'), async () => legacy, again(kernel('idle')))).view, 'lost');
});
