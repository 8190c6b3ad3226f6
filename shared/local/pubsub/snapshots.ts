/**
 * Snapshots (https://cloud.google.com/pubsub/docs/replay-overview): a snapshot retains the
 * messages unacknowledged in its source subscription when it was created, plus every message
 * published to the topic afterwards, until it expires: 7 days minus the age of the oldest
 * unacknowledged message (refused with FAILED_PRECONDITION below 1 hour), or an earlier
 * `expire_time` set by UpdateSnapshot. Expired snapshots are deleted.
 */
import { randomBytes } from 'node:crypto';
import { parseProject, parseSnapshotName, parseSubscriptionName } from './names.ts';
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from './status.ts';
import type { PubsubStore } from './store.ts';
import { toTimestamp, type SnapshotConfig, type StoredMessage } from './types.ts';
import { labels as validLabels } from './config.ts';

const HOUR = 60 * 60 * 1000;
export const MAX_SNAPSHOT_LIFETIME_MS = 7 * 24 * HOUR;

export interface SnapshotState {
  config: SnapshotConfig;
  messages: Map<string, StoredMessage>;
}

/** The proto-JSON shape of a snapshot, as the client expects it. */
export function renderSnapshot(config: SnapshotConfig) {
  return { name: config.name, topic: config.topic, expireTime: toTimestamp(config.expireTimeMs), labels: config.labels };
}

export class SnapshotRegistry {
  private readonly snapshots = new Map<string, SnapshotState>();

  constructor(private readonly store: PubsubStore) {
    for (const rec of store.loadSnapshots()) {
      this.snapshots.set(rec.config.name, { config: rec.config, messages: new Map(rec.messages.map((m) => [m.messageId, m])) });
    }
  }

  create(input: { name?: unknown; labels?: unknown }, source: { subscription: string; topic: string; unacked: StoredMessage[] }, now: number): SnapshotConfig {
    const { project } = parseSubscriptionName(source.subscription);
    const name = input.name === '' || input.name == null ? `projects/${project}/snapshots/snapshot-${randomBytes(6).toString('hex')}` : input.name;
    const { name: n } = parseSnapshotName(name, 'name');
    this.expire(now);
    if (this.snapshots.has(n)) throw alreadyExists(`Snapshot already exists: ${n}`);
    const oldest = source.unacked.reduce((min, m) => Math.min(min, m.publishTimeMs), now);
    const expireTimeMs = oldest + MAX_SNAPSHOT_LIFETIME_MS;
    if (expireTimeMs - now < HOUR) {
      throw failedPrecondition(`The subscription's backlog is too old to snapshot: the snapshot would expire in less than 1 hour (oldest unacked message published ${new Date(oldest).toISOString()}).`);
    }
    const config: SnapshotConfig = { name: n, topic: source.topic, expireTimeMs, labels: validLabels(input.labels, 'labels') };
    this.snapshots.set(n, { config, messages: new Map(source.unacked.map((m) => [m.messageId, m])) });
    this.store.saveSnapshot(config, source.unacked);
    return config;
  }

  get(name: unknown, now: number, field = 'snapshot'): SnapshotState {
    const { name: n } = parseSnapshotName(name, field);
    this.expire(now);
    const snap = this.snapshots.get(n);
    if (!snap) throw notFound(`Snapshot does not exist: ${n}`);
    return snap;
  }

  list(project: unknown, now: number): SnapshotConfig[] {
    const p = parseProject(project);
    this.expire(now);
    return [...this.snapshots.values()].map((s) => s.config).filter((c) => c.name.startsWith(`projects/${p}/snapshots/`)).sort((a, b) => a.name.localeCompare(b.name));
  }

  listForTopic(topic: string, now: number): string[] {
    this.expire(now);
    return [...this.snapshots.values()].filter((s) => s.config.topic === topic).map((s) => s.config.name).sort();
  }

  update(patch: { name?: unknown; labels?: unknown; expireTime?: { seconds?: number | string; nanos?: number } | null } | undefined, paths: string[], now: number): SnapshotConfig {
    if (!patch) throw invalidArgument('snapshot is required.');
    const snap = this.get(patch.name, now, 'snapshot.name');
    if (paths.length === 0) throw invalidArgument('update_mask must name at least one field to update.');
    const next = { ...snap.config };
    for (const raw of paths) {
      const path = raw.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      if (path === 'labels') next.labels = validLabels(patch.labels, 'snapshot.labels');
      else if (path === 'expire_time') {
        const t = patch.expireTime;
        const ms = t ? Number(t.seconds ?? 0) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6) : NaN;
        if (!Number.isFinite(ms) || ms <= now) throw invalidArgument('snapshot.expire_time must be a time in the future.');
        if (ms > snap.config.expireTimeMs) {
          throw invalidArgument(`snapshot.expire_time cannot be later than the snapshot's current expiry (${new Date(snap.config.expireTimeMs).toISOString()}): it is bounded by the age of the backlog it retains.`);
        }
        next.expireTimeMs = ms;
      } else throw invalidArgument(`update_mask: unknown or unsupported snapshot field "${raw}".`);
    }
    snap.config = next;
    this.store.saveSnapshot(next);
    return next;
  }

  delete(name: unknown, now: number): void {
    const snap = this.get(name, now);
    this.snapshots.delete(snap.config.name);
    this.store.deleteSnapshot(snap.config.name);
  }

  /** The snapshots of `topic` a new publish must be retained by. */
  capturing(topic: string, now: number): SnapshotState[] {
    return [...this.snapshots.values()].filter((s) => s.config.topic === topic && s.config.expireTimeMs > now);
  }

  /** Deletes expired snapshots; returns the next expiry (Infinity when none). */
  expire(now: number): number {
    let next = Infinity;
    for (const snap of [...this.snapshots.values()]) {
      if (snap.config.expireTimeMs <= now) {
        this.snapshots.delete(snap.config.name);
        this.store.deleteSnapshot(snap.config.name);
      } else {
        next = Math.min(next, snap.config.expireTimeMs);
      }
    }
    return next;
  }
}
