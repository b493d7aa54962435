// Keeps short-lived AWS credentials fresh: renews them a set time before they expire, and on demand.
import type { Logger } from '../core/log';
import { silentLogger } from '../core/log';
import { Emitter, type Event } from '../core/emitter';
import { registerCredentialSecrets, type AwsCredentials } from './awsCredentials';

/** Time and timers, injected so tests can move time by hand. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending renewal must not keep a CLI process alive.
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface ShortLivedCredentialsOptions {
  /** Gets new credentials (AssumeRole, AssumeRoleWithWebIdentity, ...). */
  obtain(signal: AbortSignal): Promise<AwsCredentials>;
  /** Renew this long before `expiration` (default 5 minutes). */
  renewBeforeMs?: number;
  /**
   * Renew once this share of the lifetime has passed (e.g. 0.8), when that comes before `renewBeforeMs`: credentials
   * pushed to remote kernels and workers need time to get there before the old ones expire.
   */
  renewAtFraction?: number;
  /** After a failed renewal, try again this much later (default 30 s). */
  retryAfterMs?: number;
  clock?: Clock;
  logger?: Logger;
}

export class ShortLivedCredentials {
  private creds: AwsCredentials | undefined;
  private timer: unknown;
  private inflight: Promise<AwsCredentials> | undefined;
  private disposed = false;
  private readonly abort = new AbortController();
  private readonly renewed = new Emitter<AwsCredentials>();
  private readonly failed = new Emitter<unknown>();
  /** Fires with the new credentials after each renewal. */
  readonly onDidRenew: Event<AwsCredentials> = this.renewed.event;
  /** Fires with the error when a renewal failed (another try is scheduled). */
  readonly onDidFail: Event<unknown> = this.failed.event;
  private readonly clock: Clock;
  private readonly renewBeforeMs: number;
  private readonly retryAfterMs: number;
  private readonly logger: Logger;

  constructor(private readonly opts: ShortLivedCredentialsOptions) {
    this.clock = opts.clock ?? systemClock;
    this.renewBeforeMs = opts.renewBeforeMs ?? 5 * 60_000;
    this.retryAfterMs = opts.retryAfterMs ?? 30_000;
    this.logger = opts.logger ?? silentLogger;
  }

  /** The held credentials while they are still valid, else undefined. */
  current(): AwsCredentials | undefined {
    const c = this.creds;
    if (!c) return undefined;
    if (c.expiration && c.expiration.getTime() <= this.clock.now()) return undefined;
    return c;
  }

  get expiresAt(): Date | undefined {
    return this.creds?.expiration;
  }

  /** Valid credentials, renewed first when they are inside the renewal window. */
  async get(): Promise<AwsCredentials> {
    const c = this.current();
    if (c && !this.dueForRenewal(c)) return c;
    return this.renew();
  }

  /** Gets credentials now (one request at a time) and schedules the next renewal. */
  renew(): Promise<AwsCredentials> {
    if (this.disposed) return Promise.reject(new Error('credentials holder was disposed'));
    if (!this.inflight) {
      this.inflight = this.opts.obtain(this.abort.signal).then(
        (creds) => {
          this.inflight = undefined;
          if (this.disposed) return creds;
          registerCredentialSecrets(creds);
          this.creds = creds;
          this.schedule(this.nextRenewalDelay(creds));
          this.logger.info(`AWS credentials renewed${creds.expiration ? `, valid until ${creds.expiration.toISOString()}` : ''}`);
          this.renewed.fire(creds);
          return creds;
        },
        (error: unknown) => {
          this.inflight = undefined;
          if (!this.disposed) {
            this.logger.warn(`AWS credential renewal failed: ${(error as Error)?.message ?? String(error)}; retrying in ${Math.round(this.retryAfterMs / 1000)} s`);
            this.schedule(this.retryAfterMs);
            this.failed.fire(error);
          }
          throw error;
        },
      );
    }
    return this.inflight;
  }

  dispose(): void {
    this.disposed = true;
    this.abort.abort();
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.creds = undefined;
    this.renewed.dispose();
    this.failed.dispose();
  }

  private dueForRenewal(c: AwsCredentials): boolean {
    return !!c.expiration && c.expiration.getTime() - this.clock.now() <= this.renewBeforeMs;
  }

  /** Milliseconds until the next renewal, or undefined for credentials that never expire. */
  private nextRenewalDelay(c: AwsCredentials): number | undefined {
    if (!c.expiration) return undefined;
    const left = c.expiration.getTime() - this.clock.now();
    const fraction = this.opts.renewAtFraction;
    const atFraction = fraction && fraction > 0 && fraction < 1 ? Math.max(1000, left * fraction) : Infinity;
    // Credentials shorter-lived than the renewal window renew half-way, not in a tight loop.
    return Math.min(atFraction, left - this.renewBeforeMs > 0 ? left - this.renewBeforeMs : Math.max(1000, left / 2));
  }

  private schedule(delay: number | undefined): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (delay === undefined) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.renew().catch(() => {
        // reported through onDidFail and retried by schedule()
      });
    }, delay);
  }
}
