// Parses argv, dispatches to a command group and turns every outcome into an exit code.
import { parseArgs } from 'node:util';
import { Command, CommandContext, CommandGroup, CliIO, describeError, EXIT, exitCodeFor, OptionSpec, UsageError } from './command';
import { Logger, redactingLogger, silentLogger } from '../core/log';
import { terminalOutput } from './terminalOutput';

const COMMON: OptionSpec = {
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
};

export async function runCli(argv: string[], groups: CommandGroup[], rawIO: CliIO, signal: AbortSignal): Promise<number> {
  // The one choke point: from here on every write goes through the terminal-safe writers.
  const out = terminalOutput(rawIO);
  const io: CliIO = { ...rawIO, stdout: out.stdout, stderr: out.stderr, stdoutBytes: undefined };
  const groupName = argv[0];
  let [commandName, ...rest] = argv.slice(1);
  // `pangeo-compute cost [--json]`: the group's default command, when it has one.
  if (groupName && (commandName === undefined || (commandName.startsWith('-') && !['-h', '--help'].includes(commandName)))) {
    const fallback = groups.find((g) => g.name === groupName)?.defaultCommand;
    if (fallback) [commandName, rest] = [fallback, commandName === undefined ? rest : [commandName, ...rest]];
  }
  const group = groups.find((g) => g.name === groupName);
  if (!group || groupName === '--help' || groupName === '-h') {
    io.stderr(topHelp(groups));
    return groupName && groupName !== '--help' && groupName !== '-h' ? EXIT.usage : groupName ? EXIT.ok : EXIT.usage;
  }
  const command = commandName ? group.commands[commandName] : undefined;
  if (!command) {
    io.stderr(groupHelp(group));
    return commandName === '--help' || commandName === '-h' ? EXIT.ok : EXIT.usage;
  }
  let values: CommandContext['values'];
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest, options: { ...COMMON, ...command.options }, allowPositionals: true, strict: true,
    }) as { values: CommandContext['values']; positionals: string[] });
  } catch (e) {
    io.stderr(`pangeo-compute ${group.name} ${commandName}: ${(e as Error).message}\n${commandHelp(group, commandName!, command)}`);
    return EXIT.usage;
  }
  if (values.help) {
    io.stdout(commandHelp(group, commandName!, command));
    return EXIT.ok;
  }
  const json = values.json === true;
  const stderrLogger: Logger = {
    trace: (m) => io.stderr(`[trace] ${m}\n`),
    info: (m) => io.stderr(`[info] ${m}\n`),
    warn: (m) => io.stderr(`[warn] ${m}\n`),
    error: (m) => io.stderr(`[error] ${m}\n`),
  };
  const exitWork: Array<() => Promise<void>> = [];
  const ctx: CommandContext = {
    values, positionals, json, io, signal,
    atExit: (work) => exitWork.push(work),
    logger: values.verbose ? redactingLogger(stderrLogger) : silentLogger,
    print: (human, value) => (json ? out.json('stdout', value, 'document') : io.stdout(human.endsWith('\n') ? human : `${human}\n`)),
    printJsonLine: (stream, value) => out.json(stream, value, 'line'),
    writeBytes: (bytes) => out.bytes(bytes),
    writeProgramOutput: (stream, text) => out.programOutput(stream, text),
    note: (line) => io.stderr(`${line}\n`),
  };
  try {
    return (await command.run(ctx)) ?? EXIT.ok;
  } catch (e) {
    const code = exitCodeFor(e);
    const message = describeError(e, command.options);
    if (json) out.json('stdout', { error: message, kind: (e as { kind?: string }).kind ?? (e instanceof UsageError ? 'Usage' : 'Error') }, 'line');
    io.stderr(`error: ${message}\n`);
    if (e instanceof UsageError) io.stderr(commandHelp(group, commandName!, command));
    return code;
  } finally {
    for (const work of exitWork.reverse()) await work().catch((e: unknown) => io.stderr(`warning: ${describeError(e)}\n`));
  }
}

function topHelp(groups: CommandGroup[]): string {
  const lines = groups.map((g) => `  ${g.name.padEnd(8)} ${g.summary}`);
  return `pangeo-compute — Pangeo Compute on the command line\n\nUsage: pangeo-compute <group> <command> [options] [--json]\n\n${lines.join('\n')}\n\n` +
    'Exit codes: 0 ok, 1 failure, 2 usage, 3 authentication, 4 unreachable (also: no hub at that address, the server not running).\n' +
    'Tokens come from JUPYTERHUB_API_TOKEN or --token-stdin, never from argv.\n';
}

function groupHelp(group: CommandGroup): string {
  const lines = Object.entries(group.commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return `pangeo-compute ${group.name} — ${group.summary}\n\n${lines.join('\n')}\n`;
}

function commandHelp(group: CommandGroup, name: string, command: Command): string {
  return `Usage: pangeo-compute ${group.name} ${name} ${command.usage} [--json] [--verbose]\n  ${command.summary}\n`;
}
