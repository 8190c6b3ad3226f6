import type { GcpEndpointConfig } from '../adapters/gcp/common/endpoint.ts';
import type { Config } from './config.ts';

/** Where the production adapters point: Google with ADC, or gcp-sim in local mode. */
export function endpointConfig(config: Config): GcpEndpointConfig {
  return { projectId: config.projectId, region: config.region, simulatorUrl: config.gcpSimUrl };
}
