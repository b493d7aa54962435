// The preset step "assume-aws-role": short-lived role credentials, kept fresh, handed to whoever needs them.
import { InvalidInputError } from '../core/http/errors';
import type { StepRunner } from './applyPreset';
import type { PlanStepOf } from './presetPlan';
import { ShortLivedCredentials, type Clock } from '../aws/shortLivedCredentials';
import type { StsIdentityClient } from '../aws/stsIdentityClient';
import type { Logger } from '../core/log';

export interface AssumeRoleStepDeps {
  /** An STS client for the step's region (endpoint and profile come from the user's settings, never the preset). */
  client(step: PlanStepOf<'assume-aws-role'>): StsIdentityClient;
  /** The OIDC token for `identity: "web-identity"` (e.g. the hub's); absent when no such token exists. */
  webIdentityToken?: () => Promise<string>;
  /** Receives the holder once the first credentials arrived (it keeps renewing until disposed). */
  keep(holder: ShortLivedCredentials, step: PlanStepOf<'assume-aws-role'>): void;
  renewBeforeMs?: number;
  clock?: Clock;
  logger?: Logger;
}

/** State key under which the step leaves the credentials holder for later steps (e.g. a local Dask cluster's env). */
export const AWS_CREDENTIALS_KEY = 'awsCredentials';

export function assumeAwsRoleStep(deps: AssumeRoleStepDeps): StepRunner<'assume-aws-role'> {
  return async (step, ctx) => {
    const client = deps.client(step);
    const tokenSource = deps.webIdentityToken;
    if (step.identity === 'web-identity' && !tokenSource) {
      throw new InvalidInputError('This preset gets AWS credentials with your hub sign-in (web identity), but no identity token is available.',
        'Sign in to the hub first, or ask the instructor for a preset that uses your own AWS credentials.');
    }
    const holder = new ShortLivedCredentials({
      obtain: async (signal) => step.identity === 'web-identity'
        ? client.assumeRoleWithWebIdentity(step.roleArn, await tokenSource!(), step.sessionName, step.durationSeconds, signal)
        : client.assumeRole(step.roleArn, step.sessionName, step.durationSeconds, signal),
      renewBeforeMs: deps.renewBeforeMs ?? Math.min(5 * 60_000, (step.durationSeconds * 1000) / 3),
      // Credentials shared with remote kernels and workers need time to get there: renew at 80 % of their lifetime.
      renewAtFraction: 0.8,
      clock: deps.clock,
      logger: deps.logger,
    });
    try {
      ctx.report(`Asking AWS STS for credentials for ${step.roleArn}`);
      const creds = await holder.get();
      ctx.report(`AWS credentials valid until ${creds.expiration?.toISOString() ?? 'revoked'}`);
    } catch (e) {
      holder.dispose();
      throw e;
    }
    ctx.state[AWS_CREDENTIALS_KEY] = holder;
    deps.keep(holder, step);
  };
}

/** Where the step's credentials come from and go: the AWS area's STS client (user settings) and its credential store. */
export interface AwsRoleStepHost {
  client(region?: string): StsIdentityClient;
  store: { set(holder: ShortLivedCredentials, roleArn: string, region?: string): void };
}

/** The step wired to the AWS area; `webIdentityToken` supplies the hub's OIDC token when a preset asks for it. */
export function awsRoleStepFor(aws: AwsRoleStepHost, webIdentityToken?: () => Promise<string>, logger?: Logger): StepRunner<'assume-aws-role'> {
  return assumeAwsRoleStep({
    client: (step) => aws.client(step.region),
    webIdentityToken,
    keep: (holder, step) => aws.store.set(holder, step.roleArn, step.region),
    logger,
  });
}
