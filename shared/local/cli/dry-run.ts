/** `publish provisioning --dry-run`: the plan the function would apply now, without acting. */
import { decodeWorkspaceRequest } from '../../events/decode.ts';
import { workspaceNames } from '../../domain/workspace/names.ts';
import { planWorkspace, type WorkspacePlan } from '../../domain/workspace/plan.ts';
import { observeWorkspace } from '../../flows/provisioning/observe.ts';
import { planContext } from '../../flows/provisioning/flow.ts';
import { systemClock } from '../../runtime/system-clock.ts';
import { loadConfig } from '../../runtime/config.ts';
import { provisioningDeps } from '../../runtime/adapters/provisioning.ts';
import { localEndpoint } from '../stack/local-endpoint.ts';
import { requireRunningStack } from './local-state.ts';

export async function dryRunProvisioning(dataDir: string, data: Buffer, project?: string): Promise<WorkspacePlan> {
  const event = decodeWorkspaceRequest({ data, attributes: {}, messageId: 'dry-run', publishTime: new Date(), mode: 'push' });
  const env: NodeJS.ProcessEnv = project
    ? { ...process.env, STACKCTL_MODE: 'production', GOOGLE_CLOUD_PROJECT: project, STACKCTL_GCP_SIM_URL: undefined }
    : (() => {
      const stack = requireRunningStack(dataDir);
      return { ...process.env, GOOGLE_CLOUD_PROJECT: stack.projectId, STACKCTL_GCP_SIM_URL: stack.endpoints.gcpSim, STACKCTL_DATA_DIR: dataDir };
    })();
  const config = loadConfig(env);
  const deps = provisioningDeps(localEndpoint(config), systemClock);
  const ctx = planContext(config, systemClock);
  const names = workspaceNames(ctx.projectId, event.request.workspace);
  return planWorkspace(event.request, await observeWorkspace(deps, ctx, names), ctx);
}

export function describePlan(plan: WorkspacePlan): string {
  const lines = [`plan: ${plan.action} workspace ${plan.workspace}`];
  if (plan.steps.length === 0) lines.push(plan.upToDate ? '  nothing to do: already in the requested state' : '  no changes');
  for (const step of plan.steps) {
    const { id, ...rest } = step;
    lines.push(`  - ${id} ${JSON.stringify(rest)}`);
  }
  for (const d of plan.differences) lines.push(`  ! ${d.field}: exists as ${JSON.stringify(d.existing)}, requested ${JSON.stringify(d.requested)}`);
  for (const note of plan.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}
