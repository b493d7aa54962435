// A stand-in for the notebook kernel a reattach connects (ReattachableKernel): connect() fires onDidAttach with the
// given session, then reports kernel k1; tests play the connection's verdicts through `states`.
import { Emitter } from '../../src/core/emitter';
import type { KernelSession } from '../../src/jupyterServer/jupyterServerClient';
import type { KernelState } from '../../src/kernels/kernelState';

export function reattachableKernel<E extends object = object>(session: KernelSession, extra?: E) {
  const attach = new Emitter<KernelSession>();
  const states = new Emitter<{ state: KernelState; message?: string }>();
  let connected = false;
  const kernel = {
    onDidAttach: attach.event,
    onDidChangeState: states.event,
    ...(extra as E),
    get kernelId() {
      return connected ? 'k1' : undefined;
    },
    connect: async () => {
      attach.fire(session);
      connected = true;
    },
    interrupt: async () => undefined,
  };
  return { kernel, states };
}
