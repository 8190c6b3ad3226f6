/**
 * Validation and defaulting of topic and subscription configs, with the limits of the real
 * service (ack deadline 10–600 s, retention 10 min–7 days, max delivery attempts 5–100,
 * backoff 0–600 s). Errors name the offending field.
 */
import { compileFilter } from './filter.ts';
import { parseSubscriptionName, parseTopicName } from './names.ts';
import { invalidArgument, unimplemented } from './status.ts';
import { DELETED_TOPIC, durationMs, msToDuration, type Duration, type PushConfig, type SubscriptionConfig, type TopicConfig } from './types.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
export const DEFAULT_ACK_DEADLINE_SECONDS = 10;
export const DEFAULT_RETENTION_MS = 7 * DAY;
export const DEFAULT_MAX_DELIVERY_ATTEMPTS = 5;
export const DEFAULT_MIN_BACKOFF_MS = 10_000;
export const DEFAULT_MAX_BACKOFF_MS = 600_000;

export function labels(value: unknown, field: string): Record<string, string> {
  if (value == null) return {};
  if (typeof value !== 'object') throw invalidArgument(`${field} must be a map of strings.`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!/^[a-z][a-z0-9_-]{0,62}$/.test(k)) throw invalidArgument(`${field}: invalid label key "${k}" (lowercase letters, digits, '_' and '-', starting with a letter, at most 63 characters).`);
    if (typeof v !== 'string' || !/^[a-z0-9_-]{0,63}$/.test(v)) throw invalidArgument(`${field}: invalid value for label "${k}" (lowercase letters, digits, '_' and '-', at most 63 characters).`);
    out[k] = v;
  }
  return out;
}

function duration(value: Duration | null | undefined, field: string, minMs: number, maxMs: number): number | undefined {
  const ms = durationMs(value);
  if (ms === undefined) return undefined;
  if (!Number.isFinite(ms) || ms < minMs || ms > maxMs) {
    throw invalidArgument(`${field} must be between ${minMs / 1000}s and ${maxMs / 1000}s, got ${ms / 1000}s.`);
  }
  return ms;
}

export function normalizeTopic(input: Partial<TopicConfig>): TopicConfig {
  parseTopicName(input.name, 'name');
  const retention = duration(input.messageRetentionDuration, 'message_retention_duration', 10 * MINUTE, 31 * DAY);
  if ((input as { schemaSettings?: { schema?: string } | null }).schemaSettings?.schema) {
    throw unimplemented('schema_settings: schemas are not supported by this emulator.');
  }
  if ((input as { ingestionDataSourceSettings?: unknown }).ingestionDataSourceSettings) {
    throw unimplemented('ingestion_data_source_settings: ingestion topics are not supported by this emulator.');
  }
  return {
    name: input.name!,
    labels: labels(input.labels, 'labels'),
    messageRetentionDuration: retention === undefined ? null : msToDuration(retention),
    state: 'ACTIVE',
  };
}

