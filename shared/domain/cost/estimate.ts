/**
 * What Terraform would build, priced per component per month before it exists (like Infracost),
 * from an environment's variables and the Catalog. Usage-based parts (workspace pipelines and
 * buckets) are not in it: they depend on what teams do, and the cost report measures them.
 * Every line states the quantity it assumed.
 */
import { findSku, PriceNotFoundError, type PriceCatalog, type SkuSelector } from './catalog.ts';
import { fromNanos, toNanos } from './money.ts';
import { sqlTierShape, STACK_APPS } from './stack-shape.ts';
import { splitAcrossTiers } from './tiers.ts';

/** Google's monthly estimates use 730 hours a month. */
export const HOURS_PER_MONTH = 730;

export interface EstimateInputs {
  environment: string;
  region: string;
  mysqlTier: string;
  mysqlDiskGb: number;
  mysqlAvailability: 'ZONAL' | 'REGIONAL';
  backupRetentionDays: number;
  /** Assumptions where Terraform does not say (shown in the output). */
  natVms: number;
  natDataGiB: number;
  forwardingRules: number;
  /** Size of one daily export, as a fraction of the Cloud SQL disk. */
  exportFraction: number;
}

export interface EstimateLine {
  component: string;
  sku: string;
  description: string;
  quantity: number;
  unit: string;
  unitPrice: number;
  cost: number;
  assumption: string;
}

export interface CostEstimate {
  environment: string;
  region: string;
  /** The region whose prices were used (the catalog may not hold the environment's). */
  priceRegion: string;
  currency: string;
  monthly: number;
  byComponent: Array<{ component: string; cost: number }>;
  lines: EstimateLine[];
  prices: string;
  notes: string[];
}

export class EstimateInputError extends Error {
  override readonly name = 'EstimateInputError';
}

interface Want { component: string; selector: Omit<SkuSelector, 'region'>; quantity: number; assumption: string }

