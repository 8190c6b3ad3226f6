/**
 * The budgets flow's adapters: Monitoring (the threshold metric), Argo CD (parameter overrides,
 * its token from Secret Manager, read on first use) and Cloud SQL (activation policy).
 */
import { HttpArgoCd } from '../../adapters/gcp/argocd.ts';
import type { GcpEndpointConfig } from '../../adapters/gcp/common/endpoint.ts';
import { GcpMetrics } from '../../adapters/gcp/metrics.ts';
import { GcpSecrets } from '../../adapters/gcp/secrets.ts';
import { GcpSqlAdmin } from '../../adapters/gcp/sql-admin.ts';
import type { BudgetsDeps } from '../../flows/budgets/deps.ts';
import { budgetRulesLoader, budgetRulesLocation } from '../../flows/budgets/rules-source.ts';
import { costSettings } from '../../flows/cost-reports/settings.ts';
import type { Clock } from '../../ports/clock.ts';
import type { AppParameters } from '../../ports/scale.ts';
import type { Config } from '../config.ts';
import { PermanentError } from '../errors.ts';

/** Secret Manager secret holding the Argo CD API token (module control-plane). */
export const ARGOCD_TOKEN_SECRET_ID = 'argocd-token';

export function budgetsDeps(config: Config, clock: Clock, endpoint: GcpEndpointConfig, env: NodeJS.ProcessEnv = process.env): BudgetsDeps {
  const secrets = new GcpSecrets(endpoint, clock);
  let token: Promise<string> | undefined;
  const apps: AppParameters = config.argoCdUrl
    ? new HttpArgoCd(config.argoCdUrl, () => (token ??= secrets.accessVersion(ARGOCD_TOKEN_SECRET_ID).then((b) => b.toString('utf8').trim()).catch((err: unknown) => { token = undefined; throw err; })), clock)
    : { setHelmParameters: async () => { throw new PermanentError('STACKCTL_ARGOCD_URL is not set: the budgets function cannot override Argo CD parameters', { where: 'env STACKCTL_ARGOCD_URL' }); } };
  return {
    rules: budgetRulesLoader(budgetRulesLocation(env)),
    environment: costSettings(config, env).environment,
    metrics: new GcpMetrics(endpoint, clock),
    apps,
    sql: new GcpSqlAdmin(endpoint, clock),
  };
}
