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
 * notifications handled at once cannot overwrite a newer figure with an older one. The budget's
 * own record is written first (only this budget's notifications contend on it); the one `latest`
 * record is shared by every budget, so a lost race yields a random few macrotasks before the next
 * read instead of retrying in lock step with the other writers. Running out of attempts is an
 * ordinary error: the delivery is retried.
 */
const ATTEMPTS = 20;

export async function recordSpend(store: StateStore, record: SpendRecord): Promise<boolean> {
  await putIfNewer(store, record.budgetId, record);
  return putIfNewer(store, LATEST, record);
}

async function putIfNewer(store: StateStore, key: string, record: SpendRecord): Promise<boolean> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await store.getValue<SpendRecord>(SPEND_NAMESPACE, key);
    if (current && isNewer(current.value, record)) return false;
    const { ok } = await store.putValue(SPEND_NAMESPACE, key, record, current?.version ?? 0);
    if (ok) return true;
    for (let i = Math.floor(Math.random() * 4); i >= 0; i--) await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`recordSpend: the ${key === LATEST ? 'latest-spend' : `budget ${key} spend`} record kept changing under ${ATTEMPTS} compare-and-set attempts`);
}

function isNewer(current: SpendRecord, record: SpendRecord): boolean {
  return current.interval > record.interval || (current.interval === record.interval && current.receivedAt > record.receivedAt);
}