function pushConfig(value: PushConfig | null | undefined): PushConfig | null {
  if (!value || !value.pushEndpoint) return null;
  let url: URL;
  try {
    url = new URL(value.pushEndpoint);
  } catch {
    throw invalidArgument(`push_config.push_endpoint is not a valid URL: "${value.pushEndpoint}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidArgument(`push_config.push_endpoint must be an http(s) URL, got "${value.pushEndpoint}".`);
  }
  return {
    pushEndpoint: value.pushEndpoint,
    attributes: { ...(value.attributes ?? {}) },
    oidcToken: value.oidcToken ?? null,
    noWrapper: value.noWrapper ?? null,
  };
}

/** Validates a subscription; `topicExists` decides NOT_FOUND for the topic and dead-letter topic. */
export function normalizeSubscription(input: Partial<SubscriptionConfig>, topicExists: (name: string) => boolean): SubscriptionConfig {
  parseSubscriptionName(input.name, 'name');
  // A subscription outlives its topic (it then points at _deleted-topic_) and stays updatable.
  if (input.topic !== DELETED_TOPIC) parseTopicName(input.topic, 'topic');
  const ack = input.ackDeadlineSeconds ?? 0;
  if (ack !== 0 && (ack < 10 || ack > 600)) {
    throw invalidArgument(`ack_deadline_seconds must be between 10 and 600 seconds, got ${ack}.`);
  }
  const retention = duration(input.messageRetentionDuration, 'message_retention_duration', 10 * MINUTE, 7 * DAY) ?? DEFAULT_RETENTION_MS;
  let retryPolicy: SubscriptionConfig['retryPolicy'] = null;
  if (input.retryPolicy) {
    const min = duration(input.retryPolicy.minimumBackoff, 'retry_policy.minimum_backoff', 0, 600_000) ?? DEFAULT_MIN_BACKOFF_MS;
    const max = duration(input.retryPolicy.maximumBackoff, 'retry_policy.maximum_backoff', 0, 600_000) ?? DEFAULT_MAX_BACKOFF_MS;
    if (min > max) throw invalidArgument(`retry_policy.minimum_backoff (${min / 1000}s) must not exceed retry_policy.maximum_backoff (${max / 1000}s).`);
    retryPolicy = { minimumBackoff: msToDuration(min), maximumBackoff: msToDuration(max) };
  }
  let deadLetterPolicy: SubscriptionConfig['deadLetterPolicy'] = null;
  if (input.deadLetterPolicy && input.deadLetterPolicy.deadLetterTopic) {
    const dlt = parseTopicName(input.deadLetterPolicy.deadLetterTopic, 'dead_letter_policy.dead_letter_topic');
    if (!topicExists(dlt.name)) throw invalidArgument(`dead_letter_policy.dead_letter_topic ${dlt.name} does not exist.`);
    const attempts = input.deadLetterPolicy.maxDeliveryAttempts || DEFAULT_MAX_DELIVERY_ATTEMPTS;
    if (attempts < 5 || attempts > 100) {
      throw invalidArgument(`dead_letter_policy.max_delivery_attempts must be between 5 and 100, got ${attempts}.`);
    }
    deadLetterPolicy = { deadLetterTopic: dlt.name, maxDeliveryAttempts: attempts };
  }
  const filter = typeof input.filter === 'string' ? input.filter : '';
  compileFilter(filter);
  for (const field of ['bigqueryConfig', 'cloudStorageConfig', 'bigtableConfig'] as const) {
    const v = input[field] as Record<string, unknown> | null | undefined;
    if (v && Object.values(v).some((x) => x !== '' && x != null && x !== false && x !== 0 && x !== 'STATE_UNSPECIFIED')) {
      throw unimplemented(`${field}: export subscriptions are not supported by this emulator.`);
    }
  }
  return {
    name: input.name!,
    topic: input.topic!,
    pushConfig: pushConfig(input.pushConfig),
    ackDeadlineSeconds: ack || DEFAULT_ACK_DEADLINE_SECONDS,
    retainAckedMessages: Boolean(input.retainAckedMessages),
    messageRetentionDuration: msToDuration(retention),
    labels: labels(input.labels, 'labels'),
    enableMessageOrdering: Boolean(input.enableMessageOrdering),
    expirationPolicy: input.expirationPolicy ?? null,
    filter,
    deadLetterPolicy,
    retryPolicy,
    detached: false,
    enableExactlyOnceDelivery: Boolean(input.enableExactlyOnceDelivery),
    state: 'ACTIVE',
  };
}

const UPDATABLE: Record<string, keyof SubscriptionConfig> = {
  ack_deadline_seconds: 'ackDeadlineSeconds',
  push_config: 'pushConfig',
  retain_acked_messages: 'retainAckedMessages',
  message_retention_duration: 'messageRetentionDuration',
  labels: 'labels',
  expiration_policy: 'expirationPolicy',
  dead_letter_policy: 'deadLetterPolicy',
  retry_policy: 'retryPolicy',
  enable_exactly_once_delivery: 'enableExactlyOnceDelivery',
};
const IMMUTABLE = new Set(['name', 'topic', 'enable_message_ordering', 'filter']);

const snake = (path: string) => path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Applies an UpdateSubscription field mask to an existing config, then re-validates it. */
export function applySubscriptionUpdate(
  current: SubscriptionConfig,
  patch: Partial<SubscriptionConfig>,
  paths: string[],
  topicExists: (name: string) => boolean,
): SubscriptionConfig {
  if (paths.length === 0) throw invalidArgument('update_mask must name at least one field to update.');
  const next: Partial<SubscriptionConfig> = { ...current };
  for (const raw of paths) {
    const path = snake(raw);
    if (IMMUTABLE.has(path)) throw invalidArgument(`update_mask: field ${path} cannot be updated.`);
    const field = UPDATABLE[path];
    if (!field) throw invalidArgument(`update_mask: unknown or unsupported field "${raw}".`);
    (next as Record<string, unknown>)[field] = patch[field];
  }
  const normalized = normalizeSubscription(next, topicExists);
  return { ...normalized, topic: current.topic };
}

export function applyTopicUpdate(current: TopicConfig, patch: Partial<TopicConfig>, paths: string[]): TopicConfig {
  if (paths.length === 0) throw invalidArgument('update_mask must name at least one field to update.');
  const next: Partial<TopicConfig> = { ...current };
  for (const raw of paths) {
    const path = snake(raw);
    if (path === 'labels') next.labels = patch.labels;
    else if (path === 'message_retention_duration') next.messageRetentionDuration = patch.messageRetentionDuration ?? null;
    else throw invalidArgument(`update_mask: unknown or unsupported topic field "${raw}".`);
  }
  return normalizeTopic(next);
}
