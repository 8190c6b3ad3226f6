/**
 * Budgets: Cloud Billing's budget notifications on cp-billing-budgets. Each threshold crossing
 * (budget, cost interval, actual|forecast, threshold) is acted on once with the actions of the
 * budget rules; routine updates refresh the latest-spend record (see act.ts).
 */
import { budgetAttributesSchema, budgetDataSchema, decodeBudgetNotification } from '../../events/index.ts';
import type { FlowDeclaration } from '../../runtime/flow.ts';
import { actBudget, type BudgetEvent } from './act.ts';
import type { BudgetsDeps } from './deps.ts';

export const budgetsFlow: FlowDeclaration<BudgetEvent, BudgetsDeps, 'budgets'> = {
  flow: 'budgets',
  functionName: 'budgets',
  // Key: budgets:<budgetId>:<interval>:<basis>:<threshold> (routine: …:update:<cost>); the target is the budget.
  decode: decodeBudgetNotification,
  actor: (e) => `budget:${e.attributes.budgetId}`,
  describe: (e) => ({ budget: e.data.budgetDisplayName, cost: e.data.costAmount, budgetAmount: e.data.budgetAmount, threshold: e.data.alertThresholdExceeded, forecastThreshold: e.data.forecastThresholdExceeded }),
  loadDeps: async (env) => (await import('../../runtime/adapters/budgets.ts')).budgetsDeps(env.config, env.clock, env.endpoint),
  act: actBudget,
  messages: [
    { kind: 'BudgetNotification', schema: budgetDataSchema },
    { kind: 'BudgetNotification', schema: budgetAttributesSchema, attributes: true },
  ],
  cli: {
    kind: 'budget',
    examples: [{
      file: 'budget-alert.json',
      attributes: { billingAccountId: '01D4EE-079462-DFD6EC', budgetId: 'de72f49d-779b-4945-a127-4d6ce8def0bb', schemaVersion: '1.0' },
    }],
  },
};
