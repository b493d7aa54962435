// A real JupyterHub (Debian's /usr/bin/jupyterhub) on loopback ports in a temp dir, for integration tests.
//
// PANGEO_TEST_HUB_CMD runs another JupyterHub and PANGEO_TEST_SINGLEUSER_CMD another single-user server (see below).
//
// Findings on this machine's hub (Debian JupyterHub 3.0.0, jupyter_server 1.23.3), checked by hand
// with curl on 2026-11-25; the starred ones are also checked by test/integration/support/hubFixture.test.ts.
// - Version*: `GET {url}hub/api` -> 200 {"version": "3.0.0"}, no auth.
// - Password mint: `POST hub/api/users/{u}/tokens` with {"auth":{"username","password"},"note","expires_in"}
//   and NO Authorization header -> 201 {id, token, expires_at, scopes, note, ...}. Wrong password, or no
//   auth at all -> 403 {"status":403,"message":"Forbidden"}. Credentials of another user -> 403. A user's
//   own token mints more tokens for itself (201)*; the admin service mints for anyone*. A bad token -> 403*.
//   `Authorization: Bearer <t>` works like `token <t>`.
// - `GET hub/spawn` ignores `Authorization: token` on 3.0 (page handlers accept cookies only): 302 to
//   `{base}hub/login?next=...`. With a login cookie (hubLoginCookie(): 3.0 needs no _xsrf, 4.1+ does)
//   it returns 200 with the form* (`<form id="spawn_form" action="{base}hub/spawn" method="post"
//   enctype="multipart/form-data">`). WITHOUT an options_form the same GET STARTS the server* and 302s to
//   `{base}hub/spawn-pending/{user}`; for a running server it 302s to `{base}user/{user}/`.
//   A form POST (cookie, no _xsrf) stores list values: {"cores":["4"],"image":["..."],"gpu":["on"]}.
// - `POST hub/api/users/{u}/server` (or `/servers/{name}`) with a JSON object body: the body is stored
//   verbatim as `user_options`* ({"cores":"4","gpu":true} stays typed). 201 when ready within
//   slow_spawn_timeout (default 10 s), else 202 (this fixture sets it to 0: always 202); empty body -> {};
//   a JSON array body -> 500 (but the server still started, before the fixture's pre_spawn_hook); already running -> 400 {"message":"alice:o1 is already running"}. DELETE -> 204* (also 204 on
//   a stopped server); DELETE while pending -> 400 {"message":"alice:r1 is pending spawn, please wait"};
//   DELETE with body {"remove":true} -> 204 and the named server leaves `?include_stopped_servers`
//   (which always lists "" too). Servers start in 2-5 s here (more under load).
// - Progress `GET .../server/progress` (text/event-stream), lines `data: <json>` + blank line:
//     {"progress": 0, "message": "Server requested"}
//     {"progress": 50, "message": "Spawning server..."}
//     {"progress": 100, "ready": true, "message": "Server ready at /jhub/user/alice/s1/",
//      "html_message": "Server ready at <a href=\"/jhub/user/alice/s1/\">/jhub/user/alice/s1/</a>", "url": "/jhub/user/alice/s1/"}
//   The stream may open with bare blank lines. A server that is already ready yields only the last event;
//   one that was never started -> 404. A failed spawn (here: the fixture's pre_spawn_hook, image "fail:now")
//   answers the POST with 500 {"message":"Spawner failed to start [status=0]. ..."} and its progress
//   URL then gives (200, repeatable) {"progress": 100, "failed": true, "message": "Spawn failed: <error>"};
//   the server model shows ready:false, stopped:true, user_options kept.
// - Escaped names: 'ana maría@x,(y)' is accepted. API paths take any valid percent-encoding
//   (encodeURIComponent works*). The server's own prefix must be the hub's escaping, Python's
//   quote(name, safe='@~') = /user/ana%20mar%C3%ADa@x%2C%28y%29/ : kernelspecs there -> 200*; the
//   encodeURIComponent form (ana%20mar%C3%ADa%40x%2C(y)) -> 404 from the single-user server. Use the
//   `url` of the server model* rather than building it. Another user's token there -> 403.
// - OAuth client*: service with oauth_client_id/oauth_redirect_uri/api_token + oauth_no_confirm: authorize
//   (with a login cookie) 302s straight to redirect_uri?code=..&state=..; JupyterHub 3 also needs the
//   user to hold `access:services!service=<name>` (else 403), which this fixture grants. Token endpoint
//   `POST hub/api/oauth2/token` (form: client_id, client_secret, code, grant_type=authorization_code,
//   redirect_uri) -> {"access_token","expires_in":1209600,"token_type":"Bearer","scope"}; the secret is
//   required (401 invalid_client without); PKCE code_challenge is accepted but NOT verified on 3.0.
//   No cookie -> 302 to hub/login?next=...; an unregistered redirect_uri -> 400.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { freePorts } from './freePort';
import { isAliveNotZombie, killTree, onExitCleanup, startLongRunning, stopGracefully, treePids, TREE_MARKER_ENV, waitForHttp } from './processes';

