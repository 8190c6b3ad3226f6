/**
 * The budgets flow as the handler runtime runs it (decode, key, act). Until the flow
 * declarations of shared/flows/<name>/flow.ts land, this is the one definition the function,
 * the local stack and the tests use.
 */
import { decodeBudgetNotification } from '../../events/index.ts';
import type { FlowDefinition } from '../../runtime/flow.ts';
import { actBudget, type BudgetEvent } from './act.ts';
import type { BudgetsDeps } from './deps.ts';

export const budgetsFlow: FlowDefinition<BudgetEvent, BudgetsDeps> = {
  flow: 'budgets',
  decode: decodeBudgetNotification,
  actor: (e) => `budget:${e.attributes.budgetId}`,
  describe: (e) => ({ budget: e.data.budgetDisplayName, cost: e.data.costAmount, budgetAmount: e.data.budgetAmount, threshold: e.data.alertThresholdExceeded, forecastThreshold: e.data.forecastThresholdExceeded }),
  act: actBudget,
};
