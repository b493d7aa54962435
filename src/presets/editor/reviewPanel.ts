// The review page in a webview panel: shows the plan, waits for consent, then mirrors the run's progress.
import type * as vscode from 'vscode';
import { buildWebviewHtml } from '../../editor/webview/webviewHtml';
import { makeNonce } from '../../editor/webview/nonce';
import type { Logger } from '../../core/log';
import { Disposable } from '../../core/lifecycle';
import { plainLabel } from '../../shared/text/untrustedText';
import {
  isReviewWebviewMessage,
  type ReviewHostMessage,
  type ReviewModel,
  type StepStatus,
} from '../../shared/protocol/presetReview';
import { PRESET_REVIEW_VIEW_TYPE } from '../presetFileScheme';

export type ReviewDecision = 'apply' | 'cancel';

export class PresetReviewPanel extends Disposable implements vscode.Disposable {
  private ready = false;
  private queue: ReviewHostMessage[] = [];
  private decided: ((d: ReviewDecision) => void) | undefined;
  private readonly decisionPromise: Promise<ReviewDecision>;
  private retryListener: (() => void) | undefined;
  private disposed = false;

  static open(vs: typeof vscode, extensionUri: vscode.Uri, logger: Logger, review: ReviewModel): PresetReviewPanel {
    const panel = vs.window.createWebviewPanel(PRESET_REVIEW_VIEW_TYPE, `Preset: ${plainLabel(review.name)}`, vs.ViewColumn.Active, {
      enableScripts: true,
      // The page may load only its own bundle; nothing else of the extension or the disk.
      localResourceRoots: [vs.Uri.joinPath(extensionUri, 'dist', 'webviews')],
      retainContextWhenHidden: true,
    });
    const scriptUri = panel.webview.asWebviewUri(vs.Uri.joinPath(extensionUri, 'dist', 'webviews', 'presetReview.js')).toString();
    panel.webview.html = buildWebviewHtml({ title: `Preset: ${review.name}`, nonce: makeNonce(), cspSource: panel.webview.cspSource, scriptUri });
    return new PresetReviewPanel(panel, logger, review);
  }

  constructor(readonly panel: vscode.WebviewPanel, private readonly logger: Logger, review: ReviewModel) {
    super();
    this.decisionPromise = new Promise((resolve) => { this.decided = resolve; });
    this.queue.push({ type: 'review/show', review });
    this._register(panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)));
    this._register(panel.onDidDispose(() => {
      this.disposed = true;
      // Closing the page is a "no".
      this.decide('cancel');
      super.dispose();
    }));
  }

  /** Resolves with the user's choice; closing the panel counts as cancel. */
  decision(): Promise<ReviewDecision> {
    return this.decisionPromise;
  }

  onRetry(listener: () => void): void {
    this.retryListener = listener;
  }

  step(index: number, status: StepStatus, message?: string): void {
    this.post({ type: 'review/step', index, status, message });
  }

  finish(status: 'done' | 'failed' | 'cancelled', message: string, canRetry: boolean): void {
    this.post({ type: 'review/finished', status, message, canRetry });
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Closes the page (which counts as cancel when nothing was decided yet). */
  override dispose(): void {
    this.panel.dispose();
  }

  private decide(d: ReviewDecision): void {
    const resolve = this.decided;
    this.decided = undefined;
    resolve?.(d);
  }

  private post(m: ReviewHostMessage): void {
    if (this.disposed) return;
    if (!this.ready) {
      this.queue.push(m);
      return;
    }
    void Promise.resolve(this.panel.webview.postMessage(m)).catch(() => undefined);
  }

  private receive(raw: unknown): void {
    if (!isReviewWebviewMessage(raw)) {
      this.logger.warn('preset review: ignored a malformed webview message');
      return;
    }
    switch (raw.type) {
      case 'ready': {
        this.ready = true;
        const pending = this.queue;
        this.queue = [];
        for (const m of pending) this.post(m);
        return;
      }
      case 'review/decision':
        this.decide(raw.decision);
        return;
      case 'review/retry':
        this.retryListener?.();
        return;
    }
  }
}
