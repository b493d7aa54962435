// The page's side of its protocol, the same for every page: typed posts, validated receipt, `ready` first, requests
// that resolve with the host's result, and styles injected with the page nonce.
import { PageRequests, type RequestOutcome, type ResultMessage, type WithoutRequestId } from '../../src/shared/protocol/requests';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** What a page needs of its protocol (src/shared/protocol): the receipt check, and the message that says it is ready. */
export interface PageProtocol<H extends { type: string }, W extends { type: string }> {
  isHostMessage(v: unknown): v is H;
  ready: W;
}

export interface HostBridge<W extends { type: string }> {
  post(message: W): void;
  /** Posts a request with a fresh id; resolves with the host's result for it (the page never sees that result message). */
  request(message: WithoutRequestId<W>): Promise<RequestOutcome>;
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

const isResult = (m: { type: string }): m is ResultMessage => m.type === 'result';

/** Connects to the host, installs the message listener, then posts `ready` so the host may start sending. */
export function connect<H extends { type: string }, W extends { type: string }>(protocol: PageProtocol<H, W>, onMessage: (m: H) => void): HostBridge<W> {
  const api = acquireVsCodeApi();
  const requests = new PageRequests<W>((m) => api.postMessage(m));
  window.addEventListener('message', (event: MessageEvent) => {
    const m: unknown = event.data;
    if (!protocol.isHostMessage(m)) console.warn('pangeo: ignored a malformed host message', m);
    else if (!(isResult(m) && requests.settle(m))) onMessage(m);
  });
  const bridge: HostBridge<W> = {
    post: (m) => api.postMessage(m),
    request: (m) => requests.send(m),
    getState: <T>() => api.getState() as T | undefined,
    setState: (s) => api.setState(s),
  };
  bridge.post(protocol.ready);
  return bridge;
}
