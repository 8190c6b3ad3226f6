/** What the cost-report flow acts through, and the settings Terraform gives it. */
import type { Metrics } from '../../ports/metrics.ts';
import type { BucketInventory, ObjectStore } from '../../ports/object-store.ts';
import type { Pricing } from '../../ports/pricing.ts';

export interface CostSettings {
  /** Where the usage and the prices are (the catalog's serviceRegions). */
  region: string;
  /** Bucket the reports are written to. */
  reportsBucket: string;
  /** The monthly budget when no budget notification has arrived yet this month. */
  budgetAmount: number | null;
  currencyCode: string;
}

export interface CostReportDeps {
  pricing: Pricing;
  metrics: Metrics;
  buckets: BucketInventory;
  objects: ObjectStore;
  settings: CostSettings;
}
