// Widget benchmark (issue 18): a widget round trip through our host (a slider value set as the renderer sets it →
// the kernel's observer prints into an Output widget → the Output's new outputs back to the renderers) against a bare
// comm round trip on the same kernel connection (a comm target that sends each message straight back), interleaved so
// both see the same noise. The kernel is the test kernel with ipywidgets 8 + ipykernel 7 (test/support/widgetKernel.ts).
import { randomUUID } from 'node:crypto';
import { startTestHub } from '../test/support/jupyterhub';
import { widgetKernelSpecRoot, WIDGET_KERNEL_NAME } from '../test/support/widgetKernel';
import { HubClient } from '../src/hubs/hubClient';
import { JupyterServerClient } from '../src/jupyterServer/jupyterServerClient';
import { CommConnection, WidgetComms, WireMessage } from '../src/kernels/widgets/widgetComms';
import type { HostToRenderer } from '../src/shared/widgetProtocol';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const SETUP = `
import ipywidgets as w
slider = w.IntSlider(value=0, max=100000)
out = w.Output()
def on_value(change):
    with out:
        out.clear_output(wait=True)
        print(change['new'])
slider.observe(on_value, 'value')
def _bench_echo(comm, open_msg):
    comm.on_msg(lambda msg: comm.send(msg['content']['data']))
get_ipython().kernel.comm_manager.register_target('pangeo.bench.echo', _bench_echo)
`;

export async function runWidgetsBench(log: (l: string) => void = console.log): Promise<void> {
  const hub = await startTestHub({ users: ['bench'], kernelSpecRoots: [widgetKernelSpecRoot()] });
  try {
    const minted = await new HubClient(hub.url).createTokenWithPassword('bench', hub.password, { note: 'bench' });
    const hc = new HubClient(hub.url, { token: minted.token });
    const server = await hc.startAndWait('bench', '', {}, { timeoutMs: 120_000 });
    const jc = new JupyterServerClient(server.url!, hc.http);
    const kernel = await jc.startKernel(WIDGET_KERNEL_NAME);
    const session = await jc.connect(kernel);
    const connection = session.connection as unknown as CommConnection;
    const comms = new WidgetComms();
    const attached = comms.attach(connection);
    const heard: ((m: HostToRenderer) => void)[] = [];
    comms.onMessage((m) => heard.forEach((h) => h(m)));
    try {
      const setup = await session.execute(SETUP, { storeHistory: false });
      if (setup.status !== 'ok') throw new Error(`bench setup failed: ${setup.error?.ename}: ${setup.error?.evalue}`);
      const models = comms.state().state;
      const sliderId = Object.keys(models).find((id) => models[id]!.model_name === 'IntSliderModel')!;
      const outId = Object.keys(models).find((id) => models[id]!.model_name === 'OutputModel')!;

      let value = 0;
      const widgetTrip = () => new Promise<void>((resolve) => {
        const want = `${++value}\n`;
        const listener = (m: HostToRenderer) => {
          if (m.type === 'comm_msg' && m.comm_id === outId && JSON.stringify(m.data).includes(JSON.stringify(want))) {
            heard.splice(heard.indexOf(listener), 1);
            resolve();
          }
        };
        heard.push(listener);
        comms.fromRenderer({ type: 'comm_msg', comm_id: sliderId, msg_id: randomUUID(), data: { method: 'update', state: { value }, buffer_paths: [] } });
      });

      // The baseline speaks the comm protocol by hand over the same KernelConnection (same websocket).
      const echoId = randomUUID();
      const shell = (type: string, content: Record<string, unknown>): WireMessage => ({
        header: { msg_id: randomUUID(), msg_type: type, session: connection.clientId, username: connection.username, date: new Date().toISOString(), version: '5.3' },
        parent_header: {}, metadata: {}, content, buffers: [], channel: 'shell',
      });
      connection.sendShellMessage(shell('comm_open', { comm_id: echoId, target_name: 'pangeo.bench.echo', data: {} }), false, true);
      let n = 0;
      const bareTrip = () => new Promise<void>((resolve) => {
        const tag = ++n;
        const slot = (_: unknown, msg: WireMessage) => {
          if (msg.header.msg_type === 'comm_msg' && msg.content.comm_id === echoId && (msg.content.data as { n?: number }).n === tag) {
            connection.iopubMessage.disconnect(slot);
            resolve();
          }
        };
        connection.iopubMessage.connect(slot);
        connection.sendShellMessage(shell('comm_msg', { comm_id: echoId, data: { n: tag } }), false, true);
      });

      await widgetTrip(); await bareTrip();
      const rounds = 60;
      const a: number[] = [], b: number[] = [];
      for (let i = 0; i < rounds; i++) {
        let t = performance.now();
        await widgetTrip();
        a.push(performance.now() - t);
        t = performance.now();
        await bareTrip();
        b.push(performance.now() - t);
      }
      log(`widget round trip (slider → observer → Output back): ours ${median(a).toFixed(2)} ms, bare comm echo ${median(b).toFixed(2)} ms, ratio ${(median(a) / median(b)).toFixed(2)} (target ≤ 1.2)`);
    } finally {
      attached.dispose();
      session.dispose();
      await jc.shutdownKernel(kernel.id);
    }
  } finally {
    await hub.stop();
  }
}
