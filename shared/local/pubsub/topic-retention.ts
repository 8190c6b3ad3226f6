/**
 * Topic message retention (Topic.message_retention_duration, 10 minutes to 31 days): messages
 * published to the topic within that window stay available to every attached subscription, so a
 * seek to a past time replays them even when they were acked, or published before the
 * subscription existed (https://cloud.google.com/pubsub/docs/replay-overview).
 */
import type { PubsubStore } from './store.ts';
import { durationMs, type StoredMessage, type TopicConfig } from './types.ts';

export class TopicRetention {
  private readonly logs = new Map<string, Map<string, StoredMessage>>();

  constructor(private readonly store: PubsubStore) {
    for (const rec of store.loadTopicMessages()) this.log(rec.topic).set(rec.message.messageId, rec.message);
  }

  private log(topic: string): Map<string, StoredMessage> {
    let log = this.logs.get(topic);
    if (!log) this.logs.set(topic, (log = new Map()));
    return log;
  }

  static retains(topic: TopicConfig): boolean {
    return durationMs(topic.messageRetentionDuration) !== undefined;
  }

  /** Called after the store recorded the publish. */
  add(topic: string, messages: StoredMessage[]): void {
    const log = this.log(topic);
    for (const m of messages) log.set(m.messageId, m);
  }

  /** The topic's retained messages still within its retention. */
  messages(topic: TopicConfig, now: number): StoredMessage[] {
    const retention = durationMs(topic.messageRetentionDuration);
    if (retention === undefined) return [];
    return [...(this.logs.get(topic.name)?.values() ?? [])].filter((m) => m.publishTimeMs + retention > now);
  }

  /** Forgets what fell out of each topic's retention (all of it once retention is off); returns the next expiry. */
  prune(topics: ReadonlyMap<string, TopicConfig>, now: number): number {
    let next = Infinity;
    for (const [name, log] of this.logs) {
      const retention = durationMs(topics.get(name)?.messageRetentionDuration);
      const expired: string[] = [];
      for (const m of log.values()) {
        if (retention === undefined || m.publishTimeMs + retention <= now) expired.push(m.messageId);
        else next = Math.min(next, m.publishTimeMs + retention);
      }
      for (const id of expired) log.delete(id);
      this.store.removeTopicMessages(name, expired);
      if (log.size === 0) this.logs.delete(name);
    }
    return next;
  }
}
