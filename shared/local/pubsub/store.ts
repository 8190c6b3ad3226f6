/**
 * Where the emulator writes what must survive a restart. The broker keeps all live state in
 * memory and writes through this port; `MemoryStore` (Google's emulator behaviour: nothing kept)
 * and `SqliteStore` implement it.
 */
import type { StoredMessage, SubscriptionConfig, TopicConfig } from './types.ts';

export interface PendingRecord {
  subscription: string;
  message: StoredMessage;
  attempts: number;
}

export interface PubsubStore {
  loadTopics(): TopicConfig[];
  loadSubscriptions(): SubscriptionConfig[];
  /** Every unacked message of every subscription, in publish order. */
  loadPending(): PendingRecord[];
  /** The next message id to hand out (ids never repeat across restarts). */
  loadNextMessageId(): number;
  saveTopic(topic: TopicConfig): void;
  deleteTopic(name: string): void;
  saveSubscription(sub: SubscriptionConfig): void;
  /** Removes the subscription and all of its unacked messages. */
  deleteSubscription(name: string): void;
  /** One publish: the messages fanned out to these subscriptions, durable when this returns. */
  addMessages(fanout: Array<{ subscription: string; message: StoredMessage }>, nextMessageId: number): void;
  removeMessages(subscription: string, messageIds: string[]): void;
  updateAttempts(subscription: string, updates: Array<{ messageId: string; attempts: number }>): void;
  close(): void;
}

export class MemoryStore implements PubsubStore {
  loadTopics(): TopicConfig[] { return []; }
  loadSubscriptions(): SubscriptionConfig[] { return []; }
  loadPending(): PendingRecord[] { return []; }
  loadNextMessageId(): number { return 1; }
  saveTopic(): void {}
  deleteTopic(): void {}
  saveSubscription(): void {}
  deleteSubscription(): void {}
  addMessages(): void {}
  removeMessages(): void {}
  updateAttempts(): void {}
  close(): void {}
}
