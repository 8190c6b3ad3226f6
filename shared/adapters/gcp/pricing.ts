/**
 * Pricing on the Cloud Billing Catalog v1 through `CloudCatalogClient` (@google-cloud/billing).
 * Prices come as Money {units, nanos}; a SKU's price is the first tier above the free tier.
 */
import type { CloudCatalogClient } from '@google-cloud/billing';
import type { Clock } from '../../ports/clock.ts';
import type { PricedService, Pricing, Sku } from '../../ports/pricing.ts';
import { PermanentError } from '../../runtime/errors.ts';
import { exportOf, gaxClient, gaxClientOptions, type GcpEndpointConfig } from './common/endpoint.ts';
import { callApi } from './common/errors.ts';

type Money = { units?: unknown; nanos?: number | null; currencyCode?: string | null };
type Tier = { startUsageAmount?: number | null; unitPrice?: Money | null };

export class GcpPricing implements Pricing {
  // Imported on first use, like every gax client of the adapters (common/endpoint.ts gaxClient).
  private readonly client = gaxClient('cloudbilling', async () => {
    const Client = exportOf(await import('@google-cloud/billing'), 'CloudCatalogClient');
    return new Client(gaxClientOptions(this.config) as ConstructorParameters<typeof CloudCatalogClient>[0]);
  });

  /** `_clock` keeps the adapters' common constructor shape; the catalog has no operations to wait for. */
  constructor(private readonly config: GcpEndpointConfig, _clock: Clock, private readonly currencyCode = 'USD') {}

  async listServices(): Promise<PricedService[]> {
    const [services] = await callApi('cloudbilling.services.list', async () => (await this.client()).listServices({}, { autoPaginate: true }));
    return services.map((s) => ({ serviceId: s.serviceId ?? '', displayName: s.displayName ?? '' }));
  }

  async listSkus(serviceId: string): Promise<Sku[]> {
    if (!/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(serviceId)) {
      throw new PermanentError(`cloudbilling.services.skus.list: serviceId must look like "6F81-5844-456A", got "${serviceId}"`, { where: 'serviceId', code: 400 });
    }
    const [skus] = await callApi('cloudbilling.services.skus.list', async () => (await this.client()).listSkus({
      parent: `services/${serviceId}`,
      currencyCode: this.currencyCode,
    }, { autoPaginate: true }));
    return skus.map((s) => {
      const info = s.pricingInfo?.[0];
      const expression = info?.pricingExpression;
      const tier = firstPaidTier(expression?.tieredRates ?? []);
      return {
        skuId: s.skuId ?? '',
        serviceId,
        description: s.description ?? '',
        resourceFamily: s.category?.resourceFamily ?? '',
        resourceGroup: s.category?.resourceGroup ?? '',
        usageType: s.category?.usageType ?? '',
        serviceRegions: [...(s.serviceRegions ?? [])],
        usageUnit: expression?.usageUnit ?? '',
        unitPrice: tier ? moneyToNumber(tier.unitPrice) : 0,
        currencyCode: tier?.unitPrice?.currencyCode || this.currencyCode,
        tiers: [...(expression?.tieredRates ?? [])]
          .map((t) => ({ startUsageAmount: Number(t.startUsageAmount ?? 0), unitPrice: moneyToNumber(t.unitPrice) }))
          .sort((a, b) => a.startUsageAmount - b.startUsageAmount),
        baseUnit: expression?.baseUnit ?? '',
        baseUnitConversionFactor: Number(expression?.baseUnitConversionFactor ?? 0),
        effectiveTime: timestampIso(info?.effectiveTime),
      };
    });
  }
}

/** The first tier whose price is not zero; a SKU whose every tier is free costs 0. */
function firstPaidTier(tiers: Tier[]): Tier | undefined {
  const sorted = [...tiers].sort((a, b) => (a.startUsageAmount ?? 0) - (b.startUsageAmount ?? 0));
  return sorted.find((t) => moneyToNumber(t.unitPrice) !== 0) ?? sorted[0];
}

/** Money is whole `units` (int64, a string or Long on the wire) plus `nanos` (10^-9 units, same sign). */
export function moneyToNumber(m: Money | null | undefined): number {
  if (!m) return 0;
  const units = Number(String(m.units ?? 0));
  return units + (m.nanos ?? 0) / 1e9;
}

function timestampIso(t: { seconds?: unknown; nanos?: number | null } | null | undefined): string {
  if (!t || t.seconds === undefined || t.seconds === null) return '';
  return new Date(Number(String(t.seconds)) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();
}
