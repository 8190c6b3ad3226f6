/**
 * Flow-specific adapters, keyed by flow name. Each adapter is built once per process and
 * creates its client lazily on first use, so a function instance only pays for the clients
 * its flow actually calls.
 */
import type { Clock } from '../ports/clock.ts';
import type { Config } from './config.ts';
import type { GcpEndpointConfig } from '../adapters/gcp/common/endpoint.ts';
import { GcpSqlAdmin } from '../adapters/gcp/sql-admin.ts';
import { GcpSecrets } from '../adapters/gcp/secrets.ts';
import { GcpObjectStore } from '../adapters/gcp/object-store.ts';
import { GcpRegistry } from '../adapters/gcp/registry.ts';
import type { ProvisioningDeps } from '../flows/provisioning/deps.ts';
import { GcpWorkflows } from '../adapters/gcp/workflows.ts';
import type { AlertsDeps } from '../flows/alerts/deps.ts';
import { rulesLoader, rulesLocation } from '../flows/alerts/rules-source.ts';

export type FlowDeps = Record<string, unknown>;

export function endpointConfig(config: Config): GcpEndpointConfig {
  return { projectId: config.projectId, region: config.region, simulatorUrl: config.gcpSimUrl };
}

export function provisioningDeps(config: Config, clock: Clock): ProvisioningDeps {
  const endpoint = endpointConfig(config);
  return {
    sql: new GcpSqlAdmin(endpoint, clock),
    secrets: new GcpSecrets(endpoint, clock),
    objects: new GcpObjectStore(endpoint, clock),
    registry: new GcpRegistry(endpoint, clock),
  };
}

/** The rules file (STACKCTL_RULES_FILE, else the packaged default) is read on the first incident. */
export function alertsDeps(config: Config, clock: Clock, env: NodeJS.ProcessEnv = process.env): AlertsDeps {
  return { workflows: new GcpWorkflows(endpointConfig(config), clock), rules: rulesLoader(rulesLocation(env)) };
}

export function buildFlowDeps(config: Config, clock: Clock): FlowDeps {
  return {
    provisioning: provisioningDeps(config, clock),
    alerts: alertsDeps(config, clock),
  };
}
