// The editor's side of a server terminal: a Pseudoterminal that forwards keystrokes and size to a TerminalLink and
// writes the shell's output, with one-line notes when the link drops, comes back or ends.
import type * as vscode from 'vscode';
import type { TerminalLink, TerminalLinkState } from '../terminalLink';
import { Disposable } from '../../core/lifecycle';

const DIM = (s: string) => `\r\n\x1b[2m[${s}]\x1b[0m\r\n`;

export class ServerPseudoterminal extends Disposable implements vscode.Pseudoterminal, vscode.Disposable {
  private readonly writeEmitter: vscode.EventEmitter<string>;
  private readonly closeEmitter: vscode.EventEmitter<number | void>;
  readonly onDidWrite: vscode.Event<string>;
  readonly onDidClose: vscode.Event<number | void>;
  private link?: TerminalLink;
  private wasReconnecting = false;

  constructor(vs: typeof vscode, private readonly connect: (events: { onOutput(t: string): void; onState(s: TerminalLinkState, reason?: string): void }) => TerminalLink) {
    super();
    this.writeEmitter = this._register(new vs.EventEmitter<string>());
    this.closeEmitter = this._register(new vs.EventEmitter<number | void>());
    this.onDidWrite = this.writeEmitter.event;
    this.onDidClose = this.closeEmitter.event;
  }

  open(dimensions: vscode.TerminalDimensions | undefined): void {
    this.link = this.connect({
      onOutput: (text) => this.writeEmitter.fire(text),
      onState: (state, reason) => this.onState(state, reason),
    });
    if (dimensions) this.link.resize(dimensions.rows, dimensions.columns);
    this.link.open().catch((e: unknown) => {
      const message = (e as { userMessage?: string }).userMessage ?? (e instanceof Error ? e.message : String(e));
      this.writeEmitter.fire(DIM(`Could not connect: ${message}`));
      void this.link?.close({ shutDown: true });
    });
  }

  private onState(state: TerminalLinkState, reason?: string): void {
    if (state === 'reconnecting') {
      this.wasReconnecting = true;
      this.writeEmitter.fire(DIM('Connection lost: reconnecting…'));
    } else if (state === 'connected' && this.wasReconnecting) {
      this.wasReconnecting = false;
      this.writeEmitter.fire(DIM('Reconnected'));
    } else if (state === 'closed') {
      if (reason) this.writeEmitter.fire(DIM(reason));
      // Exit code 0 leaves the panel to the user's terminal.integrated.* settings; the note above stays readable.
      this.closeEmitter.fire(0);
    }
  }

  handleInput(data: string): void {
    this.link?.write(data);
  }

  setDimensions(dimensions: vscode.TerminalDimensions): void {
    this.link?.resize(dimensions.rows, dimensions.columns);
  }

  /** The user closed the terminal: the shell on the server ends too. */
  close(): void {
    void this.link?.close({ shutDown: true });
  }

  /** The server stopped under the terminal. */
  end(reason: string): void {
    void this.link?.close({ shutDown: false, reason });
  }
}
