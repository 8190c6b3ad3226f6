import { describe, expect, it } from 'vitest';
import { estimateMonthly, EstimateInputError, type EstimateInputs } from '../../../../shared/domain/cost/estimate.ts';
import type { PriceCatalog } from '../../../../shared/domain/cost/catalog.ts';
import { catalog as base } from './fixtures.ts';

const sku = (skuId: string, serviceName: string, description: string, usageUnit: string, price: number) => ({
  skuId, serviceId: 'X', serviceName, description, serviceRegions: ['us-central1'], usageUnit, baseUnit: 's', baseUnitConversionFactor: 1, tiers: [{ startUsageAmount: 0, unitPrice: price }], currencyCode: 'USD',
});
const catalog: PriceCatalog = {
  ...base,
  skus: [
    ...base.skus,
    sku('F', 'Kubernetes Engine', 'Autopilot Kubernetes Clusters (cluster management fee)', 'h', 0.1),
    sku('Z1', 'Cloud SQL', 'Cloud SQL for MySQL: Zonal - vCPU in Iowa', 'h', 0.0413),
    sku('Z2', 'Cloud SQL', 'Cloud SQL for MySQL: Zonal - RAM in Iowa', 'GiBy.h', 0.007),
    sku('Z3', 'Cloud SQL', 'Cloud SQL for MySQL: Zonal - Standard storage (SSD) in Iowa', 'GiBy.mo', 0.17),
    sku('R1', 'Cloud SQL', 'Cloud SQL for MySQL: Regional - vCPU in Iowa', 'h', 0.0826),
    sku('R2', 'Cloud SQL', 'Cloud SQL for MySQL: Regional - RAM in Iowa', 'GiBy.h', 0.014),
    sku('R3', 'Cloud SQL', 'Cloud SQL for MySQL: Regional - Standard storage (SSD) in Iowa', 'GiBy.mo', 0.34),
    sku('N1', 'Compute Engine', 'Cloud NAT Gateway: Uptime charge (up to 32 VM instances)', 'h', 0.0014),
    sku('N2', 'Compute Engine', 'Cloud NAT Gateway: Data processing charge', 'GiBy', 0.045),
    sku('L1', 'Compute Engine', 'Network Load Balancing: Forwarding Rule Minimum Service Charge in Iowa', 'h', 0.025),
  ],
};
const dev: EstimateInputs = { environment: 'dev', region: 'us-central1', mysqlTier: 'db-n1-standard-2', mysqlDiskGb: 20, mysqlAvailability: 'ZONAL', backupRetentionDays: 7, natVms: 3, natDataGiB: 50, forwardingRules: 1, exportFraction: 0.25 };

describe('cost estimate', () => {
  it('prices the dev environment by hand', () => {
    const e = estimateMonthly(dev, catalog);
    const cost = (component: string) => e.byComponent.find((c) => c.component === component)!.cost;
    // Cluster fee 730 × 0.10 = 73; pods 2.25 vCPU × 730 × 0.0445 = 73.09125 and 4.5 GiB × 730 × 0.0049225 = 16.1704125.
    expect(cost('gke')).toBeCloseTo(73 + 73.09125 + 16.1704125, 9);
    // 2 vCPU × 730 × 0.0413 + 7.5 GiB × 730 × 0.007 + 20 × 0.17.
    expect(cost('cloud-sql')).toBeCloseTo(60.298 + 38.325 + 3.4, 9);
    expect(cost('network')).toBeCloseTo(3 * 730 * 0.0014 + 50 * 0.045 + 730 * 0.025, 9);
    expect(cost('storage')).toBeCloseTo(20 * 0.25 * 7 * 0.02, 9);
    expect(e.monthly).toBeCloseTo(e.byComponent.reduce((a, c) => a + c.cost, 0), 9);
    expect(e.lines.every((l) => l.assumption.length > 0)).toBe(true);
    expect(e).toMatchObject({ priceRegion: 'us-central1', prices: 'test catalog' });
  });

  it('HA doubles Cloud SQL through the regional SKUs', () => {
    const e = estimateMonthly({ ...dev, mysqlAvailability: 'REGIONAL' }, catalog);
    expect(e.lines.filter((l) => l.component === 'cloud-sql').map((l) => l.sku)).toEqual(['R1', 'R2', 'R3']);
  });

  it('falls back to another region\'s prices only when asked, and says so', () => {
    expect(() => estimateMonthly({ ...dev, region: 'europe-west1' }, catalog)).toThrow(/no prices for europe-west1/);
    const e = estimateMonthly({ ...dev, region: 'europe-west1' }, catalog, 'us-central1');
    expect(e.priceRegion).toBe('us-central1');
    expect(e.notes[0]).toMatch(/no europe-west1 prices; us-central1 list prices were used/);
  });

  it('names an unknown tier', () => {
    expect(() => estimateMonthly({ ...dev, mysqlTier: 'db-perf-optimized-N-8' }, catalog)).toThrow(EstimateInputError);
  });
});
