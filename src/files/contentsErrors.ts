// Typed errors of file operations on a hub server: each says what happened and what the user can do.
import { PangeoError } from '../core/http/errors';

/** The file changed on the server since it was read: saving now would overwrite someone else's change. */
export class FileChangedOnServerError extends PangeoError {
  constructor(readonly path: string, readonly expected: string, readonly actual: string) {
    super('Conflict', `${path} was changed on the server since it was opened (${actual}, expected ${expected}).`,
      'Compare with the server version, then save again to overwrite it or reload the file.', { status: 409 });
  }
}

/** A request or file beyond what the server (or its proxy) accepts. */
export class FileTooLargeError extends PangeoError {
  constructor(readonly path: string, detail: string, hint = 'The server or its proxy limits the size of one request (uploads go in 1 MB chunks): ask the hub admin to raise the limit.') {
    super('InvalidInput', `${path} is too large: ${detail}.`, hint, { status: 413 });
  }
}

/** Something already exists where a new file or folder would go. */
export class FileExistsOnServerError extends PangeoError {
  constructor(readonly path: string) {
    super('Conflict', `${path} already exists on the server.`, 'Choose another name, or delete it first.', { status: 409 });
  }
}

/** A folder where a file was expected, or the other way round. */
export class WrongContentTypeError extends PangeoError {
  constructor(readonly path: string, readonly actual: 'directory' | 'file' | 'notebook', wanted: 'file' | 'directory') {
    super('InvalidInput', `${path} is a ${actual === 'directory' ? 'folder' : 'file'}, not a ${wanted === 'directory' ? 'folder' : 'file'}.`, '');
  }
}

/** The single-user server is not running (stopped, culled, or never started). */
export class ServerNotRunningError extends PangeoError {
  constructor(readonly where: string, status?: number) {
    super('Unreachable', `The server ${where} is not running.`, 'Start the server again; unsaved changes are kept.', { status });
  }
}

/** The server disables terminals (or the terminals extension is missing). */
export class TerminalsDisabledError extends PangeoError {
  constructor(readonly where: string) {
    super('NotFound', `Terminals are disabled on ${where}.`,
      'The hub admin turned them off (ServerApp.terminals_enabled) or terminado is not installed there; use a notebook cell with "!command" instead.', { status: 404 });
  }
}

/** JupyterHub answers API requests to a stopped server with 424 (503 with use_legacy_stopped_server_status_code). */
export function isServerStoppedStatus(e: unknown): boolean {
  return e instanceof PangeoError && (e.status === 424 || (e.status === 503 && /not running|not ready|stopped/i.test(e.serverMessage ?? '')));
}