export interface TestHubOptions {
  /** Hub prefix: '/' (default) or e.g. '/jhub/'. */
  baseUrl?: string;
  /** HTML for `c.Spawner.options_form`; without it `/hub/spawn` starts the server directly. */
  optionsForm?: string;
  /** `c.JupyterHub.allow_named_servers`; default true. */
  namedServers?: boolean;
  /** Users created and allowed (the hub lower-cases names; pass them lower-case). Default ['alice']. */
  users?: string[];
  /** DummyAuthenticator's shared password; random when absent. */
  password?: string;
  /**
   * Registers an OAuth client: a JupyterHub service with `oauth_no_confirm`, whose tokens get
   * `scopes` (default ['self']: act as the user). The id must start with 'service-'. All `users`
   * get a role allowing them to authorize it (JupyterHub 3 denies that by default).
   */
  oauthClient?: { clientId: string; redirectUri: string; scopes?: string[] };
  /** Hub start timeout (ms); default 30 000. */
  startTimeoutMs?: number;
  /**
   * Turn on Tornado's XSRF check for forms (`tornado_settings.xsrf_cookies`): JupyterHub 4.1+ always checks; on 3.0
   * this makes the login form demand an `_xsrf` its login page never hands out, so every page login gets the 403.
   */
  demandXsrf?: boolean;
  /**
   * How long single-user servers trust a token the hub confirmed (`HubOAuth.cache_max_age`, default 300 s; 0 would
   * mean forever): a short cache makes a revoked token refused at once, as it is on the hub.
   */
  serverTokenCacheSeconds?: number;
  /** Python appended to jupyterhub_config.py after everything else: e.g. a test's own spawner class (hostile text). */
  extraConfig?: string;
  /**
   * External services the hub's proxy routes /services/<name>/ to (as a hub runs a Dask Gateway), each with its API
   * token (`api_token`, for the gateway's own token checks). `accessUsers`: the users given a role with
   * `access:services!service=<name>` (as z2jh's dask-gateway chart does); others hold only their default scopes.
   */
  proxiedServices?: { name: string; url: string; apiToken: string; accessUsers?: string[] }[];
  /**
   * Extra kernelspec roots (each holds kernels/<name>/kernel.json) the single-user servers list beside Debian's
   * python3, through JUPYTER_PATH in the spawner's environment: e.g. `widgetKernelSpecRoot()` (test/support/widgetKernel.ts).
   */
  kernelSpecRoots?: string[];
  /**
   * The upgrade path: the hub's shutdown leaves the single-user servers (`cleanup_servers = False`) and its proxy
   * (`cleanup_proxy = False`) running, so restartHub() keeps them. A hub-managed proxy is then stopped by the new hub
   * at its start (JupyterHub kills a proxy its pid file names) and started again; see `externalProxy`.
   */
  keepServers?: boolean;
  /**
   * Run configurable-http-proxy beside the hub (`ConfigurableHTTPProxy.should_start = False`, a shared auth token), as
   * zero-to-jupyterhub runs it in a pod of its own: a hub restart leaves it, and its routes, as they are.
   */
  externalProxy?: boolean;
}

