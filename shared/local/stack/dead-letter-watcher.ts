/**
 * Messages that exhausted their delivery attempts land on `<topic>-dlq`. Nothing may be lost
 * there unnoticed: the watcher records each as a dead letter in the state store (so
 * `stackctl dead-letters` shows it and `replay` can resend it) and marks its run failed.
 */
import type { Message, PubSub, Subscription } from '@google-cloud/pubsub';
import { FLOWS, FUNCTIONS } from '../../flows/definitions.ts';
import { REPLAY_ATTRIBUTE } from '../../runtime/pipeline.ts';
import type { StateStore } from '../../ports/state-store.ts';
import type { Logger } from '../../runtime/logger.ts';
import { deadLetterSubscriptionName } from './topology.ts';

const SOURCE_ATTRIBUTES = [
  'CloudPubSubDeadLetterSourceDeliveryCount',
  'CloudPubSubDeadLetterSourceSubscription',
  'CloudPubSubDeadLetterSourceSubscriptionProject',
  'CloudPubSubDeadLetterSourceTopicPublishTime',
];

export function watchDeadLetters(pubsub: PubSub, store: StateStore, logger: Logger): { close(): Promise<void> } {
  const subscriptions: Subscription[] = [];
  for (const fn of FUNCTIONS) {
    const subscription = pubsub.subscription(deadLetterSubscriptionName(fn.topic));
    subscription.on('message', (message: Message) => {
      record(fn.flow, fn.topic, message).then(() => message.ack(), (err: unknown) => {
        logger.error({ err: (err as Error).message, messageId: message.id }, 'could not record a dead letter; leaving it on the DLQ');
        message.nack();
      });
    });
    subscription.on('error', (err) => logger.error({ err: err.message, topic: fn.topic }, 'dead-letter subscription error'));
    subscriptions.push(subscription);
  }

  async function record(flow: (typeof FUNCTIONS)[number]['flow'], topic: string, message: Message): Promise<void> {
    const attributes = { ...message.attributes };
    const count = attributes.CloudPubSubDeadLetterSourceDeliveryCount ?? '?';
    const source = attributes.CloudPubSubDeadLetterSourceSubscription ?? '?';
    for (const key of SOURCE_ATTRIBUTES) delete attributes[key];
    // A replay that failed again is recorded as the original message, ready to be replayed anew.
    const replayOf = attributes[REPLAY_ATTRIBUTE];
    delete attributes[REPLAY_ATTRIBUTE];
    const reason = `delivery failed ${count} times on subscription ${source}; moved to ${topic}-dlq`;
    let runId: string | undefined;
    try {
      const event = FLOWS[flow].decode({
        data: message.data, attributes, messageId: message.id, publishTime: message.publishTime, mode: 'push',
      } as never);
      const run = await store.getRunByKey(replayOf ? `${event.key}#replay:${replayOf}` : event.key);
      if (run && (run.status === 'retrying' || run.status === 'running')) {
        await store.updateRun(run.id, { status: 'failed', error: { class: 'transient', message: reason } });
        runId = run.id;
      }
    } catch {
      // Undecodable messages were dead-lettered at the edge already; keep the record anyway.
    }
    const dl = await store.putDeadLetter({
      flow, topic, reason,
      raw: { data: message.data.toString('base64'), attributes, messageId: message.id, publishTime: message.publishTime.toISOString() },
    });
    await store.appendAudit({ flow, runId, actor: 'pubsub', action: `${flow}.dead-letter`, result: 'dead-lettered', reason, details: { deadLetterId: dl.id } });
    logger.warn({ flow, deadLetterId: dl.id, runId, reason }, 'message exhausted its delivery attempts');
  }

  return {
    close: async () => {
      await Promise.all(subscriptions.map((s) => s.close()));
    },
  };
}
