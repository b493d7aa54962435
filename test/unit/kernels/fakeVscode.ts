// A small stand-in for the `vscode` API parts the notebook controllers use: controllers, cell executions that keep
// the cells' outputs, notebook events, settings, extensions and messages.
import type * as vscode from 'vscode';

type Listener<T> = (value: T) => void;

export class FakeEvent<T> {
  private readonly listeners = new Set<Listener<T>>();
  event = (listener: Listener<T>) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
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

export class FakeExecution {
  executionOrder: number | undefined;
  private started = false;
  readonly token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
  constructor(readonly cell: FakeCell) {}
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
  readonly selection = new FakeEvent<{ notebook: FakeNotebook; selected: boolean }>();
  readonly onDidChangeSelectedNotebooks = this.selection.event;
  readonly affinity = new Map<FakeNotebook, number>();
  constructor(readonly id: string, readonly notebookType: string, readonly label: string) {}
  updateNotebookAffinity(notebook: FakeNotebook, affinity: number) {
    this.affinity.set(notebook, affinity);
  }
  createNotebookCellExecution(cell: FakeCell) {
    return new FakeExecution(cell);
  }
  dispose() {
    this.disposed = true;
  }
}

export interface FakeVs {
  vs: typeof vscode;
  controllers: FakeController[];
  settings: Record<string, unknown>;
  installedExtensions: Set<string>;
  openNotebooks: FakeNotebook[];
  messages: string[];
  opened: FakeEvent<FakeNotebook>;
  closed: FakeEvent<FakeNotebook>;
  configChanged: FakeEvent<{ affectsConfiguration(s: string): boolean }>;
  extensionsChanged: FakeEvent<void>;
  trusted: { value: boolean };
  visibleNotebookEditors: { notebook: unknown }[];
  visibleEditorsChanged: FakeEvent<{ notebook: unknown }[]>;
  /** Button to click for a message containing the key (else the message is dismissed). */
  answers: Map<string, string>;
  commands: { id: string; args: unknown[] }[];
}

export function createFakeVs(): FakeVs {
  const controllers: FakeController[] = [];
  const settings: Record<string, unknown> = {};
  const installedExtensions = new Set<string>();
  const openNotebooks: FakeNotebook[] = [];
  const messages: string[] = [];
  const opened = new FakeEvent<FakeNotebook>();
  const closed = new FakeEvent<FakeNotebook>();
  const configChanged = new FakeEvent<{ affectsConfiguration(s: string): boolean }>();
  const extensionsChanged = new FakeEvent<void>();
  const trusted = { value: true };
  const answers = new Map<string, string>();
  const commands: { id: string; args: unknown[] }[] = [];
  const visibleNotebookEditors: { notebook: unknown }[] = [];
  const visibleEditorsChanged = new FakeEvent<{ notebook: unknown }[]>();
  const message = (text: string) => {
    messages.push(text);
    const answer = [...answers].find(([key]) => text.includes(key))?.[1];
    return Promise.resolve(answer);
  };
  const vs = {
    NotebookCellOutput: FakeOutput,
    NotebookControllerAffinity: { Default: 1, Preferred: 2 },
    NotebookCellOutputItem: FakeOutputItem,
    notebooks: {
      createNotebookController: (id: string, type: string, label: string) => {
        const c = new FakeController(id, type, label);
        controllers.push(c);
        return c;
      },
    },
    workspace: {
      get notebookDocuments() {
        return openNotebooks;
      },
      get isTrusted() {
        return trusted.value;
      },
      onDidOpenNotebookDocument: opened.event,
      onDidCloseNotebookDocument: closed.event,
      onDidChangeConfiguration: configChanged.event,
      getConfiguration: (section?: string) => ({
        get: <T>(name: string, fallback: T): T => (`${section ? `${section}.` : ''}${name}` in settings ? settings[`${section ? `${section}.` : ''}${name}`] as T : fallback),
      }),
    },
    extensions: {
      getExtension: (id: string) => (installedExtensions.has(id) ? { id } : undefined),
      onDidChange: extensionsChanged.event,
    },
    commands: {
      executeCommand: (id: string, ...args: unknown[]) => {
        commands.push({ id, args });
        return Promise.resolve(undefined);
      },
    },
    window: {
      activeNotebookEditor: undefined,
      visibleNotebookEditors,
      onDidChangeVisibleNotebookEditors: visibleEditorsChanged.event,
      setStatusBarMessage: (text: string) => {
        messages.push(text);
        return { dispose() {} };
      },
      showWarningMessage: message,
      showInformationMessage: message,
      showErrorMessage: message,
    },
  };
  return {
    vs: vs as unknown as typeof vscode, controllers, settings, installedExtensions, openNotebooks, messages,
    opened, closed, configChanged, extensionsChanged, trusted, answers, commands, visibleNotebookEditors, visibleEditorsChanged,
  };
}
