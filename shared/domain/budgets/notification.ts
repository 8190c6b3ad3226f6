/**
 * What a Cloud Billing budget notification says, in the terms the budgets flow acts on.
 * Google sends one about every 20–30 minutes whether or not a threshold was crossed, and once a
 * threshold is crossed every later message of the interval repeats the highest one crossed: a
 * threshold is therefore acted on once per (budget, cost interval, basis, threshold), and a message
 * without thresholds (a routine update) only refreshes the latest-spend record.
 */

export type ThresholdBasis = 'actual' | 'forecast';

export interface BudgetNotificationInput {
  budgetId: string;
  billingAccountId: string;
  budgetDisplayName: string;
  costAmount: number;
  costIntervalStart: string;
  budgetAmount: number;
  budgetAmountType: 'SPECIFIED_AMOUNT' | 'LAST_MONTH_COST' | 'LAST_PERIODS_AMOUNT';
  alertThresholdExceeded?: number | undefined;
  forecastThresholdExceeded?: number | undefined;
  currencyCode: string;
}

export interface ThresholdCrossing {
  basis: ThresholdBasis;
  /** A fraction of the budget amount: 0.9 is 90 %. */
  threshold: number;
  /** The dedup key of this crossing: budget, interval, basis, threshold. */
  key: string;
}

export interface BudgetSignal {
  budgetId: string;
  budgetDisplayName: string;
  /** The interval start normalised to RFC 3339 UTC, so "…T07:00:00Z" and "…T07:00:00.000Z" are one interval. */
  interval: string;
  costAmount: number;
  /**
   * What the thresholds are fractions of. With LAST_MONTH_COST Google fills budgetAmount with
   * last month's cost; with SPECIFIED_AMOUNT it is the configured amount. Either way the amount
   * in the message is the one the threshold was computed against.
   */
  budgetAmount: number;
  budgetAmountType: BudgetNotificationInput['budgetAmountType'];
  currencyCode: string;
  /** costAmount / budgetAmount; null when the budget amount is 0 (a LAST_MONTH_COST budget in its first month). */
  spentRatio: number | null;
  crossings: ThresholdCrossing[];
  routine: boolean;
}

/** Thresholds are compared as fractions rounded to 1e-6, so 0.9 and 0.9000000001 are one threshold. */
export function normaliseThreshold(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export function normaliseInterval(costIntervalStart: string): string {
  const ms = Date.parse(costIntervalStart);
  if (Number.isNaN(ms)) throw new Error(`costIntervalStart is not an RFC 3339 time: ${JSON.stringify(costIntervalStart)}`);
  return new Date(ms).toISOString();
}

export function crossingKey(budgetId: string, interval: string, basis: ThresholdBasis, threshold: number): string {
  return `${budgetId}:${normaliseInterval(interval)}:${basis}:${normaliseThreshold(threshold)}`;
}

export function readNotification(n: BudgetNotificationInput): BudgetSignal {
  const interval = normaliseInterval(n.costIntervalStart);
  const crossings: ThresholdCrossing[] = [];
  // Zero is a real threshold value Google can send (a 0 % rule); only absence means "none crossed".
  if (n.alertThresholdExceeded !== undefined) {
    crossings.push({ basis: 'actual', threshold: normaliseThreshold(n.alertThresholdExceeded), key: crossingKey(n.budgetId, interval, 'actual', n.alertThresholdExceeded) });
  }
  if (n.forecastThresholdExceeded !== undefined) {
    crossings.push({ basis: 'forecast', threshold: normaliseThreshold(n.forecastThresholdExceeded), key: crossingKey(n.budgetId, interval, 'forecast', n.forecastThresholdExceeded) });
  }
  return {
    budgetId: n.budgetId,
    budgetDisplayName: n.budgetDisplayName,
    interval,
    costAmount: n.costAmount,
    budgetAmount: n.budgetAmount,
    budgetAmountType: n.budgetAmountType,
    currencyCode: n.currencyCode,
    spentRatio: n.budgetAmount > 0 ? n.costAmount / n.budgetAmount : null,
    crossings,
    routine: crossings.length === 0,
  };
}

/**
 * The message's idempotency key for the handler runtime. A threshold message is keyed by what it
 * crossed, without the cost, so Google's repeats of the same highest threshold are duplicates. A
 * routine update is keyed by its cost too: a repeat of the same figures is a duplicate, a new
 * figure is a (cheap) run that refreshes the latest-spend record.
 */
export function notificationKey(signal: BudgetSignal): string {
  const base = `budgets:${signal.budgetId}:${signal.interval}`;
  if (signal.routine) return `${base}:update:${signal.costAmount}`;
  return `${base}:${signal.crossings.map((c) => `${c.basis}:${c.threshold}`).join('+')}`;
}
