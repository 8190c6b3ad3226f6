import { afterEach, describe, expect, it } from 'vitest';
import { CROSSINGS_NAMESPACE, THRESHOLD_METRIC } from '../../../../shared/flows/budgets/act.ts';
import { getScaleDown, applyScaleDown, restoreScaleDown } from '../../../../shared/flows/budgets/scale-down.ts';
import { latestSpend } from '../../../../shared/flows/budgets/spend-record.ts';
import { startBudgetHarness } from './harness.ts';

let h: ReturnType<typeof startBudgetHarness>;
afterEach(async () => { await h?.close(); });

const NOV = '2026-11-01T07:00:00Z';
const DEC = '2026-12-01T08:00:00Z';
const MIN = 60_000;

describe('budgets: one action per threshold', () => {
  it('three copies of a 90 % notification and one routine update give one action', async () => {
    h = startBudgetHarness('prod');
    const outcomes = [];
    for (const cost of [271, 272.5, 274]) {
      outcomes.push(await h.deliver({ costIntervalStart: NOV, budgetAmount: 300, costAmount: cost, alertThresholdExceeded: 0.9 }));
      await h.clock.sleep(25 * MIN);
    }
    outcomes.push(await h.deliver({ costIntervalStart: NOV, budgetAmount: 300, costAmount: 275, alertThresholdExceeded: undefined }));
    expect(outcomes.map((o) => o.outcome)).toEqual(['processed', 'duplicate', 'duplicate', 'processed']);
    expect(h.metrics.written).toHaveLength(1);
    expect(h.metrics.written[0]).toMatchObject({ metricType: THRESHOLD_METRIC, value: 0.9, metricLabels: { basis: 'actual', threshold: '0.9', budget_id: 'de72f49d-779b-4945-a127-4d6ce8def0bb' } });
    expect(h.events('BudgetThresholdCrossed')).toHaveLength(1);
    expect(h.events('BudgetThresholdCrossed')[0]).toMatchObject({ crossings: [{ basis: 'actual', threshold: 0.9, actions: [{ type: 'notify', approval: 'none' }] }] });
    // The routine update only refreshed the latest spend.
    expect(h.events('BudgetSpendUpdated')).toHaveLength(1);
    expect((await latestSpend(h.store))!.costAmount).toBe(275);
  });

  it('the next interval\'s 50 % is a new action', async () => {
    h = startBudgetHarness('prod');
    await h.deliver({ costIntervalStart: NOV, alertThresholdExceeded: 0.5, costAmount: 151, budgetAmount: 300 });
    await h.deliver({ costIntervalStart: NOV, alertThresholdExceeded: 0.5, costAmount: 160, budgetAmount: 300 });
    await h.deliver({ costIntervalStart: DEC, alertThresholdExceeded: 0.5, costAmount: 150.5, budgetAmount: 300 });
    expect(h.metrics.written.map((p) => p.value)).toEqual([0.5, 0.5]);
    expect(h.events('BudgetThresholdCrossed').map((e) => e.interval)).toEqual(['2026-11-01T07:00:00.000Z', '2026-12-01T08:00:00.000Z']);
  });

  it('a forecast threshold is its own action, apart from the same actual threshold', async () => {
    h = startBudgetHarness('prod');
    await h.deliver({ costIntervalStart: NOV, forecastThresholdExceeded: 1, alertThresholdExceeded: undefined, costAmount: 200, budgetAmount: 300 });
    await h.deliver({ costIntervalStart: NOV, forecastThresholdExceeded: 1, alertThresholdExceeded: undefined, costAmount: 210, budgetAmount: 300 });
    await h.deliver({ costIntervalStart: NOV, alertThresholdExceeded: 1, costAmount: 301, budgetAmount: 300 });
    expect(h.metrics.written.map((p) => p.metricLabels)).toEqual([
      expect.objectContaining({ basis: 'forecast', threshold: '1' }),
      expect.objectContaining({ basis: 'actual', threshold: '1' }),
    ]);
  });

  it('a message carrying a threshold already acted on acts only on the new one', async () => {
    h = startBudgetHarness('prod');
    await h.deliver({ costIntervalStart: NOV, alertThresholdExceeded: 0.9, costAmount: 271, budgetAmount: 300 });
    const both = await h.deliver({ costIntervalStart: NOV, alertThresholdExceeded: 0.9, forecastThresholdExceeded: 1, costAmount: 280, budgetAmount: 300 });
    expect(both.outcome).toBe('processed');
    expect(h.metrics.written.map((p) => `${p.metricLabels!.basis}:${p.metricLabels!.threshold}`)).toEqual(['actual:0.9', 'forecast:1']);
    expect((await h.store.getValue(CROSSINGS_NAMESPACE, 'de72f49d-779b-4945-a127-4d6ce8def0bb:2026-11-01T07:00:00.000Z:actual:0.9'))).not.toBeNull();
  });
});

