/**
 * The handler contract (docs/ARCHITECTURE.md, "The handler pipeline") as one function: decode → validate → take the target's lock and
 * claim or resume the run (one transaction; wait a bounded time, else park) → act with a heartbeat
 * → the final run update, its status event (into the outbox), the audit record and the release
 * (one transaction) → publish the status event → hand the target over if deliveries wait on it.
 * Its result tells the HTTP layer what to answer: 2xx acks (processed, duplicate, queued,
 * dead-lettered), 5xx nacks (transient).
 */
import { randomUUID } from 'node:crypto';
import { decodeDelivery, rawOf, type HttpHeaders, type PubsubMessage } from '../events/envelope.ts';
import { TOPICS } from '../events/topics.ts';
import type { ControlPlaneEvent } from '../events/decode.ts';
import type { FinishRunResult, Run, StartRunResult } from '../ports/state-store.ts';
import { putBoundedDeadLetter, holdsMessage } from './dead-letters.ts';
import { ControlPlaneError, isPermanent, TransientError } from './errors.ts';
import type { ActOutcome, FlowDefinition, RuntimeDeps } from './flow.ts';
import {
  isContention, maybeSweep, PARKED_AT_ATTRIBUTE, pollWithin, releaseAndHandOver, startHeartbeat, type LockDeps,
} from './lease.ts';
import { OUTBOX_CLAIM_MS, statusOutbox, waitAtMost } from './outbox.ts';

/** Set by `stackctl dead-letters replay` to the id of the dead letter it republishes. */
export const REPLAY_ATTRIBUTE = 'stackctl-replay-of';

export type DeliveryOutcome =
  | { ack: true; outcome: 'processed'; runId: string; status: string }
  | { ack: true; outcome: 'duplicate'; runId: string; status: string }
  | { ack: true; outcome: 'queued'; target: string; reason: string; runId?: string }
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
  let event: E;
  try {
    event = flow.decode(message, { maxMessageBytes: deps.config.maxMessageBytes });
  } catch (err) {
    return deadLetter(flow, deps, rawOf(message), err, undefined);
  }
  event = await honourReplay(flow, deps, message, event);

  const lockTarget = (flow.lockTarget ? flow.lockTarget(event) : event.target) ?? `run:${event.key}`;
  const owner = `${process.pid}:${randomUUID()}`;
  const locks = lockDeps(deps);
  const leaseMs = deps.config.leaseTtlMs;
  const init = { id: randomUUID(), flow: flow.flow, target: event.target, input: flow.describe(event), status: 'running' as const, attempts: 1 };
  // One transaction per try: a finished run answers "duplicate" without taking anything; otherwise
  // the target's lease and the claim (or the resumption of a crashed or retrying run) go together.
  let last: StartRunResult | undefined;
  const start = await pollWithin(deps, deps.config.contentionWaitMs, async () => {
    last = await deps.store.startRun({
      key: event.key, init: { ...init, leaseExpiresAt: new Date(deps.clock.now().getTime() + leaseMs).toISOString() },
      lease: { target: lockTarget, owner, ttlMs: leaseMs },
    });
    return last.outcome === 'busy' ? undefined : last;
  });
  if (!start) return park(flow, deps, message, event, lockTarget, last?.outcome === 'busy' ? last.run?.id : undefined);
  if (start.outcome === 'finished') return duplicate(flow, deps, event, start.run, message);
  const held: { lease?: FinishRunResult['lease'] } = {};
  try {
    return await underLock(flow, deps, flowDeps, message, event, lockTarget, owner, start.run, held);
  } finally {
    // finishRun released the lease unless deliveries are parked on the target (hand it over) or
    // the run did not get that far (release it here).
    if (held.lease !== 'released' && held.lease !== 'lost') await releaseAndHandOver(locks, lockTarget, owner);
    await maybeSweep(locks);
  }
}

