// A tiny parser for the Prometheus text exposition format (what a Dask scheduler serves at /metrics).

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses `name{label="v",...} value [timestamp]` lines; comments, blank and malformed lines are skipped. */
export function parsePrometheusText(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const sample = parseLine(line);
    if (sample) out.push(sample);
  }
  return out;
}

function parseLine(line: string): PromSample | undefined {
  let i = 0;
  while (i < line.length && /[A-Za-z0-9_:]/.test(line[i]!)) i++;
  const name = line.slice(0, i);
  if (!name) return undefined;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      const eq = line.indexOf('=', i);
      if (eq < 0 || line[eq + 1] !== '"') return undefined;
      const key = line.slice(i, eq).trim();
      // Label values escape \\, \" and \n.
      let value = '';
      let j = eq + 2;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length) {
          const next = line[++j];
          value += next === 'n' ? '\n' : next;
        } else value += line[j];
      }
      if (j >= line.length) return undefined;
      labels[key] = value;
      i = j + 1;
    }
  }
  const rest = line.slice(i).trim().split(/\s+/);
  const value = parseValue(rest[0]);
  if (value === undefined) return undefined;
  return { name, labels, value };
}

function parseValue(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const n = Number(text);
  return Number.isNaN(n) ? undefined : n;
}

/** Values of one metric keyed by one label (e.g. dask_scheduler_tasks by state). */
export function byLabel(samples: PromSample[], name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    if (s.name !== name) continue;
    const key = s.labels[label];
    if (key !== undefined) out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}

export function single(samples: PromSample[], name: string): number | undefined {
  return samples.find((s) => s.name === name && Object.keys(s.labels).length === 0)?.value;
}

/**
 * Total workers from `dask_scheduler_workers{state}`. distributed 2022.12 reports
 * connected|saturated|idle where `connected` is the total and the others are subsets of it;
 * current releases report disjoint idle|partially_saturated|saturated|paused_or_retiring, which sum.
 */
export function workerTotal(byState: Record<string, number>): number | undefined {
  const states = Object.keys(byState);
  if (states.length === 0) return undefined;
  if ('connected' in byState) return byState.connected;
  return states.reduce((sum, s) => sum + byState[s]!, 0);
}
