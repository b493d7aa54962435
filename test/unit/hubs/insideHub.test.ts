// The hub a process runs inside, from the environment JupyterHub's spawner gives a single-user server: envs shaped
// as 3.0 (Debian, seen on the test hub), 4.1 and 5.5 (their Spawner.get_env; 5.x adds JUPYTERHUB_PUBLIC_*), and
// Kubernetes (KubeSpawner: 0.0.0.0 bind, hub service name, limits).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToGiB, describeSize, insideHubFromEnv, insideHubLabel, limitsFromEnv, sizeFromLimits } from '../../../src/hubs/insideHub';

/** As Debian's JupyterHub 3.0 set it for alice's default server on the test hub (prefix /jhub/), token shortened. */
const JH3 = {
  JUPYTERHUB_API_TOKEN: 'b3c7aaaa', JPY_API_TOKEN: 'b3c7aaaa', JUPYTERHUB_USER: 'alice', JUPYTERHUB_SERVER_NAME: '',
  JUPYTERHUB_API_URL: 'http://127.0.0.1:42875/jhub/hub/api', JUPYTERHUB_ACTIVITY_URL: 'http://127.0.0.1:42875/jhub/hub/api/users/alice/activity',
  JUPYTERHUB_BASE_URL: '/jhub/', JUPYTERHUB_SERVICE_PREFIX: '/jhub/user/alice/', JUPYTERHUB_SERVICE_URL: 'http://127.0.0.1:55885/jhub/user/alice/',
  JUPYTERHUB_HOST: '', JUPYTERHUB_CLIENT_ID: 'jupyterhub-user-alice', MEM_LIMIT: '8589934592', CPU_LIMIT: '2.0',
};

/** 4.1: the same keys (plus JUPYTERHUB_COOKIE_HOST_PREFIX_ENABLED); a named server. */
const JH4 = {
  ...JH3, JUPYTERHUB_SERVER_NAME: 'gpu', JUPYTERHUB_SERVICE_PREFIX: '/jhub/user/alice/gpu/',
  JUPYTERHUB_SERVICE_URL: 'http://127.0.0.1:55886/jhub/user/alice/gpu/', JUPYTERHUB_COOKIE_HOST_PREFIX_ENABLED: 'False',
};

/** 5.5 on Kubernetes with JupyterHub.public_url set: KubeSpawner binds 0.0.0.0, the API is the hub service. */
const JH5_K8S = {
  JUPYTERHUB_API_TOKEN: 'k8s-token', JUPYTERHUB_USER: 'ana@example.org', JUPYTERHUB_SERVER_NAME: '',
  JUPYTERHUB_API_URL: 'http://hub:8081/hub/api', JUPYTERHUB_BASE_URL: '/', JUPYTERHUB_SERVICE_PREFIX: '/user/ana@example.org/',
  JUPYTERHUB_SERVICE_URL: 'http://0.0.0.0:8888/user/ana@example.org/', JUPYTERHUB_HOST: '',
  JUPYTERHUB_PUBLIC_URL: 'https://hub.example.org/user/ana@example.org/', JUPYTERHUB_PUBLIC_HUB_URL: 'https://hub.example.org/hub/',
  CPU_LIMIT: '4.0', CPU_GUARANTEE: '0.5', MEM_LIMIT: '17179869184', MEM_GUARANTEE: '4294967296',
};

test('JupyterHub 3: the internal API base is the id, the token comes from the env, no public address is invented', () => {
  const hub = insideHubFromEnv(JH3)!;
  assert.equal(hub.apiBase, 'http://127.0.0.1:42875/jhub/');
  assert.equal(hub.id, hub.apiBase);
  assert.equal(hub.publicBase, undefined);
  assert.equal(hub.publicServerUrl, undefined);
  assert.equal(hub.localServerUrl, 'http://127.0.0.1:55885/jhub/user/alice/');
  assert.equal(hub.token, 'b3c7aaaa');
  assert.equal(hub.user, 'alice');
  assert.equal(hub.serverName, '');
  assert.equal(insideHubLabel(hub), "this server's hub");
  assert.deepEqual(hub.limits, { cpuLimit: 2, memLimitGiB: 8 });
});