export interface TestHub {
  /** Public base URL with trailing slash, e.g. http://127.0.0.1:PORT/jhub/ */
  readonly url: string;
  /** Token of the service 'ci-admin', which has the 'admin' role. */
  readonly adminToken: string;
  readonly password: string;
  readonly users: string[];
  /** JupyterHub version as reported by GET {url}hub/api. */
  readonly version: string;
  /** Temp dir holding config, sqlite db, homes and hub.log. Removed by stop()/kill() or at exit, unless PANGEO_KEEP_TEST_DIRS is set. */
  readonly dir: string;
  readonly hubLogFile: string;
  /** Set when `oauthClient` was given: the client secret (the service's api_token). */
  readonly oauthClientSecret?: string;
  /** Pids of the hub, proxy, single-user servers and kernels that are alive now. */
  pids(): number[];
  /** SIGTERM to the hub (it stops servers and proxy), then SIGKILL whatever is left. */
  stop(): Promise<void>;
  /**
   * Stops the hub process alone (SIGTERM; what it leaves depends on `keepServers`), waits `downMs`, and starts it again
   * with the same config, database and ports; resolves when `GET {url}hub/api` answers again.
   */
  restartHub(opts?: { downMs?: number }): Promise<void>;
  /** SIGKILL the hub, proxy and servers all at once (a hub that dies mid-call). */
  kill(): Promise<void>;
}

export const ADMIN_SERVICE_NAME = 'ci-admin';
export const OAUTH_SERVICE_NAME = 'oauth-test-client';

/** A realistic plain `options_form`: as `user_options` it arrives as lists, e.g. {"cores": ["4"]}. */
export const TEST_OPTIONS_FORM = `
<div class="form-group">
  <label for="cores">CPU cores</label>
  <select class="form-control" name="cores" id="cores">
    <option value="1">1 core</option>
    <option value="2" selected>2 cores</option>
    <option value="4">4 cores</option>
  </select>
</div>
<div class="form-group">
  <label for="image">Image</label>
  <input class="form-control" type="text" name="image" id="image" value="pangeo/pangeo-notebook:2024.11.11">
</div>
<div class="checkbox">
  <label><input type="checkbox" name="gpu" id="gpu" value="on"> GPU</label>
</div>
`.trim();

// Everything JupyterHub reads; the Python config loads it as JSON so no value needs Python quoting.
interface HubSettings {
  port: number;
  hubPort: number;
  proxyApiPort: number;
  baseUrl: string;
  dir: string;
  password: string;
  users: string[];
  adminToken: string;
  namedServers: boolean;
  optionsForm: string | null;
  marker: { name: string; value: string };
  oauth: { clientId: string; redirectUri: string; scopes: string[]; secret: string } | null;
  demandXsrf: boolean;
  singleUserCmd: string;
  serverTokenCacheSeconds: number | null;
  proxiedServices: { name: string; url: string; apiToken: string; accessUsers: string[] }[];
  kernelSpecRoots: string[];
  keepServers: boolean;
  /** The external proxy's auth token, when the fixture runs the proxy (externalProxy). */
  externalProxyToken: string | null;
}

