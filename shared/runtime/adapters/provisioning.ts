/** The provisioning flow's adapters: Cloud SQL, Secret Manager, Storage, Artifact Registry. */
import type { Clock } from '../../ports/clock.ts';
import type { GcpEndpointConfig } from '../../adapters/gcp/common/endpoint.ts';
import { GcpObjectStore } from '../../adapters/gcp/object-store.ts';
import { GcpRegistry } from '../../adapters/gcp/registry.ts';
import { GcpSecrets } from '../../adapters/gcp/secrets.ts';
import { GcpSqlAdmin } from '../../adapters/gcp/sql-admin.ts';
import type { ProvisioningDeps } from '../../flows/provisioning/deps.ts';

export function provisioningDeps(endpoint: GcpEndpointConfig, clock: Clock): ProvisioningDeps {
  return {
    sql: new GcpSqlAdmin(endpoint, clock),
    secrets: new GcpSecrets(endpoint, clock),
    objects: new GcpObjectStore(endpoint, clock),
    registry: new GcpRegistry(endpoint, clock),
  };
}
