// A scheduler that answers with the payloads recorded from a real Dask 2022.12 run (test/fixtures/scheduler/), phase by
// phase, and an /eventstream that replays the recorded websocket frames — for the dashboard's browser tests.
import type { EventstreamConnection, EventstreamOptions } from '../../src/dashboard/metrics/eventstreamConnection';
import { readEventstreamFrame } from '../../src/dashboard/metrics/taskStream';
import { fixtureText, Phase } from '../unit/metrics/schedulerFixtures';

export const PHASES: Phase[] = ['start', 'middle', 'end', 'released'];

export interface RecordedScheduler {
  fetch: typeof fetch;
  /** Which recording the next requests get. */
  phase: Phase;
  /** false: /metrics answers 404, as on a scheduler without prometheus_client. */
  metrics: boolean;
  openEventstream: (opts: EventstreamOptions) => Promise<EventstreamConnection>;
  /** Whether a stream is open now. */
  streamOpen(): boolean;
}

export function recordedScheduler(opts: { eventstream?: 'replay' | 'not-served' } = {}): RecordedScheduler {
  let open = 0;
  const s: RecordedScheduler = {
    phase: 'start',
    metrics: true,
    fetch: (async (input: string | URL | Request) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      const path = url.pathname;
      if (path.endsWith('/json/identity.json')) return new Response(fixtureText(`identity-${s.phase}.json`));
      if (path.endsWith('/json/counts.json')) {
        // Not recorded: the dashboard takes task counts from /metrics; counts.json only has to be a scheduler's.
        const workers = Object.keys((JSON.parse(fixtureText(`identity-${s.phase}.json`)) as { workers: object }).workers).length;
        return Response.json({ workers, cores: workers, memory: 0, processing: 0, waiting: 0, erred: 0, released: 0, unrunnable: 0, clients: 1 });
      }
      if (path.endsWith('/metrics')) return s.metrics ? new Response(fixtureText(`metrics-${s.phase}.txt`)) : new Response('404: Not Found', { status: 404 });
      return new Response('404: Not Found', { status: 404 });
    }),
    openEventstream: async (o) => {
      if (opts.eventstream === 'not-served') {
        throw Object.assign(new Error(`The scheduler at ${o.baseUrl}eventstream serves no task stream (/eventstream).`), { kind: 'NotFound' });
      }
      open++;
      let closed = false;
      // The recorded frames, delivered as the websocket would (after open resolves).
      setTimeout(() => {
        for (const line of fixtureText('eventstream.jsonl').split('\n')) if (line.trim() && !closed) o.onEvent(readEventstreamFrame(line));
      }, 10);
      return { close: () => { if (!closed) { closed = true; open--; } } };
    },
    streamOpen: () => open > 0,
  };
  return s;
}
