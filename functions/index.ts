/** Registers every function target; the deployable bundle and the local stack load this file. */
import './provisioning.ts';
import './alerts.ts';
import './budgets.ts';
import './backups.ts';
import './cost-reports.ts';