test('JupyterHub 4: a named server keeps its name and local address', () => {
  const hub = insideHubFromEnv(JH4)!;
  assert.equal(hub.serverName, 'gpu');
  assert.equal(hub.localServerUrl, 'http://127.0.0.1:55886/jhub/user/alice/gpu/');
  assert.equal(hub.publicBase, undefined);
});

test('JupyterHub 5 on Kubernetes: API to the hub service, links to the public URL, this server on loopback', () => {
  const hub = insideHubFromEnv(JH5_K8S)!;
  assert.equal(hub.apiBase, 'http://hub:8081/');
  assert.equal(hub.publicBase, 'https://hub.example.org/');
  assert.equal(hub.id, 'https://hub.example.org/');
  assert.equal(hub.publicServerUrl, 'https://hub.example.org/user/ana@example.org/');
  assert.equal(hub.localServerUrl, 'http://127.0.0.1:8888/user/ana@example.org/');
  assert.equal(insideHubLabel(hub), 'hub.example.org');
});

test('JupyterHub 5 with a prefix: the public hub URL ".../jhub/hub/" gives the base ".../jhub/"; public_url unset leaves them empty', () => {
  const withPrefix = insideHubFromEnv({ ...JH3, JUPYTERHUB_PUBLIC_HUB_URL: 'https://host.org/jhub/hub/', JUPYTERHUB_PUBLIC_URL: 'https://host.org/jhub/user/alice/' })!;
  assert.equal(withPrefix.publicBase, 'https://host.org/jhub/');
  assert.equal(withPrefix.publicServerUrl, 'https://host.org/jhub/user/alice/');
  // 5.x writes empty strings when JupyterHub.public_url is not set.
  const unset = insideHubFromEnv({ ...JH3, JUPYTERHUB_PUBLIC_HUB_URL: '', JUPYTERHUB_PUBLIC_URL: '' })!;
  assert.equal(unset.publicBase, undefined);
  // Subdomains: JUPYTERHUB_HOST is the public origin.
  assert.equal(insideHubFromEnv({ ...JH3, JUPYTERHUB_HOST: 'https://alice.hub.org' })!.publicBase, 'https://alice.hub.org/jhub/');
});

test('not a single-user server: a laptop with only JUPYTERHUB_API_TOKEN exported, or a bad API URL', () => {
  assert.equal(insideHubFromEnv({ JUPYTERHUB_API_TOKEN: 'x' }), undefined);
  assert.equal(insideHubFromEnv({ ...JH3, JUPYTERHUB_API_TOKEN: '', JPY_API_TOKEN: '' }), undefined);
  assert.equal(insideHubFromEnv({ ...JH3, JUPYTERHUB_API_URL: 'not a url' }), undefined);
  assert.equal(insideHubFromEnv({ ...JH3, JUPYTERHUB_USER: undefined }), undefined);
  // Pre-2.0 servers had only JPY_API_TOKEN.
  assert.equal(insideHubFromEnv({ ...JH3, JUPYTERHUB_API_TOKEN: undefined })?.token, 'b3c7aaaa');
});

test('sizing: limits win over guarantees; bytes and byte specifications; "2 CPU · 8 GiB"', () => {
  const limits = limitsFromEnv(JH5_K8S);
  assert.deepEqual(limits, { cpuLimit: 4, cpuGuarantee: 0.5, memLimitGiB: 16, memGuaranteeGiB: 4 });
  assert.deepEqual(sizeFromLimits(limits), { cores: 4, memoryGiB: 16 });
  assert.deepEqual(sizeFromLimits({ cpuGuarantee: 0.5, memGuaranteeGiB: 4 }), { cores: 0.5, memoryGiB: 4 });
  assert.equal(sizeFromLimits({}), undefined);
  assert.equal(describeSize(sizeFromLimits(limitsFromEnv(JH3))), '2 CPU · 8 GiB');
  assert.equal(describeSize({ cores: 0.5 }), '0.5 CPU');
  assert.equal(bytesToGiB('8G'), 8);
  assert.equal(bytesToGiB('512Mi'), 0.5);
  assert.equal(bytesToGiB('lots'), undefined);
  assert.equal(bytesToGiB('0'), undefined);
  assert.deepEqual(limitsFromEnv({ CPU_LIMIT: 'none', MEM_LIMIT: '' }), {});
});
