/**
 * Durable store in `persistDir/pubsub.sqlite` (WAL, synchronous=FULL so a publish is on disk
 * before the RPC answers). Message payloads are stored once; `deliveries` holds one row per
 * (subscription, message) the subscription still holds (`acked` = 1 for acknowledged messages kept
 * for seek or by an ordering key), `snapshot_messages` one row per message a snapshot retains, and
 * a payload goes when nothing references it any more.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DeliveryRow, PendingRecord, PubsubStore, SnapshotRecord } from './store.ts';
import type { SnapshotConfig, StoredMessage, SubscriptionConfig, TopicConfig } from './types.ts';

interface MessageRow { id: number; data: Buffer; attributes: string; ordering_key: string; publish_time: number }

const toMessage = (r: MessageRow): StoredMessage => ({
  messageId: String(r.id),
  data: r.data,
  attributes: JSON.parse(r.attributes) as Record<string, string>,
  orderingKey: r.ordering_key,
  publishTimeMs: r.publish_time,
});

const UNREFERENCED = `NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id)
  AND NOT EXISTS (SELECT 1 FROM snapshot_messages s WHERE s.message_id = messages.id)
  AND NOT EXISTS (SELECT 1 FROM topic_messages t WHERE t.message_id = messages.id)`;

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
      CREATE TABLE IF NOT EXISTS snapshots (name TEXT PRIMARY KEY, config TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS snapshot_messages (
        snapshot TEXT NOT NULL, message_id INTEGER NOT NULL, PRIMARY KEY (snapshot, message_id)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS snapshot_messages_by_message ON snapshot_messages (message_id);
      CREATE TABLE IF NOT EXISTS topic_messages (
        topic TEXT NOT NULL, message_id INTEGER NOT NULL, PRIMARY KEY (topic, message_id)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS topic_messages_by_message ON topic_messages (message_id);
    `);
    // Data directories written before acked messages were kept have no `acked` column yet.
    const columns = this.db.prepare('PRAGMA table_info(deliveries)').all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'acked')) this.db.exec('ALTER TABLE deliveries ADD COLUMN acked INTEGER NOT NULL DEFAULT 0');
    this.stmts = {
      upsertTopic: this.db.prepare('INSERT INTO topics (name, config) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET config = excluded.config'),
      deleteTopic: this.db.prepare('DELETE FROM topics WHERE name = ?'),
      upsertSub: this.db.prepare('INSERT INTO subscriptions (name, config) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET config = excluded.config'),
      deleteSub: this.db.prepare('DELETE FROM subscriptions WHERE name = ?'),
      deleteSubDeliveries: this.db.prepare('DELETE FROM deliveries WHERE subscription = ?'),
      orphans: this.db.prepare(`DELETE FROM messages WHERE ${UNREFERENCED}`),
      insertMessage: this.db.prepare('INSERT OR IGNORE INTO messages (id, data, attributes, ordering_key, publish_time) VALUES (?, ?, ?, ?, ?)'),
      insertDelivery: this.db.prepare('INSERT OR IGNORE INTO deliveries (subscription, message_id, attempts, acked) VALUES (?, ?, ?, ?)'),
      deleteDelivery: this.db.prepare('DELETE FROM deliveries WHERE subscription = ? AND message_id = ?'),
      deleteMessageIfOrphan: this.db.prepare(`DELETE FROM messages WHERE id = ? AND ${UNREFERENCED}`),
      updateAttempts: this.db.prepare('UPDATE deliveries SET attempts = ? WHERE subscription = ? AND message_id = ?'),
      setAcked: this.db.prepare('UPDATE deliveries SET acked = ? WHERE subscription = ? AND message_id = ?'),
      upsertSnapshot: this.db.prepare('INSERT INTO snapshots (name, config) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET config = excluded.config'),
      deleteSnapshot: this.db.prepare('DELETE FROM snapshots WHERE name = ?'),
      deleteSnapshotMessages: this.db.prepare('DELETE FROM snapshot_messages WHERE snapshot = ?'),
      insertSnapshotMessage: this.db.prepare('INSERT OR IGNORE INTO snapshot_messages (snapshot, message_id) VALUES (?, ?)'),
      insertTopicMessage: this.db.prepare('INSERT OR IGNORE INTO topic_messages (topic, message_id) VALUES (?, ?)'),
      deleteTopicMessage: this.db.prepare('DELETE FROM topic_messages WHERE topic = ? AND message_id = ?'),
      deleteTopicMessages: this.db.prepare('DELETE FROM topic_messages WHERE topic = ?'),
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
      SELECT d.subscription, d.attempts, d.acked, m.id, m.data, m.attributes, m.ordering_key, m.publish_time
      FROM deliveries d JOIN messages m ON m.id = d.message_id ORDER BY m.id`).all() as Array<MessageRow & {
      subscription: string; attempts: number; acked: number;
    }>;
    return rows.map((r) => ({ subscription: r.subscription, attempts: r.attempts, acked: r.acked === 1, message: toMessage(r) }));
  }

  loadSnapshots(): SnapshotRecord[] {
    const configs = (this.db.prepare('SELECT config FROM snapshots ORDER BY name').all() as Array<{ config: string }>).map((r) => JSON.parse(r.config) as SnapshotConfig);
    const messages = this.db.prepare(`
      SELECT m.id, m.data, m.attributes, m.ordering_key, m.publish_time FROM snapshot_messages s
      JOIN messages m ON m.id = s.message_id WHERE s.snapshot = ? ORDER BY m.id`);
    return configs.map((config) => ({ config, messages: (messages.all(config.name) as MessageRow[]).map(toMessage) }));
  }

  loadTopicMessages(): Array<{ topic: string; message: StoredMessage }> {
    const rows = this.db.prepare(`
      SELECT t.topic, m.id, m.data, m.attributes, m.ordering_key, m.publish_time FROM topic_messages t
      JOIN messages m ON m.id = t.message_id ORDER BY m.id`).all() as Array<MessageRow & { topic: string }>;
    return rows.map((r) => ({ topic: r.topic, message: toMessage(r) }));
  }

  loadNextMessageId(): number {
    const row = this.stmts.getMeta.get('next_message_id') as { value: string } | undefined;
    return row ? Number(row.value) : 1;
  }

  saveTopic(topic: TopicConfig): void { this.stmts.upsertTopic.run(topic.name, JSON.stringify(topic)); }

  deleteTopic(name: string): void {
    this.db.transaction(() => {
      this.stmts.deleteTopic.run(name);
      this.stmts.deleteTopicMessages.run(name);
      this.stmts.orphans.run();
    })();
  }

  saveSubscription(sub: SubscriptionConfig): void { this.stmts.upsertSub.run(sub.name, JSON.stringify(sub)); }

  deleteSubscription(name: string): void {
    this.db.transaction(() => {
      this.stmts.deleteSub.run(name);
      this.stmts.deleteSubDeliveries.run(name);
      this.stmts.orphans.run();
    })();
  }

  private insertMessage(m: StoredMessage): void {
    this.stmts.insertMessage.run(Number(m.messageId), m.data, JSON.stringify(m.attributes), m.orderingKey, m.publishTimeMs);
  }

  addMessages(publish: Parameters<PubsubStore['addMessages']>[0]): void {
    this.db.transaction(() => {
      const referenced = new Set([...publish.deliveries, ...publish.snapshots].map((d) => d.messageId));
      for (const m of publish.messages) {
        if (publish.topic) this.stmts.insertTopicMessage.run(publish.topic, Number(m.messageId));
        if (publish.topic || referenced.has(m.messageId)) this.insertMessage(m);
      }
      for (const d of publish.deliveries) this.stmts.insertDelivery.run(d.subscription, Number(d.messageId), 0, 0);
      for (const s of publish.snapshots) this.stmts.insertSnapshotMessage.run(s.snapshot, Number(s.messageId));
      this.stmts.setMeta.run('next_message_id', String(publish.nextMessageId));
    })();
  }

  removeMessages(subscription: string, messageIds: string[]): void {
    if (messageIds.length === 0) return;
    this.db.transaction(() => {
      for (const messageId of messageIds) {
        const id = Number(messageId);
        this.stmts.deleteDelivery.run(subscription, id);
        this.stmts.deleteMessageIfOrphan.run(id);
      }
    })();
  }

  removeTopicMessages(topic: string, messageIds: string[]): void {
    if (messageIds.length === 0) return;
    this.db.transaction(() => {
      for (const messageId of messageIds) {
        const id = Number(messageId);
        this.stmts.deleteTopicMessage.run(topic, id);
        this.stmts.deleteMessageIfOrphan.run(id);
      }
    })();
  }

  setAcked(subscription: string, messageIds: string[], acked: boolean): void {
    if (messageIds.length === 0) return;
    this.db.transaction(() => {
      for (const id of messageIds) this.stmts.setAcked.run(acked ? 1 : 0, subscription, Number(id));
    })();
  }

  updateAttempts(subscription: string, updates: Array<{ messageId: string; attempts: number }>): void {
    if (updates.length === 0) return;
    this.db.transaction(() => {
      for (const u of updates) this.stmts.updateAttempts.run(u.attempts, subscription, Number(u.messageId));
    })();
  }

  replaceDeliveries(subscription: string, rows: DeliveryRow[]): void {
    this.db.transaction(() => {
      this.stmts.deleteSubDeliveries.run(subscription);
      for (const r of rows) {
        this.insertMessage(r.message);
        this.stmts.insertDelivery.run(subscription, Number(r.message.messageId), r.attempts, r.acked ? 1 : 0);
      }
      this.stmts.orphans.run();
    })();
  }

  saveSnapshot(config: SnapshotConfig, messages?: StoredMessage[]): void {
    this.db.transaction(() => {
      this.stmts.upsertSnapshot.run(config.name, JSON.stringify(config));
      if (!messages) return;
      this.stmts.deleteSnapshotMessages.run(config.name);
      for (const m of messages) {
        this.insertMessage(m);
        this.stmts.insertSnapshotMessage.run(config.name, Number(m.messageId));
      }
    })();
  }

  deleteSnapshot(name: string): void {
    this.db.transaction(() => {
      this.stmts.deleteSnapshot.run(name);
      this.stmts.deleteSnapshotMessages.run(name);
      this.stmts.orphans.run();
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
