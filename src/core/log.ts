// The one logging interface of the core: the editor backs it with an output channel, the CLI with stderr.
import { redact } from './http/redact';

export interface Logger {
  trace(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { trace() {}, info() {}, warn() {}, error() {} };

/** Wraps any sink so that nothing it receives can carry a secret. */
export function redactingLogger(sink: Logger): Logger {
  return {
    trace: (m) => sink.trace(redact(m)),
    info: (m) => sink.info(redact(m)),
    warn: (m) => sink.warn(redact(m)),
    error: (m) => sink.error(redact(m)),
  };
}
