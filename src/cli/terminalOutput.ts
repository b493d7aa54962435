// The CLI's one way out: runCli hands commands only these writers, so no server text (progress messages, failure
// reasons, server, cluster and worker names, file names, errors) reaches a terminal with its escape sequences.
import { escapeJsonControls, stripTerminalControls, stripTerminalControlsKeepingStyle } from '../shared/text/controlCharacters';
import type { CliIO, OutputStream } from './command';

export interface TerminalOutput {
  /** Human text: escape sequences removed whole, other control, bidi and invisible characters shown as ⟨U+XXXX⟩. */
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /**
   * One JSON value: 'document' indented (a command's result), 'line' on one line (a progress event). Control, bidi
   * and invisible characters are \u-escaped in the bytes written, so the text parses back exactly as the server sent it.
   */
  json(stream: OutputStream, value: unknown, layout: 'document' | 'line'): void;
  /** A file's bytes as they are when stdout is a pipe or file; shown as stripped text when stdout is a terminal. */
  bytes(bytes: Uint8Array): void;
  /** A kernel's own output (the user's program): colours and carriage returns stay, every other sequence goes. */
  programOutput(stream: OutputStream, text: string): void;
}

export function terminalOutput(raw: CliIO): TerminalOutput {
  const writers = { stdout: raw.stdout, stderr: raw.stderr };
  return {
    stdout: (text) => raw.stdout(stripTerminalControls(text)),
    stderr: (text) => raw.stderr(stripTerminalControls(text)),
    json: (stream, value, layout) =>
      writers[stream](`${escapeJsonControls(JSON.stringify(value, null, layout === 'document' ? 2 : undefined) ?? 'null')}\n`),
    bytes: (bytes) => {
      if (raw.stdoutBytes && raw.stdoutIsTerminal === false) raw.stdoutBytes(bytes);
      else raw.stdout(stripTerminalControls(Buffer.from(bytes).toString('utf8')));
    },
    programOutput: (stream, text) => writers[stream](stripTerminalControlsKeepingStyle(text)),
  };
}
