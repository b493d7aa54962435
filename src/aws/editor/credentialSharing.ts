// Short-lived AWS credentials where the work runs, in the editor: which credentials (a preset's role, the hub pod's
// web-identity role, or on request the user's own profile), the user's consent per hub and role, the kernels that
// get them (each newly connected or restarted one), Gateway clusters' workers, and "Stop Sharing".
import type * as vscode from 'vscode';
import { DisposableStore, type ModuleDeps } from '../../editor/module';
import { registerCommand } from '../../editor/command';
import { readSetting } from '../../editor/settings';
import { notificationText } from '../../shared/text/untrustedText';
import { envFor } from '../awsCredentials';
import { podWebIdentity, podWebIdentityObtain } from '../podWebIdentity';
import type { CredentialTarget, RemoteCredentialSharing } from '../remoteCredentials';
import type * as RemoteCredentials from '../remoteCredentials';
import { loadFeature } from '../../core/chunks';
import { ShortLivedCredentials } from '../shortLivedCredentials';
import { SharingConsent, type ConsentAnswer } from '../sharingConsent';
import type { AwsModule } from './module';

/** A notebook kernel's state change, as the kernels area reports it. */
export interface KernelChange {
  notebook: string;
  hubId: string;
  state: string;
  previous: string;
  target(): CredentialTarget;
  /** Cells of this kernel wait (bounded) for the given work: the credentials go ahead of a new kernel's first cell. */
  waitUntil?: (work: Promise<unknown>) => void;
}

export interface CredentialSharingModule extends vscode.Disposable {
  kernelChanged(change: KernelChange): void;
  /** Environment for a new Gateway cluster's workers, when the user agreed to share with that hub (asks once). */
  gatewayWorkerEnv(gatewayUrl: string, hubUrl?: string): Promise<Record<string, string> | undefined>;
}

interface Source {
  /** What the consent is for: the role ARN, or "profile NAME". */
  name: string;
  region?: string;
  holder: ShortLivedCredentials;
  sharing?: RemoteCredentialSharing;
}

const RENEW_AT = 0.8;

