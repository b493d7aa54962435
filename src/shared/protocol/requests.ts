// Requests from a page to its host, one way on both sides: the page numbers each request and awaits exactly one
// `result` with that number; the host runs the request and always answers, with the error's text when it failed.

export interface ResultMessage {
  type: 'result';
  requestId: number;
  ok: boolean;
  message: string;
}

/** What the page learns of a request it sent. */
export type RequestOutcome = Pick<ResultMessage, 'ok' | 'message'>;

/** The messages of a union that expect a result. */
export type RequestOf<M> = M extends { requestId: number } ? M : never;
/** A request as the page writes it: the id is given when it is sent. */
export type WithoutRequestId<M> = M extends { requestId: number } ? Omit<M, 'requestId'> : never;

/** The page's side: numbers requests and settles each when its result arrives. */
export class PageRequests<M extends { type: string }> {
  private next = 1;
  private readonly waiting = new Map<number, (o: RequestOutcome) => void>();

  constructor(private readonly post: (m: M) => void) {}

  send(m: WithoutRequestId<M>): Promise<RequestOutcome> {
    const requestId = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(requestId, resolve);
      this.post({ ...m, requestId } as unknown as M);
    });
  }

  /** Settles the request this result answers; false when none waits for it (already answered, or not ours). */
  settle(r: ResultMessage): boolean {
    const resolve = this.waiting.get(r.requestId);
    if (!resolve) return false;
    this.waiting.delete(r.requestId);
    resolve({ ok: r.ok, message: r.message });
    return true;
  }
}

/** The host's side: runs a request and posts its one result; true when it succeeded. Never throws. */
export async function answerRequest(
  post: (r: ResultMessage) => void,
  requestId: number,
  run: () => Promise<string>,
  describe: (e: unknown) => string,
): Promise<boolean> {
  try {
    post({ type: 'result', requestId, ok: true, message: await run() });
    return true;
  } catch (e) {
    post({ type: 'result', requestId, ok: false, message: describe(e) });
    return false;
  }
}
