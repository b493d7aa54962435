// The tool core over a fake compute: bad input and unknown ids are refused before anything is done, a busy notebook
// kernel gets nothing, a cluster that has ended is not scaled, and confirmations name the resource and the $/h; the
// editor's confirmation Markdown shows a hostile name and the code as text.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentToolCore, HOSTS_TOOLS, notebookId, type UnknownResourceError } from '../../../src/agents/agentToolCore';
import type { HubClient } from '../../../src/hubs/hubClient';
import type { HubServer } from '../../../src/hubs/hubModels';
import { encodeResourceId } from '../../../src/shared/resourceIds';
import type { AgentCompute, NotebookKernelHandle } from '../../../src/agents/agentCompute';
import type { ClusterProvider, ClusterSummary } from '../../../src/dask/clusterProvider';
import { confirmationMarkdown } from '../../../src/agents/editor/languageModelTools';
import { COMMAND_LINK } from '../../fixtures/hostileText';
import { registerSecret } from '../../../src/core/http/redact';

function fakeProvider(clusters: ClusterSummary[], calls: string[]): ClusterProvider {
  return {
    kind: 'gateway', id: 'gw', label: 'Gateway', capabilities: {} as ClusterProvider['capabilities'],
    list: async () => clusters,
    get: async (id) => clusters.find((c) => c.id === id)!,
    scale: async (id, n) => void calls.push(`scale ${id} ${n}`),
    adapt: async (id, a, b) => void calls.push(`adapt ${id} ${a} ${b}`),
  } as Partial<ClusterProvider> as ClusterProvider;
}

const cluster = (over: Partial<ClusterSummary> = {}): ClusterSummary => ({ id: 'c1', name: 'big', status: 'running', workers: 4, threads: 8, memory: 0, provider: 'gateway', ...over });

function compute(over: Partial<AgentCompute> = {}): AgentCompute {
  return { hubs: () => [], providers: () => [], notebooks: () => [], cost: async () => undefined, serverRate: async () => undefined, ...over };
}

