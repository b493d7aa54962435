// Dask's configuration as the Python client reads it (dask/config.py): the files' merge order, DASK_* variables and
// their values, `-` ≡ `_`, and malformed files named by file and line; then the Gateway settings read from it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daskConfigPaths, readDaskConfig } from '../../../src/dask/daskConfig';
import { pythonLiteral } from '../../../src/dask/pythonLiteral';
import { formatTemplate, gatewayAuthSetting, gatewaySettings } from '../../../src/dask/gateway/gatewaySettings';
import { gatewayDescriptor } from '../../../src/dask/gateway/gatewayDescriptor';

/** A home, a root config folder and a DASK_CONFIG folder, each with the given files. */
function layout(files: { root?: Record<string, string>; user?: Record<string, string>; extra?: Record<string, string> }): NodeJS.ProcessEnv {
  const top = mkdtempSync(join(tmpdir(), 'pangeo-daskcfg-'));
  const dirs = { root: join(top, 'etc-dask'), user: join(top, 'home', '.config', 'dask'), extra: join(top, 'extra') };
  for (const [where, dir] of Object.entries(dirs)) {
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files[where as keyof typeof files] ?? {})) writeFileSync(join(dir, name), text);
  }
  return { HOME: join(top, 'home'), DASK_ROOT_CONFIG: dirs.root, DASK_CONFIG: dirs.extra };
}

describe('Dask configuration (dask/config.py)', () => {
  it('merges /etc/dask, then ~/.config/dask, then DASK_CONFIG, then DASK_* variables; a folder\'s files in name order', () => {
    const env = layout({
      root: { 'gateway.yaml': 'gateway:\n  address: http://root\n  public-address: http://root-public\n  auth: {type: basic}\n' },
      user: {
        'a.yaml': 'gateway:\n  address: http://user-a\n  proxy-address: 8001\n',
        'b.yml': 'gateway:\n  address: http://user-b\n',
        'c.json': '{"gateway": {"cluster": {"options": {"cores": 2}}}}',
        'z.txt': 'gateway: {address: http://never-read}\n',
      },
      extra: { 'x.yaml': 'gateway:\n  proxy_address: 9001\n' },
    });
    const config = readDaskConfig({ ...env, DASK_GATEWAY__AUTH__TYPE: 'jupyterhub' });
    assert.equal(config.get('gateway.address'), 'http://user-b', 'b.yml is read after a.yaml');
    assert.equal(config.sourceOf('gateway.address'), join(env.HOME!, '.config', 'dask', 'b.yml'));
    assert.equal(config.get('gateway.public-address'), 'http://root-public', 'what later files leave alone stays');
    // Written proxy-address first, proxy_address later: one key (canonical_name keeps the first form).
    assert.equal(config.get('gateway.proxy-address'), 9001);
    assert.equal(config.get('gateway.proxy_address'), 9001);
    assert.deepEqual(Object.keys(config.values.gateway as object).filter((k) => k.startsWith('proxy')), ['proxy-address']);
    assert.equal(config.sourceOf('gateway.proxy-address'), join(env.DASK_CONFIG!, 'x.yaml'));
    assert.equal(config.get('gateway.auth.type'), 'jupyterhub', 'the environment comes last');
    assert.equal(config.sourceOf('gateway.auth.type'), 'DASK_GATEWAY__AUTH__TYPE');
    assert.equal(config.get('gateway.cluster.options.cores'), 2);
    assert.equal(config.files.length, 5);
  });

  it('lists the paths as dask does: DASK_ROOT_CONFIG (default /etc/dask), ~/.config/dask, DASK_CONFIG; a repeated one keeps its last place', () => {
    assert.deepEqual(daskConfigPaths({ HOME: '/h' }), ['/etc/dask', '/h/.config/dask']);
    assert.deepEqual(daskConfigPaths({ HOME: '/h', DASK_ROOT_CONFIG: '/r', DASK_CONFIG: '~/cfg' }), ['/r', '/h/.config/dask', '/h/cfg']);
    assert.deepEqual(daskConfigPaths({ HOME: '/h', DASK_CONFIG: '/h/.config/dask' }), ['/etc/dask', '/h/.config/dask']);
    assert.deepEqual(daskConfigPaths({ HOME: '/h', DASK_ROOT_CONFIG: '/h/.config/dask' }), ['/h/.config/dask']);
    assert.deepEqual(daskConfigPaths({ HOME: '/h', DASK_ROOT_CONFIG: '~/etc' }), ['/h/etc', '/h/.config/dask'], '~ is expanded as collect_yaml does');
  });

  it('reads DASK_* values as ast.literal_eval does: numbers, True/False/None, quoted text, lists; anything else as text', () => {
    assert.equal(pythonLiteral('8786'), 8786);
    assert.equal(pythonLiteral('-1.5e2'), -150);
    assert.equal(pythonLiteral('0x10'), 16);
    assert.equal(pythonLiteral('1_000'), 1000);
    assert.equal(pythonLiteral('True'), true);
    assert.equal(pythonLiteral('False'), false);
    assert.equal(pythonLiteral('None'), null);
    assert.equal(pythonLiteral("'jupyterhub'"), 'jupyterhub');
    assert.equal(pythonLiteral('"a" \'b\''), 'ab');
    assert.deepEqual(pythonLiteral('[1, "x", None]'), [1, 'x', null]);
    assert.deepEqual(pythonLiteral('{"cores": 2}'), { cores: 2 });
    assert.deepEqual(pythonLiteral('(1,)'), [1]);
    assert.equal(pythonLiteral('(1)'), 1);
    for (const text of ['jupyterhub', 'http://hub:8000/services/dask-gateway', 'true', 'none', '010', '1.2.3', '12abc', '[1, 2', '']) {
      assert.equal(pythonLiteral(text), text, `${text} stays text`);
    }
    const config = readDaskConfig({ HOME: '/nonexistent', DASK_ROOT_CONFIG: '/nonexistent', DASK_GATEWAY__PROXY_ADDRESS: '8786', DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT: '"30s"', DASK_X_Y: 'None' });
    assert.equal(config.get('gateway.proxy-address'), 8786);
    assert.equal(config.get('distributed.comm.timeouts.connect'), '30s');
    assert.equal(config.get('x_y'), null, 'a single _ is part of the key');
    assert.equal(config.get('x-y'), null, '- and _ are one key');
  });

  it('a malformed file is named with its line and column; a file whose top is not a mapping is named too; an empty one is skipped', () => {
    const bad = layout({ user: { 'gateway.yaml': 'gateway:\n  address: http://ok\n  auth:\n    type: "jupyterhub\n' } });
    assert.throws(() => readDaskConfig(bad), (e: Error & { hint?: string }) => {
      assert.match(e.message, new RegExp(`The Dask config file ${join(bad.HOME!, '.config', 'dask', 'gateway.yaml').replace(/[.]/g, '\\.')}:\\d+:\\d+ is malformed`));
      assert.match(e.message, /:[45]:\d+ is malformed/, 'the line of the open quote or the end of the file');
      assert.match(e.hint ?? '', /Fix line [45] of that file/);
      return true;
    });
    const tabs = layout({ root: { 'a.yaml': 'gateway:\n\taddress: x\n' } });
    assert.throws(() => readDaskConfig(tabs), /etc-dask\/a\.yaml:2:1 is malformed: Tabs are not allowed/);
    const list = layout({ extra: { 'a.yaml': '- gateway\n' } });
    assert.throws(() => readDaskConfig(list), /extra\/a\.yaml is malformed: its top level must be a mapping, not a list/);
    const empty = layout({ user: { 'a.yaml': '# all commented out\n', 'b.yaml': 'gateway: {address: http://b}\n' } });
    assert.equal(readDaskConfig(empty).get('gateway.address'), 'http://b');
    assert.equal(readDaskConfig(empty).files.length, 1);
  });
});

