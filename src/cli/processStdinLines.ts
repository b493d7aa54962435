// The process's standard input as lines for the CLI: a pipe or file is read once and queued (answers may arrive all at
// once); a terminal is asked line by line, with echo off for passwords (getpass) the way `read -s` does it.
import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';
import type { StdinLines } from './command';

type Input = NodeJS.ReadableStream & { isTTY?: boolean; readableEnded?: boolean };

export function processStdinLines(input: Input, echoTo: NodeJS.WritableStream): StdinLines {
  return input.isTTY ? terminalLines(input, echoTo) : pipedLines(input);
}

function pipedLines(input: Input): StdinLines {
  const queued: string[] = [];
  const waiting = new Set<() => void>();
  let ended = input.readableEnded === true;
  const wake = () => {
    for (const w of [...waiting]) w();
  };
  const rl = ended ? undefined : createInterface({ input, terminal: false, crlfDelay: Infinity });
  rl?.on('line', (line) => {
    queued.push(line);
    wake();
  });
  rl?.on('close', () => {
    ended = true;
    wake();
  });
  return {
    isTerminal: false,
    async read({ signal }) {
      while (!queued.length && !ended && !signal?.aborted) {
        await new Promise<void>((resolve) => {
          const done = () => {
            waiting.delete(done);
            signal?.removeEventListener('abort', done);
            resolve();
          };
          waiting.add(done);
          signal?.addEventListener('abort', done, { once: true });
        });
      }
      return signal?.aborted ? undefined : queued.shift();
    },
    close() {
      rl?.close();
      input.pause();
    },
  };
}

/** Discards what readline would echo: the terminal shows nothing of a password. */
const silent = new Writable({ write: (_chunk, _encoding, callback) => callback() });

function terminalLines(input: Input, echoTo: NodeJS.WritableStream): StdinLines {
  let ended = false;
  let current: Interface | undefined;
  return {
    isTerminal: true,
    read({ echo, signal }) {
      if (ended || signal?.aborted) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const rl = (current = createInterface({ input, output: echo ? echoTo : silent, terminal: true }));
        let answered = false;
        const finish = (line: string | undefined) => {
          if (answered) return;
          answered = true;
          signal?.removeEventListener('abort', onAbort);
          rl.close();
          if (!echo) echoTo.write('\n'); // the Enter the user typed was not shown either
          resolve(line);
        };
        const onAbort = () => finish(undefined);
        signal?.addEventListener('abort', onAbort, { once: true });
        rl.on('line', (line) => finish(line));
        rl.on('close', () => {
          if (!answered) ended = true; // Ctrl-D
          finish(undefined);
        });
        // In raw mode Ctrl-C reaches readline, not the process: pass it on, so the run stops as it does elsewhere.
        rl.on('SIGINT', () => {
          finish(undefined);
          process.kill(process.pid, 'SIGINT');
        });
      });
    },
    close() {
      current?.close();
      input.pause();
    },
  };
}
