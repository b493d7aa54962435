// A hub pod (or any process) that already has a web-identity role: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, as EKS
// (IRSA) and z2jh set them. Its credentials come from AssumeRoleWithWebIdentity: no profile, no question.
import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../core/http/errors';
import type { AwsCredentials } from './awsCredentials';

export interface PodWebIdentity {
  roleArn: string;
  tokenFile: string;
  /** AWS_ROLE_SESSION_NAME, else one of ours. */
  sessionName: string;
}

/** The web-identity role the environment names, or undefined when it names none (or only half of one). */
export function podWebIdentity(env: NodeJS.ProcessEnv = process.env): PodWebIdentity | undefined {
  const roleArn = env.AWS_ROLE_ARN?.trim();
  const tokenFile = env.AWS_WEB_IDENTITY_TOKEN_FILE?.trim();
  if (!roleArn || !tokenFile) return undefined;
  const named = env.AWS_ROLE_SESSION_NAME?.trim();
  return { roleArn, tokenFile, sessionName: named && /^[\w+=,.@-]{2,64}$/.test(named) ? named : 'pangeo-compute' };
}

/** The token, read again for each call: the kubelet rotates projected tokens. */
export async function readWebIdentityToken(identity: PodWebIdentity): Promise<string> {
  let token: string;
  try {
    token = (await readFile(identity.tokenFile, 'utf8')).trim();
  } catch (e) {
    throw new InvalidInputError(`Cannot read the web identity token file ${identity.tokenFile} (AWS_WEB_IDENTITY_TOKEN_FILE): ${(e as NodeJS.ErrnoException).code ?? String(e)}.`,
      'The pod\'s service account token is not mounted: ask the hub\'s administrators, or unset AWS_ROLE_ARN to use a profile.');
  }
  if (!token) throw new InvalidInputError(`The web identity token file ${identity.tokenFile} is empty.`, 'Ask the hub\'s administrators to check the service account token.');
  return token;
}

/** `obtain` for ShortLivedCredentials: the pod's role, with a fresh token each time. */
export function podWebIdentityObtain(
  client: { assumeRoleWithWebIdentity(roleArn: string, token: string, sessionName: string, durationSeconds?: number, signal?: AbortSignal): Promise<AwsCredentials> },
  identity: PodWebIdentity,
  durationSeconds = 3600,
): (signal: AbortSignal) => Promise<AwsCredentials> {
  return async (signal) => client.assumeRoleWithWebIdentity(identity.roleArn, await readWebIdentityToken(identity), identity.sessionName, durationSeconds, signal);
}
