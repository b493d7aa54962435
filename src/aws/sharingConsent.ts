// The user's answer to "share these AWS credentials with kernels and workers on this hub?": asked once per hub and
// role, remembered ("share" or "never"); "not now" lasts until the editor restarts.
import type { KeyValueStore } from '../core/keyValueStore';

export type ConsentAnswer = 'share' | 'not-now' | 'never';

const KEY = 'pangeo.aws.credentialSharing';

export class SharingConsent {
  private readonly notNow = new Set<string>();
  private readonly asking = new Map<string, Promise<boolean>>();

  constructor(private readonly state: KeyValueStore, private readonly ask: (hub: string, roleArn: string) => Promise<ConsentAnswer>) {}

  /** True when the user agreed (now or before); asks only when there is no answer yet, one question at a time per pair. */
  allowed(hub: string, roleArn: string): Promise<boolean> {
    const key = `${hub} ${roleArn}`;
    const stored = this.stored()[key];
    if (stored) return Promise.resolve(stored === 'share');
    if (this.notNow.has(key)) return Promise.resolve(false);
    let pending = this.asking.get(key);
    if (!pending) {
      pending = this.ask(hub, roleArn).then(async (answer) => {
        if (answer === 'not-now') this.notNow.add(key);
        else await this.state.update(KEY, { ...this.stored(), [key]: answer });
        return answer === 'share';
      }).finally(() => this.asking.delete(key));
      this.asking.set(key, pending);
    }
    return pending;
  }

  /** True when the answer is already "share" (no question). */
  granted(hub: string, roleArn: string): boolean {
    return this.stored()[`${hub} ${roleArn}`] === 'share';
  }

  /** Stop sharing: every "share" is forgotten, and nothing is asked again until the editor restarts. */
  async revokeAll(): Promise<void> {
    const kept = Object.fromEntries(Object.entries(this.stored()).filter(([, v]) => v !== 'share'));
    for (const k of Object.keys(this.stored())) if (!(k in kept)) this.notNow.add(k);
    await this.state.update(KEY, kept);
  }

  private stored(): Record<string, 'share' | 'never'> {
    return this.state.get<Record<string, 'share' | 'never'>>(KEY) ?? {};
  }
}
