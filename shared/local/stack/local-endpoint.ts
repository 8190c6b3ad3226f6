/** The production adapters' endpoint for a local run: the simulator URL of the config, with the local auth client. */
import type { GcpEndpointConfig } from '../../adapters/gcp/common/endpoint.ts';
import { localSimulatorAuth } from '../../adapters/local/local-auth.ts';
import type { Config } from '../../runtime/config.ts';
import { endpointConfig } from '../../runtime/endpoint.ts';

export function localEndpoint(config: Config): GcpEndpointConfig {
  return endpointConfig(config, config.gcpSimUrl ? localSimulatorAuth() : undefined);
}
