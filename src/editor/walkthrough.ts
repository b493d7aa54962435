// The "Get started" walkthrough's steps tick when the user has really done them: each step's completionEvents in
// package.json is `onContext:<key>`, and the feature that sees the step done sets its key (never a click on a link).
import type * as vscode from 'vscode';
import { readEditorFlag } from './settings';

const WALKTHROUGH_ID = 'pangeo.gettingStarted';
const SHOWN_KEY = 'pangeo.walkthrough.shown';

export const WALKTHROUGH_KEYS = {
  /** The extension is signed in to a hub where it runs: inside a hub's server by itself, elsewhere once you signed in. */
  places: 'pangeo.walkthrough.placeKnown',
  /** A hub is signed in. */
  connect: 'pangeo.walkthrough.signedIn',
  /** A hub server is ready for kernels. */
  kernel: 'pangeo.walkthrough.serverReady',
  /** A Dask cluster was scaled or made adaptive. */
  dask: 'pangeo.walkthrough.clusterScaled',
  /** A cost budget is set. */
  cost: 'pangeo.walkthrough.budgetSet',
} as const;

export type WalkthroughStep = keyof typeof WALKTHROUGH_KEYS;

const done = new WeakMap<object, Set<WalkthroughStep>>();

/** Marks `step` done in this window (the editor remembers completed steps itself). */
export function completeWalkthroughStep(vs: typeof vscode, step: WalkthroughStep): void {
  const set = done.get(vs) ?? new Set<WalkthroughStep>();
  done.set(vs, set);
  if (set.has(step)) return;
  set.add(step);
  void Promise.resolve(vs.commands.executeCommand('setContext', WALKTHROUGH_KEYS[step], true)).then(undefined, () => undefined);
}

/**
 * How long the walkthrough waits before it opens: code-server opens a preset link's file only once the extension it
 * activated is running, so the link (which comes first) has arrived by then.
 */
export const WALKTHROUGH_SETTLE_MS = 3_000;

/**
 * Opens the walkthrough the first time the extension runs in this profile: the editor does so itself only for
 * extensions installed from the Marketplace view, not with `--install-extension` (code-server, the demo). Honours
 * the editor's own switch, `workbench.welcomePage.walkthroughs.openOnInstall`.
 */
export async function openWalkthroughOnFirstStart(vs: typeof vscode, context: Pick<vscode.ExtensionContext, 'globalState' | 'extension'>,
  comesFirst: () => boolean = () => false, settleMs = WALKTHROUGH_SETTLE_MS): Promise<void> {
  // What the user opened this editor for (a preset link to review) comes first: the walkthrough waits for the next start.
  if (context.globalState.get(SHOWN_KEY) || comesFirst()) return;
  if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
  if (context.globalState.get(SHOWN_KEY) || comesFirst()) return;
  await context.globalState.update(SHOWN_KEY, true);
  if (!readEditorFlag(vs, 'workbench.welcomePage.walkthroughs.openOnInstall', true) || comesFirst()) return;
  // Behind what the window already shows (the notebook whose opening started the extension, a review page), as the
  // editor itself does when an editor has focus; in front in an empty window.
  const showing = (vs.window.tabGroups as vscode.TabGroups | undefined)?.activeTabGroup?.activeTab !== undefined;
  await vs.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#${WALKTHROUGH_ID}`, { toSide: false, inactive: showing });
}