/** Acts on the claimed or resumed run; the caller holds the target's lock throughout. */
async function underLock<E extends ControlPlaneEvent, D>(
  flow: FlowDefinition<E, D>, deps: RuntimeDeps, flowDeps: D, message: PubsubMessage, event: E, lockTarget: string, owner: string, run: Run,
  held: { lease?: FinishRunResult['lease'] },
): Promise<DeliveryOutcome> {
  const { store, clock } = deps;
  const started = clock.now().getTime();
  const leaseMs = deps.config.leaseTtlMs;
  const leaseUntil = () => new Date(clock.now().getTime() + leaseMs).toISOString();
  const logger = deps.logger.child({ flow: flow.flow, runId: run.id, key: event.key });
  const runId = run.id;
  const heartbeat = startHeartbeat(lockDeps(deps), [
    { name: lockTarget, renew: () => store.renewLease(lockTarget, owner, leaseMs) },
    { name: `run:${runId}`, renew: async () => (await store.updateRun(runId, { leaseExpiresAt: leaseUntil() }), true) },
  ]);
  const steps = [...run.steps];
  const finalAttempt = message.deliveryAttempt !== undefined && message.deliveryAttempt >= deps.config.maxDeliveryAttempts;
  const ctx = {
    run, message, deps, flowDeps, logger, finalAttempt,
    recordStep: async (step: Omit<Run['steps'][number], 'at'>) => {
      const recorded = { ...step, at: clock.now().toISOString() };
      steps.push(recorded);
      // One appended step, not the whole list rewritten.
      await store.appendRunStep(runId, recorded);
    },
  };

  const audit = { flow: flow.flow, runId, actor: flow.actor(event), action: `${flow.flow}.${event.kind}`, target: event.target };
  try {
    let outcome: ActOutcome;
    let failure: Run['error'];
    try {
      outcome = await flow.act(event, ctx);
    } catch (err) {
      if (isPermanent(err)) {
        const e = err as ControlPlaneError;
        outcome = { status: 'failed', reason: e.message, statusEvent: { kind: 'RunFailed', error: e.message, where: e.where } };
        failure = { class: 'permanent', message: e.message, where: e.where };
      } else if (finalAttempt && !isContention(err)) {
        // The last attempt: acking with a dead letter that says what was left behind beats a
        // message on the dead-letter topic with a run still `retrying` and no account of it.
        const e = err instanceof ControlPlaneError ? err : new TransientError(String((err as Error)?.message ?? err));
        const leftBehind = steps.filter((s) => s.status === 'succeeded').map((s) => s.name);
        const reason = `gave up after ${message.deliveryAttempt} delivery attempts: ${e.message}`;
        outcome = {
          status: 'failed', reason, result: { pendingCleanup: leftBehind },
          statusEvent: { kind: 'RunFailed', error: reason, where: e.where, pendingCleanup: leftBehind },
        };
        failure = { class: 'transient', message: reason, where: e.where };
      } else {
        throw err;
      }
    }
    await heartbeat.stop();
    const finished = clock.now();
    const statusEvent = {
      apiVersion: 'stackctl/v1', flow: flow.flow, runId, key: event.key, target: event.target,
      status: outcome.status, at: finished.toISOString(), ...(outcome.statusEvent ?? { kind: 'RunStatus' }),
    };
    // A failed outcome says why on the run, replacing what an earlier attempt left there.
    if (outcome.status === 'failed') failure ??= { class: finalAttempt ? 'transient' : 'permanent', message: outcome.reason ?? 'failed' };
    // The run's end, its status event (into the outbox, claimed by this instance's drainer), the
    // audit record and the lease's release commit together; the event is published after. A crash
    // in between leaves the event in the outbox for the sweep, never a finished run without one.
    const outbox = statusOutbox(deps);
    const done = await store.finishRun({
      runId,
      patch: { status: outcome.status, result: outcome.result, refs: outcome.refs, leaseExpiresAt: undefined, ...(failure ? { error: failure } : {}) },
      event: { topic: TOPICS.events, data: statusEvent, attributes: { flow: flow.flow, kind: String(statusEvent.kind) } },
      claim: { owner: outbox.owner, claimMs: OUTBOX_CLAIM_MS },
      audit: {
        ...audit, result: outcome.status === 'failed' ? 'failed' : outcome.status === 'suppressed' ? 'suppressed' : 'ok',
        reason: outcome.reason, durationMs: finished.getTime() - started,
      },
      release: { target: lockTarget, owner },
    });
    held.lease = done.lease;
    const published = outbox.send(done.outbox);
    const final = done.run;
    if (outcome.status === 'failed') {
      const dl = await putBoundedDeadLetter(deadLetterDeps(deps), { flow: flow.flow, topic: TOPICS[flow.flow], raw: rawOf(message), reason: outcome.reason ?? 'failed' });
      logger.warn({ deadLetterId: dl.id, reason: outcome.reason }, 'run failed permanently');
    } else {
      logger.info({ status: final.status, durationMs: finished.getTime() - started }, 'run finished');
    }
    // See STACKCTL_STATUS_FLUSH_WAIT_MS: an instance whose CPU is throttled after the answer publishes first.
    if (deps.config.statusFlushWaitMs > 0 && !(await waitAtMost(published, deps.config.statusFlushWaitMs))) {
      logger.warn({ waitedMs: deps.config.statusFlushWaitMs }, 'status event not published in time; answering, it stays in the outbox');
    }
    return { ack: true, outcome: 'processed', runId, status: final.status };
  } catch (err) {
    await heartbeat.stop();
    if (isContention(err)) {
      // A resource inside the run (the Cloud SQL instance) is busy: wait for it in its queue.
      await markRetrying(deps, runId, `waiting for ${err.target}`, logger);
      return park(flow, deps, message, event, err.target, runId);
    }
    const transient = err instanceof TransientError ? err : new TransientError(`unexpected: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    await markRetrying(deps, runId, transient.message, logger, transient.where);
    await store.appendAudit({
      ...audit, result: 'failed', reason: `transient, will be redelivered: ${transient.message}`, durationMs: clock.now().getTime() - started,
      details: { deliveryAttempt: message.deliveryAttempt, attempts: run.attempts, nack: true },
    });
    logger.warn({ err: transient.message, deliveryAttempt: message.deliveryAttempt }, 'transient failure; nacking for redelivery');
    return { ack: false, outcome: 'retry', reason: transient.message, runId };
  }
}

async function markRetrying(deps: RuntimeDeps, runId: string, message: string, logger: RuntimeDeps['logger'], where?: string): Promise<void> {
  try {
    await deps.store.updateRun(runId, { status: 'retrying', leaseExpiresAt: undefined, error: { class: 'transient', message, where } });
  } catch (updateErr) {
    // The flow may already have moved the run on (e.g. to `executing`); the nack still stands.
    logger.warn({ err: (updateErr as Error).message }, 'could not mark the run retrying');
  }
}

/**
 * A replay is honoured only for a dead letter the store holds for this flow and exactly this
 * message: anyone can set an attribute, but only a dead letter's own bytes match its digest.
 */
async function honourReplay<E extends ControlPlaneEvent>(flow: FlowDefinition<E, any>, deps: RuntimeDeps, message: PubsubMessage, event: E): Promise<E> {
  const replayOf = message.attributes[REPLAY_ATTRIBUTE];
  if (!replayOf) return event;
  const letter = await deps.store.getDeadLetter(replayOf);
  if (letter && letter.flow === flow.flow && holdsMessage(letter, message.data)) {
    // A dead letter replayed on purpose is a new attempt at the work, not a duplicate of the run
    // that failed: it gets its own key (still deduplicated against copies of the replay itself).
    return { ...event, key: `${event.key}#replay:${replayOf}` };
  }
  await deps.store.appendAudit({
    flow: flow.flow, actor: flow.actor(event), action: `${flow.flow}.replay`, target: event.target, result: 'info',
    reason: `${REPLAY_ATTRIBUTE}=${replayOf} not honoured: ${letter ? 'that dead letter holds another message' : 'no such dead letter'}; handled as an ordinary delivery`,
    details: { messageId: message.messageId },
  });
  return event;
}

async function duplicate<E extends ControlPlaneEvent>(flow: FlowDefinition<E, any>, deps: RuntimeDeps, event: E, run: Run, message: PubsubMessage): Promise<DeliveryOutcome> {
  await deps.store.appendAudit({
    flow: flow.flow, runId: run.id, actor: flow.actor(event), action: `${flow.flow}.${event.kind}`, target: event.target,
    result: 'duplicate', reason: `duplicate of run ${run.id} (${run.status}); message ${message.messageId}`,
  });
  deps.logger.info({ flow: flow.flow, runId: run.id, key: event.key, messageId: message.messageId }, 'duplicate delivery ignored');
  return { ack: true, outcome: 'duplicate', runId: run.id, status: run.status };
}

/** Keeps the delivery in the target's queue and acks it; it is republished when the target is free. */
async function park<E extends ControlPlaneEvent>(
  flow: FlowDefinition<E, any>, deps: RuntimeDeps, message: PubsubMessage, event: E, target: string, runId: string | undefined,
): Promise<DeliveryOutcome> {
  const { [PARKED_AT_ATTRIBUTE]: parkedAt, ...attributes } = message.attributes;
  const reason = `${target} is busy; parked until it is released`;
  const entry = await deps.store.park({
    target, key: event.key, flow: flow.flow, topic: TOPICS[flow.flow], reason,
    raw: { data: message.data.toString('base64'), attributes },
    ...(parkedAt && !Number.isNaN(Date.parse(parkedAt)) ? { parkedAt } : {}),
  });
  await deps.store.appendAudit({
    flow: flow.flow, runId, actor: flow.actor(event), action: `${flow.flow}.${event.kind}`, target: event.target, result: 'info',
    reason: `${reason} (acked, no delivery attempt spent)`, details: { parkedAt: entry.parkedAt, messageId: message.messageId, lock: target },
  });
  deps.logger.info({ flow: flow.flow, key: event.key, target, messageId: message.messageId }, 'target busy; delivery parked');
  // The holder may have released between our last try and the park, seeing an empty queue.
  const locks = lockDeps(deps);
  const owner = `park:${randomUUID()}`;
  if (await deps.store.acquireLease(target, owner, deps.config.leaseTtlMs)) await releaseAndHandOver(locks, target, owner);
  return { ack: true, outcome: 'queued', target, reason, runId };
}

function lockDeps(deps: RuntimeDeps): LockDeps {
  return { store: deps.store, clock: deps.clock, publisher: deps.publisher, logger: deps.logger, config: deps.config };
}

function deadLetterDeps(deps: RuntimeDeps) {
  return { store: deps.store, payloads: deps.payloads, config: deps.config };
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
  const record = await putBoundedDeadLetter(deadLetterDeps(deps), { flow: flow.flow, topic: TOPICS[flow.flow], raw, reason });
  await deps.store.appendAudit({
    flow: flow.flow, runId, actor: 'pubsub', action: `${flow.flow}.decode`, result: 'dead-lettered', reason,
    details: { deadLetterId: record.id, messageId: raw.messageId, bytes: record.payload?.bytes, payload: record.payload?.uri },
  });
  deps.logger.warn({ flow: flow.flow, deadLetterId: record.id, reason, messageId: raw.messageId }, 'message dead-lettered');
  return { ack: true, outcome: 'dead-lettered', deadLetterId: record.id, reason, runId };
}
