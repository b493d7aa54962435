// Entry point of the `pangeo-compute` CLI: wires process I/O to the command groups.
import { runCli } from './cli/main';
import { commandGroups } from './cli/groups';

const controller = new AbortController();
process.on('SIGINT', () => controller.abort());

runCli(process.argv.slice(2), commandGroups, {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  env: process.env,
}, controller.signal).then((code) => {
  process.exitCode = code;
});
