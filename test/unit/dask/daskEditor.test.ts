// The Dask view's editor layer with a small fake `vscode`: polling only while visible with back-off, the tree's nodes
// and context values, and the scale/confirm dialogs.
import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { ClusterService } from '../../../src/dask/editor/clusterService';
import { DaskTreeProvider, type DaskTreeNode } from '../../../src/dask/editor/daskTree';
import { askScale, confirmLargeCluster, pickClusterOptions } from '../../../src/dask/editor/clusterFlows';
import { NO_CAPABILITIES, type ClusterProvider, type ClusterSummary } from '../../../src/dask/clusterProvider';
import { PangeoError, UnreachableError } from '../../../src/core/http/errors';
import { silentLogger } from '../../../src/core/log';
import { decodeResourceId, encodeResourceId } from '../../../src/shared/resourceIds';
import { createFakeVscode, FakeTreeItem } from '../../support/fakeVscode';

function fakeVs(answers: { quickPick?: unknown[]; input?: (string | undefined)[]; warning?: (string | undefined)[] } = {}) {
  const calls: string[] = [];
  const vs = {
    ...createFakeVscode().vs,
    window: {
      showQuickPick: async (items: unknown[] | Promise<unknown[]>, o?: { title?: string }) => {
        calls.push(`pick:${o?.title ?? ''}`);
        const want = answers.quickPick?.shift();
        const list = await items;
        return typeof want === 'function' ? (want as (l: unknown[]) => unknown)(list) : want;
      },
      showInputBox: async (o: { validateInput?: (t: string) => string | undefined; prompt?: string }) => {
        const v = answers.input?.shift();
        calls.push(`input:${o.prompt ?? ''}:${v}:${v === undefined ? '' : o.validateInput?.(v) ?? 'valid'}`);
        return v;
      },
      showWarningMessage: async (m: string) => {
        calls.push(`warn:${m}`);
        return answers.warning?.shift();
      },
    },
  };
  return { vs: vs as unknown as typeof vscode, calls };
}

const summary = (id: string, extra: Partial<ClusterSummary> = {}): ClusterSummary =>
  ({ id, name: id, status: 'running', workers: 2, threads: 4, memory: 2 ** 31, provider: 'gateway', dashboardUrl: `http://d/${id}/status`, schedulerAddress: `gateway://g:443/${id}`, ...extra });

function fakeProvider(id: string, list: () => Promise<ClusterSummary[]>, caps: Partial<ClusterProvider['capabilities']> = {}): ClusterProvider & { calls: number } {
  const p = {
    kind: 'gateway' as const, id, label: id, capabilities: { ...NO_CAPABILITIES, ...caps }, calls: 0,
    async list() {
      p.calls++;
      return list();
    },
    optionsSchema: async () => [], create: async () => summary('new'), get: async (x: string) => summary(x),
    scale: async () => undefined, adapt: async () => undefined, stop: async () => undefined,
    connectionInfo: async () => ({ schedulerAddress: 'x', dashboardAuth: {}, clientCode: '' }),
    workers: async () => [{ id: 'tcp://w1', name: 'w1', threads: 2, memoryLimit: 2 ** 30, memoryUsed: 2 ** 29, cpu: 12 }],
  };
  return p;
}

describe('Dask view: polling', () => {
  it('polls every 5 s only while visible, backs off on errors per provider, and stops when hidden', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      let fail = true;
      const ok = fakeProvider('ok', async () => [summary('a')]);
      const bad = fakeProvider('bad', async () => {
        if (fail) throw new UnreachableError('http://gw/');
        return [];
      });
      const service = new ClusterService({ providers: () => [ok, bad], logger: silentLogger, pollMs: () => 5000 });
      service.snapshots();
      const tick = async (ms: number) => {
        mock.timers.tick(ms);
        for (let i = 0; i < 5; i++) await Promise.resolve();
      };
      // Read through a function: each assert.equal narrows `bad.calls` to the number it checked.
      const allCalls = () => ok.calls + bad.calls;
      await tick(60_000);
      assert.equal(ok.calls + bad.calls, 0, 'nothing is polled while the view is hidden');
      service.setVisible(true);
      await tick(0);
      assert.deepEqual([ok.calls, bad.calls], [1, 1]);
      assert.ok(service.snapshot('bad')!.error instanceof UnreachableError);
      assert.equal(service.snapshot('ok')!.clusters!.length, 1, 'one failing provider does not hide the others');
      await tick(5000);
      assert.deepEqual([ok.calls, bad.calls], [2, 1], 'the failing provider waits 10 s');
      await tick(5000);
      assert.deepEqual([ok.calls, bad.calls], [3, 2]);
      await tick(20_000);
      assert.equal(bad.calls, 3, 'then 20 s');
      fail = false;
      await tick(40_000);
      assert.equal(bad.calls, 4);
      assert.equal(service.snapshot('bad')!.error, undefined);
      await tick(5000);
      assert.equal(bad.calls, 5, 'back to 5 s after a success');
      service.setVisible(false);
      const before = allCalls();
      await tick(120_000);
      assert.equal(allCalls(), before, 'hidden again: no polling');
      service.dispose();
    } finally {
      mock.timers.reset();
    }
  });
});

