// The agent tools' text answers: what the user has, a cluster as its dashboard shows it, and a run; hostile names stay
// on their line (no added lines, no hidden characters, cut), and package.json declares exactly the tool table.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterStateText, inventoryText, runResultText, type Inventory } from '../../../src/agents/summaries';
import { AGENT_TOOLS } from '../../../src/agents/agentTools';
import type { ClusterSample } from '../../../src/shared/dashboard/sampleModel';
import { WORKER_FIELD_NAMES, type WorkerRow } from '../../../src/shared/dashboard/workerFields';
import { HOSTILE_SAMPLES, UNSAFE_CHARACTER } from '../../fixtures/hostileText';

const GIB = 1024 ** 3;

function inventory(name: string): Inventory {
  return {
    hubs: [{ id: 'http://hub/', label: name, user: name, servers: [
      { id: 'server:http%3A%2F%2Fhub%2F/', name, state: 'ready', profile: name, kernels: [{ id: 'kernel:a/b/c', name, state: name, notebook: name }] },
      { id: 'server:http%3A%2F%2Fhub%2F/x', name: 'x', state: 'stopped', kernels: [], kernelsError: name },
    ] }],
    notebooks: [{ id: 'notebook:n', label: name, idle: false }],
    providers: [{ label: name, clusters: [{ id: 'cluster:local/c', name, status: 'running', workers: 2, threads: 4, memory: 4 * GIB, adaptive: 'adaptive 1–3' }] }, { label: 'gw', clusters: [], error: name }],
    cost: { totalUsdPerHour: 1.5, todayUsd: 12.25, budget: { limitUsd: 50, spentUsd: 20, period: 'day' }, resources: { 'cluster:local/c': { usdPerHour: 0.75 } }, note: 'estimates' },
  };
}

function row(over: Partial<WorkerRow>): WorkerRow {
  const base = Object.fromEntries(WORKER_FIELD_NAMES.map((f) => [f, typeof ({} as WorkerRow)[f] === 'string' ? '' : 0])) as Record<string, unknown>;
  return { ...base, address: 'tcp://127.0.0.1:1', name: 'w', status: 'running', memoryColor: 'blue', currentWork: '', memoryLimitBytes: GIB, lastSeen: 1_000_000, ...over } as WorkerRow;
}

function sample(over: Partial<ClusterSample> = {}): ClusterSample {
  const workerRows = over.workerRows ?? [row({ name: 'w1', memoryBytes: 0.2 * GIB, executing: 1 }), row({ name: 'w2', address: 'tcp://127.0.0.1:2', memoryBytes: 0.9 * GIB, spilledBytes: 300 * 1024 ** 2 })];
  return {
    time: 1_000_000, schedulerId: 's', workers: workerRows.length, threads: workerRows.length, clients: 1, tasks: { processing: 2, memory: 10, waiting: 5, erred: 1 },
    metricsAvailable: true, memoryUsedBytes: 1.1 * GIB, memoryLimitBytes: 2 * GIB, managedBytes: 0.5 * GIB, spilledBytes: 300 * 1024 ** 2, transferBytes: 0, executing: 1,
    prefixes: { rows: [{ prefix: 'inc', total: 20, waiting: 5, processing: 2, memory: 10, released: 2, erred: 1 }, { prefix: 'sum', total: 1, waiting: 0, processing: 0, memory: 1, released: 0, erred: 0 }] },
    prefixTimes: { rows: [{ prefix: 'inc', computeSeconds: 12.5 }] },
    workerRows, ...over,
  };
}

