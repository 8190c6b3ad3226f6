/**
 * The slice of the Cloud Billing Catalog a cost model needs: each SKU with its whole tiered rate
 * (not only the first paid tier) and the conversion from its base unit, so usage measured in base
 * units (seconds, byte-seconds, counts) is priced exactly as the catalog states it.
 */

export interface PriceTier {
  /** In the SKU's usage unit, cumulative over the billing month. */
  startUsageAmount: number;
  /** Price of one usage unit in this tier, in the catalog's currency. */
  unitPrice: number;
}

export interface CatalogSku {
  skuId: string;
  serviceId: string;
  serviceName: string;
  description: string;
  serviceRegions: string[];
  /** The unit prices are per, e.g. "h", "GiBy.mo". */
  usageUnit: string;
  /** The unit usage is measured in, e.g. "s", "By.s". */
  baseUnit: string;
  /** Base units per usage unit (3600 for h over s). */
  baseUnitConversionFactor: number;
  /** Sorted by startUsageAmount, first at 0. */
  tiers: PriceTier[];
  currencyCode: string;
}

export interface PriceCatalog {
  currencyCode: string;
  skus: CatalogSku[];
  /** Where the prices come from (the catalog API, or gcp-sim's seed with its date). */
  source: string;
}

/** What a meter asks for: a service and a description pattern, in a region (or global). */
export interface SkuSelector {
  service: string;
  description: RegExp;
  region: string;
}

export class PriceNotFoundError extends Error {
  override readonly name = 'PriceNotFoundError';
}

export function findSku(catalog: PriceCatalog, selector: SkuSelector): CatalogSku {
  const candidates = catalog.skus.filter((s) => s.serviceName === selector.service && selector.description.test(s.description)
    && (s.serviceRegions.includes(selector.region) || s.serviceRegions.includes('global')));
  if (candidates.length === 0) {
    throw new PriceNotFoundError(`no catalog SKU of service "${selector.service}" matches /${selector.description.source}/ in ${selector.region} (catalog: ${catalog.source})`);
  }
  if (candidates.length > 1) {
    throw new PriceNotFoundError(`${candidates.length} SKUs of "${selector.service}" match /${selector.description.source}/ in ${selector.region}: ${candidates.map((c) => `${c.skuId} "${c.description}"`).join(', ')}`);
  }
  return candidates[0]!;
}
