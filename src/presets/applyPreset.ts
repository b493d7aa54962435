// Runs a preset's plan step by step with injected step implementations: nothing runs when validation fails or a
// step has no implementation; the first failure stops the run, says which step, and can be retried from there.
import { CancelledError, isPangeoError } from '../core/http/errors';
import { redact } from '../core/http/redact';
import { describePresetPlan, type PlanStep, type PlanStepKind, type PlanStepOf, type PresetPlan } from './presetPlan';
import { validatePreset, type ValidateOptions } from './validatePreset';
import type { Preset, PresetProblem, PresetValidation } from './presetTypes';

/** Results steps hand to later steps (e.g. the started server's URL for kernel selection). */
export type ApplyState = Record<string, unknown>;

export interface StepContext {
  preset: Preset;
  plan: PresetPlan;
  state: ApplyState;
  signal: AbortSignal;
  /** A progress line for the current step (e.g. the hub's spawn messages). */
  report(message: string): void;
}

export type StepRunner<K extends PlanStepKind> = (step: PlanStepOf<K>, ctx: StepContext) => Promise<void>;
export type StepImplementations = { [K in PlanStepKind]?: StepRunner<K> };

export type ApplyEvent =
  | { type: 'step-started'; index: number; total: number; step: PlanStep }
  | { type: 'step-progress'; index: number; total: number; step: PlanStep; message: string }
  | { type: 'step-succeeded'; index: number; total: number; step: PlanStep }
  | { type: 'step-failed'; index: number; total: number; step: PlanStep; message: string };

export interface RunOptions {
  /** Index of the first step to run (a retry starts at the failed step). */
  from?: number;
  state?: ApplyState;
  signal?: AbortSignal;
  onProgress?(event: ApplyEvent): void;
}

export type ApplyOutcome =
  | { status: 'invalid'; problems: PresetProblem[] }
  | { status: 'unsupported'; missing: PlanStepKind[] }
  | { status: 'done'; plan: PresetPlan; completed: PlanStep[]; state: ApplyState }
  | {
      status: 'failed'; plan: PresetPlan; completed: PlanStep[]; state: ApplyState;
      failed: { index: number; step: PlanStep; message: string; error: unknown; cancelled: boolean };
      /** Runs again from the failed step, keeping what earlier steps produced. */
      retry(options?: Omit<RunOptions, 'from' | 'state'>): Promise<ApplyOutcome>;
    };

/** State key listing the step ids that have succeeded (across retries). */
const COMPLETED_KEY = '__completedSteps';

export function missingImplementations(plan: PresetPlan, impls: StepImplementations): PlanStepKind[] {
  return [...new Set(plan.steps.map((s) => s.kind))].filter((k) => typeof impls[k] !== 'function');
}

/** Runs `plan` from `options.from`; settings are written only once every step before them has succeeded. */
export async function runPlan(preset: Preset, plan: PresetPlan, impls: StepImplementations, options: RunOptions = {}): Promise<ApplyOutcome> {
  const missing = missingImplementations(plan, impls);
  if (missing.length) return { status: 'unsupported', missing };
  const state: ApplyState = options.state ?? {};
  const done = new Set<string>((state[COMPLETED_KEY] as string[] | undefined) ?? []);
  const signal = options.signal ?? new AbortController().signal;
  const total = plan.steps.length;
  const from = Math.max(0, Math.min(options.from ?? 0, total));
  const emit = (event: ApplyEvent) => {
    try {
      options.onProgress?.(event);
    } catch {
      // a broken progress display must not break applying
    }
  };
  for (let index = from; index < total; index++) {
    const step = plan.steps[index]!;
    try {
      if (signal.aborted) throw new CancelledError('Applying the preset');
      // Atomicity guard: a step that changes the editor's configuration needs every earlier step to have succeeded.
      if (step.kind === 'apply-settings') {
        const notDone = plan.steps.slice(0, index).filter((s) => !done.has(s.id));
        if (notDone.length) throw new Error(`settings are not written because earlier steps did not succeed: ${notDone.map((s) => s.id).join(', ')}`);
      }
      emit({ type: 'step-started', index, total, step });
      const run = impls[step.kind] as StepRunner<typeof step.kind>;
      await run(step, {
        preset, plan, state, signal,
        report: (message) => emit({ type: 'step-progress', index, total, step, message: redact(message) }),
      });
      if (signal.aborted) throw new CancelledError('Applying the preset');
      done.add(step.id);
      state[COMPLETED_KEY] = [...done];
      emit({ type: 'step-succeeded', index, total, step });
    } catch (error) {
      const message = redact(isPangeoError(error) ? error.userMessage : error instanceof Error ? error.message : String(error));
      emit({ type: 'step-failed', index, total, step, message });
      return {
        status: 'failed', plan, state,
        completed: plan.steps.filter((s) => done.has(s.id)),
        failed: { index, step, message, error, cancelled: isPangeoError(error, 'Cancelled') },
        retry: (again = {}) => runPlan(preset, plan, impls, { ...again, from: index, state }),
      };
    }
  }
  return { status: 'done', plan, state, completed: plan.steps.filter((s) => done.has(s.id)) };
}

/** Validates (again: an expiry may have passed since review), plans and runs; an invalid preset runs nothing. */
export async function applyPreset(
  input: string | Uint8Array | PresetValidation,
  impls: StepImplementations,
  options: RunOptions & { validate?: ValidateOptions } = {},
): Promise<ApplyOutcome> {
  const validation = typeof input === 'string' || input instanceof Uint8Array
    ? validatePreset(input, options.validate)
    : input.ok ? validatePreset(input.text, options.validate) : input;
  if (!validation.ok) return { status: 'invalid', problems: validation.problems };
  const plan = describePresetPlan(validation.preset);
  return runPlan(validation.preset, plan, impls, options);
}
