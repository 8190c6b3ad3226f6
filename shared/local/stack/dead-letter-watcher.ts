/**
 * Messages that exhausted their delivery attempts land on `<topic>-dlq`. Nothing may be lost
 * there unnoticed: the watcher records each as a dead letter in the state store (so
 * `stackctl dead-letters` shows it and `replay` can resend it) and fails its run, saying what the
 * run left behind. It never touches a run that finished or one that is still being worked on:
 * a copy of a message can exhaust its attempts while another copy runs, or waits parked.
 */
import type { Message, PubSub, Subscription } from '@google-cloud/pubsub';
import type { FlowName } from '../../events/topics.ts';
import { FLOWS, FUNCTIONS } from '../../flows/definitions.ts';
import { REPLAY_ATTRIBUTE } from '../../runtime/pipeline.ts';
import { putBoundedDeadLetter, type DeadLetterDeps } from '../../runtime/dead-letters.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Run } from '../../ports/state-store.ts';
import type { Logger } from '../../runtime/logger.ts';
import { deadLetterSubscriptionName } from './topology.ts';

const SOURCE_ATTRIBUTES = [
  'CloudPubSubDeadLetterSourceDeliveryCount',
  'CloudPubSubDeadLetterSourceSubscription',
  'CloudPubSubDeadLetterSourceSubscriptionProject',
  'CloudPubSubDeadLetterSourceTopicPublishTime',
];

export interface WatcherDeps extends DeadLetterDeps {
  clock: Clock;
  logger: Logger;
}

export interface ExhaustedMessage {
  id: string;
  data: Buffer;
  attributes: Record<string, string>;
  publishTime: Date;
}

export function watchDeadLetters(pubsub: PubSub, deps: WatcherDeps): { close(): Promise<void> } {
  const subscriptions: Subscription[] = [];
  for (const fn of FUNCTIONS) {
    const subscription = pubsub.subscription(deadLetterSubscriptionName(fn.topic));
    subscription.on('message', (message: Message) => {
      recordExhausted(deps, fn.flow, fn.topic, message).then(() => message.ack(), (err: unknown) => {
        deps.logger.error({ err: (err as Error).message, messageId: message.id }, 'could not record a dead letter; leaving it on the DLQ');
        message.nack();
      });
    });
    subscription.on('error', (err) => deps.logger.error({ err: err.message, topic: fn.topic }, 'dead-letter subscription error'));
    subscriptions.push(subscription);
  }
  return {
    close: async () => {
      await Promise.all(subscriptions.map((s) => s.close()));
    },
  };
}

/** Records one message that exhausted its attempts; exported for tests. */
export async function recordExhausted(deps: WatcherDeps, flow: FlowName, topic: string, message: ExhaustedMessage): Promise<void> {
  const { store, logger } = deps;
  const attributes = { ...message.attributes };
  const count = attributes.CloudPubSubDeadLetterSourceDeliveryCount ?? '?';
  const source = attributes.CloudPubSubDeadLetterSourceSubscription ?? '?';
  for (const key of SOURCE_ATTRIBUTES) delete attributes[key];
  // A replay that failed again is recorded as the original message, ready to be replayed anew.
  const replayOf = attributes[REPLAY_ATTRIBUTE];
  delete attributes[REPLAY_ATTRIBUTE];
  let reason = `delivery failed ${count} times on subscription ${source}; moved to ${topic}-dlq`;
  let run: Run | null = null;
  let key: string | undefined;
  let lockTargets: string[] = [];
  try {
    const definition = FLOWS[flow] as unknown as { decode(m: unknown): { key: string; target?: string }; lockTarget?(e: unknown): string | null };
    const event = definition.decode({ data: message.data, attributes, messageId: message.id, publishTime: message.publishTime, mode: 'push' });
    key = replayOf ? `${event.key}#replay:${replayOf}` : event.key;
    run = await store.getRunByKey(key);
    const declared = definition.lockTarget ? definition.lockTarget(event) : event.target;
    lockTargets = [declared ?? `run:${key}`, ...(event.target ? [event.target] : [])];
  } catch {
    // Undecodable messages were dead-lettered at the edge already; keep the record anyway.
  }

  if (run) {
    const busyElsewhere = await stillInHand(deps, run, key!, lockTargets);
    if (busyElsewhere || !['retrying', 'running'].includes(run.status)) {
      const why = busyElsewhere ?? `run ${run.id} already ${run.status}`;
      await store.appendAudit({ flow, runId: run.id, actor: 'pubsub', action: `${flow}.dead-letter`, result: 'info', reason: `${reason}; not recorded as a dead letter: ${why}` });
      logger.info({ flow, runId: run.id, why }, 'a copy exhausted its attempts; its run is not lost');
      return;
    }
    const leftBehind = run.steps.filter((s) => s.status === 'succeeded').map((s) => s.name);
    if (leftBehind.length) reason += `; pending cleanup: ${leftBehind.join(', ')}`;
    await store.updateRun(run.id, { status: 'failed', leaseExpiresAt: undefined, result: { pendingCleanup: leftBehind }, error: { class: 'transient', message: reason } });
  }
  const dl = await putBoundedDeadLetter(deps, {
    flow, topic, reason,
    raw: { data: message.data.toString('base64'), attributes, messageId: message.id, publishTime: message.publishTime.toISOString() },
  });
  await store.appendAudit({ flow, runId: run?.id, actor: 'pubsub', action: `${flow}.dead-letter`, result: 'dead-lettered', reason, details: { deadLetterId: dl.id } });
  logger.warn({ flow, deadLetterId: dl.id, runId: run?.id, reason }, 'message exhausted its delivery attempts');
}

/** Why the run is not abandoned (it runs under a live lease, or its message waits parked), or null. */
async function stillInHand(deps: WatcherDeps, run: Run, key: string, lockTargets: string[]): Promise<string | null> {
  if (run.status === 'running' && run.leaseExpiresAt && Date.parse(run.leaseExpiresAt) > deps.clock.now().getTime()) {
    return `run ${run.id} is running under a live lease`;
  }
  const waitingFor = /^waiting for (\S+)$/.exec(run.error?.message ?? '')?.[1];
  for (const target of new Set([...lockTargets, ...(waitingFor ? [waitingFor] : [])])) {
    if (await deps.store.getParked(target, key)) return `its message waits parked on ${target}`;
  }
  return null;
}
