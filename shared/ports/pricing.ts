/** Cloud Billing Catalog, in domain terms. */
export interface PricedService {
  /** e.g. "6F81-5844-456A" (Compute Engine). */
  serviceId: string;
  displayName: string;
}

export interface Sku {
  skuId: string;
  serviceId: string;
  description: string;
  resourceFamily: string;
  resourceGroup: string;
  usageType: string;
  serviceRegions: string[];
  /** The unit the price is per, e.g. "h", "GiBy.mo", "GiBy.h". */
  usageUnit: string;
  /** Price of one usage unit in `currencyCode`, from the first tier above the free tier. */
  unitPrice: number;
  currencyCode: string;
  /** The whole tiered rate, by cumulative monthly usage in `usageUnit` (free tiers included). */
  tiers: Array<{ startUsageAmount: number; unitPrice: number }>;
  /** The unit usage is measured in ("s", "By.s", "count") and how many of it make one `usageUnit`. */
  baseUnit: string;
  baseUnitConversionFactor: number;
  /** When the price took effect (pricingInfo.effectiveTime), RFC 3339; empty when not stated. */
  effectiveTime: string;
}

export interface Pricing {
  listServices(): Promise<PricedService[]>;
  /** Every SKU of a service, following pagination. */
  listSkus(serviceId: string): Promise<Sku[]>;
}
