// AWS Security Token Service calls the extension needs: who am I, and short-lived credentials for a role.
import type { Credentials as StsCredentials, STSClient, STSClientConfig } from '@aws-sdk/client-sts';
import { loadChunk } from '../core/chunks';

/** The SDK loads on first use from its own chunk: it would more than double the extension bundle. */
const sdk = () => loadChunk<typeof import('../chunks/aws')>('aws');
import { InvalidInputError } from '../core/http/errors';
import { registerSecret } from '../core/http/redact';
import { silentLogger, type Logger } from '../core/log';
import { registerCredentialSecrets, type AwsCredentials, type AwsIdentity } from './awsCredentials';
import { mapStsError } from './stsErrors';

export interface StsIdentityClientOptions {
  /** A test server or a regional/FIPS endpoint; the SDK's default when absent. */
  endpoint?: string;
  region?: string;
  /** A named profile from ~/.aws/config; the default credential chain when absent. */
  profile?: string;
  /** Explicit credentials (e.g. from an earlier AssumeRole); win over profile and chain. */
  credentials?: AwsCredentials;
  timeoutMs?: number;
  /** Attempts per call, including the first (the SDK retries throttling and network errors). */
  maxAttempts?: number;
  logger?: Logger;
}

export interface AssumeRoleOptions {
  durationSeconds?: number;
  region?: string;
}

const DEFAULT_REGION = 'us-east-1';

export class StsIdentityClient {
  private readonly client: STSClient;
  private readonly logger: Logger;
  readonly region: string;

  constructor(private readonly opts: StsIdentityClientOptions = {}) {
    this.logger = opts.logger ?? silentLogger;
    this.region = opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? DEFAULT_REGION;
    const timeout = opts.timeoutMs ?? 15_000;
    const config: STSClientConfig = {
      region: this.region,
      endpoint: opts.endpoint,
      maxAttempts: opts.maxAttempts ?? 2,
      // Without throwOnRequestTimeout the SDK only warns and keeps waiting.
      requestHandler: { connectionTimeout: timeout, requestTimeout: timeout, throwOnRequestTimeout: true },
    };
    if (opts.credentials) {
      registerCredentialSecrets(opts.credentials);
      config.credentials = {
        accessKeyId: opts.credentials.accessKeyId,
        secretAccessKey: opts.credentials.secretAccessKey,
        sessionToken: opts.credentials.sessionToken,
        expiration: opts.credentials.expiration,
      };
    } else if (opts.profile) {
      config.profile = opts.profile;
    }
    this.client = new (sdk().STSClient)(config);
  }

  /** The identity behind the current credentials (GetCallerIdentity). */
  async whoAmI(signal?: AbortSignal): Promise<AwsIdentity> {
    const out = await this.send('GetCallerIdentity', () => this.client.send(new (sdk().GetCallerIdentityCommand)({}), { abortSignal: signal }));
    if (!out.Account || !out.Arn || !out.UserId) throw mapStsError('GetCallerIdentity', this.where(), new Error('the answer lacks Account, Arn or UserId'));
    return { account: out.Account, arn: out.Arn, userId: out.UserId };
  }

  /** Short-lived credentials for `roleArn`, signed with this client's credentials (AssumeRole). */
  async assumeRole(roleArn: string, sessionName: string, durationSeconds = 3600, signal?: AbortSignal): Promise<AwsCredentials> {
    checkDuration(durationSeconds);
    const out = await this.send('AssumeRole', () => this.client.send(new (sdk().AssumeRoleCommand)({
      RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: durationSeconds,
    }), { abortSignal: signal }));
    return this.credentialsFrom('AssumeRole', out.Credentials);
  }

  /** Short-lived credentials for `roleArn` from an OIDC token (a hub's or CI's); no AWS credentials needed. */
  async assumeRoleWithWebIdentity(roleArn: string, webIdentityToken: string, sessionName: string, durationSeconds = 3600, signal?: AbortSignal): Promise<AwsCredentials> {
    checkDuration(durationSeconds);
    registerSecret(webIdentityToken);
    const out = await this.send('AssumeRoleWithWebIdentity', () => this.client.send(new (sdk().AssumeRoleWithWebIdentityCommand)({
      RoleArn: roleArn, RoleSessionName: sessionName, WebIdentityToken: webIdentityToken, DurationSeconds: durationSeconds,
    }), { abortSignal: signal }));
    return this.credentialsFrom('AssumeRoleWithWebIdentity', out.Credentials);
  }

  /**
   * Short-lived credentials for the user's own (long-term) profile keys (GetSessionToken), so that what is handed to a
   * remote kernel expires. STS refuses it for credentials that are already temporary (SSO, a role).
   */
  async sessionToken(durationSeconds = 3600, signal?: AbortSignal): Promise<AwsCredentials> {
    checkDuration(durationSeconds);
    const out = await this.send('GetSessionToken', () => this.client.send(new (sdk().GetSessionTokenCommand)({ DurationSeconds: durationSeconds }), { abortSignal: signal }));
    return this.credentialsFrom('GetSessionToken', out.Credentials);
  }

  dispose(): void {
    this.client.destroy();
  }

  private where(): string {
    return this.opts.endpoint ?? `sts.${this.region}.amazonaws.com`;
  }

  private async send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      const out = await call();
      this.logger.trace(`STS ${operation} at ${this.where()} → ok (${Date.now() - started} ms)`);
      return out;
    } catch (e) {
      const err = mapStsError(operation, this.where(), e, this.opts.timeoutMs);
      this.logger.warn(`STS ${operation} at ${this.where()} → ${err.kind}: ${err.message}`);
      throw err;
    }
  }

  private credentialsFrom(operation: string, c: StsCredentials | undefined): AwsCredentials {
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw mapStsError(operation, this.where(), new Error('the answer carries no credentials'));
    const creds: AwsCredentials = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration ? new Date(c.Expiration) : undefined,
    };
    registerCredentialSecrets(creds);
    return creds;
  }
}

function checkDuration(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43_200) {
    throw new InvalidInputError(`Session duration ${seconds} s is outside 900–43200 s.`, 'STS accepts 15 minutes to 12 hours (the role may allow less).');
  }
}
