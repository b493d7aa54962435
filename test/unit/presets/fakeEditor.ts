// A small stand-in for the parts of the `vscode` API the preset and AWS editor modules use: webview panels whose
// page side the test plays, settings with inspect/update, a file system, pickers with scripted answers.
import type * as vscode from 'vscode';
import { promises as fs } from 'node:fs';

type Listener<T> = (value: T) => void;

class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  event = (l: Listener<T>) => {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  };
  fire(v: T): void {
    for (const l of [...this.listeners]) l(v);
  }
}

class FakeUri {
  constructor(readonly scheme: string, readonly path: string) {}
  get fsPath(): string { return this.path; }
  toString(): string { return `${this.scheme}://${this.path}`; }
  static file(p: string): FakeUri { return new FakeUri('file', p); }
  static joinPath(base: FakeUri, ...parts: string[]): FakeUri { return new FakeUri(base.scheme, [base.path, ...parts].join('/')); }
  static parse(s: string): FakeUri { return new FakeUri(s.split(':')[0]!, s.replace(/^[a-z]+:\/\//, '')); }
}

export class FakeWebviewPanel {
  readonly posted: unknown[] = [];
  readonly fromPage = new Emitter<unknown>();
  readonly disposed = new Emitter<void>();
  isDisposed = false;
  title: string;
  webview = {
    html: '',
    cspSource: 'https://webview.test',
    options: {},
    asWebviewUri: (u: FakeUri) => `https://webview.test${u.path}`,
    postMessage: async (m: unknown) => { this.posted.push(m); return true; },
    onDidReceiveMessage: this.fromPage.event,
  };
  onDidDispose = this.disposed.event;
  constructor(readonly viewType: string, title: string, readonly options: Record<string, unknown>) {
    this.title = title;
  }
  /** Plays the page: posts a message to the host. */
  send(m: unknown): void { this.fromPage.fire(m); }
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.disposed.fire();
  }
}

export class FakeDiagnostic {
  source?: string;
  code?: string;
  constructor(readonly range: { start: { line: number; character: number }; end: { line: number; character: number } }, readonly message: string, readonly severity: number) {}
}

export class FakeDocument {
  constructor(readonly uri: FakeUri, private text: string) {}
  getText(): string { return this.text; }
  setText(t: string): void { this.text = t; }
  positionAt(offset: number): { line: number; character: number } {
    const before = this.text.slice(0, offset).split('\n');
    return { line: before.length - 1, character: before[before.length - 1]!.length };
  }
}

export interface FakeEditor {
  vs: typeof vscode;
  panels: FakeWebviewPanel[];
  commands: Map<string, (...args: unknown[]) => unknown>;
  executed: Array<{ id: string; args: unknown[] }>;
  messages: Array<{ kind: 'info' | 'error' | 'input-refused'; text: string }>;
  settings: Map<string, unknown>;
  updates: Array<{ key: string; value: unknown; target: number }>;
  failUpdateOf: Set<string>;
  clipboard: { text: string };
  diagnostics: Map<string, FakeDiagnostic[]>;
  /** Answers for showQuickPick (by label prefix), showInputBox and showOpenDialog, used in order. */
  answers: { quickPick: string[]; input: string[]; open: string[] };
  state: { trusted: boolean; folders: boolean };
  documents: FakeDocument[];
  statusItems: Array<{ id: string; text: string; tooltip: string; command: string; visible: boolean }>;
  openDocument(path: string, text: string): FakeDocument;
  changeDocument(doc: FakeDocument, text: string): void;
  Uri: typeof FakeUri;
}

export function createFakeEditor(): FakeEditor {
  const panels: FakeWebviewPanel[] = [];
  const commands = new Map<string, (...args: unknown[]) => unknown>();
  const executed: FakeEditor['executed'] = [];
  const messages: FakeEditor['messages'] = [];
  const settings = new Map<string, unknown>();
  const updates: FakeEditor['updates'] = [];
  const failUpdateOf = new Set<string>();
  const clipboard = { text: '' };
  const diagnostics = new Map<string, FakeDiagnostic[]>();
  const answers: FakeEditor['answers'] = { quickPick: [], input: [], open: [] };
  const state = { trusted: true, folders: true };
  const documents: FakeDocument[] = [];
  const statusItems: FakeEditor['statusItems'] = [];
  const opened = new Emitter<FakeDocument>();
  const changed = new Emitter<{ document: FakeDocument }>();
  const closed = new Emitter<FakeDocument>();
  const ConfigurationTarget = { Global: 1, Workspace: 2, WorkspaceFolder: 3 };

  const vs = {
    Uri: FakeUri,
    ViewColumn: { Active: -1 },
    ProgressLocation: { Notification: 15 },
    ConfigurationTarget,
    DiagnosticSeverity: { Error: 0 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    Diagnostic: FakeDiagnostic,
    Range: class { constructor(readonly start: unknown, readonly end: unknown) {} },
    env: { uriScheme: 'code-oss', clipboard: { writeText: async (t: string) => { clipboard.text = t; } } },
    commands: {
      registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
        commands.set(id, fn);
        return { dispose: () => commands.delete(id) };
      },
      executeCommand: async (id: string, ...args: unknown[]) => { executed.push({ id, args }); },
    },
    languages: {
      createDiagnosticCollection: () => ({
        set: (uri: FakeUri, d: FakeDiagnostic[]) => diagnostics.set(uri.toString(), d),
        delete: (uri: FakeUri) => diagnostics.delete(uri.toString()),
        dispose: () => diagnostics.clear(),
      }),
    },
    window: {
      createWebviewPanel: (viewType: string, title: string, _col: unknown, options: Record<string, unknown>) => {
        const p = new FakeWebviewPanel(viewType, title, options);
        panels.push(p);
        return p;
      },
      withProgress: async (_o: unknown, task: (p: { report(v: unknown): void }, token: { onCancellationRequested(l: () => void): void }) => Promise<unknown>) =>
        task({ report: () => undefined }, { onCancellationRequested: () => undefined }),
      showInformationMessage: async (text: string) => { messages.push({ kind: 'info', text }); return undefined; },
      showErrorMessage: async (text: string) => { messages.push({ kind: 'error', text }); return undefined; },
      showQuickPick: async (items: Array<{ label: string }>) => {
        const want = answers.quickPick.shift();
        return want === undefined ? undefined : items.find((i) => i.label.startsWith(want));
      },
      // Like the editor: an answer the box's validateInput refuses is not accepted (recorded, and the box is cancelled).
      showInputBox: async (o?: { validateInput?(v: string): string | undefined | Promise<string | undefined> }) => {
        const v = answers.input.shift();
        const problem = v !== undefined ? await o?.validateInput?.(v) : undefined;
        if (problem) {
          messages.push({ kind: 'input-refused', text: problem });
          return undefined;
        }
        return v;
      },
      showOpenDialog: async () => {
        const p = answers.open.shift();
        return p ? [FakeUri.file(p)] : undefined;
      },
      showSaveDialog: async () => undefined,
      createStatusBarItem: (id: string) => {
        const item = { id, text: '', tooltip: '', name: '', command: '', visible: false, show() { item.visible = true; }, hide() { item.visible = false; }, dispose() { item.visible = false; } };
        statusItems.push(item);
        return item;
      },
      showTextDocument: async () => undefined,
      activeTextEditor: undefined,
    },
    workspace: {
      get isTrusted() { return state.trusted; },
      get workspaceFolders() { return state.folders ? [{ uri: FakeUri.file('/work/course'), name: 'course', index: 0 }] : undefined; },
      get textDocuments() { return documents; },
      onDidOpenTextDocument: opened.event,
      onDidChangeTextDocument: changed.event,
      onDidCloseTextDocument: closed.event,
      asRelativePath: (u: FakeUri) => u.path,
      findFiles: async () => [],
      fs: {
        readFile: async (u: FakeUri) => new Uint8Array(await fs.readFile(u.path)),
        writeFile: async (u: FakeUri, data: Uint8Array) => fs.writeFile(u.path, data),
      },
      getConfiguration: () => ({
        get: (key: string) => settings.get(key),
        inspect: (key: string) => ({ key, workspaceValue: settings.get(`workspace:${key}`), globalValue: settings.get(`global:${key}`) }),
        update: async (key: string, value: unknown, target: number) => {
          if (failUpdateOf.has(key)) throw new Error(`cannot write ${key}`);
          updates.push({ key, value, target });
          const scoped = `${target === ConfigurationTarget.Global ? 'global' : 'workspace'}:${key}`;
          if (value === undefined) settings.delete(scoped);
          else settings.set(scoped, value);
        },
      }),
    },
  };

  return {
    vs: vs as unknown as typeof vscode,
    panels, commands, executed, messages, settings, updates, failUpdateOf, clipboard, diagnostics, answers, state, documents, statusItems,
    Uri: FakeUri,
    openDocument(path, text) {
      const doc = new FakeDocument(FakeUri.file(path), text);
      documents.push(doc);
      opened.fire(doc);
      return doc;
    },
    changeDocument(doc, text) {
      doc.setText(text);
      changed.fire({ document: doc });
    },
  };
}

/** Lets pending promise callbacks run (the flows await several steps between test actions). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}
