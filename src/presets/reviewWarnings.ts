// What the review page must point out before consent: a hub (or gateway) reached over plain http, where the password
// or token travels unencrypted, and settings or a budget the preset replaces (old → new).
import { COST_SETTINGS } from './budgetStep';
import type { PresetPlan } from './presetPlan';
import { profilePrice, type HubProfilePrices } from '../cost/hubProfilePrices';

/** Values the settings have now where the preset would write them (undefined: not set there). */
export type CurrentSettings = Record<string, unknown>;

/** The settings keys whose current values the warnings need (read them, then call reviewWarnings). */
export function keysToCompare(plan: PresetPlan): string[] {
  const keys: string[] = [];
  for (const s of plan.steps) {
    if (s.kind === 'set-budget') keys.push(COST_SETTINGS.limit, COST_SETTINGS.period, COST_SETTINGS.action, COST_SETTINGS.prices, COST_SETTINGS.profilePrices);
    if (s.kind === 'apply-settings') keys.push(...Object.keys(s.settings));
  }
  return [...new Set(keys)];
}

const ACTION_WORDS: Record<string, string> = { none: 'warn only', scaleClustersToZero: 'scale clusters to zero', stopAll: 'stop servers and clusters' };

function budgetWords(limit: unknown, period: unknown): string {
  return typeof limit === 'number' && limit > 0 ? `$${limit} per ${typeof period === 'string' ? period : 'month'}` : 'no budget';
}

function show(v: unknown): string {
  const text = JSON.stringify(v);
  return text === undefined ? 'unset' : text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function reviewWarnings(plan: PresetPlan, current: CurrentSettings): string[] {
  const out: string[] = [];
  for (const s of plan.steps) {
    if (s.kind === 'sign-in' && /^http:/i.test(s.hubUrl)) {
      out.push(`The hub ${s.hubUrl} uses plain http: the password or token you sign in with travels unencrypted.`);
    }
    if (s.kind === 'create-dask-cluster' && s.provider === 'gateway' && s.url && /^http:/i.test(s.url)) {
      out.push(`The Dask Gateway ${s.url} uses plain http: your credentials for it travel unencrypted.`);
    }
    if (s.kind === 'set-budget') {
      const oldLimit = current[COST_SETTINGS.limit];
      const oldPeriod = current[COST_SETTINGS.period];
      const newLimit = s.amount ?? oldLimit;
      const newPeriod = s.period ?? oldPeriod;
      const hadBudget = typeof oldLimit === 'number' && oldLimit > 0;
      if (hadBudget && (!same(oldLimit, newLimit) || !same(oldPeriod ?? 'month', newPeriod ?? 'month'))) {
        out.push(`Replaces your budget: ${budgetWords(oldLimit, oldPeriod)} → ${budgetWords(newLimit, newPeriod)}.`);
      }
      const oldAction = current[COST_SETTINGS.action];
      if (oldAction !== undefined && !same(oldAction, s.atLimit)) {
        out.push(`Replaces what happens at 100 % of the budget: ${ACTION_WORDS[String(oldAction)] ?? show(oldAction)} → ${ACTION_WORDS[s.atLimit] ?? s.atLimit}.`);
      }
      for (const [slug, usd] of Object.entries(s.hubUrl ? s.hubProfilePrices ?? {} : {})) {
        const old = profilePrice(current[COST_SETTINGS.profilePrices] as HubProfilePrices | undefined, s.hubUrl!, slug);
        if (old !== undefined && old !== usd) out.push(`Replaces the price of the profile "${slug}" on ${s.hubUrl}: $${old}/h → $${usd}/h.`);
      }
      if (s.priceOverrides !== undefined && current[COST_SETTINGS.prices] !== undefined && !same(current[COST_SETTINGS.prices], s.priceOverrides)) {
        out.push(`Replaces your price overrides (${COST_SETTINGS.prices}): ${show(current[COST_SETTINGS.prices])} → ${show(s.priceOverrides)}.`);
      }
    }
    if (s.kind === 'apply-settings') {
      for (const [key, value] of Object.entries(s.settings)) {
        if (current[key] !== undefined && !same(current[key], value)) out.push(`Replaces the setting ${key}: ${show(current[key])} → ${show(value)}.`);
      }
    }
  }
  return out;
}
