// Maps the typed errors of the Contents API client onto vscode.FileSystemError, whose codes drive the editor's own
// flows (file not found, already exists, unavailable server, no permissions).
import type * as vscode from 'vscode';
import { isPangeoError } from '../../core/http/errors';
import { FileExistsOnServerError, ServerNotRunningError, WrongContentTypeError } from '../contentsErrors';

export function toFileSystemError(vs: typeof vscode, e: unknown, uri: vscode.Uri): Error {
  if (e instanceof vs.FileSystemError) return e;
  if (e instanceof ServerNotRunningError) return vs.FileSystemError.Unavailable(e.userMessage);
  if (e instanceof FileExistsOnServerError) return vs.FileSystemError.FileExists(uri);
  if (e instanceof WrongContentTypeError) {
    return e.actual === 'directory' ? vs.FileSystemError.FileIsADirectory(uri) : vs.FileSystemError.FileNotADirectory(uri);
  }
  if (!isPangeoError(e)) return new vs.FileSystemError(e instanceof Error ? e.message : String(e));
  switch (e.kind) {
    case 'NotFound':
      return vs.FileSystemError.FileNotFound(uri);
    case 'Unauthorized':
    case 'Forbidden':
      return vs.FileSystemError.NoPermissions(e.userMessage);
    case 'Unreachable':
    case 'Timeout':
    case 'Tls':
      return vs.FileSystemError.Unavailable(e.userMessage);
    default:
      // Conflicts (changed on the server), size limits, server errors: the message says what to do.
      return new vs.FileSystemError(e.userMessage);
  }
}
