// `pangeo-compute kernel run --detach`, `kernel attach RUN` and `kernel runs`: code that runs on after the CLI exits,
// its output kept on the server (src/kernels/detachedRuns.ts says where and why) and replayed from the start by attach.
import { Command, CommandContext, describeError, EXIT, optionalString, UsageError } from './command';
import { HUB_OPTIONS, readyServerClient } from './hubSession';
import { PangeoError } from '../core/http/errors';
import { ContentsClient } from '../files/contentsClient';
import type { JupyterServerClient } from '../jupyterServer/jupyterServerClient';
import { DEFAULT_RUN_LIMITS } from '../kernels/detachedRunWrapper';
import type { RunOutput, RunStatus } from '../kernels/detachedRunLog';
import { DetachedRunReader, FOLLOW_OUTAGE_MS, followRun, listRuns, RUNS_FOLDER, type RunView, shutdownRunKernel, startDetachedRun } from '../kernels/detachedRuns';

const SERVER_OPTIONS = { ...HUB_OPTIONS, server: { type: 'string' as const } };

/** Exit code of Ctrl-C while following: the run itself goes on. */
const EXIT_INTERRUPTED = 130;

/** `attach` of an id this server has no run for: exit 1 with what to do, not a usage error (the id was well formed input). */
export class UnknownRunError extends PangeoError {
  constructor(id: string, where: string, listCommand: string) {
    super('NotFound', `No run "${id}" on the server ${where}.`,
      `\`${listCommand}\` lists the runs there (ids look like 20261207-014502-a1b2c3; runs are kept ${DEFAULT_RUN_LIMITS.keepDays} days).`, { url: where });
  }
}

function listCommand(ctx: CommandContext): string {
  const server = optionalString(ctx, 'server');
  return `pangeo-compute kernel runs --url ${optionalString(ctx, 'url') ?? 'URL'}${server ? ` --server ${server}` : ''}`;
}

/** `kernel run --detach`: starts the run and prints its id as the last line of stdout. */
export async function runDetached(ctx: CommandContext, code: string): Promise<number> {
  const jupyter = await readyServerClient(ctx);
  const specs = await jupyter.getKernelSpecs(ctx.signal);
  const kernelName = optionalString(ctx, 'kernel') ?? specs.default;
  const spec = specs.specs.find((s) => s.name === kernelName);
  if (!spec) throw new UsageError(`No kernel "${kernelName}" on this server; it has: ${specs.specs.map((s) => s.name).join(', ')}.`);
  // The wrapper that keeps the run's log is Python.
  if (spec.language && spec.language.toLowerCase() !== 'python') throw new UsageError(`--detach needs a Python kernel; "${kernelName}" runs ${spec.language}.`);
  const run = await startDetachedRun(jupyter, new ContentsClient(jupyter), { kernelName, code, signal: ctx.signal });
  const attach = `pangeo-compute kernel attach --url ${optionalString(ctx, 'url')}${optionalString(ctx, 'server') ? ` --server ${optionalString(ctx, 'server')}` : ''} ${run.id}`;
  if (!ctx.json) ctx.note(`Started run ${run.id} on kernel ${run.kernelId}; it goes on after this command. Follow it with: ${attach}`);
  ctx.print(run.id, { id: run.id, kernel_id: run.kernelId, folder: `${RUNS_FOLDER}/${run.id}`, attach });
  return EXIT.ok;
}