describe('budgets: Google payload variants', () => {
  it('SPECIFIED_AMOUNT, LAST_MONTH_COST and a missing alertThresholdExceeded', async () => {
    h = startBudgetHarness('prod');
    const specified = await h.deliver({ costIntervalStart: NOV, budgetAmountType: 'SPECIFIED_AMOUNT', budgetAmount: 1000, costAmount: 512.34, alertThresholdExceeded: 0.5 });
    expect(specified.outcome).toBe('processed');
    const lastMonth = await h.deliver({ costIntervalStart: DEC, budgetAmountType: 'LAST_MONTH_COST', budgetAmount: 840.1, costAmount: 630.08, alertThresholdExceeded: 0.75 });
    expect(lastMonth.outcome).toBe('processed');
    const routine = await h.deliver({ costIntervalStart: DEC, budgetAmountType: 'LAST_MONTH_COST', budgetAmount: 840.1, costAmount: 640, alertThresholdExceeded: undefined });
    expect(routine.outcome).toBe('processed');
    const crossed = h.events('BudgetThresholdCrossed');
    expect(crossed.map((e) => [e.budgetAmountType, e.crossings[0].threshold])).toEqual([['SPECIFIED_AMOUNT', 0.5], ['LAST_MONTH_COST', 0.75]]);
    expect(crossed[1].spentRatio).toBeCloseTo(630.08 / 840.1, 9);
    expect(h.events('BudgetSpendUpdated')[0]).toMatchObject({ budgetAmountType: 'LAST_MONTH_COST', costAmount: 640 });
    // A LAST_MONTH_COST budget in its first month has no amount to compare with: no ratio, no failure.
    const first = await h.deliver({ costIntervalStart: '2027-01-01T08:00:00Z', budgetAmountType: 'LAST_MONTH_COST', budgetAmount: 0, costAmount: 3, alertThresholdExceeded: undefined });
    expect(first.outcome).toBe('processed');
    expect(h.events('BudgetSpendUpdated').at(-1).spentRatio).toBeNull();
  });

  it('a malformed notification is dead-lettered with the field named', async () => {
    h = startBudgetHarness('prod');
    const bad = await h.deliver({ costAmount: 'lots' });
    expect(bad.outcome).toBe('dead-lettered');
    const [letter] = await h.store.listDeadLetters({ flow: 'budgets' });
    expect(letter!.reason).toContain('costAmount');
  });
});

