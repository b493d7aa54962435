// AWS in the editor: "Show AWS Identity", the role credentials a preset obtained, and a copyable export block.
import type * as vscode from 'vscode';
import { DisposableStore, type ModuleDeps } from '../../editor/module';
import { registerCommand } from '../../editor/command';
import { readSetting } from '../../editor/settings';
import { envFor, exportBlock, type AwsIdentity } from '../awsCredentials';
import type { ShortLivedCredentials } from '../shortLivedCredentials';
import { StsIdentityClient } from '../stsIdentityClient';
import { Emitter, type Event } from '../../core/emitter';
import { iconLabel, notificationText } from '../../shared/text/untrustedText';

/** The role credentials currently held (one role at a time), for Dask environments and the export block. */
export class AwsCredentialStore {
  private holder: ShortLivedCredentials | undefined;
  private region: string | undefined;
  roleArn: string | undefined;
  private readonly changes = new Emitter<void>();
  /** Fires when the held role or its credentials change. */
  readonly onDidChange: Event<void> = this.changes.event;

  set(holder: ShortLivedCredentials, roleArn: string, region?: string): void {
    this.holder?.dispose();
    this.holder = holder;
    this.roleArn = roleArn;
    this.region = region;
    holder.onDidRenew(() => this.fire());
    this.fire();
  }

  /** Environment variables for a process that should act as the role (undefined when none is held or they expired). */
  env(): Record<string, string> | undefined {
    const c = this.holder?.current();
    return c ? envFor(c, this.region) : undefined;
  }

  exportBlock(): string | undefined {
    const c = this.holder?.current();
    return c ? exportBlock(c, this.region) : undefined;
  }

  get expiresAt(): Date | undefined {
    return this.holder?.expiresAt;
  }

  /** The held role's renewing credentials and region (for sharing them with remote kernels), when a preset assumed one. */
  held(): { holder: ShortLivedCredentials; roleArn: string; region?: string } | undefined {
    return this.holder && this.roleArn ? { holder: this.holder, roleArn: this.roleArn, region: this.region } : undefined;
  }

  dispose(): void {
    this.holder?.dispose();
    this.holder = undefined;
    this.changes.dispose();
  }

  private fire(): void {
    this.changes.fire();
  }
}

export interface AwsModule extends vscode.Disposable {
  store: AwsCredentialStore;
  /** An STS client configured from the user's settings (endpoint and profile are machine-scoped: presets cannot set them). */
  client(region?: string): StsIdentityClient;
  whoAmI(): Promise<AwsIdentity>;
}

export function registerAws(deps: ModuleDeps): AwsModule {
  const { vs, logger } = deps;
  const store = new DisposableStore();
  const credentials = store.add(new AwsCredentialStore());
  const setting = (key: 'stsEndpoint' | 'profile' | 'region') => {
    const v = readSetting(vs, `pangeo.aws.${key}`);
    return v ? v : undefined;
  };
  const client = (region?: string) => new StsIdentityClient({
    endpoint: setting('stsEndpoint'), profile: setting('profile'), region: region ?? setting('region'), logger,
  });
  const whoAmI = async () => {
    const c = client();
    try {
      return await c.whoAmI();
    } finally {
      c.dispose();
    }
  };

  // Role credentials from a preset: which role and until when, one click from the export block.
  const status = store.add(vs.window.createStatusBarItem('pangeo.aws.credentials', vs.StatusBarAlignment.Left, 40));
  status.name = 'Pangeo AWS credentials';
  status.command = 'pangeo.aws.copyExportBlock';
  const showStatus = () => {
    const until = credentials.expiresAt;
    if (!credentials.roleArn || !until) {
      status.hide();
      return;
    }
    const role = credentials.roleArn.split('/').pop();
    status.text = `$(key) AWS ${iconLabel(role ?? '')} · until ${until.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
    status.tooltip = `Short-lived credentials for ${credentials.roleArn}, renewed before they expire (${until.toISOString()}).\nClick to copy them as shell export lines.`;
    status.show();
  };
  store.add(credentials.onDidChange(showStatus));

  store.add(registerCommand(deps, 'pangeo.aws.showIdentity', 'Could not get your AWS identity', async () => {
    const id = await vs.window.withProgress({ location: vs.ProgressLocation.Notification, title: 'Asking AWS STS who you are…' }, whoAmI);
    const held = credentials.roleArn && credentials.expiresAt ? `\nRole credentials from a preset: ${credentials.roleArn}, valid until ${credentials.expiresAt.toLocaleTimeString()}.` : '';
    const picked = await vs.window.showInformationMessage(notificationText(`AWS account ${id.account}\n${id.arn}${held}`).text, { modal: false }, 'Copy ARN');
    if (picked === 'Copy ARN') await vs.env.clipboard.writeText(id.arn);
  }, () => [
    { title: 'Open AWS Settings', run: () => vs.commands.executeCommand('workbench.action.openSettings', 'pangeo.aws') },
  ]));

  store.add(registerCommand(deps, 'pangeo.aws.copyExportBlock', 'Could not copy the AWS export lines', async () => {
    const block = credentials.exportBlock();
    if (!block) {
      await vs.window.showInformationMessage('No AWS role credentials are held. Apply a preset with an "aws" section first.');
      return;
    }
    // Straight to the clipboard: the block holds secrets and must not pass through any log.
    await vs.env.clipboard.writeText(block);
    await vs.window.showInformationMessage(notificationText(`Copied export lines for ${credentials.roleArn}; valid until ${credentials.expiresAt?.toLocaleTimeString() ?? '?'} (renewed while the editor runs).`).text);
  }));

  return {
    store: credentials,
    client,
    whoAmI,
    dispose: () => store.dispose(),
  };
}
