// The Python a kernel runs (silently) to take short-lived AWS credentials: its own environment, the caches that hold
// old ones, and a Dask worker plugin on every client it has, so workers (also those that join later) get them too.

/** The variables we set; stopping removes exactly these. */
export const SHARED_AWS_VARIABLES = [
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_REGION', 'AWS_DEFAULT_REGION',
] as const;

/** The worker plugin's name: registering again under it replaces the old credentials on every worker. */
export const WORKER_PLUGIN_NAME = 'pangeo-compute-aws-credentials';

/** Marks the one line of stdout the code prints: a JSON report with no secret in it. */
export const REPORT_PREFIX = 'pangeo-aws-report:';

/**
 * Code that sets `env` (and removes the other shared variables) in the kernel and on the workers of its Dask clients.
 * Every step is inside try/except printing only exception type names: a traceback would quote the line with the
 * secrets to every client of the kernel (IOPub is broadcast). Nothing is left in the user's namespace.
 */
export function credentialPushCode(env: Record<string, string>): string {
  const remove = SHARED_AWS_VARIABLES.filter((k) => !(k in env));
  // A JSON object of strings is a valid Python dict literal.
  return `${PUSH_FUNCTION}
_pangeo_aws_push(${JSON.stringify(env)}, ${JSON.stringify(remove)})
del _pangeo_aws_push
`;
}

/** Code that removes the shared variables from the kernel and its clients' workers (stop sharing). */
export function credentialRemovalCode(): string {
  return credentialPushCode({});
}

const PUSH_FUNCTION = `def _pangeo_aws_push(env, remove):
    import json, os, sys
    report = {"kernel": False, "clients": 0, "errors": []}

    # Both run in the kernel and, inside the worker plugin (pickled by value with it), on every worker.
    def set_env(env, remove):
        import os
        for k in remove:
            os.environ.pop(k, None)
        os.environ.update(env)

    def forget_cached_sessions():
        # boto3's default session and s3fs's cached filesystems keep the credentials they resolved first.
        import sys
        boto3 = sys.modules.get("boto3")
        if boto3 is not None:
            boto3.DEFAULT_SESSION = None
        s3fs = sys.modules.get("s3fs")
        if s3fs is not None:
            s3fs.S3FileSystem.clear_instance_cache()

    try:
        set_env(env, remove)
        report["kernel"] = True
    except Exception as e:
        report["errors"].append("kernel: " + type(e).__name__)
    try:
        forget_cached_sessions()
    except Exception as e:
        report["errors"].append("caches: " + type(e).__name__)
    try:
        dist = sys.modules.get("distributed")
        if dist is not None:
            from distributed.diagnostics.plugin import WorkerPlugin

            class PangeoAwsCredentials(WorkerPlugin):
                name = "${WORKER_PLUGIN_NAME}"

                def __init__(self, env, remove):
                    self.env = env
                    self.remove = remove

                def setup(self, worker):
                    set_env(self.env, self.remove)
                    forget_cached_sessions()

            clients = {id(c): c for c in list(getattr(dist.client, "_global_clients", {}).values())}
            for c in clients.values():
                if getattr(c, "asynchronous", False) or getattr(c, "status", "") not in ("running", "connecting"):
                    continue
                try:
                    plugin = PangeoAwsCredentials(env, remove)
                    register = getattr(c, "register_plugin", None) or c.register_worker_plugin
                    register(plugin, name="${WORKER_PLUGIN_NAME}")
                    report["clients"] += 1
                except Exception as e:
                    report["errors"].append("dask client: " + type(e).__name__)
    except Exception as e:
        report["errors"].append("dask: " + type(e).__name__)
    print("${REPORT_PREFIX}" + json.dumps(report), flush=True)`;

export interface PushReport {
  /** The kernel's own environment was set. */
  kernel: boolean;
  /** Dask clients in the kernel whose workers got the plugin. */
  clients: number;
  /** Exception type names only (never messages: they could quote values). */
  errors: string[];
}

/** The report line from the code's stdout, or undefined when there is none (the kernel never ran it). */
export function parsePushReport(stdout: string): PushReport | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith(REPORT_PREFIX));
  if (!line) return undefined;
  try {
    const r = JSON.parse(line.slice(REPORT_PREFIX.length)) as Partial<PushReport>;
    return {
      kernel: r.kernel === true,
      clients: typeof r.clients === 'number' ? r.clients : 0,
      errors: Array.isArray(r.errors) ? r.errors.filter((e): e is string => typeof e === 'string') : [],
    };
  } catch {
    return undefined;
  }
}
