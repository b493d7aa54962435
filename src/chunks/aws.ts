// Chunk entry: the AWS STS SDK (~450 KB), loaded on first AWS use through loadChunk('aws').
export { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