describe('inventoryText', () => {
  test('lists hubs, servers with profile, kernels, notebooks, clusters with their $/h, and cost today and budget left', () => {
    const text = inventoryText(inventory('alice'));
    assert.equal(text, [
      'Hubs:',
      '- alice (signed in as alice)',
      '  - server alice: ready, profile alice [id server:http%3A%2F%2Fhub%2F/]',
      '    - kernel alice: alice, notebook alice [id kernel:a/b/c]',
      '  - server x: stopped [id server:http%3A%2F%2Fhub%2F/x]',
      '    kernels: could not list them: alice',
      'Open notebooks with a Pangeo kernel:',
      '- alice: busy [id notebook:n]',
      'Dask clusters:',
      '- alice (alice): running, 2 workers, 4 threads, 4.0 GiB memory, adaptive 1–3, ~$0.750/h [id cluster:local/c]',
      '- gw: could not list its clusters: alice',
      'Cost: ~$1.50/h now, $12.25 today; budget $50.00 a day, $30.00 left (estimates).',
    ].join('\n'));
  });

  const costLine = (cost: Inventory['cost']) => inventoryText({ ...inventory('alice'), cost }).split('\n').at(-1);

  test('no budget set is said as such, apart from a budget that is not known', () => {
    assert.equal(costLine({ ...inventory('alice').cost!, budget: 'none' }), 'Cost: ~$1.50/h now, $12.25 today; no budget set (estimates).');
  });

  test('a host that cannot know today\'s spending or the budget (the MCP server) says both are not known here, and why', () => {
    const why = 'This host keeps no record of spending over time.';
    assert.equal(costLine({ totalUsdPerHour: 0.5, resources: {}, note: 'estimates of now', untracked: why }),
      'Cost: ~$0.500/h now; spent today: not known here; budget left: not known here (estimates of now). This host keeps no record of spending over time.');
  });

  test('today\'s spending not known but the budget known: each said as it is', () => {
    assert.equal(costLine({ ...inventory('alice').cost!, todayUsd: undefined }),
      'Cost: ~$1.50/h now; spent today: not known here; budget $50.00 a day, $30.00 left (estimates).');
  });

  for (const sample of HOSTILE_SAMPLES) {
    test(`a hostile name (${sample.name}) stays on its line, with its hidden characters as markers`, () => {
      const text = inventoryText(inventory(sample.text));
      assert.equal(text.split('\n').length, 12, 'no line added or lost');
      assert.doesNotMatch(text, UNSAFE_CHARACTER);
      for (const line of text.split('\n')) assert.ok(line.length < 1400, `a line of ${line.length} characters`);
    });
  }
  test('with nothing added it says where to add a hub, and a cost it cannot know says why', () => {
    const text = inventoryText({ hubs: [], notebooks: [], providers: [], costError: 'meter\nnot ready' });
    assert.equal(text, 'Hubs: none added (add one in the Pangeo Compute view, or give pangeo-compute mcp --url).\nDask clusters: none.\nCost: not known (meter not ready).');
  });
});