describe('AgentToolCore', () => {
  test('input is checked against the tool\'s schema, naming each problem; no provider is asked', async () => {
    const calls: string[] = [];
    const core = new AgentToolCore(compute({ providers: () => [fakeProvider([cluster()], calls)] }));
    await assert.rejects(core.invoke('pangeo_scale_cluster', { cluster: 'big', workers: -1, extra: 1 }),
      /pangeo_scale_cluster: input must NOT have additional properties \(extra\); \/workers must be >= 0\./);
    await assert.rejects(core.invoke('pangeo_scale_cluster', { cluster: 'big', workers: 2, minimum: 1, maximum: 3 }), /give workers \(a fixed size\), or minimum and maximum \(adaptive\), not both/);
    await assert.rejects(core.invoke('pangeo_scale_cluster', { cluster: 'big', minimum: 4, maximum: 3 }), /maximum must be at least minimum/);
    await assert.rejects(core.invoke('pangeo_nope', {}), /No tool pangeo_nope/);
    assert.deepEqual(calls, []);
  });

  test('a busy notebook kernel gets nothing; an idle one runs; an unknown notebook is named', async () => {
    const sent: string[] = [];
    const nb = (idle: boolean): NotebookKernelHandle => ({
      uri: 'file:///a.ipynb', label: 'a.ipynb', idle,
      runIfIdle: (code) => (idle ? (sent.push(code), Promise.resolve({ status: 'ok', text: '42\n' })) : undefined),
    });
    let idle = false;
    const core = new AgentToolCore(compute({ notebooks: () => [nb(idle)] }));
    await assert.rejects(core.invoke('pangeo_run_code', { kernel: notebookId('file:///a.ipynb'), code: '6*7' }), /The kernel of notebook a\.ipynb is busy: nothing was run\./);
    assert.deepEqual(sent, []);
    idle = true;
    assert.equal(await core.invoke('pangeo_run_code', { kernel: notebookId('file:///a.ipynb'), code: '6*7' }), 'Ran in the kernel of notebook a.ipynb: ok.\nOutput:\n42\n');
    assert.deepEqual(sent, ['6*7']);
    await assert.rejects(core.invoke('pangeo_run_code', { kernel: notebookId('file:///b.ipynb'), code: '1' }), /No open notebook with a Pangeo kernel is notebook:file%3A%2F%2F%2Fb\.ipynb\.$/);
    await assert.rejects(core.confirmation('pangeo_run_code', { kernel: 'kernel:x', code: '1' }), /"kernel:x" is not a kernel, notebook or server id/);
  });

  test('a secret the extension knows, and token-shaped fields, never leave in an answer', async () => {
    registerSecret('s3cr3t-token-value');
    const nb: NotebookKernelHandle = { uri: 'file:///a.ipynb', label: 'a.ipynb', idle: true,
      runIfIdle: () => Promise.resolve({ status: 'ok', text: 's3cr3t-token-value\nJUPYTERHUB_API_TOKEN=abcdef123456\n' }) };
    const text = await new AgentToolCore(compute({ notebooks: () => [nb] })).invoke('pangeo_run_code', { kernel: notebookId(nb.uri), code: 'x' });
    assert.equal(text, 'Ran in the kernel of notebook a.ipynb: ok.\nOutput:\n[REDACTED]\nJUPYTERHUB_API_TOKEN=[REDACTED]\n');
  });

  test('a stopped cluster is not scaled; an unknown or ambiguous name is refused', async () => {
    const calls: string[] = [];
    const core = new AgentToolCore(compute({ providers: () => [fakeProvider([cluster({ status: 'stopped' }), cluster({ id: 'c2', name: 'twin' }), cluster({ id: 'c3', name: 'twin' })], calls)] }));
    await assert.rejects(core.invoke('pangeo_scale_cluster', { cluster: 'big', workers: 8 }), /Cluster big is stopped: it cannot be scaled\./);
    await assert.rejects(core.invoke('pangeo_scale_cluster', { cluster: 'nope', workers: 8 }), /No cluster is named nope\./);
    await assert.rejects(core.invoke('pangeo_scale_cluster', { cluster: 'twin', workers: 8 }), /2 clusters are named twin\./);
    await assert.rejects(core.invoke('pangeo_scale_cluster', { cluster: 'cluster:gw/c9', workers: 8 }), /No cluster c9 in Gateway \(it may have stopped\)\./);
    assert.deepEqual(calls, []);
  });

  test('an id naming what does not exist (a hub not added, a server not there, a provider gone): named, nothing asked or done', async () => {
    const calls: string[] = [];
    const hubCalls: string[] = [];
    const client = {
      listServers: async () => (hubCalls.push('list'), [{ name: 'gpu', state: 'stopped', userOptions: {} }]),
      stopServer: async () => (hubCalls.push('stop'), 'stopped'), startAndWait: async () => hubCalls.push('start'),
    } as unknown as HubClient;
    const core = new AgentToolCore(compute({
      hubs: () => [{ id: 'http://hub/', label: 'hub', user: 'alice', client }, { id: 'http://out/', label: 'out' }],
      providers: () => [fakeProvider([cluster()], calls)],
    }));
    const id = (kind: 'server' | 'kernel', hubId: string, serverName: string) =>
      encodeResourceId(kind === 'server' ? { kind, hubId, serverName } : { kind, hubId, serverName, kernelId: 'k1' });
    await assert.rejects(core.invoke('pangeo_run_code', { kernel: id('kernel', 'http://nowhere/', ''), code: '1' }), /No hub http:\/\/nowhere\/ is added/);
    await assert.rejects(core.confirmation('pangeo_stop_server', { server: id('server', 'http://nowhere/', '') }), /No hub http:\/\/nowhere\/ is added .*\./);
    await assert.rejects(core.invoke('pangeo_start_server', { server: id('server', 'http://out/', '') }), /Not signed in to out\./);
    for (const tool of ['pangeo_start_server', 'pangeo_stop_server']) {
      await assert.rejects(core.confirmation(tool, { server: id('server', 'http://hub/', 'ghost') }), /No server ghost of alice on hub\./);
      await assert.rejects(core.invoke(tool, { server: id('server', 'http://hub/', 'ghost') }), (e: Error) =>
        /No server ghost of alice on hub\./.test(e.message) && /pangeo_list_compute/.test((e as UnknownResourceError).hint ?? ''));
    }
    await assert.rejects(core.invoke('pangeo_run_code', { kernel: id('kernel', 'http://hub/', 'gpu'), code: '1' }), /Server gpu of hub is stopped, not running: no kernel there\./);
    await assert.rejects(core.invoke('pangeo_scale_cluster', { cluster: encodeResourceId({ kind: 'cluster', providerId: 'gone', clusterId: 'c1' }), workers: 1 }), /No Dask provider gone is added\./);
    await assert.rejects(core.invoke('pangeo_cluster_state', { cluster: encodeResourceId({ kind: 'server', hubId: 'http://hub/', serverName: '' }) }), /is not a cluster id \(cluster:…\)/);
    assert.deepEqual([calls, hubCalls.filter((c) => c !== 'list')], [[], []], 'only reads');
  });

  test('inside a hub server: its servers as the sign-in sees them; stopping the one the tools run on says it ends them', async () => {
    // A server token without read:servers lists nothing; the inside reader knows its own server is ready.
    const client = { listServers: async () => [] } as unknown as HubClient;
    const servers = async () => [{ name: '', state: 'ready', userOptions: {} }, { name: 'gpu', state: 'ready', userOptions: {} }] as HubServer[];
    const core = new AgentToolCore(compute({
      hubs: () => [{ id: 'http://hub/', label: 'hub', user: 'alice', client, servers }],
      hostsTools: (hubId, serverName) => hubId === 'http://hub/' && serverName === '',
    }));
    const here = await core.confirmation('pangeo_stop_server', { server: encodeResourceId({ kind: 'server', hubId: 'http://hub/', serverName: '' }) });
    assert.equal(here?.details[0], HOSTS_TOOLS);
    const other = await core.confirmation('pangeo_stop_server', { server: encodeResourceId({ kind: 'server', hubId: 'http://hub/', serverName: 'gpu' }) });
    assert.ok(other && !other.details.includes(HOSTS_TOOLS), 'another server is just stopped');
  });

  test('scaling asks with the cost per hour from the cost meter: up spends, down stops work', async () => {
    const calls: string[] = [];
    const core = new AgentToolCore(compute({
      providers: () => [fakeProvider([cluster()], calls)],
      cost: async () => ({ totalUsdPerHour: 2, resources: { 'cluster:gw/c1': { usdPerHour: 2 } }, note: '' }),
    }));
    const up = await core.confirmation('pangeo_scale_cluster', { cluster: 'cluster:gw/c1', workers: 10 });
    assert.deepEqual(up, { gate: 'spend', title: 'Scale up a Dask cluster?', resource: 'big (Gateway)',
      details: ['Scale from 4 to 10 workers (adaptive scaling off).', 'Estimated cost: $5.00/h (now $2.00/h).'] });
    const down = await core.confirmation('pangeo_scale_cluster', { cluster: 'big', minimum: 0, maximum: 2 });
    assert.equal(down?.gate, 'stop');
    assert.deepEqual(down?.details.slice(0, 2), ['Make it adaptive between 0 and 2 workers (now 4).', 'Estimated cost: $0.000–$1.00/h (now $2.00/h).']);
    assert.deepEqual(calls, [], 'asking does nothing');
    assert.match(await core.invoke('pangeo_scale_cluster', { cluster: 'big', workers: 10 }), /^Asked big \(Gateway\) for 10 workers; it reports 4 workers/);
    assert.deepEqual(calls, ['scale c1 10']);
  });

  test('the confirmation Markdown shows a hostile resource and the code as text: no link, the fence not closable', () => {
    const md = confirmationMarkdown({ gate: 'run', title: 'Run code in a Pangeo kernel?', resource: COMMAND_LINK, details: ['It costs $1.00/h.'], code: 'print("```")\n[x](command:evil)' }).markdown;
    assert.ok(md.startsWith('\\[Official fix\\]\\(command\\:workbench\\.action\\.openSettings\\)\n\n'), md);
    assert.ok(md.includes('\n\nIt costs \\$1\\.00\\/h\\.\n\n'), md);
    assert.ok(md.endsWith('````python\nprint("```")\n[x](command:evil)\n````'), md);
  });
});
