/** The alerts flow's adapters: Workflow Executions, and the rules file (read on the first incident). */
import type { Clock } from '../../ports/clock.ts';
import { GcpWorkflows } from '../../adapters/gcp/workflows.ts';
import type { GcpEndpointConfig } from '../../adapters/gcp/common/endpoint.ts';
import type { AlertsDeps } from '../../flows/alerts/deps.ts';
import { rulesLoader, rulesLocation } from '../../flows/alerts/rules-source.ts';

/** The rules file is STACKCTL_RULES_FILE, else the packaged default. */
export function alertsDeps(endpoint: GcpEndpointConfig, _clock: Clock, env: NodeJS.ProcessEnv = process.env): AlertsDeps {
  return { workflows: new GcpWorkflows(endpoint), rules: rulesLoader(rulesLocation(env)) };
}
