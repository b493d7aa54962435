// Entry point of the `pangeo-compute` CLI: wires process I/O to the command groups.
import { runCli } from './cli/main';
import { commandGroups } from './cli/groups';
import { redact } from './core/http/redact';
import { stripTerminalControls } from './shared/text/controlCharacters';
import { processStdinLines } from './cli/processStdinLines';

// Libraries log to console (e.g. @jupyterlab/services' "Starting WebSocket"): keep stdout for results only.
const verbose = process.argv.includes('--verbose') || process.argv.includes('-v');
for (const method of ['log', 'info', 'debug'] as const) {
  console[method] = (...args: unknown[]) => {
    if (verbose) process.stderr.write(`[lib] ${stripTerminalControls(redact(args.map(String).join(' ')))}\n`);
  };
}

const controller = new AbortController();
process.on('SIGINT', () => controller.abort());

// Not awaited: CommonJS has no top-level await; runCli turns every failure into an exit code.
void runCli(process.argv.slice(2), commandGroups, {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stdoutBytes: (b) => process.stdout.write(b),
  stdoutIsTerminal: process.stdout.isTTY === true,
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  stdinLines: () => processStdinLines(process.stdin, process.stderr),
  env: process.env,
  protocolStreams: () => ({ input: process.stdin, output: process.stdout }),
}, controller.signal).then((code) => {
  process.exitCode = code;
});
