/**
 * The latest-spend record: what the newest budget notification said (Google's own figure of the
 * month's cost so far). Every notification refreshes it; the cost report reconciles against it.
 */
import type { StateStore } from '../../ports/state-store.ts';

export const SPEND_NAMESPACE = 'budget-spend';
const LATEST = 'latest';

export interface SpendRecord {
  budgetId: string;
  budgetDisplayName: string;
  interval: string;
  costAmount: number;
  budgetAmount: number;
  currencyCode: string;
  receivedAt: string;
}

export async function latestSpend(store: StateStore): Promise<SpendRecord | null> {
  return (await store.getValue<SpendRecord>(SPEND_NAMESPACE, LATEST))?.value ?? null;
}

/**
 * Keeps the newest record (by interval, then receipt time), under compare-and-set so two
 * notifications handled at once cannot overwrite a newer figure with an older one.
 */
export async function recordSpend(store: StateStore, record: SpendRecord): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await store.getValue<SpendRecord>(SPEND_NAMESPACE, LATEST);
    if (current && (current.value.interval > record.interval || (current.value.interval === record.interval && current.value.receivedAt > record.receivedAt))) return false;
    const { ok } = await store.putValue(SPEND_NAMESPACE, LATEST, record, current?.version ?? 0);
    if (ok) {
      await store.putValue(SPEND_NAMESPACE, record.budgetId, record, (await store.getValue(SPEND_NAMESPACE, record.budgetId))?.version ?? 0);
      return true;
    }
  }
  throw new Error('recordSpend: the latest-spend record kept changing under five compare-and-set attempts');
}
