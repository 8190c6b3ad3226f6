/**
 * The handler contract (docs/ARCHITECTURE.md, "The handler pipeline") as one function: decode → validate → take the target's lock (wait a
 * bounded time, else park) → claim or resume the run → act with a heartbeat → status event →
 * audit → release and hand the target over. Its result tells the HTTP layer what to answer:
 * 2xx acks (processed, duplicate, queued, dead-lettered), 5xx nacks (transient).
 */
import { randomUUID } from 'node:crypto';
import { decodeDelivery, rawOf, type HttpHeaders, type PubsubMessage } from '../events/envelope.ts';
import { TOPICS } from '../events/topics.ts';
import type { ControlPlaneEvent } from '../events/decode.ts';
import type { Run } from '../ports/state-store.ts';
import { putBoundedDeadLetter, holdsMessage } from './dead-letters.ts';
import { ControlPlaneError, isPermanent, TransientError } from './errors.ts';
import type { ActOutcome, FlowDefinition, RuntimeDeps } from './flow.ts';
import {
  acquireWithin, isContention, maybeSweep, PARKED_AT_ATTRIBUTE, releaseAndHandOver, startHeartbeat, type LockDeps,
} from './lease.ts';

/** Set by `stackctl dead-letters replay` to the id of the dead letter it republishes. */
export const REPLAY_ATTRIBUTE = 'stackctl-replay-of';

export type DeliveryOutcome =
  | { ack: true; outcome: 'processed'; runId: string; status: string }
  | { ack: true; outcome: 'duplicate'; runId: string; status: string }
  | { ack: true; outcome: 'queued'; target: string; reason: string; runId?: string }
  | { ack: true; outcome: 'dead-lettered'; deadLetterId: string; reason: string; runId?: string }
  | { ack: false; outcome: 'retry'; reason: string; runId?: string };

/** Runs a delivery in one of these states may take over (under the target's lock). */
const RESUMABLE: ReadonlySet<Run['status']> = new Set(['running', 'retrying']);

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
  const { store } = deps;
  let event: E;
  try {
    event = flow.decode(message, { maxMessageBytes: deps.config.maxMessageBytes });
  } catch (err) {
    return deadLetter(flow, deps, rawOf(message), err, undefined);
  }
  event = await honourReplay(flow, deps, message, event);

  // A finished run needs no lock to say "duplicate".
  const existing = await store.getRunByKey(event.key);
  if (existing && !RESUMABLE.has(existing.status)) return duplicate(flow, deps, event, existing, message);

  const lockTarget = (flow.lockTarget ? flow.lockTarget(event) : event.target) ?? `run:${event.key}`;
  const owner = `${process.pid}:${randomUUID()}`;
  const locks = lockDeps(deps);
  if (!(await acquireWithin(locks, lockTarget, owner, deps.config.contentionWaitMs))) {
    return park(flow, deps, message, event, lockTarget, existing?.id);
  }
  try {
    return await underLock(flow, deps, flowDeps, message, event, lockTarget, owner);
  } finally {
    await releaseAndHandOver(locks, lockTarget, owner);
    await maybeSweep(locks);
  }
}

/** Claim or resume the run, then act; the caller holds the target's lock throughout. */
async function underLock<E extends ControlPlaneEvent, D>(
  flow: FlowDefinition<E, D>, deps: RuntimeDeps, flowDeps: D, message: PubsubMessage, event: E, lockTarget: string, owner: string,
): Promise<DeliveryOutcome> {
  const { store, clock } = deps;
  const started = clock.now().getTime();
  const leaseMs = deps.config.leaseTtlMs;
  const leaseUntil = () => new Date(clock.now().getTime() + leaseMs).toISOString();
  const claim = await store.claim(event.key, {
    id: randomUUID(), flow: flow.flow, target: event.target, input: flow.describe(event),
    status: 'running', attempts: 1, leaseExpiresAt: leaseUntil(),
  });
  let run = claim.run;
  if (!claim.claimed) {
    if (!RESUMABLE.has(run.status)) return duplicate(flow, deps, event, run, message);
    // Holding the target's lock makes this delivery the only one that may act on the run: a
    // `running` run here lost its holder (a crash: the lease ran out), a `retrying` one waits for us.
    run = await store.updateRun(run.id, { status: 'running', attempts: run.attempts + 1, leaseExpiresAt: leaseUntil() });
  }

  const logger = deps.logger.child({ flow: flow.flow, runId: run.id, key: event.key });
  const runId = run.id;
  const heartbeat = startHeartbeat(lockDeps(deps), [
    { name: lockTarget, renew: () => store.renewLease(lockTarget, owner, leaseMs) },
    { name: `run:${runId}`, renew: async () => (await store.updateRun(runId, { leaseExpiresAt: leaseUntil() }), true) },
  ]);
  let steps = [...run.steps];
  const finalAttempt = message.deliveryAttempt !== undefined && message.deliveryAttempt >= deps.config.maxDeliveryAttempts;
  const ctx = {
    run, message, deps, flowDeps, logger, finalAttempt,
    recordStep: async (step: Omit<Run['steps'][number], 'at'>) => {
      steps = [...steps, { ...step, at: clock.now().toISOString() }];
      await store.updateRun(runId, { steps });
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
    // Publish before the run turns terminal: if publishing fails the delivery is retried and
    // the (idempotent) act runs again, instead of the run ending with no event.
    await deps.publisher.publish(TOPICS.events, statusEvent, { flow: flow.flow, kind: String(statusEvent.kind) });
    // A failed outcome says why on the run, replacing what an earlier attempt left there.
    if (outcome.status === 'failed') failure ??= { class: finalAttempt ? 'transient' : 'permanent', message: outcome.reason ?? 'failed' };
    const final = await store.updateRun(runId, {
      status: outcome.status, result: outcome.result, refs: outcome.refs, leaseExpiresAt: undefined, ...(failure ? { error: failure } : {}),
    });
    await store.appendAudit({
      ...audit, result: outcome.status === 'failed' ? 'failed' : outcome.status === 'suppressed' ? 'suppressed' : 'ok',
      reason: outcome.reason, durationMs: finished.getTime() - started,
    });
    if (outcome.status === 'failed') {
      const dl = await putBoundedDeadLetter(deadLetterDeps(deps), { flow: flow.flow, topic: TOPICS[flow.flow], raw: rawOf(message), reason: outcome.reason ?? 'failed' });
      logger.warn({ deadLetterId: dl.id, reason: outcome.reason }, 'run failed permanently');
    } else {
      logger.info({ status: final.status, durationMs: finished.getTime() - started }, 'run finished');
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
