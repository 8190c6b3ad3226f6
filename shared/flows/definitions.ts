/**
 * The five flows as the handler runtime sees them, for the CLI and the local stack. Each
 * function entry point imports only its own flow's module, so its bundle loads nothing else.
 */
import { alertsFlow } from './alerts/flow.ts';
import { backupsFlow } from './backups/flow.ts';
import { budgetsFlow } from './budgets/definition.ts';
import { costReportsFlow } from './cost-reports/definition.ts';
import { provisioningFlow } from './provisioning/flow.ts';

export { alertsFlow, backupsFlow, budgetsFlow, costReportsFlow, provisioningFlow };

export const FLOWS = {
  provisioning: provisioningFlow,
  alerts: alertsFlow,
  budgets: budgetsFlow,
  backups: backupsFlow,
  costReports: costReportsFlow,
} as const;
