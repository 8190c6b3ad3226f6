/**
 * Flows whose issues have not landed: each records the validated, deduplicated run with
 * status `accepted` and takes no action (the README's status table says so).
 */
import {
  decodeBudgetNotification, decodeCostReportJob,
  type EventOfKind,
} from '../events/index.ts';
import type { FlowDefinition } from '../runtime/flow.ts';

const accepted = async () => ({ status: 'accepted' as const, reason: 'validated and recorded; this flow takes no action yet' });

export const budgetsFlow: FlowDefinition<EventOfKind<'BudgetNotification'>> = {
  flow: 'budgets',
  decode: decodeBudgetNotification,
  actor: (e) => `budget:${e.attributes.budgetId}`,
  describe: (e) => ({ budget: e.data.budgetDisplayName, cost: e.data.costAmount, budgetAmount: e.data.budgetAmount, threshold: e.data.alertThresholdExceeded }),
  act: accepted,
};

export const costReportsFlow: FlowDefinition<EventOfKind<'CostReportJob'>> = {
  flow: 'costReports',
  decode: decodeCostReportJob,
  actor: (e) => `scheduler:${e.job.job}`,
  describe: (e) => ({ job: e.job.job, period: e.job.period, slot: e.slot }),
  act: accepted,
};
