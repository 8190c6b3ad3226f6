/**
 * Where the emulator writes what must survive a restart. The broker keeps all live state in
 * memory and writes through this port; `MemoryStore` (Google's emulator behaviour: nothing kept)
 * and `SqliteStore` implement it.
 */
import type { SnapshotConfig, StoredMessage, SubscriptionConfig, TopicConfig } from './types.ts';

export interface PendingRecord {
  subscription: string;
  message: StoredMessage;
  attempts: number;
  /** Acknowledged but kept (retain_acked_messages, or held by its ordering key). */
  acked: boolean;
}

export interface SnapshotRecord {
  config: SnapshotConfig;
  messages: StoredMessage[];
}

/** One message of a subscription as seek leaves it. */
export interface DeliveryRow {
  message: StoredMessage;
  attempts: number;
  acked: boolean;
}

export interface PubsubStore {
  loadTopics(): TopicConfig[];
  loadSubscriptions(): SubscriptionConfig[];
  /** Every message every subscription holds, acked or not, in publish order. */
  loadPending(): PendingRecord[];
  loadSnapshots(): SnapshotRecord[];
  /** Messages kept by topics with message retention. */
  loadTopicMessages(): Array<{ topic: string; message: StoredMessage }>;
  /** The next message id to hand out (ids never repeat across restarts). */
  loadNextMessageId(): number;
  saveTopic(topic: TopicConfig): void;
  deleteTopic(name: string): void;
  saveSubscription(sub: SubscriptionConfig): void;
  /** Removes the subscription and all of its messages. */
  deleteSubscription(name: string): void;
  /**
   * One publish: the messages, where they were fanned out to (subscriptions and snapshots of the
   * topic, the topic itself when it retains messages), durable when this returns.
   */
  addMessages(publish: {
    messages: StoredMessage[];
    deliveries: Array<{ subscription: string; messageId: string }>;
    snapshots: Array<{ snapshot: string; messageId: string }>;
    /** Set when the topic has message retention. */
    topic?: string;
    nextMessageId: number;
  }): void;
  removeMessages(subscription: string, messageIds: string[]): void;
  removeTopicMessages(topic: string, messageIds: string[]): void;
  /** Marks messages acknowledged-but-kept (true) or unacknowledged again (false). */
  setAcked(subscription: string, messageIds: string[], acked: boolean): void;
  updateAttempts(subscription: string, updates: Array<{ messageId: string; attempts: number }>): void;
  /** Seek: the subscription's messages become exactly `rows`. */
  replaceDeliveries(subscription: string, rows: DeliveryRow[]): void;
  saveSnapshot(config: SnapshotConfig, messages?: StoredMessage[]): void;
  deleteSnapshot(name: string): void;
  close(): void;
}

export class MemoryStore implements PubsubStore {
  loadTopics(): TopicConfig[] { return []; }
  loadSubscriptions(): SubscriptionConfig[] { return []; }
  loadPending(): PendingRecord[] { return []; }
  loadSnapshots(): SnapshotRecord[] { return []; }
  loadTopicMessages(): Array<{ topic: string; message: StoredMessage }> { return []; }
  loadNextMessageId(): number { return 1; }
  saveTopic(): void {}
  deleteTopic(): void {}
  saveSubscription(): void {}
  deleteSubscription(): void {}
  addMessages(): void {}
  removeMessages(): void {}
  removeTopicMessages(): void {}
  setAcked(): void {}
  updateAttempts(): void {}
  replaceDeliveries(): void {}
  saveSnapshot(): void {}
  deleteSnapshot(): void {}
  close(): void {}
}
