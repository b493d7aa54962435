// The few pieces of the `vscode` API that plain-Node unit tests of editor adapters need (adapters take `vs` as a parameter).
export class FakeEventEmitter<T> {
  private listeners = new Set<(e: T) => void>();
  readonly event = (listener: (e: T) => void) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
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

export function fakeVs(): Record<string, unknown> {
  return {
    EventEmitter: FakeEventEmitter,
    ThemeIcon: FakeThemeIcon,
    ThemeColor: class { constructor(readonly id: string) {} },
    TreeItem: FakeTreeItem,
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    MarkdownString: class { constructor(readonly value: string) {} },
  };
}