describe('budgets: dev scale-down at 100 %, behind approval, undone at the next interval', () => {
  it('proposes, waits, applies on approval, and the next interval undoes it', async () => {
    h = startBudgetHarness('dev');
    h.apps.params.set('zenml-server', new Map([['replicaCount', '2']]));
    const at100 = await h.deliver({ costIntervalStart: NOV, alertThresholdExceeded: 1, costAmount: 300.2, budgetAmount: 300 });
    expect(at100).toMatchObject({ outcome: 'processed' });
    const [run] = await h.store.listRuns({ flow: 'budgets', status: 'awaiting-approval' });
    expect(run).toBeDefined();
    expect(h.apps.calls).toEqual([]);
    expect((await getScaleDown(h.store, 'de72f49d-779b-4945-a127-4d6ce8def0bb'))!.record.status).toBe('proposed');
    expect(h.events('BudgetThresholdCrossed')[0]).toMatchObject({ approval: 'stackctl budget approve de72f49d-779b-4945-a127-4d6ce8def0bb' });

    const applied = await applyScaleDown(h.flowDeps, h.store, h.clock, 'de72f49d-779b-4945-a127-4d6ce8def0bb', 'alice');
    expect(applied.status).toBe('applied');
    expect(h.apps.params.get('zenml-server')!.get('replicaCount')).toBe('0');
    expect(h.apps.params.get('mlflow')!.get('replicaCount')).toBe('0');
    expect(h.sql.policy.get('zenml-metadata')).toBe('NEVER');
    expect(applied.previous).toEqual({ apps: { 'zenml-server': '2', mlflow: null }, sqlInstances: { 'zenml-metadata': 'ALWAYS' } });

    // December's first (routine) notification undoes November's scale-down.
    await h.deliver({ costIntervalStart: DEC, alertThresholdExceeded: undefined, costAmount: 1.2, budgetAmount: 300 });
    expect(h.apps.params.get('zenml-server')!.get('replicaCount')).toBe('2');
    expect(h.apps.params.get('mlflow')!.has('replicaCount')).toBe(false);
    expect(h.sql.policy.get('zenml-metadata')).toBe('ALWAYS');
    expect((await getScaleDown(h.store, 'de72f49d-779b-4945-a127-4d6ce8def0bb'))!.record.status).toBe('restored');
    expect(h.events('BudgetSpendUpdated')[0].undone).toMatch(/undone/);
  });

  it('prod at 100 % only notifies; an unapproved dev proposal expires with the interval', async () => {
    h = startBudgetHarness('prod');
    await h.deliver({ costIntervalStart: NOV, alertThresholdExceeded: 1.2, costAmount: 361, budgetAmount: 300 });
    expect(await getScaleDown(h.store, 'de72f49d-779b-4945-a127-4d6ce8def0bb')).toBeNull();
    await h.close();

    h = startBudgetHarness('dev');
    await h.deliver({ costIntervalStart: NOV, alertThresholdExceeded: 1, costAmount: 300.2, budgetAmount: 300 });
    await h.deliver({ costIntervalStart: DEC, alertThresholdExceeded: undefined, costAmount: 2, budgetAmount: 300 });
    expect((await getScaleDown(h.store, 'de72f49d-779b-4945-a127-4d6ce8def0bb'))!.record.status).toBe('expired');
    expect(h.apps.calls).toEqual([]);
  });

  it('a scale-down that fails halfway undoes what it did; a restore by hand needs an applied one', async () => {
    h = startBudgetHarness('dev');
    await h.deliver({ costIntervalStart: NOV, alertThresholdExceeded: 1, costAmount: 300.2, budgetAmount: 300 });
    h.sql.setActivationPolicy = async () => { throw new Error('sqladmin unavailable'); };
    await expect(applyScaleDown(h.flowDeps, h.store, h.clock, 'de72f49d-779b-4945-a127-4d6ce8def0bb', 'alice')).rejects.toThrow('sqladmin unavailable');
    expect(h.apps.params.get('zenml-server')!.has('replicaCount')).toBe(false);
    const record = (await getScaleDown(h.store, 'de72f49d-779b-4945-a127-4d6ce8def0bb'))!.record;
    expect(record.status).toBe('proposed');
    expect(record.note).toMatch(/changes made before it were undone/);
    await expect(restoreScaleDown(h.flowDeps, h.store, h.clock, 'de72f49d-779b-4945-a127-4d6ce8def0bb', 'alice', 'by hand')).rejects.toThrow(/is proposed; it cannot become restored/);
  });
});
