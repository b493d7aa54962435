// THE agent tools, declared once: name, what it does, its input's JSON Schema and what it may cost. The editor's
// language-model tools (package.json contributes.languageModelTools, checked against this by a unit test) and the MCP
// server (`pangeo-compute mcp`) both list these; src/agents/agentToolCore.ts runs them. No imports: activation reads it.

/**
 * What a call may do that the user must allow: run code, spend money (start a server, add workers) or stop work
 * (stop a server, remove workers). The editor asks before each such call; the MCP server needs the flag.
 */
export type ToolGate = 'run' | 'spend' | 'stop';

export interface JsonSchemaObject {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
  additionalProperties: false;
}

export interface AgentToolSpec {
  /** package.json's tool name and the MCP tool name. */
  name: string;
  /** Short label (the editor's displayName, MCP's title). */
  title: string;
  /** For the model: what it does, what it returns and which ids it takes. */
  description: string;
  inputSchema: JsonSchemaObject;
  /** Gates a call may pass; empty for read-only tools. `scale` spends or stops, depending on the numbers. */
  gates: readonly ToolGate[];
}

const ID_HELP = 'an id exactly as pangeo_list_compute printed it';

export const AGENT_TOOLS = [
  {
    name: 'pangeo_list_compute',
    title: 'List my compute',
    description:
      'Lists the compute the user has in Pangeo Compute: signed-in JupyterHubs, their servers (state, profile), the kernels on ' +
      'ready servers and in open notebooks (busy or idle), Dask clusters (status, workers, memory) and cost (estimated $/h now; ' +
      '$ today and budget left where they are tracked, else the answer says they are not known). Every item has an id that the ' +
      'other pangeo_ tools take. Read-only.',
    inputSchema: { type: 'object', properties: {}, additionalProperties: false },
    gates: [],
  },
  {
    name: 'pangeo_cluster_state',
    title: 'Read a Dask cluster',
    description:
      "Reads one Dask cluster's state as its dashboard shows it, as a short text: workers, threads and memory, tasks by state, " +
      'progress by task prefix, memory per worker, and what is slow, spilling or near its memory limit. Read-only.',
    inputSchema: {
      type: 'object',
      properties: { cluster: { type: 'string', description: `The cluster: ${ID_HELP} (cluster:…), or its name when only one cluster has it.` } },
      required: ['cluster'],
      additionalProperties: false,
    },
    gates: [],
  },
  {
    name: 'pangeo_run_code',
    title: 'Run code in a kernel',
    description:
      "Runs code in a kernel and returns its text output (stdout, stderr, results' text/plain, the error). The kernel is an " +
      'existing kernel of a hub server (kernel:…), the kernel of an open notebook (notebook:…), or a hub server (server:…), ' +
      'where a new kernel runs the code and is shut down after. A busy kernel is refused: nothing is sent to it. Code runs ' +
      'with the user\'s rights on their server: the user is asked first.',
    inputSchema: {
      type: 'object',
      properties: {
        kernel: { type: 'string', description: `Where to run: ${ID_HELP} (kernel:…, notebook:… or server:…).` },
        code: { type: 'string', description: 'The code, in the kernel\'s language (Python on Pangeo hubs).' },
        timeoutSeconds: { type: 'integer', minimum: 1, maximum: 3600, description: 'Stop waiting after this many seconds (default 120); the code goes on in the kernel.' },
      },
      required: ['kernel', 'code'],
      additionalProperties: false,
    },
    gates: ['run'],
  },
  {
    name: 'pangeo_scale_cluster',
    title: 'Scale a Dask cluster',
    description:
      'Scales a Dask cluster to a fixed number of workers (workers), or makes it adaptive between minimum and maximum ' +
      'workers. More workers cost more; fewer workers end the work they hold. The user is asked first, with the cost per hour where known.',
    inputSchema: {
      type: 'object',
      properties: {
        cluster: { type: 'string', description: `The cluster: ${ID_HELP} (cluster:…), or its name when only one cluster has it.` },
        workers: { type: 'integer', minimum: 0, maximum: 10000, description: 'A fixed number of workers (adaptive scaling off). Give this, or minimum and maximum.' },
        minimum: { type: 'integer', minimum: 0, maximum: 10000, description: 'Adaptive: the fewest workers.' },
        maximum: { type: 'integer', minimum: 0, maximum: 10000, description: 'Adaptive: the most workers.' },
      },
      required: ['cluster'],
      additionalProperties: false,
    },
    gates: ['spend', 'stop'],
  },
  {
    name: 'pangeo_start_server',
    title: 'Start a hub server',
    description:
      'Starts a stopped JupyterHub server with the options it last ran with (its profile) and waits until it is ready. A ' +
      'running server costs money: the user is asked first, with the cost per hour where known.',
    inputSchema: {
      type: 'object',
      properties: { server: { type: 'string', description: `The server: ${ID_HELP} (server:…).` } },
      required: ['server'],
      additionalProperties: false,
    },
    gates: ['spend'],
  },
  {
    name: 'pangeo_stop_server',
    title: 'Stop a hub server',
    description:
      'Stops a running JupyterHub server and waits until it is stopped. Its kernels end, and what they held in memory is ' +
      'lost; its files stay. The user is asked first.',
    inputSchema: {
      type: 'object',
      properties: { server: { type: 'string', description: `The server: ${ID_HELP} (server:…).` } },
      required: ['server'],
      additionalProperties: false,
    },
    gates: ['stop'],
  },
] as const satisfies readonly AgentToolSpec[];

export type AgentToolName = (typeof AGENT_TOOLS)[number]['name'];

export function agentTool(name: string): AgentToolSpec | undefined {
  return AGENT_TOOLS.find((t) => t.name === name);
}
