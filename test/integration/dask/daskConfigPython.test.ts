// Our reading of Dask's configuration against the real one: Debian's dask (dask.config.collect) reads the same
// folders and variables, and both must agree on every value, and on which file is malformed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDaskConfig } from '../../../src/dask/daskConfig';

const PYTHON = '/usr/bin/python3';
const hasDask = spawnSync(PYTHON, ['-c', 'import dask.config'], { stdio: 'ignore' }).status === 0;
const COLLECT = 'import json, dask.config; c = dask.config.collect(); print(json.dumps({k: c[k] for k in ("gateway", "tst") if k in c}))';

function python(env: NodeJS.ProcessEnv): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(PYTHON, ['-c', COLLECT], { env: { PATH: '/usr/bin:/bin', ...env }, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('Dask configuration: ours and Python dask\'s agree', { skip: hasDask ? false : 'needs Debian\'s python3-dask' }, () => {
  it('the same merged values from /etc/dask, ~/.config/dask, DASK_CONFIG and DASK_* variables', () => {
    const top = mkdtempSync(join(tmpdir(), 'pangeo-daskcfg-py-'));
    const home = join(top, 'home');
    const dirs = { root: join(top, 'root'), user: join(home, '.config', 'dask'), extra: join(top, 'extra') };
    for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
    writeFileSync(join(dirs.root, 'gateway.yaml'), 'gateway:\n  address: http://root\n  public-address: http://root-public\n  auth: {type: basic, kwargs: {username: ann}}\ntst:\n  enabled: yes\n  off_value: off\n  list: [1, 2]\n');
    writeFileSync(join(dirs.user, 'a.yaml'), 'gateway:\n  address: http://user-a\n  proxy-address: 8001\n');
    writeFileSync(join(dirs.user, 'b.yml'), 'gateway:\n  address: "http://user-b"\ntst:\n  dup: 1\n  dup: 2\n');
    writeFileSync(join(dirs.user, 'c.json'), '{"gateway": {"cluster": {"options": {"cores": 2}}}}');
    writeFileSync(join(dirs.user, 'empty.yaml'), '# nothing\n');
    writeFileSync(join(dirs.extra, 'x.yaml'), 'gateway:\n  proxy_address: 9001\n');
    const env: NodeJS.ProcessEnv = {
      HOME: home, DASK_ROOT_CONFIG: dirs.root, DASK_CONFIG: dirs.extra,
      DASK_GATEWAY__AUTH__TYPE: 'jupyterhub', DASK_GATEWAY__AUTH__KWARGS__USERNAME: "'bob'", DASK_TST__NUMBER: '1_000',
      DASK_TST__NONE: 'None', DASK_TST__TEXT: 'http://x:1/y', DASK_TST__LIST: '[3, "four", True]', DASK_TST__FLOAT: '-2.5e1',
      DASK_TST__PUBLIC_ADDRESS: 'p',
    };
    const py = python(env);
    assert.equal(py.status, 0, py.stderr);
    const ours = readDaskConfig(env).values;
    assert.deepEqual({ gateway: ours.gateway, tst: ours.tst }, JSON.parse(py.stdout));
  });

  it('a malformed file: Python names the same file and line as we do', () => {
    const top = mkdtempSync(join(tmpdir(), 'pangeo-daskcfg-py-bad-'));
    const user = join(top, 'home', '.config', 'dask');
    mkdirSync(user, { recursive: true });
    writeFileSync(join(user, 'gateway.yaml'), 'gateway:\n  address: http://ok\n  auth:\n\ttype: basic\n');
    const env = { HOME: join(top, 'home'), DASK_ROOT_CONFIG: join(top, 'none') };
    const py = python(env);
    assert.notEqual(py.status, 0);
    assert.match(py.stderr, /gateway\.yaml' is malformed/);
    const pyLine = /in "<unicode string>", line (\d+)/.exec(py.stderr)?.[1];
    assert.throws(() => readDaskConfig(env), (e: Error) => {
      assert.match(e.message, new RegExp(`${join(user, 'gateway.yaml').replace(/\./g, '\\.')}:${pyLine}:\\d+ is malformed`));
      return true;
    });
    // The version of dask these tests ran against, for the record.
    assert.match(execFileSync(PYTHON, ['-c', 'import dask; print(dask.__version__)'], { encoding: 'utf8' }), /^\d{4}\./);
  });
});
