// `pangeo-compute kernel run`: start a kernel on a ready server, run code, print results, shut the kernel down.
import { Command, CommandGroup, EXIT, optionalString, requireString, UsageError } from './command';
import { HUB_OPTIONS, readyServerClient } from './hubSession';
import { stripAnsi } from '../jupyterServer/kernelOutputs';
import { runCommands, runDetached } from './kernelRuns';
import { stdinAnswers } from './stdinAnswers';

const run: Command = {
  summary: 'Run CODE in a new kernel on a ready server; print text/plain results and streams; input() and getpass() read lines from stdin; exit 1 if it raised (--detach: start it, print its run id, return)',
  usage: '--url URL [--server NAME] [--kernel python3] [--detach] --code CODE',
  options: { ...HUB_OPTIONS, server: { type: 'string' }, kernel: { type: 'string' }, code: { type: 'string' }, detach: { type: 'boolean' } },
  async run(ctx) {
    const code = requireString(ctx, 'code');
    if (ctx.values.detach) return runDetached(ctx, code);
    const jupyter = await readyServerClient(ctx);
    const specs = await jupyter.getKernelSpecs(ctx.signal);
    const kernelName = optionalString(ctx, 'kernel') ?? specs.default;
    if (!specs.specs.some((s) => s.name === kernelName)) {
      throw new UsageError(`No kernel "${kernelName}" on this server; it has: ${specs.specs.map((s) => s.name).join(', ')}.`);
    }
    const kernel = await jupyter.startKernel(kernelName, ctx.signal);
    const texts: string[] = [];
    const input = stdinAnswers(ctx, ctx.values['token-stdin'] ? 'stdin carried the token (--token-stdin)' : undefined);
    try {
      const session = await jupyter.connect(kernel);
      try {
        const result = await session.execute(code, {
          signal: ctx.signal,
          onInput: input.handler,
          onOutput: (out) => {
            if (out.type === 'stream' && !ctx.json) ctx.writeProgramOutput(out.name === 'stderr' ? 'stderr' : 'stdout', out.text);
            if ((out.type === 'execute_result' || out.type === 'display_data') && typeof out.data['text/plain'] === 'string') {
              texts.push(out.data['text/plain']);
              if (!ctx.json) ctx.io.stdout(`${out.data['text/plain']}\n`);
            }
          },
        });
        if (ctx.json) {
          ctx.print('', { status: result.status, execution_count: result.executionCount, text: texts,
            streams: result.outputs.filter((o) => o.type === 'stream'), error: result.error ? { ename: result.error.ename, evalue: result.error.evalue } : null });
        }
        if (result.status !== 'ok') {
          const last = result.error?.traceback.length ? stripAnsi(result.error.traceback[result.error.traceback.length - 1]!) : `${result.error?.ename}: ${result.error?.evalue}`;
          ctx.io.stderr(`${last}\n`);
          return EXIT.failure;
        }
      } finally {
        session.dispose();
      }
    } finally {
      input.close();
      await jupyter.shutdownKernel(kernel.id).catch(() => undefined);
    }
  },
};

export const kernelCommands: CommandGroup = {
  name: 'kernel',
  summary: 'Run code in kernels on hub servers',
  commands: { run, ...runCommands },
};
