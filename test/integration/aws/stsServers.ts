// The STS servers the integration tests run against: the machine image's moto_server when present, and always
// our own STS-shaped server (so the fallback stays tested and failure cases moto does not model are covered).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/freePort';
import { startLongRunning, stopGracefully, waitForHttp } from '../../support/processes';
import { startFakeSts, type FakeSts } from './fakeStsServer';

export const MOTO_SERVER = process.env.MOTO_SERVER ?? '/root/.pyenv/versions/3.11.7/bin/moto_server';

export interface StsTestServer {
  kind: 'moto' | 'fake';
  endpoint: string;
  /** Long-term credentials the server accepts for signed calls. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Account and ARN GetCallerIdentity reports for those credentials. */
  identity: { account: string; arn: string };
  fake?: FakeSts;
  stop(): Promise<void>;
}

export function motoAvailable(): boolean {
  return existsSync(MOTO_SERVER);
}

export async function startMotoSts(): Promise<StsTestServer> {
  const port = await freePort();
  const home = mkdtempSync(join(tmpdir(), 'pangeo-moto-'));
  const proc = startLongRunning({
    name: 'moto',
    command: MOTO_SERVER,
    args: ['-H', '127.0.0.1', '-p', String(port)],
    cwd: home,
    logDir: home,
    // moto must not read the developer's real AWS configuration.
    env: { PATH: process.env.PATH, HOME: home, AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none') },
  });
  const stop = async () => {
    await stopGracefully(proc, { graceMs: 3000 });
    rmSync(home, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`http://127.0.0.1:${port}/moto-api/`, { timeoutMs: 30_000, process: proc });
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    kind: 'moto',
    endpoint: `http://127.0.0.1:${port}`,
    // moto accepts any credentials and reports its default user for them.
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    identity: { account: '123456789012', arn: 'arn:aws:sts::123456789012:user/moto' },
    stop,
  };
}

export async function startFakeStsServer(): Promise<StsTestServer> {
  const fake = await startFakeSts();
  return {
    kind: 'fake',
    endpoint: fake.endpoint,
    credentials: { accessKeyId: fake.user.accessKeyId, secretAccessKey: fake.user.secretAccessKey },
    identity: { account: '111122223333', arn: fake.user.arn },
    fake,
    stop: () => fake.stop(),
  };
}