export function estimateMonthly(inputs: EstimateInputs, catalog: PriceCatalog, fallbackRegion?: string): CostEstimate {
  const shape = sqlTierShape(inputs.mysqlTier);
  if (!shape) throw new EstimateInputError(`mysql_tier "${inputs.mysqlTier}": unknown Cloud SQL tier (use db-custom-<cpus>-<MiB>, db-n1-standard-N, db-n1-highmem-N, db-g1-small or db-f1-micro)`);
  const ha = inputs.mysqlAvailability === 'REGIONAL' ? 'Regional' : 'Zonal';
  const cpu = STACK_APPS.reduce((a, x) => a + x.cpu * x.replicas, 0);
  const mem = STACK_APPS.reduce((a, x) => a + x.memoryGiB * x.replicas, 0);
  const apps = STACK_APPS.map((a) => `${a.app} ${a.cpu * a.replicas} vCPU / ${a.memoryGiB * a.replicas} GiB`).join(', ');
  const backupGiB = inputs.mysqlDiskGb * inputs.exportFraction * inputs.backupRetentionDays;
  const wants: Want[] = [
    { component: 'gke', selector: { service: 'Kubernetes Engine', description: /^Autopilot Kubernetes Clusters/ }, quantity: HOURS_PER_MONTH, assumption: 'one Autopilot cluster, 730 h' },
    { component: 'gke', selector: { service: 'Kubernetes Engine', description: /^Autopilot Pod vCPU Requests/ }, quantity: cpu * HOURS_PER_MONTH, assumption: `baseline pods: ${apps}` },
    { component: 'gke', selector: { service: 'Kubernetes Engine', description: /^Autopilot Pod Memory Requests/ }, quantity: mem * HOURS_PER_MONTH, assumption: 'baseline pods, as above' },
    { component: 'cloud-sql', selector: { service: 'Cloud SQL', description: new RegExp(`^Cloud SQL for MySQL: ${ha} - vCPU`) }, quantity: shape.cores * HOURS_PER_MONTH, assumption: `${inputs.mysqlTier} (${shape.cores} vCPU), ${inputs.mysqlAvailability}, always on` },
    { component: 'cloud-sql', selector: { service: 'Cloud SQL', description: new RegExp(`^Cloud SQL for MySQL: ${ha} - RAM`) }, quantity: shape.memoryGiB * HOURS_PER_MONTH, assumption: `${inputs.mysqlTier} (${shape.memoryGiB} GiB)` },
    { component: 'cloud-sql', selector: { service: 'Cloud SQL', description: new RegExp(`^Cloud SQL for MySQL: ${ha} - Standard storage`) }, quantity: inputs.mysqlDiskGb, assumption: `mysql_disk_size_gb = ${inputs.mysqlDiskGb}` },
    { component: 'network', selector: { service: 'Compute Engine', description: /^Cloud NAT Gateway: Uptime/ }, quantity: inputs.natVms * HOURS_PER_MONTH, assumption: `one NAT gateway serving ${inputs.natVms} Autopilot nodes (assumed)` },
    { component: 'network', selector: { service: 'Compute Engine', description: /^Cloud NAT Gateway: Data processing/ }, quantity: inputs.natDataGiB, assumption: `${inputs.natDataGiB} GiB egress through NAT a month (assumed)` },
    { component: 'network', selector: { service: 'Compute Engine', description: /^Network Load Balancing: Forwarding Rule/ }, quantity: inputs.forwardingRules * HOURS_PER_MONTH, assumption: `${inputs.forwardingRules} forwarding rule(s) for the apps' ingress (assumed)` },
    { component: 'storage', selector: { service: 'Cloud Storage', description: /^Standard Storage/ }, quantity: backupGiB, assumption: `backup bucket: a daily export of ${inputs.exportFraction * 100} % of the disk kept ${inputs.backupRetentionDays} days (assumed)` },
  ];
  const notes: string[] = [];
  let priceRegion = inputs.region;
  const inRegion = (region: string) => catalog.skus.some((s) => s.serviceRegions.includes(region));
  if (!inRegion(inputs.region)) {
    if (!fallbackRegion || !inRegion(fallbackRegion)) throw new PriceNotFoundError(`the catalog (${catalog.source}) holds no prices for ${inputs.region}`);
    priceRegion = fallbackRegion;
    notes.push(`The catalog holds no ${inputs.region} prices; ${fallbackRegion} list prices were used instead.`);
  }
  const lines: EstimateLine[] = [];
  for (const w of wants) {
    const sku = findSku(catalog, { ...w.selector, region: priceRegion });
    // Tiers apply to the month's usage: a free allowance becomes a line of its own at price 0.
    for (const slice of splitAcrossTiers(0, w.quantity, sku.tiers)) {
      lines.push({ component: w.component, sku: sku.skuId, description: sku.description, quantity: slice.usage, unit: sku.usageUnit, unitPrice: slice.unitPrice, cost: fromNanos(toNanos(slice.usage * slice.unitPrice)), assumption: w.assumption });
    }
  }
  notes.push('Not included: workspace pipelines, buckets and repositories (usage-based; see `stackctl report cost`), Cloud SQL backup storage, network egress beyond NAT, and the GKE free-tier credit.');
  const byComponent = new Map<string, number>();
  for (const l of lines) byComponent.set(l.component, (byComponent.get(l.component) ?? 0) + toNanos(l.cost));
  const monthlyNanos = [...byComponent.values()].reduce((a, b) => a + b, 0);
  return {
    environment: inputs.environment, region: inputs.region, priceRegion, currency: catalog.currencyCode,
    monthly: fromNanos(monthlyNanos),
    byComponent: [...byComponent].map(([component, n]) => ({ component, cost: fromNanos(n) })).sort((a, b) => b.cost - a.cost),
    lines, prices: catalog.source, notes,
  };
}
