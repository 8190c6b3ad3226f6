/** What the budgets flow acts through. */
import type { BudgetRules, Environment } from '../../domain/budgets/rules.ts';
import type { Metrics } from '../../ports/metrics.ts';
import type { AppParameters, SqlActivation } from '../../ports/scale.ts';

export interface BudgetsDeps {
  /** The validated rules; throws BudgetRulesError when the file is bad. */
  rules(): BudgetRules;
  environment: Environment;
  /** Monitoring: the threshold-crossed metric an alert policy notifies channels on. */
  metrics: Metrics;
  apps: AppParameters;
  sql: SqlActivation;
}
