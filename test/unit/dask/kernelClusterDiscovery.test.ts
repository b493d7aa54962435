import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DISCOVERY_MARKER, discoverySnippet, parseDiscoveryOutput } from '../../../src/dask/notebook/kernelClusterDiscovery';

describe('notebook cluster discovery (parser and snippet)', () => {
  it('merges a client with its cluster, classifies Gateway/Coiled/Local, and ignores other output', () => {
    const found = [
      { variable: 'client', object: 'client', type: 'LocalCluster', module: 'distributed.deploy.local', schedulerAddress: 'tcp://127.0.0.1:4000', dashboardLink: 'http://127.0.0.1:8787/status', status: 'Status.running' },
      { variable: 'cluster', object: 'cluster', type: 'LocalCluster', module: 'distributed.deploy.local', schedulerAddress: 'tcp://127.0.0.1:4000', dashboardLink: 'http://127.0.0.1:8787/status', name: 'abc', status: 'Status.running' },
      { variable: 'gc', object: 'cluster', type: 'GatewayCluster', module: 'dask_gateway.client', schedulerAddress: 'gateway://gw:443/ns.x', name: 'ns.x', gatewayAddress: 'https://hub/services/dask-gateway' },
      { variable: 'cc', object: 'cluster', type: 'Cluster', module: 'coiled.v2.cluster', schedulerAddress: 'tls://1.2.3.4:8786', clusterId: 42, workspace: 'lab' },
      { variable: 'orphan', object: 'client', type: 'Client', module: 'distributed.client' },
    ];
    const out = `some print\n${DISCOVERY_MARKER}${JSON.stringify(found)}\nmore\n`;
    const parsed = parseDiscoveryOutput(out);
    assert.equal(parsed.length, 4);
    const local = parsed.find((c) => c.kind === 'local')!;
    assert.deepEqual(local.variables, ['cluster', 'client']);
    assert.equal(local.status, 'running');
    assert.equal(local.name, 'abc');
    assert.equal(parsed.find((c) => c.kind === 'gateway')!.gatewayAddress, 'https://hub/services/dask-gateway');
    const coiled = parsed.find((c) => c.kind === 'coiled')!;
    assert.equal(coiled.clusterId, '42');
    assert.equal(parsed.find((c) => c.variables[0] === 'orphan')!.kind, 'other');
  });

  it('returns [] for missing or broken output', () => {
    assert.deepEqual(parseDiscoveryOutput('nothing here'), []);
    assert.deepEqual(parseDiscoveryOutput(`${DISCOVERY_MARKER}{not json`), []);
    assert.deepEqual(parseDiscoveryOutput(`${DISCOVERY_MARKER}{"a":1}`), []);
  });

  it('the snippet prints the marker, imports nothing new, and cleans up its function', () => {
    const code = discoverySnippet('MARK:');
    assert.match(code, /print\("MARK:" \+ json\.dumps\(found\), flush=True\)/);
    assert.match(code, /sys\.modules\.get\("distributed"\)/);
    assert.doesNotMatch(code, /^import (dask|distributed)/m);
    assert.match(code, /del __pangeo_dask_discover/);
  });
});
