// The preset format, version 1, as TypeScript types (the JSON Schema in schemas/preset.schema.json is the contract).
import type { ProviderKind } from '../dask/clusterProvider';

export const PRESET_VERSION = 1;

export type OptionValue = string | number | boolean | Array<string | number | boolean>;

/** A preset names a Dask provider by the cluster model's own kind. */
export type DaskProviderName = ProviderKind;
/** The same values as the pangeo.cost.budget.* settings the budget step writes. */
export type BudgetPeriod = 'month' | 'day';
export type BudgetAction = 'none' | 'scaleClustersToZero' | 'stopAll';

export interface CloudPrices {
  perCoreHour?: number;
  perGiBHour?: number;
  spotMultiplier?: number;
  instances?: Record<string, number>;
  regions?: Record<string, Record<string, number>>;
}

/** The shape of the pangeo.cost.priceOverrides setting. */
export interface PriceOverrides {
  fallback?: { perCoreHour?: number; perGiBHour?: number };
  clouds?: { aws?: CloudPrices; gcp?: CloudPrices; azure?: CloudPrices };
}

export interface PresetV1 {
  $schema?: string;
  version: 1;
  name: string;
  description?: string;
  instructor?: { name: string; email?: string; url?: string };
  hub?: {
    url: string;
    serverName?: string;
    profile?: string;
    userOptions?: Record<string, OptionValue>;
    oauthClientId?: string;
  };
  content?: {
    repo: string;
    branch?: string;
    target?: 'workspace' | 'server';
    open?: string[];
  };
  kernel?: { name: string };
  dask?: {
    provider: DaskProviderName;
    url?: string;
    workspace?: string;
    options?: Record<string, OptionValue>;
    workers?: number;
    adapt?: { minimum: number; maximum: number };
    idleTimeoutMinutes?: number;
  };
  cost?: {
    budget?: { amount: number; currency?: 'USD'; period: BudgetPeriod };
    priceOverrides?: PriceOverrides;
    atLimit?: BudgetAction;
    /** $/h per profile slug of the preset's hub (for profiles that name no size). */
    hubProfilePrices?: Record<string, number>;
  };
  aws?: {
    roleArn: string;
    region?: string;
    sessionDurationSeconds?: number;
    sessionName?: string;
    identity?: 'default' | 'web-identity';
  };
  settings?: Record<string, unknown>;
  recommendations?: string[];
  expires?: string;
}

export type Preset = PresetV1;

export type ProblemCode =
  | 'too-large'
  | 'invalid-utf8'
  | 'too-deep'
  | 'syntax'
  | 'duplicate-key'
  | 'unsupported-version'
  | 'schema'
  | 'unknown-key'
  | 'missing-key'
  | 'wrong-type'
  | 'insecure-url'
  | 'bad-url'
  | 'bad-path'
  | 'forbidden-setting'
  | 'expired'
  | 'bad-date'
  | 'conflict'
  | 'negative';

/** One located problem: `path` is a JSON path like `$.hub.url`; line and column are 1-based. */
export interface PresetProblem {
  path: string;
  line: number;
  column: number;
  /** Offset and length in the decoded text (UTF-16 units), for editor ranges. */
  offset: number;
  length: number;
  message: string;
  code: ProblemCode;
}

export type PresetValidation =
  | { ok: true; preset: Preset; problems: [] ; text: string }
  | { ok: false; preset?: undefined; problems: PresetProblem[]; text?: string };
