/** The cost-report flow's adapters: Catalog, Monitoring, Storage. */
import type { GcpEndpointConfig } from '../../adapters/gcp/common/endpoint.ts';
import { GcpMetrics } from '../../adapters/gcp/metrics.ts';
import { GcpObjectStore } from '../../adapters/gcp/object-store.ts';
import { GcpPricing } from '../../adapters/gcp/pricing.ts';
import type { CostReportDeps } from '../../flows/cost-reports/deps.ts';
import { costSettings } from '../../flows/cost-reports/settings.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Config } from '../config.ts';

export function costReportDeps(config: Config, clock: Clock, endpoint: GcpEndpointConfig, env: NodeJS.ProcessEnv = process.env): CostReportDeps {
  const objects = new GcpObjectStore(endpoint, clock);
  const settings = costSettings(config, env);
  return {
    pricing: new GcpPricing(endpoint, clock, settings.currencyCode),
    metrics: new GcpMetrics(endpoint, clock),
    buckets: objects,
    objects,
    settings,
  };
}
