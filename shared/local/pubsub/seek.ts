/**
 * Seek (https://cloud.google.com/pubsub/docs/replay-overview): which of a subscription's messages
 * are unacknowledged afterwards. To a time: those it retains published at or after it (acked ones
 * come back only with retain_acked_messages; a time in the future purges the backlog). To a
 * snapshot of the same topic: exactly the messages the snapshot retains, everything else acked.
 * Only messages within the subscription's message_retention_duration take part, plus, for a seek
 * to a time, those the topic retains (topic message_retention_duration).
 */
import type { SnapshotState } from './snapshots.ts';
import type { SubscriptionState } from './subscription-state.ts';
import { durationMs, type StoredMessage } from './types.ts';

export type SeekTarget = { kind: 'time'; timeMs: number } | { kind: 'snapshot'; snapshot: SnapshotState };

export interface SeekRow {
  message: StoredMessage;
  attempts: number;
  acked: boolean;
}

/** The subscription's messages after the seek, in publish order. */
export function seekRows(sub: SubscriptionState, target: SeekTarget, now: number, topicRetained: StoredMessage[]): SeekRow[] {
  const retention = durationMs(sub.config.messageRetentionDuration) ?? Infinity;
  const live = (m: StoredMessage) => m.publishTimeMs + retention > now;
  const held = new Map(sub.all().filter((p) => live(p.message)).map((p) => [p.message.messageId, p]));
  const rows: SeekRow[] = [];
  if (target.kind === 'time') {
    for (const p of held.values()) rows.push({ message: p.message, attempts: p.attempts, acked: p.message.publishTimeMs < target.timeMs });
    for (const m of topicRetained) {
      if (held.has(m.messageId) || m.publishTimeMs < target.timeMs || !sub.accepts(m)) continue;
      rows.push({ message: m, attempts: 0, acked: false });
    }
  } else {
    const retainedBySnapshot = target.snapshot.messages;
    for (const p of held.values()) {
      if (!retainedBySnapshot.has(p.message.messageId)) rows.push({ message: p.message, attempts: p.attempts, acked: true });
    }
    for (const m of retainedBySnapshot.values()) {
      if (!live(m) || !sub.accepts(m)) continue;
      rows.push({ message: m, attempts: held.get(m.messageId)?.attempts ?? 0, acked: false });
    }
  }
  return rows.sort((a, b) => Number(a.message.messageId) - Number(b.message.messageId));
}
