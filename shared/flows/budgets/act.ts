/**
 * The budgets flow's act. Every notification refreshes the latest-spend record and, when it is the
 * first of a new cost interval, undoes the previous interval's scale-down. Each threshold crossing
 * is then acted on once: the runtime has already dropped repeats of the same message key, and a
 * crossing claimed by an earlier message (one that carried two thresholds, say) is skipped here.
 * Actions come from the rules: `notify` (the status event plus a Monitoring point an alert policy
 * notifies on) and `scale-down` (proposed for approval, or applied at once).
 */
import type { EventOfKind } from '../../events/index.ts';
import { readNotification, type BudgetSignal, type ThresholdCrossing } from '../../domain/budgets/notification.ts';
import { planCrossing, type PlannedAction } from '../../domain/budgets/rules.ts';
import { onInterval, proposeScaleDown } from '../../domain/budgets/scale-down.ts';
import type { ActContext, ActOutcome } from '../../runtime/flow.ts';
import type { BudgetsDeps } from './deps.ts';
import { applyScaleDown, closeProposal, getScaleDown, restoreScaleDown, saveScaleDown } from './scale-down.ts';
import { recordSpend } from './spend-record.ts';

export type BudgetEvent = EventOfKind<'BudgetNotification'>;

export const CROSSINGS_NAMESPACE = 'budget-crossings';
export const THRESHOLD_METRIC = 'custom.googleapis.com/stackctl/budget/threshold_crossed';

export function signalOf(event: BudgetEvent): BudgetSignal {
  return readNotification({ ...event.data, budgetId: event.attributes.budgetId, billingAccountId: event.attributes.billingAccountId });
}

export async function actBudget(event: BudgetEvent, ctx: ActContext<BudgetsDeps>): Promise<ActOutcome> {
  const { store, clock } = ctx.deps;
  const signal = signalOf(event);
  const receivedAt = ctx.message.publishTime.toISOString();
  await recordSpend(store, {
    budgetId: signal.budgetId, budgetDisplayName: signal.budgetDisplayName, interval: signal.interval,
    costAmount: signal.costAmount, budgetAmount: signal.budgetAmount, currencyCode: signal.currencyCode, receivedAt,
  });
  const base = {
    budget: signal.budgetDisplayName, budgetId: signal.budgetId, interval: signal.interval, costAmount: signal.costAmount,
    budgetAmount: signal.budgetAmount, budgetAmountType: signal.budgetAmountType, currency: signal.currencyCode, spentRatio: signal.spentRatio,
  };

  const undone = await undoEarlierInterval(signal, ctx);

  if (signal.routine) {
    return {
      status: 'succeeded',
      reason: `routine update: latest spend ${signal.costAmount} ${signal.currencyCode} recorded${undone ? `; ${undone}` : ''}`,
      statusEvent: { kind: 'BudgetSpendUpdated', ...base, ...(undone ? { undone } : {}) },
    };
  }

  const rules = ctx.flowDeps.rules();
  const acted: Array<{ crossing: ThresholdCrossing; actions: PlannedAction[] }> = [];
  const skipped: string[] = [];
  let awaitingApproval = false;
  for (const crossing of signal.crossings) {
    if (!(await claimCrossing(crossing, ctx))) { skipped.push(crossing.key); continue; }
    const plan = planCrossing(crossing, { environment: ctx.flowDeps.environment, budgetDisplayName: signal.budgetDisplayName }, rules);
    for (const action of plan.actions) {
      const step = `${action.type}:${crossing.basis}:${crossing.threshold}`;
      if (ctx.run.steps.some((s) => s.name === step && s.status === 'succeeded')) continue;
      if (action.type === 'notify') {
        await ctx.flowDeps.metrics.write([{
          metricType: THRESHOLD_METRIC, metricKind: 'GAUGE', valueType: 'DOUBLE', value: crossing.threshold, endTime: clock.now(),
          metricLabels: { budget_id: signal.budgetId, basis: crossing.basis, threshold: String(crossing.threshold), environment: ctx.flowDeps.environment },
          resourceType: 'global', resourceLabels: {},
        }]);
        await ctx.recordStep({ name: step, status: 'succeeded', detail: `${THRESHOLD_METRIC} = ${crossing.threshold} (${crossing.basis})` });
      } else {
        const detail = await scaleDown(signal, action, ctx);
        if (detail.startsWith('proposed')) awaitingApproval = true;
        await ctx.recordStep({ name: step, status: 'succeeded', detail });
      }
    }
    acted.push(plan);
  }

  const summary = acted.map((a) => `${a.crossing.basis} ${a.crossing.threshold * 100} %: ${a.actions.map((x) => x.type).join(', ') || 'no action'}`).join('; ');
  const reason = [summary || 'no new crossing', skipped.length ? `already acted on: ${skipped.join(', ')}` : '', undone ?? ''].filter(Boolean).join('; ');
  return {
    status: awaitingApproval ? 'awaiting-approval' : 'succeeded',
    reason,
    result: { crossings: acted.map((a) => ({ ...a.crossing, actions: a.actions })), skipped },
    statusEvent: {
      kind: 'BudgetThresholdCrossed', ...base,
      crossings: acted.map((a) => ({ basis: a.crossing.basis, threshold: a.crossing.threshold, actions: a.actions.map((x) => ({ type: x.type, approval: x.approval })) })),
      ...(awaitingApproval ? { approval: `stackctl budget approve ${signal.budgetId}` } : {}),
      ...(undone ? { undone } : {}),
    },
  };
}

