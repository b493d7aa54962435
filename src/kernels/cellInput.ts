// What a running cell's input requests (input(), getpass(), pdb) turn into: a question to the user; a dismissed
// question interrupts the cell; once the cell was interrupted no question is asked again (end of input instead).
import { END_OF_INPUT, type InputHandler, type InputRequest } from '../jupyterServer/kernelInput';

/** Asks the user; undefined when they dismissed the question (Escape) or `signal` closed it. */
export type AskInput = (request: InputRequest, signal: AbortSignal) => Promise<string | undefined>;

/** Stands in for a getpass answer in the cell's output: same for every answer, so not even its length shows. */
export const HIDDEN_ANSWER = '········';

export const AFTER_INTERRUPT_NOTE = 'The cell asked for input after it was interrupted: answered with end of input (EOFError in Python).\n';

export interface CellInputOptions {
  ask: AskInput;
  /** Interrupts the kernel (REST), as the editor's stop button does. */
  interrupt(): Promise<void>;
  /** Adds text to the cell's output as a stream, where JupyterLab shows the answered prompt. */
  write(stream: 'stdout' | 'stderr', text: string): void;
}

export class CellInput {
  private interrupted = false;
  private readonly closing = new AbortController();
  /** One question at a time: a second request waits for the first answer (a kernel asks one at a time anyway). */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: CellInputOptions) {}

  readonly handle: InputHandler = (request, signal) => {
    const next = this.chain.then(() => this.answer(request, signal));
    this.chain = next.catch(() => undefined);
    return next;
  };

  /** The cell was interrupted (stop button, or the user dismissed a question): close the open question now. */
  interrupt(): void {
    this.interrupted = true;
    this.closing.abort();
  }

  private async answer(request: InputRequest, signal: AbortSignal): Promise<string | undefined> {
    if (signal.aborted) return undefined;
    if (this.interrupted) {
      // A question now would outlive what the user asked for (stop); the kernel must not wait for it either.
      this.opts.write('stderr', AFTER_INTERRUPT_NOTE);
      return END_OF_INPUT;
    }
    const answer = await this.opts.ask(request, AbortSignal.any([signal, this.closing.signal]));
    if (signal.aborted || this.interrupted) return undefined;
    if (answer === undefined) {
      this.interrupt();
      try {
        await this.opts.interrupt();
        return undefined;
      } catch (e) {
        // Not interrupted: end of input still frees the kernel.
        this.opts.write('stderr', `Could not interrupt the kernel (${e instanceof Error ? e.message : String(e)}): answered with end of input.\n`);
        return END_OF_INPUT;
      }
    }
    this.opts.write('stdout', `${request.prompt}${request.password ? HIDDEN_ANSWER : answer}\n`);
    return answer;
  }
}
