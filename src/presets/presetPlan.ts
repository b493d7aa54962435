// What applying a preset would do, in order, as data (for the runner) and as text (for the review page and the CLI).
import type { BudgetAction, BudgetPeriod, DaskProviderName, OptionValue, Preset, PriceOverrides } from './presetTypes';

interface StepBase {
  /** Unique within a plan; equal to the kind (each kind appears at most once). */
  id: string;
  title: string;
  /** Exactly what the step will touch, one fact per line. */
  details: string[];
}

export type PlanStep =
  | (StepBase & { kind: 'sign-in'; hubUrl: string; oauthClientId?: string })
  | (StepBase & { kind: 'start-server'; hubUrl: string; serverName: string; profile?: string; userOptions: Record<string, OptionValue> })
  | (StepBase & { kind: 'get-content'; repo: string; branch?: string; target: 'workspace' | 'server' })
  | (StepBase & { kind: 'open-files'; paths: string[]; target: 'workspace' | 'server' })
  | (StepBase & { kind: 'select-kernel'; kernelName: string })
  | (StepBase & { kind: 'assume-aws-role'; roleArn: string; region?: string; durationSeconds: number; sessionName: string; identity: 'default' | 'web-identity' })
  | (StepBase & {
      kind: 'create-dask-cluster'; provider: DaskProviderName; url?: string; workspace?: string;
      options: Record<string, OptionValue>; workers?: number; adapt?: { minimum: number; maximum: number }; idleTimeoutMinutes?: number;
    })
  | (StepBase & {
      kind: 'set-budget'; amount?: number; currency: 'USD'; period?: BudgetPeriod; atLimit: BudgetAction;
      priceOverrides?: PriceOverrides;
      /** Profile prices for `hubUrl` (the preset's hub). */
      hubUrl?: string; hubProfilePrices?: Record<string, number>;
    })
  | (StepBase & { kind: 'recommend-extensions'; extensionIds: string[] })
  | (StepBase & { kind: 'apply-settings'; settings: Record<string, unknown> });

export type PlanStepKind = PlanStep['kind'];
export type PlanStepOf<K extends PlanStepKind> = Extract<PlanStep, { kind: K }>;

/** The order steps run in: each needs the ones before (a server before its kernel, credentials before the cluster). */
/** A Record, so adding a step kind without a place in the order does not compile. */
export const STEP_ORDER: Readonly<Record<PlanStepKind, number>> = {
  'sign-in': 0, 'start-server': 1, 'get-content': 2, 'open-files': 3, 'select-kernel': 4,
  'assume-aws-role': 5, 'create-dask-cluster': 6, 'set-budget': 7, 'recommend-extensions': 8, 'apply-settings': 9,
};

export interface PresetPlan {
  name: string;
  description?: string;
  instructor?: string;
  expires?: string;
  steps: PlanStep[];
}

const DEFAULT_AWS_DURATION = 3600;

/** The user_options a start request sends: the profile slug plus the preset's options (KubeSpawner's shape). */
export function startUserOptions(step: PlanStepOf<'start-server'>): Record<string, OptionValue> {
  return step.profile ? { profile: step.profile, ...step.userOptions } : { ...step.userOptions };
}

