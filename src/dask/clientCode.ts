// The Python a notebook runs to connect to a cluster; secrets are referenced (environment, the provider's own config),
// never written into the code, because cells end up in saved notebooks and git.

export type ClientCodeTarget =
  | { kind: 'address'; address: string }
  | { kind: 'gateway'; gatewayUrl: string; clusterName: string; auth: 'jupyterhub' | 'basic' | 'none'; proxyAddress?: string }
  | { kind: 'coiled'; clusterName: string; workspace?: string };

const py = (s: string) => JSON.stringify(s);

export function pythonClientCode(target: ClientCodeTarget): string {
  switch (target.kind) {
    case 'address':
      return `from dask.distributed import Client\nclient = Client(${py(target.address)})\nclient`;
    case 'gateway': {
      // JupyterHubAuth reads JUPYTERHUB_API_TOKEN, which every hub server already has; BasicAuth reads DASK_GATEWAY__AUTH__KWARGS__*.
      const auth = target.auth === 'jupyterhub' ? ', auth="jupyterhub"' : target.auth === 'basic' ? ', auth="basic"' : '';
      const proxy = target.proxyAddress ? `, proxy_address=${py(target.proxyAddress)}` : '';
      return [
        'from dask_gateway import Gateway',
        `gateway = Gateway(${py(target.gatewayUrl)}${proxy}${auth})`,
        `cluster = gateway.connect(${py(target.clusterName)})`,
        'client = cluster.get_client()',
        'client',
      ].join('\n');
    }
    case 'coiled': {
      const ws = target.workspace ? `, workspace=${py(target.workspace)}` : '';
      return ['import coiled', `cluster = coiled.Cluster(name=${py(target.clusterName)}${ws})`, 'client = cluster.get_client()', 'client'].join('\n');
    }
  }
}
