/**
 * The handler contract (docs/ARCHITECTURE.md, "The handler pipeline") as one function: decode →
 * validate → claim the idempotency key → take the target's lease → act → audit → status event. Its
 * result tells the HTTP layer what to answer: 2xx acks (processed, duplicate, dead-lettered), 5xx
 * nacks (transient).
 */
import { randomUUID } from 'node:crypto';
import { decodeDelivery, rawOf, type HttpHeaders, type PubsubMessage } from '../events/envelope.ts';
import { TOPICS } from '../events/topics.ts';
import type { ControlPlaneEvent } from '../events/decode.ts';
import type { Run } from '../ports/state-store.ts';
import { ControlPlaneError, isPermanent, TransientError } from './errors.ts';
import type { ActOutcome, FlowDefinition, RuntimeDeps } from './flow.ts';

/** Set by `stackctl dead-letters replay` to the id of the dead letter it republishes. */
export const REPLAY_ATTRIBUTE = 'stackctl-replay-of';

export type DeliveryOutcome =
  | { ack: true; outcome: 'processed'; runId: string; status: string }
  | { ack: true; outcome: 'duplicate'; runId: string; status: string }
  | { ack: true; outcome: 'dead-lettered'; deadLetterId: string; reason: string; runId?: string }
  | { ack: false; outcome: 'retry'; reason: string; runId?: string };

export async function processDelivery<E extends ControlPlaneEvent, D>(
  flow: FlowDefinition<E, D>,
  deps: RuntimeDeps,
  flowDeps: D,
  headers: HttpHeaders,
  body: unknown,
): Promise<DeliveryOutcome> {
  let message: PubsubMessage;
  try {
    message = decodeDelivery(headers, body);
  } catch (err) {
    const raw = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body ?? null));
    return deadLetter(flow, deps, { data: raw.toString('base64'), attributes: {} }, err, undefined);
  }
  return processMessage(flow, deps, flowDeps, message);
}