const CONFIG_PY = `
import json, os
s = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'settings.json')))
c = get_config()  # noqa
c.JupyterHub.ip = '127.0.0.1'
c.JupyterHub.port = s['port']
c.JupyterHub.hub_ip = '127.0.0.1'
c.JupyterHub.hub_port = s['hubPort']
c.JupyterHub.base_url = s['baseUrl']
c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:%d' % s['proxyApiPort']
c.ConfigurableHTTPProxy.command = ['/usr/bin/configurable-http-proxy']
c.JupyterHub.db_url = 'sqlite:///' + os.path.join(s['dir'], 'jupyterhub.sqlite')
c.JupyterHub.cookie_secret_file = os.path.join(s['dir'], 'jupyterhub_cookie_secret')
c.JupyterHub.pid_file = os.path.join(s['dir'], 'jupyterhub.pid')
c.JupyterHub.authenticator_class = 'jupyterhub.auth.DummyAuthenticator'
c.DummyAuthenticator.password = s['password']
c.Authenticator.allowed_users = set(s['users'])
c.JupyterHub.spawner_class = 'jupyterhub.spawner.SimpleLocalProcessSpawner'
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(s['dir'], 'home', '{username}')
c.Spawner.ip = '127.0.0.1'
c.Spawner.cmd = [s['singleUserCmd']]
c.Spawner.args = ['--allow-root']
if s['serverTokenCacheSeconds'] is not None:
    c.Spawner.args.append('--HubOAuth.cache_max_age=%d' % s['serverTokenCacheSeconds'])
# Spawner filters the environment: pass the marker on so the fixture can find every server process.
c.Spawner.environment = {s['marker']['name']: s['marker']['value']}
if s['kernelSpecRoots']:
    c.Spawner.environment['JUPYTER_PATH'] = os.pathsep.join(s['kernelSpecRoots'])
c.Spawner.start_timeout = 30
c.Spawner.http_timeout = 30
c.JupyterHub.allow_named_servers = s['namedServers']
# A spawn that fails the way cloud spawns do (quota, image pull), on request: image "fail:now".
def _fail_on_request(spawner):
    image = spawner.user_options.get('image')
    if image == 'fail:now' or image == ['fail:now']:
        raise RuntimeError('insufficient quota for the requested image')
    # A server without terminals, as hubs that disable them run it: user option "terminals": "off".
    if spawner.user_options.get('terminals') in ('off', ['off']):
        spawner.args = list(spawner.args) + ['--ServerApp.terminals_enabled=False']
    # A spawn that takes its time, as a cloud node coming up does: image "slow:<seconds>" (the hub awaits what this returns).
    slow = image[0] if isinstance(image, list) and image else image
    if isinstance(slow, str) and slow.startswith('slow:'):
        import asyncio
        return asyncio.sleep(float(slow[5:]))
c.Spawner.pre_spawn_hook = _fail_on_request
# Answer start requests with 202 at once, as cloud hubs do, so clients follow the progress stream.
c.JupyterHub.tornado_settings = {'slow_spawn_timeout': 0}
if s['demandXsrf']:
    c.JupyterHub.tornado_settings['xsrf_cookies'] = True
if s['optionsForm'] is not None:
    c.Spawner.options_form = s['optionsForm']
services = [{'name': '${ADMIN_SERVICE_NAME}', 'api_token': s['adminToken']}]
if s['oauth'] is not None:
    services.append({
        'name': '${OAUTH_SERVICE_NAME}',
        'oauth_client_id': s['oauth']['clientId'],
        'oauth_redirect_uri': s['oauth']['redirectUri'],
        'api_token': s['oauth']['secret'],
        'oauth_no_confirm': True,
        'oauth_client_allowed_scopes': s['oauth']['scopes'],
    })
for svc in s['proxiedServices']:
    services.append({'name': svc['name'], 'url': svc['url'], 'api_token': svc['apiToken']})
c.JupyterHub.services = services
roles = [{'name': 'admin', 'services': ['${ADMIN_SERVICE_NAME}']}]
for svc in s['proxiedServices']:
    if svc['accessUsers']:
        roles.append({'name': 'access-' + svc['name'], 'scopes': ['access:services!service=' + svc['name']], 'users': svc['accessUsers']})
if s['oauth'] is not None:
    roles.append({'name': 'oauth-test-client-users', 'scopes': ['access:services!service=${OAUTH_SERVICE_NAME}'], 'users': s['users']})
c.JupyterHub.load_roles = roles
if s['keepServers']:
    c.JupyterHub.cleanup_servers = False
    c.JupyterHub.cleanup_proxy = False
if s['externalProxyToken'] is not None:
    c.ConfigurableHTTPProxy.should_start = False
    c.ConfigurableHTTPProxy.auth_token = s['externalProxyToken']
`;

