// Removes secrets from any text before it reaches a log line, an error message or the CLI's output.

const knownSecrets = new Set<string>();

/** Register a secret (token, password, key) so every later redact() hides it wherever it appears. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 6) knownSecrets.add(secret);
}

export function forgetSecret(secret: string | undefined): void {
  if (secret) knownSecrets.delete(secret);
}

const MASK = '[REDACTED]';

// Patterns catch secrets we were never told about: auth headers, query tokens, JSON fields, AWS keys.
const patterns: Array<[RegExp, string]> = [
  [/\b(Authorization\s*[:=]\s*"?)(token|bearer|basic|apitoken|jupyterhub|negotiate)\s+[^\s"',;]+/gi, `$1$2 ${MASK}`],
  [/([?&#](?:token|access_token|refresh_token|code|code_verifier|client_secret|password|_xsrf)=)[^&#\s"']+/gi, `$1${MASK}`],
  [/("(?:token|api_token|access_token|refresh_token|password|client_secret|tls_key|secret|SecretAccessKey|SessionToken|secretAccessKey|sessionToken)"\s*:\s*")[^"]*(")/gi, `$1${MASK}$2`],
  [/(\b(?:AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|JUPYTERHUB_API_TOKEN|DASK_COILED__TOKEN)=)\S+/g, `$1${MASK}`],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, MASK],
];

export function redact(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  for (const [re, replacement] of patterns) out = out.replace(re, replacement);
  return out;
}

/** A URL safe to print: query secrets masked, user:password stripped. */
export function redactUrl(url: string | URL): string {
  try {
    const u = new URL(url.toString());
    if (u.password) u.password = 'REDACTED';
    return redact(u.toString()).replace(':REDACTED@', `:${MASK}@`);
  } catch {
    return redact(String(url));
  }
}
