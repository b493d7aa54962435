// Which notebook kernels the dashboard's probe may use: our own connected kernels, plus Jupyter-extension notebooks where
// discovery found a client; a Jupyter-extension kernel is asked only when it reports idle and never activated for this.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { dashboardProbeKernels } from '../../../src/dashboard/editor/probeKernels';
import type { ProbeKernel } from '../../../src/dashboard/kernelProbeFeed';
import type { NotebookClusters } from '../../../src/dask/editor/clusterService';

function fakeVs(kernel: { status?: string; sent: string[] } | undefined, opts: { active?: boolean; trusted?: boolean } = {}) {
  const ext = {
    isActive: opts.active ?? true,
    exports: {
      kernels: {
        getKernel: async () => (kernel ? {
          get status() { return kernel.status; },
          executeCode: async function* (code: string) {
            kernel.sent.push(code);
            yield { items: [{ mime: 'application/vnd.code.notebook.stdout', data: new TextEncoder().encode('PANGEO-SCHEDULER-PROBE {}\n') }] };
          },
        } : undefined),
      },
    },
  };
  return {
    workspace: { isTrusted: opts.trusted ?? true },
    extensions: { getExtension: () => ext },
    Uri: { parse: (s: string) => ({ toString: () => s }) },
    CancellationTokenSource: class { token = {}; cancel() {} dispose() {} },
  } as unknown as typeof vscode;
}

const discovered = (uri: string): NotebookClusters => ({ uri, label: uri.split('/').pop()!, clusters: [{ kind: 'local', type: 'LocalCluster', variables: ['client'], schedulerAddress: 'tcp://127.0.0.1:8786' }] });
const own: ProbeKernel = { id: 'file:///w/own.ipynb', label: 'own.ipynb', runIfIdle: async () => 'own' };

test('own kernels first; discovered Jupyter-extension notebooks added once; none when untrusted', async () => {
  const kernel = { status: 'idle', sent: [] as string[] };
  const service = { notebookClusters: () => [discovered('file:///w/own.ipynb'), discovered('file:///w/jx.ipynb'), { uri: 'file:///w/none.ipynb', label: 'none.ipynb', clusters: [] }] };
  const list = await dashboardProbeKernels(fakeVs(kernel), () => [own], service)('Scheduler-1');
  assert.deepEqual(list.map((k) => k.label), ['own.ipynb', 'jx.ipynb']);
  assert.deepEqual(await dashboardProbeKernels(fakeVs(kernel, { trusted: false }), () => [own], service)('Scheduler-1'), []);
});

test('a Jupyter-extension kernel runs the probe only when idle, and the extension is never activated for it', async () => {
  const kernel = { status: 'busy', sent: [] as string[] };
  const service = { notebookClusters: () => [discovered('file:///w/jx.ipynb')] };
  const [jx] = await dashboardProbeKernels(fakeVs(kernel), () => [], service)('Scheduler-1');
  assert.equal(await jx!.runIfIdle('probe()'), undefined);
  assert.deepEqual(kernel.sent, [], 'nothing sent to a busy kernel');
  kernel.status = 'idle';
  assert.equal(await jx!.runIfIdle('probe()'), 'PANGEO-SCHEDULER-PROBE {}\n');
  assert.deepEqual(kernel.sent, ['probe()']);
  const [inactive] = await dashboardProbeKernels(fakeVs(kernel, { active: false }), () => [], service)('Scheduler-1');
  assert.equal(await inactive!.runIfIdle('probe()'), undefined);
  assert.equal(kernel.sent.length, 1);
});
