/**
 * Starting a run's workflow execution at most once, even when two attempts of the same run
 * overlap (Pub/Sub redelivers while the first attempt is still working) or an attempt dies
 * after the start. A CAS record `alerts.start/<runId>` says which attempt is starting and, once
 * started, the execution's name; later attempts reuse that name instead of starting another.
 */
import { randomUUID } from 'node:crypto';
import type { StateStore } from '../../ports/state-store.ts';
import type { Execution } from '../../ports/workflows.ts';
import { TransientError } from '../../runtime/errors.ts';
import type { RemediationContext } from './context.ts';

export const START_NAMESPACE = 'alerts.start';

interface StartRecord { attempt: string; at: string; execution?: string; state?: string; abandoned?: boolean }

/** The execution this run already started, if any. */
export async function startedExecution(store: StateStore, runId: string): Promise<{ name: string; state: string } | undefined> {
  const record = (await store.getValue<StartRecord>(START_NAMESPACE, runId))?.value;
  return record?.execution ? { name: record.execution, state: record.state ?? 'ACTIVE' } : undefined;
}

export class StartInProgressError extends TransientError {}

/** `staleAfterMs`: how long another attempt's unfinished start blocks this one (the runtime's lease TTL). */
export async function startOnce(
  rc: RemediationContext,
  start: { runId: string; workflow: string; argument: unknown; staleAfterMs: number },
): Promise<{ name: string; state: string; reused: boolean }> {
  const { store } = rc;
  const { runId } = start;
  const now = rc.clock.now();
  const current = await store.getValue<StartRecord>(START_NAMESPACE, runId);
  if (current?.value.execution) return { name: current.value.execution, state: current.value.state ?? 'ACTIVE', reused: true };
  if (current && !current.value.abandoned && now.getTime() - Date.parse(current.value.at) < start.staleAfterMs) {
    throw new StartInProgressError(`another attempt of run ${runId} is starting its execution (since ${current.value.at})`, { where: START_NAMESPACE });
  }
  const attempt = randomUUID();
  const claim = await store.putValue<StartRecord>(START_NAMESPACE, runId, { attempt, at: now.toISOString() }, current?.version ?? 0);
  if (!claim.ok) throw new StartInProgressError(`another attempt of run ${runId} is starting its execution`, { where: START_NAMESPACE });
  let execution: Execution;
  try {
    execution = await rc.workflows.startExecution(start.workflow, start.argument);
  } catch (err) {
    // Nothing started: the next attempt may try at once.
    await store.putValue<StartRecord>(START_NAMESPACE, runId, { attempt, at: now.toISOString(), abandoned: true }, claim.version);
    throw err;
  }
  await store.putValue<StartRecord>(START_NAMESPACE, runId, { attempt, at: now.toISOString(), execution: execution.name, state: execution.state }, claim.version);
  return { name: execution.name, state: execution.state, reused: false };
}
