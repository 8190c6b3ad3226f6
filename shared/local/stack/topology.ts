/**
 * The Pub/Sub topology the functions need, with the names Terraform uses
 * (terraform/modules/control-plane): each flow topic with a `-dlq` topic, a push subscription
 * to the flow's function with a dead-letter and retry policy, a pull subscription on every
 * dead-letter topic, and one on cp-events for observers.
 */
import type { PubSub } from '@google-cloud/pubsub';
import { deadLetterTopic, TOPICS, allTopics } from '../../events/topics.ts';
import { FUNCTIONS } from '../../flows/definitions.ts';

export const MAX_DELIVERY_ATTEMPTS = 5;

export function pushSubscriptionName(topic: string): string {
  return `${topic}-push`;
}

export function deadLetterSubscriptionName(topic: string): string {
  return `${deadLetterTopic(topic)}-sub`;
}

export const EVENTS_SUBSCRIPTION = `${TOPICS.events}-observer`;

async function ignoreExists(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (err) {
    if ((err as { code?: number }).code !== 6) throw err; // ALREADY_EXISTS: persisted from the last run
  }
}

export interface TopologyOptions {
  functionUrls: Record<string, string>;
  retry: { minimumBackoffSeconds: number; maximumBackoffSeconds: number };
  maxDeliveryAttempts?: number;
}

export async function ensureTopology(pubsub: PubSub, options: TopologyOptions): Promise<void> {
  for (const topic of allTopics()) await ignoreExists(pubsub.createTopic(topic));
  const projectId = await pubsub.getClientConfig().then((c) => c.projectId ?? pubsub.projectId);
  for (const fn of FUNCTIONS) {
    const endpoint = options.functionUrls[fn.flow];
    if (!endpoint) throw new Error(`no URL for function ${fn.flow}`);
    const name = pushSubscriptionName(fn.topic);
    const metadata = {
      pushConfig: { pushEndpoint: endpoint },
      ackDeadlineSeconds: 60,
      deadLetterPolicy: {
        deadLetterTopic: `projects/${projectId}/topics/${deadLetterTopic(fn.topic)}`,
        maxDeliveryAttempts: options.maxDeliveryAttempts ?? MAX_DELIVERY_ATTEMPTS,
      },
      retryPolicy: {
        minimumBackoff: { seconds: options.retry.minimumBackoffSeconds },
        maximumBackoff: { seconds: options.retry.maximumBackoffSeconds },
      },
    };
    const subscription = pubsub.subscription(name);
    const [exists] = await subscription.exists();
    if (exists) {
      // Ports change from run to run: repoint the persisted subscription at this run's function.
      await subscription.modifyPushConfig({ pushEndpoint: endpoint });
    } else {
      await ignoreExists(pubsub.topic(fn.topic).createSubscription(name, metadata));
    }
    await ignoreExists(pubsub.topic(deadLetterTopic(fn.topic)).createSubscription(deadLetterSubscriptionName(fn.topic), { ackDeadlineSeconds: 60 }));
  }
  await ignoreExists(pubsub.topic(deadLetterTopic(TOPICS.events)).createSubscription(deadLetterSubscriptionName(TOPICS.events)));
  await ignoreExists(pubsub.topic(TOPICS.events).createSubscription(EVENTS_SUBSCRIPTION, { ackDeadlineSeconds: 60 }));
}
