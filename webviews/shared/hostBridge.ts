// The webview's side of the protocol: typed posts, validated receipt, `ready` first, styles injected with the page nonce.
import { HostMessage, isHostMessage, ViewKind, WebviewMessage } from '../../src/shared/protocol/panels';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface HostBridge {
  post(message: WebviewMessage): void;
  getState<T>(): T | undefined;
  setState(state: unknown): void;
}

/** The nonce of the script that is running, for the <style> elements it adds (the CSP allows no others). */
const pageNonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';

export function injectStyles(...sheets: string[]): void {
  for (const css of sheets) {
    const style = document.createElement('style');
    style.nonce = pageNonce;
    style.textContent = css;
    document.head.appendChild(style);
  }
}

/** Connects to the host, installs the message listener, then posts `ready` so the host may start sending. */
export function connect(view: ViewKind, onMessage: (m: HostMessage) => void): HostBridge {
  const api = acquireVsCodeApi();
  window.addEventListener('message', (event: MessageEvent) => {
    if (isHostMessage(event.data)) onMessage(event.data);
    else console.warn('pangeo: ignored a malformed host message', event.data);
  });
  const bridge: HostBridge = {
    post: (m) => api.postMessage(m),
    getState: <T>() => api.getState() as T | undefined,
    setState: (s) => api.setState(s),
  };
  bridge.post({ type: 'ready', view });
  return bridge;
}
