// The "Pangeo Compute" log output channel: every line is redacted before the editor sees it.
import type * as vscode from 'vscode';
import { Logger, redactingLogger } from '../core/log';

export function createOutputLogger(vs: typeof vscode): { logger: Logger; channel: vscode.LogOutputChannel } {
  const channel = vs.window.createOutputChannel('Pangeo Compute', { log: true });
  const logger = redactingLogger({
    trace: (m) => channel.trace(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
  });
  return { logger, channel };
}
