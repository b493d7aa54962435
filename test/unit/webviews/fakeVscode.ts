// Just enough of the vscode API to run the dashboard and cost modules in plain Node.
type Listener<T> = (e: T) => unknown;

class Emitter<T> {
  private listeners: Listener<T>[] = [];
  event = (l: Listener<T>) => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T) {
    for (const l of [...this.listeners]) l(e);
  }
}

export class FakeUri {
  constructor(readonly path: string) {}
  static joinPath(base: FakeUri, ...parts: string[]) {
    return new FakeUri([base.path, ...parts].join('/'));
  }
  static parse(s: string) {
    return new FakeUri(s);
  }
  toString() {
    return this.path;
  }
}

export class FakePanel {
  visible = true;
  title = '';
  disposed = false;
  readonly received = new Emitter<unknown>();
  readonly viewState = new Emitter<{ webviewPanel: FakePanel }>();
  readonly disposeEmitter = new Emitter<void>();
  readonly posted: unknown[] = [];
  readonly webview = {
    options: {} as { enableScripts?: boolean; localResourceRoots?: FakeUri[] },
    html: '',
    cspSource: 'https://webview.test',
    asWebviewUri: (u: FakeUri) => new FakeUri(`https://webview.test${u.path}`),
    postMessage: async (m: unknown) => { this.posted.push(m); return true; },
    onDidReceiveMessage: this.received.event,
  };
  constructor(readonly viewType: string) {}
  onDidChangeViewState = this.viewState.event;
  onDidDispose = this.disposeEmitter.event;
  reveal() {}
  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
  }
  setVisible(v: boolean) {
    this.visible = v;
    this.viewState.fire({ webviewPanel: this });
  }
}

export function fakeVscode(settings: Record<string, unknown> = {}) {
  const commands = new Map<string, (...a: unknown[]) => unknown>();
  const serializers = new Map<string, { deserializeWebviewPanel(p: FakePanel, state: unknown): Promise<void> }>();
  const panels: FakePanel[] = [];
  const messages: string[] = [];
  const opened: string[] = [];
  const statusItems: { text: string; tooltip: unknown; visible: boolean; command?: string }[] = [];
  const configChange = new Emitter<{ affectsConfiguration(s: string): boolean }>();
  const vs = {
    Uri: FakeUri,
    ViewColumn: { Active: -1 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ConfigurationTarget: { Global: 1, Workspace: 2 },
    MarkdownString: class { supportThemeIcons = false; constructor(readonly value: string) {} },
    ThemeColor: class { constructor(readonly id: string) {} },
    commands: {
      registerCommand: (id: string, fn: (...a: unknown[]) => unknown) => {
        commands.set(id, fn);
        return { dispose: () => commands.delete(id) };
      },
      executeCommand: async (id: string, ...args: unknown[]) => commands.get(id)?.(...args),
      getCommands: async () => [...commands.keys()],
    },
    window: {
      createWebviewPanel: (viewType: string) => {
        const p = new FakePanel(viewType);
        panels.push(p);
        return p;
      },
      registerWebviewPanelSerializer: (viewType: string, s: { deserializeWebviewPanel(p: FakePanel, state: unknown): Promise<void> }) => {
        serializers.set(viewType, s);
        return { dispose: () => serializers.delete(viewType) };
      },
      createStatusBarItem: () => {
        const item = { text: '', tooltip: undefined as unknown, visible: false, command: undefined as string | undefined, name: '', backgroundColor: undefined as unknown,
          show() { item.visible = true; }, hide() { item.visible = false; }, dispose() { item.visible = false; } };
        statusItems.push(item);
        return item;
      },
      showInformationMessage: async (m: string) => { messages.push(m); return undefined; },
      showWarningMessage: async (m: string) => { messages.push(m); return undefined; },
      showInputBox: async () => undefined,
    },
    workspace: {
      workspaceFolders: undefined,
      getConfiguration: (section?: string) => ({
        get: <T>(key: string, dflt?: T) => (`${section ? `${section}.` : ''}${key}` in settings ? settings[`${section ? `${section}.` : ''}${key}`] : dflt) as T,
        update: async (key: string, value: unknown) => { settings[`${section ? `${section}.` : ''}${key}`] = value; },
      }),
      onDidChangeConfiguration: configChange.event,
    },
    env: { openExternal: async (u: FakeUri) => { opened.push(u.toString()); return true; } },
  };
  const state = new Map<string, unknown>();
  const context = {
    extensionUri: new FakeUri('/ext'),
    globalState: { get: (k: string) => state.get(k), update: async (k: string, v: unknown) => void state.set(k, v), keys: () => [...state.keys()] },
    subscriptions: [] as { dispose(): unknown }[],
  };
  /** What the editor does after a settings change: tells every listener which sections it touches. */
  const fireConfigChange = (...keys: string[]) => configChange.fire({ affectsConfiguration: (s: string) => keys.some((k) => k === s || k.startsWith(`${s}.`)) });
  return { vs, context, commands, serializers, panels, messages, opened, statusItems, settings, state, fireConfigChange };
}
