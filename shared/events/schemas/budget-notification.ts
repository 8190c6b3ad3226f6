/**
 * Cloud Billing's programmatic budget notification (schemaVersion 1.0): JSON data plus
 * message attributes. `alertThresholdExceeded` is absent on the routine (~every 30 min) updates.
 */
import { z } from 'zod';
import { rfc3339 } from './common.ts';

export const budgetDataSchema = z.looseObject({
  budgetDisplayName: z.string().min(1),
  costAmount: z.number(),
  costIntervalStart: rfc3339,
  budgetAmount: z.number(),
  budgetAmountType: z.enum(['SPECIFIED_AMOUNT', 'LAST_MONTH_COST', 'LAST_PERIODS_AMOUNT']),
  alertThresholdExceeded: z.number().nonnegative().optional(),
  forecastThresholdExceeded: z.number().nonnegative().optional(),
  currencyCode: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code'),
});

export const budgetAttributesSchema = z.looseObject({
  billingAccountId: z.string().regex(/^[A-Z0-9]{6}-[A-Z0-9]{6}-[A-Z0-9]{6}$/, 'must look like 012345-6789AB-CDEF01'),
  budgetId: z.string().min(1).max(128),
  schemaVersion: z.literal('1.0'),
});

export type BudgetData = z.infer<typeof budgetDataSchema>;
export type BudgetAttributes = z.infer<typeof budgetAttributesSchema>;
