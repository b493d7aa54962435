// Short-lived AWS credentials as the rest of the program sees them, and the two ways they are handed on.
import { registerSecret } from '../core/http/redact';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Absent for long-term keys. */
  expiration?: Date;
}

export interface AwsIdentity {
  account: string;
  arn: string;
  userId: string;
}

/** Makes every later log line, error and notification mask these secrets. */
export function registerCredentialSecrets(creds: AwsCredentials): void {
  registerSecret(creds.secretAccessKey);
  registerSecret(creds.sessionToken);
}

/** Environment variables for a process that should act with these credentials (e.g. a local Dask cluster). */
export function envFor(creds: AwsCredentials, region?: string): Record<string, string> {
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
  };
  if (creds.sessionToken) env.AWS_SESSION_TOKEN = creds.sessionToken;
  if (creds.expiration) env.AWS_CREDENTIAL_EXPIRATION = creds.expiration.toISOString();
  if (region) {
    env.AWS_REGION = region;
    env.AWS_DEFAULT_REGION = region;
  }
  return env;
}

/** POSIX shell single-quoting: safe for any value. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:+=@-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A copyable block of `export` lines (POSIX shells), with the expiry as a comment. */
export function exportBlock(creds: AwsCredentials, region?: string): string {
  const lines = Object.entries(envFor(creds, region)).map(([k, v]) => `export ${k}=${shellQuote(v)}`);
  if (creds.expiration) lines.unshift(`# AWS credentials valid until ${creds.expiration.toISOString()}`);
  return `${lines.join('\n')}\n`;
}
