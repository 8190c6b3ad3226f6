import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStateStore } from '../../../../shared/adapters/local/sqlite-state-store.ts';
import { latestSpend, recordSpend, SPEND_NAMESPACE, type SpendRecord } from '../../../../shared/flows/budgets/spend-record.ts';
import type { StateStore } from '../../../../shared/ports/state-store.ts';

const record = (i: number): SpendRecord => ({
  budgetId: `budget-${i}`, budgetDisplayName: `budget ${i}`, interval: '2026-11-01T00:00:00.000Z', costAmount: i,
  budgetAmount: 100, currencyCode: 'USD', receivedAt: new Date(Date.UTC(2026, 10, 2, 0, 0, i)).toISOString(),
});

describe('recordSpend', () => {
  let store: StateStore | undefined;
  afterEach(async () => { await store?.close(); });

  it('32 budgets updated at once all land, and the shared latest record holds the newest', async () => {
    store = openSqliteStateStore(':memory:');
    const s = store;
    // Shuffled so the newest notification is not simply the last one written.
    const order = Array.from({ length: 32 }, (_, i) => i).sort((a, b) => ((a * 7919) % 32) - ((b * 7919) % 32));
    await Promise.all(order.map((i) => recordSpend(s, record(i))));
    expect((await latestSpend(s))?.budgetId).toBe('budget-31');
    for (let i = 0; i < 32; i++) expect((await s.getValue<SpendRecord>(SPEND_NAMESPACE, `budget-${i}`))?.value.costAmount).toBe(i);
  });

  it('an older notification never replaces a newer figure', async () => {
    store = openSqliteStateStore(':memory:');
    await recordSpend(store, record(5));
    expect(await recordSpend(store, { ...record(3), budgetId: 'budget-5' })).toBe(false);
    expect((await store.getValue<SpendRecord>(SPEND_NAMESPACE, 'budget-5'))?.value.costAmount).toBe(5);
  });
});
