// One scheduler /metrics answer, parsed once: the samples plus the families it declares (a family with no samples yet,
// e.g. per-prefix counters before the first task, is declared but empty — which is not the same as not served).
import { parsePrometheusText, PromSample } from './prometheusText';

export interface MetricsPage {
  samples: PromSample[];
  /** Family names from `# TYPE <name> <type>` lines. */
  declared: ReadonlySet<string>;
}

/** Parses a /metrics body (a 404 — prometheus_client missing on the scheduler — is the caller's `undefined`). */
export function readMetricsPage(text: string): MetricsPage {
  const declared = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^#\s*TYPE\s+([A-Za-z_:][A-Za-z0-9_:]*)\s/.exec(line);
    if (m) declared.add(m[1]!);
  }
  return { samples: parsePrometheusText(text), declared };
}

/** Whether the page looks like a Dask scheduler's at all (any dask_scheduler_* family). */
export function isSchedulerPage(page: MetricsPage): boolean {
  for (const name of page.declared) if (name.startsWith('dask_scheduler_')) return true;
  return page.samples.some((s) => s.name.startsWith('dask_scheduler_'));
}

/**
 * The first of `names` the page declares or has samples of. prometheus_client appends `_total` to counter samples
 * (and, since 0.4, declares the family without it), so callers list every spelling a Dask version may use.
 */
export function findFamily(page: MetricsPage, names: readonly string[]): { declared: string; samples: PromSample[] } | undefined {
  for (const name of names) {
    const samples = page.samples.filter((s) => s.name === name);
    if (samples.length > 0 || page.declared.has(name)) return { declared: name, samples };
  }
  return undefined;
}