export function describePresetPlan(preset: Preset): PresetPlan {
  const steps: PlanStep[] = [];
  const { hub, content, kernel, aws, dask, cost } = preset;
  if (hub) {
    steps.push({
      kind: 'sign-in', id: 'sign-in', hubUrl: hub.url, oauthClientId: hub.oauthClientId,
      title: `Sign in to the hub ${hub.url}`,
      details: [`Hub: ${hub.url}`, ...(hub.oauthClientId ? [`OAuth client: ${hub.oauthClientId}`] : [])],
    });
    const serverName = hub.serverName ?? '';
    const options = hub.userOptions ?? {};
    steps.push({
      kind: 'start-server', id: 'start-server', hubUrl: hub.url, serverName, profile: hub.profile, userOptions: options,
      title: `Start ${serverName ? `the server "${serverName}"` : 'your default server'}${hub.profile ? ` with the profile "${hub.profile}"` : ''}`,
      details: [
        `Server: ${serverName || '(default)'}`,
        ...(hub.profile ? [`Profile: ${hub.profile}`] : []),
        ...Object.entries(options).map(([k, v]) => `Option ${k}: ${JSON.stringify(v)}`),
      ],
    });
  }
  if (content) {
    const target = content.target ?? 'workspace';
    steps.push({
      kind: 'get-content', id: 'get-content', repo: content.repo, branch: content.branch, target,
      title: `${target === 'server' ? 'Pull' : 'Clone'} ${content.repo}${content.branch ? ` (branch ${content.branch})` : ''} ${target === 'server' ? 'on the server' : 'into the workspace'}`,
      details: [`Repository: ${content.repo}`, `Branch: ${content.branch ?? '(default)'}`, `Destination: ${target === 'server' ? 'your server\'s home folder' : 'a folder in this workspace'}`],
    });
    if (content.open?.length) {
      steps.push({
        kind: 'open-files', id: 'open-files', paths: [...content.open], target,
        title: `Open ${content.open.length === 1 ? content.open[0] : `${content.open.length} files`}`,
        details: content.open.map((p) => `File: ${p}`),
      });
    }
  }
  if (kernel) {
    steps.push({ kind: 'select-kernel', id: 'select-kernel', kernelName: kernel.name, title: `Select the kernel "${kernel.name}"`, details: [`Kernelspec: ${kernel.name}`] });
  }
  if (aws) {
    const identity = aws.identity ?? 'default';
    const durationSeconds = aws.sessionDurationSeconds ?? DEFAULT_AWS_DURATION;
    steps.push({
      kind: 'assume-aws-role', id: 'assume-aws-role', roleArn: aws.roleArn, region: aws.region, durationSeconds,
      sessionName: aws.sessionName ?? 'pangeo-compute', identity,
      title: `Get short-lived AWS credentials for the role ${aws.roleArn}`,
      details: [
        `Role: ${aws.roleArn}`,
        `Identity used: ${identity === 'web-identity' ? 'your hub sign-in (AssumeRoleWithWebIdentity)' : 'your AWS credentials (AssumeRole)'}`,
        `Valid for: ${Math.round(durationSeconds / 60)} minutes, renewed while in use`,
        ...(aws.region ? [`Region: ${aws.region}`] : []),
      ],
    });
  }
  if (dask) {
    const sizing = dask.adapt ? `adaptive, ${dask.adapt.minimum}–${dask.adapt.maximum} workers` : dask.workers !== undefined ? `${dask.workers} workers` : 'the provider\'s default size';
    const options = dask.options ?? {};
    steps.push({
      kind: 'create-dask-cluster', id: 'create-dask-cluster', provider: dask.provider, url: dask.url, workspace: dask.workspace,
      options, workers: dask.workers, adapt: dask.adapt, idleTimeoutMinutes: dask.idleTimeoutMinutes,
      title: dask.provider === 'scheduler' ? `Connect to the Dask scheduler at ${dask.url}` : `Create a Dask cluster (${dask.provider}, ${sizing})`,
      details: [
        `Provider: ${dask.provider}`,
        ...(dask.url ? [`Address: ${dask.url}`] : []),
        ...(dask.workspace ? [`Workspace: ${dask.workspace}`] : []),
        `Size: ${sizing}`,
        ...Object.entries(options).map(([k, v]) => `Option ${k}: ${JSON.stringify(v)}`),
        ...(dask.idleTimeoutMinutes !== undefined ? [`Stops after ${dask.idleTimeoutMinutes} idle minutes`] : []),
      ],
    });
  }
  if (cost && (cost.budget || cost.priceOverrides || cost.atLimit || cost.hubProfilePrices)) {
    const b = cost.budget;
    const atLimit = cost.atLimit ?? 'none';
    steps.push({
      kind: 'set-budget', id: 'set-budget', amount: b?.amount, currency: b?.currency ?? 'USD', period: b?.period, atLimit,
      priceOverrides: cost.priceOverrides,
      ...(cost.hubProfilePrices && hub ? { hubUrl: hub.url, hubProfilePrices: { ...cost.hubProfilePrices } } : {}),
      title: b ? (b.amount > 0 ? `Set a budget of $${b.amount} per ${b.period}` : 'Remove the budget') : 'Set cost options',
      details: [
        ...(b ? [b.amount > 0 ? `Budget: ${b.amount} ${b.currency ?? 'USD'} per ${b.period}, warnings at 50, 80 and 100 %` : 'Budget: none'] : []),
        `At 100 %: ${atLimit === 'none' ? 'warn only' : atLimit === 'scaleClustersToZero' ? 'offer to scale Dask clusters to zero workers' : 'offer to stop servers and clusters'}`,
        ...priceLines(cost.priceOverrides),
        ...Object.entries(hub ? cost.hubProfilePrices ?? {} : {}).map(([slug, usd]) => `Price of a server with the profile "${slug}" on ${hub!.url}: $${usd}/h`),
      ],
    });
  }
  if (preset.recommendations?.length) {
    steps.push({
      kind: 'recommend-extensions', id: 'recommend-extensions', extensionIds: [...preset.recommendations],
      title: `Recommend ${preset.recommendations.length} extension${preset.recommendations.length === 1 ? '' : 's'} (nothing is installed without you)`,
      details: preset.recommendations.map((id) => `Extension: ${id}`),
    });
  }
  const settings = preset.settings ?? {};
  if (Object.keys(settings).length) {
    steps.push({
      kind: 'apply-settings', id: 'apply-settings', settings: { ...settings },
      title: `Change ${Object.keys(settings).length} workspace setting${Object.keys(settings).length === 1 ? '' : 's'}`,
      details: Object.entries(settings).map(([k, v]) => `Setting ${k} = ${JSON.stringify(v)}`),
    });
  }
  steps.sort((a, b) => STEP_ORDER[a.kind] - STEP_ORDER[b.kind]);
  return {
    name: preset.name,
    description: preset.description,
    instructor: preset.instructor ? `${preset.instructor.name}${preset.instructor.email ? ` <${preset.instructor.email}>` : ''}` : undefined,
    expires: preset.expires,
    steps,
  };
}

