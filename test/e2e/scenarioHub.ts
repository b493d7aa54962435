// The real JupyterHub the editor scenarios run against (hub sign-in, servers, kernels): started by `run.ts`, its
// URL and credentials handed to the tests through the harness config, stopped at the end.
import { startTestHub, TEST_OPTIONS_FORM, type TestHub } from '../support/jupyterhub';
import { freePorts } from '../support/freePort';
import { startGatewayServer, type TestGatewayServer } from '../support/gatewayServer/gatewayServer';
import { widgetKernelSpecRoot } from '../support/widgetKernel';

/** What the tests read as `e2eConfig().hub`. */
export interface ScenarioHubConfig {
  /** Hub base URL with its prefix and trailing slash, e.g. http://127.0.0.1:PORT/jhub/ */
  url: string;
  user: string;
  password: string;
  /** A token for `user`, minted by the admin service: for the "paste a token" sign-in. */
  token: string;
  /** Admin service token: for checking what the hub stored (user_options, tokens). */
  adminToken: string;
  /** The hub's Dask Gateway service (the stand-in gateway at <url>services/dask-gateway/, checking hub tokens). */
  gatewayUrl: string;
  /**
   * Why the servers have no "python3-widgets" kernel (ipywidgets 8 + ipykernel 7, test/support/widgetKernel.ts): the
   * suites that need it fail with this; the others run.
   */
  widgetKernelProblem?: string;
}

export interface ScenarioHub {
  config: ScenarioHubConfig;
  stop(): Promise<void>;
}

export async function startScenarioHub(): Promise<ScenarioHub> {
  const user = 'alice';
  let widgetKernelProblem: string | undefined;
  const kernelSpecRoots: string[] = [];
  try {
    kernelSpecRoots.push(widgetKernelSpecRoot());
  } catch (e) {
    widgetKernelProblem = e instanceof Error ? e.message : String(e);
  }
  // As Pangeo hubs run one: a Dask Gateway as the hub's service, which the Dask view offers after sign-in.
  const [gatewayPort] = (await freePorts(1)) as [number];
  const hub: TestHub = await startTestHub({
    baseUrl: '/jhub/', optionsForm: TEST_OPTIONS_FORM, users: [user], kernelSpecRoots,
    proxiedServices: [{ name: 'dask-gateway', url: `http://127.0.0.1:${gatewayPort}`, apiToken: 'e2e-gateway-service-token-0123456789', accessUsers: [user] }],
  });
  let gateway: TestGatewayServer | undefined;
  try {
    gateway = await startGatewayServer({ hubUrl: hub.url, serviceName: 'dask-gateway', prefix: '/jhub/services/dask-gateway/', port: gatewayPort });
    const res = await fetch(`${hub.url}hub/api/users/${user}/tokens`, {
      method: 'POST',
      headers: { Authorization: `token ${hub.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ note: 'pangeo e2e: pasted token', expires_in: 3600 }),
    });
    if (res.status !== 201) throw new Error(`minting a token for ${user}: HTTP ${res.status} ${await res.text()}`);
    const { token } = (await res.json()) as { token: string };
    return {
      config: { url: hub.url, user, password: hub.password, token, adminToken: hub.adminToken, gatewayUrl: `${hub.url}services/dask-gateway/`, widgetKernelProblem },
      stop: async () => {
        await gateway?.close();
        await hub.stop();
      },
    };
  } catch (error) {
    await gateway?.close();
    await hub.kill();
    throw error;
  }
}