describe('Dask view: tree', () => {
  it('a token refused for want of a scope is "access refused", not "not signed in"; an unknown adaptive state says so', async () => {
    const { vs } = fakeVs();
    const refused = fakeProvider('gw', async () => {
      throw new PangeoError('Forbidden', 'Your JupyterHub token is valid, but it lacks the scope the Dask Gateway requires (access:services).', 'Signing in again will not help.');
    });
    const unknown = fakeProvider('gw2', async () => [summary('c1', { adaptiveUnknown: 'the scheduler\'s log could not be read' })]);
    const tree = new DaskTreeProvider(vs, new ClusterService({ providers: () => [refused, unknown], logger: silentLogger }));
    const roots = await tree.getChildren();
    const msg = (await tree.getChildren(roots[0]))[0] as DaskTreeNode & { kind: 'message' };
    assert.match(msg.text, /^Access refused: Your JupyterHub token is valid/);
    assert.equal(msg.icon, 'error');
    const item = tree.getTreeItem((await tree.getChildren(roots[1]))[0]!) as unknown as FakeTreeItem;
    assert.equal(item.description, '2 workers · adaptive or fixed: unknown');
  });

  it('shows providers → clusters → workers with actions matching capabilities, and errors as retry items', async () => {
    const { vs } = fakeVs();
    const full = fakeProvider('gw', async () => [summary('c1', { adaptive: { minimum: 1, maximum: 3 } }), summary('c2', { status: 'pending', dashboardUrl: undefined })],
      { create: true, scaleUp: true, scaleDown: true, adapt: true, stop: true, workers: true });
    const readOnly = fakeProvider('sched', async () => [summary('s1', { capabilities: { scaleDown: false } })], { workers: true, scaleDown: true });
    const broken = fakeProvider('broken', async () => {
      throw new UnreachableError('http://gw/');
    });
    const service = new ClusterService({ providers: () => [full, readOnly, broken], logger: silentLogger });
    const tree = new DaskTreeProvider(vs, service);
    const roots = await tree.getChildren();
    assert.deepEqual(roots.map((r) => (r as { providerId: string }).providerId), ['gw', 'sched', 'broken']);
    const clusters = await tree.getChildren(roots[0]);
    const items = clusters.map((n) => tree.getTreeItem(n) as unknown as FakeTreeItem);
    assert.equal(items[0]!.contextValue, 'daskCluster.scale.adapt.stop.dashboard.client');
    // Short enough for the default sidebar width: the name is the label, the count and bounds the description,
    // threads/memory/age in the tooltip.
    assert.equal(items[0]!.label, 'c1');
    assert.deepEqual(decodeResourceId(items[0]!.id), { kind: 'cluster', providerId: 'gw', clusterId: 'c1' }, 'the item id is the cluster\'s resource id');
    assert.equal(items[0]!.description, '2 workers · adaptive 1–3');
    // The tooltip's values are escaped Markdown (src/shared/text/untrustedText.ts): read as shown, backslashes dropped.
    assert.match((items[0]!.tooltip as { value: string }).value.replace(/\\(.)/g, '$1'), /2 workers · 4 threads · 2\.0 GiB · adaptive 1–3/);
    assert.equal(items[1]!.contextValue, 'daskCluster.stop', 'a pending cluster can be stopped but not scaled');
    assert.equal(items[1]!.description, 'starting', 'a pending cluster reads "starting"');
    const sched = (await tree.getChildren(roots[1])).map((n) => tree.getTreeItem(n) as unknown as FakeTreeItem);
    assert.equal(sched[0]!.contextValue, 'daskCluster.dashboard.client', 'read-only scheduler: no scale, no stop');
    const err = (await tree.getChildren(roots[2]))[0] as DaskTreeNode & { kind: 'message' };
    assert.equal(err.kind, 'message');
    assert.match(err.text, /Cannot list clusters: Cannot reach/);
    assert.equal(err.command?.command, 'pangeo.dask.refresh');
    const workers = await tree.getChildren(clusters[0]);
    assert.match((tree.getTreeItem(workers[0]!) as unknown as FakeTreeItem).description!, /2 threads · 512 MiB \/ 1\.0 GiB · CPU 12 %/);
    const providerItem = tree.getTreeItem(roots[0]!) as unknown as FakeTreeItem;
    assert.equal(providerItem.contextValue, 'daskProvider.create.removable');
    assert.equal(providerItem.description, '2 clusters');
    // The cost meter's rates (keyed by the resource ids it gave the clusters) show on running clusters only.
    tree.setRates(new Map([[encodeResourceId({ kind: 'cluster', providerId: 'gw', clusterId: 'c1' }), 0.288], [encodeResourceId({ kind: 'cluster', providerId: 'gw', clusterId: 'c2' }), 1]]));
    assert.match((tree.getTreeItem(clusters[0]!) as unknown as FakeTreeItem).description!, / · \$0\.29\/h$/);
    assert.doesNotMatch((tree.getTreeItem(clusters[1]!) as unknown as FakeTreeItem).description!, /\$/);
  });
});

