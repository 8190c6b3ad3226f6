import { describe, expect, it } from 'vitest';
import { notificationKey, readNotification, type BudgetNotificationInput } from '../../../../shared/domain/budgets/notification.ts';

const base: BudgetNotificationInput = {
  budgetId: 'de72f49d-779b-4945-a127-4d6ce8def0bb', billingAccountId: '01D4EE-079462-DFD6EC',
  budgetDisplayName: 'zenml monthly budget', costAmount: 271.5, costIntervalStart: '2026-11-01T07:00:00Z',
  budgetAmount: 300, budgetAmountType: 'SPECIFIED_AMOUNT', currencyCode: 'USD',
};

describe('budget notifications', () => {
  it('repeats of the same highest threshold share one key, whatever the cost', () => {
    const keys = [271.5, 275.02, 280].map((costAmount) => notificationKey(readNotification({ ...base, costAmount, alertThresholdExceeded: 0.9 })));
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toBe('budgets:de72f49d-779b-4945-a127-4d6ce8def0bb:2026-11-01T07:00:00.000Z:actual:0.9');
  });

  it('a routine update (no alertThresholdExceeded) crosses nothing and is keyed by its figure', () => {
    const s = readNotification({ ...base, costAmount: 120.25 });
    expect(s.routine).toBe(true);
    expect(s.crossings).toEqual([]);
    expect(notificationKey(s)).toBe('budgets:de72f49d-779b-4945-a127-4d6ce8def0bb:2026-11-01T07:00:00.000Z:update:120.25');
  });

  it('a forecast threshold is its own crossing, apart from the same actual threshold', () => {
    const actual = readNotification({ ...base, alertThresholdExceeded: 1 });
    const forecast = readNotification({ ...base, forecastThresholdExceeded: 1 });
    expect(forecast.crossings).toEqual([{ basis: 'forecast', threshold: 1, key: 'de72f49d-779b-4945-a127-4d6ce8def0bb:2026-11-01T07:00:00.000Z:forecast:1' }]);
    expect(notificationKey(actual)).not.toBe(notificationKey(forecast));
  });

  it('a message with both thresholds carries both crossings', () => {
    const s = readNotification({ ...base, alertThresholdExceeded: 0.9, forecastThresholdExceeded: 1 });
    expect(s.crossings.map((c) => `${c.basis}:${c.threshold}`)).toEqual(['actual:0.9', 'forecast:1']);
  });

  it('the next interval starts afresh', () => {
    const nov = readNotification({ ...base, alertThresholdExceeded: 0.5 });
    const dec = readNotification({ ...base, costIntervalStart: '2026-12-01T08:00:00Z', alertThresholdExceeded: 0.5 });
    expect(nov.crossings[0]!.key).not.toBe(dec.crossings[0]!.key);
  });

  it('LAST_MONTH_COST: the ratio is against last month\'s cost Google put in budgetAmount; 0 means no ratio', () => {
    expect(readNotification({ ...base, budgetAmountType: 'LAST_MONTH_COST', budgetAmount: 250, costAmount: 125, alertThresholdExceeded: 0.5 }).spentRatio).toBe(0.5);
    expect(readNotification({ ...base, budgetAmountType: 'LAST_MONTH_COST', budgetAmount: 0, costAmount: 3 }).spentRatio).toBeNull();
  });

  it('a 0 threshold is a threshold; float noise does not split one', () => {
    expect(readNotification({ ...base, alertThresholdExceeded: 0 }).routine).toBe(false);
    expect(readNotification({ ...base, alertThresholdExceeded: 0.9000000001 }).crossings[0]!.threshold).toBe(0.9);
  });

  it('one interval, however its start is written', () => {
    const a = readNotification({ ...base, alertThresholdExceeded: 0.5 });
    const b = readNotification({ ...base, costIntervalStart: '2026-11-01T07:00:00.000Z', alertThresholdExceeded: 0.5 });
    expect(a.crossings[0]!.key).toBe(b.crossings[0]!.key);
  });
});
