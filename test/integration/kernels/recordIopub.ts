// Records the IOPub messages a real ipykernel sends for a few cells, as the fixture of the output-mapping unit tests.
// Run: node --import tsx test/integration/kernels/recordIopub.ts  (writes test/unit/kernels/fixtures/iopub-recorded.json)
import { writeFileSync } from 'node:fs';
import type { KernelMessage } from '@jupyterlab/services';
import { startTestHub } from '../../support/jupyterhub';
import { HubClient } from '../../../src/hubs/hubClient';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';

// 1x1 transparent PNG
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

export const RECORDED_CELLS: Record<string, string> = {
  value: '1+1',
  streams: 'import sys\nprint("hi")\nprint("oops", file=sys.stderr)\nsys.stdout.flush(); sys.stderr.flush()\nprint("more")',
  error: '1/0',
  display_update: 'from IPython.display import display, HTML\nh = display(HTML("<b>one</b>"), display_id=True)\nh.update(HTML("<b>two</b>"))',
  display_keep: 'hd = display("first", display_id="shared-id")',
  display_update_later: 'hd.update("second")',
  clear_wait: 'from IPython.display import clear_output\nimport time\nfor i in range(3):\n    clear_output(wait=True)\n    print(i, flush=True)\n    time.sleep(0.05)',
  clear_now: 'from IPython.display import clear_output\nprint("a", flush=True)\nclear_output()\nprint("b")',
  progress: 'import sys, time\nfor i in range(3):\n    sys.stdout.write(f"\\r{i * 50}%"); sys.stdout.flush(); time.sleep(0.05)\nprint(" done")',
  rich: `from IPython.display import display, Image, JSON\nimport base64\ndisplay(Image(data=base64.b64decode("${PNG}")))\ndisplay(JSON({"a": 1, "b": [1, 2]}))`,
};

interface Recorded {
  code: string;
  messages: Array<{ msg_type: string; content: unknown }>;
  reply: unknown;
}

async function main(): Promise<void> {
  const hub = await startTestHub({ users: ['rec'] });
  try {
    const client = new HubClient(hub.url, { token: hub.adminToken });
    const server = await client.startAndWait('rec', '', {}, { timeoutMs: 60_000 });
    const jupyter = new JupyterServerClient(server.url!, client.http);
    const kernel = await jupyter.startKernel('python3');
    const session = await jupyter.connect(kernel);
    const out: Record<string, Recorded> = {};
    for (const [name, code] of Object.entries(RECORDED_CELLS)) {
      const messages: Recorded['messages'] = [];
      const future = session.connection.requestExecute({ code, store_history: true, allow_stdin: false, stop_on_error: true, silent: false }, true);
      // The kernel-wide stream, not future.onIOPub: the connection re-routes display updates to earlier requests.
      const slot = (_: unknown, msg: KernelMessage.IIOPubMessage) => {
        if ((msg.parent_header as { msg_id?: string }).msg_id !== future.msg.header.msg_id) return;
        if (msg.header.msg_type === 'status' || msg.header.msg_type === 'execute_input') return;
        messages.push({ msg_type: msg.header.msg_type, content: msg.content });
      };
      session.connection.iopubMessage.connect(slot);
      const reply = await future.done;
      session.connection.iopubMessage.disconnect(slot);
      out[name] = { code, messages, reply: reply.content };
    }
    session.dispose();
    await jupyter.shutdownKernel(kernel.id);
    writeFileSync('test/unit/kernels/fixtures/iopub-recorded.json', `${JSON.stringify({ recordedWith: `JupyterHub ${hub.version}, ipykernel (Debian 12)`, cells: out }, null, 2)}\n`);
  } finally {
    await hub.stop();
  }
}

if (require.main === module) void main();
