// Whether a Dask Gateway cluster adapts, and between which bounds, as its scheduler says it. Neither the gateway's
// cluster model (models.py to_dict: name, dashboard_route, status, times, options) nor a scheduler HTTP route reports
// it; the gateway's scheduler extension (dask_gateway/scheduler_preload.py, GatewaySchedulerService.adapt) logs each
// change through the scheduler's logger, and the scheduler serves its recent log at /info/main/logs.html (behind the
// gateway at /clusters/<name>/info/main/logs.html). So whoever changed it (a notebook's cluster.adapt()/scale(), the
// CLI, the editor), the last such line is the truth; when the log cannot be read or no longer reaches back, we say
// that we do not know rather than show bounds we once asked for.

/** What the scheduler's log says of adaptive scaling. */
export type AdaptiveState =
  | { kind: 'adaptive'; minimum: number; maximum: number | null }
  | { kind: 'fixed' }
  | { kind: 'unknown'; why: string };

/** scheduler_preload.py: `logger.info("Enabling adaptive scaling, minimum=%r, maximum=%r", minimum, maximum)` and `logger.info("Disabling adaptive scaling")`. */
const CHANGE = /Enabling adaptive scaling, minimum=(\d+|None), maximum=(\d+|None)|Disabling adaptive scaling/g;

/** distributed's default `distributed.admin.log-length`: the scheduler keeps this many log lines, then drops the oldest. */
export const SCHEDULER_LOG_LENGTH = 10_000;

/** One log line on the logs page (distributed/http/templates/logs.html renders each as a <p>). */
const LINE = /<p>/g;

/** Reads the state from the text of /info/main/logs.html (untrusted: only the two fixed sentences and their numbers are read). */
export function adaptiveFromSchedulerLog(page: string): AdaptiveState {
  let last: RegExpExecArray | undefined;
  for (const m of page.matchAll(CHANGE)) last = m;
  if (last) {
    if (last[0].startsWith('Disabling')) return { kind: 'fixed' };
    return { kind: 'adaptive', minimum: last[1] === 'None' ? 0 : Number(last[1]), maximum: last[2] === 'None' ? null : Number(last[2]) };
  }
  // Never changed since the scheduler started — unless the log dropped its oldest lines.
  if ((page.match(LINE)?.length ?? 0) >= SCHEDULER_LOG_LENGTH) {
    return { kind: 'unknown', why: 'the scheduler\'s log no longer reaches back to the last change' };
  }
  return { kind: 'fixed' };
}

/** The worker count the gateway scaled to instead ("… Scaling to 4 instead."), or undefined. */
export function countFromGatewayMessage(message: string): number | undefined {
  const m = /Scaling to (\d+) instead/i.exec(message);
  return m ? Number(m[1]) : undefined;
}