/** Starts a hub and waits until `GET {url}hub/api` answers through the proxy. */
export async function startTestHub(opts: TestHubOptions = {}): Promise<TestHub> {
  const baseUrl = normalizeBaseUrl(opts.baseUrl ?? '/');
  const users = opts.users ?? ['alice'];
  for (const u of users) {
    if (u !== u.toLowerCase() || u !== u.trim() || u.includes('/') || u === '') {
      throw new Error(`JupyterHub would rename or refuse user ${JSON.stringify(u)}: use lower case, no '/', no outer spaces`);
    }
  }
  if (opts.oauthClient && !opts.oauthClient.clientId.startsWith('service-')) {
    throw new Error("JupyterHub requires service OAuth client ids to start with 'service-'");
  }
  const dir = mkdtempSync(join(tmpdir(), 'pangeo-hub-'));
  const removeDir = () => {
    if (!process.env.PANGEO_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  const cancelExitCleanup = onExitCleanup(removeDir);
  mkdirSync(join(dir, 'home'));
  const [port, hubPort, proxyApiPort] = await freePorts(3);
  const password = opts.password ?? `pw-${randomBytes(8).toString('hex')}`;
  const adminToken = randomBytes(32).toString('hex');
  const oauthClientSecret = opts.oauthClient ? randomBytes(32).toString('hex') : undefined;
  const markerValue = `hub-${process.pid}-${randomBytes(6).toString('hex')}`;
  const settings: HubSettings = {
    port: port!,
    hubPort: hubPort!,
    proxyApiPort: proxyApiPort!,
    baseUrl,
    dir,
    password,
    users,
    adminToken,
    namedServers: opts.namedServers ?? true,
    optionsForm: opts.optionsForm ?? null,
    marker: { name: TREE_MARKER_ENV, value: markerValue },
    oauth: opts.oauthClient && oauthClientSecret
      ? { clientId: opts.oauthClient.clientId, redirectUri: opts.oauthClient.redirectUri, scopes: opts.oauthClient.scopes ?? ['self'], secret: oauthClientSecret }
      : null,
    demandXsrf: opts.demandXsrf ?? false,
    singleUserCmd: singleUserCommand(),
    serverTokenCacheSeconds: opts.serverTokenCacheSeconds ?? null,
    proxiedServices: (opts.proxiedServices ?? []).map((svc) => ({ ...svc, accessUsers: svc.accessUsers ?? [] })),
    kernelSpecRoots: opts.kernelSpecRoots ?? [],
    keepServers: opts.keepServers ?? false,
    externalProxyToken: opts.externalProxy ? randomBytes(32).toString('hex') : null,
  };
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
  writeFileSync(join(dir, 'jupyterhub_config.py'), `${CONFIG_PY}\n${opts.extraConfig ?? ''}\n`);

  if (settings.externalProxyToken !== null) {
    // Carries the hub's marker: stop()/kill() take it down with the rest.
    const proxy = startLongRunning({
      name: 'proxy',
      command: '/usr/bin/configurable-http-proxy',
      args: ['--ip', '127.0.0.1', '--port', String(port), '--api-ip', '127.0.0.1', '--api-port', String(proxyApiPort),
        '--default-target', `http://127.0.0.1:${hubPort}`, '--error-target', `http://127.0.0.1:${hubPort}${baseUrl}hub/error`],
      cwd: dir,
      logDir: dir,
      env: { ...hubEnvironment(), CONFIGPROXY_AUTH_TOKEN: settings.externalProxyToken },
      marker: markerValue,
    });
    await waitForHttp(`http://127.0.0.1:${proxyApiPort}/api/routes`, { okStatuses: [200, 403], process: proxy });
  }
  const startHub = () => startLongRunning({
    name: 'hub',
    command: hubCommand(),
    args: ['-f', join(dir, 'jupyterhub_config.py')],
    cwd: dir,
    logDir: dir,
    env: hubEnvironment(),
    marker: markerValue,
  });
  let hubProcess = startHub();
  const url = `http://127.0.0.1:${port}${baseUrl}`;
  let stopped = false;
  const cleanup = async (how: 'stop' | 'kill') => {
    if (stopped) return;
    stopped = true;
    if (how === 'stop') await stopGracefully(hubProcess, { graceMs: 15_000 });
    else await killTree(hubProcess, 'SIGKILL');
    cancelExitCleanup();
    removeDir();
  };
  const restartHub = async ({ downMs = 0 }: { downMs?: number } = {}) => {
    try {
      process.kill(hubProcess.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([hubProcess.exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 20_000)))]);
    clearTimeout(timer);
    if (!hubProcess.hasExited()) throw new Error(`the hub did not stop within 20 s:\n${hubProcess.logTail()}`);
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    hubProcess = startHub();
    await waitForHttp(`${url}hub/api`, { timeoutMs: opts.startTimeoutMs ?? 60_000, process: hubProcess });
  };
  try {
    await waitForHttp(`${url}hub/api`, { timeoutMs: opts.startTimeoutMs ?? 30_000, process: hubProcess });
    const version = ((await (await fetch(`${url}hub/api`)).json()) as { version: string }).version;
    return {
      url,
      adminToken,
      password,
      users: [...users],
      version,
      dir,
      hubLogFile: hubProcess.logFile,
      oauthClientSecret,
      pids: () => treePids(hubProcess).filter(isAliveNotZombie),
      stop: () => cleanup('stop'),
      kill: () => cleanup('kill'),
      restartHub,
    };
  } catch (err) {
    await cleanup('kill');
    throw err;
  }
}

/**
 * Debian's JupyterHub, unless PANGEO_TEST_HUB_CMD names another launcher (e.g. a script running a newer JupyterHub
 * from its source). It gets the same `-f <config>` arguments; command-line options it adds (--Spawner.cmd=...,
 * --JupyterHub.data_files_path=...) override the config file, and PYTHONPATH it sets reaches the servers (env_keep).
 */
function hubCommand(): string {
  return process.env.PANGEO_TEST_HUB_CMD || '/usr/bin/jupyterhub';
}

/**
 * Debian's single-user server (jupyter_server 1.x), unless PANGEO_TEST_SINGLEUSER_CMD names another launcher (e.g. a
 * script that sets PYTHONPATH to a newer jupyter_server's source and runs `python3 -m jupyterhub.singleuser "$@"`).
 * Seen with jupyter_server 2.10.0: terminals come from the jupyter_server_terminals extension, which must be enabled
 * (its jupyter_server_config.d file, via JUPYTER_CONFIG_PATH when run from source); 0.4.x ignores
 * `ServerApp.terminals_enabled=False`, 0.5.x honours it.
 */
function singleUserCommand(): string {
  return process.env.PANGEO_TEST_SINGLEUSER_CMD || '/usr/bin/jupyterhub-singleuser';
}

function hubEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `/usr/bin:/bin:/usr/sbin:/sbin:${process.env.PATH ?? ''}`,
    // Debian's configurable-http-proxy cannot find its modules ('commander') without this.
    NODE_PATH: '/usr/share/nodejs',
  };
  // The pyenv Python's settings must not leak into Debian's Python (hub, servers, kernels).
  for (const key of ['PYTHONPATH', 'PYTHONHOME', 'VIRTUAL_ENV', 'JUPYTER_PATH', 'JUPYTER_CONFIG_DIR', 'JUPYTER_DATA_DIR']) delete env[key];
  return env;
}