export function registerCredentialSharing(deps: ModuleDeps, aws: AwsModule, env: NodeJS.ProcessEnv = process.env): CredentialSharingModule {
  const { vs, context, logger } = deps;
  const store = new DisposableStore();
  const connected = new Map<string, { hubId: string; target: CredentialTarget }>();
  let pod: Source | undefined;
  let profile: Source | undefined;
  let preset: Source | undefined;

  const ask = async (hub: string, name: string): Promise<ConsentAnswer> => {
    const picked = await vs.window.showInformationMessage(notificationText(
      `Share short-lived AWS credentials (${name}) with your kernels and Dask workers on ${hostOf(hub)}? ` +
      'They are set in the running kernel\'s environment (never written to a file on the server) and renewed until you run "Stop Sharing AWS Credentials".').text,
      'Share', 'Not Now', 'Never for This Hub');
    return picked === 'Share' ? 'share' : picked === 'Never for This Hub' ? 'never' : 'not-now';
  };
  const consent = new SharingConsent(context.globalState, ask);

  /** The preset's role first, then the pod's web identity (no profile asked), then the profile the user chose to share. */
  const currentSource = (): Source | undefined => {
    const held = aws.store.held();
    if (held) {
      if (preset?.holder !== held.holder) {
        preset?.sharing?.dispose();
        preset = { name: held.roleArn, region: held.region, holder: held.holder };
      }
      return preset;
    }
    const identity = podWebIdentity(env);
    if (identity) {
      pod ??= {
        name: identity.roleArn,
        region: readSetting(vs, 'pangeo.aws.region') || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
        holder: new ShortLivedCredentials({ obtain: podWebIdentityObtain(aws.client(), identity), renewAtFraction: RENEW_AT, logger }),
      };
      return pod;
    }
    return profile;
  };

  // What runs in kernels and workers loads with the first share (dist/chunks/remoteCredentials.js).
  const newSharing = (source: Source) => new (loadFeature<typeof RemoteCredentials>('remoteCredentials').RemoteCredentialSharing)({ source: source.holder, region: source.region, logger });
  const sharingOf = (source: Source): RemoteCredentialSharing => (source.sharing ??= newSharing(source));

  const offer = async (notebook: string): Promise<void> => {
    const entry = connected.get(notebook);
    const source = currentSource();
    if (!entry || !source || !(await consent.allowed(entry.hubId, source.name))) return;
    if (connected.get(notebook) !== entry) return; // the kernel went away while the user was asked
    const outcome = await sharingOf(source).add(entry.target);
    if (!outcome.ok) {
      void vs.window.showWarningMessage(notificationText(`AWS credentials for ${entry.target.label}: ${outcome.problem ?? 'not shared'}.`).text, 'Show Log')
        .then((p) => (p ? vs.commands.executeCommand('pangeo.showLog') : undefined));
    }
  };

  const kernelChanged = (change: KernelChange) => {
    if (change.state === 'connected' && change.previous !== 'connected') {
      // A new or restarted kernel (a restart empties its environment) or one reconnected: give it the credentials.
      connected.set(change.notebook, { hubId: change.hubId, target: change.target() });
      const source = currentSource();
      const pushing = offer(change.notebook).catch((e: unknown) => logger.warn(`Sharing AWS credentials: ${e instanceof Error ? e.message : String(e)}`));
      // Already agreed: the first cell waits for the credentials (it may read S3). A question is never waited for.
      if (source && consent.granted(change.hubId, source.name)) change.waitUntil?.(pushing);
    } else if (['shut-down', 'idle', 'server-stopped', 'disconnected'].includes(change.state)) {
      connected.delete(change.notebook);
      for (const s of [preset, pod, profile]) s?.sharing?.remove(change.notebook);
    }
  };

  // A newly applied preset brings another role: the kernels are offered it (its consent is asked for separately).
  store.add(aws.store.onDidChange(() => {
    const held = aws.store.held();
    if (held && preset?.holder !== held.holder) for (const notebook of connected.keys()) void offer(notebook);
  }));

  store.add(registerCommand(deps, 'pangeo.aws.shareWithKernels', 'Could not share AWS credentials', async () => {
    if (!currentSource()) {
      // The user's own profile: long-term keys become session credentials first, so what reaches the server expires.
      const name = readSetting(vs, 'pangeo.aws.profile') || env.AWS_PROFILE || 'default';
      const client = aws.client();
      profile = { name: `profile ${name}`, region: client.region, holder: new ShortLivedCredentials({ obtain: (signal) => client.sessionToken(3600, signal), renewAtFraction: RENEW_AT, logger }) };
      await profile.holder.get();
    }
    if (!connected.size) {
      await vs.window.showInformationMessage('No notebook kernel on a hub is running. Run a cell first: its kernel is offered the credentials when it starts.');
      return;
    }
    await Promise.all([...connected.keys()].map((nb) => offer(nb)));
  }));

  store.add(registerCommand(deps, 'pangeo.aws.stopSharing', 'Could not stop sharing AWS credentials', async () => {
    const outcomes = (await Promise.all([preset, pod, profile].map((s) => s?.sharing?.stop() ?? Promise.resolve([])))).flat();
    for (const s of [preset, pod, profile]) if (s) s.sharing = undefined;
    await consent.revokeAll();
    const failed = outcomes.filter((o) => !o.ok).length;
    await vs.window.showInformationMessage(notificationText(`Removed the AWS credentials from ${outcomes.length - failed} kernel(s) and their Dask workers${failed ? `; ${failed} kernel(s) could not be reached (see the log)` : ''}. ` +
      'Gateway clusters started with them keep them in their environment until they expire or the cluster stops.').text);
  }));

  store.add({
    dispose: () => {
      for (const s of [preset, pod, profile]) s?.sharing?.dispose();
      // The preset's holder belongs to the AWS store; the others are ours.
      pod?.holder.dispose();
      profile?.holder.dispose();
    },
  });

  return Object.assign(store, {
    kernelChanged,
    async gatewayWorkerEnv(gatewayUrl: string, hubUrl?: string) {
      const source = currentSource();
      if (!source || !(await consent.allowed(hubUrl ?? gatewayUrl, source.name))) return undefined;
      return envFor(await source.holder.get(), source.region);
    },
  });
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
