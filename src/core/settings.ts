// Every `pangeo.*` setting the extension reads, declared once: key, JSON type, default (and the allowed values).
// Plain TypeScript: the editor reads them through src/editor/settings.ts; a unit test holds this table and
// package.json's `contributes.configuration` to the same keys, types and defaults.

export type SettingType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';

export interface SettingDeclaration<T> {
  readonly type: SettingType;
  readonly default: T;
  /** The allowed values, when package.json lists them as an `enum`. */
  readonly enum?: readonly T[];
}

// The type parameter is what a read returns, so each call site gets its value typed from this one place.
const setting = <T>(type: SettingType, dflt: T, allowed?: readonly T[]): SettingDeclaration<T> =>
  (allowed ? { type, default: dflt, enum: allowed } : { type, default: dflt });

export const SETTINGS = {
  'pangeo.dask.confirmWorkersAbove': setting<number>('integer', 20),
  'pangeo.dask.pollSeconds': setting<number>('integer', 5),
  'pangeo.dask.schedulerAddresses': setting<unknown[]>('array', []),
  'pangeo.dask.daskPath': setting<string>('string', ''),
  'pangeo.aws.profile': setting<string>('string', ''),
  'pangeo.aws.region': setting<string>('string', ''),
  'pangeo.aws.stsEndpoint': setting<string>('string', ''),
  'pangeo.kernels.keepKernelOnClose': setting<boolean>('boolean', false),
  'pangeo.kernels.startOnSelect': setting<boolean>('boolean', true),
  'pangeo.kernels.showOwnControllers': setting<boolean>('boolean', false),
  'pangeo.kernels.kernelCompletions': setting<boolean>('boolean', true),
  'pangeo.widgets.loadFromCdn': setting<'ask' | 'allow' | 'deny'>('string', 'ask', ['ask', 'allow', 'deny']),
  'pangeo.hubs.tokenLifetimeHours': setting<number>('number', 168),
  'pangeo.hubs.spawnTimeoutMinutes': setting<number>('number', 10),
  'pangeo.hubs.requestTimeoutSeconds': setting<number>('number', 30),
  'pangeo.hubs.pollSeconds': setting<number>('number', 30),
  'pangeo.hubs.oauthClients': setting<Record<string, string>>('object', {}),
  'pangeo.dashboard.pollIntervalSeconds': setting<number>('number', 2),
  'pangeo.cost.pollIntervalSeconds': setting<number>('number', 60),
  'pangeo.cost.budget.limitUsd': setting<number>('number', 0),
  'pangeo.cost.budget.period': setting<'month' | 'day'>('string', 'month', ['month', 'day']),
  'pangeo.cost.budget.actionAt100': setting<'none' | 'scaleClustersToZero' | 'stopAll'>('string', 'none', ['none', 'scaleClustersToZero', 'stopAll']),
  'pangeo.cost.budget.askBeforeAction': setting<boolean>('boolean', true),
  'pangeo.cost.idleMinutes': setting<number>('number', 30),
  // Shapes checked where they are used (the price table merge, the profile-price lookup).
  'pangeo.cost.priceOverrides': setting<Record<string, unknown>>('object', {}),
  'pangeo.cost.hubProfilePrices': setting<Record<string, Record<string, number>>>('object', {}),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = (typeof SETTINGS)[K] extends SettingDeclaration<infer T> ? T : never;
/** A group of settings, e.g. `pangeo.cost`, for change events that concern any of them. */
export type SettingSection = SettingKey extends infer K ? K extends `pangeo.${infer Area}.${string}` ? `pangeo.${Area}` : never : never;
