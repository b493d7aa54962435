// The handshake between an in-editor test and the harness's browser: the test (extension host) asks for a UI
// action by writing `<n>.request.json` into a shared folder; the harness does it in Chromium with Playwright and
// answers with `<n>.response.json`. That way input boxes and notifications are answered by real keystrokes and clicks.

/** Env var naming the shared folder; set on code-server, inherited by the extension host. */
export const UI_ENV = 'PANGEO_E2E_UI';

export type UiAction =
  /** Waits for the quick input whose text contains `expect`, then types `type` + Enter, clicks the row `pick`, or presses Escape (`escape`). */
  | { kind: 'quickInput'; expect: string; type?: string; pick?: string; escape?: boolean }
  /**
   * The editor's own (simple) file dialog titled `expect`: types the folder `path` (ending in '/'), waits until the
   * dialog shows that folder (its row `expectRow` listed, the input still `path`, not busy), then accepts it.
   */
  | { kind: 'folderDialog'; expect: string; path: string; expectRow: string }
  /** Waits for a notification toast containing `expect`, then clicks `button` (or closes the toast). */
  | { kind: 'notification'; expect: string; button?: string }
  /** Waits for a modal dialog containing `expect` (message or detail), returns its text, then clicks `button` (or Escape). */
  | { kind: 'dialog'; expect: string; button?: string }
  /**
   * Clicks (or with `hover`, only hovers) the first visible element matching `selector` and containing `hasText`;
   * `button: 'right'` opens its context menu.
   */
  | { kind: 'click'; selector: string; hasText?: string; hover?: boolean; button?: 'left' | 'right' }
  /** Returns the text of the first visible element matching `selector` (e.g. a view's tree rows). */
  | { kind: 'text'; selector: string }
  /**
   * Returns the text of the first visible element matching `selector` inside any webview (webviews are nested
   * iframes that the page's locators don't enter); with `match` (a regular expression), waits until it matches.
   */
  | { kind: 'webviewText'; selector: string; match?: string }
  /**
   * In the webview that shows `selector`: types `fill` into it (replacing its value), or clicks it; then presses each
   * key of `press` (Playwright key names, e.g. 'ArrowRight', 'Enter') on it, as a user at the keyboard.
   */
  | { kind: 'webviewInput'; selector: string; fill?: string; press?: string[] }
  /**
   * In the webview that shows `selector`: its page's scrollWidth and clientWidth and how many elements match each CSS
   * selector of `count`, as JSON (`WebviewPage`): a page wider than its panel, or markup made from a server's text.
   */
  | { kind: 'webviewPage'; selector: string; count: string[] }
  /** Returns how many elements match `selector` in the workbench page (0 is an answer, not a wait). */
  | { kind: 'count'; selector: string }
  /** Saves `<artifacts>/<name>.png` of the whole workbench. */
  | { kind: 'screenshot'; name: string }
  /**
   * From now on the browser (every page, frame and webview of its context) answers each GET of a route's exact `url`
   * with the bytes of `file` (a path on this machine) as `contentType`, and any other URL of those origins fails as
   * offline; the machine has no internet, so this stands in for a CDN. Replaces earlier routes; an empty list stops.
   */
  | { kind: 'serve'; routes: ServedRoute[] }
  /** How often each URL of the served origins was requested since the last `serve`, as JSON (`Record<url, count>`). */
  | { kind: 'served' };

export interface ServedRoute {
  url: string;
  file: string;
  contentType: string;
}

/** What `webviewPage` answers (as JSON text). */
export interface WebviewPage {
  scrollWidth: number;
  clientWidth: number;
  counts: Record<string, number>;
}

export interface UiRequest {
  id: number;
  action: UiAction;
  /** How long the harness may wait for the expected element. */
  timeoutMs: number;
}

export interface UiResponse {
  id: number;
  ok: boolean;
  /** For `text`: what was read. */
  text?: string;
  error?: string;
}

export const requestFile = (id: number) => `${id}.request.json`;
export const responseFile = (id: number) => `${id}.response.json`;
