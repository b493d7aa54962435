// Short-lived AWS credentials where the work runs: pushed into remote kernels (and through them to their Dask
// workers) by a silent request, again after each renewal, and taken back when the user stops sharing.
import { Emitter, type Event } from '../core/emitter';
import { redact } from '../core/http/redact';
import { silentLogger, type Logger } from '../core/log';
import { envFor, type AwsCredentials } from './awsCredentials';
import { credentialPushCode, credentialRemovalCode, parsePushReport, type PushReport } from './remoteCredentialCode';

/** What a silent run answered: its stdout and, when it failed, the error (the caller must not show it unredacted). */
export interface SilentRunResult {
  status: 'ok' | 'error' | 'aborted' | 'cancelled';
  stdout: string;
  error?: { ename: string; evalue: string };
}

/** A running kernel that should hold the credentials (a notebook's remote kernel). */
export interface CredentialTarget {
  /** Stable per kernel (e.g. the notebook's URI). */
  id: string;
  /** For log lines: e.g. the notebook's file name. */
  label: string;
  /** Runs code with silent: true and store_history: false, outputs not shown anywhere. */
  runSilently(code: string): Promise<SilentRunResult>;
  /** True once the kernel is shut down: it is dropped instead of pushed to. */
  isGone?(): boolean;
}

/** Where the credentials come from: a ShortLivedCredentials holder fits. */
export interface CredentialSource {
  get(): Promise<AwsCredentials>;
  onDidRenew: Event<AwsCredentials>;
}

export interface PushOutcome {
  target: string;
  ok: boolean;
  report?: PushReport;
  /** Safe to show and log: redacted, never the code. */
  problem?: string;
}

export interface RemoteCredentialSharingOptions {
  source: CredentialSource;
  region?: string;
  logger?: Logger;
}

export class RemoteCredentialSharing {
  private readonly targets = new Map<string, CredentialTarget>();
  private readonly pushed = new Emitter<PushOutcome>();
  /** Fires after each push (first share, renewal, stop) to one target. */
  readonly onDidPush: Event<PushOutcome> = this.pushed.event;
  private readonly logger: Logger;
  private readonly renewSub: { dispose(): void };
  private stopped = false;

  constructor(private readonly opts: RemoteCredentialSharingOptions) {
    this.logger = opts.logger ?? silentLogger;
    this.renewSub = opts.source.onDidRenew((creds) => {
      void this.pushAll(creds);
    });
  }

  /** The kernels that currently hold the credentials. */
  get targetIds(): string[] {
    return [...this.targets.keys()];
  }

  has(id: string): boolean {
    return this.targets.has(id);
  }

  /** Pushes the current credentials to `target` now and after every renewal (a kernel restart needs add() again). */
  async add(target: CredentialTarget): Promise<PushOutcome> {
    if (this.stopped) throw new Error('credential sharing was stopped');
    // Credentials first: getting them may renew them, and that renewal's push must not reach this target twice.
    const creds = await this.opts.source.get();
    this.targets.set(target.id, target);
    return this.push(target, envFor(creds, this.opts.region));
  }

  /** Forgets a target without touching its kernel (it is gone: shut down or its server stopped). */
  remove(id: string): void {
    this.targets.delete(id);
  }

  /** Removes the credentials from every target's kernel and workers, and stops pushing renewals. */
  async stop(): Promise<PushOutcome[]> {
    this.stopped = true;
    this.renewSub.dispose();
    const targets = [...this.targets.values()];
    this.targets.clear();
    return Promise.all(targets.map((t) => this.run(t, credentialRemovalCode(), 'removed')));
  }

  private async pushAll(creds: AwsCredentials): Promise<void> {
    if (this.stopped) return;
    const env = envFor(creds, this.opts.region);
    for (const t of this.targets.values()) if (t.isGone?.()) this.targets.delete(t.id);
    await Promise.all([...this.targets.values()].map((t) => this.push(t, env)));
  }

  private push(target: CredentialTarget, env: Record<string, string>): Promise<PushOutcome> {
    return this.run(target, credentialPushCode(env), `shared${env.AWS_CREDENTIAL_EXPIRATION ? ` (valid until ${env.AWS_CREDENTIAL_EXPIRATION})` : ''}`);
  }

  private async run(target: CredentialTarget, code: string, done: string): Promise<PushOutcome> {
    let outcome: PushOutcome;
    try {
      const result = await target.runSilently(code);
      const report = parsePushReport(result.stdout);
      if (result.status !== 'ok' || !report) {
        // Only the exception's type and redacted text: the traceback would quote the code.
        const why = result.error ? `${result.error.ename}: ${redact(result.error.evalue)}` : `the run ended ${result.status}`;
        outcome = { target: target.id, ok: false, problem: `the kernel did not take them (${why})` };
      } else {
        const ok = report.kernel && report.errors.length === 0;
        outcome = { target: target.id, ok, report, problem: ok ? undefined : `partly failed (${report.errors.join(', ') || 'kernel environment'})` };
      }
    } catch (e) {
      outcome = { target: target.id, ok: false, problem: redact(e instanceof Error ? e.message : String(e)) };
    }
    if (outcome.ok) {
      const workers = outcome.report?.clients ? ` and the workers of ${outcome.report.clients} Dask client(s)` : '';
      this.logger.info(`AWS credentials ${done} in the kernel of ${target.label}${workers}`);
    } else {
      this.logger.warn(`AWS credentials for the kernel of ${target.label}: ${outcome.problem ?? 'failed'}`);
    }
    this.pushed.fire(outcome);
    return outcome;
  }

  dispose(): void {
    this.stopped = true;
    this.renewSub.dispose();
    this.targets.clear();
    this.pushed.dispose();
  }
}
