// The editor side of applying a preset: load it (file, URL, link), show the review page, and only on consent run
// the steps with progress, failure reporting and retry. Untrusted workspaces get the review but no Apply.
import type * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import { showError } from '../../editor/showError';
import { inspectAnySetting } from '../../editor/settings';
import { applyPreset, type ApplyEvent, type ApplyOutcome, type StepImplementations } from '../applyPreset';
import { fetchPresetFromUrl } from '../fetchPreset';
import { describePresetPlan } from '../presetPlan';
import { parsePresetLink, type UriParts } from '../presetLink';
import { validatePreset } from '../validatePreset';
import { problemText } from '../problemText';
import { keysToCompare, reviewWarnings, type CurrentSettings } from '../reviewWarnings';
import type { PresetValidation } from '../presetTypes';
import { PresetReviewPanel } from './reviewPanel';
import type { ReviewModel } from '../../shared/protocol/presetReview';
import { notificationText } from '../../shared/text/untrustedText';

export interface PresetFlowDeps {
  vs: typeof vscode;
  extensionUri: vscode.Uri;
  logger: Logger;
  /** Step implementations, asked for at apply time (so the lead's hub and Dask steps see current sign-ins). */
  steps(): StepImplementations;
}

export type SourceKind = ReviewModel['sourceKind'];

type RunAttempt = (signal: AbortSignal, onProgress: (e: ApplyEvent) => void) => Promise<ApplyOutcome>;

export class PresetFlows {
  constructor(private readonly deps: PresetFlowDeps) {}

  async fromFile(uri: vscode.Uri): Promise<void> {
    const bytes = await this.deps.vs.workspace.fs.readFile(uri);
    await this.review(validatePreset(bytes), uri.scheme === 'file' ? uri.fsPath : uri.toString(), 'file');
  }

  async fromUrl(url: string, kind: SourceKind = 'url'): Promise<void> {
    const { vs, logger } = this.deps;
    const validation = await vs.window.withProgress(
      { location: vs.ProgressLocation.Notification, title: notificationText(`Downloading the preset from ${url}`).text, cancellable: true },
      (_p, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return fetchPresetFromUrl(url, { logger, signal: controller.signal });
      },
    );
    await this.review(validation, url, kind);
  }

  /** The URI handler's entry: vscode://pangeo-compute.pangeo-compute/preset?url=… or ?data=… */
  async fromLink(uri: UriParts): Promise<void> {
    const parsed = parsePresetLink(uri);
    switch (parsed.kind) {
      case 'invalid':
        await this.deps.vs.window.showErrorMessage(notificationText(`This preset link cannot be used: ${parsed.reason}.`).text);
        return;
      case 'url':
        await this.fromUrl(parsed.url, 'link');
        return;
      case 'inline':
        await this.review(parsed.validation, 'a link (the preset was inside the link)', 'link');
    }
  }

  /** Shows the review page; runs the plan only when the user chooses Apply in a trusted workspace. */
  async review(validation: PresetValidation, source: string, sourceKind: SourceKind): Promise<void> {
    const { vs, logger } = this.deps;
    if (!validation.ok) {
      await this.reportProblems(validation, source);
      return;
    }
    const plan = describePresetPlan(validation.preset);
    const untrusted = !vs.workspace.isTrusted;
    const settingsTarget = vs.workspace.workspaceFolders?.length ? 'workspace' : 'user';
    const model: ReviewModel = {
      name: plan.name, description: plan.description, instructor: plan.instructor, expires: plan.expires, source, sourceKind,
      steps: plan.steps.map((s) => ({
        id: s.id,
        title: s.kind === 'apply-settings' ? s.title.replace('workspace setting', `${settingsTarget} setting`) : s.title,
        details: s.details,
      })),
      warnings: reviewWarnings(plan, this.currentSettings(keysToCompare(plan))),
      blockedReason: untrusted ? 'This workspace is not trusted, so presets cannot be applied here. Trust the workspace (Manage Workspace Trust) and open the preset again.' : undefined,
    };
    const panel = PresetReviewPanel.open(vs, this.deps.extensionUri, logger, model);
    const decision = await panel.decision();
    if (decision !== 'apply') {
      logger.info(`Preset "${plan.name}" from ${source}: not applied (the user cancelled)`);
      return;
    }
    // Trust could have been revoked while the page was open.
    if (!vs.workspace.isTrusted) {
      panel.finish('cancelled', 'The workspace is not trusted: nothing was applied.', false);
      return;
    }
    logger.info(`Preset "${plan.name}" from ${source}: applying ${plan.steps.length} steps with the user's consent`);
    await this.run(validation, panel);
  }

