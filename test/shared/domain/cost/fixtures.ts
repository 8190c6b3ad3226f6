/** A small catalog in the Cloud Billing Catalog's terms (prices from gcp-sim's seed), for hand-computed tests. */
import type { PriceCatalog } from '../../../../shared/domain/cost/catalog.ts';

export const catalog: PriceCatalog = {
  currencyCode: 'USD',
  source: 'test catalog',
  skus: [
    { skuId: 'SIM0-A001-0001', serviceId: 'CCD8-9BF1-090E', serviceName: 'Kubernetes Engine', description: 'Autopilot Pod vCPU Requests (us-central1)', serviceRegions: ['us-central1'], usageUnit: 'h', baseUnit: 's', baseUnitConversionFactor: 3600, tiers: [{ startUsageAmount: 0, unitPrice: 0.0445 }], currencyCode: 'USD' },
    { skuId: 'SIM0-A001-0002', serviceId: 'CCD8-9BF1-090E', serviceName: 'Kubernetes Engine', description: 'Autopilot Pod Memory Requests (us-central1)', serviceRegions: ['us-central1'], usageUnit: 'GiBy.h', baseUnit: 'By.s', baseUnitConversionFactor: 3865470566400, tiers: [{ startUsageAmount: 0, unitPrice: 0.0049225 }], currencyCode: 'USD' },
    { skuId: 'SIM0-C003-0001', serviceId: '95FF-2EF5-5EA1', serviceName: 'Cloud Storage', description: 'Standard Storage Iowa', serviceRegions: ['us-central1'], usageUnit: 'GiBy.mo', baseUnit: 'By.s', baseUnitConversionFactor: 2783138807808000, tiers: [{ startUsageAmount: 0, unitPrice: 0.02 }], currencyCode: 'USD' },
    { skuId: 'SIM0-E005-0003', serviceId: '152E-C115-5142', serviceName: 'Cloud Run', description: 'Requests', serviceRegions: ['us-central1'], usageUnit: 'count', baseUnit: 'count', baseUnitConversionFactor: 1, tiers: [{ startUsageAmount: 0, unitPrice: 0 }, { startUsageAmount: 2_000_000, unitPrice: 0.0000004 }], currencyCode: 'USD' },
  ],
};

export const ctx = { region: 'us-central1', bucketLabels: {}, haInstances: new Set<string>(), functionCpu: 1, functionMemoryGiB: 0.5 };

export const hourly = (fromIso: string, hours: number, value: number) => Array.from({ length: hours }, (_, i) => ({ end: new Date(Date.parse(fromIso) + i * 3_600_000), value }));
