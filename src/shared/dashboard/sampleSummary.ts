// What of a ClusterSample travels to the webview with each tick (its worker rows go as a diff), declared once.
import type { ClusterSample } from './sampleModel';

export const SUMMARY_FIELDS = [
  'time', 'workers', 'threads', 'memoryUsedBytes', 'memoryLimitBytes', 'managedBytes', 'spilledBytes',
  'transferBytes', 'executing', 'tasks', 'clients', 'metricsAvailable', 'prefixes', 'prefixTimes',
] as const satisfies readonly (keyof ClusterSample)[];

export type SampleSummary = Pick<ClusterSample, (typeof SUMMARY_FIELDS)[number]>;

export function summarize(sample: ClusterSample): SampleSummary {
  const out: Partial<Record<keyof SampleSummary, unknown>> = {};
  for (const f of SUMMARY_FIELDS) out[f] = sample[f];
  return out as SampleSummary;
}
