// `pangeo-compute aws ...`: the AWS identity in use, and short-lived role credentials through STS.
import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../core/http/errors';
import { exportBlock, type AwsCredentials } from '../aws/awsCredentials';
import { StsIdentityClient, type StsIdentityClientOptions } from '../aws/stsIdentityClient';
import { EXIT, optionalString, requireString, UsageError, type CommandContext, type CommandGroup, type OptionSpec } from './command';

const CONNECTION: OptionSpec = {
  endpoint: { type: 'string' },
  profile: { type: 'string' },
  region: { type: 'string' },
};

function clientFor(ctx: CommandContext): StsIdentityClient {
  // The SDK's "Node 20 support ends" warning is noise on a CLI's stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const endpoint = optionalString(ctx, 'endpoint');
  if (endpoint && !/^https?:\/\//.test(endpoint)) throw new UsageError('--endpoint must be an http(s) URL');
  const profile = optionalString(ctx, 'profile');
  const opts: StsIdentityClientOptions = {
    endpoint,
    profile,
    region: optionalString(ctx, 'region') ?? ctx.io.env.AWS_REGION ?? ctx.io.env.AWS_DEFAULT_REGION,
    logger: ctx.logger,
  };
  // Environment keys as the CLI was given them (the SDK's own chain only sees this process's environment).
  const env = ctx.io.env;
  if (!profile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    opts.credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN };
  }
  return new StsIdentityClient(opts);
}

/** The credential_process JSON shape, so the output can feed ~/.aws/config directly. */
function credentialProcessJson(c: AwsCredentials): Record<string, unknown> {
  return { Version: 1, AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, SessionToken: c.sessionToken, Expiration: c.expiration?.toISOString() };
}

export const awsCommands: CommandGroup = {
  name: 'aws',
  summary: 'AWS identity and short-lived role credentials (STS)',
  commands: {
    whoami: {
      summary: 'Show the AWS account and ARN of the current credentials (GetCallerIdentity)',
      usage: '[--endpoint URL] [--profile P] [--region R]',
      options: CONNECTION,
      async run(ctx) {
        const client = clientFor(ctx);
        try {
          const id = await client.whoAmI(ctx.signal);
          ctx.print(`Account: ${id.account}\nARN:     ${id.arn}\nUserId:  ${id.userId}`, id);
          return EXIT.ok;
        } finally {
          client.dispose();
        }
      },
    },
    'assume-role': {
      summary: 'Get short-lived credentials for a role; prints shell export lines (or credential_process JSON with --json)',
      usage: '--role-arn ARN [--web-identity-token-file F] [--session-name N] [--duration S] [--endpoint URL] [--profile P] [--region R]',
      options: {
        ...CONNECTION,
        'role-arn': { type: 'string' },
        'web-identity-token-file': { type: 'string' },
        'session-name': { type: 'string' },
        duration: { type: 'string' },
      },
      async run(ctx) {
        const roleArn = requireString(ctx, 'role-arn');
        if (!/^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(roleArn)) throw new UsageError('--role-arn must look like arn:aws:iam::123456789012:role/name');
        const durationText = optionalString(ctx, 'duration');
        const duration = durationText === undefined ? 3600 : Number(durationText);
        if (!Number.isInteger(duration)) throw new UsageError('--duration must be whole seconds');
        const sessionName = optionalString(ctx, 'session-name') ?? 'pangeo-compute-cli';
        if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) throw new UsageError('--session-name must be 2-64 letters, digits or + = , . @ _ -');
        const tokenFile = optionalString(ctx, 'web-identity-token-file');
        let token: string | undefined;
        if (tokenFile) {
          try {
            token = (await readFile(tokenFile, 'utf8')).trim();
          } catch (e) {
            throw new InvalidInputError(`Cannot read ${tokenFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
          }
          if (!token) throw new InvalidInputError(`${tokenFile} is empty.`);
        }
        const client = clientFor(ctx);
        try {
          const creds = token
            ? await client.assumeRoleWithWebIdentity(roleArn, token, sessionName, duration, ctx.signal)
            : await client.assumeRole(roleArn, sessionName, duration, ctx.signal);
          ctx.note(`Credentials for ${roleArn} (session ${sessionName})${creds.expiration ? ` valid until ${creds.expiration.toISOString()}` : ''}`);
          ctx.print(exportBlock(creds, optionalString(ctx, 'region')), credentialProcessJson(creds));
          return EXIT.ok;
        } finally {
          client.dispose();
        }
      },
    },
  },
};