describe('Dask view: detach and unknown bounds', () => {
  it('a detached scheduler leaves the list without a "stopped" ghost; a vanished one still gets one', async () => {
    const { vs } = fakeVs();
    let listed = [summary('a', { provider: 'scheduler' }), summary('b', { provider: 'scheduler' })];
    const p = fakeProvider('scheduler', async () => listed);
    const service = new ClusterService({ providers: () => [p], logger: silentLogger });
    const tree = new DaskTreeProvider(vs, service);
    await service.refresh();
    listed = [summary('b', { provider: 'scheduler' })];
    service.forget('scheduler', 'a');
    await service.refresh();
    assert.deepEqual(service.snapshot('scheduler')!.clusters!.map((c) => [c.id, c.status]), [['b', 'running']]);
    listed = [];
    await service.refresh();
    assert.deepEqual(service.snapshot('scheduler')!.clusters!.map((c) => [c.id, c.status]), [['b', 'stopped']]);
    const item = tree.getTreeItem({ kind: 'cluster', providerId: 'scheduler', cluster: summary('c', { adaptive: { minimum: null, maximum: null } }) }) as unknown as FakeTreeItem;
    assert.equal(item.description, '2 workers · adaptive (bounds unknown)');
  });
});

describe('Dask view: dialogs', () => {
  it('scale: fixed size validated, adaptive bounds with max ≥ min, shrink-only for read-only schedulers', async () => {
    const caps = { ...NO_CAPABILITIES, scaleUp: true, scaleDown: true, adapt: true };
    let { vs, calls } = fakeVs({ quickPick: [(l: { mode: string }[]) => l[0]], input: ['5'] });
    assert.deepEqual(await askScale(vs, summary('c'), caps), { mode: 'fixed', workers: 5 });
    ({ vs, calls } = fakeVs({ quickPick: [(l: { mode: string }[]) => l[1]], input: ['1', '4'] }));
    assert.deepEqual(await askScale(vs, summary('c'), caps), { mode: 'adaptive', minimum: 1, maximum: 4 });
    ({ vs, calls } = fakeVs({ input: ['3'] }));
    assert.deepEqual(await askScale(vs, summary('c'), { ...NO_CAPABILITIES, scaleDown: true }), { mode: 'fixed', workers: 3 });
    assert.match(calls[0]!, /can only shrink: at most 2.*:3:At most 2\./, 'growing a read-only scheduler is refused by validation');
    ({ vs } = fakeVs({ quickPick: [undefined] }));
    assert.equal(await askScale(vs, summary('c'), caps), undefined, 'Escape cancels');
  });

  it('asks before going above the worker threshold', async () => {
    let { vs, calls } = fakeVs();
    assert.equal(await confirmLargeCluster(vs, 'c', 20, 20), true);
    assert.equal(calls.length, 0);
    ({ vs, calls } = fakeVs({ warning: [undefined] }));
    assert.equal(await confirmLargeCluster(vs, 'c', 21, 20), false);
    assert.match(calls[0]!, /21 workers is above your limit of 20/);
  });

  it('options review: edits a field with validation, then creates with only the changed values', async () => {
    const fields = [
      { field: 'worker_cores', label: 'Cores', default: 1, spec: { type: 'int' as const, min: 1, max: 4 } },
      { field: 'debug', label: 'Debug', default: false, spec: { type: 'bool' as const } },
    ];
    const { vs, calls } = fakeVs({
      quickPick: [(l: { field?: { field: string } }[]) => l.find((i) => i.field?.field === 'worker_cores'), (l: unknown[]) => l[0]],
      input: ['3'],
    });
    assert.deepEqual(await pickClusterOptions(vs, 'New', fields), { worker_cores: 3 });
    assert.ok(calls.some((c) => c.endsWith(':3:valid')));
  });
});