  /** Values the user set (any scope, defaults excluded): what the preset would replace. */
  private currentSettings(keys: string[]): CurrentSettings {
    return Object.fromEntries(keys.map((k) => {
      const i = inspectAnySetting(this.deps.vs, k);
      return [k, i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue];
    }));
  }

  private async run(validation: PresetValidation, panel: PresetReviewPanel): Promise<void> {
    let running = false;
    const attempt = async (go: RunAttempt): Promise<void> => {
      // One run at a time: the Retry button and the notification's Retry may both be pressed.
      if (running) return;
      running = true;
      try {
        const outcome = await this.withProgress(validation.ok ? validation.preset.name : '', panel, go);
        await this.finished(outcome, panel, (next) => void attempt(next));
      } finally {
        running = false;
      }
    };
    await attempt((signal, onProgress) => applyPreset(validation, this.deps.steps(), { signal, onProgress }));
  }

  private withProgress(name: string, panel: PresetReviewPanel, go: RunAttempt): Thenable<ApplyOutcome> {
    const { vs } = this.deps;
    return vs.window.withProgress(
      { location: vs.ProgressLocation.Notification, title: notificationText(`Applying the preset "${name}"`).text, cancellable: true },
      (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return go(controller.signal, (e) => {
          const at = `${e.index + 1}/${e.total}`;
          if (e.type === 'step-started') {
            panel.step(e.index, 'running');
            progress.report({ message: notificationText(`${at}: ${e.step.title}`).text, increment: 50 / e.total });
          } else if (e.type === 'step-progress') {
            progress.report({ message: notificationText(`${at}: ${e.message}`).text });
          } else if (e.type === 'step-succeeded') {
            panel.step(e.index, 'done');
            progress.report({ increment: 50 / e.total });
          } else {
            panel.step(e.index, 'failed', e.message);
          }
        });
      },
    );
  }

  private async finished(outcome: ApplyOutcome, panel: PresetReviewPanel, again: (go: RunAttempt) => void): Promise<void> {
    const { vs, logger } = this.deps;
    switch (outcome.status) {
      case 'done':
        panel.finish('done', `Done: ${outcome.completed.length} step${outcome.completed.length === 1 ? '' : 's'} applied.`, false);
        void vs.window.showInformationMessage(notificationText(`Preset applied (${outcome.completed.length} steps).`).text);
        return;
      case 'invalid':
        panel.finish('failed', `The preset is no longer valid: ${outcome.problems[0] ? problemText(outcome.problems[0]) : ''}. Nothing was applied.`, false);
        return;
      case 'unsupported':
        panel.finish('failed', `This version of the extension cannot do: ${outcome.missing.join(', ')}. Nothing was applied.`, false);
        return;
      case 'failed': {
        const { failed } = outcome;
        const retry = () => again((signal, onProgress) => outcome.retry({ signal, onProgress }));
        if (failed.cancelled) {
          panel.finish('cancelled', `Stopped at step ${failed.index + 1} (${failed.step.title}). Steps before it stay done; later ones did not run.`, true);
        } else {
          panel.finish('failed', `Step ${failed.index + 1} failed (${failed.step.title}): ${failed.message} Later steps did not run; settings were not changed.`, true);
          void showError(vs, logger, `Preset step "${failed.step.title}" failed`, failed.error, [{ title: 'Retry', run: retry }]);
        }
        panel.onRetry(retry);
        return;
      }
    }
  }

  private async reportProblems(validation: PresetValidation, source: string): Promise<void> {
    const { vs, logger } = this.deps;
    const lines = validation.problems.map((p) => `  ${problemText(p)}`);
    logger.warn(`Preset from ${source} is invalid; nothing was applied:\n${lines.join('\n')}`);
    const first = validation.problems[0];
    const picked = await vs.window.showErrorMessage(
      notificationText(`The preset from ${source} cannot be applied: ${first ? problemText(first) : 'it is invalid'}${validation.problems.length > 1 ? ` (and ${validation.problems.length - 1} more)` : ''}. Nothing was changed.`).text,
      'Show All Problems',
    );
    if (picked === 'Show All Problems') await vs.commands.executeCommand('pangeo.showLog');
  }
}
