/**
 * Prices metered usage with the catalog. Each SKU's usage is taken in time order from the start
 * of the billing month, so the tiers (free allowances first) apply to the month's cumulative
 * usage, as Cloud Billing applies them; a record that straddles a tier boundary becomes two pieces.
 */
import { findSku, type CatalogSku, type PriceCatalog } from './catalog.ts';
import type { UsageRecord } from './meters.ts';
import { toNanos } from './money.ts';
import { splitAcrossTiers } from './tiers.ts';

export class UnitMismatchError extends Error {
  override readonly name = 'UnitMismatchError';
}

export interface PricedPiece {
  record: UsageRecord;
  sku: CatalogSku;
  tierStart: number;
  unitPrice: number;
  /** In the SKU's usage unit. */
  usage: number;
  costNanos: number;
}

/** `records` must cover each billing month from its start, or the tiers are applied too early. */
export function priceUsage(records: readonly UsageRecord[], catalog: PriceCatalog): PricedPiece[] {
  const bySku = new Map<string, { sku: CatalogSku; records: UsageRecord[] }>();
  const resolved = new Map<string, CatalogSku>();
  for (const r of records) {
    const selectorKey = `${r.sku.service}|${r.sku.description.source}|${r.sku.region}`;
    let sku = resolved.get(selectorKey);
    if (!sku) {
      sku = findSku(catalog, r.sku);
      resolved.set(selectorKey, sku);
    }
    if (sku.baseUnit !== r.baseUnit) {
      throw new UnitMismatchError(`meter ${r.meter} measures ${r.baseUnit} but SKU ${sku.skuId} "${sku.description}" is priced on base unit ${sku.baseUnit}`);
    }
    const group = bySku.get(sku.skuId) ?? { sku, records: [] };
    group.records.push(r);
    bySku.set(sku.skuId, group);
  }
  const pieces: PricedPiece[] = [];
  for (const { sku, records: list } of bySku.values()) {
    // Tiers restart with each billing (calendar) month.
    const cumulative = new Map<string, { units: number; exact: number; nanos: number }>();
    for (const r of [...list].sort((a, b) => a.atMs - b.atMs || a.resource.localeCompare(b.resource))) {
      const month = r.day.slice(0, 7);
      const acc = cumulative.get(month) ?? { units: 0, exact: 0, nanos: 0 };
      const units = r.usage / sku.baseUnitConversionFactor;
      for (const slice of splitAcrossTiers(acc.units, units, sku.tiers)) {
        // Rounded on the running total, so thousands of small pieces carry no rounding drift:
        // a SKU's pieces add up to its exact cost, and each piece is within a nano of its own.
        acc.exact += slice.usage * slice.unitPrice;
        const nanos = toNanos(acc.exact) - acc.nanos;
        acc.nanos += nanos;
        pieces.push({ record: r, sku, tierStart: slice.tierStart, unitPrice: slice.unitPrice, usage: slice.usage, costNanos: nanos });
      }
      acc.units += units;
      cumulative.set(month, acc);
    }
  }
  return pieces;
}
