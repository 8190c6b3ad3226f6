/**
 * The price catalog a report needs, read through the Cloud Billing Catalog API: the services the
 * meters and the estimate price, with every SKU (all pages) and its tiered rate.
 */
import type { CatalogSku, PriceCatalog } from '../../domain/cost/catalog.ts';
import type { Pricing } from '../../ports/pricing.ts';
import { PermanentError } from '../../runtime/errors.ts';

export const PRICED_SERVICES = ['Kubernetes Engine', 'Cloud SQL', 'Cloud Storage', 'Artifact Registry', 'Cloud Run', 'Compute Engine'] as const;

export async function loadCatalog(pricing: Pricing, currencyCode: string, services: readonly string[] = PRICED_SERVICES): Promise<PriceCatalog> {
  const listed = await pricing.listServices();
  const skus: CatalogSku[] = [];
  const effective = new Set<string>();
  for (const name of services) {
    const service = listed.find((s) => s.displayName === name);
    if (!service) throw new PermanentError(`the Cloud Billing Catalog lists no service named "${name}" (it lists ${listed.map((s) => s.displayName).join(', ')})`, { where: 'cloudbilling.services.list' });
    for (const sku of await pricing.listSkus(service.serviceId)) {
      if (sku.currencyCode !== currencyCode) continue;
      if (sku.effectiveTime) effective.add(sku.effectiveTime.slice(0, 10));
      skus.push({
        skuId: sku.skuId, serviceId: sku.serviceId, serviceName: name, description: sku.description,
        serviceRegions: sku.serviceRegions, usageUnit: sku.usageUnit, baseUnit: sku.baseUnit,
        baseUnitConversionFactor: sku.baseUnitConversionFactor, tiers: sku.tiers, currencyCode: sku.currencyCode,
      });
    }
  }
  const dates = [...effective].sort();
  const when = dates.length === 0 ? 'effective dates not stated' : dates.length === 1 ? `effective ${dates[0]}` : `effective ${dates[0]} to ${dates.at(-1)}`;
  return { currencyCode, skus, source: `Cloud Billing Catalog API list prices in ${currencyCode}, ${when}` };
}