const attach: Command = {
  summary: 'Print everything a detached run printed from its start, then follow it until it ends; exit 1 if it raised',
  usage: '--url URL [--server NAME] RUN',
  options: SERVER_OPTIONS,
  async run(ctx) {
    const id = ctx.positionals[0];
    if (!id) throw new UsageError('Name the run: kernel attach RUN (`kernel run --detach` printed it; `kernel runs` lists them).');
    const jupyter = await readyServerClient(ctx);
    const reader = new DetachedRunReader(new ContentsClient(jupyter), id);
    const first = await reader.status(ctx.signal);
    if (!first) throw new UnknownRunError(id, jupyter.serverUrl, listCommand(ctx));
    const onOutput = (out: RunOutput) => {
      if (ctx.json) ctx.printJsonLine('stdout', { stream: out.stream, text: out.text });
      else if (out.stream === 'result') ctx.io.stdout(out.text);
      else ctx.writeProgramOutput(out.stream, out.text);
    };
    let end: { view: RunView; status: RunStatus };
    try {
      end = await followRun(jupyter, reader, first, {
        onOutput,
        signal: ctx.signal,
        onOutage: (e) => ctx.note(e
          ? `warning: the server does not answer (${describeError(e)}); trying again for up to ${FOLLOW_OUTAGE_MS / 60_000} min. The run goes on there.`
          : 'The server answers again: following on from where it stopped.'),
      });
    } catch (e) {
      if (!ctx.signal.aborted) throw e;
      ctx.note(`Stopped following run ${id}; it goes on on the server: attach again to see the rest.`);
      return EXIT_INTERRUPTED;
    }
    return finish(ctx, jupyter, reader, end);
  },
};

async function finish(ctx: CommandContext, jupyter: JupyterServerClient, reader: DetachedRunReader, end: { view: RunView; status: RunStatus }): Promise<number> {
  const { view, status } = end;
  if (reader.damaged) ctx.note(`warning: ${reader.damaged} line(s) of the run's log were not output records and were skipped.`);
  if (status.droppedBytes) {
    ctx.note(`warning: ${status.droppedBytes} bytes of output after the first ${DEFAULT_RUN_LIMITS.maxBytes / 1024 / 1024} MB were not kept (the log's cap).`);
  }
  if (view === 'lost') {
    ctx.note(`The run's kernel is gone or no longer runs it (shut down, culled, restarted, or the server restarted): its output ends here. ` +
      `The run last wrote its status at ${status.updated ?? status.started} (it does at least every 60 s).`);
  } else if (view === 'interrupted') {
    ctx.note('The run was interrupted: its kernel was interrupted or shut down.');
  }
  // Its output is all in the log now: the kernel would only hold memory.
  await shutdownRunKernel(jupyter, view, status, ctx.signal);
  if (ctx.json) ctx.printJsonLine('stdout', { state: view, started: status.started, ended: status.ended ?? null, error: status.error ?? null });
  return view === 'ok' ? EXIT.ok : EXIT.failure;
}

const runs: Command = {
  summary: 'List the detached runs of a server: state, start, last output (oldest first)',
  usage: '--url URL [--server NAME]',
  options: SERVER_OPTIONS,
  async run(ctx) {
    const jupyter = await readyServerClient(ctx);
    const listed = await listRuns(jupyter, new ContentsClient(jupyter), ctx.signal);
    const rows = listed.map((r) => [r.id, r.view, (r.status?.started ?? '').slice(0, 19).replace('T', ' '), oneLine(r.status?.lastOutput ?? r.problem ?? '', 60)]);
    const human = listed.length
      ? [['ID', 'STATE', 'STARTED (UTC)', 'LAST OUTPUT'], ...rows].map((c) => `${c[0]!.padEnd(22)}  ${c[1]!.padEnd(11)}  ${c[2]!.padEnd(19)}  ${c[3]}`).join('\n')
      : `No detached runs on this server (they are kept in ${RUNS_FOLDER}/ for ${DEFAULT_RUN_LIMITS.keepDays} days).`;
    ctx.print(human, listed.map((r) => ({
      id: r.id, state: r.view, started: r.status?.started ?? null, ended: r.status?.ended ?? null, code: r.status?.code ?? null,
      last_output: r.status?.lastOutput ?? null, error: r.status?.error ?? null, kernel_id: r.status?.kernelId ?? null, problem: r.problem ?? null,
    })));
  },
};

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export const runCommands: Record<string, Command> = { attach, runs };
