/**
 * A closed incident resolves its remediation. A remediation still waiting for approval is no
 * longer wanted: its execution is cancelled (Workflows.cancelExecution) and its run ends
 * `cancelled`. One already approved or running (`executing`) is left to finish: stopping a
 * restore half-way would do more harm than the incident. Either way the open run records
 * `resolvedBy` and the closed run says what happened.
 */
import type { EventOfKind } from '../../events/index.ts';
import type { Run } from '../../ports/state-store.ts';
import { isPermanent, TransientError } from '../../runtime/errors.ts';
import type { ActContext, ActOutcome } from '../../runtime/flow.ts';
import type { AlertsDeps } from './deps.ts';
import { remediationContext } from './context.ts';
import { finishRemediation } from './finish.ts';

type IncidentEvent = EventOfKind<'MonitoringIncident'>;

function resolved(reason: string, extra: { refs?: Record<string, string>; result?: unknown } = {}): ActOutcome {
  return { status: 'succeeded', reason, refs: extra.refs, result: extra.result, statusEvent: { kind: 'RemediationResolved', reason, ...(extra.refs ?? {}) } };
}

async function markResolved(ctx: ActContext<AlertsDeps>, run: Run): Promise<void> {
  await ctx.deps.store.updateRun(run.id, { refs: { ...(run.refs ?? {}), resolvedBy: ctx.run.id, resolvedAt: ctx.deps.clock.now().toISOString() } });
}

export async function actClosedIncident(event: IncidentEvent, ctx: ActContext<AlertsDeps>): Promise<ActOutcome> {
  const { store } = ctx.deps;
  const open = await store.getRunByKey(`alerts:${event.incident.incident_id}:open`);
  if (!open) return resolved('incident closed; no open notification was recorded for it, so nothing was started');
  if (open.status === 'running' || open.status === 'retrying') {
    // Decide after the open notification is: it may be about to start (or cancel-worthy) work.
    throw new TransientError(`the open notification of incident ${event.incident.incident_id} (run ${open.id}) is still being processed; will retry`, { where: open.id });
  }
  const refs: Record<string, string> = { remediationRun: open.id, ...(open.refs?.execution ? { execution: open.refs.execution } : {}) };
  const execution = open.refs?.execution;

  if (open.status === 'awaiting-approval' && execution) {
    let state: string = 'CANCELLED';
    try {
      const cancelled = await ctx.flowDeps.workflows.cancelExecution(execution);
      state = cancelled.state === 'ACTIVE' ? 'CANCELLED' : cancelled.state;
    } catch (err) {
      // Not active any more (it ended meanwhile): the follower records its real end.
      if (!isPermanent(err)) throw err;
      const current = await ctx.flowDeps.workflows.getExecution(execution);
      await markResolved(ctx, open);
      return resolved(`incident closed; execution ${execution} had already ended (${current.state}), nothing to cancel`, { refs });
    }
    await ctx.recordStep({ name: 'cancel-pending-approval', status: 'succeeded', detail: execution });
    const reason = `incident closed: pending approval cancelled (execution ${execution})`;
    const finished = await finishRemediation(remediationContext(ctx), open, {
      outcome: { status: 'cancelled', reason, countsAsFailure: false },
      executionState: state === 'SUCCEEDED' || state === 'FAILED' ? state : 'CANCELLED',
      actor: `incident:${event.incident.incident_id}`,
      extraRefs: { resolvedBy: ctx.run.id, resolvedAt: ctx.deps.clock.now().toISOString() },
    });
    return resolved(`${reason}; remediation run ${open.id} ${finished ? 'cancelled' : 'had already ended'}`, { refs });
  }

  await markResolved(ctx, open);
  if (open.status === 'executing' || open.status === 'awaiting-approval') {
    return resolved(`incident closed while remediation run ${open.id}${execution ? ` (execution ${execution})` : ''} is ${open.status === 'executing' ? 'running' : 'pending'}; it runs to its end`, { refs });
  }
  return resolved(`incident closed; remediation run ${open.id} had ended ${open.status}${open.status === 'suppressed' ? ' (nothing was started)' : ''}`, { refs });
}