export async function processMessage<E extends ControlPlaneEvent, D>(
  flow: FlowDefinition<E, D>,
  deps: RuntimeDeps,
  flowDeps: D,
  message: PubsubMessage,
): Promise<DeliveryOutcome> {
  const { store, clock } = deps;
  const started = clock.now().getTime();
  let event: E;
  try {
    event = flow.decode(message, { maxMessageBytes: deps.config.maxMessageBytes });
  } catch (err) {
    return deadLetter(flow, deps, rawOf(message), err, undefined);
  }
  // A dead letter replayed on purpose is a new attempt at the work, not a duplicate of the run
  // that failed: it gets its own key (still deduplicated against copies of the replay itself).
  const replayOf = message.attributes[REPLAY_ATTRIBUTE];
  if (replayOf) event = { ...event, key: `${event.key}#replay:${replayOf}` };

  const leaseMs = deps.config.lockTtlMs;
  const leaseUntil = () => new Date(clock.now().getTime() + leaseMs).toISOString();
  const claim = await store.claim(event.key, {
    id: randomUUID(), flow: flow.flow, target: event.target, input: flow.describe(event),
    status: 'running', attempts: 1, leaseExpiresAt: leaseUntil(),
  });
  let run = claim.run;
  if (!claim.claimed) {
    const takeover = run.status === 'retrying'
      || (run.status === 'running' && (!run.leaseExpiresAt || Date.parse(run.leaseExpiresAt) <= clock.now().getTime()));
    if (!takeover) {
      if (run.status === 'running') {
        return { ack: false, outcome: 'retry', reason: `run ${run.id} for ${event.key} is in progress elsewhere`, runId: run.id };
      }
      await store.appendAudit({
        flow: flow.flow, runId: run.id, actor: flow.actor(event), action: `${flow.flow}.${event.kind}`, target: event.target,
        result: 'duplicate', reason: `duplicate of run ${run.id} (${run.status}); message ${message.messageId}`,
      });
      deps.logger.info({ flow: flow.flow, runId: run.id, key: event.key, messageId: message.messageId }, 'duplicate delivery ignored');
      return { ack: true, outcome: 'duplicate', runId: run.id, status: run.status };
    }
    // A retrying run, or one whose attempt died with its lease: this delivery resumes it.
    run = await store.updateRun(run.id, { status: 'running', attempts: run.attempts + 1, leaseExpiresAt: leaseUntil() });
  }

  const owner = `${run.id}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const lockTarget = flow.lockTarget ? flow.lockTarget(event) : event.target;
  if (lockTarget) {
    const lease = await store.acquireLease(lockTarget, owner, leaseMs);
    if (!lease) {
      await store.updateRun(run.id, { status: 'retrying', error: { class: 'transient', message: `${lockTarget} is locked by another run` } });
      return { ack: false, outcome: 'retry', reason: `${lockTarget} is locked by another run`, runId: run.id };
    }
  }

  const logger = deps.logger.child({ flow: flow.flow, runId: run.id, key: event.key });
  let steps = [...run.steps];
  const ctx = {
    run, message, deps, flowDeps, logger,
    recordStep: async (step: Omit<Run['steps'][number], 'at'>) => {
      steps = [...steps, { ...step, at: clock.now().toISOString() }];
      await store.updateRun(run.id, { steps });
    },
  };

  try {
    let outcome: ActOutcome;
    try {
      outcome = await flow.act(event, ctx);
    } catch (err) {
      if (isPermanent(err)) {
        const e = err as ControlPlaneError;
        outcome = {
          status: 'failed',
          reason: e.message,
          statusEvent: { kind: 'RunFailed', error: e.message, where: e.where },
        };
        await store.updateRun(run.id, { error: { class: 'permanent', message: e.message, where: e.where } });
      } else {
        throw err;
      }
    }
    const finished = clock.now();
    const statusEvent = {
      apiVersion: 'stackctl/v1',
      flow: flow.flow,
      runId: run.id,
      key: event.key,
      target: event.target,
      status: outcome.status,
      at: finished.toISOString(),
      ...(outcome.statusEvent ?? { kind: 'RunStatus' }),
    };
    // Publish before the run turns terminal: if publishing fails the delivery is retried and
    // the (idempotent) act runs again, instead of the run ending with no event.
    await deps.publisher.publish(TOPICS.events, statusEvent, { flow: flow.flow, kind: String(statusEvent.kind) });
    const final = await store.updateRun(run.id, {
      status: outcome.status, result: outcome.result, refs: outcome.refs, leaseExpiresAt: undefined,
    });
    await store.appendAudit({
      flow: flow.flow, runId: run.id, actor: flow.actor(event), action: `${flow.flow}.${event.kind}`, target: event.target,
      result: outcome.status === 'failed' ? 'failed' : outcome.status === 'suppressed' ? 'suppressed' : 'ok',
      reason: outcome.reason, durationMs: finished.getTime() - started,
    });
    if (outcome.status === 'failed') {
      const dl = await store.putDeadLetter({ flow: flow.flow, topic: TOPICS[flow.flow], raw: rawOf(message), reason: outcome.reason ?? 'failed' });
      logger.warn({ deadLetterId: dl.id, reason: outcome.reason }, 'run failed permanently');
    } else {
      logger.info({ status: final.status, durationMs: finished.getTime() - started }, 'run finished');
    }
    return { ack: true, outcome: 'processed', runId: run.id, status: final.status };
  } catch (err) {
    const transient = err instanceof TransientError ? err : new TransientError(`unexpected: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    try {
      await store.updateRun(run.id, { status: 'retrying', error: { class: 'transient', message: transient.message, where: transient.where } });
    } catch (updateErr) {
      // The flow may already have moved the run on (e.g. to `executing`); the nack still stands.
      logger.warn({ err: (updateErr as Error).message }, 'could not mark the run retrying');
    }
    await store.appendAudit({
      flow: flow.flow, runId: run.id, actor: flow.actor(event), action: `${flow.flow}.${event.kind}`, target: event.target,
      result: 'failed', reason: `transient, will be redelivered: ${transient.message}`, durationMs: clock.now().getTime() - started,
      details: { deliveryAttempt: message.deliveryAttempt, attempts: run.attempts },
    });
    logger.warn({ err: transient.message, deliveryAttempt: message.deliveryAttempt }, 'transient failure; nacking for redelivery');
    return { ack: false, outcome: 'retry', reason: transient.message, runId: run.id };
  } finally {
    if (lockTarget) await store.releaseLease(lockTarget, owner);
  }
}

async function deadLetter(
  flow: FlowDefinition<any, any>,
  deps: RuntimeDeps,
  raw: { data: string; attributes: Record<string, string>; messageId?: string; publishTime?: string },
  err: unknown,
  runId: string | undefined,
): Promise<DeliveryOutcome> {
  const reason = err instanceof Error ? err.message : String(err);
  if (!isPermanent(err)) throw err;
  const record = await deps.store.putDeadLetter({ flow: flow.flow, topic: TOPICS[flow.flow], raw, reason });
  await deps.store.appendAudit({
    flow: flow.flow, runId, actor: 'pubsub', action: `${flow.flow}.decode`, result: 'dead-lettered', reason,
    details: { deadLetterId: record.id, messageId: raw.messageId },
  });
  deps.logger.warn({ flow: flow.flow, deadLetterId: record.id, reason, messageId: raw.messageId }, 'message dead-lettered');
  return { ack: true, outcome: 'dead-lettered', deadLetterId: record.id, reason, runId };
}
