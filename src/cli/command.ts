// The shape of a CLI command and the context it runs in; each area (hub, kernel, dask, ...) exports a CommandGroup.
import type { ParseArgsConfig } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { isPangeoError, TimeoutError } from '../core/http/errors';
import { redact } from '../core/http/redact';
import type { Logger } from '../core/log';

export const EXIT = { ok: 0, failure: 1, usage: 2, auth: 3, unreachable: 4 } as const;

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** Where a CLI write goes. */
export type OutputStream = 'stdout' | 'stderr';

export interface CliIO {
  // Properties, not methods: a command may pick one and call it detached.
  // Commands get these through terminalOutput(): server text in them is already made terminal-safe.
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Raw bytes to stdout (a downloaded file piped on); used only when stdoutIsTerminal is false. */
  stdoutBytes?: (bytes: Uint8Array) => void;
  stdoutIsTerminal?: boolean;
  /** All of standard input (for passwords and tokens: never argv). */
  readStdin(): Promise<string>;
  /** Standard input line by line (a kernel's input() answered from the CLI's stdin); opened on first use. */
  stdinLines?: () => StdinLines;
  env: NodeJS.ProcessEnv;
  /** The raw stdin/stdout streams, for a command whose stdout is a protocol channel (`mcp`); nothing else writes there then. */
  protocolStreams?: () => { input: Readable; output: Writable };
}

/** Standard input read one line at a time. */
export interface StdinLines {
  /** True when stdin is a terminal: what is typed shows unless `echo` is false. */
  readonly isTerminal: boolean;
  /** The next line without its line break; undefined at the end of input (or when `signal` aborts). */
  read(opts: { echo: boolean; signal?: AbortSignal }): Promise<string | undefined>;
  /** Stops reading, so the process can exit. */
  close(): void;
}

export interface CommandContext {
  values: OptionValues;
  positionals: string[];
  json: boolean;
  io: CliIO;
  logger: Logger;
  signal: AbortSignal;
  /** Prints human text, or the JSON value when --json was given. */
  print(human: string, json: unknown): void;
  /** One JSON value on one line (e.g. a progress event under --json), control characters \u-escaped. */
  printJsonLine(stream: OutputStream, value: unknown): void;
  /** A file's bytes to stdout: as they are into a pipe, as terminal-safe text onto a terminal. */
  writeBytes(bytes: Uint8Array): void;
  /** A kernel's stdout/stderr (the user's own program): its colours and progress bars' carriage returns stay. */
  writeProgramOutput(stream: OutputStream, text: string): void;
  /** A progress/info line on stderr, so stdout stays machine-readable. */
  note(line: string): void;
  /** Work to do when the command ends, success or not (e.g. revoking a temporary token). */
  atExit(work: () => Promise<void>): void;
}

export interface Command {
  summary: string;
  /** e.g. "--url URL [--server NAME]" */
  usage: string;
  options?: OptionSpec;
  /** Returns an exit code (default 0). */
  run(ctx: CommandContext): Promise<number | void>;
}

export interface CommandGroup {
  name: string;
  summary: string;
  commands: Record<string, Command>;
  /** The command `pangeo-compute <group>` runs when no command (or only options) follows. */
  defaultCommand?: string;
}

/** Bad flags or arguments: exit code 2. */
export class UsageError extends Error {}

export function exitCodeFor(e: unknown): number {
  if (e instanceof UsageError) return EXIT.usage;
  if (isPangeoError(e)) {
    switch (e.kind) {
      case 'Unauthorized':
      case 'Forbidden':
        return EXIT.auth;
      case 'Unreachable':
      case 'Timeout':
      case 'Tls':
        return EXIT.unreachable;
      case 'InvalidInput':
        return EXIT.usage;
      default:
        return EXIT.failure;
    }
  }
  return EXIT.failure;
}

/**
 * One line for stderr. `flags`: the command's options, so a timeout names the flag that raises it (the errors' own
 * hints name the editor's settings, which the CLI does not read).
 */
export function describeError(e: unknown, flags: OptionSpec = {}): string {
  if (e instanceof TimeoutError) {
    const flag = e.limit === 'spawn' ? 'spawn-timeout' : e.limit === 'request' ? 'timeout' : undefined;
    const more = flag && flag in flags ? `, or allow more time with --${flag} SECONDS` : '';
    return redact(`${e.message} The server may be busy or down: retry${more}.`);
  }
  if (isPangeoError(e)) return redact(e.userMessage);
  if (e instanceof Error) return redact(e.message);
  return redact(String(e));
}

export function requireString(ctx: CommandContext, name: string): string {
  const v = ctx.values[name];
  if (typeof v !== 'string' || !v) throw new UsageError(`--${name} is required`);
  return v;
}

export function optionalString(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === 'string' && v ? v : undefined;
}

/** "3600", "90s", "30m", "8h", "7d" → seconds. */
export function durationSeconds(text: string, flag: string): number {
  const m = /^(\d+)\s*([smhd]?)$/i.exec(text.trim());
  if (!m) throw new UsageError(`${flag} wants seconds or a duration such as 30m, 8h, 7d; got "${text}"`);
  return Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86_400 } as Record<string, number>)[m[2]!.toLowerCase()]!;
}

/** Parses repeated `--option key=value` flags into an object; values stay strings. */
export function keyValues(ctx: CommandContext, name: string): Record<string, string> {
  const raw = ctx.values[name];
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${name} wants key=value, got "${item}"`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

export function positiveInt(text: string | undefined, what: string): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < 0) throw new UsageError(`${what} must be a whole number ≥ 0`);
  return n;
}
