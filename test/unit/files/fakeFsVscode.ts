// The `vscode` pieces the pangeo-hub: file system provider uses (Uri, FileSystemError, FileType, events), for
// plain-Node tests of the provider against fakes (unit) or a real server (integration).
import type * as vscode from 'vscode';
import { FakeEvent } from '../kernels/fakeVscode';

export class FakeUri {
  constructor(readonly scheme: string, readonly authority: string, readonly path: string, readonly query = '', readonly fragment = '') {}
  static from(c: { scheme: string; authority?: string; path?: string }): FakeUri {
    return new FakeUri(c.scheme, c.authority ?? '', c.path ?? '/');
  }
  static joinPath(base: FakeUri, ...parts: string[]): FakeUri {
    return new FakeUri(base.scheme, base.authority, [base.path.replace(/\/$/, ''), ...parts].join('/'));
  }
  /** Like vscode.Uri.parse for scheme://authority/path (segments percent-decoded). */
  static parse(text: string): FakeUri {
    const m = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(\/[^?#]*)?/i.exec(text);
    if (!m) throw new Error(`bad uri ${text}`);
    return new FakeUri(m[1]!, decodeURIComponent(m[2]!), (m[3] ?? '/').split('/').map(decodeURIComponent).join('/'));
  }
  static file(p: string): FakeUri {
    return new FakeUri('file', '', p);
  }
  with(c: { path?: string }): FakeUri {
    return new FakeUri(this.scheme, this.authority, c.path ?? this.path);
  }
  /** Percent-encodes each path segment (vscode.Uri.toString escapes the same unsafe characters). */
  toString(): string {
    return `${this.scheme}://${this.authority}${this.path.split('/').map((s) => encodeURIComponent(s)).join('/')}`;
  }
}

export class FakeFileSystemError extends Error {
  constructor(messageOrUri?: string | FakeUri, readonly code = 'Unknown') {
    super(typeof messageOrUri === 'string' ? messageOrUri : messageOrUri ? `${code}: ${messageOrUri.toString()}` : code);
  }
  static FileNotFound = (m?: string | FakeUri) => new FakeFileSystemError(m, 'FileNotFound');
  static FileExists = (m?: string | FakeUri) => new FakeFileSystemError(m, 'FileExists');
  static FileNotADirectory = (m?: string | FakeUri) => new FakeFileSystemError(m, 'FileNotADirectory');
  static FileIsADirectory = (m?: string | FakeUri) => new FakeFileSystemError(m, 'FileIsADirectory');
  static NoPermissions = (m?: string | FakeUri) => new FakeFileSystemError(m, 'NoPermissions');
  static Unavailable = (m?: string | FakeUri) => new FakeFileSystemError(m, 'Unavailable');
}

class FakeEmitter<T> extends FakeEvent<T> {
  dispose(): void {}
}

export function fakeFsVs(): typeof vscode {
  return {
    Uri: FakeUri,
    FileSystemError: FakeFileSystemError,
    FileType: { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 },
    FileChangeType: { Changed: 1, Created: 2, Deleted: 3 },
    FilePermission: { Readonly: 1 },
    EventEmitter: FakeEmitter,
    Disposable: class { constructor(private readonly fn: () => void) {} dispose() { this.fn(); } },
  } as unknown as typeof vscode;
}

export const asUri = (u: FakeUri) => u as unknown as vscode.Uri;
