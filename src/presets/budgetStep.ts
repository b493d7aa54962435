// The "set-budget" step: the preset's budget, action and prices become this workspace's pangeo.cost.* settings,
// which the cost meter already reads (so a preset budget behaves exactly like one set by hand).
import type { StepRunner } from './applyPreset';
import type { SettingsWriter } from './settingsWriter';
import { withProfilePrices, type HubProfilePrices } from '../cost/hubProfilePrices';
import type { SettingKey } from '../core/settings';

/** The settings keys the step writes (fixed here, never taken from the preset). */
export const COST_SETTINGS = {
  limit: 'pangeo.cost.budget.limitUsd',
  period: 'pangeo.cost.budget.period',
  action: 'pangeo.cost.budget.actionAt100',
  prices: 'pangeo.cost.priceOverrides',
  profilePrices: 'pangeo.cost.hubProfilePrices',
} as const satisfies Record<string, SettingKey>;

export function budgetStep(writer: SettingsWriter): StepRunner<'set-budget'> {
  return async (step, ctx) => {
    const entries: Record<string, unknown> = {};
    if (step.amount !== undefined) entries[COST_SETTINGS.limit] = step.amount;
    if (step.period !== undefined) entries[COST_SETTINGS.period] = step.period;
    entries[COST_SETTINGS.action] = step.atLimit;
    if (step.priceOverrides !== undefined) entries[COST_SETTINGS.prices] = step.priceOverrides;
    if (step.hubUrl && step.hubProfilePrices) {
      // Merged with other hubs' (and this hub's other) profile prices already set.
      const current = (await writer.read([COST_SETTINGS.profilePrices]))[COST_SETTINGS.profilePrices] as HubProfilePrices | undefined;
      entries[COST_SETTINGS.profilePrices] = withProfilePrices(current, step.hubUrl, step.hubProfilePrices);
    }
    ctx.state.previousCostSettings = await writer.read(Object.keys(entries));
    ctx.report(step.amount ? `Budget $${step.amount} per ${step.period}` : 'Cost settings');
    await writer.write(entries);
  };
}