/**
 * The hub's page login cookie for `user`, as a browser gets it: GET hub/login as a navigation (node:http sends no
 * Sec-Fetch-Mode, so JupyterHub 4.1+ sets its `_xsrf` cookie), then POST the form with `_xsrf` as field and cookie.
 * JupyterHub 3.0 hands out no `_xsrf` and checks none. Independent of the code under test.
 */
export async function hubLoginCookie(hub: Pick<TestHub, 'url' | 'password'>, user: string): Promise<string> {
  const login = new URL('hub/login', hub.url);
  const page = await rawRequest(login, 'GET', {});
  const jar = new Map<string, string>();
  const keep = (setCookie: string[]) => {
    for (const c of setCookie) {
      const pair = c.split(';')[0]!.trim();
      jar.set(pair.slice(0, pair.indexOf('=')), pair);
    }
  };
  keep(page.setCookie);
  const xsrf = /name="_xsrf"\s+value="([^"]+)"/.exec(page.body)?.[1];
  const form = new URLSearchParams({ username: user, password: hub.password });
  if (xsrf) form.set('_xsrf', xsrf);
  const res = await rawRequest(login, 'POST', {
    'Content-Type': 'application/x-www-form-urlencoded', Cookie: [...jar.values()].join('; '), Referer: login.toString(),
  }, form.toString());
  if (res.status !== 302) throw new Error(`hub login for ${user}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
  keep(res.setCookie);
  return [...jar.values()].join('; ');
}

function rawRequest(url: URL, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; setCookie: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: body ? { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } : headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [], body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function normalizeBaseUrl(baseUrl: string): string {
  let b = baseUrl.startsWith('/') ? baseUrl : `/${baseUrl}`;
  if (!b.endsWith('/')) b += '/';
  return b;
}
