/**
 * The five flows as the handler runtime sees them. Each flow's `act` is where its issue's
 * behaviour lives; until that issue lands, the flow records the validated, deduplicated
 * run with status `accepted` and does nothing else (the README's status table says which).
 */
import {
  decodeBackupJob, decodeBudgetNotification, decodeCostReportJob,
  type EventOfKind,
} from '../events/index.ts';
import type { FlowDefinition } from '../runtime/flow.ts';
import { provisioningFlow } from './provisioning/flow.ts';
import { alertsFlow } from './alerts/flow.ts';

export { provisioningFlow, alertsFlow };

const accepted = async () => ({ status: 'accepted' as const, reason: 'validated and recorded; this flow takes no action yet' });

export const budgetsFlow: FlowDefinition<EventOfKind<'BudgetNotification'>> = {
  flow: 'budgets',
  decode: decodeBudgetNotification,
  actor: (e) => `budget:${e.attributes.budgetId}`,
  describe: (e) => ({ budget: e.data.budgetDisplayName, cost: e.data.costAmount, budgetAmount: e.data.budgetAmount, threshold: e.data.alertThresholdExceeded }),
  act: accepted,
};

export const backupsFlow: FlowDefinition<EventOfKind<'BackupJob'>> = {
  flow: 'backups',
  decode: decodeBackupJob,
  actor: (e) => `scheduler:${e.job.job}`,
  describe: (e) => ({ job: e.job.job, task: e.job.task, instance: e.job.instance, slot: e.slot }),
  act: accepted,
};

export const costReportsFlow: FlowDefinition<EventOfKind<'CostReportJob'>> = {
  flow: 'costReports',
  decode: decodeCostReportJob,
  actor: (e) => `scheduler:${e.job.job}`,
  describe: (e) => ({ job: e.job.job, period: e.job.period, slot: e.slot }),
  act: accepted,
};

export const FLOWS = {
  provisioning: provisioningFlow,
  alerts: alertsFlow,
  budgets: budgetsFlow,
  backups: backupsFlow,
  costReports: costReportsFlow,
} as const;