describe('the Dask Gateway named by Dask\'s configuration (dask_gateway client.py and auth.py)', () => {
  const read = (env: NodeJS.ProcessEnv) => readDaskConfig({ HOME: '/nonexistent', DASK_ROOT_CONFIG: '/nonexistent', ...env });

  it('address, public address (made absolute against the hub\'s public URL) and proxy address (a port takes the address\'s host)', () => {
    const env = {
      DASK_GATEWAY__ADDRESS: 'http://proxy-public/services/dask-gateway/', DASK_GATEWAY__PUBLIC_ADDRESS: '/services/dask-gateway/',
      DASK_GATEWAY__PROXY_ADDRESS: 'gateway://traefik-dask-gateway.ns:80', JUPYTERHUB_PUBLIC_HUB_URL: 'https://hub.example.org/hub/',
    };
    const s = gatewaySettings(read(env), env)!;
    assert.deepEqual(s, {
      address: 'http://proxy-public/services/dask-gateway', addressSource: 'DASK_GATEWAY__ADDRESS',
      publicAddress: 'https://hub.example.org/services/dask-gateway', proxyAddress: 'traefik-dask-gateway.ns:80',
    });
    const port = { DASK_GATEWAY__ADDRESS: 'https://gw.example.org:8443', DASK_GATEWAY__PROXY_ADDRESS: '8786' };
    assert.equal(gatewaySettings(read(port), port)!.proxyAddress, 'gw.example.org:8786');
    assert.equal(gatewaySettings(read({}), {}), undefined, 'nothing configured: no gateway');
    assert.equal(gatewaySettings(read({ DASK_GATEWAY__ADDRESS: 'None' }), {}), undefined, 'None is unset');
  });

  it('fills templates from the environment as str.format does, and names a variable that is not set', () => {
    assert.equal(formatTemplate('https://{HOST}/{{literal}}', { HOST: 'h' }, 'x'), 'https://h/{literal}');
    const env = { DASK_GATEWAY__ADDRESS: 'https://{JUPYTERHUB_HOST}/services/dask-gateway' };
    assert.throws(() => gatewaySettings(read(env), env), /gateway\.address \(from DASK_GATEWAY__ADDRESS\) "https:\/\/\{JUPYTERHUB_HOST\}\/services\/dask-gateway" uses \{JUPYTERHUB_HOST\}, but JUPYTERHUB_HOST is not set/);
    assert.equal(gatewaySettings(read(env), { ...env, JUPYTERHUB_HOST: 'hub.example.org' })!.address, 'https://hub.example.org/services/dask-gateway');
  });

  it('auth: jupyterhub takes JUPYTERHUB_API_TOKEN (or kwargs.api_token); basic its kwargs; an unknown type says what is supported', () => {
    const hubEnv = { DASK_GATEWAY__AUTH__TYPE: 'jupyterhub', JUPYTERHUB_API_TOKEN: 'tok' };
    assert.deepEqual(gatewayAuthSetting(read(hubEnv), hubEnv), { type: 'jupyterhub', source: 'DASK_GATEWAY__AUTH__TYPE', secret: 'tok' });
    assert.throws(() => gatewayAuthSetting(read({ DASK_GATEWAY__AUTH__TYPE: 'jupyterhub' }), {}), /auth type is jupyterhub \(from DASK_GATEWAY__AUTH__TYPE\) but JUPYTERHUB_API_TOKEN is not set/);
    const basic = { DASK_GATEWAY__AUTH__TYPE: 'basic', DASK_GATEWAY__AUTH__KWARGS__USERNAME: 'ann', DASK_GATEWAY__AUTH__KWARGS__PASSWORD: 'pw' };
    assert.deepEqual(gatewayAuthSetting(read(basic), basic), { type: 'basic', source: 'DASK_GATEWAY__AUTH__TYPE', username: 'ann', secret: 'pw' });
    for (const type of ['kerberos', 'mypkg.auth.MyAuth', 'oauth']) {
      const env = { DASK_GATEWAY__AUTH__TYPE: type };
      assert.throws(() => gatewayAuthSetting(read(env), env), (e: Error & { hint: string }) => {
        assert.match(e.message, new RegExp(`Unsupported Dask Gateway auth type "${type.replace(/\./g, '\\.')}" \\(gateway\\.auth\\.type from DASK_GATEWAY__AUTH__TYPE\\)`));
        assert.match(e.hint, /Supported: jupyterhub, basic\./);
        return true;
      });
    }
    const yamlType = layout({ user: { 'gateway.yaml': 'gateway:\n  auth:\n    type: kerberos\n' } });
    assert.throws(() => gatewayAuthSetting(readDaskConfig(yamlType), yamlType), /from .*\.config\/dask\/gateway\.yaml\) \(Kerberos needs a ticket/);
  });

  it('the CLI\'s gateway without --url: the one the configuration names, with its proxy and public address and where it was set', () => {
    const env = layout({ user: { 'gateway.yaml': 'gateway:\n  address: https://hub.example.org/services/dask-gateway\n  proxy-address: 8786\n  auth:\n    type: jupyterhub\n' } });
    const { config, secret } = gatewayDescriptor.fromEnvironment({}, { ...env, JUPYTERHUB_API_TOKEN: 'tok' });
    assert.deepEqual(config, {
      kind: 'gateway', url: 'https://hub.example.org/services/dask-gateway', auth: 'jupyterhub', username: undefined,
      hubUrl: 'https://hub.example.org/', proxyAddress: 'hub.example.org:8786', publicAddress: undefined,
      fromDaskConfig: join(env.HOME!, '.config', 'dask', 'gateway.yaml'),
    });
    assert.equal(secret, 'tok');
    const byHub = gatewayDescriptor.fromEnvironment({ hub: 'https://hub.example.org/jhub' }, { JUPYTERHUB_API_TOKEN: 'tok' });
    assert.deepEqual(byHub.config, { kind: 'gateway', url: 'https://hub.example.org/jhub/services/dask-gateway/', auth: 'jupyterhub', hubUrl: 'https://hub.example.org/jhub/' });
  });
});
