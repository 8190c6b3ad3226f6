/**
 * Durable store in `persistDir/pubsub.sqlite` (WAL, synchronous=FULL so a publish is on disk
 * before the RPC answers). Message payloads are stored once; `deliveries` holds one row per
 * (subscription, message) not yet acked, and a payload goes when its last delivery row goes.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PendingRecord, PubsubStore } from './store.ts';
import type { StoredMessage, SubscriptionConfig, TopicConfig } from './types.ts';

export class SqliteStore implements PubsubStore {
  private readonly db: Database.Database;
  private readonly stmts;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.db = new Database(join(dir, 'pubsub.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS topics (name TEXT PRIMARY KEY, config TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS subscriptions (name TEXT PRIMARY KEY, config TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS messages (
        id INTEGER PRIMARY KEY, data BLOB NOT NULL, attributes TEXT NOT NULL,
        ordering_key TEXT NOT NULL, publish_time INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS deliveries (
        subscription TEXT NOT NULL, message_id INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (subscription, message_id)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS deliveries_by_message ON deliveries (message_id);
    `);
    this.stmts = {
      upsertTopic: this.db.prepare('INSERT INTO topics (name, config) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET config = excluded.config'),
      deleteTopic: this.db.prepare('DELETE FROM topics WHERE name = ?'),
      upsertSub: this.db.prepare('INSERT INTO subscriptions (name, config) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET config = excluded.config'),
      deleteSub: this.db.prepare('DELETE FROM subscriptions WHERE name = ?'),
      deleteSubDeliveries: this.db.prepare('DELETE FROM deliveries WHERE subscription = ?'),
      orphans: this.db.prepare('DELETE FROM messages WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id)'),
      insertMessage: this.db.prepare('INSERT OR IGNORE INTO messages (id, data, attributes, ordering_key, publish_time) VALUES (?, ?, ?, ?, ?)'),
      insertDelivery: this.db.prepare('INSERT OR IGNORE INTO deliveries (subscription, message_id, attempts) VALUES (?, ?, 0)'),
      deleteDelivery: this.db.prepare('DELETE FROM deliveries WHERE subscription = ? AND message_id = ?'),
      deleteMessageIfOrphan: this.db.prepare('DELETE FROM messages WHERE id = ? AND NOT EXISTS (SELECT 1 FROM deliveries WHERE message_id = ?)'),
      updateAttempts: this.db.prepare('UPDATE deliveries SET attempts = ? WHERE subscription = ? AND message_id = ?'),
      setMeta: this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      getMeta: this.db.prepare('SELECT value FROM meta WHERE key = ?'),
    };
  }

  loadTopics(): TopicConfig[] {
    return (this.db.prepare('SELECT config FROM topics ORDER BY name').all() as Array<{ config: string }>).map((r) => JSON.parse(r.config) as TopicConfig);
  }

  loadSubscriptions(): SubscriptionConfig[] {
    return (this.db.prepare('SELECT config FROM subscriptions ORDER BY name').all() as Array<{ config: string }>).map((r) => JSON.parse(r.config) as SubscriptionConfig);
  }

  loadPending(): PendingRecord[] {
    const rows = this.db.prepare(`
      SELECT d.subscription, d.attempts, m.id, m.data, m.attributes, m.ordering_key, m.publish_time
      FROM deliveries d JOIN messages m ON m.id = d.message_id ORDER BY m.id`).all() as Array<{
      subscription: string; attempts: number; id: number; data: Buffer; attributes: string; ordering_key: string; publish_time: number;
    }>;
    return rows.map((r) => ({
      subscription: r.subscription,
      attempts: r.attempts,
      message: {
        messageId: String(r.id),
        data: r.data,
        attributes: JSON.parse(r.attributes) as Record<string, string>,
        orderingKey: r.ordering_key,
        publishTimeMs: r.publish_time,
      },
    }));
  }

  loadNextMessageId(): number {
    const row = this.stmts.getMeta.get('next_message_id') as { value: string } | undefined;
    return row ? Number(row.value) : 1;
  }

  saveTopic(topic: TopicConfig): void { this.stmts.upsertTopic.run(topic.name, JSON.stringify(topic)); }

  deleteTopic(name: string): void { this.stmts.deleteTopic.run(name); }

  saveSubscription(sub: SubscriptionConfig): void { this.stmts.upsertSub.run(sub.name, JSON.stringify(sub)); }

  deleteSubscription(name: string): void {
    this.db.transaction(() => {
      this.stmts.deleteSub.run(name);
      this.stmts.deleteSubDeliveries.run(name);
      this.stmts.orphans.run();
    })();
  }

  addMessages(fanout: Array<{ subscription: string; message: StoredMessage }>, nextMessageId: number): void {
    this.db.transaction(() => {
      for (const { subscription, message: m } of fanout) {
        const id = Number(m.messageId);
        this.stmts.insertMessage.run(id, m.data, JSON.stringify(m.attributes), m.orderingKey, m.publishTimeMs);
        this.stmts.insertDelivery.run(subscription, id);
      }
      this.stmts.setMeta.run('next_message_id', String(nextMessageId));
    })();
  }

  removeMessages(subscription: string, messageIds: string[]): void {
    if (messageIds.length === 0) return;
    this.db.transaction(() => {
      for (const messageId of messageIds) {
        const id = Number(messageId);
        this.stmts.deleteDelivery.run(subscription, id);
        this.stmts.deleteMessageIfOrphan.run(id, id);
      }
    })();
  }

  updateAttempts(subscription: string, updates: Array<{ messageId: string; attempts: number }>): void {
    if (updates.length === 0) return;
    this.db.transaction(() => {
      for (const u of updates) this.stmts.updateAttempts.run(u.attempts, subscription, Number(u.messageId));
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
