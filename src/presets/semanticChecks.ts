// Rules a JSON Schema cannot say well: https except loopback, safe relative paths, dates, expiry, consistent Dask sizing.
// Runs on values that may still break the schema, so every read is guarded.
import { settingRefusal } from './settingsPolicy';
import type { ProblemCode } from './presetTypes';

export interface SemanticIssue {
  segments: string[];
  at: 'value' | 'key';
  message: string;
  code: ProblemCode;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** Why `text` is not an acceptable web address for a preset (https, or http on loopback only), or undefined. */
export function urlProblem(text: string): { code: ProblemCode; message: string } | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { code: 'bad-url', message: `"${text.slice(0, 100)}" is not a valid URL` };
  }
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname)) return { code: 'insecure-url', message: 'must use https:// (plain http is only allowed for localhost)' };
  } else if (url.protocol !== 'https:') {
    return { code: 'insecure-url', message: `must use https://, not ${url.protocol}` };
  }
  if (url.username || url.password) return { code: 'bad-url', message: 'must not contain a user name or password' };
  if (!url.hostname) return { code: 'bad-url', message: 'must name a host' };
  return undefined;
}

/** Why `p` is not a safe path relative to the repository root, or undefined. */
export function relativePathProblem(p: string): string | undefined {
  if (p.includes('\0')) return 'must not contain NUL characters';
  if (p.includes('\\')) return 'must use / as separator';
  if (p.startsWith('/') || p.startsWith('~') || /^[A-Za-z]:/.test(p)) return 'must be relative to the repository root';
  if (p.split('/').some((part) => part === '..')) return 'must stay inside the repository (no "..")';
  return undefined;
}

/** The instant after which a preset with this `expires` no longer applies (date-only: end of that day, UTC). */
export function expiryInstant(expires: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(T.*)?$/.exec(expires);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  // Reject dates that roll over (2025-02-30).
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return undefined;
  if (!m[4]) return new Date(day.getTime() + 86_400_000);
  const t = new Date(expires);
  return Number.isNaN(t.getTime()) ? undefined : t;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkSemantics(value: unknown, now: Date): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  if (!isObject(value)) return issues;
  const add = (segments: string[], code: ProblemCode, message: string, at: 'value' | 'key' = 'value') =>
    issues.push({ segments, at, code, message });
  const checkUrl = (segments: string[], v: unknown) => {
    if (typeof v !== 'string') return;
    const p = urlProblem(v);
    if (p) add(segments, p.code, p.message);
  };

  if (isObject(value.instructor)) checkUrl(['instructor', 'url'], value.instructor.url);

  if (isObject(value.hub)) checkUrl(['hub', 'url'], value.hub.url);

  if (isObject(value.content)) {
    checkUrl(['content', 'repo'], value.content.repo);
    const open = value.content.open;
    if (Array.isArray(open)) {
      open.forEach((p, i) => {
        if (typeof p !== 'string') return;
        const problem = relativePathProblem(p);
        if (problem) add(['content', 'open', String(i)], 'bad-path', problem);
      });
    }
  }

  if (isObject(value.dask)) {
    const dask = value.dask;
    checkUrl(['dask', 'url'], dask.url);
    if (dask.workers !== undefined && dask.adapt !== undefined) {
      add(['dask', 'adapt'], 'conflict', 'give either "workers" or "adapt", not both');
    }
    if (isObject(dask.adapt) && typeof dask.adapt.minimum === 'number' && typeof dask.adapt.maximum === 'number' && dask.adapt.minimum > dask.adapt.maximum) {
      add(['dask', 'adapt', 'minimum'], 'conflict', `minimum (${dask.adapt.minimum}) must not exceed maximum (${dask.adapt.maximum})`);
    }
    if (dask.provider === 'scheduler' && dask.url === undefined) {
      add(['dask'], 'missing-key', 'provider "scheduler" needs "url" (the scheduler\'s dashboard address)');
    }
  }

  if (isObject(value.cost) && value.cost.hubProfilePrices !== undefined && !isObject(value.hub)) {
    add(['cost', 'hubProfilePrices'], 'conflict', 'profile prices belong to the preset\'s hub: add a "hub" section');
  }

  if (isObject(value.cost) && isObject(value.cost.budget)) {
    const amount = value.cost.budget.amount;
    if (typeof amount === 'number' && !Number.isFinite(amount)) add(['cost', 'budget', 'amount'], 'schema', 'must be a finite number');
  }

  if (isObject(value.settings)) {
    for (const key of Object.keys(value.settings)) {
      const refusal = settingRefusal(key);
      if (refusal) add(['settings', key], 'forbidden-setting', refusal, 'key');
    }
  }

  if (typeof value.expires === 'string') {
    const at = expiryInstant(value.expires);
    if (!at) add(['expires'], 'bad-date', `"${value.expires}" is not a real date`);
    else if (at.getTime() <= now.getTime()) add(['expires'], 'expired', `this preset expired on ${value.expires}; ask the instructor for a current one`);
  }
  return issues;
}