/** One line per price the preset overrides, e.g. "Price of aws m5.large: $0.096/h". */
function priceLines(p: PriceOverrides | undefined): string[] {
  if (!p) return [];
  const lines: string[] = [];
  const per = (label: string, v: { perCoreHour?: number; perGiBHour?: number } | undefined) => {
    if (v?.perCoreHour !== undefined) lines.push(`Price per core-hour${label}: $${v.perCoreHour}`);
    if (v?.perGiBHour !== undefined) lines.push(`Price per GiB-hour${label}: $${v.perGiBHour}`);
  };
  per('', p.fallback);
  for (const [cloud, c] of Object.entries(p.clouds ?? {})) {
    if (!c) continue;
    per(` on ${cloud}`, c);
    if (c.spotMultiplier !== undefined) lines.push(`Spot price on ${cloud}: ${c.spotMultiplier} × on-demand`);
    for (const [type, usd] of Object.entries(c.instances ?? {})) lines.push(`Price of ${cloud} ${type}: $${usd}/h`);
    for (const [region, table] of Object.entries(c.regions ?? {})) {
      for (const [type, usd] of Object.entries(table)) lines.push(`Price of ${cloud} ${type} in ${region}: $${usd}/h`);
    }
  }
  return lines;
}

/** The plan as plain text, numbered, with the preset's source first. */
export function planText(plan: PresetPlan, source?: string): string {
  const lines = [`Preset: ${plan.name}`];
  if (source) lines.push(`Source: ${source}`);
  if (plan.instructor) lines.push(`Instructor: ${plan.instructor}`);
  if (plan.description) lines.push(`Description: ${plan.description}`);
  if (plan.expires) lines.push(`Expires: ${plan.expires}`);
  lines.push('');
  if (!plan.steps.length) lines.push('Applying this preset does nothing.');
  plan.steps.forEach((s, i) => {
    lines.push(`${i + 1}. ${s.title}`);
    for (const d of s.details) lines.push(`     ${d}`);
  });
  return `${lines.join('\n')}\n`;
}
