// A small STS-shaped server for tests where moto is missing, and for failures moto does not model (bad signatures,
// rejected web tokens, expired session credentials). It follows the STS Query API as the AWS SDK speaks it:
// form-encoded POST `Action=...&Version=2011-06-15`, SigV4-signed (except AssumeRoleWithWebIdentity), XML answers
// (https://docs.aws.amazon.com/STS/latest/APIReference/ — GetCallerIdentity, AssumeRole, AssumeRoleWithWebIdentity).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface FakeStsUser {
  accessKeyId: string;
  secretAccessKey: string;
  arn: string;
  userId: string;
}

interface IssuedCredentials {
  secretAccessKey: string;
  sessionToken: string;
  arn: string;
  userId: string;
  expiresAt: number;
}

export interface FakeSts {
  endpoint: string;
  user: FakeStsUser;
  /** Every request's Action, in order. */
  actions: string[];
  /** Web identity tokens this server refuses (InvalidIdentityToken). */
  rejectedTokens: Set<string>;
  /** Role names whose trust policy refuses everyone (AccessDenied). */
  deniedRoles: Set<string>;
  /** Moves this server's clock (to expire issued credentials). */
  advance(ms: number): void;
  stop(): Promise<void>;
}

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomBytes(8).toString('hex') });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${randomBytes(8).toString('hex')}</RequestId></ErrorResponse>`);
}

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** Recomputes the SigV4 signature of `req` with `secret`; true when it matches the one sent. */
function signatureMatches(req: IncomingMessage, body: string, secret: string, auth: { scope: string[]; signedHeaders: string; signature: string }): boolean {
  const [date, region, service] = auth.scope as [string, string, string];
  const headers = auth.signedHeaders.split(';');
  const canonicalHeaders = headers.map((h) => `${h}:${String(req.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const url = new URL(req.url ?? '/', 'http://x');
  const canonicalRequest = [req.method, url.pathname, url.search.slice(1), canonicalHeaders, auth.signedHeaders, sha256(body)].join('\n');
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, `${date}/${region}/${service}/aws4_request`, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest();
  const given = Buffer.from(auth.signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function newKey(prefix: string): string {
  return prefix + randomBytes(8).toString('hex').toUpperCase();
}

export async function startFakeSts(): Promise<FakeSts> {
  const user: FakeStsUser = {
    accessKeyId: newKey('AKIA'),
    secretAccessKey: randomBytes(20).toString('base64'),
    arn: 'arn:aws:iam::111122223333:user/instructor',
    userId: 'AIDAFAKEINSTRUCTOR',
  };
  const issued = new Map<string, IssuedCredentials>();
  let skew = 0;
  const now = () => Date.now() + skew;
  const state = { actions: [] as string[], rejectedTokens: new Set<string>(), deniedRoles: new Set<string>() };

  const issue = (roleArn: string, session: string, durationSeconds: number) => {
    const m = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
    if (!m) return undefined;
    const accessKeyId = newKey('ASIA');
    const creds: IssuedCredentials = {
      secretAccessKey: randomBytes(20).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
      arn: `arn:aws:sts::${m[1]}:assumed-role/${m[2]}/${session}`,
      userId: `AROAFAKE${m[2]!.toUpperCase()}:${session}`,
      expiresAt: now() + durationSeconds * 1000,
    };
    issued.set(accessKeyId, creds);
    return { accessKeyId, creds, roleName: m[2]! };
  };

  const credentialsXml = (accessKeyId: string, c: IssuedCredentials) =>
    `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${xmlEscape(c.secretAccessKey)}</SecretAccessKey>` +
    `<SessionToken>${xmlEscape(c.sessionToken)}</SessionToken><Expiration>${new Date(c.expiresAt).toISOString()}</Expiration></Credentials>` +
    `<AssumedRoleUser><Arn>${xmlEscape(c.arn)}</Arn><AssumedRoleId>${xmlEscape(c.userId)}</AssumedRoleId></AssumedRoleUser>`;

  /** The caller behind a signed request, or an error already sent. */
  const authenticate = (req: IncomingMessage, body: string, res: ServerResponse): { arn: string; userId: string } | undefined => {
    const header = String(req.headers.authorization ?? '');
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]+)$/.exec(header);
    if (!m) {
      sendError(res, 403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
      return undefined;
    }
    const [, keyId, scope, signedHeaders, signature] = m as unknown as [string, string, string, string, string];
    const temp = issued.get(keyId);
    const secret = keyId === user.accessKeyId ? user.secretAccessKey : temp?.secretAccessKey;
    if (!secret) {
      sendError(res, 403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
      return undefined;
    }
    if (!signatureMatches(req, body, secret, { scope: scope.split('/'), signedHeaders, signature })) {
      sendError(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
      return undefined;
    }
    if (temp) {
      if (req.headers['x-amz-security-token'] !== temp.sessionToken) {
        sendError(res, 403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
        return undefined;
      }
      if (temp.expiresAt <= now()) {
        sendError(res, 400, 'ExpiredToken', 'The security token included in the request is expired');
        return undefined;
      }
      return { arn: temp.arn, userId: temp.userId };
    }
    return { arn: user.arn, userId: user.userId };
  };

  const handle = (req: IncomingMessage, body: string, res: ServerResponse) => {
    const form = new URLSearchParams(body);
    const action = form.get('Action') ?? '';
    state.actions.push(action);
    if (req.method !== 'POST' || form.get('Version') !== '2011-06-15') return sendError(res, 400, 'InvalidAction', 'Could not find operation');
    const duration = Number(form.get('DurationSeconds') ?? 3600);
    const session = form.get('RoleSessionName') ?? '';
    const roleArn = form.get('RoleArn') ?? '';
    if ((action === 'AssumeRole' || action === 'AssumeRoleWithWebIdentity')) {
      if (!Number.isInteger(duration) || duration < 900 || duration > 43200) return sendError(res, 400, 'ValidationError', `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint`);
      if (!/^[\w+=,.@-]{2,64}$/.test(session)) return sendError(res, 400, 'ValidationError', '1 validation error detected: roleSessionName');
    }
    switch (action) {
      case 'GetCallerIdentity': {
        const who = authenticate(req, body, res);
        if (!who) return;
        const account = /::(\d{12}):/.exec(who.arn)?.[1] ?? '';
        return send(res, 200, `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult><Arn>${xmlEscape(who.arn)}</Arn><UserId>${xmlEscape(who.userId)}</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
      }
      case 'AssumeRole': {
        if (!authenticate(req, body, res)) return;
        const out = issue(roleArn, session, duration);
        if (!out) return sendError(res, 400, 'ValidationError', 'RoleArn is not a role ARN');
        if (state.deniedRoles.has(out.roleName)) {
          issued.delete(out.accessKeyId);
          return sendError(res, 403, 'AccessDenied', `User: ${user.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
        }
        return send(res, 200, `<AssumeRoleResponse xmlns="${NS}"><AssumeRoleResult>${credentialsXml(out.accessKeyId, out.creds)}</AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`);
      }
      case 'AssumeRoleWithWebIdentity': {
        const token = form.get('WebIdentityToken') ?? '';
        if (req.headers.authorization) return sendError(res, 400, 'InvalidAction', 'AssumeRoleWithWebIdentity takes no AWS signature');
        if (!token || state.rejectedTokens.has(token)) return sendError(res, 400, 'InvalidIdentityToken', 'Couldn\'t retrieve verification key from your identity provider');
        const out = issue(roleArn, session, duration);
        if (!out) return sendError(res, 400, 'ValidationError', 'RoleArn is not a role ARN');
        return send(res, 200, `<AssumeRoleWithWebIdentityResponse xmlns="${NS}"><AssumeRoleWithWebIdentityResult><SubjectFromWebIdentityToken>student</SubjectFromWebIdentityToken>${credentialsXml(out.accessKeyId, out.creds)}<Provider>hub.example.edu</Provider></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`);
      }
      default:
        return sendError(res, 400, 'InvalidAction', `Could not find operation ${action}`);
    }
  };

  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { body += c; });
    req.on('end', () => handle(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    user,
    get actions() { return state.actions; },
    rejectedTokens: state.rejectedTokens,
    deniedRoles: state.deniedRoles,
    advance: (ms) => { skew += ms; },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
