/**
 * Flow-specific adapters, loaded on first use by the flow that needs them. A function's
 * instance imports only its own flow's clients (the import of a @google-cloud client is most
 * of a cold start), builds them once, and each adapter creates its client lazily.
 */
import type { FlowName } from '../events/topics.ts';
import type { Clock } from '../ports/clock.ts';
import type { Config } from './config.ts';

import { endpointConfig } from './endpoint.ts';

export { endpointConfig };

export async function loadFlowDeps(flow: FlowName, config: Config, clock: Clock): Promise<unknown> {
  switch (flow) {
    case 'provisioning':
      return (await import('./adapters/provisioning.ts')).provisioningDeps(config, clock);
    case 'alerts':
      return (await import('./adapters/alerts.ts')).alertsDeps(config, clock);
    case 'backups':
      return (await import('./adapters/backups.ts')).backupsDeps(config, clock);
    case 'budgets':
      return (await import('./adapters/budgets.ts')).budgetsDeps(config, clock, endpointConfig(config));
    case 'costReports':
      return (await import('./adapters/cost-reports.ts')).costReportDeps(config, clock, endpointConfig(config));
    default:
      return undefined;
  }
}
