/**
 * Budgets: Cloud Billing's budget notifications on cp-billing-budgets. Until the flow's own
 * issue lands, `act` records the validated, deduplicated run as `accepted` and takes no action
 * (the README's status table says so).
 */
import { budgetAttributesSchema, budgetDataSchema, decodeBudgetNotification, type EventOfKind } from '../../events/index.ts';
import type { FlowDeclaration, NoDeps } from '../../runtime/flow.ts';

export const budgetsFlow: FlowDeclaration<EventOfKind<'BudgetNotification'>, NoDeps, 'budgets'> = {
  flow: 'budgets',
  functionName: 'budgets',
  // Key: budgets:<budgetId>:<interval start>:<threshold>; the target is the budget.
  decode: decodeBudgetNotification,
  actor: (e) => `budget:${e.attributes.budgetId}`,
  describe: (e) => ({ budget: e.data.budgetDisplayName, cost: e.data.costAmount, budgetAmount: e.data.budgetAmount, threshold: e.data.alertThresholdExceeded }),
  loadDeps: async () => ({}),
  act: async () => ({ status: 'accepted', reason: 'validated and recorded; this flow takes no action yet' }),
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