describe('clusterStateText', () => {
  test('totals, tasks, progress by prefix, memory per worker fullest first, and what needs attention', () => {
    const text = clusterStateText({ name: 'c1', provider: 'This machine', status: 'running' }, sample());
    assert.equal(text, [
      'Cluster c1 (This machine): running; 2 workers, 2 threads, 1 client.',
      'Memory: 1.10 of 2.00 GiB used (55 %), 0.50 GiB of it Dask data; 300 MiB spilled to disk.',
      'Tasks: processing 2, memory 10, waiting 5, erred 1.',
      'Progress by task prefix (done of total):',
      '- inc: 12 of 20 done, 2 running, 5 waiting, 1 erred',
      '- sum: 1 of 1 done',
      'Memory per worker (used / limit), fullest first:',
      '- w2: 0.90 / 1.00 GiB (90 %), 300 MiB spilled, cpu 0 %, 0 running, 0 ready',
      '- w1: 0.20 / 1.00 GiB (20 %), cpu 0 %, 1 running, 0 ready',
      'Needs attention:',
      '- worker w2 uses 90 % of its memory limit (Dask pauses a worker at 80 %)',
      '- worker w2 has spilled 300 MiB to disk',
      '- 1 task erred',
      '- most compute time: inc 12.5 s',
    ].join('\n'));
  });

  test('a quiet cluster says nothing looks wrong; a scheduler without prefix metrics says why; many workers are cut', () => {
    const rows = Array.from({ length: 25 }, (_, i) => row({ name: `w${i}`, address: `tcp://h:${i}`, memoryBytes: 0.1 * GIB }));
    const text = clusterStateText({ name: 'c', provider: 'p', status: 'running' },
      sample({ workerRows: rows, tasks: {}, prefixes: { rows: [], missing: 'the scheduler serves no /metrics' }, prefixTimes: { rows: [] } }));
    assert.match(text, /^Progress by task prefix: not available \(the scheduler serves no \/metrics\)\.$/m);
    assert.match(text, /^- and 5 more workers$/m);
    assert.match(text, /^Nothing looks slow, spilling or near its memory limit\.$/m);
    assert.match(text, /^Tasks: none\.$/m);
  });

  test('a silent worker and a worker that is not running are named', () => {
    const text = clusterStateText({ name: 'c', provider: 'p', status: 'running' },
      sample({ workerRows: [row({ name: 'gone', lastSeen: 1_000_000 - 45_000 }), row({ name: 'paused', status: 'paused', address: 'tcp://h:2' })], tasks: { waiting: 4 }, executing: 0 }));
    assert.match(text, /^- worker gone last answered 45 s ago$/m);
    assert.match(text, /^- worker paused is paused$/m);
    assert.match(text, /^- 4 tasks wait but no worker runs anything$/m);
  });

  for (const s of HOSTILE_SAMPLES) {
    test(`hostile worker and prefix names (${s.name}) stay on their line`, () => {
      const plain = clusterStateText({ name: 'c', provider: 'p', status: 'running' }, sample()).split('\n').length;
      const text = clusterStateText({ name: s.text, provider: s.text, status: 'running' }, sample({
        workerRows: [row({ name: s.text, memoryBytes: 0.2 * GIB, executing: 1 }), row({ name: s.text, address: 'tcp://127.0.0.1:2', memoryBytes: 0.9 * GIB, spilledBytes: 300 * 1024 ** 2 })],
        prefixes: { rows: [{ prefix: s.text, total: 20, waiting: 5, processing: 2, memory: 10, released: 2, erred: 1 }, { prefix: 'sum', total: 1, waiting: 0, processing: 0, memory: 1, released: 0, erred: 0 }] },
        prefixTimes: { rows: [{ prefix: s.text, computeSeconds: 12.5 }] },
      }));
      assert.equal(text.split('\n').length, plain);
      assert.doesNotMatch(text, UNSAFE_CHARACTER);
    });
  }
});

describe('runResultText', () => {
  test('ok, an error with its name and message, and output kept as lines with hidden characters as markers', () => {
    assert.equal(runResultText('k', { status: 'ok', text: 'a\nb\n' }), 'Ran in k: ok.\nOutput:\na\nb\n');
    assert.equal(runResultText('k', { status: 'error', text: '', error: { ename: 'ValueError', evalue: 'bad\nvalue' } }),
      'Ran in k: the code raised ValueError: bad value\nOutput:\n(no output)');
    assert.equal(runResultText('k', { status: 'ok', text: 'x\u202Ey\u001b]52;c;Zm9v\u0007' }), 'Ran in k: ok.\nOutput:\nx⟨U+202E⟩y⟨U+001B⟩]52;c;Zm9v⟨U+0007⟩');
  });
});

describe('package.json', () => {
  test('contributes exactly the tool table (names, titles, descriptions, input schemas) and activates on each tool', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
      activationEvents: string[]; contributes: { languageModelTools: Array<{ name: string; displayName: string; modelDescription: string; inputSchema: unknown }> };
    };
    const declared = manifest.contributes.languageModelTools;
    assert.deepEqual(declared.map((t) => t.name), AGENT_TOOLS.map((t) => t.name));
    for (const spec of AGENT_TOOLS) {
      const t = declared.find((d) => d.name === spec.name)!;
      assert.equal(t.displayName, spec.title);
      assert.equal(t.modelDescription, spec.description);
      assert.deepEqual(t.inputSchema, spec.inputSchema);
      assert.ok(manifest.activationEvents.includes(`onLanguageModelTool:${spec.name}`), spec.name);
    }
  });
});
