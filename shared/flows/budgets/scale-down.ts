/**
 * Carrying out (and undoing) a budget scale-down through Argo CD and Cloud SQL. The record in the
 * state store is written after every change with what that change replaced, so a crash halfway
 * leaves a record that a retry completes and a restore undoes exactly; a step that fails undoes
 * the steps before it, and a failed undo is recorded on the record.
 */
import { checkTransition, type ScaleDownRecord } from '../../domain/budgets/scale-down.ts';
import type { Clock } from '../../ports/clock.ts';
import type { ActivationPolicy, AppParameters, SqlActivation } from '../../ports/scale.ts';
import type { StateStore } from '../../ports/state-store.ts';
import { PermanentError, TransientError } from '../../runtime/errors.ts';

export const SCALE_DOWN_NAMESPACE = 'budget-scale-down';

export interface ScaleDeps { apps: AppParameters; sql: SqlActivation }

export async function getScaleDown(store: StateStore, budgetId: string): Promise<{ record: ScaleDownRecord; version: number } | null> {
  const found = await store.getValue<ScaleDownRecord>(SCALE_DOWN_NAMESPACE, budgetId);
  return found ? { record: found.value, version: found.version } : null;
}

export async function saveScaleDown(store: StateStore, record: ScaleDownRecord, expectedVersion: number): Promise<number> {
  const { ok, version } = await store.putValue(SCALE_DOWN_NAMESPACE, record.budgetId, record, expectedVersion);
  if (!ok) throw new TransientError(`the scale-down record of budget ${record.budgetId} changed while it was being updated; try again`, { where: SCALE_DOWN_NAMESPACE });
  return version;
}

async function requireRecord(store: StateStore, budgetId: string): Promise<{ record: ScaleDownRecord; version: number }> {
  const found = await getScaleDown(store, budgetId);
  if (!found) throw new PermanentError(`budget ${budgetId} has no scale-down to act on`, { where: 'budgetId' });
  return found;
}

export async function applyScaleDown(deps: ScaleDeps, store: StateStore, clock: Clock, budgetId: string, by: string): Promise<ScaleDownRecord> {
  let { record, version } = await requireRecord(store, budgetId);
  checkTransition(record, 'applied');
  record = { ...record, decidedBy: by, previous: record.previous ?? { apps: {}, sqlInstances: {} } };
  const done: Array<() => Promise<unknown>> = [];
  try {
    for (const app of record.apps) {
      const previous = await deps.apps.setHelmParameters(app.name, { [app.parameter]: '0' });
      // A retry after a crash finds the 0 it set itself: the first previous value is the real one.
      if (!(app.name in record.previous!.apps)) record.previous!.apps[app.name] = previous[app.parameter] ?? null;
      const restoreTo = record.previous!.apps[app.name] ?? null;
      done.push(() => deps.apps.setHelmParameters(app.name, { [app.parameter]: restoreTo }));
      version = await saveScaleDown(store, record, version);
    }
    for (const instance of record.sqlInstances) {
      const previous = await deps.sql.setActivationPolicy(instance, 'NEVER');
      if (!(instance in record.previous!.sqlInstances)) record.previous!.sqlInstances[instance] = previous;
      const restoreTo = record.previous!.sqlInstances[instance] as ActivationPolicy;
      done.push(() => deps.sql.setActivationPolicy(instance, restoreTo));
      version = await saveScaleDown(store, record, version);
    }
  } catch (err) {
    const failures: string[] = [];
    for (const undo of done.reverse()) {
      try { await undo(); } catch (undoErr) { failures.push((undoErr as Error).message); }
    }
    const note = failures.length
      ? `scale-down failed (${(err as Error).message}) and undoing it failed too: ${failures.join('; ')}`
      : `scale-down failed (${(err as Error).message}); the changes made before it were undone`;
    const latest = await getScaleDown(store, budgetId);
    if (latest) await store.putValue(SCALE_DOWN_NAMESPACE, budgetId, { ...latest.record, note, ...(failures.length ? {} : { previous: undefined }) }, latest.version);
    throw err;
  }
  const applied: ScaleDownRecord = { ...record, status: 'applied', appliedAt: clock.now().toISOString() };
  await saveScaleDown(store, applied, version);
  return applied;
}

export async function restoreScaleDown(deps: ScaleDeps, store: StateStore, clock: Clock, budgetId: string, by: string, note: string): Promise<ScaleDownRecord> {
  const { record, version } = await requireRecord(store, budgetId);
  checkTransition(record, 'restored');
  const previous = record.previous ?? { apps: {}, sqlInstances: {} };
  // Start the database first: the apps need it when they come back.
  for (const instance of record.sqlInstances) {
    await deps.sql.setActivationPolicy(instance, (previous.sqlInstances[instance] ?? 'ALWAYS') as ActivationPolicy);
  }
  for (const app of record.apps) {
    await deps.apps.setHelmParameters(app.name, { [app.parameter]: previous.apps[app.name] ?? null });
  }
  const restored: ScaleDownRecord = { ...record, status: 'restored', restoredAt: clock.now().toISOString(), decidedBy: by, note };
  await saveScaleDown(store, restored, version);
  return restored;
}

/** Ends a proposal nobody approved (rejected by a person, or expired by the next interval). */
export async function closeProposal(store: StateStore, budgetId: string, status: 'rejected' | 'expired', by: string, note: string): Promise<ScaleDownRecord> {
  const { record, version } = await requireRecord(store, budgetId);
  checkTransition(record, status);
  const closed: ScaleDownRecord = { ...record, status, decidedBy: by, note };
  await saveScaleDown(store, closed, version);
  return closed;
}