/** Claims one crossing for this run; a retry of the same run finds its own claim and goes on. */
async function claimCrossing(crossing: ThresholdCrossing, ctx: ActContext<BudgetsDeps>): Promise<boolean> {
  const { store, clock } = ctx.deps;
  const existing = await store.getValue<{ runId: string }>(CROSSINGS_NAMESPACE, crossing.key);
  if (existing) return existing.value.runId === ctx.run.id;
  const { ok } = await store.putValue(CROSSINGS_NAMESPACE, crossing.key, { runId: ctx.run.id, at: clock.now().toISOString() }, 0);
  if (ok) return true;
  return (await store.getValue<{ runId: string }>(CROSSINGS_NAMESPACE, crossing.key))?.value.runId === ctx.run.id;
}

async function scaleDown(signal: BudgetSignal, action: PlannedAction, ctx: ActContext<BudgetsDeps>): Promise<string> {
  const { store, clock } = ctx.deps;
  const found = await getScaleDown(store, signal.budgetId);
  if (found && found.record.interval === signal.interval && found.record.status !== 'rejected') {
    return `already ${found.record.status} for this interval (run ${found.record.runId})`;
  }
  const record = proposeScaleDown(signal.budgetId, signal.interval, ctx.run.id, clock.now(), ctx.flowDeps.rules());
  await saveScaleDown(store, record, found?.version ?? 0);
  if (action.approval === 'required') {
    return `proposed: ${record.apps.map((a) => `${a.name} ${a.parameter}=0`).join(', ')}; ${record.sqlInstances.map((i) => `${i} activationPolicy NEVER`).join(', ')}; waits for \`stackctl budget approve ${signal.budgetId}\``;
  }
  const applied = await applyScaleDown(ctx.flowDeps, store, clock, signal.budgetId, `rule ${action.rules.join(',')}`);
  return `applied: ${applied.apps.map((a) => a.name).join(', ')} to 0 replicas; ${applied.sqlInstances.join(', ')} stopped`;
}

/** The first notification of a new interval undoes the last interval's scale-down (or ends its proposal). */
async function undoEarlierInterval(signal: BudgetSignal, ctx: ActContext<BudgetsDeps>): Promise<string | undefined> {
  const { store, clock } = ctx.deps;
  const found = await getScaleDown(store, signal.budgetId);
  const decision = onInterval(found?.record ?? null, signal.interval);
  if (decision === 'none') return undefined;
  if (decision === 'expire') {
    await closeProposal(store, signal.budgetId, 'expired', 'budgets flow', `a new cost interval (${signal.interval}) began before anyone approved`);
    await ctx.recordStep({ name: 'scale-down:expire', status: 'succeeded', detail: `proposal of ${found!.record.interval} expired` });
    return `the unapproved scale-down of ${found!.record.interval} expired`;
  }
  const restored = await restoreScaleDown(ctx.flowDeps, store, clock, signal.budgetId, 'budgets flow', `new cost interval ${signal.interval}`);
  await ctx.recordStep({ name: 'scale-down:restore', status: 'succeeded', detail: `restored ${restored.apps.map((a) => a.name).join(', ')} and ${restored.sqlInstances.join(', ')}` });
  return `the scale-down of ${restored.interval} was undone`;
}
