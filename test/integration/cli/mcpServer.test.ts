// `pangeo-compute mcp` (the built bundle) driven by the MCP SDK's own Client over stdio against a real JupyterHub with
// Debian's jupyter_server + ipykernel: the tools are listed, "list what I have" shows the server and its kernels,
// "run code" runs with --allow-run and is refused without it (nothing run), a busy kernel and a server that does not
// exist get clear answers with nothing done, and stdout carries nothing but the protocol.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { until } from '../../support/waitUntil';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startTestHub, TestHub } from '../../support/jupyterhub';
import { HubClient } from '../../../src/hubs/hubClient';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { encodeResourceId } from '../../../src/shared/resourceIds';
import { AGENT_TOOLS } from '../../../src/agents/agentTools';

const ROOT = join(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli.js');
const USER = 'erin';

async function mcpClient(args: string[], env: Record<string, string>): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', ...args], env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: 'pangeo-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

const textOf = (r: unknown): string => ((r as CallToolResult).content[0] as { text: string }).text;

describe('pangeo-compute mcp against a real JupyterHub', { timeout: 300_000 }, () => {
  let hub: TestHub;
  let env: Record<string, string>;
  let state: string;
  let token: string;
  let serverUrl: string;
  before(async () => {
    execFileSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT });
    hub = await startTestHub({ users: [USER] });
    token = (await new HubClient(hub.url).createTokenWithPassword(USER, hub.password, { note: 'mcp test', expiresInSeconds: 3600 })).token;
    state = mkdtempSync(join(tmpdir(), 'pangeo-mcp-'));
    env = { PATH: process.env.PATH ?? '', JUPYTERHUB_API_TOKEN: token, XDG_STATE_HOME: state };
    serverUrl = (await new HubClient(hub.url, { token }).startAndWait(USER, '', {}, { timeoutMs: 90_000 })).url!;
  });
  after(async () => {
    await hub?.stop();
    if (state) rmSync(state, { recursive: true, force: true });
  });

  const serverId = () => encodeResourceId({ kind: 'server', hubId: hub.url, serverName: '' });

  test('lists the six tools with their schemas; "list what I have" names the hub, the ready server and its kernel', async () => {
    const jupyter = new JupyterServerClient(serverUrl, new HubClient(hub.url, { token }).http);
    const kernel = await jupyter.startKernel('python3');
    const { client } = await mcpClient(['--url', hub.url, '--allow-run'], env);
    try {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name), AGENT_TOOLS.map((t) => t.name));
      assert.deepEqual(tools.find((t) => t.name === 'pangeo_run_code')?.inputSchema.required, ['kernel', 'code']);
      // Spending and stopping were not allowed: their tools say so.
      assert.match(tools.find((t) => t.name === 'pangeo_start_server')!.description!, /--allow-spend/);
      assert.doesNotMatch(tools.find((t) => t.name === 'pangeo_run_code')!.description!, /Off in this server/);
      const listed = await client.callTool({ name: 'pangeo_list_compute', arguments: {} });
      const text = textOf(listed);
      assert.equal(listed.isError, undefined, text);
      assert.match(text, new RegExp(`signed in as ${USER}`));
      assert.ok(text.includes(`server (default): ready`) && text.includes(`[id ${serverId()}]`), text);
      assert.ok(text.includes(`[id ${encodeResourceId({ kind: 'kernel', hubId: hub.url, serverName: '', kernelId: kernel.id })}]`), text);
      // Headless, it knows the rate now only, and says that today's spending and the budget are not known here.
      assert.match(text, /^Cost: ~\$0\.000\/h now; spent today: not known here; budget left: not known here \(.+\)\. This MCP server runs without the editor/m);
    } finally {
      await client.close();
      await jupyter.shutdownKernel(kernel.id);
    }
  });

  test('run code with --allow-run: in a new kernel on the server, and in an existing kernel; a busy kernel gets nothing', async () => {
    const jupyter = new JupyterServerClient(serverUrl, new HubClient(hub.url, { token }).http);
    const { client, stderr } = await mcpClient(['--url', hub.url, '--allow-run'], env);
    const kernel = await jupyter.startKernel('python3');
    const session = await jupyter.connect(kernel);
    try {
      const before = (await jupyter.listKernels()).length;
      const fresh = await client.callTool({ name: 'pangeo_run_code', arguments: { kernel: serverId(), code: 'import os\nprint(os.environ["JUPYTERHUB_USER"])\n6*7' } });
      assert.equal(fresh.isError, undefined, textOf(fresh));
      assert.match(textOf(fresh), /: ok\.\nOutput:\nerin\n42\n/);
      assert.equal((await jupyter.listKernels()).length, before, 'the new kernel was shut down after the run');

      const kernelId = encodeResourceId({ kind: 'kernel', hubId: hub.url, serverName: '', kernelId: kernel.id });
      const set = await client.callTool({ name: 'pangeo_run_code', arguments: { kernel: kernelId, code: 'x = 5\nprint("set")' } });
      assert.match(textOf(set), /ok\.\nOutput:\nset/);
      const raised = await client.callTool({ name: 'pangeo_run_code', arguments: { kernel: kernelId, code: 'print(x)\n1/0' } });
      assert.match(textOf(raised), /the code raised ZeroDivisionError: division by zero\nOutput:\n5\n/);

      // The kernel runs a long cell of someone else's: the call is refused and the kernel never sees the code. The
      // cell runs until the test lets it end (a fixed sleep had to outlast the tool's 5 s probe on a loaded machine).
      const release = join(hub.dir, 'home', USER, `release-${Date.now()}`);
      const started = `${release}-started`;
      const long = session.execute(`import os, time\nopen(${JSON.stringify(started)}, "w").close()\nwhile not os.path.exists(${JSON.stringify(release)}): time.sleep(0.1)\nmarker = "long done"`);
      await until('the long cell to start', () => existsSync(started), 30_000);
      const busy = await client.callTool({ name: 'pangeo_run_code', arguments: { kernel: kernelId, code: 'marker = "agent ran"' } });
      writeFileSync(release, '');
      assert.equal(busy.isError, true);
      assert.match(textOf(busy), /is busy: nothing was run/);
      await long;
      const after = await session.execute('print(marker)');
      assert.equal((after.outputs[0] as { text: string }).text, 'long done\n');
      assert.match(stderr(), /serving 6 tools on stdio/);
    } finally {
      session.dispose();
      await client.close();
      await jupyter.shutdownKernel(kernel.id);
    }
  });

  test('without --allow-run the code is not run; a server that does not exist is not created; bad input is named', async () => {
    const marker = join(hub.dir, 'home', USER, 'agent-was-here');
    const { client } = await mcpClient(['--url', hub.url], env);
    try {
      const refused = await client.callTool({ name: 'pangeo_run_code', arguments: { kernel: serverId(), code: `open(${JSON.stringify(marker)}, "w").write("x")` } });
      assert.equal(refused.isError, true);
      assert.match(textOf(refused), /^Refused: pangeo_run_code would run code in kernels, and this MCP server was started without --allow-run\. Nothing was done\./);
      assert.equal(existsSync(marker), false);
      const start = await client.callTool({ name: 'pangeo_start_server', arguments: { server: serverId() } });
      assert.match(textOf(start), /without --allow-spend/);
      const stop = await client.callTool({ name: 'pangeo_stop_server', arguments: { server: serverId() } });
      assert.match(textOf(stop), /without --allow-stop/);
      assert.equal((await new HubClient(hub.url, { token }).getServer(USER, '')).state, 'ready', 'the server still runs');

      const bad = await client.callTool({ name: 'pangeo_cluster_state', arguments: {} });
      assert.equal(bad.isError, true);
      assert.match(textOf(bad), /pangeo_cluster_state: input must have required property 'cluster'\./);
      const noCluster = await client.callTool({ name: 'pangeo_cluster_state', arguments: { cluster: 'no-such-cluster' } });
      assert.match(textOf(noCluster), /No cluster is named no-such-cluster\. Call pangeo_list_compute/);
    } finally {
      await client.close();
    }
    // Allowed to spend, a server name the hub does not know is refused, not created.
    const { client: spender } = await mcpClient(['--url', hub.url, '--allow-spend'], env);
    try {
      const ghost = encodeResourceId({ kind: 'server', hubId: hub.url, serverName: 'ghost' });
      const r = await spender.callTool({ name: 'pangeo_start_server', arguments: { server: ghost } });
      assert.equal(r.isError, true);
      assert.match(textOf(r), /No server ghost of erin on .*Call pangeo_list_compute/);
      const servers = await new HubClient(hub.url, { token }).listServers(USER);
      assert.deepEqual(servers.map((s) => s.name), [''], 'no server "ghost" was made');
    } finally {
      await spender.close();
    }
  });

  test('a local cluster: its state as text; scaling up with --allow-spend, scaling down refused without --allow-stop', async () => {
    const daskEnv = { ...process.env, ...env } as Record<string, string>;
    const name = `mcp-${Date.now().toString(36)}`;
    const created = spawnSync(process.execPath, [CLI, 'dask', 'create', '--option', 'workers=1', '--option', `name=${name}`, '--option', 'memory_limit=512MB'], { env: daskEnv, encoding: 'utf8', timeout: 90_000 });
    assert.equal(created.status, 0, created.stderr);
    const { client } = await mcpClient(['--url', hub.url, '--allow-spend'], daskEnv);
    try {
      const state = textOf(await client.callTool({ name: 'pangeo_cluster_state', arguments: { cluster: name } }));
      assert.match(state, new RegExp(`^Cluster ${name} \\(This machine\\): running; 1 worker, 1 threads`), state);
      assert.match(state, /^Memory per worker \(used \/ limit\), fullest first:$/m);
      const up = await client.callTool({ name: 'pangeo_scale_cluster', arguments: { cluster: name, workers: 2 } });
      assert.match(textOf(up), new RegExp(`^Asked ${name} \\(This machine\\) for 2 workers`));
      const down = await client.callTool({ name: 'pangeo_scale_cluster', arguments: { cluster: name, workers: 0 } });
      assert.equal(down.isError, true);
      assert.match(textOf(down), /would stop servers and remove workers \(ends work\), and this MCP server was started without --allow-stop\. Nothing was done\./);
      const listed = textOf(await client.callTool({ name: 'pangeo_list_compute', arguments: {} }));
      assert.match(listed, new RegExp(`^- ${name} \\(This machine\\): running, 2 workers`, 'm'), 'still two workers');
    } finally {
      await client.close();
      spawnSync(process.execPath, [CLI, 'dask', 'stop', name], { env: daskEnv, timeout: 60_000 });
    }
  });

  test('without a token in its environment it says where to put one, exit 2, nothing on stdout', () => {
    const r = spawnSync(process.execPath, [CLI, 'mcp', '--url', hub.url], { env: { PATH: env.PATH, XDG_STATE_HOME: state }, input: '', encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /No token: set JUPYTERHUB_API_TOKEN in the MCP server's environment/);
  });

  test('the MCP SDK is bundled into dist/cli.js only, never into dist/extension.js', () => {
    // The development build (before()) names each bundled file in a comment.
    assert.match(readFileSync(CLI, 'utf8'), /node_modules\/@modelcontextprotocol\/sdk\/dist\/(esm|cjs)\/server\/stdio\.js/);
    assert.doesNotMatch(readFileSync(join(ROOT, 'dist/extension.js'), 'utf8'), /@modelcontextprotocol|node_modules\/zod\//);
  });

  test('stdout carries only JSON-RPC, and the server ends when its input closes', async () => {
    const child = spawn(process.execPath, [CLI, 'mcp', '--url', hub.url], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const send = (m: object) => child.stdin.write(`${JSON.stringify(m)}\n`);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'pangeo_list_compute', arguments: {} } });
    for (let i = 0; i < 100 && stdout.split('\n').filter(Boolean).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    child.stdin.end();
    assert.equal(await exited, 0);
    const lines = stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 2, stdout);
    for (const line of lines) assert.equal((JSON.parse(line) as { jsonrpc: string }).jsonrpc, '2.0');
    assert.doesNotMatch(stdout, new RegExp(token), 'the token never appears');
  });
});
