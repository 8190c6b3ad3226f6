/**
 * The cost flows' settings from the environment, validated once (Terraform sets them on the
 * functions; locally the defaults apply): the reports bucket, the budget amount to compare with
 * before the month's first budget notification, the billing currency and the environment.
 */
import { z } from 'zod';
import { formatIssues } from '../../events/issues.ts';
import { ENVIRONMENTS, type Environment } from '../../domain/budgets/rules.ts';
import { ValidationError } from '../../runtime/errors.ts';
import type { CostSettings } from './deps.ts';

const schema = z.object({
  STACKCTL_REPORTS_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/, 'must be a Cloud Storage bucket name').optional(),
  STACKCTL_BUDGET_AMOUNT: z.coerce.number().positive().optional(),
  STACKCTL_BILLING_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code').default('USD'),
  STACKCTL_ENVIRONMENT: z.enum(ENVIRONMENTS).default('dev'),
});

export interface CostEnvironment extends CostSettings {
  environment: Environment;
}

export function costSettings(base: { projectId: string; region: string }, env: NodeJS.ProcessEnv = process.env): CostEnvironment {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ValidationError(formatIssues(parsed.error.issues).map((i) => ({ ...i, path: i.path.replace(/^\$\./, 'env ') })), 'cost settings');
  }
  const c = parsed.data;
  return {
    region: base.region,
    reportsBucket: c.STACKCTL_REPORTS_BUCKET ?? `${base.projectId}-reports`,
    budgetAmount: c.STACKCTL_BUDGET_AMOUNT ?? null,
    currencyCode: c.STACKCTL_BILLING_CURRENCY,
    environment: c.STACKCTL_ENVIRONMENT,
  };
}
