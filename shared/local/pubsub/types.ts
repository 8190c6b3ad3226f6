/**
 * The emulator's data model. Topic and subscription configs are kept in the camelCase proto-JSON
 * shape proto-loader produces, so they round-trip to the client unchanged and persist as JSON.
 */
export interface Duration {
  seconds: number;
  nanos?: number;
}

export interface TopicConfig {
  name: string;
  labels: Record<string, string>;
  messageRetentionDuration: Duration | null;
  [field: string]: unknown;
}

export interface PushConfig {
  pushEndpoint: string;
  attributes: Record<string, string>;
  oidcToken?: { serviceAccountEmail: string; audience: string } | null;
  pubsubWrapper?: Record<string, never> | null;
  noWrapper?: { writeMetadata: boolean } | null;
  [field: string]: unknown;
}

export interface SubscriptionConfig {
  name: string;
  topic: string;
  pushConfig: PushConfig | null;
  ackDeadlineSeconds: number;
  retainAckedMessages: boolean;
  messageRetentionDuration: Duration;
  labels: Record<string, string>;
  enableMessageOrdering: boolean;
  expirationPolicy: { ttl: Duration | null } | null;
  filter: string;
  deadLetterPolicy: { deadLetterTopic: string; maxDeliveryAttempts: number } | null;
  retryPolicy: { minimumBackoff: Duration | null; maximumBackoff: Duration | null } | null;
  detached: boolean;
  enableExactlyOnceDelivery: boolean;
  state: string;
  [field: string]: unknown;
}

/** One published message as it is stored (once per subscription it was fanned out to). */
export interface StoredMessage {
  messageId: string;
  data: Buffer;
  attributes: Record<string, string>;
  orderingKey: string;
  publishTimeMs: number;
}

/** A snapshot as stored; `expireTimeMs` is rendered as the proto `expire_time`. */
export interface SnapshotConfig {
  name: string;
  topic: string;
  expireTimeMs: number;
  labels: Record<string, string>;
}

export const DELETED_TOPIC = '_deleted-topic_';

export function durationMs(d: Duration | null | undefined): number | undefined {
  if (!d) return undefined;
  return Number(d.seconds ?? 0) * 1000 + Math.floor(Number(d.nanos ?? 0) / 1e6);
}

export function msToDuration(ms: number): Duration {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

export function toTimestamp(ms: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}
