/**
 * Cloud Billing's programmatic budget notification (schemaVersion 1.0): JSON data plus
 * message attributes. `alertThresholdExceeded` is absent on the routine (~every 30 min) updates.
 */
import { z } from 'zod';
import { rfc3339 } from './common.ts';

export const budgetDataSchema = z.looseObject({
  budgetDisplayName: z.string().min(1).describe('the budget name'),
  costAmount: z.number().describe('cost so far in the interval'),
  costIntervalStart: rfc3339.describe('RFC 3339 start of the budget interval; part of the idempotency key'),
  budgetAmount: z.number().describe('the budgeted amount'),
  budgetAmountType: z.enum(['SPECIFIED_AMOUNT', 'LAST_MONTH_COST', 'LAST_PERIODS_AMOUNT']).describe('SPECIFIED_AMOUNT, LAST_MONTH_COST or LAST_PERIODS_AMOUNT'),
  alertThresholdExceeded: z.number().nonnegative().optional().describe('the threshold crossed (0.5 = 50 %); absent on routine updates; part of the key'),
  forecastThresholdExceeded: z.number().nonnegative().optional().describe('the forecast threshold crossed, if any'),
  currencyCode: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code').describe('ISO 4217 code'),
});

export const budgetAttributesSchema = z.looseObject({
  billingAccountId: z.string().regex(/^[A-Z0-9]{6}-[A-Z0-9]{6}-[A-Z0-9]{6}$/, 'must look like 012345-6789AB-CDEF01').describe('like 012345-6789AB-CDEF01'),
  budgetId: z.string().min(1).max(128).describe('the budget id; part of the idempotency key and the lease target'),
  schemaVersion: z.literal('1.0').describe('always 1.0'),
});

export type BudgetData = z.infer<typeof budgetDataSchema>;
export type BudgetAttributes = z.infer<typeof budgetAttributesSchema>;
