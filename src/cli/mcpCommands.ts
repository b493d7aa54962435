// `pangeo-compute mcp`: the agent tools (src/agents) as a Model Context Protocol server on stdio, built on the official
// SDK. stdout carries the protocol and nothing else (notes and logs go to stderr). Tools that run code, spend money or
// stop work are refused unless the user started the server with the flag that allows them.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { Command, CommandContext, CommandGroup, describeError, optionalString, UsageError } from './command';
import { hubFromContext, listServersOf, tokenUser } from './hubSession';
import { insideHubFor } from './insideHubCli';
import { providerFromContext } from './daskContext';
import { cliCompute } from './mcpCompute';
import { AGENT_TOOLS, type AgentToolSpec, type ToolGate } from '../agents/agentTools';
import { AgentToolCore } from '../agents/agentToolCore';
import type { AgentHub } from '../agents/agentCompute';
import { hubLabel } from '../hubs/hubUrl';
import type { ClusterProvider } from '../dask/clusterProvider';

/** Each gate's flag, and what it lets agents do (for --help and refusals). */
export const GATE_FLAGS: Record<ToolGate, { flag: string; allows: string }> = {
  run: { flag: 'allow-run', allows: 'run code in kernels' },
  spend: { flag: 'allow-spend', allows: 'start servers and add workers (spends money)' },
  stop: { flag: 'allow-stop', allows: 'stop servers and remove workers (ends work)' },
};

const VERSION = '0.1.0';

/** The MCP server over the given core; `allowed` gates its calls. Exported for tests over an in-memory transport. */
export function agentMcpServer(core: AgentToolCore, allowed: ReadonlySet<ToolGate>, logNote: (line: string) => void): Server {
  const server = new Server({ name: 'pangeo-compute', version: VERSION }, {
    capabilities: { tools: {} },
    instructions: 'Pangeo Compute: the user\'s JupyterHub servers, kernels and Dask clusters. Call pangeo_list_compute first: the other tools take the ids it prints.',
  });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: AGENT_TOOLS.map((spec) => toolEntry(spec, allowed)) }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name, arguments: args } = request.params;
    try {
      const spec = AGENT_TOOLS.find((t) => t.name === name);
      if (spec && spec.gates.length) {
        // Refused before anything is read when no gate of the tool is open; else the gate this call needs (scaling
        // down stops work, scaling up spends) is read first.
        const open = spec.gates.filter((g) => allowed.has(g));
        if (!open.length) return refusal(name, spec.gates[0]);
        const gate = (await core.confirmation(name, args ?? {}, extra.signal))?.gate;
        if (gate && !allowed.has(gate)) return refusal(name, gate);
      }
      return { content: [{ type: 'text', text: await core.invoke(name, args ?? {}, extra.signal) }] };
    } catch (e) {
      const message = describeError(e);
      logNote(`${name}: ${message}`);
      return { content: [{ type: 'text', text: `Error: ${message}` }], isError: true };
    }
  });
  return server;
}

function toolEntry(spec: AgentToolSpec, allowed: ReadonlySet<ToolGate>): Tool {
  const off = spec.gates.filter((g) => !allowed.has(g)).map((g) => `--${GATE_FLAGS[g].flag}`);
  return {
    name: spec.name,
    title: spec.title,
    description: off.length ? `${spec.description} Off in this server unless it was started with ${off.join(' / ')}.` : spec.description,
    inputSchema: { ...spec.inputSchema },
    annotations: {
      title: spec.title,
      readOnlyHint: spec.gates.length === 0,
      destructiveHint: spec.gates.includes('stop'),
      openWorldHint: true,
    },
  };
}

function refusal(name: string, gate: ToolGate): CallToolResult {
  const { flag, allows } = GATE_FLAGS[gate];
  return {
    isError: true,
    content: [{ type: 'text', text: `Refused: ${name} would ${allows}, and this MCP server was started without --${flag}. Nothing was done. ` +
      `The user can allow it by starting \`pangeo-compute mcp --${flag}\`.` }],
  };
}

