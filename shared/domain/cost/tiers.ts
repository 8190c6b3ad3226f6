/**
 * Tiered rates are cumulative over the billing month: the first N units of a SKU in a month are
 * priced at tier 0 (often free), the next at tier 1, and so on. Usage that arrives after `prior`
 * units this month is split across the tiers it falls into.
 */
import type { PriceTier } from './catalog.ts';

export interface TierSlice {
  tierStart: number;
  unitPrice: number;
  /** Usage units in this tier. */
  usage: number;
}

export function splitAcrossTiers(prior: number, usage: number, tiers: readonly PriceTier[]): TierSlice[] {
  if (!(usage >= 0) || !(prior >= 0)) throw new RangeError(`usage and prior usage must be non-negative numbers (got usage ${usage}, prior ${prior})`);
  if (tiers.length === 0) throw new RangeError('a SKU without price tiers cannot be priced');
  const sorted = [...tiers].sort((a, b) => a.startUsageAmount - b.startUsageAmount);
  const slices: TierSlice[] = [];
  const from = prior;
  const to = prior + usage;
  for (let i = 0; i < sorted.length; i++) {
    const start = i === 0 ? 0 : sorted[i]!.startUsageAmount;
    const end = i + 1 < sorted.length ? sorted[i + 1]!.startUsageAmount : Infinity;
    const lo = Math.max(from, start);
    const hi = Math.min(to, end);
    if (hi > lo) slices.push({ tierStart: sorted[i]!.startUsageAmount, unitPrice: sorted[i]!.unitPrice, usage: hi - lo });
  }
  return slices;
}
