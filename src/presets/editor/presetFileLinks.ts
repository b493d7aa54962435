// Preset links in code-server: its page opens `?payload=[["openFile","pangeo-preset:/preset?url=…"]]` as a file,
// so this read-only file system answers that file and hands the link to the review page (codeServerPresetLink).
import type * as vscode from 'vscode';
import type { UriParts } from '../presetLink';
import { PRESET_FILE_SCHEME, PRESET_REVIEW_VIEW_TYPE } from '../presetFileScheme';

/** The editor reads the file several times while opening it; one link opens one review within this time. */
const SAME_LINK_MS = 60_000;
/** How long the placeholder tab is looked for to close it (the review page is what the student needs). */
const CLOSE_TAB_WITHIN_MS = 30_000;

const TEXT = new TextEncoder().encode('Pangeo Compute opens this preset link on its review page (a tab of its own).\n');

/** Editors (a `vscode` API object each) in which a preset link arrived since the extension started. */
const linkArrived = new WeakSet<object>();

export function registerPresetFileLinks(vs: typeof vscode, open: (link: UriParts) => Promise<void>, now: () => number = Date.now): vscode.Disposable {
  const seen = new Map<string, number>();
  const handle = (uri: vscode.Uri) => {
    linkArrived.add(vs);
    const key = uri.toString();
    const at = seen.get(key);
    if (at !== undefined && now() - at < SAME_LINK_MS) return;
    seen.set(key, now());
    closePlaceholderTabs(vs);
    void open({ scheme: uri.scheme, authority: uri.authority, path: uri.path, query: uri.query });
  };
  const readOnly = () => vs.FileSystemError.NoPermissions('Preset links are read-only.');
  const changed = new vs.EventEmitter<vscode.FileChangeEvent[]>();
  const provider: vscode.FileSystemProvider = {
    onDidChangeFile: changed.event,
    watch: () => new vs.Disposable(() => undefined),
    stat: (uri) => {
      handle(uri);
      return { type: vs.FileType.File, ctime: 0, mtime: 0, size: TEXT.byteLength, permissions: vs.FilePermission.Readonly };
    },
    readFile: (uri) => {
      handle(uri);
      return TEXT;
    },
    readDirectory: () => [],
    createDirectory: () => { throw readOnly(); },
    writeFile: () => { throw readOnly(); },
    delete: () => { throw readOnly(); },
    rename: () => { throw readOnly(); },
  };
  const registration = vs.workspace.registerFileSystemProvider(PRESET_FILE_SCHEME, provider, { isReadonly: true, isCaseSensitive: true });
  return new vs.Disposable(() => {
    registration.dispose();
    changed.dispose();
  });
}

/** Closes the tab code-server opened for the link now and as it appears (so a reload does not open the review again). */
function closePlaceholderTabs(vs: typeof vscode): void {
  const groups = vs.window.tabGroups as vscode.TabGroups | undefined;
  if (!groups) return;
  const ours = () => groups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vs.TabInputText && t.input.uri.scheme === PRESET_FILE_SCHEME);
  const close = () => {
    const tabs = ours();
    if (tabs.length) void Promise.resolve(groups.close(tabs)).then(undefined, () => undefined);
  };
  close();
  const listener = groups.onDidChangeTabs(close);
  setTimeout(() => { listener.dispose(); }, CLOSE_TAB_WITHIN_MS);
}

/**
 * Whether a preset link is open for review in this window (it arrived since the start, or its placeholder file or review
 * page is open): a student's first start from a link shows the review first, and the walkthrough waits for the next
 * start instead of covering it. The arrival counts on its own: the placeholder tab is closed at once, and the review
 * page's tab reaches `tabGroups` only after the panel exists.
 */
export function presetLinkUnderReview(vs: typeof vscode): boolean {
  if (linkArrived.has(vs)) return true;
  const groups = vs.window.tabGroups as vscode.TabGroups | undefined;
  return !!groups?.all.some((g) => g.tabs.some((t) => (t.input instanceof vs.TabInputText && t.input.uri.scheme === PRESET_FILE_SCHEME)
    // The editor prefixes a webview tab's viewType with its own marker.
    || (t.input instanceof vs.TabInputWebview && t.input.viewType.endsWith(PRESET_REVIEW_VIEW_TYPE))));
}
