/**
 * Provisioning: plan from the request and what exists, then apply. Transient failures are
 * rethrown (Pub/Sub redelivers; the next attempt re-plans and resumes). A permanent failure
 * compensates what this run created, newest first, records every compensation, and reports
 * WorkspaceFailed with the step and the cause.
 */
import { decodeWorkspaceRequest, workspaceRequestSchema, type EventOfKind } from '../../events/index.ts';
import { workspaceNames } from '../../domain/workspace/names.ts';
import { compensationFor, planWorkspace, type PlanContext, type PlanStep } from '../../domain/workspace/plan.ts';
import { isTransient } from '../../runtime/errors.ts';
import type { ActContext, ActOutcome, FlowDeclaration } from '../../runtime/flow.ts';
import type { Config } from '../../runtime/config.ts';
import type { Clock } from '../../ports/clock.ts';
import { applyStep, type ApplyContext } from './apply.ts';
import type { ProvisioningDeps } from './deps.ts';
import { observeWorkspace } from './observe.ts';

type Event = EventOfKind<'WorkspaceRequest'>;

export function planContext(config: Config, clock: Clock): PlanContext {
  return { projectId: config.projectId, region: config.region, sqlInstance: config.sqlInstance, backupBucket: config.backupBucket, now: clock.now() };
}

export async function actProvisioning(event: Event, ctx: ActContext<ProvisioningDeps>): Promise<ActOutcome> {
  const request = event.request;
  const deps = ctx.flowDeps;
  const planCtx = planContext(ctx.deps.config, ctx.deps.clock);
  const names = workspaceNames(planCtx.projectId, request.workspace);
  const plan = planWorkspace(request, await observeWorkspace(deps, planCtx, names), planCtx);
  await ctx.recordStep({ name: 'plan', status: 'succeeded', detail: plan.steps.length ? plan.steps.map((s) => s.id).join(', ') : 'nothing to do' });

  const applyCtx: ApplyContext = { deps, plan: planCtx, names, store: ctx.deps.store, clock: ctx.deps.clock, owner: ctx.run.id };
  // Creations from earlier attempts of this same run count as "created by this run".
  const allCreates = planWorkspace({ ...request, action: 'create' }, {}, planCtx).steps;
  const created: PlanStep[] = ctx.run.steps
    .filter((s) => s.status === 'succeeded' && s.name.startsWith('create-'))
    .map((s) => allCreates.find((c) => c.id === s.name))
    .filter((s): s is PlanStep => s !== undefined);

  for (const step of plan.steps) {
    try {
      const detail = await applyStep(step, applyCtx);
      await ctx.recordStep({ name: step.id, status: 'succeeded', detail });
      if (step.id.startsWith('create-')) created.push(step);
    } catch (err) {
      const cause = (err as Error).message;
      await ctx.recordStep({ name: step.id, status: 'failed', detail: isTransient(err) ? `transient, will resume: ${cause}` : cause });
      if (isTransient(err) || request.action === 'delete') throw err;
      // The failing step may have half-happened (a secret created, its version refused). It was
      // absent when planned, under the workspace lock, so undoing it is delete-if-present too.
      const compensation = await compensate(step.id.startsWith('create-') ? [...created, step] : created, applyCtx, ctx);
      const failures = compensation.filter((c) => c.status === 'compensation-failed');
      return {
        status: 'failed',
        reason: `${step.id} failed: ${cause}${failures.length ? `; ${failures.length} compensation(s) failed` : ''}`,
        result: { plan: plan.steps.map((s) => s.id), failedStep: step.id, compensation },
        statusEvent: {
          kind: 'WorkspaceFailed', workspace: request.workspace, requestId: request.requestId, step: step.id, cause,
          compensation, compensationFailed: failures.length > 0,
        },
      };
    }
  }

  const resources = {
    database: names.database, user: names.user, secret: names.secret, bucket: names.bucket,
    repository: request.spec.registry.enabled ? names.repository : null, instance: planCtx.sqlInstance,
  };
  if (request.action === 'delete') {
    return {
      status: 'succeeded',
      reason: plan.upToDate ? 'nothing left to delete' : plan.notes.join('; ') || undefined,
      result: { deleted: plan.steps.map((s) => s.id), notes: plan.notes },
      statusEvent: {
        kind: 'WorkspaceDeleted', workspace: request.workspace, requestId: request.requestId,
        retainedBucket: plan.steps.some((s) => s.id === 'label-bucket-pending-deletion') ? names.bucket : null,
        export: plan.steps.find((s): s is Extract<PlanStep, { id: 'export-database' }> => s.id === 'export-database')?.uri ?? null,
        notes: plan.notes,
      },
    };
  }
  const alreadyExists = plan.steps.length === 0;
  return {
    status: 'succeeded',
    reason: alreadyExists ? `already exists${plan.differences.length ? ' with a different spec (updates are out of scope)' : ''}` : undefined,
    result: { resources, created: plan.steps.map((s) => s.id), alreadyExists, differences: plan.differences, notes: plan.notes, grants: grantStatements(names.user, names.database) },
    statusEvent: {
      kind: 'WorkspaceReady', workspace: request.workspace, requestId: request.requestId, environment: request.environment,
      resources, alreadyExists, differences: plan.differences, notes: plan.notes,
    },
  };
}

async function compensate(created: PlanStep[], applyCtx: ApplyContext, ctx: ActContext<ProvisioningDeps>) {
  const results: Array<{ step: string; undo: string; status: 'compensated' | 'compensation-failed'; detail: string }> = [];
  for (const step of [...created].reverse()) {
    const undo = compensationFor(step);
    if (!undo) continue;
    try {
      const detail = await applyStep(undo, applyCtx);
      results.push({ step: step.id, undo: undo.id, status: 'compensated', detail });
      await ctx.recordStep({ name: `compensate:${step.id}`, status: 'compensated', detail });
    } catch (err) {
      const detail = `${undo.id} failed: ${(err as Error).message}`;
      results.push({ step: step.id, undo: undo.id, status: 'compensation-failed', detail });
      await ctx.recordStep({ name: `compensate:${step.id}`, status: 'compensation-failed', detail });
      ctx.logger.error({ step: step.id, err: (err as Error).message }, 'compensation failed; resource left behind');
    }
  }
  return results;
}

/**
 * Cloud SQL's Admin API cannot scope a MySQL user's privileges; these statements do, and must
 * run inside the VPC (the instance is private-IP only). See README "Workspace isolation".
 */
export function grantStatements(user: string, database: string): string[] {
  return [
    `REVOKE ALL PRIVILEGES, GRANT OPTION FROM '${user}'@'%';`,
    `GRANT ALL PRIVILEGES ON \`${database}\`.* TO '${user}'@'%';`,
  ];
}

export const provisioningFlow: FlowDeclaration<Event, ProvisioningDeps, 'provisioning'> = {
  flow: 'provisioning',
  functionName: 'provisioning',
  // Key: provisioning:<requestId>; the target (and lease) is the workspace.
  decode: decodeWorkspaceRequest,
  actor: (e) => e.request.requestedBy,
  describe: (e) => ({ requestId: e.request.requestId, action: e.request.action, workspace: e.request.workspace, environment: e.request.environment, force: e.request.force }),
  loadDeps: async (env) => (await import('../../runtime/adapters/provisioning.ts')).provisioningDeps(env.endpoint, env.clock),
  act: actProvisioning,
  messages: [{ kind: 'WorkspaceRequest', schema: workspaceRequestSchema }],
  cli: { kind: 'provisioning', examples: [{ file: 'workspace-create.json' }, { file: 'workspace-delete.json' }] },
};
