// `kernel run` answers the code's input()/getpass()/pdb prompts from its own stdin, one line each: the prompt is
// written as Python writes it, a getpass answer is read without echo and never written; at the end of stdin the code
// gets end of input (EOFError), and the user a note saying why, instead of a run that waits forever.
import type { CommandContext, StdinLines } from './command';
import { END_OF_INPUT, type InputHandler } from '../jupyterServer/kernelInput';

const PRINTED_FIRST_MS = 100;

export interface StdinAnswers {
  handler: InputHandler;
  /** Stops reading stdin (call when the run ends), so the process can exit. */
  close(): void;
}

/** `reason`: why stdin has no answers (e.g. it carried the token), instead of reading it. */
export function stdinAnswers(ctx: CommandContext, reason?: string): StdinAnswers {
  let lines: StdinLines | undefined;
  let told = false;
  const handler: InputHandler = async (request, signal) => {
    // What the code printed before asking comes on another channel and may arrive just after the question: let it.
    await new Promise((resolve) => setTimeout(resolve, PRINTED_FIRST_MS));
    // Python writes input()'s prompt to stdout and getpass's to the terminal (stderr here); --json keeps stdout for JSON.
    if (!reason) lines ??= ctx.io.stdinLines?.();
    // Reading first: a terminal has its echo off before the prompt invites typing.
    const reading = lines ? lines.read({ echo: !request.password, signal }) : Promise.resolve(undefined);
    if (request.prompt) ctx.writeProgramOutput(request.password || ctx.json ? 'stderr' : 'stdout', request.prompt);
    const answer = await reading;
    if (signal.aborted) return undefined;
    if (answer !== undefined) return answer;
    if (!told) {
      told = true;
      const why = reason ?? 'standard input has ended';
      ctx.note(`\nThe code asked for input ${JSON.stringify(request.prompt)}, but ${why}: it gets end of input (EOFError). Pipe the answers on stdin, one line each.`);
    }
    return END_OF_INPUT;
  };
  return { handler, close: () => lines?.close() };
}
