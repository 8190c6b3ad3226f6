import type { GcpEndpointConfig, SimulatorAuth } from '../adapters/gcp/common/endpoint.ts';
import type { Config } from './config.ts';

/**
 * Where the production adapters point: Google with ADC, or a loopback simulator in local mode,
 * with the simulator auth the local composition root passes in.
 */
export function endpointConfig(config: Config, simulatorAuth?: SimulatorAuth): GcpEndpointConfig {
  return { projectId: config.projectId, region: config.region, simulatorUrl: config.gcpSimUrl, simulatorAuth };
}
