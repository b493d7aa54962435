// Extra worker environment (short-lived AWS credentials) through Dask Gateway's common `environment` cluster option.
import type { ClusterOptionField, ClusterOptionValues } from '../clusterOptions';

/** The name daskhub and most gateway deployments give the mapping that becomes the scheduler's and workers' environment. */
export const ENVIRONMENT_OPTION = 'environment';

/**
 * `values` with `env` merged into the gateway's `environment` mapping (ours win for the same names), or undefined when
 * the gateway offers no such mapping option: the caller then takes the Dask worker-plugin route instead.
 */
export function withWorkerEnvironment(fields: ClusterOptionField[], values: ClusterOptionValues, env: Record<string, string>): ClusterOptionValues | undefined {
  const field = fields.find((f) => f.field === ENVIRONMENT_OPTION && f.spec.type === 'mapping');
  if (!field) return undefined;
  const given = values[ENVIRONMENT_OPTION] ?? field.default;
  const base = given && typeof given === 'object' && !Array.isArray(given) ? given : {};
  return { ...values, [ENVIRONMENT_OPTION]: { ...base, ...env } };
}