/** The hub of --url (or, inside a hub server, that hub), signed in with JUPYTERHUB_API_TOKEN; none without either. */
async function hubsFromContext(ctx: CommandContext): Promise<AgentHub[]> {
  if (!optionalString(ctx, 'url') && !insideHubFor(ctx)) return [];
  if (optionalString(ctx, 'url') && !ctx.io.env.JUPYTERHUB_API_TOKEN?.trim()) {
    throw new UsageError('No token: set JUPYTERHUB_API_TOKEN in the MCP server\'s environment (the "env" of its entry in the MCP client\'s configuration). Tokens are never taken from argv, and stdin carries the protocol.');
  }
  const client = await hubFromContext(ctx);
  const user = await tokenUser(client, ctx);
  // Inside a hub server, as `hub servers` reads them: this server is known ready even without read:servers.
  return [{ id: client.base, label: hubLabel(client.base), user: user.name, client, servers: () => listServersOf(ctx, client, user.name) }];
}

/** This machine's local clusters always; a Dask Gateway with --gateway (its hub's token when it is the hub's service). */
function providersFromContext(ctx: CommandContext, hubUrl: string | undefined): ClusterProvider[] {
  const base = { dask: ctx.values.dask, timeout: ctx.values.timeout };
  const providers = [providerFromContext({ ...ctx, values: { ...base, provider: 'local' } })];
  const gateway = optionalString(ctx, 'gateway');
  if (gateway) providers.push(providerFromContext({ ...ctx, values: { ...base, provider: 'gateway', url: gateway, hub: hubUrl } }));
  return providers;
}

const serve: Command = {
  summary: 'Serve the agent tools over the Model Context Protocol on stdio. Off unless allowed: --allow-run (run code in kernels), ' +
    '--allow-spend (start servers, add workers), --allow-stop (stop servers, remove workers). Token from JUPYTERHUB_API_TOKEN',
  usage: '[--url HUB_URL] [--gateway GATEWAY_URL] [--allow-run] [--allow-spend] [--allow-stop] [--timeout SECONDS]',
  options: {
    url: { type: 'string' }, gateway: { type: 'string' }, timeout: { type: 'string' }, dask: { type: 'string' },
    'allow-run': { type: 'boolean' }, 'allow-spend': { type: 'boolean' }, 'allow-stop': { type: 'boolean' },
  },
  async run(ctx) {
    if (ctx.json) throw new UsageError('mcp speaks JSON-RPC on stdout already: --json does not apply.');
    const streams = ctx.io.protocolStreams?.();
    if (!streams) throw new UsageError('mcp needs the process\'s stdin and stdout.');
    const hubs = await hubsFromContext(ctx);
    const providers = providersFromContext(ctx, hubs[0]?.id);
    const allowed = new Set((Object.keys(GATE_FLAGS) as ToolGate[]).filter((g) => ctx.values[GATE_FLAGS[g].flag] === true));
    const core = new AgentToolCore(cliCompute(hubs, providers, ctx.io.env));
    const server = agentMcpServer(core, allowed, (line) => ctx.note(line));
    const closed = new Promise<void>((resolve) => {
      server.onclose = () => resolve();
    });
    ctx.signal.addEventListener('abort', () => void server.close(), { once: true });
    await server.connect(new StdioServerTransport(streams.input, streams.output));
    ctx.note(`pangeo-compute mcp: serving ${AGENT_TOOLS.length} tools on stdio (${hubs.map((h) => `${h.label} as ${h.user ?? '?'}`).join(', ') || 'no hub'}; ` +
      `allowed: ${[...allowed].map((g) => `--${GATE_FLAGS[g].flag}`).join(' ') || 'read-only tools'})`);
    // The input's end (the client went away) closes the transport.
    streams.input.once('end', () => void server.close());
    await closed;
    for (const p of providers) p.dispose?.();
  },
};

export const mcpCommands: CommandGroup = {
  name: 'mcp',
  summary: 'Serve the agent tools (list compute, cluster state, run code, scale, start/stop servers) over MCP on stdio',
  commands: { serve },
  defaultCommand: 'serve',
};
