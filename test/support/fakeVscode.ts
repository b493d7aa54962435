// The one stand-in for the `vscode` API in plain-Node unit tests (editor adapters take `vs` as a parameter): events,
// Uris, tree items, webview panels the test plays the page of, settings per scope, commands, notifications with
// scripted answers, pickers, text documents and diagnostics, notebook controllers whose executions keep the cells'
// outputs, and the file system provider's types. Each test reads what the code did from the returned recorder.
import type * as vscode from 'vscode';
import { promises as fs } from 'node:fs';

type Listener<T> = (value: T) => unknown;

export class FakeEventEmitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

/** Like vscode.Uri: scheme://authority/path?query#fragment, path segments percent-decoded (and encoded by toString). */
export class FakeUri {
  constructor(readonly scheme: string, readonly authority: string, readonly path: string, readonly query = '', readonly fragment = '') {}
  static from(c: { scheme: string; authority?: string; path?: string; query?: string; fragment?: string }): FakeUri {
    return new FakeUri(c.scheme, c.authority ?? '', c.path ?? '/', c.query ?? '', c.fragment ?? '');
  }
  static file(p: string): FakeUri {
    return new FakeUri('file', '', p);
  }
  static joinPath(base: FakeUri, ...parts: string[]): FakeUri {
    return new FakeUri(base.scheme, base.authority, [base.path.replace(/\/$/, ''), ...parts].join('/'));
  }
  static parse(text: string): FakeUri {
    const m = /^([a-z][a-z0-9+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/i.exec(text);
    if (!m) throw new Error(`bad uri ${text}`);
    return new FakeUri(m[1]!, decodeURIComponent(m[2] ?? ''), (m[3] || '/').split('/').map(decodeURIComponent).join('/'), m[4] ?? '', m[5] ?? '');
  }
  get fsPath(): string {
    return this.path;
  }
  with(c: { scheme?: string; authority?: string; path?: string; query?: string; fragment?: string }): FakeUri {
    return new FakeUri(c.scheme ?? this.scheme, c.authority ?? this.authority, c.path ?? this.path, c.query ?? this.query, c.fragment ?? this.fragment);
  }
  /** Percent-encodes each path segment (vscode.Uri.toString escapes the same unsafe characters) unless told not to. */
  toString(skipEncoding = false): string {
    const path = skipEncoding ? this.path : this.path.split('/').map((s) => encodeURIComponent(s)).join('/');
    return `${this.scheme}://${this.authority}${path}${this.query ? `?${this.query}` : ''}${this.fragment ? `#${this.fragment}` : ''}`;
  }
}

export const asUri = (u: FakeUri) => u as unknown as vscode.Uri;

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

export class FakeThemeIcon {
  constructor(readonly id: string, readonly color?: unknown) {}
}

export class FakeTreeItem {
  id?: string;
  description?: string;
  tooltip?: unknown;
  iconPath?: unknown;
  contextValue?: string;
  command?: unknown;
  constructor(readonly label: string, readonly collapsibleState: number) {}
}

/** A webview panel; the test plays its page: `send` (or `received.fire`) posts to the host, `posted` is what it got. */
export class FakePanel {
  visible = true;
  disposed = false;
  title: string;
  readonly received = new FakeEventEmitter<unknown>();
  readonly viewState = new FakeEventEmitter<{ webviewPanel: FakePanel }>();
  readonly disposeEmitter = new FakeEventEmitter<void>();
  readonly posted: unknown[] = [];
  readonly webview = {
    options: {} as { enableScripts?: boolean; localResourceRoots?: FakeUri[] },
    html: '',
    cspSource: 'https://webview.test',
    asWebviewUri: (u: FakeUri) => FakeUri.parse(`https://webview.test${u.path}`),
    postMessage: async (m: unknown) => { this.posted.push(m); return true; },
    onDidReceiveMessage: this.received.event,
  };
  readonly onDidChangeViewState = this.viewState.event;
  readonly onDidDispose = this.disposeEmitter.event;
  constructor(readonly viewType: string, title = '', readonly options: Record<string, unknown> = {}) {
    this.title = title;
  }
  /** Plays the page: posts a message to the host. */
  send(m: unknown): void {
    this.received.fire(m);
  }
  reveal(): void {}
  setVisible(v: boolean): void {
    this.visible = v;
    this.viewState.fire({ webviewPanel: this });
  }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
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

export class FakeOutputItem {
  constructor(readonly data: Uint8Array, readonly mime: string) {}
  static text(value: string, mime = 'text/plain') {
    return new FakeOutputItem(Buffer.from(value), mime);
  }
  static json(value: unknown, mime = 'text/x-json') {
    return new FakeOutputItem(Buffer.from(JSON.stringify(value)), mime);
  }
  static stdout(value: string) {
    return FakeOutputItem.text(value, 'application/vnd.code.notebook.stdout');
  }
  static stderr(value: string) {
    return FakeOutputItem.text(value, 'application/vnd.code.notebook.stderr');
  }
  static error(value: Error) {
    return FakeOutputItem.json({ name: value.name, message: value.message, stack: value.stack }, 'application/vnd.code.notebook.error');
  }
  get text(): string {
    return Buffer.from(this.data).toString('utf8');
  }
}

export class FakeOutput {
  constructor(public items: FakeOutputItem[], public metadata?: Record<string, unknown>) {}
}

export class FakeCell {
  outputs: FakeOutput[] = [];
  executionOrder?: number;
  lastRun?: { success: boolean | undefined };
  constructor(readonly index: number, private readonly code: string, readonly notebookUri: string) {}
  get document() {
    return { getText: () => this.code, uri: { toString: () => `${this.notebookUri}#cell${this.index}` } };
  }
}

export class FakeNotebook {
  readonly notebookType = 'jupyter-notebook';
  readonly cells: FakeCell[];
  readonly uri: { path: string; toString(): string };
  constructor(name: string, codes: string[]) {
    const uri = `file:///work/${name}`;
    this.uri = { path: `/work/${name}`, toString: () => uri };
    this.cells = codes.map((c, i) => new FakeCell(i, c, uri));
  }
}

/** A cell execution that checks the order of calls as the editor does and keeps what it writes in the cell. */
export class FakeExecution {
  executionOrder: number | undefined;
  private started = false;
  private readonly cancellation = new FakeCancellationTokenSource();
  readonly token: FakeCancellationToken = this.cancellation.token;
  constructor(readonly cell: FakeCell) {}
  /** Created and not started: the editor shows the cell queued (pending). */
  get pending(): boolean {
    return !this.started;
  }
  /** The cell's stop button where the controller has no interrupt handler (the editor cancels the token). */
  cancel(): void {
    this.cancellation.cancel();
  }
  start(): void {
    if (this.started) throw new Error('start twice');
    this.started = true;
  }
  end(success: boolean | undefined): void {
    if (!this.started) throw new Error('end before start');
    this.cell.lastRun = { success };
    if (this.executionOrder !== undefined) this.cell.executionOrder = this.executionOrder;
  }
  private mustRun(): void {
    if (!this.started) throw new Error('output before start');
  }
  async clearOutput() {
    this.mustRun();
    this.cell.outputs = [];
  }
  async replaceOutput(out: FakeOutput | FakeOutput[]) {
    this.mustRun();
    this.cell.outputs = Array.isArray(out) ? [...out] : [out];
  }
  async appendOutput(out: FakeOutput | FakeOutput[]) {
    this.mustRun();
    this.cell.outputs.push(...(Array.isArray(out) ? out : [out]));
  }
  async replaceOutputItems(items: FakeOutputItem | FakeOutputItem[], output: FakeOutput) {
    this.mustRun();
    // Like VS Code, the output is found by identity in any cell of the notebook.
    output.items = Array.isArray(items) ? [...items] : [items];
  }
  async appendOutputItems(items: FakeOutputItem | FakeOutputItem[], output: FakeOutput) {
    this.mustRun();
    output.items.push(...(Array.isArray(items) ? items : [items]));
  }
}

export class FakeController {
  description?: string;
  detail?: string;
  supportedLanguages?: string[];
  supportsExecutionOrder?: boolean;
  executeHandler!: (cells: FakeCell[], notebook: FakeNotebook, controller: FakeController) => Promise<void>;
  interruptHandler?: (notebook: FakeNotebook) => Promise<void>;
  disposed = false;
  readonly selection = new FakeEventEmitter<{ notebook: FakeNotebook; selected: boolean }>();
  readonly onDidChangeSelectedNotebooks = this.selection.event;
  readonly affinity = new Map<FakeNotebook, number>();
  constructor(readonly id: string, readonly notebookType: string, readonly label: string) {}
  updateNotebookAffinity(notebook: FakeNotebook, affinity: number) {
    this.affinity.set(notebook, affinity);
  }
  /** Every execution created, in order. */
  readonly executions: FakeExecution[] = [];
  createNotebookCellExecution(cell: FakeCell) {
    const execution = new FakeExecution(cell);
    this.executions.push(execution);
    return execution;
  }
  dispose() {
    this.disposed = true;
  }
}

type ConfigChange = { affectsConfiguration(section: string): boolean };
type Serializer = { deserializeWebviewPanel(p: FakePanel, state: unknown): Promise<void> };
export type StatusItem = {
  id: string; text: string; tooltip: unknown; name: string; command: string | undefined; backgroundColor: unknown; visible: boolean;
  show(): void; hide(): void; dispose(): void;
};

export interface FakeVscode {
  vs: typeof vscode;
  /** An extension context: extensionUri /ext, globalState kept in `globalState`. */
  context: { extensionUri: FakeUri; globalState: { get(k: string): unknown; update(k: string, v: unknown): Promise<void>; keys(): string[] }; subscriptions: { dispose(): unknown }[] };
  globalState: Map<string, unknown>;
  Uri: typeof FakeUri;
  /** Settings by key: a plain key is the user's (global) value, `workspace:<key>` the workspace's; reads prefer the latter. */
  settings: Record<string, unknown>;
  /** Every settings write, in order; a key in `failUpdateOf` fails to write. */
  updates: Array<{ key: string; value: unknown; target: number }>;
  failUpdateOf: Set<string>;
  configChanged: FakeEventEmitter<ConfigChange>;
  /** What the editor does after a settings change: tells every listener which settings it touches. */
  fireConfigChange(...keys: string[]): void;
  /** Registered commands, and every executeCommand (a registered one also runs). */
  commands: Map<string, (...args: unknown[]) => unknown>;
  executed: Array<{ id: string; args: unknown[] }>;
  /** The text of every notification and status bar message, and the same with its kind. */
  messages: string[];
  notices: Array<{ kind: 'info' | 'warning' | 'error' | 'status' | 'input-refused'; text: string }>;
  /** Every withProgress title and progress message, in order. */
  progress: string[];
  /** Scripted answers: a notification's button (by a key its text contains), quick picks (by label prefix), input boxes, open dialogs. */
  answers: { buttons: Map<string, string>; quickPick: string[]; input: string[]; open: string[] };
  /** The options of each input box shown. */
  inputBoxes: Array<Record<string, unknown>>;
  /** Every quick pick shown (createQuickPick or showQuickPick): its title, item labels and items, and the labels highlighted when it opened. Answered from
   * `answers.quickPick` like showQuickPick; the answer `'$(back)'` presses its Back button. */
  quickPicks: Array<{ title?: string; labels: string[]; active: string[]; items: Array<{ label: string; description?: string; detail?: string }> }>;
  /** File system providers by scheme (workspace.registerFileSystemProvider). */
  fileSystems: Map<string, vscode.FileSystemProvider>;
  /** URLs opened in the browser. */
  openedExternally: string[];
  clipboard: { text: string };
  panels: FakePanel[];
  serializers: Map<string, Serializer>;
  statusItems: StatusItem[];
  diagnostics: Map<string, FakeDiagnostic[]>;
  documents: FakeDocument[];
  openDocument(path: string, text: string): FakeDocument;
  changeDocument(doc: FakeDocument, text: string): void;
  /** Workspace trust, and whether a folder (/work/course) is open. */
  state: { trusted: boolean; folders: boolean };
  controllers: FakeController[];
  openNotebooks: FakeNotebook[];
  opened: FakeEventEmitter<FakeNotebook>;
  closed: FakeEventEmitter<FakeNotebook>;
  visibleNotebookEditors: { notebook: unknown }[];
  visibleEditorsChanged: FakeEventEmitter<{ notebook: unknown }[]>;
  installedExtensions: Set<string>;
  extensionsChanged: FakeEventEmitter<void>;
  /** Completion, hover and signature-help providers registered (languages.register*Provider), with their selectors. */
  languageProviders: Array<{ kind: 'completion' | 'hover' | 'signature'; selector: unknown; provider: unknown }>;
  /** Notebook renderer messaging: what the host posted (to which editor), and a way to send as a renderer. */
  rendererPosts: { rendererId: string; message: unknown; editor: unknown }[];
  rendererSends: FakeEventEmitter<{ editor: unknown; message: unknown }>;
  /** workspace.onWillSaveNotebookDocument: fire with { notebook, waitUntil }. */
  willSaveNotebook: FakeEventEmitter<{ notebook: unknown; waitUntil(p: Promise<unknown>): void }>;
}

export interface FakeVscodeOptions {
  /** Initial settings (see FakeVscode.settings). */
  settings?: Record<string, unknown>;
  /** Whether a workspace folder is open (default: none). */
  folders?: boolean;
}

export function createFakeVscode(options: FakeVscodeOptions = {}): FakeVscode {
  const settings: Record<string, unknown> = { ...options.settings };
  const updates: FakeVscode['updates'] = [];
  const failUpdateOf = new Set<string>();
  const configChanged = new FakeEventEmitter<ConfigChange>();
  const commands = new Map<string, (...args: unknown[]) => unknown>();
  const executed: FakeVscode['executed'] = [];
  const messages: string[] = [];
  const progress: string[] = [];
  const notices: FakeVscode['notices'] = [];
  const answers: FakeVscode['answers'] = { buttons: new Map(), quickPick: [], input: [], open: [] };
  const inputBoxes: FakeVscode['inputBoxes'] = [];
  const quickPicks: FakeVscode['quickPicks'] = [];
  const fileSystems = new Map<string, vscode.FileSystemProvider>();
  const openedExternally: string[] = [];
  const clipboard = { text: '' };
  const panels: FakePanel[] = [];
  const serializers = new Map<string, Serializer>();
  const statusItems: StatusItem[] = [];
  const diagnostics = new Map<string, FakeDiagnostic[]>();
  const documents: FakeDocument[] = [];
  const documentOpened = new FakeEventEmitter<FakeDocument>();
  const documentChanged = new FakeEventEmitter<{ document: FakeDocument }>();
  const documentClosed = new FakeEventEmitter<FakeDocument>();
  const state = { trusted: true, folders: options.folders ?? false };
  const controllers: FakeController[] = [];
  const openNotebooks: FakeNotebook[] = [];
  const opened = new FakeEventEmitter<FakeNotebook>();
  const closed = new FakeEventEmitter<FakeNotebook>();
  const visibleNotebookEditors: { notebook: unknown }[] = [];
  const visibleEditorsChanged = new FakeEventEmitter<{ notebook: unknown }[]>();
  const installedExtensions = new Set<string>();
  const extensionsChanged = new FakeEventEmitter<void>();
  const rendererPosts: FakeVscode['rendererPosts'] = [];
  const rendererSends = new FakeEventEmitter<{ editor: unknown; message: unknown }>();
  const willSaveNotebook = new FakeEventEmitter<{ notebook: unknown; waitUntil(p: Promise<unknown>): void }>();
  const globalState = new Map<string, unknown>();
  const languageProviders: FakeVscode['languageProviders'] = [];
  const registerProvider = (kind: FakeVscode['languageProviders'][number]['kind']) => (selector: unknown, provider: unknown) => {
    const entry = { kind, selector, provider };
    languageProviders.push(entry);
    return { dispose: () => void languageProviders.splice(languageProviders.indexOf(entry), 1) };
  };
  const ConfigurationTarget = { Global: 1, Workspace: 2, WorkspaceFolder: 3 };

  const notify = (kind: FakeVscode['notices'][number]['kind']) => (text: string) => {
    messages.push(text);
    notices.push({ kind, text });
    return Promise.resolve([...answers.buttons].find(([key]) => text.includes(key))?.[1]);
  };
  const configuration = (section?: string) => {
    const full = (key: string) => (section ? `${section}.${key}` : key);
    return {
      get: <T>(key: string, fallback?: T): T => {
        const k = full(key);
        return (`workspace:${k}` in settings ? settings[`workspace:${k}`] : k in settings ? settings[k] : fallback) as T;
      },
      inspect: (key: string) => ({ key: full(key), workspaceValue: settings[`workspace:${full(key)}`], globalValue: settings[full(key)] }),
      update: async (key: string, value: unknown, target: number = ConfigurationTarget.Global) => {
        const k = full(key);
        if (failUpdateOf.has(k)) throw new Error(`cannot write ${k}`);
        updates.push({ key: k, value, target });
        const scoped = target === ConfigurationTarget.Global ? k : `workspace:${k}`;
        if (value === undefined) delete settings[scoped];
        else settings[scoped] = value;
      },
    };
  };

  const vs = {
    Uri: FakeUri,
    EventEmitter: FakeEventEmitter,
    Disposable: class { constructor(private readonly fn: () => void) {} dispose() { this.fn(); } },
    ThemeIcon: FakeThemeIcon,
    ThemeColor: class { constructor(readonly id: string) {} },
    // Only what notebook-metadata edits need: the edits set per URI, and updateNotebookMetadata's new metadata.
    WorkspaceEdit: class {
      readonly entries: [unknown, unknown[]][] = [];
      set(uri: unknown, edits: unknown[]) { this.entries.push([uri, edits]); }
    },
    NotebookEdit: { updateNotebookMetadata: (newNotebookMetadata: unknown) => ({ newNotebookMetadata }) },
    // Like vscode.MarkdownString: untrusted unless told, no HTML, icons only when the constructor says so.
    MarkdownString: class {
      isTrusted: boolean | undefined = undefined;
      supportHtml = false;
      constructor(public value = '', public supportThemeIcons = false) {}
      appendMarkdown(s: string) { this.value += s; return this; }
    },
    TreeItem: FakeTreeItem,
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    ViewColumn: { Active: -1 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ProgressLocation: { Notification: 15 },
    QuickPickItemKind: { Separator: -1, Default: 0 },
    QuickInputButtons: { Back: BACK_BUTTON },
    TabInputText: class { constructor(readonly uri: FakeUri) {} },
    ConfigurationTarget,
    DiagnosticSeverity: { Error: 0 },
    Diagnostic: FakeDiagnostic,
    Range: class { constructor(readonly start: unknown, readonly end: unknown) {} },
    FileSystemError: FakeFileSystemError,
    FileType: { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 },
    FileChangeType: { Changed: 1, Created: 2, Deleted: 3 },
    FilePermission: { Readonly: 1 },
    NotebookCellOutput: FakeOutput,
    CancellationTokenSource: FakeCancellationTokenSource,
    NotebookCellOutputItem: FakeOutputItem,
    NotebookControllerAffinity: { Default: 1, Preferred: 2 },
    NotebookCellKind: { Markup: 1, Code: 2 },
    CompletionItemKind: { Text: 0, Method: 1, Function: 2, Field: 4, Variable: 5, Class: 6, Module: 8, Property: 9, Keyword: 13, File: 16 },
    CompletionItem: class { insertText?: unknown; range?: unknown; detail?: string; constructor(readonly label: unknown, readonly kind?: number) {} },
    Hover: class { readonly contents: unknown[]; constructor(contents: unknown, readonly range?: unknown) { this.contents = Array.isArray(contents) ? contents : [contents]; } },
    SignatureHelp: class { signatures: unknown[] = []; activeSignature = 0; activeParameter = 0; },
    SignatureInformation: class { parameters: unknown[] = []; constructor(readonly label: string, readonly documentation?: unknown) {} },
    ParameterInformation: class { constructor(readonly label: unknown) {} },
    env: {
      uriScheme: 'code-oss',
      clipboard: { writeText: async (t: string) => { clipboard.text = t; } },
      openExternal: async (u: FakeUri) => { openedExternally.push(u.toString()); return true; },
      asExternalUri: async (u: FakeUri) => u,
    },
    commands: {
      registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
        commands.set(id, fn);
        return { dispose: () => commands.delete(id) };
      },
      executeCommand: async (id: string, ...args: unknown[]) => {
        executed.push({ id, args });
        return commands.get(id)?.(...args);
      },
      getCommands: async () => [...commands.keys()],
    },
    languages: {
      registerCompletionItemProvider: registerProvider('completion'),
      registerHoverProvider: registerProvider('hover'),
      registerSignatureHelpProvider: registerProvider('signature'),
      createDiagnosticCollection: () => ({
        set: (uri: FakeUri, d: FakeDiagnostic[]) => diagnostics.set(uri.toString(), d),
        delete: (uri: FakeUri) => diagnostics.delete(uri.toString()),
        dispose: () => diagnostics.clear(),
      }),
    },
    notebooks: {
      createNotebookController: (id: string, type: string, label: string) => {
        const c = new FakeController(id, type, label);
        controllers.push(c);
        return c;
      },
      createRendererMessaging: (rendererId: string) => ({
        onDidReceiveMessage: rendererSends.event,
        postMessage: async (message: unknown, editor?: unknown) => {
          rendererPosts.push({ rendererId, message, editor });
          return true;
        },
      }),
    },
    extensions: {
      getExtension: (id: string) => (installedExtensions.has(id) ? { id } : undefined),
      onDidChange: extensionsChanged.event,
    },
    window: {
      createWebviewPanel: (viewType: string, title: string, _column: unknown, panelOptions: Record<string, unknown>) => {
        const p = new FakePanel(viewType, title, panelOptions);
        panels.push(p);
        return p;
      },
      registerWebviewPanelSerializer: (viewType: string, s: Serializer) => {
        serializers.set(viewType, s);
        return { dispose: () => serializers.delete(viewType) };
      },
      createStatusBarItem: (id?: unknown) => {
        const item: StatusItem = {
          id: typeof id === 'string' ? id : '', text: '', tooltip: undefined, name: '', command: undefined, backgroundColor: undefined, visible: false,
          show() { item.visible = true; }, hide() { item.visible = false; }, dispose() { item.visible = false; },
        };
        statusItems.push(item);
        return item;
      },
      setStatusBarMessage: (text: string) => {
        void notify('status')(text);
        return { dispose() {} };
      },
      showInformationMessage: notify('info'),
      showWarningMessage: notify('warning'),
      showErrorMessage: notify('error'),
      withProgress: async (o: { title?: string }, task: (p: { report(v: { message?: string }): void }, token: { isCancellationRequested: boolean; onCancellationRequested(l: () => void): unknown }) => Promise<unknown>) => {
        if (o.title) progress.push(o.title);
        return task({ report: (v) => void (v.message !== undefined && progress.push(v.message)) }, { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) });
      },
      createQuickPick: () => createFakeQuickPick(answers.quickPick, quickPicks),
      showQuickPick: async (items: Array<{ label: string }>, o?: { title?: string }) => {
        quickPicks.push({ title: o?.title, labels: items.map((i) => i.label), active: [], items });
        const want = answers.quickPick.shift();
        return want === undefined ? undefined : items.find((i) => i.label.startsWith(want));
      },
      // Like the editor: an answer the box's validateInput refuses is not accepted (recorded, and the box is cancelled).
      // With a cancellation token and no scripted answer, it stays open until the token is cancelled (a user who waits).
      showInputBox: async (o?: { validateInput?(v: string): string | undefined | Promise<string | undefined> }, token?: FakeCancellationToken) => {
        inputBoxes.push({ ...o });
        if (token && !answers.input.length) {
          await new Promise<void>((resolve) => (token.isCancellationRequested ? resolve() : token.onCancellationRequested(() => resolve())));
          return undefined;
        }
        const v = answers.input.shift();
        const problem = v !== undefined ? await o?.validateInput?.(v) : undefined;
        if (problem) {
          messages.push(problem);
          notices.push({ kind: 'input-refused', text: problem });
          return undefined;
        }
        return v;
      },
      showOpenDialog: async () => {
        const p = answers.open.shift();
        return p ? [FakeUri.file(p)] : undefined;
      },
      showSaveDialog: async () => undefined,
      showTextDocument: async () => undefined,
      activeTextEditor: undefined,
      activeNotebookEditor: undefined,
      visibleNotebookEditors,
      onDidChangeVisibleNotebookEditors: visibleEditorsChanged.event,
    },
    workspace: {
      get isTrusted() { return state.trusted; },
      get workspaceFolders() { return state.folders ? [{ uri: FakeUri.file('/work/course'), name: 'course', index: 0 }] : undefined; },
      get textDocuments() { return documents; },
      get notebookDocuments() { return openNotebooks; },
      onDidOpenTextDocument: documentOpened.event,
      onDidChangeTextDocument: documentChanged.event,
      onDidCloseTextDocument: documentClosed.event,
      onDidOpenNotebookDocument: opened.event,
      onDidCloseNotebookDocument: closed.event,
      onWillSaveNotebookDocument: willSaveNotebook.event,
      asRelativePath: (u: FakeUri) => u.path,
      openTextDocument: async (o: { content: string }) => {
        const doc = new FakeDocument(new FakeUri('untitled', '', `/Untitled-${documents.length + 1}`), o.content);
        documents.push(doc);
        return doc;
      },
      findFiles: async () => [],
      fs: {
        readFile: async (u: FakeUri) => new Uint8Array(await fs.readFile(u.path)),
        writeFile: async (u: FakeUri, data: Uint8Array) => fs.writeFile(u.path, data),
      },
      getConfiguration: configuration,
      onDidChangeConfiguration: configChanged.event,
      registerFileSystemProvider: (scheme: string, provider: vscode.FileSystemProvider) => {
        fileSystems.set(scheme, provider);
        return { dispose: () => fileSystems.delete(scheme) };
      },
    },
  };

  return {
    vs: vs as unknown as typeof vscode,
    context: {
      extensionUri: FakeUri.file('/ext'),
      globalState: { get: (k) => globalState.get(k), update: async (k, v) => void globalState.set(k, v), keys: () => [...globalState.keys()] },
      subscriptions: [],
    },
    globalState, Uri: FakeUri, settings, updates, failUpdateOf, configChanged,
    fireConfigChange: (...keys) => configChanged.fire({ affectsConfiguration: (s) => keys.some((k) => k === s || k.startsWith(`${s}.`)) }),
    commands, executed, messages, notices, progress, answers, inputBoxes, quickPicks, fileSystems, openedExternally, clipboard, panels, serializers, statusItems, diagnostics, documents,
    openDocument(path, text) {
      const doc = new FakeDocument(FakeUri.file(path), text);
      documents.push(doc);
      documentOpened.fire(doc);
      return doc;
    },
    changeDocument(doc, text) {
      doc.setText(text);
      documentChanged.fire({ document: doc });
    },
    state, controllers, openNotebooks, opened, closed, visibleNotebookEditors, visibleEditorsChanged, installedExtensions, extensionsChanged,
    languageProviders, rendererPosts, rendererSends, willSaveNotebook,
  };
}

const BACK_BUTTON = { iconPath: 'back' };

interface FakeCancellationToken { isCancellationRequested: boolean; onCancellationRequested(l: () => void): { dispose(): void } }

class FakeCancellationTokenSource {
  private readonly cancelled = new FakeEventEmitter<void>();
  readonly token: FakeCancellationToken = { isCancellationRequested: false, onCancellationRequested: (l) => this.cancelled.event(l) };
  cancel(): void {
    if (this.token.isCancellationRequested) return;
    this.token.isCancellationRequested = true;
    this.cancelled.fire();
  }
  dispose(): void {
    this.cancelled.dispose();
  }
}

/** A QuickPick that answers when shown: the first item whose label starts with the scripted answer, Back, or hidden. */
function createFakeQuickPick(script: string[], shown: FakeVscode['quickPicks']) {
  const accepted = new FakeEventEmitter<void>();
  const hidden = new FakeEventEmitter<void>();
  const button = new FakeEventEmitter<unknown>();
  const qp = {
    title: undefined as string | undefined, items: [] as Array<{ label: string }>, activeItems: [] as Array<{ label: string }>,
    selectedItems: [] as Array<{ label: string }>, buttons: [] as unknown[], ignoreFocusOut: false, placeholder: undefined as string | undefined,
    onDidAccept: accepted.event, onDidHide: hidden.event, onDidTriggerButton: button.event,
    show() {
      shown.push({ title: qp.title, labels: qp.items.map((i) => i.label), active: qp.activeItems.map((i) => i.label), items: qp.items });
      const want = script.shift();
      setImmediate(() => {
        if (want === '$(back)' && qp.buttons.includes(BACK_BUTTON)) return button.fire(BACK_BUTTON);
        const item = want === undefined ? undefined : qp.items.find((i) => i.label.startsWith(want));
        if (!item) return qp.hide();
        qp.selectedItems = [item];
        accepted.fire();
      });
    },
    hide() { hidden.fire(); },
    dispose() {},
  };
  return qp;
}

/** Lets pending promise callbacks run (flows await several steps between test actions). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}
